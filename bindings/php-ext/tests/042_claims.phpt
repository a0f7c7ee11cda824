--TEST--
callback claims: claimed, in progress, released, claimed again, completed, done; the lease
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$inbox = $tuma->callbacks();
$req = ['kind' => 'statum.result', 'body' => '{"request_id":"PHPEXT-CLAIM-1","result_code":"200","result_desc":"Delivered"}'];
$first = $inbox->receive($req);
check($first['status'] === 'claimed' && $first['first_time'] === true && is_string($first['claim']), 'claimed', $first);
$busy = $inbox->receive($req);
check($busy['status'] === 'in_progress' && $busy['first_time'] === false && $busy['claim'] === null, 'a redelivery meanwhile: in progress', $busy);
check($inbox->release(['claim' => $first['claim']]) === ['released' => true], 'processing failed: released');
check($inbox->release(['claim' => $first['claim']]) === ['released' => false], 'released once');
$retry = $inbox->receive($req);
check($retry['status'] === 'claimed' && $retry['claim'] !== $first['claim'], 'the redelivery after a release is claimed again', $retry);
check($inbox->complete(['claim' => $retry['claim']]) === ['completed' => true, 'lease_held' => true], 'processed: completed');
$done = $inbox->receive($req);
check($done['status'] === 'done' && $done['first_time'] === false && $done['claim'] === null, 'a redelivery after completion: done', $done);
check($done['callback']['request_id'] === 'PHPEXT-CLAIM-1', 'still parsed');
// A worker that dies holding a claim loses it once the lease is over.
$short = new Tuma\Client(config(['store' => ['url' => 'memory', 'callback_lease_ms' => 1000]]));
$lease = ['kind' => 'statum.result', 'body' => '{"request_id":"PHPEXT-LEASE-1","result_code":"200","result_desc":"Delivered"}'];
$dead = $short->callbacks()->receive($lease);
check($short->callbacks()->receive($lease)['status'] === 'in_progress', 'held during the lease');
usleep(1_200_000);
$taken = $short->callbacks()->receive($lease);
check($taken['status'] === 'claimed', 'taken over after the lease', $taken);
check($short->callbacks()->complete(['claim' => $dead['claim']]) === ['completed' => true, 'lease_held' => false], 'the late worker learns its lease had lapsed');
// Claims libtuma did not hand out.
$e = throws(Tuma\InvalidInputException::class, fn () => $inbox->complete(['claim' => 'forged']));
check($e?->field === 'claim', 'a forged claim names the field');
$e = throws(Tuma\InvalidInputException::class, fn () => $inbox->release());
check($e?->field === 'claim', 'a missing claim names the field');
?>
--EXPECT--
ok - claimed
ok - a redelivery meanwhile: in progress
ok - processing failed: released
ok - released once
ok - the redelivery after a release is claimed again
ok - processed: completed
ok - a redelivery after completion: done
ok - still parsed
ok - held during the lease
ok - taken over after the lease
ok - the late worker learns its lease had lapsed
ok - a forged claim names the field
ok - a missing claim names the field
