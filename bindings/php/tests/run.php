<?php

// PHP FFI wrapper tests against the sandbox: `make test-php` (or
// TUMA_LIB=target/debug/libtuma.so tests/c/run.sh target/debug/tuma-sandbox php bindings/php/tests/run.php).

declare(strict_types=1);

require __DIR__ . '/../src/autoload.php';

use Tuma\ApiException;
use Tuma\AuthenticationException;
use Tuma\Callbacks;
use Tuma\Client;
use Tuma\ConfigException;
use Tuma\InvalidCallbackException;
use Tuma\InvalidInputException;
use Tuma\NetworkException;
use Tuma\Utils;

$checks = 0;
function check(bool $cond, string $what): void
{
    global $checks;
    $checks++;
    if (!$cond) {
        fwrite(STDERR, "FAILED: $what\n");
        exit(1);
    }
}

/** Runs $fn and returns the exception it throws (failing when it throws none). */
function expectThrows(string $class, callable $fn): Tuma\Exception
{
    try {
        $fn();
    } catch (Tuma\Exception $e) {
        check($e instanceof $class, "expected $class, got " . get_class($e) . ': ' . $e->getMessage());
        return $e;
    }
    check(false, "expected $class, nothing thrown");
    throw new LogicException('unreachable');
}

function camel(string $snake): string
{
    return lcfirst(str_replace('_', '', ucwords($snake, '_')));
}

$base = getenv('TUMA_SANDBOX_URL');
check(is_string($base) && $base !== '', 'TUMA_SANDBOX_URL is set');
$config = [
    'statum' => [
        'consumer_key' => 'sandbox-statum-key',
        'consumer_secret' => 'sandbox-statum-secret',
        'base_url' => "$base/statum/api/v2",
    ],
    'daraja' => [
        'consumer_key' => 'sandbox-daraja-key',
        'consumer_secret' => 'sandbox-daraja-secret',
        'environment' => 'sandbox',
        'base_url' => "$base/daraja",
        'shortcode' => '174379',
        'passkey' => 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
    ],
    'umspay' => [
        'api_key' => 'sandbox-umspay-key',
        'email' => 'dev@tuma.test',
        'account_id' => 'UMPAY-SANDBOX',
        'base_url' => "$base/umspay/api/v1",
    ],
    'http' => ['user_agent_suffix' => 'php'],
];
$tuma = new Client($config);

// Every operation, callback kind and utility libtuma lists has a PHP method.
foreach (Client::operations() as $op) {
    [$provider, $name] = explode('.', $op, 2);
    check(method_exists($tuma, $provider), "Client::$provider() exists for $op");
    check(method_exists($tuma->$provider(), camel($name)), "a PHP method for operation $op");
}
foreach (Callbacks::kinds() as $kind) {
    check(method_exists(Callbacks::class, camel(str_replace('.', '_', $kind))), "a Callbacks method for $kind");
}
foreach (Utils::names() as $util) {
    check(method_exists(Utils::class, camel(str_replace('.', '_', $util))), "a Utils method for $util");
}
preg_match('/^#define TUMA_VERSION "(.*)"$/m', (string) file_get_contents(__DIR__ . '/../../../include/tuma.h'), $m);
check(Client::version() === $m[1], 'libtuma version matches include/tuma.h');

// An SMS.
$sms = $tuma->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '0712 345 678', 'message' => 'Hello from PHP']);
check($sms['status_code'] === 200, 'SMS accepted');
check(is_string($sms['request_id']) && $sms['request_id'] !== '', 'SMS request id');

// Airtime, account details, and the generic call.
$air = $tuma->statum()->airtime(['phone' => '+254712345678', 'amount' => 20]);
check($air['status_code'] === 200, 'airtime accepted');
$account = $tuma->statum()->accountDetails();
check(isset($account['organization']['details']['available_balance']), 'account balance');
check($tuma->call('statum.account_details')['status_code'] === 200, 'generic call');

