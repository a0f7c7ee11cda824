--TEST--
StoreException: the Redis store does not answer
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$server = stream_socket_server('tcp://127.0.0.1:0');
$port = parse_url('tcp://' . stream_socket_get_name($server, false), PHP_URL_PORT);
fclose($server);
$tuma = new Tuma\Client(config() + ['store' => ['url' => "redis://127.0.0.1:$port/", 'timeout_ms' => 300]]);
$e = throws(Tuma\StoreException::class, fn () => $tuma->callbacks()->firstTime(['id' => 'x']));
check($e !== null && $e->kind === 'store' && $e->getCode() === 302, 'store unavailable', $e?->getMessage());
?>
--EXPECT--
ok - store unavailable
