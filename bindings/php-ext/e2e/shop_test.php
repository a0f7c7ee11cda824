<?php

// End-to-end, as a shop runs it: PHP's built-in web server serves e2e/receiver.php with
// the extension loaded; this script (extension loaded too) makes an STK push whose
// callback_url is that receiver; the sandbox posts the callback there; the receiver claims
// it, verifies it, ships the order once and completes the claim; the same callback posted
// again is answered "duplicate"; a forged one is refused. When redis-server is installed
// both processes share a private Redis store, so the receiver checks the callback against
// the payment journal of the push this script made; otherwise Daraja's answer decides.
//
//   TUMA_SANDBOX_URL=... TUMA_EXT=/path/to/tuma.so php -d extension=$TUMA_EXT e2e/shop_test.php

declare(strict_types=1);

$passed = 0;
$failed = 0;
function check(bool $cond, string $what, mixed $detail = null): void
{
    global $passed, $failed;
    if ($cond) {
        $passed++;
        echo "ok - $what\n";
    } else {
        $failed++;
        echo "FAILED - $what\n";
        if ($detail !== null) {
            var_dump($detail);
        }
    }
}

/** POSTs $body to $url; returns [status, body]. */
function post(string $url, string $body): array
{
    $context = stream_context_create(['http' => [
        'method' => 'POST', 'header' => "Content-Type: application/json\r\n",
        'content' => $body, 'ignore_errors' => true, 'timeout' => 10,
    ]]);
    $answer = file_get_contents($url, false, $context);
    preg_match('/^HTTP\/\S+ (\d+)/', $http_response_header[0] ?? '', $m);
    return [(int) ($m[1] ?? 0), (string) $answer];
}

$base = rtrim((string) getenv('TUMA_SANDBOX_URL'), '/');
$ext = (string) getenv('TUMA_EXT');
if ($base === '' || !is_file($ext) || !extension_loaded('tuma')) {
    fwrite(STDERR, "set TUMA_SANDBOX_URL and TUMA_EXT, and load the extension\n");
    exit(2);
}

// The shop's configuration, in the environment as a shop deploys it.
$env = [
    'TUMA_DARAJA_CONSUMER_KEY' => 'sandbox-daraja-key',
    'TUMA_DARAJA_CONSUMER_SECRET' => 'sandbox-daraja-secret',
    'TUMA_DARAJA_ENVIRONMENT' => 'sandbox',
    'TUMA_DARAJA_BASE_URL' => "$base/daraja",
    'TUMA_DARAJA_SHORTCODE' => '174379',
    'TUMA_DARAJA_PASSKEY' => 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
];
$orders = tempnam(sys_get_temp_dir(), 'shop-orders');
file_put_contents($orders, '');

// A private Redis for the shop's store, when redis-server is installed.
$redis = null;
$redisBin = trim((string) shell_exec('command -v redis-server'));
if ($redisBin !== '') {
    $probe = stream_socket_server('tcp://127.0.0.1:0');
    $redisPort = (int) parse_url('tcp://' . stream_socket_get_name($probe, false), PHP_URL_PORT);
    fclose($probe);
    $redis = proc_open([$redisBin, '--port', (string) $redisPort, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $redisPipes);
    for ($i = 0; $i < 100 && @stream_socket_client("tcp://127.0.0.1:$redisPort", $errno, $errstr, 0.1) === false; $i++) {
        usleep(50_000);
    }
    $env['TUMA_STORE_URL'] = "redis://127.0.0.1:$redisPort/";
    $env['TUMA_STORE_PREFIX'] = 'shop-e2e:';
    echo "store: Redis on port $redisPort (the receiver checks the payment journal)\n";
} else {
    echo "store: memory (redis-server not installed: the receiver verifies by query alone)\n";
}

// Start the receiver on a free port.
$probe = stream_socket_server('tcp://127.0.0.1:0');
$port = (int) parse_url('tcp://' . stream_socket_get_name($probe, false), PHP_URL_PORT);
fclose($probe);
$receiverUrl = "http://127.0.0.1:$port";
$log = tempnam(sys_get_temp_dir(), 'shop-server');
$server = proc_open(
    [PHP_BINARY, '-n', '-d', "extension=$ext", '-S', "127.0.0.1:$port", __DIR__ . '/receiver.php'],
    [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'w'], 2 => ['file', $log, 'a']],
    $pipes,
    __DIR__,
    $env + ['SHOP_ORDERS' => $orders, 'PATH' => (string) getenv('PATH')],
);
register_shutdown_function(static function () use ($server, $redis, $orders, $log): void {
    proc_terminate($server);
    proc_close($server);
    if ($redis !== null) {
        proc_terminate($redis);
        proc_close($redis);
    }
    @unlink($orders);
    @unlink($log);
});
$up = false;
for ($i = 0; $i < 100 && !$up; $i++) {
    usleep(100_000);
    $up = @file_get_contents("$receiverUrl/health", false, stream_context_create(['http' => ['ignore_errors' => true]])) !== false;
}
check($up, 'the receiver is up', (string) file_get_contents($log));

