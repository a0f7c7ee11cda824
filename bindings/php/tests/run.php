<?php

// PHP FFI wrapper tests against the sandbox: `make test-php` (or
// TUMA_LIB=target/debug/libtuma.so tests/c/run.sh target/debug/tuma-sandbox php bindings/php/tests/run.php).

declare(strict_types=1);

require __DIR__ . '/../src/autoload.php';

use Tuma\ApiException;
use Tuma\AuthenticationException;
use Tuma\AuthorizationException;
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

// Every error kind libtuma lists (from the C side: tuma_error_kinds) has its own class.
$kinds = Tuma\Exception::kinds();
$classes = [];
foreach ($kinds as $k) {
    check(is_string($k['kind']) && is_int($k['result']) && in_array($k['origin'], ['core', 'libtuma'], true), 'a kind entry: ' . json_encode($k));
    $x = Tuma\Exception::fromDetail($k['result'], 'm', ['kind' => $k['kind']]);
    check($x->kind === $k['kind'] && $x->getCode() === $k['result'], "fromDetail keeps the kind and code of {$k['kind']}");
    if ($k['origin'] === 'core') {
        $want = 'Tuma\\' . str_replace('_', '', ucwords($k['kind'], '_')) . 'Exception';
        check(get_class($x) === $want, "the core kind {$k['kind']} is $want, got " . get_class($x));
        check((new ReflectionClass($want))->isFinal() && get_parent_class($want) === Tuma\Exception::class, "$want is a final Tuma\\Exception");
        check(!isset($classes[$want]), "$want is the class of one kind only");
        $classes[$want] = $k['kind'];
    } else {
        $want = $k['kind'] === 'panic' ? Tuma\Exception::class : InvalidInputException::class;
        check(get_class($x) === $want, "libtuma's own kind {$k['kind']} is $want");
    }
}
check(isset($classes[AuthorizationException::class], $classes[Tuma\BusyException::class]), 'authorization and busy have their classes');
// and no exception class is left without a kind
foreach (glob(__DIR__ . '/../src/Tuma/*Exception.php') as $file) {
    $class = 'Tuma\\' . basename($file, '.php');
    check($class === Tuma\Exception::class || isset($classes[$class]), "$class is the class of a kind");
}
// HTTP 403: valid credentials, not allowed.
sandbox('POST', '/_sandbox/faults', ['path_contains' => '/statum/api/v2/account-details', 'times' => 1,
    'fault' => 'reply=403;body={"status_code":403,"description":"Forbidden"}']);
$e = expectThrows(AuthorizationException::class, fn () => $tuma->statum()->accountDetails());
check($e->kind === 'authorization' && $e->status === 403 && $e->getCode() === 205 && $e->provider === 'statum', 'a 403 is an AuthorizationException');

// Secrets stay out of stack traces: the configuration is a sensitive parameter.
if (PHP_VERSION_ID >= 80200) {
    ini_set('zend.exception_ignore_args', '0'); // Debian's php.ini leaves arguments out of traces
    $secret = 'TopSecret-' . bin2hex(random_bytes(8));
    $shown = static function (Throwable $e) use ($secret): bool {
        return str_contains(print_r($e->getTrace(), true), $secret) || str_contains((string) $e, $secret)
            || str_contains(var_export($e->getTrace(), true), $secret) || str_contains($e->getMessage(), $secret);
    };
    $redacted = static function (Throwable $e, string $function): bool {
        foreach ($e->getTrace() as $frame) {
            if ($frame['function'] === $function) {
                return ($frame['args'][0] ?? null) instanceof SensitiveParameterValue
                    || ($frame['args'][1] ?? null) instanceof SensitiveParameterValue;
            }
        }
        return false;
    };
    try {
        new Client(['statum' => ['consumer_key' => 'k', 'consumer_secret' => $secret, 'base_url' => 'ftp://nowhere']]);
        check(false, 'a bad base_url is refused');
    } catch (ConfigException $e) {
        check($redacted($e, '__construct'), 'the constructor frame holds a SensitiveParameterValue');
        check(!$shown($e), 'the secret is not in the trace of an exception thrown in the constructor');
    }
    try {
        new Client(['statum' => ['consumer_key' => 'k', 'consumer_secret' => $secret, 'base_url' => "\xff"]]);
        check(false, 'invalid UTF-8 is refused');
    } catch (InvalidInputException $e) {
        check($redacted($e, 'encode') && $redacted($e, '__construct'), 'encoding: both frames are redacted');
        check(!$shown($e), 'the secret is not in the trace of a configuration that cannot be encoded');
    }
    try {
        Utils::darajaSecurityCredential(['password' => $secret, 'certificate_pem' => 'not a certificate']);
        check(false, 'a bad certificate is refused');
    } catch (Tuma\Exception $e) {
        check($redacted($e, 'darajaSecurityCredential') && $redacted($e, 'run') && $redacted($e, 'json'), 'utility frames are redacted');
        check(!$shown($e), 'the initiator password is not in the trace');
    }
} else {
    echo "skipped: #[\\SensitiveParameter] needs PHP 8.2 (this is ", PHP_VERSION, ")\n";
}

