--TEST--
Callbacks: the UMS Pay webhook
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$w = Tuma\Callbacks::umspayWebhook('{"ResponseCode":0,"ResponseDescription":"The service request is processed successfully.","MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_191220191020363925","TransactionID":"UMSPID0912202313221297248","TransactionAmount":1,"TransactionReceipt":"NLJ7RT61SV","TransactionDate":"20231209132212","TransactionReference":"INV-1","Msisdn":"254712345678"}');
check(str_contains(json_encode($w), 'UMSPID0912202313221297248') && str_contains(json_encode($w), 'NLJ7RT61SV'), 'umspay.webhook', $w);
?>
--EXPECT--
ok - umspay.webhook
