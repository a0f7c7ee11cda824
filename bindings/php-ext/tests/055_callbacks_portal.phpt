--TEST--
Callbacks: B2B Express Checkout, Ratiba (keys in any case) and Bill Manager payments; the acknowledgement
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$x = Tuma\Callbacks::darajaB2bExpressCallback('{"resultCode":"0","resultDesc":"The service request is processed successfully.","amount":"71.0","requestId":"404e1aec-19e0-4ce3-973d-bd92e94c8021","resultType":"0","conversationID":"AG_20230426_2010434680d9f5a73766","transactionId":"RDQ01NFT1Q","status":"SUCCESS"}');
check($x['transaction_id'] === 'RDQ01NFT1Q' && $x['amount'] === 71.0 && $x['status'] === 'completed' && $x['status_text'] === 'SUCCESS'
    && $x['conversation_id'] === 'AG_20230426_2010434680d9f5a73766' && $x['payment_reference'] === null, 'daraja.b2b_express_callback: paid', $x);
$c = Tuma\Callbacks::darajaB2bExpressCallback('{"resultCode":4001,"resultDesc":"User cancelled transaction","requestId":"c8e3b0ea","amount":"71.0","paymentReference":"MAndbubry3hi"}');
check($c['status'] === 'cancelled' && $c['result_code'] === '4001' && $c['payment_reference'] === 'MAndbubry3hi', 'daraja.b2b_express_callback: cancelled', $c);
$r = Tuma\Callbacks::darajaRatibaCallback('{"ResponseHeader":{"responseRefID":"4dd9b5d9-d738-42ba-9326-2cc99e966000","requestRefID":"sto-1","responseCode":"0","responseDescription":"The service request is processed successfully"},"responseBody":{"ResponseData":[{"Name":"TransactionID","value":"SC8F2IQMH5"},{"Name":"responseCode","value":"0"},{"Name":"Status","value":"OKAY"},{"Name":"Msisdn","value":"254******149"}]}}');
check($r['response_ref_id'] === '4dd9b5d9-d738-42ba-9326-2cc99e966000' && $r['request_ref_id'] === 'sto-1' && $r['transaction_id'] === 'SC8F2IQMH5'
    && $r['result_status'] === 'OKAY' && $r['msisdn'] === '254******149' && $r['status'] === 'completed', 'daraja.ratiba_callback', $r);
check(count($r['data']) === 4 && $r['data'][0]['key'] === 'TransactionID' && $r['data'][0]['value'] === 'SC8F2IQMH5', 'its name/value pairs', $r['data']);
$b = Tuma\Callbacks::darajaBillPayment('{"transactionId":"TQ4K7XG2MB","paidAmount":"800","msisdn":"254708374149","dateCreated":"2024-06-23","accountReference":"ACC-1","shortCode":"174379"}');
check($b['transaction_id'] === 'TQ4K7XG2MB' && $b['paid_amount'] === 800.0 && $b['msisdn'] === '254708374149' && $b['date_created'] === '2024-06-23'
    && $b['account_reference'] === 'ACC-1' && $b['short_code'] === '174379', 'daraja.bill_payment', $b);
check(Tuma\Callbacks::parse('daraja.bill_payment', '{"transactionId":"T1","paidAmount":5}') == ['transaction_id' => 'T1', 'paid_amount' => 5.0,
    'msisdn' => '', 'date_created' => '', 'account_reference' => '', 'short_code' => ''], 'the generic parser');
foreach ([
    ['daraja.b2b_express_callback', '{"resultCode":"0","requestId":"r"}'],
    ['daraja.ratiba_callback', '{}'],
    ['daraja.bill_payment', '{"transactionId":"T1"}'],
    ['daraja.bill_payment', 'not json'],
] as [$kind, $body]) {
    $e = throws(Tuma\InvalidCallbackException::class, fn () => Tuma\Callbacks::parse($kind, $body));
    check($e?->provider === 'daraja' && $e->fate === 'not_sent', "$kind refuses $body", $e?->getMessage());
}
check(Tuma\Utils::darajaBillPaymentAck() === ['rescode' => '200', 'resmsg' => 'Success'], 'Utils::darajaBillPaymentAck');
check(Tuma\Utils::run('daraja.bill_payment_ack', []) === ['rescode' => '200', 'resmsg' => 'Success'], 'Utils::run');
?>
--EXPECT--
ok - daraja.b2b_express_callback: paid
ok - daraja.b2b_express_callback: cancelled
ok - daraja.ratiba_callback
ok - its name/value pairs
ok - daraja.bill_payment
ok - the generic parser
ok - daraja.b2b_express_callback refuses {"resultCode":"0","requestId":"r"}
ok - daraja.ratiba_callback refuses {}
ok - daraja.bill_payment refuses {"transactionId":"T1"}
ok - daraja.bill_payment refuses not json
ok - Utils::darajaBillPaymentAck
ok - Utils::run
