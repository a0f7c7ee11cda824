--TEST--
secrets stay out of stack traces: #[\SensitiveParameter] on the configuration and secret-bearing utility requests
--INI--
zend.exception_ignore_args=0
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$secret = 'TopSecret-' . bin2hex(random_bytes(8));
function shown(Throwable $e, string $secret): bool
{
    return str_contains(print_r($e->getTrace(), true), $secret) || str_contains(var_export($e->getTrace(), true), $secret)
        || str_contains((string) $e, $secret) || str_contains($e->getMessage(), $secret);
}
function redacted(Throwable $e, string $function, int $arg): bool
{
    foreach ($e->getTrace() as $frame) {
        if ($frame['function'] === $function) {
            return ($frame['args'][$arg] ?? null) instanceof SensitiveParameterValue;
        }
    }
    return false;
}
// Thrown by libtuma inside the constructor.
try {
    new Tuma\Client(['statum' => ['consumer_key' => 'k', 'consumer_secret' => $secret, 'base_url' => 'ftp://nowhere']]);
    check(false, 'a bad base_url is refused');
} catch (Tuma\ConfigException $e) {
    check(redacted($e, '__construct', 0), 'the constructor frame holds a SensitiveParameterValue', $e->getTrace());
    check(!shown($e, $secret), 'the secret is not in the trace');
}
// Thrown while encoding the configuration.
try {
    new Tuma\Client(['statum' => ['consumer_key' => 'k', 'consumer_secret' => $secret, 'base_url' => "\xff"]]);
    check(false, 'invalid UTF-8 is refused');
} catch (Tuma\InvalidInputException $e) {
    check(redacted($e, '__construct', 0) && !shown($e, $secret), 'a configuration that cannot be encoded: redacted');
}
// A utility taking the initiator password.
try {
    Tuma\Utils::darajaSecurityCredential(['password' => $secret, 'certificate_pem' => 'not a certificate']);
    check(false, 'a bad certificate is refused');
} catch (Tuma\Exception $e) {
    check(redacted($e, 'darajaSecurityCredential', 0) && !shown($e, $secret), 'darajaSecurityCredential: redacted');
}
try {
    Tuma\Utils::run('daraja.security_credential', ['password' => $secret, 'certificate_pem' => 'not a certificate']);
    check(false, 'a bad certificate is refused');
} catch (Tuma\Exception $e) {
    check(redacted($e, 'run', 1) && !shown($e, $secret), 'Utils::run: redacted');
}
// The attributes themselves, as reflection sees them.
$sensitive = [];
foreach ([Tuma\Client::class, Tuma\Utils::class] as $class) {
    foreach ((new ReflectionClass($class))->getMethods() as $m) {
        foreach ($m->getParameters() as $p) {
            if ($p->getAttributes(SensitiveParameter::class)) {
                $sensitive[] = "{$m->class}::{$m->name}(\${$p->name})";
            }
        }
    }
}
sort($sensitive);
check($sensitive === ['Tuma\Client::__construct($config)', 'Tuma\Utils::darajaSecurityCredential($request)',
    'Tuma\Utils::darajaStkPassword($request)', 'Tuma\Utils::run($request)'], 'the sensitive parameters', $sensitive);
?>
--EXPECT--
ok - the constructor frame holds a SensitiveParameterValue
ok - the secret is not in the trace
ok - a configuration that cannot be encoded: redacted
ok - darajaSecurityCredential: redacted
ok - Utils::run: redacted
ok - the sensitive parameters
