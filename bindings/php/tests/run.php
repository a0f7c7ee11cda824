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

// Daraja's other portal APIs (top-up, Pochi, tax, B2B Express Checkout, Pull Transactions,
// Ratiba, Bill Manager) and the reconciler, with their callbacks on a local listener.
$hooks = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
check($hooks !== false, "listen: $errstr");
$hooksUrl = 'http://' . stream_socket_get_name($hooks, false);
$stash = [];

/**
 * The body of the first callback POSTed to a path starting with $path that holds $needle;
 * the others are kept in $stash for later. Bill Manager notifications are acknowledged.
 */
function callbackFor($listener, array &$stash, string $path, string $needle): string
{
    $deadline = microtime(true) + 15;
    while (true) {
        foreach ($stash as $i => [$p, $b]) {
            if (str_starts_with($p, $path) && str_contains($b, $needle)) {
                unset($stash[$i]);
                return $b;
            }
        }
        $left = $deadline - microtime(true);
        check($left > 0, "a callback on $path holding $needle");
        $conn = @stream_socket_accept($listener, $left);
        check($conn !== false, "a callback on $path holding $needle arrived");
        stream_set_timeout($conn, 10);
        $head = '';
        while (!str_contains($head, "\r\n\r\n") && !feof($conn)) {
            $head .= fread($conn, 1);
        }
        preg_match('/^\S+ (\S+)/', $head, $line);
        preg_match('/content-length:\s*(\d+)/i', $head, $len);
        $body = '';
        while (strlen($body) < (int) ($len[1] ?? 0) && !feof($conn)) {
            $body .= fread($conn, (int) $len[1] - strlen($body));
        }
        $p = $line[1] ?? '';
        $reply = str_starts_with($p, '/bill') ? json_encode(Utils::darajaBillPaymentAck()) : '{}';
        fwrite($conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " . strlen($reply)
            . "\r\nConnection: close\r\n\r\n$reply");
        fclose($conn);
        $stash[] = [$p, $body];
    }
}

$portal = new Client(['daraja' => $config['daraja'] + [
    'initiator_name' => 'testapi',
    'initiator_password' => 'Safaricom999!*!',
    'certificate_pem' => (string) file_get_contents(__DIR__ . '/../../../crates/sandbox/testdata/daraja-test-cert.pem'),
    'callback_url' => "$hooksUrl/stk",
    'result_url' => "$hooksUrl/result",
    'timeout_url' => 'http://127.0.0.1:9/timeout',
], 'http' => ['max_retries' => 0]]);
$d = $portal->daraja();

// Top-up, Pochi and tax, and their results.
$up = $d->b2cTopup(['party_b' => '600981', 'amount' => 1000, 'account_reference' => 'PTOPUP1', 'remarks' => 'Float top-up']);
check($up['response_code'] === '0' && str_starts_with($up['conversation_id'], 'AG_'), 'b2c top-up accepted');
$result = Callbacks::darajaResult(callbackFor($hooks, $stash, '/result', $up['conversation_id']));
check($result['status'] === 'completed' && $result['details']['kind'] === 'b2b' && $result['details']['bill_reference_number'] === 'PTOPUP1',
    'the top-up result is B2B-shaped: ' . json_encode($result['details']));
$pochi = $d->b2pochi(['phone' => '0708 374 149', 'amount' => 150, 'remarks' => 'Pochi payout', 'shortcode' => '600981']);
check($pochi['response_code'] === '0' && strlen($pochi['originator_conversation_id']) === 36, 'Pochi payment accepted');
$result = Callbacks::darajaResult(callbackFor($hooks, $stash, '/result', $pochi['originator_conversation_id']));
check($result['details']['kind'] === 'b2c' && $result['details']['transaction_amount'] === 150.0, 'the Pochi result is B2C-shaped');
$e = expectThrows(ApiException::class, fn () => $d->b2pochi(['phone' => '0708374149', 'amount' => 150, 'remarks' => 'Again',
    'shortcode' => '600981', 'originator_conversation_id' => $pochi['originator_conversation_id']]));
check($e->fate === 'refused' && $e->providerCode === '500.002.1001'
    && $e->recovery['originator_conversation_id'] === $pochi['originator_conversation_id'], 'a repeated Pochi id is refused: never paid twice');
