<?php

// The extension and the FFI wrapper side by side, calls/s from PHP against the sandbox:
//   TUMA_SANDBOX_URL=... TUMA_EXT=.../tuma.so TUMA_LIB=.../libtuma.so php -n bench/compare.php
// (or `make bench-php-ext`). Each binding runs the same workload in its own PHP process
// (both define the Tuma\ classes, so they cannot share one).

declare(strict_types=1);

const WORKLOAD = [
    // name => [iterations, description]
    'phoneNormalize' => [2000, 'Tuma\Utils::phoneNormalize'],
    'parse' => [2000, 'Tuma\Callbacks::darajaStkCallback'],
    'accountDetails' => [500, '$client->statum()->accountDetails() (HTTP to the sandbox)'],
    'newClient' => [500, 'new Tuma\Client($config) (one per request)'],
];

$mode = $argv[1] ?? 'compare';

if ($mode === 'compare') {
    $ext = (string) getenv('TUMA_EXT');
    $lib = (string) getenv('TUMA_LIB');
    $runs = [
        'extension' => [PHP_BINARY, '-n', '-d', "extension=$ext", __FILE__, 'run'],
        'FFI wrapper' => [PHP_BINARY, '-n', '-d', 'extension=ffi', '-d', 'ffi.enable=1', __FILE__, 'run', 'ffi'],
    ];
    // Three alternating rounds; the best of each (the machine may be busy).
    $results = [];
    for ($round = 0; $round < 3; $round++) {
        foreach ($runs as $name => $cmd) {
            $out = shell_exec(implode(' ', array_map('escapeshellarg', $cmd)));
            $one = json_decode((string) $out, true) ?? exit("$name failed: $out\n");
            foreach ($one as $key => $value) {
                $better = $key === 'first_call_ms' ? min(...) : max(...);
                $results[$name][$key] = isset($results[$name][$key]) ? $better($results[$name][$key], $value) : $value;
            }
        }
    }
    printf("%-62s %14s %14s %7s\n", 'calls/s, best of 3 (PHP ' . PHP_VERSION . ', debug libtuma)', 'extension', 'FFI wrapper', 'ratio');
    foreach (WORKLOAD as $key => [$n, $what]) {
        $e = $results['extension'][$key];
        $f = $results['FFI wrapper'][$key];
        printf("%-62s %14s %14s %6.2fx\n", "$what x$n", number_format($e), number_format($f), $e / $f);
    }
    printf("%-62s %11.2f ms %11.2f ms\n", 'first call in a fresh process (load + first phoneNormalize)',
        $results['extension']['first_call_ms'], $results['FFI wrapper']['first_call_ms']);
    exit(0);
}

// One binding's run.
$t0 = hrtime(true);
if (($argv[2] ?? '') === 'ffi') {
    require dirname(__DIR__, 2) . '/php/src/autoload.php';
    if (extension_loaded('tuma')) {
        exit("the extension must not be loaded for the FFI run\n");
    }
}
Tuma\Utils::phoneNormalize(['phone' => '0712345678']);
$firstCallMs = (hrtime(true) - $t0) / 1e6;

$base = rtrim((string) getenv('TUMA_SANDBOX_URL'), '/');
$config = ['statum' => [
    'consumer_key' => 'sandbox-statum-key',
    'consumer_secret' => 'sandbox-statum-secret',
    'base_url' => "$base/statum/api/v2",
]];
$client = new Tuma\Client($config);
$stk = '{"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_191220191020363925","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1.00},{"Name":"MpesaReceiptNumber","Value":"NLJ7RT61SV"},{"Name":"TransactionDate","Value":20191219102115},{"Name":"PhoneNumber","Value":254708374149}]}}}}';

$bodies = [
    'phoneNormalize' => static fn () => Tuma\Utils::phoneNormalize(['phone' => '0712 345 678']),
    'parse' => static fn () => Tuma\Callbacks::darajaStkCallback($stk),
    'accountDetails' => static fn () => $client->statum()->accountDetails(),
    'newClient' => static fn () => new Tuma\Client($config),
];
$out = ['first_call_ms' => $firstCallMs];
foreach (WORKLOAD as $key => [$n]) {
    $fn = $bodies[$key];
    $fn(); // warm up
    $start = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        $fn();
    }
    $out[$key] = $n / ((hrtime(true) - $start) / 1e9);
}
echo json_encode($out);
