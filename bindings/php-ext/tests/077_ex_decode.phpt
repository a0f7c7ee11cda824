--TEST--
DecodeException: an answer that is not what the provider sends
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
fault('/statum/api/v2/account-details', 'truncated');
$e = throws(Tuma\DecodeException::class, fn () => $tuma->statum()->accountDetails());
check($e !== null && $e->kind === 'decode' && $e->getCode() === 203 && $e->provider === 'statum', 'truncated JSON', $e ? [$e->kind, $e->getMessage()] : null);
?>
--EXPECT--
ok - truncated JSON
