--TEST--
clients with the same credentials in one process share the Daraja token
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$path = '/daraja/oauth/v1/generate';
$before = requests_to($path);
$a = new Tuma\Client(config());
$a->daraja()->accountBalance(['remarks' => 'one']);
unset($a); // one client per PHP request: the next request makes a new one
$b = new Tuma\Client(config());
$b->daraja()->accountBalance(['remarks' => 'two']);
$c = new Tuma\Client(config());
$c->daraja()->stkPush(['phone' => '0708374149', 'amount' => 1, 'account_reference' => 'T']);
check(requests_to($path) - $before === 1, 'three clients, one token request', requests_to($path) - $before);
$other = new Tuma\Client(config(['daraja' => ['consumer_key' => 'sandbox-daraja-key ']]));
throws(Tuma\Exception::class, fn () => $other->daraja()->accountBalance());
check(requests_to($path) - $before === 2, 'other credentials do not get the shared token');
?>
--EXPECT--
ok - three clients, one token request
ok - other credentials do not get the shared token
