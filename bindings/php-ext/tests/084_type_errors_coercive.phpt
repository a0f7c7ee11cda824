--TEST--
wrong argument types raise TypeError in coercive mode too; scalars coerce as for any PHP function
--FILE--
<?php
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
foreach ([
    'array for string' => fn () => Tuma\Callbacks::statumResult(['{}']),
    'object for array' => fn () => $tuma->statum()->sendSms(new ArrayObject([])),
    'string for array' => fn () => Tuma\Utils::phoneNormalize('0712345678'),
    'null for array' => fn () => $tuma->daraja()->stkQuery(null),
    'array for int' => fn () => new Tuma\Exception('m', 'api', []),
] as $what => $fn) {
    $e = throws(TypeError::class, $fn);
    check($e !== null, "TypeError: $what");
}
// An int where a string is wanted is coerced (as for PHP's own functions), then judged by the core.
$e = throws(Tuma\InvalidInputException::class, fn () => $tuma->call(7));
check($e?->field === 'operation', 'call(7) is the unknown operation "7"');
?>
--EXPECT--
ok - TypeError: array for string
ok - TypeError: object for array
ok - TypeError: string for array
ok - TypeError: null for array
ok - TypeError: array for int
ok - call(7) is the unknown operation "7"
