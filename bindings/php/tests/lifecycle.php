<?php

// The FFI wrapper's ownership of libtuma handles, under valgrind (`make test-php` runs it
// with USE_ZEND_ALLOC=0 against the sandbox): a refused clone, __clone reached through
// reflection, __destruct called by hand, a second constructor call, and a client used on
// both sides of pcntl_fork(). No invalid free, no leak. run.php checks the same plainly.

declare(strict_types=1);

require __DIR__ . '/../src/autoload.php';

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

$base = getenv('TUMA_SANDBOX_URL');
check(is_string($base) && $base !== '', 'TUMA_SANDBOX_URL is set');
$config = ['statum' => ['consumer_key' => 'sandbox-statum-key', 'consumer_secret' => 'sandbox-statum-secret',
    'base_url' => "$base/statum/api/v2"]];
$redis = getenv('TUMA_TEST_REDIS_URL');
if ($redis) {
    $config['store'] = ['url' => $redis];
}
$client = new Tuma\Client($config);
check($client->statum()->accountDetails()['status_code'] === 200, 'a call');

$thrown = null;
try {
    $copy = clone $client;
} catch (Error $thrown) {
}
check($thrown !== null && !isset($copy), 'clone is refused');
$thrown = null;
try {
    (new ReflectionMethod(Tuma\Client::class, '__clone'))->invoke($client);
} catch (Error $thrown) {
}
check($thrown !== null, '__clone throws when reached through reflection');
$thrown = null;
try {
    $client->__construct($config);
} catch (Error $thrown) {
}
check($thrown !== null, 'the constructor does not run twice');
check($client->statum()->accountDetails()['status_code'] === 200, 'the client works on');

$pid = pcntl_fork();
check($pid >= 0, 'pcntl_fork');
if ($pid === 0) {
    $ok = $client->statum()->accountDetails()['status_code'] === 200
        && (!$redis || $client->callbacks()->firstTime(['id' => 'lifecycle-' . getmypid()])['first_time'] === true);
    exit($ok ? 0 : 3);
}
$ok = $client->statum()->accountDetails()['status_code'] === 200;
check(pcntl_waitpid($pid, $status) === $pid && pcntl_wifexited($status) && pcntl_wexitstatus($status) === 0,
    "the child's call succeeded (status $status)");
check($ok && $client->statum()->accountDetails()['status_code'] === 200, "the parent's calls succeeded");

$client->__destruct();
$client->__destruct();
$thrown = null;
try {
    $client->statum()->accountDetails();
} catch (Error $thrown) {
}
check($thrown !== null, 'a destroyed client refuses calls');
unset($client);

echo "bindings/php/tests/lifecycle.php: $checks checks passed\n";