// An STK push, its callback received on a local listener and parsed.
$listener = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
check($listener !== false, "listen: $errstr");
$address = stream_socket_get_name($listener, false);
$push = $tuma->daraja()->stkPush([
    'phone' => '0712 345 678',
    'amount' => 10,
    'account_reference' => 'ORDER-42',
    'transaction_desc' => 'Shoes',
    'callback_url' => "http://$address/mpesa/stk",
]);
check($push['response_code'] === '0' && str_starts_with($push['checkout_request_id'], 'ws_CO_'), 'STK push accepted');
$conn = stream_socket_accept($listener, 10);
check($conn !== false, 'the sandbox delivered the STK callback');
stream_set_timeout($conn, 10);
$head = '';
while (!str_contains($head, "\r\n\r\n") && !feof($conn)) {
    $head .= fread($conn, 1);
}
preg_match('/content-length:\s*(\d+)/i', $head, $len);
$body = '';
while (strlen($body) < (int) $len[1] && !feof($conn)) {
    $body .= fread($conn, (int) $len[1] - strlen($body));
}
fwrite($conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
fclose($conn);
$event = Callbacks::darajaStkCallback($body);
check($event['checkout_request_id'] === $push['checkout_request_id'], 'callback matches the push');
check(str_contains(json_encode($event), '"result_code"'), 'callback has a result code');
$query = $tuma->daraja()->stkQuery(['checkout_request_id' => $push['checkout_request_id']]);
check($query['pending'] === false, 'STK query after the callback');
$confirmed = $tuma->daraja()->confirmStkPayment(['callback' => $body]);
check($confirmed !== null && $confirmed['checkout_request_id'] === $push['checkout_request_id'], 'the callback is confirmed by a query before shipping');
$received = $tuma->callbacks()->receive(['kind' => 'daraja.stk_callback', 'body' => $body]);
check($received['first_time'] === true, 'first delivery of the callback');
check($tuma->callbacks()->receive(['kind' => 'daraja.stk_callback', 'body' => $body])['first_time'] === false, 'a redelivery is recognised');

// UMS Pay: push, wait, confirm.
$ums = $tuma->umspay()->stkPush(['amount' => 10, 'phone' => '0712345678', 'reference' => 'ORDER-43']);
$final = $tuma->umspay()->waitForStatus(['transaction_request_id' => $ums['transaction_request_id'], 'timeout_ms' => 10000]);
check($final['status'] === 'completed', 'UMS Pay payment completed');
check($tuma->umspay()->confirmPayment(['transaction_request_id' => $ums['transaction_request_id']])['receipt'] === $final['receipt'], 'UMS Pay payment confirmed');

// Utilities.
$pw = Utils::darajaStkPassword(['shortcode' => '174379', 'passkey' => 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919', 'timestamp' => '20160216165627']);
check($pw['password'] === base64_encode('174379bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c91920160216165627'), 'STK password');

// Callbacks.
$result = Callbacks::statumResult('{"request_id":"R1","result_code":"200","result_desc":"Delivered"}');
check($result === ['request_id' => 'R1', 'result_code' => '200', 'result_desc' => 'Delivered'], 'statum.result parsed');
$airResult = Callbacks::statumAirtimeResult('{"request_id":"A1","charge":"1.5","account_balance":"98.5","result_code":"200","result_desc":"OK"}');
check($airResult['account_balance'] === 98.5, 'statum.airtime_result parsed');
expectThrows(InvalidCallbackException::class, fn () => Callbacks::statumResult("\xff\x00junk"));
expectThrows(InvalidCallbackException::class, fn () => Callbacks::statumResult(''));

// Utilities.
check(Utils::phoneNormalize(['phone' => '0712 345 678'])['phone'] === '254712345678', 'phone normalised');

// Errors become exceptions carrying the detail.
$e = expectThrows(InvalidInputException::class, fn () => $tuma->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '12', 'message' => 'x']));
check($e->field === 'phone' && $e->kind === 'invalid_input' && $e->getCode() === 103, 'invalid input names the field');
$e = expectThrows(InvalidInputException::class, fn () => $tuma->statum()->airtime(['phone' => '0712345678', 'amount' => 'ten']));
check($e->field === 'amount', 'wrong-typed amount');
$e = expectThrows(InvalidInputException::class, fn () => $tuma->call('statum.teleport'));
check($e->field === 'operation', 'unknown operation');
$e = expectThrows(InvalidInputException::class, fn () => $tuma->statum()->sendSms(['sender_id' => "\xff", 'phone' => '0712345678', 'message' => 'x']));
check($e->field === 'request', 'invalid UTF-8 is refused before the call');
$e = expectThrows(ApiException::class, fn () => $tuma->statum()->sendSms(['sender_id' => 'NOTMINE', 'phone' => '0712345678', 'message' => 'x']));
check($e->provider === 'statum' && $e->status === 422 && $e->getCode() === 201, 'API error detail');
$bad = new Client(['statum' => ['consumer_key' => 'sandbox-statum-key', 'consumer_secret' => 'wrong', 'base_url' => "$base/statum/api/v2"]]);
$e = expectThrows(AuthenticationException::class, fn () => $bad->statum()->accountDetails());
check($e->provider === 'statum' && $e->status === 401, 'authentication error detail');
$down = new Client(['statum' => ['consumer_key' => 'k', 'consumer_secret' => 's', 'base_url' => 'http://127.0.0.1:1/'], 'http' => ['max_retries' => 0]]);
$e = expectThrows(NetworkException::class, fn () => $down->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '0712345678', 'message' => 'x']));
check($e->outcomeUnknown === false, 'refused connection: not sent');
$e = expectThrows(ConfigException::class, fn () => new Client(['statum' => ['consumer_key' => 'k']]));
check($e instanceof Tuma\Exception, 'config errors are tuma exceptions');
expectThrows(ConfigException::class, fn () => new Client(['statum' => ['consumer_key' => 'k', 'consumer_secret' => 's', 'base_url' => 'http://example.com/']]));

// fromEnv.
putenv('TUMA_STATUM_CONSUMER_KEY=sandbox-statum-key');
putenv('TUMA_STATUM_CONSUMER_SECRET=sandbox-statum-secret');
putenv("TUMA_STATUM_BASE_URL=$base/statum/api/v2");
check(Client::fromEnv()->statum()->accountDetails()['status_code'] === 200, 'client from env');

unset($tuma, $bad, $down);
echo "bindings/php/tests/run.php: $checks checks passed\n";
