--TEST--
NetworkException: nothing listens
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$server = stream_socket_server('tcp://127.0.0.1:0');
$port = parse_url('tcp://' . stream_socket_get_name($server, false), PHP_URL_PORT);
fclose($server); // a port where nothing listens now
$down = new Tuma\Client(['statum' => ['consumer_key' => 'k', 'consumer_secret' => 's', 'base_url' => "http://127.0.0.1:$port/"], 'http' => ['max_retries' => 0]]);
$e = throws(Tuma\NetworkException::class, fn () => $down->statum()->sendSms(['sender_id' => 'TUMA', 'phone' => '0712345678', 'message' => 'x']));
check($e !== null && $e->kind === 'network' && $e->getCode() === 300, 'network error');
check($e?->outcomeUnknown === false && $e->fate === 'not_sent', 'refused connection: not sent');
$tuma = new Tuma\Client(config());
fault('/statum/api/v2/airtime', 'close_after');
$e = throws(Tuma\Exception::class, fn () => $tuma->statum()->airtime(['phone' => '0712345678', 'amount' => 10]));
check($e !== null && $e->outcomeUnknown === true && $e->fate === 'unknown', 'closed after processing: outcome unknown', $e ? [get_class($e), $e->getMessage()] : null);
check(($e?->recovery['operation'] ?? null) === 'statum.airtime' && $e->recovery['phone'] === '254712345678' && $e->recovery['amount'] === 10, 'the airtime to recover', $e?->recovery);
?>
--EXPECT--
ok - network error
ok - refused connection: not sent
ok - closed after processing: outcome unknown
ok - the airtime to recover
