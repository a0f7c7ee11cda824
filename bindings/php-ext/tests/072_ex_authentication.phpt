--TEST--
AuthenticationException: the provider refuses the credentials
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$bad = new Tuma\Client(config(['statum' => ['consumer_secret' => 'wrong'], 'daraja' => ['consumer_secret' => 'wrong']]));
$e = throws(Tuma\AuthenticationException::class, fn () => $bad->statum()->accountDetails());
check($e !== null && $e->provider === 'statum' && $e->status === 401 && $e->getCode() === 200, 'Statum 401');
$e = throws(Tuma\AuthenticationException::class, fn () => $bad->daraja()->stkPush(['phone' => '0708374149', 'amount' => 10, 'account_reference' => 'A']));
check($e !== null && $e->provider === 'daraja', 'Daraja token refused');
check(!str_contains($e->getMessage(), 'wrong'), 'the secret is not in the message');
?>
--EXPECT--
ok - Statum 401
ok - Daraja token refused
ok - the secret is not in the message
