--TEST--
every operation, callback kind and utility of libtuma has a PHP method
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
function camel(string $snake): string
{
    return lcfirst(str_replace('_', '', ucwords($snake, '_')));
}
$tuma = new Tuma\Client(config());
$missing = [];
$ops = Tuma\Client::operations();
foreach ($ops as $op) {
    [$provider, $name] = explode('.', $op, 2);
    if (!method_exists($tuma, $provider) || !method_exists($tuma->$provider(), camel($name))) {
        $missing[] = $op;
    }
}
$kinds = Tuma\Callbacks::kinds();
foreach ($kinds as $kind) {
    if (!method_exists(Tuma\Callbacks::class, camel(str_replace('.', '_', $kind)))) {
        $missing[] = $kind;
    }
}
$utils = Tuma\Utils::names();
foreach ($utils as $util) {
    if (!method_exists(Tuma\Utils::class, camel(str_replace('.', '_', $util)))) {
        $missing[] = $util;
    }
}
check(count($ops) >= 37 && count($kinds) >= 11 && count($utils) >= 8, 'libtuma lists its operations, kinds and utilities');
check($missing === [], 'a PHP method for each of them', $missing);
// And the other way round: no PHP method names something libtuma does not offer.
$extra = [];
foreach (['statum' => Tuma\Statum::class, 'daraja' => Tuma\Daraja::class, 'umspay' => Tuma\UmsPay::class, 'callbacks' => Tuma\Inbox::class, 'journal' => Tuma\Journal::class] as $prefix => $class) {
    foreach ((new ReflectionClass($class))->getMethods() as $m) {
        if ($m->class !== $class) {
            continue;
        }
        $snake = strtolower(preg_replace('/(?<!^)[A-Z]/', '_$0', $m->name));
        if (!in_array("$prefix.$snake", $ops, true)) {
            $extra[] = "$class::{$m->name}";
        }
    }
}
check($extra === [], 'each provider method is a libtuma operation', $extra);
?>
--EXPECT--
ok - libtuma lists its operations, kinds and utilities
ok - a PHP method for each of them
ok - each provider method is a libtuma operation
