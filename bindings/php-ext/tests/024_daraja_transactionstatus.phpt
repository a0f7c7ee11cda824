--TEST--
Daraja: transactionStatus and its asynchronous result
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$receiver = new Receiver();
$tuma = new Tuma\Client(config(['daraja' => ['result_url' => "$receiver->url/result"]]));
$r = $tuma->daraja()->transactionStatus(['transaction_id' => 'OEI2AK4Q16']);
check($r['response_code'] === '0' && str_starts_with($r['conversation_id'], 'AG_'), 'accepted', $r);
$cb = $receiver->next();
check($cb['path'] === '/result', 'result posted to the result URL');
$result = Tuma\Callbacks::darajaResult($cb['body']);
check($result['conversation_id'] === $r['conversation_id'], 'result matches the request');
check(isset($result['result_code']), 'a result code', $result);
?>
--EXPECT--
ok - accepted
ok - result posted to the result URL
ok - result matches the request
ok - a result code
