--TEST--
Journal: reconcile settles a push whose callback the application never processed
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$receiver = new Receiver();
$tuma = new Tuma\Client(config(['daraja' => ['callback_url' => "$receiver->url/stk"]]));
$push = $tuma->daraja()->stkPush(['phone' => '0708374149', 'amount' => 13, 'account_reference' => 'XRECON']);
// The callback arrives, but nobody passes it to callbacks()->receive().
$receiver->waitFor('/stk', $push['checkout_request_id']);
$report = $tuma->journal()->reconcile(['older_than_ms' => 0, 'c2b' => false, 'max_queries_per_second' => 50]);
check($report['examined'] === 1 && $report['resolved'] === 1 && $report['errors'] === 0 && $report['queries'] === 1
    && is_int($report['took_ms']) && $report['c2b_error'] === null, 'the report counts one payment resolved by one query', $report);
$p = $report['payments'][0];
check($p['id'] === $push['checkout_request_id'] && $p['provider'] === 'daraja' && $p['operation'] === 'daraja.stk_push'
    && $p['amount'] === 13 && $p['reference'] === 'XRECON', 'the payment', $p);
check($p['action'] === 'resolved' && $p['old_status'] === 'pending' && $p['new_status'] === 'completed', 'pending, then completed', $p);
check($p['outcome']['source'] === 'query' && $p['outcome']['result_code'] === '0' && $p['outcome']['status'] === 'completed', 'told by the STK query', $p['outcome']);
$again = $tuma->call('journal.reconcile', ['older_than_ms' => 0, 'c2b' => false]);
check($again['examined'] === 0 && $again['payments'] === [], 'nothing left to settle');
$e = throws(Tuma\InvalidInputException::class, fn () => $tuma->journal()->reconcile(['older_than_ms' => 0, 'max_queries_per_second' => 0]));
check($e?->field === 'max_queries_per_second' && $e->fate === 'not_sent', 'a bad pace is refused', $e?->getMessage());
?>
--EXPECT--
ok - the report counts one payment resolved by one query
ok - the payment
ok - pending, then completed
ok - told by the STK query
ok - nothing left to settle
ok - a bad pace is refused