$tax = $d->remitTax(['amount' => 2500, 'account_reference' => 'PHPPRN0001', 'remarks' => 'VAT June']);
check($tax['response_code'] === '0', 'tax remittance accepted');
$result = Callbacks::darajaResult(callbackFor($hooks, $stash, '/result', $tax['conversation_id']));
check(str_contains((string) $result['details']['receiver_party_public_name'], '572572') && $result['details']['bill_reference_number'] === 'PHPPRN0001',
    'the tax result names KRA and the PRN');
// Processed, then a 500: fate unknown, with the ids; the sandbox processed it once.
sandbox('POST', '/_sandbox/faults', ['path_contains' => 'remittax', 'times' => 1,
    'fault' => 'reply=500;processed;body={"requestId":"x","errorCode":"500.001.1001","errorMessage":"Internal server error"}']);
$e = expectThrows(ApiException::class, fn () => $d->remitTax(['amount' => 400, 'account_reference' => 'PHPPRNCUT', 'remarks' => 'VAT']));
check($e->fate === 'unknown' && $e->outcomeUnknown === true && $e->recovery['operation'] === 'daraja.remit_tax'
    && $e->recovery['receiver'] === '572572' && $e->recovery['account_reference'] === 'PHPPRNCUT', 'tax after a 500: unknown, ' . json_encode($e->recovery));
check(inLedger('572572:400:PHPPRNCUT:'), 'and the sandbox did process the remittance');
// A documented refusal of a top-up: not processed.
sandbox('POST', '/_sandbox/faults', ['path_contains' => 'b2b/v1/paymentrequest', 'times' => 1,
    'fault' => 'reply=400;body={"requestId":"x","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid Amount"}']);
$e = expectThrows(ApiException::class, fn () => $d->b2cTopup(['party_b' => '600981', 'amount' => 300, 'account_reference' => 'PREFUSED', 'remarks' => 'Top-up']));
check($e->fate === 'refused' && $e->recovery['account_reference'] === 'PREFUSED' && $e->recovery['amount'] === 300, 'a refused top-up: fate refused');
check(!inLedger(':300:PREFUSED:'), 'a refused top-up is not in the ledger');

// B2B Express Checkout: paid, then cancelled by the operator; claimed once.
$express = $d->b2bExpressCheckout(['primary_short_code' => '600100', 'amount' => 71, 'payment_ref' => 'PO-77',
    'callback_url' => "$hooksUrl/express", 'partner_name' => 'Tuma Supplies']);
check($express['code'] === '0' && strlen($express['request_ref_id']) === 36, 'B2B Express Checkout initiated');
$paid = Callbacks::darajaB2bExpressCallback(callbackFor($hooks, $stash, '/express', $express['request_ref_id']));
check($paid['status'] === 'completed' && $paid['amount'] === 71.0 && is_string($paid['transaction_id']) && $paid['status_text'] === 'SUCCESS',
    'B2B Express callback: paid');
$own = 'php-express-' . bin2hex(random_bytes(6));
$d->b2bExpressCheckout(['primary_short_code' => '400100', 'amount' => 50, 'payment_ref' => 'PO-9',
    'callback_url' => "$hooksUrl/express", 'partner_name' => 'Tuma', 'request_ref_id' => $own]);
$body = callbackFor($hooks, $stash, '/express', $own);
$cancelled = Callbacks::parse('daraja.b2b_express_callback', $body);
check($cancelled['status'] === 'cancelled' && $cancelled['result_code'] === '4001' && $cancelled['payment_reference'] === 'PO-9'
    && $cancelled['transaction_id'] === null, 'B2B Express callback: cancelled');
$first = $portal->callbacks()->receive(['kind' => 'daraja.b2b_express_callback', 'body' => $body]);
check($first['status'] === 'claimed' && $first['id'] === $own, 'the express callback is claimed on its requestId');
$portal->callbacks()->complete(['claim' => $first['claim']]);
check($portal->callbacks()->receive(['kind' => 'daraja.b2b_express_callback', 'body' => $body])['status'] === 'done', 'its redelivery is done');

