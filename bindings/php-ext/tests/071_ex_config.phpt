--TEST--
ConfigException: incomplete or wrong configuration
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$e = throws(Tuma\ConfigException::class, fn () => new Tuma\Client(['statum' => ['consumer_key' => 'k']]));
check($e !== null && $e->kind === 'config' && $e->getCode() === 104, 'missing secret', $e?->getMessage());
$e = throws(Tuma\ConfigException::class, fn () => new Tuma\Client(['statum' => ['consumer_key' => 'k', 'consumer_secret' => 's', 'base_url' => 'http://example.com/']]));
check($e?->field === 'statum.base_url', 'plain http to a remote host names the setting', $e?->field);
$e = throws(Tuma\ConfigException::class, fn () => new Tuma\Client(['statum' => ['consumer_key' => 'k', 'consumer_secret' => 's'], 'colour' => 'red']));
check($e !== null, 'an unknown section');
$e = throws(Tuma\ConfigException::class, fn () => (new Tuma\Client(['statum' => config()['statum']]))->daraja()->stkPush(['phone' => '0708374149', 'amount' => 1, 'account_reference' => 'A']));
check($e !== null && str_contains($e->getMessage(), 'daraja'), 'a provider that is not configured');
check(!str_contains((string) throws(Tuma\ConfigException::class, fn () => new Tuma\Client(['statum' => ['consumer_key' => 'k', 'consumer_secret' => 'TOPSECRET', 'base_url' => 'ftp://x']])), 'TOPSECRET'), 'the secret is not in the error');
?>
--EXPECT--
ok - missing secret
ok - plain http to a remote host names the setting
ok - an unknown section
ok - a provider that is not configured
ok - the secret is not in the error
