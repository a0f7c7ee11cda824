--TEST--
Daraja portal APIs: B2C top-up, Pochi, tax, B2B Express Checkout, Pull Transactions, Ratiba
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$receiver = new Receiver();
$tuma = new Tuma\Client(config(['daraja' => ['result_url' => "$receiver->url/result", 'callback_url' => "$receiver->url/stk"]]));
$d = $tuma->daraja();

// B2C top-up, Pochi and tax, with their results.
$up = $d->b2cTopup(['party_b' => '600981', 'amount' => 1000, 'account_reference' => 'XTOPUP1', 'remarks' => 'Float top-up']);
check($up['response_code'] === '0' && str_starts_with($up['conversation_id'], 'AG_'), 'b2cTopup accepted', $up);
$result = Tuma\Callbacks::darajaResult($receiver->waitFor('/result', $up['conversation_id'])['body']);
check($result['status'] === 'completed' && $result['details']['kind'] === 'b2b' && $result['details']['bill_reference_number'] === 'XTOPUP1'
    && $result['details']['amount'] === 1000.0, 'the top-up result is B2B-shaped', $result);
$pochi = $d->b2pochi(['phone' => '0708 374 149', 'amount' => 150, 'remarks' => 'Pochi payout', 'shortcode' => '600981']);
check($pochi['response_code'] === '0' && strlen($pochi['originator_conversation_id']) === 36, 'b2pochi accepted', $pochi);
$result = Tuma\Callbacks::darajaResult($receiver->waitFor('/result', $pochi['originator_conversation_id'])['body']);
check($result['details']['kind'] === 'b2c' && $result['details']['transaction_amount'] === 150.0, 'the Pochi result is B2C-shaped', $result);
$e = throws(Tuma\ApiException::class, fn () => $d->b2pochi(['phone' => '0708374149', 'amount' => 150, 'remarks' => 'Again',
    'shortcode' => '600981', 'originator_conversation_id' => $pochi['originator_conversation_id']]));
check($e?->fate === 'refused' && $e->providerCode === '500.002.1001'
    && $e->recovery['originator_conversation_id'] === $pochi['originator_conversation_id'], 'a repeated Pochi id is refused', $e?->recovery);
$tax = $d->remitTax(['amount' => 2500, 'account_reference' => 'XPRN0001', 'remarks' => 'VAT June']);
check($tax['response_code'] === '0', 'remitTax accepted', $tax);
$result = Tuma\Callbacks::darajaResult($receiver->waitFor('/result', $tax['conversation_id'])['body']);
check(str_contains((string) $result['details']['receiver_party_public_name'], '572572')
    && $result['details']['bill_reference_number'] === 'XPRN0001', 'the tax result names KRA and the PRN', $result['details']);
fault('remittax', 'reply=500;processed;body={"requestId":"x","errorCode":"500.001.1001","errorMessage":"Internal server error"}');
$e = throws(Tuma\ApiException::class, fn () => $d->remitTax(['amount' => 400, 'account_reference' => 'XPRNCUT', 'remarks' => 'VAT']));
check($e?->fate === 'unknown' && $e->outcomeUnknown === true && $e->recovery['operation'] === 'daraja.remit_tax'
    && $e->recovery['receiver'] === '572572' && $e->recovery['account_reference'] === 'XPRNCUT', 'tax after a 500: unknown, with its ids', $e?->recovery);
check(in_ledger('572572:400:XPRNCUT:'), 'and processed once');
fault('b2b/v1/paymentrequest', 'reply=400;body={"requestId":"x","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid Amount"}');
$e = throws(Tuma\ApiException::class, fn () => $d->b2cTopup(['party_b' => '600981', 'amount' => 300, 'account_reference' => 'XREFUSED', 'remarks' => 'Top-up']));
check($e?->fate === 'refused' && $e->recovery['amount'] === 300 && $e->recovery['receiver'] === '600981', 'a refused top-up', $e?->recovery);
check(!in_ledger(':300:XREFUSED:'), 'not processed');

// B2B Express Checkout: paid; cancelled by the operator and claimed once.
$express = $d->b2bExpressCheckout(['primary_short_code' => '600100', 'amount' => 71, 'payment_ref' => 'PO-77',
    'callback_url' => "$receiver->url/express", 'partner_name' => 'Tuma Supplies']);
check($express['code'] === '0' && $express['status'] === 'USSD Initiated Successfully' && strlen($express['request_ref_id']) === 36, 'b2bExpressCheckout initiated', $express);
$paid = Tuma\Callbacks::darajaB2bExpressCallback($receiver->waitFor('/express', $express['request_ref_id'])['body']);
check($paid['status'] === 'completed' && $paid['amount'] === 71.0 && is_string($paid['transaction_id']) && $paid['request_id'] === $express['request_ref_id'],
    'the express callback: paid', $paid);
$d->b2bExpressCheckout(['primary_short_code' => '400100', 'amount' => 50, 'payment_ref' => 'PO-9',
    'callback_url' => "$receiver->url/express", 'partner_name' => 'Tuma', 'request_ref_id' => 'x-express-cancel']);