// Pull Transactions: registered once, every page read.
$shortcode = (string) random_int(700000, 799999);
$registration = ['shortcode' => $shortcode, 'nominated_number' => '0708374149', 'callback_url' => "$hooksUrl/pull"];
$reg = $d->pullRegister($registration);
check($reg['response_status'] === '1000' && $reg['already_registered'] === false && $reg['short_code'] === $shortcode, 'Pull Transactions registration');
$again = $d->pullRegister($registration);
check($again['already_registered'] === true && $again['response_ref_id'] === $reg['response_ref_id'], 'registering again: already registered');
$none = $d->pullTransactions(['shortcode' => $shortcode]);
check($none['complete'] === true && $none['transactions'] === [] && $none['pages'] === 1, 'nothing yet: an empty list');
for ($i = 0; $i < 2; $i++) {
    $d->c2bSimulate(['shortcode' => $shortcode, 'amount' => 10 + $i, 'phone' => '0708374149', 'bill_ref_number' => "PULL-$i"]);
}
$deadline = microtime(true) + 15;
while (count($d->pullTransactions(['shortcode' => $shortcode])['transactions']) < 2 && microtime(true) < $deadline) {
    usleep(100_000);
}
sandbox('POST', '/_sandbox/daraja/settings', ['pull_page_size' => 1]);
$all = $d->pullTransactions(['shortcode' => $shortcode]);
$refs = array_column($all['transactions'], 'bill_reference');
sort($refs);
check($all['complete'] === true && $all['pages'] === 3 && $refs === ['PULL-0', 'PULL-1'], 'every page: ' . json_encode($all));
check($all['transactions'][0]['msisdn'] === '254708374149' && is_float($all['transactions'][0]['amount']), 'a pulled transaction');
$one = $d->pullTransactions(['shortcode' => $shortcode, 'max_pages' => 1]);
check($one['complete'] === false && count($one['transactions']) === 1, 'the page bound stops the walk and says so');
sandbox('POST', '/_sandbox/daraja/settings', ['pull_page_size' => 100]);

// M-Pesa Ratiba: a standing order and its callback.
$order = $d->ratibaCreate(['standing_order_name' => 'PHP rent ' . bin2hex(random_bytes(4)), 'phone' => '0708374149', 'amount' => 500,
    'frequency' => 'monthly', 'start_date' => '20300101', 'end_date' => '20301231', 'account_reference' => 'RENT-4',
    'callback_url' => "$hooksUrl/ratiba"]);
check($order['response_code'] === '200' && is_string($order['response_ref_id']), 'standing order accepted');
$body = callbackFor($hooks, $stash, '/ratiba', $order['response_ref_id']);
$ratiba = Callbacks::darajaRatibaCallback($body);
check($ratiba['status'] === 'completed' && $ratiba['result_status'] === 'OKAY' && is_string($ratiba['transaction_id'])
    && str_contains((string) $ratiba['msisdn'], '*'), 'Ratiba callback: created');
$got = $portal->callbacks()->receive(['kind' => 'daraja.ratiba_callback', 'body' => $body]);
check($got['id'] === $order['response_ref_id'] . ':' . $ratiba['transaction_id'], 'the Ratiba callback is claimed on its ids');

// Bill Manager: opt in, invoice, a payment acknowledged and reconciled, cancellations.
$optin = $d->billOptin(['email' => 'billing@shop.example', 'official_contact' => '0708374149', 'send_reminders' => true,
    'callback_url' => "$hooksUrl/bill"]);
check($optin['rescode'] === '200' && str_starts_with((string) $optin['app_key'], 'AG_'), 'Bill Manager opt-in');
check($d->billChangeOptin(['email' => 'billing@shop.example', 'official_contact' => '0708374149', 'send_reminders' => false,
    'callback_url' => "$hooksUrl/bill"])['rescode'] === '200', 'opt-in details changed');
$invoice = static fn (string $ref, int $amount): array => ['external_reference' => $ref, 'billed_full_name' => 'Jane Wanjiru',
    'billed_phone_number' => '0708374149', 'billed_period' => 'August 2030', 'invoice_name' => 'School fees',
    'due_date' => '2030-08-31', 'account_reference' => "ACC-$ref", 'amount' => $amount];
