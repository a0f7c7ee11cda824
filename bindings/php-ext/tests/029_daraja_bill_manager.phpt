--TEST--
Daraja Bill Manager: opt in, invoices, a payment acknowledged and reconciled, cancellations
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$receiver = new Receiver();
// Bill Manager redelivers a notification until it gets exactly this reply.
$receiver->replyOn('/bill', Tuma\Utils::darajaBillPaymentAck());
$tuma = new Tuma\Client(config());
$d = $tuma->daraja();
$optin = $d->billOptin(['email' => 'billing@shop.example', 'official_contact' => '0708374149', 'send_reminders' => true,
    'callback_url' => "$receiver->url/bill"]);
check($optin['rescode'] === '200' && str_starts_with((string) $optin['app_key'], 'AG_') && $optin['errors'] === [], 'billOptin', $optin);
$changed = $d->billChangeOptin(['email' => 'billing@shop.example', 'official_contact' => '0708374149', 'send_reminders' => false,
    'callback_url' => "$receiver->url/bill"]);
check($changed['rescode'] === '200', 'billChangeOptin', $changed);
$invoice = static fn (string $ref, int $amount): array => ['external_reference' => $ref, 'billed_full_name' => 'Jane Wanjiru',
    'billed_phone_number' => '0708374149', 'billed_period' => 'August 2030', 'invoice_name' => 'School fees',
    'due_date' => '2030-08-31', 'account_reference' => "ACC-$ref", 'amount' => $amount];
$sent = $d->billInvoice($invoice('X-INV-1', 800) + ['invoice_items' => [['item_name' => 'Tuition', 'amount' => 700], ['item_name' => 'Meals', 'amount' => 100]]]);
check($sent['rescode'] === '200' && $sent['status_message'] === 'Invoice sent successfully', 'billInvoice', $sent);

// The customer pays (the sandbox's control API); the notification is acknowledged.
$context = stream_context_create(['http' => ['method' => 'POST', 'header' => "Content-Type: application/json\r\n",
    'content' => json_encode(['externalReference' => 'X-INV-1'])]]);
$receipt = json_decode((string) file_get_contents(sandbox() . '/_sandbox/daraja/billmanager/pay', false, $context), true)['transactionId'];
$body = $receiver->waitFor('/bill', $receipt)['body'];
$payment = Tuma\Callbacks::darajaBillPayment($body);
check($payment['transaction_id'] === $receipt && $payment['paid_amount'] === 800.0 && $payment['account_reference'] === 'ACC-X-INV-1'
    && $payment['short_code'] === '174379', 'the payment notification', $payment);
$got = $tuma->callbacks()->receive(['kind' => 'daraja.bill_payment', 'body' => $body]);
check($got['first_time'] === true && $got['id'] === $receipt, 'claimed on its receipt', $got);
$reconciled = $d->billReconciliation(['payment_date' => $payment['date_created'], 'paid_amount' => 800,
    'account_reference' => $payment['account_reference'], 'transaction_id' => $receipt, 'phone_number' => $payment['msisdn'],
    'full_name' => 'Jane Wanjiru', 'invoice_name' => 'School fees', 'external_reference' => 'X-INV-1']);
check($reconciled['rescode'] === '200', 'billReconciliation', $reconciled);
$invoices = json_decode((string) file_get_contents(sandbox() . '/_sandbox/daraja/billmanager/invoices'), true)['invoices'];
$paid = array_values(array_filter($invoices, fn (array $i) => $i['externalReference'] === 'X-INV-1'))[0];
check($paid['status'] === 'paid' && $paid['payments'][0]['reconciled'] === true, 'the invoice is paid and the payment reconciled', $paid);

// Cancellations: a paid invoice is refused (409); unpaid ones go.
$e = throws(Tuma\ApiException::class, fn () => $d->billCancelInvoice(['external_reference' => 'X-INV-1']));
check($e?->providerCode === '409' && $e->fate === 'refused', 'a paid invoice cannot be cancelled', $e?->getMessage());
$bulk = $d->billInvoices(['invoices' => [$invoice('X-INV-2', 50), $invoice('X-INV-3', 60)]]);
check($bulk['invoices'] === 2 && $bulk['accepted'] === 2 && $bulk['all_accepted'] === true
    && $bulk['chunks'][0]['outcome'] === 'accepted' && $bulk['chunks'][0]['count'] === 2 && $bulk['chunks'][0]['error'] === null, 'billInvoices', $bulk);
check($d->billCancelInvoice(['external_reference' => 'X-INV-2'])['rescode'] === '200', 'billCancelInvoice');
$partial = $d->billCancelInvoices(['invoices' => [['external_reference' => 'X-INV-1'], ['external_reference' => 'X-INV-3']]]);
check($partial['rescode'] === '409' && array_column($partial['errors'], 'external_reference') === ['X-INV-1'], 'billCancelInvoices names the paid one', $partial);
// An unknown invoice is a documented refusal.
$e = throws(Tuma\ApiException::class, fn () => $d->billCancelInvoice(['external_reference' => 'X-NOPE']));
check($e?->providerCode === '400.002.02' && $e->fate === 'refused', 'an unknown invoice is refused', $e?->getMessage());
?>
--EXPECT--
ok - billOptin
ok - billChangeOptin
ok - billInvoice
ok - the payment notification
ok - claimed on its receipt
ok - billReconciliation
ok - the invoice is paid and the payment reconciled
ok - a paid invoice cannot be cancelled
ok - billInvoices
ok - billCancelInvoice
ok - billCancelInvoices names the paid one
ok - an unknown invoice is refused
