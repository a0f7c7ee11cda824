--TEST--
Statum: accountDetails and the generic call()
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$account = $tuma->statum()->accountDetails();
check(is_float($account['organization']['details']['available_balance']) || is_int($account['organization']['details']['available_balance']), 'a numeric balance');
check($tuma->statum()->accountDetails([])['status_code'] === 200, 'an explicit empty request');
$generic = $tuma->call('statum.account_details');
check($generic['status_code'] === 200, 'call() by name');
check(array_keys($generic) === array_keys($account), 'the same document either way');
?>
--EXPECT--
ok - a numeric balance
ok - an explicit empty request
ok - call() by name
ok - the same document either way
