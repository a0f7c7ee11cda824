--TEST--
Callbacks: every Daraja kind
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$stk = Tuma\Callbacks::darajaStkCallback('{"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_191220191020363925","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1.00},{"Name":"MpesaReceiptNumber","Value":"NLJ7RT61SV"},{"Name":"TransactionDate","Value":20191219102115},{"Name":"PhoneNumber","Value":254708374149}]}}}}');
check($stk['mpesa_receipt_number'] === 'NLJ7RT61SV' && $stk['phone_number'] === '254708374149', 'daraja.stk_callback', $stk);
$cancel = Tuma\Callbacks::darajaStkCallback('{"Body":{"stkCallback":{"MerchantRequestID":"1","CheckoutRequestID":"ws_CO_2","ResultCode":1032,"ResultDesc":"Request cancelled by user"}}}');
check($cancel['result_code'] === '1032' && $cancel['mpesa_receipt_number'] === null, 'a cancelled push', $cancel);
$res = Tuma\Callbacks::darajaResult('{"Result":{"ResultType":0,"ResultCode":0,"ResultDesc":"ok","OriginatorConversationID":"10571-7910404-1","ConversationID":"AG_20191219_00004e48cf7e3533f581","TransactionID":"NLJ41HAY6Q","ResultParameters":{"ResultParameter":[{"Key":"TransactionAmount","Value":10}]},"ReferenceData":{"ReferenceItem":{"Key":"QueueTimeoutURL","Value":"https://example.com/timeout"}}}}');
check($res['transaction_id'] === 'NLJ41HAY6Q' && $res['conversation_id'] === 'AG_20191219_00004e48cf7e3533f581', 'daraja.result', $res);
$c2b = '{"TransactionType":"Pay Bill","TransID":"RKTQDM7W6S","TransTime":"20191122063845","TransAmount":"10","BusinessShortCode":"600638","BillRefNumber":"invoice008","InvoiceNumber":"","OrgAccountBalance":"","ThirdPartyTransID":"","MSISDN":"25470****149","FirstName":"John","MiddleName":"","LastName":"Doe"}';
$v = Tuma\Callbacks::darajaC2BValidation($c2b);
check($v['trans_id'] === 'RKTQDM7W6S' && $v['trans_amount'] === 10.0, 'daraja.c2b_validation', $v);
$c = Tuma\Callbacks::darajaC2BConfirmation($c2b);
check($c['bill_ref_number'] === 'invoice008', 'daraja.c2b_confirmation', $c);
$q = Tuma\Callbacks::darajaQueueTimeout('{"Result":{"OriginatorConversationID":"10571-7910404-1","ConversationID":"AG_20191219_000041b09c8b1e7e7d27"}}');
check(str_contains(json_encode($q), 'AG_20191219_000041b09c8b1e7e7d27'), 'daraja.queue_timeout', $q);
?>
--EXPECT--
ok - daraja.stk_callback
ok - a cancelled push
ok - daraja.result
ok - daraja.c2b_validation
ok - daraja.c2b_confirmation
ok - daraja.queue_timeout
