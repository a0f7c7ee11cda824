--TEST--
Daraja: dynamicQr
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$qr = $tuma->daraja()->dynamicQr(['merchant_name' => 'Tuma Shop', 'ref_no' => 'INV-1', 'amount' => 50, 'trx_code' => 'BG', 'cpi' => '174379']);
check(str_starts_with((string) base64_decode($qr['qr_code'], true), "\x89PNG"), 'a PNG QR code');
?>
--EXPECT--
ok - a PNG QR code
