--TEST--
fork(): a client used before pcntl_fork() goes on in the child and the parent at once, every answer right
--SKIPIF--
<?php
if (!function_exists('pcntl_fork')) {
    die('skip the pcntl extension is not in this PHP');
}
?>
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
// The child gets its own connections (libtuma checks the pid); with TUMA_TEST_REDIS_URL
// (mk/php-ext.mk starts a redis-server) the Redis store's connections too.
$redis = getenv('TUMA_TEST_REDIS_URL');
$tuma = new Tuma\Client(config($redis ? ['store' => ['url' => $redis]] : []));
function round_of_calls(Tuma\Client $c, string $who): int
{
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
                $id = 'phpt-fork-' . getmypid() . "-$who-$i";
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
}
check(round_of_calls($tuma, 'before') === 0, 'calls before the fork (pooled connections)');
$pid = pcntl_fork();
if ($pid === 0) {
    exit(round_of_calls($tuma, 'child') === 0 ? 0 : 3);
}
check($pid > 0, 'forked');
$bad = round_of_calls($tuma, 'parent');
pcntl_waitpid($pid, $status);
check(pcntl_wifexited($status) && pcntl_wexitstatus($status) === 0, 'the child exits 0: its calls succeeded', $status);
check($bad === 0, 'the parent\'s calls succeeded while the child ran');
check(round_of_calls($tuma, 'after') === 0, 'the parent\'s connections still work after the child left');
?>
--EXPECT--
ok - calls before the fork (pooled connections)
ok - forked
ok - the child exits 0: its calls succeeded
ok - the parent's calls succeeded while the child ran
ok - the parent's connections still work after the child left
