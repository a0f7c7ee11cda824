--TEST--
object lifecycle: one owner per native client, no clone, no serialize, no half-built client
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$e = throws(Error::class, fn () => clone $tuma);
check($e !== null, 'a client cannot be cloned');
$e = throws(Exception::class, fn () => serialize($tuma));
check($e !== null, 'a client cannot be serialized');
$e = throws(Error::class, fn () => $tuma->__construct(config()));
check($e !== null && str_contains($e->getMessage(), 'already initialised'), 'the constructor cannot run twice');
$e = throws(ReflectionException::class, fn () => (new ReflectionClass(Tuma\Client::class))->newInstanceWithoutConstructor());
check($e !== null, 'no client without its constructor');
// A provider object keeps its client alive.
$statum = (new Tuma\Client(config()))->statum();
check($statum->accountDetails()['status_code'] === 200, 'a provider outlives the variable that held its client');
$e = throws(Error::class, fn () => (new ReflectionClass(Tuma\Statum::class))->newInstanceWithoutConstructor()->accountDetails());
check($e !== null && str_contains($e->getMessage(), 'must not be accessed before initialization'), 'a provider without a client');
$s = new Tuma\Statum($tuma);
check($s->accountDetails()['status_code'] === 200, 'new Statum($client) works as in the FFI wrapper');
$e = throws(Error::class, fn () => $s->__construct($tuma));
check($e !== null && str_contains($e->getMessage(), 'readonly'), 'its client is readonly');
// Exceptions thrown from user code in the middle of work leak nothing (valgrind checks).
for ($i = 0; $i < 50; $i++) {
    try {
        $c = new Tuma\Client(config());
        $p = $c->daraja();
        array_map(function ($x) use ($c) {
            $c->call('statum.nope');
        }, [1]);
    } catch (Tuma\InvalidInputException $e) {
        unset($c, $p);
    }
}
check(true, 'fifty clients made and dropped in exception paths');
// A failed constructor leaves nothing behind.
for ($i = 0; $i < 20; $i++) {
    try { new Tuma\Client(['statum' => ['consumer_key' => 'k']]); } catch (Tuma\ConfigException) {}
}
check(true, 'failed constructors');
?>
--EXPECT--
ok - a client cannot be cloned
ok - a client cannot be serialized
ok - the constructor cannot run twice
ok - no client without its constructor
ok - a provider outlives the variable that held its client
ok - a provider without a client
ok - new Statum($client) works as in the FFI wrapper
ok - its client is readonly
ok - fifty clients made and dropped in exception paths
ok - failed constructors
