<?php
// One PHP request as a shop runs it: a new process, a new Tuma\Client, one STK push.
// Usage: php fleet_push.php STORE_URL   (with TUMA_SANDBOX_URL and TUMA_LIB set)

declare(strict_types=1);

require __DIR__ . '/../../bindings/php/src/autoload.php';

use Tuma\Client;

$base = getenv('TUMA_SANDBOX_URL');
$client = new Client([
    'daraja' => [
        'consumer_key' => 'sandbox-daraja-key',
        'consumer_secret' => 'sandbox-daraja-secret',
        'environment' => 'sandbox',
        'base_url' => "$base/daraja",
        'shortcode' => '174379',
        'passkey' => 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
        'callback_url' => 'http://127.0.0.1:9/mpesa/stk',
    ],
    'store' => ['url' => $argv[1], 'key_prefix' => 'php-fleet:'],
]);
$push = $client->daraja()->stkPush([
    'phone' => '0708374149',
    'amount' => 1,
    'account_reference' => 'PHP' . getmypid(),
]);
echo $push['checkout_request_id'], "\n";
