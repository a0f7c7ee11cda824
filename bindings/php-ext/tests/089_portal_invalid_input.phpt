--TEST--
Daraja portal APIs and the reconciler: bad input refused before anything is sent, naming the field
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$d = $tuma->daraja();
$cb = 'https://shop.example/cb';
$invoice = ['external_reference' => 'BAD-1', 'billed_full_name' => 'Jane', 'billed_phone_number' => '0708374149', 'billed_period' => 'May',
    'invoice_name' => 'Fees', 'due_date' => '2030-05-31', 'account_reference' => 'A', 'amount' => 10];
$ratiba = ['standing_order_name' => 'n', 'phone' => '0708374149', 'amount' => 1, 'frequency' => 'daily', 'start_date' => '20300101',
    'end_date' => '20300301', 'account_reference' => 'a', 'callback_url' => $cb];
$before = stats()['requests'];
$cases = [
    ['amount', fn () => $d->b2cTopup(['party_b' => '600981', 'amount' => 0, 'account_reference' => 'R', 'remarks' => 'Top-up'])],
    ['party_b', fn () => $d->b2cTopup(['amount' => 10, 'account_reference' => 'R', 'remarks' => 'Top-up'])],
    ['command_id', fn () => $d->b2cTopup(['party_b' => '600981', 'amount' => 10, 'account_reference' => 'R', 'remarks' => 'Top-up', 'command_id' => 'pay_all'])],
    ['phone', fn () => $d->b2pochi(['phone' => '12345', 'amount' => 100, 'remarks' => 'Pochi'])],
    ['amount', fn () => $d->b2pochi(['phone' => '0708374149', 'amount' => 9, 'remarks' => 'Pochi'])],
    ['account_reference', fn () => $d->remitTax(['amount' => 100, 'account_reference' => str_repeat('P', 21), 'remarks' => 'VAT'])],
    ['party_b', fn () => $d->remitTax(['amount' => 100, 'account_reference' => 'P', 'remarks' => 'VAT', 'party_b' => '572572'])],
    ['primary_short_code', fn () => $d->b2bExpressCheckout(['primary_short_code' => 'till', 'amount' => 10, 'payment_ref' => 'P', 'callback_url' => $cb, 'partner_name' => 'T'])],
    ['callback_url', fn () => $d->b2bExpressCheckout(['primary_short_code' => '600100', 'amount' => 10, 'payment_ref' => 'P', 'callback_url' => 'nope', 'partner_name' => 'T'])],
    ['nominated_number', fn () => $d->pullRegister(['nominated_number' => '07', 'callback_url' => $cb])],
    ['start_date', fn () => $d->pullTransactions(['start_date' => '2030-13-01 00:00:00'])],
    ['max_pages', fn () => $d->pullTransactions(['max_pages' => 0])],
    ['frequency', fn () => $d->ratibaCreate(['frequency' => 'hourly'] + $ratiba)],
    ['end_date', fn () => $d->ratibaCreate(['end_date' => '20291231'] + $ratiba)],
    ['email', fn () => $d->billOptin(['email' => 'billing', 'official_contact' => '0708374149', 'send_reminders' => true, 'callback_url' => $cb])],
    ['official_contact', fn () => $d->billChangeOptin(['email' => 'b@shop.example', 'official_contact' => '1', 'send_reminders' => true, 'callback_url' => $cb])],
    ['due_date', fn () => $d->billInvoice(['due_date' => '2030-02-30'] + $invoice)],
    ['invoice_items[0].item_name', fn () => $d->billInvoice($invoice + ['invoice_items' => [['item_name' => '', 'amount' => 1]]])],
    ['invoices', fn () => $d->billInvoices(['invoices' => []])],
    ['invoices[1].external_reference', fn () => $d->billInvoices(['invoices' => [$invoice, $invoice]])],
    ['external_reference', fn () => $d->billCancelInvoice(['external_reference' => ' '])],
    ['invoices[0].external_reference', fn () => $d->billCancelInvoices(['invoices' => [['external_reference' => ' ']]])],
    ['phone_number', fn () => $d->billReconciliation(['payment_date' => '2030-08-01', 'paid_amount' => 100, 'account_reference' => 'A',
        'transaction_id' => 'T', 'phone_number' => '12', 'full_name' => 'J', 'invoice_name' => 'F', 'external_reference' => 'I'])],
    ['max_queries_per_second', fn () => $tuma->journal()->reconcile(['older_than_ms' => 0, 'max_queries_per_second' => 0])],
];
$wrong = [];
foreach ($cases as [$field, $call]) {
    try {
        $call();
        $wrong[] = "$field: nothing thrown";
    } catch (Tuma\InvalidInputException $e) {
        if ($e->field !== $field || $e->fate !== 'not_sent' || $e->recovery !== null) {
            $wrong[] = "$field: got {$e->field} ({$e->fate}): " . $e->getMessage();
        }
    }
}
check($wrong === [], count($cases) . ' bad requests refused, each naming its field', $wrong);
check(stats()['requests'] === $before, 'nothing reached the sandbox');
?>
--EXPECT--
ok - 24 bad requests refused, each naming its field
ok - nothing reached the sandbox