// The checkout: an STK push from PHP whose callback goes to the receiver.
foreach ($env as $k => $v) {
    putenv("$k=$v");
}
$tuma = Tuma\Client::fromEnv();
$push = $tuma->daraja()->stkPush([
    'phone' => '0708 374 149',
    'amount' => 250,
    'account_reference' => 'ORDER-1001',
    'transaction_desc' => 'Sneakers',
    'callback_url' => "$receiverUrl/mpesa/stk",
]);
check($push['response_code'] === '0', 'STK push accepted', $push);

// The sandbox posts the callback; the receiver ships the order.
$lines = [];
for ($i = 0; $i < 200 && $lines === []; $i++) {
    usleep(50_000);
    $lines = array_values(array_filter(explode("\n", (string) file_get_contents($orders))));
}
check(count($lines) === 1, 'the callback arrived and the order was shipped', (string) file_get_contents($log));
$order = json_decode($lines[0] ?? '{}', true);
check(($order['checkout_request_id'] ?? null) === $push['checkout_request_id'], 'the shipped order is this push');
check((float) ($order['amount'] ?? 0) === 250.0 && ($order['phone'] ?? null) === '254708374149', 'amount and phone');
$query = $tuma->daraja()->stkQuery(['checkout_request_id' => $push['checkout_request_id']]);
check($query['result_code'] === '0', 'Daraja says it is paid');

// A redelivery of the same callback (Daraja retries when it misses our answer).
[$status, $answer] = post("$receiverUrl/mpesa/stk", (string) base64_decode($order['raw'] ?? ''));
check($status === 200 && (json_decode($answer, true)['ResultDesc'] ?? null) === 'duplicate', 'a redelivery is answered "duplicate"', $answer);
[$status, $answer] = post("$receiverUrl/mpesa/stk", (string) base64_decode($order['raw'] ?? ''));
check(str_contains($answer, 'duplicate'), 'and again');
check(count(array_filter(explode("\n", (string) file_get_contents($orders)))) === 1, 'the order was shipped once');

// A forged "paid" callback for a push this shop never made: verified, refused, not shipped.
$forged = str_replace($push['checkout_request_id'], 'ws_CO_000000000000000forged', (string) base64_decode($order['raw'] ?? ''));
[$status, $answer] = post("$receiverUrl/mpesa/stk", $forged);
check($status !== 200 && str_contains($answer, 'not processed'), 'a forged callback is not accepted', [$status, $answer]);
check(count(array_filter(explode("\n", (string) file_get_contents($orders)))) === 1, 'and nothing was shipped for it');

// Junk is refused, not shipped.
[$status, $answer] = post("$receiverUrl/mpesa/stk", '{"hello": "world"}');
check($status === 400, 'a body that is not a Daraja callback gets 400', [$status, $answer]);

echo "php-ext shop e2e: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
