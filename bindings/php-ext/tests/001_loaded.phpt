--TEST--
the extension is loaded: classes, hierarchy, version, phpinfo
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
check(extension_loaded('tuma'), 'extension loaded');
check(phpversion('tuma') === Tuma\Client::version(), 'extension version follows libtuma');
check((bool) preg_match('/^\d+\.\d+\.\d+$/', Tuma\Client::version()), 'version looks like x.y.z');
$header = repo_root() . '/include/tuma.h';
preg_match('/^#define TUMA_VERSION "(.*)"$/m', (string) file_get_contents($header), $m);
check(Tuma\Client::version() === $m[1], 'libtuma version matches include/tuma.h');
foreach (['Client', 'Statum', 'Daraja', 'UmsPay', 'Inbox', 'Callbacks', 'Utils'] as $c) {
    check((new ReflectionClass("Tuma\\$c"))->isFinal(), "Tuma\\$c is final");
}
$p = new ReflectionClass(Tuma\Provider::class);
check($p->isAbstract(), 'Tuma\Provider is abstract');
foreach (['Statum', 'Daraja', 'UmsPay', 'Inbox'] as $c) {
    check(is_subclass_of("Tuma\\$c", Tuma\Provider::class), "Tuma\\$c extends Provider");
}
check(is_subclass_of(Tuma\Exception::class, RuntimeException::class), 'Tuma\Exception extends RuntimeException');
$kinds = ['InvalidInput', 'Config', 'Authentication', 'Authorization', 'Api', 'RateLimited', 'Network', 'Timeout', 'Decode', 'InvalidCallback', 'Store', 'Busy'];
foreach ($kinds as $k) {
    $class = "Tuma\\{$k}Exception";
    check(get_parent_class($class) === Tuma\Exception::class && (new ReflectionClass($class))->isFinal(), "$class is a final Tuma\\Exception");
}
ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
check(str_contains($info, 'libtuma version => ' . Tuma\Client::version()), 'phpinfo shows the libtuma version');
check(str_contains($info, 'libtuma linking => static'), 'phpinfo shows static linking');
?>
--EXPECT--
ok - extension loaded
ok - extension version follows libtuma
ok - version looks like x.y.z
ok - libtuma version matches include/tuma.h
ok - Tuma\Client is final
ok - Tuma\Statum is final
ok - Tuma\Daraja is final
ok - Tuma\UmsPay is final
ok - Tuma\Inbox is final
ok - Tuma\Callbacks is final
ok - Tuma\Utils is final
ok - Tuma\Provider is abstract
ok - Tuma\Statum extends Provider
ok - Tuma\Daraja extends Provider
ok - Tuma\UmsPay extends Provider
ok - Tuma\Inbox extends Provider
ok - Tuma\Exception extends RuntimeException
ok - Tuma\InvalidInputException is a final Tuma\Exception
ok - Tuma\ConfigException is a final Tuma\Exception
ok - Tuma\AuthenticationException is a final Tuma\Exception
ok - Tuma\AuthorizationException is a final Tuma\Exception
ok - Tuma\ApiException is a final Tuma\Exception
ok - Tuma\RateLimitedException is a final Tuma\Exception
ok - Tuma\NetworkException is a final Tuma\Exception
ok - Tuma\TimeoutException is a final Tuma\Exception
ok - Tuma\DecodeException is a final Tuma\Exception
ok - Tuma\InvalidCallbackException is a final Tuma\Exception
ok - Tuma\StoreException is a final Tuma\Exception
ok - Tuma\BusyException is a final Tuma\Exception
ok - phpinfo shows the libtuma version
ok - phpinfo shows static linking