// A client owns its handle: no clone (both copies would free it), nothing crashes.
$owner = new Client($config);
try {
    $copy = clone $owner;
    check(false, 'a client cannot be cloned');
} catch (Error $e) {
    check(str_contains($e->getMessage(), '__clone') || str_contains($e->getMessage(), 'uncloneable'), 'cloning a client throws: ' . $e->getMessage());
}
check(!isset($copy), 'no copy was made');
check($owner->statum()->accountDetails()['status_code'] === 200, 'the client still works after a refused clone');
$method = new ReflectionMethod(Client::class, '__clone');
check($method->isPrivate(), '__clone is private');
$method->setAccessible(true);
try {
    $method->invoke($owner);
    check(false, '__clone throws even when reached');
} catch (Error $e) {
    check(str_contains($e->getMessage(), 'uncloneable'), '__clone throws even when reached through reflection');
}
$e = null;
try {
    serialize($owner);
} catch (Exception $e) {
}
check($e !== null, 'a client cannot be serialized');
$owner->__destruct();
$owner->__destruct(); // a second call frees nothing
try {
    $owner->statum()->accountDetails();
    check(false, 'a destroyed client cannot be used');
} catch (Error $e) {
    check(str_contains($e->getMessage(), 'must not be accessed before initialization'), 'a destroyed client refuses calls');
}
$e = null;
try {
    $tuma->__construct($config);
} catch (Error $e) {
}
check($e !== null && str_contains($e->getMessage(), 'already initialised'), 'the constructor cannot run twice');
unset($owner);

// fork(): the child goes on with the client it inherited; both sides' answers are right.
if (function_exists('pcntl_fork')) {
    $redis = getenv('TUMA_TEST_REDIS_URL');
    $forked = new Client($redis ? $config + ['store' => ['url' => $redis]] : $config);
    $round = static function (Client $c, string $who): int {
        $bad = 0;
        for ($i = 0; $i < 8; $i++) {
            try {
                if ($i % 2 === 0) {
                    $r = $c->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '0712345678', 'message' => "fork $who $i"]);
                    $ok = $r['status_code'] === 200 && is_string($r['request_id']);
                } else {
                    $r = $c->statum()->accountDetails();
                    $ok = $r['status_code'] === 200 && isset($r['organization']);
                }
                if (getenv('TUMA_TEST_REDIS_URL')) {
                    $id = 'php-fork-' . getmypid() . "-$who-$i";
                    $ok = $ok && $c->callbacks()->firstTime(['id' => $id])['first_time'] === true
                        && $c->callbacks()->firstTime(['id' => $id])['first_time'] === false;
                }
            } catch (Tuma\Exception $e) {
                fwrite(STDERR, "$who: call $i: " . get_class($e) . ': ' . $e->getMessage() . "\n");
                $ok = false;
            }
            $bad += $ok ? 0 : 1;
        }
        return $bad;
    };
    check($round($forked, 'before') === 0, 'calls before fork');
    $pid = pcntl_fork();
    check($pid >= 0, 'pcntl_fork');
    if ($pid === 0) {
        $bad = $round($forked, 'child');
        exit($bad === 0 ? 0 : 3);
    }
    $bad = $round($forked, 'parent');
    check(pcntl_waitpid($pid, $status) === $pid, 'waitpid');
    check(pcntl_wifexited($status) && pcntl_wexitstatus($status) === 0, 'every call of the child succeeded (status ' . $status . ')');
    check($bad === 0, 'every call of the parent succeeded while the child ran');
    check($round($forked, 'after') === 0, 'the parent\'s connections still work after the child left');
    echo 'fork: ', $redis ? 'HTTP and Redis' : 'HTTP only (no TUMA_TEST_REDIS_URL)', "\n";
} else {
    echo "skipped: the fork test needs the pcntl extension\n";
}

// fromEnv.
putenv('TUMA_STATUM_CONSUMER_KEY=sandbox-statum-key');
putenv('TUMA_STATUM_CONSUMER_SECRET=sandbox-statum-secret');
putenv("TUMA_STATUM_BASE_URL=$base/statum/api/v2");
check(Client::fromEnv()->statum()->accountDetails()['status_code'] === 200, 'client from env');

unset($tuma, $bad, $down);
echo "bindings/php/tests/run.php: $checks checks passed\n";
