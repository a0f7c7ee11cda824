--TEST--
arrays map to JSON exactly as json_encode/json_decode do
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
// Echo a request through a callback parse: the body is a JSON string made by the test.
$r = Tuma\Callbacks::statumAirtimeResult(json_encode(['request_id' => 'é/ü', 'charge' => 1.0, 'account_balance' => 2, 'result_code' => '200', 'result_desc' => "multi\nline"]));
check($r['request_id'] === 'é/ü' && $r['charge'] === 1.0 && $r['account_balance'] === 2.0 && $r['result_desc'] === "multi\nline", 'unicode, floats, escapes', $r);
// Empty request arrays are {} (not []); lists are JSON arrays, refused where an object is wanted.
check(Tuma\Utils::darajaC2BConfirmationAck([])['ResultCode'] === 0, '[] is sent as {}');
$e = throws(Tuma\InvalidInputException::class, fn () => Tuma\Utils::phoneNormalize(['0712345678']));
check($e !== null, 'a list is not an object');
// Integers stay integers, floats keep their zero fraction (JSON_PRESERVE_ZERO_FRACTION).
$tuma = new Tuma\Client(config());
$e = throws(Tuma\InvalidInputException::class, fn () => $tuma->statum()->airtime(['phone' => '0712345678', 'amount' => 10.5]));
check($e?->field === 'amount', 'a fractional amount is refused by the core, not rounded here');
// Encoding failures: invalid UTF-8, INF, resources, recursion - named as the request field.
foreach (['utf8' => ["\xc3\x28"], 'inf' => [INF], 'resource' => [STDIN]] as $what => $value) {
    json_encode([1]); // json_last_error() is 0 ...
    $e = throws(Tuma\InvalidInputException::class, fn () => Tuma\Utils::phoneNormalize(['phone' => $value[0]]));
    check($e !== null && $e->field === 'request' && str_starts_with($e->getMessage(), 'request cannot be encoded as JSON: '), "$what cannot be encoded", $e?->getMessage());
    check(json_last_error() === JSON_ERROR_NONE, "... and stays 0 after $what");
}
$serializable = new class implements JsonSerializable {
    public function jsonSerialize(): mixed { throw new DomainException('from user code'); }
};
$e = throws(DomainException::class, fn () => Tuma\Utils::phoneNormalize(['phone' => $serializable]));
check($e?->getMessage() === 'from user code', "a JsonSerializable's exception comes through");
$ok = new class implements JsonSerializable {
    public function jsonSerialize(): mixed { return '0712 345 678'; }
};
check(Tuma\Utils::phoneNormalize(['phone' => $ok])['phone'] === '254712345678', 'JsonSerializable values are encoded as json_encode does');
?>
--EXPECT--
ok - unicode, floats, escapes
ok - [] is sent as {}
ok - a list is not an object
ok - a fractional amount is refused by the core, not rounded here
ok - utf8 cannot be encoded
ok - ... and stays 0 after utf8
ok - inf cannot be encoded
ok - ... and stays 0 after inf
ok - resource cannot be encoded
ok - ... and stays 0 after resource
ok - a JsonSerializable's exception comes through
ok - JsonSerializable values are encoded as json_encode does