$sent = $d->billInvoice($invoice('PHP-INV-1', 800) + ['invoice_items' => [['item_name' => 'Tuition', 'amount' => 700], ['item_name' => 'Meals', 'amount' => 100]]]);
check($sent['rescode'] === '200' && $sent['status_message'] === 'Invoice sent successfully', 'an invoice sent');
$receipt = sandbox('POST', '/_sandbox/daraja/billmanager/pay', ['externalReference' => 'PHP-INV-1'])['transactionId'];
$body = callbackFor($hooks, $stash, '/bill', $receipt);
$payment = Callbacks::darajaBillPayment($body);
check($payment['transaction_id'] === $receipt && $payment['paid_amount'] === 800.0 && $payment['account_reference'] === 'ACC-PHP-INV-1',
    'the payment notification parsed: ' . json_encode($payment));
check($portal->callbacks()->receive(['kind' => 'daraja.bill_payment', 'body' => $body])['id'] === $receipt, 'claimed on its receipt');
$reconciled = $d->billReconciliation(['payment_date' => $payment['date_created'], 'paid_amount' => 800,
    'account_reference' => $payment['account_reference'], 'transaction_id' => $receipt, 'phone_number' => $payment['msisdn'],
    'full_name' => 'Jane Wanjiru', 'invoice_name' => 'School fees', 'external_reference' => 'PHP-INV-1']);
check($reconciled['rescode'] === '200', 'the payment acknowledged (reconciliation)');
$e = expectThrows(ApiException::class, fn () => $d->billCancelInvoice(['external_reference' => 'PHP-INV-1']));
check($e->providerCode === '409' && $e->fate === 'refused', 'a paid invoice cannot be cancelled');
$bulk = $d->billInvoices(['invoices' => [$invoice('PHP-INV-2', 50), $invoice('PHP-INV-3', 60)]]);
check($bulk['all_accepted'] === true && $bulk['accepted'] === 2 && $bulk['chunks'][0]['outcome'] === 'accepted', 'a list of invoices sent');
check($d->billCancelInvoice(['external_reference' => 'PHP-INV-2'])['rescode'] === '200', 'an unpaid invoice cancelled');
$partial = $d->billCancelInvoices(['invoices' => [['external_reference' => 'PHP-INV-1'], ['external_reference' => 'PHP-INV-3']]]);
check($partial['rescode'] === '409' && array_column($partial['errors'], 'external_reference') === ['PHP-INV-1'], 'bulk cancellation names the paid invoice');

// The reconciler settles a push whose callback the application never processed.
$push = $d->stkPush(['phone' => '0708374149', 'amount' => 12, 'account_reference' => 'PRECON']);
callbackFor($hooks, $stash, '/stk', $push['checkout_request_id']);
$report = $portal->journal()->reconcile(['older_than_ms' => 0, 'c2b' => false, 'max_queries_per_second' => 50,
    'result_url' => 'http://127.0.0.1:9/result']);
check($report['errors'] === 0 && is_int($report['examined']) && is_int($report['took_ms']), 'reconcile report: ' . json_encode($report));
$mine = array_values(array_filter($report['payments'], fn (array $p) => $p['id'] === $push['checkout_request_id']));
check(count($mine) === 1 && $mine[0]['action'] === 'resolved' && $mine[0]['old_status'] === 'pending'
    && $mine[0]['new_status'] === 'completed' && $mine[0]['outcome']['source'] === 'query', 'the push was settled by a query');
fclose($hooks);

// The portal callbacks and the utility.
$x = Callbacks::darajaB2bExpressCallback('{"resultCode":"0","resultDesc":"ok","amount":"71.0","requestId":"r-1","resultType":"0","conversationID":"AG_1","transactionId":"RDQ01NFT1Q","status":"SUCCESS"}');
check($x['transaction_id'] === 'RDQ01NFT1Q' && $x['request_id'] === 'r-1' && $x['conversation_id'] === 'AG_1', 'daraja.b2b_express_callback parsed');
$r = Callbacks::darajaRatibaCallback('{"ResponseHeader":{"responseRefID":"ref-1","requestRefID":"sto-1","responseCode":"0","responseDescription":"ok"},"responseBody":{"ResponseData":[{"Name":"TransactionID","value":"SC8F2IQMH5"},{"Name":"Status","value":"OKAY"}]}}');
check($r['transaction_id'] === 'SC8F2IQMH5' && $r['request_ref_id'] === 'sto-1' && $r['data'][0] === ['key' => 'TransactionID', 'value' => 'SC8F2IQMH5'], 'daraja.ratiba_callback parsed');
$b = Callbacks::darajaBillPayment('{"transactionId":"TQ4K7XG2MB","paidAmount":"800","msisdn":"254708374149","dateCreated":"2024-06-23","accountReference":"ACC-1","shortCode":"174379"}');
$want = ['transaction_id' => 'TQ4K7XG2MB', 'paid_amount' => 800.0, 'msisdn' => '254708374149', 'date_created' => '2024-06-23',
    'account_reference' => 'ACC-1', 'short_code' => '174379'];
