--TEST--
RateLimitedException: HTTP 429 with Retry-After
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
fault('/statum/api/v2/account-details', 'status=429;retry_after=2');
$e = throws(Tuma\RateLimitedException::class, fn () => $tuma->statum()->accountDetails());
check($e !== null && $e->kind === 'rate_limited' && $e->getCode() === 202, 'rate limited');
check($e?->retryAfterMs === 2000 && $e->provider === 'statum', 'retry after 2 s', $e?->retryAfterMs);
check($tuma->statum()->accountDetails()['status_code'] === 200, 'the next call goes through');
?>
--EXPECT--
ok - rate limited
ok - retry after 2 s
ok - the next call goes through