$body = $receiver->waitFor('/express', 'x-express-cancel')['body'];
$cancelled = Tuma\Callbacks::parse('daraja.b2b_express_callback', $body);
check($cancelled['status'] === 'cancelled' && $cancelled['result_code'] === '4001' && $cancelled['payment_reference'] === 'PO-9', 'the express callback: cancelled', $cancelled);
$first = $tuma->callbacks()->receive(['kind' => 'daraja.b2b_express_callback', 'body' => $body]);
check($first['status'] === 'claimed' && $first['id'] === 'x-express-cancel', 'claimed on its requestId', $first);
$tuma->callbacks()->complete(['claim' => $first['claim']]);
check($tuma->callbacks()->receive(['kind' => 'daraja.b2b_express_callback', 'body' => $body])['status'] === 'done', 'its redelivery is done');

// Pull Transactions: registered once; every page of the payments into a shortcode.
$registration = ['shortcode' => '712345', 'nominated_number' => '0708374149', 'callback_url' => "$receiver->url/pull"];
$reg = $d->pullRegister($registration);
check($reg['response_status'] === '1000' && $reg['already_registered'] === false && $reg['short_code'] === '712345', 'pullRegister', $reg);
$again = $d->pullRegister($registration);
check($again['already_registered'] === true && $again['response_ref_id'] === $reg['response_ref_id'], 'registered again: already registered', $again);
$none = $d->pullTransactions(['shortcode' => '712345']);
check($none['complete'] === true && $none['transactions'] === [] && $none['pages'] === 1, 'nothing yet: an empty list', $none);
$d->c2bSimulate(['shortcode' => '712345', 'amount' => 10, 'phone' => '0708374149', 'bill_ref_number' => 'PULL-0']);
$d->c2bSimulate(['shortcode' => '712345', 'amount' => 11, 'phone' => '0708374149', 'bill_ref_number' => 'PULL-1']);
$deadline = microtime(true) + 20;
while (count($d->pullTransactions(['shortcode' => '712345'])['transactions']) < 2 && microtime(true) < $deadline) {
    usleep(100_000);
}
$all = $d->pullTransactions(['shortcode' => '712345', 'max_pages' => 10]);
$refs = array_column($all['transactions'], 'bill_reference');
sort($refs);
check($all['complete'] === true && $refs === ['PULL-0', 'PULL-1'], 'every payment, once', $all);
check($all['transactions'][0]['msisdn'] === '254708374149' && is_float($all['transactions'][0]['amount'])
    && $all['transactions'][0]['transaction_type'] === 'c2b-pay-bill-debit', 'a pulled payment', $all['transactions'][0]);
$past = $d->pullTransactions(['shortcode' => '712345', 'start_date' => '2020-01-01 00:00:00', 'end_date' => '2020-01-02 00:00:00']);
check($past['complete'] === true && $past['transactions'] === [], 'a period before the payments holds none', $past);

// M-Pesa Ratiba: a standing order and its callback; a cancelled one.
$order = $d->ratibaCreate(['standing_order_name' => 'X rent', 'phone' => '0708374149', 'amount' => 500, 'frequency' => 'monthly',
    'start_date' => '20300101', 'end_date' => '20301231', 'account_reference' => 'RENT-4', 'callback_url' => "$receiver->url/ratiba"]);
check($order['response_code'] === '200' && is_string($order['response_ref_id']), 'ratibaCreate accepted', $order);
$body = $receiver->waitFor('/ratiba', $order['response_ref_id'])['body'];
$ratiba = Tuma\Callbacks::darajaRatibaCallback($body);
check($ratiba['status'] === 'completed' && $ratiba['result_status'] === 'OKAY' && is_string($ratiba['transaction_id'])
    && str_contains((string) $ratiba['msisdn'], '*'), 'the Ratiba callback: created', $ratiba);
$got = $tuma->callbacks()->receive(['kind' => 'daraja.ratiba_callback', 'body' => $body]);
check($got['id'] === $order['response_ref_id'] . ':' . $ratiba['transaction_id'], 'claimed on its ids', $got);
$gym = $d->ratibaCreate(['standing_order_name' => 'X gym', 'phone' => '254700001032', 'amount' => 100, 'frequency' => 'weekly',
    'start_date' => '20300101', 'end_date' => '20300301', 'account_reference' => 'GYM', 'callback_url' => "$receiver->url/ratiba"]);
$cancelled = Tuma\Callbacks::darajaRatibaCallback($receiver->waitFor('/ratiba', $gym['response_ref_id'])['body']);
check($cancelled['status'] === 'cancelled' && $cancelled['response_code'] === '1032' && $cancelled['transaction_id'] === null, 'the Ratiba callback: cancelled', $cancelled);
?>
--EXPECT--
ok - b2cTopup accepted
ok - the top-up result is B2B-shaped
ok - b2pochi accepted
ok - the Pochi result is B2C-shaped
ok - a repeated Pochi id is refused
ok - remitTax accepted
ok - the tax result names KRA and the PRN
ok - tax after a 500: unknown, with its ids
ok - and processed once
ok - a refused top-up
ok - not processed
ok - b2bExpressCheckout initiated
ok - the express callback: paid
ok - the express callback: cancelled
ok - claimed on its requestId
ok - its redelivery is done
ok - pullRegister
ok - registered again: already registered
ok - nothing yet: an empty list
ok - every payment, once
ok - a pulled payment
ok - a period before the payments holds none
ok - ratibaCreate accepted
ok - the Ratiba callback: created
ok - claimed on its ids
ok - the Ratiba callback: cancelled
