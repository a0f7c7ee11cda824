--TEST--
Daraja: c2bRegisterUrls, c2bSimulate, validation and confirmation callbacks
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$receiver = new Receiver();
$tuma = new Tuma\Client(config());
$reg = $tuma->daraja()->c2bRegisterUrls(['confirmation_url' => "$receiver->url/confirmation", 'validation_url' => "$receiver->url/validation", 'shortcode' => '600981']);
check($reg['response_code'] === '0', 'URLs registered');
$sim = $tuma->daraja()->c2bSimulate(['phone' => '254708374149', 'amount' => 100, 'bill_ref_number' => 'INV-9', 'shortcode' => '600981']);
check($sim['response_code'] === '0', 'payment simulated');
$validation = $receiver->next(Tuma\Utils::darajaC2BAccept(['third_party_trans_id' => 'tp-1']));
check($validation['path'] === '/validation', 'validation first');
$v = Tuma\Callbacks::darajaC2BValidation($validation['body']);
$confirmation = $receiver->next(Tuma\Utils::darajaC2BConfirmationAck());
$c = Tuma\Callbacks::darajaC2BConfirmation($confirmation['body']);
check($v['trans_amount'] === 100.0 && $c['trans_amount'] === 100.0, 'amounts');
check($c['bill_ref_number'] === 'INV-9' && $c['third_party_trans_id'] === 'tp-1', 'confirmation carries our validation reply', $c);
?>
--EXPECT--
ok - URLs registered
ok - payment simulated
ok - validation first
ok - amounts
ok - confirmation carries our validation reply
