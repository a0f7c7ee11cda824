--TEST--
InvalidInputException: bad values name the field, before any request is sent
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$before = stats()['requests'];
$cases = [
    'phone' => fn () => $tuma->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '12', 'message' => 'x']),
    'amount' => fn () => $tuma->statum()->airtime(['phone' => '0712345678', 'amount' => 'ten']),
    'message' => fn () => $tuma->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '0712345678']),
    'account_reference' => fn () => $tuma->daraja()->stkPush(['phone' => '0708374149', 'amount' => 10, 'account_reference' => 'way-too-long-reference']),
    'checkout_request_id' => fn () => $tuma->daraja()->stkQuery([]),
    'reference' => fn () => $tuma->umspay()->stkPush(['amount' => 10, 'phone' => '0712345678']),
    'operation' => fn () => $tuma->call('statum.teleport'),
    'request' => fn () => $tuma->statum()->sendSms(['sender_id' => "\xff", 'phone' => '0712345678', 'message' => 'x']),
];
foreach ($cases as $field => $fn) {
    $e = throws(Tuma\InvalidInputException::class, $fn);
    check($e !== null && $e->field === $field && $e->kind === 'invalid_input' && $e->getCode() === 103 && $e->provider === null,
        "field $field", $e ? [$e->field, $e->getMessage()] : null);
}
check(stats()['requests'] === $before, 'nothing reached the sandbox');
$e = throws(Tuma\InvalidInputException::class, fn () => $tuma->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '0712345678', 'message' => 'x', 'colour' => 'red']));
check($e?->field === 'colour', 'an unknown field is refused, not ignored');
?>
--EXPECT--
ok - field phone
ok - field amount
ok - field message
ok - field account_reference
ok - field checkout_request_id
ok - field reference
ok - field operation
ok - field request
ok - nothing reached the sandbox
ok - an unknown field is refused, not ignored
