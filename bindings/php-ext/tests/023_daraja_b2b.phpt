--TEST--
Daraja: b2b and its asynchronous result
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$receiver = new Receiver();
$tuma = new Tuma\Client(config(['daraja' => ['result_url' => "$receiver->url/result"]]));
$r = $tuma->daraja()->b2b(['party_b' => '000001', 'amount' => 10, 'remarks' => 'Stock', 'account_reference' => 'ACC']);
check($r['response_code'] === '0' && str_starts_with($r['conversation_id'], 'AG_'), 'accepted', $r);
$cb = $receiver->next();
check($cb['path'] === '/result', 'result posted to the result URL');
$result = Tuma\Callbacks::darajaResult($cb['body']);
check($result['conversation_id'] === $r['conversation_id'], 'result matches the request');
check($result['details']['kind'] === 'b2b', 'result details: b2b', $result);
?>
--EXPECT--
ok - accepted
ok - result posted to the result URL
ok - result matches the request
ok - result details: b2b
