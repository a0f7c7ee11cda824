--TEST--
Daraja: stkPush, the callback the sandbox posts, stkQuery, confirmStkPayment
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$receiver = new Receiver();
$tuma = new Tuma\Client(config(['daraja' => ['callback_url' => "$receiver->url/mpesa/stk"]]));
$push = $tuma->daraja()->stkPush(['phone' => '0708 374 149', 'amount' => 10, 'account_reference' => 'ORDER-42', 'transaction_desc' => 'Shoes']);
check($push['response_code'] === '0' && str_starts_with($push['checkout_request_id'], 'ws_CO_'), 'STK push accepted');
$cb = $receiver->next();
check($cb['path'] === '/mpesa/stk', 'posted to the callback URL');
$event = Tuma\Callbacks::darajaStkCallback($cb['body']);
check($event['checkout_request_id'] === $push['checkout_request_id'], 'callback matches the push');
check($event['result_code'] === '0' && $event['outcome'] === 'success' && $event['amount'] === 10.0, 'paid 10', $event);
check($event['phone_number'] === '254708374149' && is_string($event['mpesa_receipt_number']), 'receipt and phone');
$query = $tuma->daraja()->stkQuery(['checkout_request_id' => $push['checkout_request_id']]);
check($query['pending'] === false && $query['result_code'] === '0', 'STK query after the callback');
$confirmed = $tuma->daraja()->confirmStkPayment(['checkout_request_id' => $push['checkout_request_id'], 'callback' => $cb['body']]);
check(is_array($confirmed) && $confirmed['result_code'] === '0', 'confirmStkPayment: paid', $confirmed);
// A push the customer cancels: nothing to ship.
$cancel = $tuma->daraja()->stkPush(['phone' => '254700001032', 'amount' => 5, 'account_reference' => 'ORDER-43']);
$cb = $receiver->next();
check(Tuma\Callbacks::darajaStkCallback($cb['body'])['result_code'] === '1032', 'a cancelled push');
check($tuma->daraja()->confirmStkPayment(['checkout_request_id' => $cancel['checkout_request_id']]) === null, 'confirmStkPayment: null when not paid');
?>
--EXPECT--
ok - STK push accepted
ok - posted to the callback URL
ok - callback matches the push
ok - paid 10
ok - receipt and phone
ok - STK query after the callback
ok - confirmStkPayment: paid
ok - a cancelled push
ok - confirmStkPayment: null when not paid
