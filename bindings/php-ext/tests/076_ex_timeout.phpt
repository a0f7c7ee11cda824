--TEST--
TimeoutException: the answer does not come in time
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config(['http' => ['connect_timeout_ms' => 200, 'timeout_ms' => 300]]));
fault('/statum/api/v2/account-details', 'latency=2000');
$start = microtime(true);
$e = throws(Tuma\TimeoutException::class, fn () => $tuma->statum()->accountDetails());
check($e !== null && $e->kind === 'timeout' && $e->getCode() === 301, 'timed out');
check(microtime(true) - $start < 1.9, 'within the timeout, not the latency');
?>
--EXPECT--
ok - timed out
ok - within the timeout, not the latency
