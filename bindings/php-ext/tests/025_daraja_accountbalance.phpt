--TEST--
Daraja: accountBalance and its asynchronous result
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$receiver = new Receiver();
$tuma = new Tuma\Client(config(['daraja' => ['result_url' => "$receiver->url/result"]]));
$r = $tuma->daraja()->accountBalance(['remarks' => 'Daily']);
check($r['response_code'] === '0' && str_starts_with($r['conversation_id'], 'AG_'), 'accepted', $r);
$cb = $receiver->next();
check($cb['path'] === '/result', 'result posted to the result URL');
$result = Tuma\Callbacks::darajaResult($cb['body']);
check($result['conversation_id'] === $r['conversation_id'], 'result matches the request');
check($result['details']['kind'] === 'account_balance', 'result details: account_balance', $result);
?>
--EXPECT--
ok - accepted
ok - result posted to the result URL
ok - result matches the request
ok - result details: account_balance
