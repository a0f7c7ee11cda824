--TEST--
Client::fromEnv
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
putenv('TUMA_STATUM_CONSUMER_KEY=sandbox-statum-key');
putenv('TUMA_STATUM_CONSUMER_SECRET=sandbox-statum-secret');
putenv('TUMA_STATUM_BASE_URL=' . sandbox() . '/statum/api/v2');
$tuma = Tuma\Client::fromEnv();
check($tuma instanceof Tuma\Client && $tuma->statum()->accountDetails()['status_code'] === 200, 'a client from TUMA_*');
putenv('TUMA_STATUM_CONSUMER_SECRET');
$e = throws(Tuma\ConfigException::class, fn () => Tuma\Client::fromEnv());
check($e?->field === 'TUMA_STATUM_CONSUMER_SECRET', 'a missing variable is named', $e?->field);
putenv('TUMA_STATUM_CONSUMER_SECRET=x');
putenv('TUMA_TIMEOUT_MS=soon');
$e = throws(Tuma\ConfigException::class, fn () => Tuma\Client::fromEnv());
check($e?->field === 'TUMA_TIMEOUT_MS', 'a bad number is named', $e?->field);
?>
--EXPECT--
ok - a client from TUMA_*
ok - a missing variable is named
ok - a bad number is named
