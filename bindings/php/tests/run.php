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

/** The sandbox's control API: $method $path with a JSON body; returns the decoded answer. */
function sandbox(string $method, string $path, ?array $body = null): array
{
    $context = stream_context_create(['http' => [
        'method' => $method,
        'header' => "Content-Type: application/json\r\n",
        'content' => $body === null ? '' : json_encode($body),
    ]]);
    $answer = file_get_contents(getenv('TUMA_SANDBOX_URL') . $path, false, $context);
    return json_decode((string) $answer, true, 512, JSON_THROW_ON_ERROR);
}

/** Whether the sandbox's ledger of processed payments holds $identity. */
function inLedger(string $identity): bool
{
    foreach (sandbox('GET', '/_sandbox/stats')['payments'] as $payment) {
        if (str_contains($payment['identity'], $identity)) {
            return true;
        }
    }
    return false;
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
// The same callback claiming a bigger amount: the payment journal refuses it.
$forged = preg_replace('/("Name":"Amount","Value":)[0-9.]+/', '${1}5000', $body);
check($forged !== $body, 'the forged callback has another amount');
$e = expectThrows(InvalidCallbackException::class, fn () => $tuma->daraja()->confirmStkPayment(['callback' => $forged]));
check(str_contains($e->getMessage(), 'amount') && $e->fate === 'not_sent', 'a forged amount is refused: ' . $e->getMessage());

// Callback claims: claim, release on failure, claim again, complete, done.
$received = $tuma->callbacks()->receive(['kind' => 'daraja.stk_callback', 'body' => $body]);
check($received['first_time'] === true && $received['status'] === 'claimed' && is_string($received['claim']), 'first delivery of the callback: claimed');
check($received['id'] === $push['checkout_request_id'], 'claimed on the CheckoutRequestID');
$busy = $tuma->callbacks()->receive(['kind' => 'daraja.stk_callback', 'body' => $body]);
check($busy['first_time'] === false && $busy['status'] === 'in_progress' && $busy['claim'] === null, 'a redelivery while it is processed: in progress');
check($tuma->callbacks()->release(['claim' => $received['claim']]) === ['released' => true], 'processing failed: the claim is released');
$retry = $tuma->callbacks()->receive(['kind' => 'daraja.stk_callback', 'body' => $body]);
check($retry['status'] === 'claimed' && $retry['claim'] !== $received['claim'], 'the redelivery after a release is claimed again');
check($tuma->callbacks()->complete(['claim' => $retry['claim']]) === ['completed' => true, 'lease_held' => true], 'processed: completed');
$done = $tuma->callbacks()->receive(['kind' => 'daraja.stk_callback', 'body' => $body]);
check($done['first_time'] === false && $done['status'] === 'done' && $done['claim'] === null, 'a redelivery after completion: done');
check($tuma->callbacks()->release(['claim' => $retry['claim']]) === ['released' => false], 'a completed claim is not released');
$e = expectThrows(InvalidInputException::class, fn () => $tuma->callbacks()->complete(['claim' => 'forged']));
check($e->field === 'claim', 'a claim libtuma did not hand out');

// Money truth: Daraja processed the push but answered 500: fate unknown, with the ids to recover.
check(!inLedger(':7:PFATE7:'), 'not in the ledger before');
sandbox('POST', '/_sandbox/faults', ['path_contains' => '/stkpush/', 'times' => 1,
    'fault' => 'reply=500;processed;body={"requestId":"x","errorCode":"500.001.1001","errorMessage":"Internal server error"}']);
$e = expectThrows(ApiException::class, fn () => $tuma->daraja()->stkPush(['phone' => '0708374149', 'amount' => 7, 'account_reference' => 'PFATE7', 'callback_url' => 'http://127.0.0.1:9/stk']));
check($e->fate === 'unknown' && $e->outcomeUnknown === true && $e->providerCode === '500.001.1001', 'a 500 after processing: fate unknown');
$r = $e->recovery;
check(is_array($r) && $r['operation'] === 'daraja.stk_push' && $r['phone'] === '254708374149' && $r['amount'] === 7
    && $r['account_reference'] === 'PFATE7' && preg_match('/^20\d{12}$/', $r['timestamp']) === 1 && is_string($r['advice']),
    'recovery: ' . json_encode($r));
check(inLedger(':7:PFATE7:'), 'and the sandbox did process the payment');
// A documented refusal: not processed.
sandbox('POST', '/_sandbox/faults', ['path_contains' => '/stkpush/', 'times' => 1,
    'fault' => 'reply=400;body={"requestId":"x","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid Amount"}']);
$e = expectThrows(ApiException::class, fn () => $tuma->daraja()->stkPush(['phone' => '0708374149', 'amount' => 8, 'account_reference' => 'PREFUSE8', 'callback_url' => 'http://127.0.0.1:9/stk']));
check($e->fate === 'refused' && $e->outcomeUnknown === false && $e->recovery['account_reference'] === 'PREFUSE8', 'a documented refusal: fate refused');
check(!inLedger(':8:PREFUSE8:'), 'a refused payment is not in the ledger');

// UMS Pay: push, wait, confirm.
$ums = $tuma->umspay()->stkPush(['amount' => 10, 'phone' => '0712345678', 'reference' => 'ORDER-43']);
$final = $tuma->umspay()->waitForStatus(['transaction_request_id' => $ums['transaction_request_id'], 'timeout_ms' => 10000]);
check($final['status'] === 'completed', 'UMS Pay payment completed');
check($tuma->umspay()->confirmPayment(['transaction_request_id' => $ums['transaction_request_id']])['receipt'] === $final['receipt'], 'UMS Pay payment confirmed');
$webhook = json_encode(['event' => 'payment.completed', 'ResponseCode' => 0, 'TransactionID' => $ums['transaction_request_id'],
    'TransactionAmount' => 9000, 'TransactionReceipt' => $final['receipt'], 'TransactionReference' => 'ORDER-43', 'Msisdn' => '254712345678']);
$e = expectThrows(InvalidCallbackException::class, fn () => $tuma->umspay()->confirmPayment(['webhook' => $webhook]));
check(str_contains($e->getMessage(), 'amount'), 'a forged UMS Pay webhook amount is refused: ' . $e->getMessage());

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
check($e->fate === 'not_sent' && $e->recovery === null, 'invalid input: not sent, nothing to recover');
$e = new NetworkException('m', 'network', 300, outcomeUnknown: true);
check($e->fate === 'unknown' && $e->recovery === null, 'the fate follows outcomeUnknown when not given');
check((new Tuma\Exception('m', 'api', fate: 'refused', recovery: ['operation' => 'x']))->recovery === ['operation' => 'x'], 'fate and recovery by name');
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
check($e->outcomeUnknown === false && $e->fate === 'not_sent', 'refused connection: not sent');
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
