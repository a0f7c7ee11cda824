--TEST--
callbacks()->receive and firstTime: a redelivery is recognised
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$body = '{"request_id":"PHPEXT-R1","result_code":"200","result_desc":"Delivered"}';
$first = $tuma->callbacks()->receive(['kind' => 'statum.result', 'body' => $body]);
check($first['first_time'] === true && $first['status'] === 'claimed' && $first['callback']['request_id'] === 'PHPEXT-R1', 'first delivery', $first);
check(is_string($first['id']) && $first['id'] !== '' && is_string($first['claim']), 'an id and a claim for the callback');
$tuma->callbacks()->complete(['claim' => $first['claim']]);
$again = (new Tuma\Client(config()))->callbacks()->receive(['kind' => 'statum.result', 'body' => $body]);
check($again['first_time'] === false && $again['status'] === 'done' && $again['id'] === $first['id'], 'a redelivery, seen by another client of the process');
$id = 'phpext-' . bin2hex(random_bytes(4));
check($tuma->callbacks()->firstTime(['id' => $id]) === ['first_time' => true], 'firstTime: new id');
check($tuma->callbacks()->firstTime(['id' => $id]) === ['first_time' => false], 'firstTime: seen id');
$e = throws(Tuma\InvalidCallbackException::class, fn () => $tuma->callbacks()->receive(['kind' => 'statum.result', 'body' => 'junk']));
check($e !== null, 'a junk body is refused');
?>
--EXPECT--
ok - first delivery
ok - an id and a claim for the callback
ok - a redelivery, seen by another client of the process
ok - firstTime: new id
ok - firstTime: seen id
ok - a junk body is refused
