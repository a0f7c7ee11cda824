--TEST--
the extension's API is the FFI wrapper's (bindings/php), signature by signature
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
// Reflect the FFI wrapper's classes in a PHP process without the extension, and this
// extension's classes here; every public method and property must match.
function signatures(): array
{
    $out = [];
    $classes = ['Client', 'Provider', 'Statum', 'Daraja', 'UmsPay', 'Journal', 'Inbox', 'Callbacks', 'Utils', 'Exception',
        'InvalidInputException', 'ConfigException', 'AuthenticationException', 'AuthorizationException', 'ApiException',
        'RateLimitedException', 'NetworkException', 'TimeoutException', 'DecodeException', 'InvalidCallbackException',
        'StoreException', 'BusyException'];
    foreach ($classes as $short) {
        $c = new ReflectionClass("Tuma\\$short");
        $sig = ['parent' => $c->getParentClass() ? $c->getParentClass()->name : null, 'final' => $c->isFinal(), 'abstract' => $c->isAbstract()];
        foreach ($c->getMethods(ReflectionMethod::IS_PUBLIC) as $m) {
            if ($m->class !== $c->name || $m->name === '__destruct') {
                continue;
            }
            $params = [];
            foreach ($m->getParameters() as $p) {
                // #[\SensitiveParameter] is part of the signature: both bindings hide the same secrets.
                $params[] = ($p->getAttributes('SensitiveParameter') ? '#[\\SensitiveParameter] ' : '')
                    . ($p->getType() ? (string) $p->getType() : 'mixed') . ' $' . $p->name
                    . ($p->isOptional() ? ' = ' . var_export($p->isDefaultValueAvailable() ? $p->getDefaultValue() : null, true) : '');
            }
            $sig['methods'][strtolower($m->name)] = ($m->isStatic() ? 'static ' : '') . $m->name . '(' . implode(', ', $params) . '): '
                . ($m->hasReturnType() ? (string) $m->getReturnType() : 'mixed');
        }
        foreach ($c->getProperties() as $p) {
            if ($p->class !== $c->name || $p->isPrivate()) {
                continue;
            }
            $sig['properties'][$p->name] = ($p->isReadOnly() ? 'readonly ' : '') . ($p->isPublic() ? 'public ' : 'protected ') . $p->getType();
        }
        $sig['methods'] ??= [];
        ksort($sig['methods']);
        $out[$short] = $sig;
    }
    return $out;
}
$ffiSrc = repo_root() . '/bindings/php/src/autoload.php';
$script = tempnam(sys_get_temp_dir(), 'tuma');
$src = file_get_contents(__FILE__);
preg_match('/function signatures\(\).*?\n}\n/s', $src, $fn);
file_put_contents($script, "<?php\nrequire " . var_export($ffiSrc, true) . ";\n" . $fn[0] . "echo json_encode(signatures());\n");
$json = shell_exec(escapeshellarg(PHP_BINARY) . ' -n ' . escapeshellarg($script));
unlink($script);
$ffi = json_decode((string) $json, true);
check(is_array($ffi), 'the FFI wrapper reflects');
$ext = json_decode(json_encode(signatures()), true);
foreach ($ffi as $class => $sig) {
    // gen_stub.php wants the class name where the FFI wrapper says `self`: the same type.
    foreach ($sig['methods'] as $name => $s) {
        $ffi[$class]['methods'][$name] = preg_replace('/\): self$/', "): Tuma\\$class", $s);
    }
}
foreach ($ffi as $class => $sig) {
    foreach ($sig['methods'] ?? [] as $name => $s) {
        if (($ext[$class]['methods'][$name] ?? null) !== $s) {
            echo "method $class::$name\n  ffi: $s\n  ext: ", $ext[$class]['methods'][$name] ?? '(missing)', "\n";
        }
    }
    foreach ($ext[$class]['methods'] ?? [] as $name => $s) {
        if (!isset($sig['methods'][$name])) {
            echo "extra method $class::$name\n";
        }
    }
    foreach ($sig['properties'] ?? [] as $name => $s) {
        if (($ext[$class]['properties'][$name] ?? null) !== $s) {
            echo "property $class::\$$name\n  ffi: $s\n  ext: ", $ext[$class]['properties'][$name] ?? '(missing)', "\n";
        }
    }
    foreach (['parent', 'final', 'abstract'] as $k) {
        if ($sig[$k] !== $ext[$class][$k]) {
            echo "$class: $k differs\n";
        }
    }
}
check(count($ffi) === 22, 'every class compared');
?>
--EXPECT--
ok - the FFI wrapper reflects
ok - every class compared
