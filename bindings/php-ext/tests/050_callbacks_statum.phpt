--TEST--
Callbacks: Statum's result and airtime result
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$r = Tuma\Callbacks::statumResult('{"request_id":"R1","result_code":"200","result_desc":"Delivered"}');
check($r === ['request_id' => 'R1', 'result_code' => '200', 'result_desc' => 'Delivered'], 'statum.result', $r);
$a = Tuma\Callbacks::statumAirtimeResult('{"request_id":"A1","charge":"1.5","account_balance":"98.5","result_code":"200","result_desc":"OK"}');
check($a['account_balance'] === 98.5 && $a['charge'] === 1.5, 'statum.airtime_result: numbers from strings', $a);
check(Tuma\Callbacks::parse('statum.result', '{"request_id":"R2","result_code":"200","result_desc":"x"}')['request_id'] === 'R2', 'parse() by kind');
?>
--EXPECT--
ok - statum.result
ok - statum.airtime_result: numbers from strings
ok - parse() by kind
