--TEST--
every error kind libtuma reports (tuma_error_kinds) has its own exception class; HTTP 403 is AuthorizationException
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
// The kinds come from the C side: a kind added to the core fails here until it has a class.
$kinds = Tuma\Exception::kinds();
check(count($kinds) >= 16, 'libtuma lists its error kinds', $kinds);
$bad = [];
$classes = [];
foreach ($kinds as $k) {
    $x = Tuma\Exception::fromDetail($k['result'], 'm', ['kind' => $k['kind']]);
    if ($x->kind !== $k['kind'] || $x->getCode() !== $k['result']) {
        $bad[] = "{$k['kind']}: kind or code lost";
    }
    if ($k['origin'] === 'core') {
        $want = 'Tuma\\' . str_replace('_', '', ucwords($k['kind'], '_')) . 'Exception';
        if (get_class($x) !== $want || !(new ReflectionClass($want))->isFinal() || get_parent_class($want) !== Tuma\Exception::class) {
            $bad[] = "{$k['kind']}: " . get_class($x) . ", expected the final $want";
        }
        if (isset($classes[$want])) {
            $bad[] = "{$k['kind']}: $want is already the class of {$classes[$want]}";
        }
        $classes[$want] = $k['kind'];
    } elseif ($k['origin'] === 'libtuma') {
        $want = $k['kind'] === 'panic' ? Tuma\Exception::class : Tuma\InvalidInputException::class;
        if (get_class($x) !== $want) {
            $bad[] = "{$k['kind']}: " . get_class($x) . ", expected $want";
        }
    } else {
        $bad[] = "{$k['kind']}: origin {$k['origin']}";
    }
}
check($bad === [], 'each core kind maps to its own final class, libtuma\'s own kinds as the FFI wrapper maps them', $bad);
check(($classes['Tuma\AuthorizationException'] ?? null) === 'authorization' && ($classes['Tuma\BusyException'] ?? null) === 'busy', 'authorization and busy');
// and every exception class of the extension is the class of a kind
$orphans = [];
foreach (get_declared_classes() as $class) {
    if (str_starts_with($class, 'Tuma\\') && is_subclass_of($class, Tuma\Exception::class) && !isset($classes[$class])) {
        $orphans[] = $class;
    }
}
check($orphans === [], 'no exception class without a kind', $orphans);
// A real 403 from the sandbox.
fault('/statum/api/v2/account-details', 'reply=403;body={"status_code":403,"description":"Forbidden"}');
$tuma = new Tuma\Client(config());
$e = throws(Tuma\AuthorizationException::class, fn () => $tuma->statum()->accountDetails());
check($e !== null && $e->kind === 'authorization' && $e->status === 403 && $e->getCode() === 205 && $e->provider === 'statum', 'a 403 is an AuthorizationException', $e?->getMessage());
check($tuma->statum()->accountDetails()['status_code'] === 200, 'the next call goes through');
?>
--EXPECT--
ok - libtuma lists its error kinds
ok - each core kind maps to its own final class, libtuma's own kinds as the FFI wrapper maps them
ok - authorization and busy
ok - no exception class without a kind
ok - a 403 is an AuthorizationException
ok - the next call goes through
