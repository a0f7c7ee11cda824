<?php
// Smoke test of the tuma extension built from the PECL package: run as
//   php -n -d extension=/path/to/tuma.so tests/dist/smoke.php
// with TUMA_SANDBOX_URL set to a running tuma-sandbox (tests/c/run.sh does that) and
// TUMA_EXPECTED_VERSION to the version the package should report.

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
        echo "FAILED - $what", $detail === null ? '' : ': ' . var_export($detail, true), "\n";
    }
}

$base = rtrim((string) getenv('TUMA_SANDBOX_URL'), '/');
check(extension_loaded('tuma'), 'the extension is loaded');
$expected = getenv('TUMA_EXPECTED_VERSION');
if (is_string($expected) && $expected !== '') {
    check(phpversion('tuma') === $expected && Tuma\Client::version() === $expected, "version $expected", phpversion('tuma'));
}
ob_start();
phpinfo(INFO_MODULES);
check(str_contains((string) ob_get_clean(), 'libtuma linking => static'), 'libtuma is linked statically');

$tuma = new Tuma\Client([
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
        'callback_url' => 'http://127.0.0.1:9/stk',
    ],
    'http' => ['max_retries' => 0],
]);
$sms = $tuma->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '0712 345 678', 'message' => 'Habari from PECL']);
check($sms['status_code'] === 200 && strlen($sms['request_id']) === 32, 'statum sendSms is accepted', $sms);
$push = $tuma->daraja()->stkPush(['phone' => '0708374149', 'amount' => 10, 'account_reference' => 'DIST-PHP']);
check(str_starts_with($push['checkout_request_id'], 'ws_CO_'), 'daraja stkPush gives a checkout request id', $push);
try {
    Tuma\Utils::phoneNormalize(['phone' => '0812']);
    check(false, 'a bad phone number is refused');
} catch (Tuma\InvalidInputException $e) {
    check($e->field === 'phone' && $e->fate === 'not_sent', 'a bad phone number is a Tuma\InvalidInputException', [$e->field, $e->fate]);
}
try {
    Tuma\Callbacks::statumResult('{not json');
    check(false, 'a malformed callback is refused');
} catch (Tuma\InvalidCallbackException $e) {
    check(true, 'a malformed callback body is a Tuma\InvalidCallbackException');
}
echo "php: $passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