ksort($b);
ksort($want);
check($b === $want, 'daraja.bill_payment parsed: ' . json_encode($b));
expectThrows(InvalidCallbackException::class, fn () => Callbacks::darajaB2bExpressCallback('{"resultCode":"0","requestId":"r"}'));
expectThrows(InvalidCallbackException::class, fn () => Callbacks::darajaRatibaCallback('{}'));
expectThrows(InvalidCallbackException::class, fn () => Callbacks::darajaBillPayment('{"transactionId":"T1"}'));
check(Utils::darajaBillPaymentAck() === ['rescode' => '200', 'resmsg' => 'Success'], 'the Bill Manager acknowledgement');

// Bad input: refused before anything is sent, naming the field.
$before = sandbox('GET', '/_sandbox/stats')['requests'];
$cb = 'https://shop.example/cb';
foreach ([
    'amount' => fn () => $d->b2cTopup(['party_b' => '600981', 'amount' => 0, 'account_reference' => 'R', 'remarks' => 'Top-up']),
    'party_b' => fn () => $d->b2cTopup(['amount' => 10, 'account_reference' => 'R', 'remarks' => 'Top-up']),
    'command_id' => fn () => $d->b2cTopup(['party_b' => '600981', 'amount' => 10, 'account_reference' => 'R', 'remarks' => 'Top-up', 'command_id' => 'pay_all']),
    'phone' => fn () => $d->b2pochi(['phone' => '12345', 'amount' => 100, 'remarks' => 'Pochi']),
    'account_reference' => fn () => $d->remitTax(['amount' => 100, 'account_reference' => str_repeat('P', 21), 'remarks' => 'VAT']),
    'primary_short_code' => fn () => $d->b2bExpressCheckout(['primary_short_code' => 'till', 'amount' => 10, 'payment_ref' => 'P', 'callback_url' => $cb, 'partner_name' => 'T']),
    'nominated_number' => fn () => $d->pullRegister(['nominated_number' => '07', 'callback_url' => $cb]),
    'max_pages' => fn () => $d->pullTransactions(['max_pages' => 0]),
    'frequency' => fn () => $d->ratibaCreate(['standing_order_name' => 'n', 'phone' => '0708374149', 'amount' => 1, 'frequency' => 'hourly',
        'start_date' => '20300101', 'end_date' => '20300101', 'account_reference' => 'a', 'callback_url' => $cb]),
    'email' => fn () => $d->billOptin(['email' => 'billing', 'official_contact' => '0708374149', 'send_reminders' => true, 'callback_url' => $cb]),
    'due_date' => fn () => $d->billInvoice(['due_date' => '2030-02-30'] + $invoice('BAD-1', 10)),
    'invoices[1].external_reference' => fn () => $d->billInvoices(['invoices' => [$invoice('BAD-1', 10), $invoice('BAD-1', 10)]]),
    'invoices[0].external_reference' => fn () => $d->billCancelInvoices(['invoices' => [['external_reference' => ' ']]]),
    'phone_number' => fn () => $d->billReconciliation(['payment_date' => '2030-08-01', 'paid_amount' => 100, 'account_reference' => 'A',
        'transaction_id' => 'T', 'phone_number' => '12', 'full_name' => 'J', 'invoice_name' => 'F', 'external_reference' => 'I']),
    'max_queries_per_second' => fn () => $portal->journal()->reconcile(['older_than_ms' => 0, 'max_queries_per_second' => 0]),
] as $field => $call) {
    $e = expectThrows(InvalidInputException::class, $call);
    check($e->field === $field && $e->fate === 'not_sent' && $e->recovery === null, "bad $field refused: {$e->field} " . $e->getMessage());
}
check(sandbox('GET', '/_sandbox/stats')['requests'] === $before, 'no bad input reached the sandbox');
unset($portal, $d);

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
