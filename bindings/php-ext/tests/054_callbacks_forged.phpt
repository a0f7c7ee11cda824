--TEST--
forged callbacks reusing a real paid id: the payment journal refuses another amount
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$receiver = new Receiver();
$tuma = new Tuma\Client(config(['daraja' => ['callback_url' => "$receiver->url/mpesa/stk"]]));
// A genuine 1 KES payment: the sandbox posts its callback to the receiver.
$push = $tuma->daraja()->stkPush(['phone' => '0708374149', 'amount' => 1, 'account_reference' => 'CHEAP-1']);
$body = $receiver->next()['body'];
check(str_contains($body, $push['checkout_request_id']), 'the paid callback arrived');
$paid = $tuma->daraja()->confirmStkPayment(['callback' => $body]);
check(is_array($paid) && $paid['checkout_request_id'] === $push['checkout_request_id'], 'the genuine callback is confirmed', $paid);
// The same callback claiming 5000 KES.
$forged = preg_replace('/("Name":"Amount","Value":)[0-9.]+/', '${1}5000', $body);
check($forged !== $body, 'the forgery has another amount');
$e = throws(Tuma\InvalidCallbackException::class, fn () => $tuma->daraja()->confirmStkPayment(['callback' => $forged]));
check($e !== null && str_contains($e->getMessage(), 'amount') && $e->getCode() === 204, 'refused: the amount differs from the push', $e?->getMessage());
// Or for an id this application never pushed. With the memory store another worker may
// have pushed it, so Daraja's answer decides: it does not know the id, so a callback
// claiming it was paid is a forgery...
$invented = str_replace($push['checkout_request_id'], 'ws_CO_000000000000000forged', $body);
$e = throws(Tuma\InvalidCallbackException::class, fn () => $tuma->daraja()->confirmStkPayment(['callback' => $invented]));
check($e !== null && $e->getCode() === 204 && str_contains($e->getMessage(), 'does not know this CheckoutRequestID'), 'an unknown id: Daraja does not know it, the callback is forged', $e?->getMessage());
// (asked by id alone, with no callback claiming success, Daraja's refusal is the answer)
$e = throws(Tuma\ApiException::class, fn () => $tuma->daraja()->confirmStkPayment(['checkout_request_id' => 'ws_CO_000000000000000forged']));
check($e?->providerCode === '400.002.02', 'an unknown id alone: Daraja refuses the query', $e?->getMessage());
// ...and with a journal that sees every push (Redis, or journal_required) it is refused outright.
$strict = new Tuma\Client(config(['store' => ['url' => 'memory', 'journal_required' => true]]));
$e = throws(Tuma\InvalidCallbackException::class, fn () => $strict->daraja()->confirmStkPayment(['callback' => $invented]));
check($e !== null && str_contains($e->getMessage(), 'not a payment this application pushed'), 'journal_required: never pushed', $e?->getMessage());
check(is_array($strict->daraja()->confirmStkPayment(['callback' => $body])), 'journal_required: the genuine callback is still confirmed');
// UMS Pay: a completed webhook for a real push, claiming another amount.
$ums = $tuma->umspay()->stkPush(['amount' => 10, 'phone' => '0712345678', 'reference' => 'FORGE-UMS']);
$webhook = json_encode(['event' => 'payment.completed', 'ResponseCode' => 0, 'TransactionID' => $ums['transaction_request_id'],
    'TransactionAmount' => 9000, 'TransactionReceipt' => 'NLJ7RT61SV', 'TransactionReference' => 'FORGE-UMS', 'Msisdn' => '254712345678']);
$e = throws(Tuma\InvalidCallbackException::class, fn () => $tuma->umspay()->confirmPayment(['webhook' => $webhook]));
check($e !== null && str_contains($e->getMessage(), 'amount'), 'a forged UMS Pay webhook is refused', $e?->getMessage());
?>
--EXPECT--
ok - the paid callback arrived
ok - the genuine callback is confirmed
ok - the forgery has another amount
ok - refused: the amount differs from the push
ok - an unknown id: Daraja does not know it, the callback is forged
ok - an unknown id alone: Daraja refuses the query
ok - journal_required: never pushed
ok - journal_required: the genuine callback is still confirmed
ok - a forged UMS Pay webhook is refused
