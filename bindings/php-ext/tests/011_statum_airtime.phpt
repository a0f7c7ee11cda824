--TEST--
Statum: airtime
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$air = $tuma->statum()->airtime(['phone' => '+254712345678', 'amount' => 20]);
check($air['status_code'] === 200, 'airtime accepted');
$ledger = array_filter(stats()['payments'], fn ($p) => str_contains(json_encode($p), $air['request_id']));
check(count($ledger) === 1, 'the sandbox recorded the top-up once', stats()['payments']);
?>
--EXPECT--
ok - airtime accepted
ok - the sandbox recorded the top-up once
