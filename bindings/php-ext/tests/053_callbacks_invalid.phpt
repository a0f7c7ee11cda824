--TEST--
Callbacks: bodies that are not what the provider sends, unknown kinds
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
foreach (['binary' => "\xff\x00junk", 'empty' => '', 'a list' => '[]', 'a wrong-typed field' => '{"request_id": 5}'] as $what => $body) {
    $e = throws(Tuma\InvalidCallbackException::class, fn () => Tuma\Callbacks::statumResult($body));
    check($e !== null && $e->kind === 'invalid_callback' && $e->getCode() === 204, "refused: $what");
}
$e = throws(Tuma\InvalidCallbackException::class, fn () => Tuma\Callbacks::darajaStkCallback('{"Body":{}}'));
check($e !== null, 'an STK callback without stkCallback');
$e = throws(Tuma\InvalidInputException::class, fn () => Tuma\Callbacks::parse('statum.nope', '{}'));
check($e !== null && $e->field === 'kind' && str_contains($e->getMessage(), 'unknown callback kind'), 'unknown kind names the field', $e?->field);
$e = throws(Tuma\InvalidInputException::class, fn () => Tuma\Callbacks::parse("statum.result\0x", '{"request_id":"R","result_code":"200","result_desc":"x"}'));
check($e !== null && $e->field === 'kind', 'a NUL byte in the kind is refused');
?>
--EXPECT--
ok - refused: binary
ok - refused: empty
ok - refused: a list
ok - refused: a wrong-typed field
ok - an STK callback without stkCallback
ok - unknown kind names the field
ok - a NUL byte in the kind is refused
