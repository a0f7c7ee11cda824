--TEST--
Tuma\Exception: $fate and $recovery of a failed payment (processed, refused, not sent)
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
// Daraja processed the push, then answered 500: the money may have moved.
check(!in_ledger(':7:XFATE7:'), 'not in the ledger before');
fault('/stkpush/', 'reply=500;processed;body={"requestId":"x","errorCode":"500.001.1001","errorMessage":"Internal server error"}');
$e = throws(Tuma\ApiException::class, fn () => $tuma->daraja()->stkPush(['phone' => '0708 374 149', 'amount' => 7, 'account_reference' => 'XFATE7']));
check($e?->fate === 'unknown' && $e->outcomeUnknown === true && $e->providerCode === '500.001.1001', 'fate unknown', $e?->fate);
$r = $e?->recovery;
check(is_array($r) && $r['operation'] === 'daraja.stk_push' && $r['phone'] === '254708374149' && $r['amount'] === 7
    && $r['account_reference'] === 'XFATE7' && preg_match('/^20\d{12}$/', $r['timestamp']) === 1, 'recovery: phone, amount, account reference, timestamp', $r);
check(is_string($r['advice'] ?? null) && str_contains($r['advice'], 'do not push again'), 'recovery: advice', $r['advice'] ?? null);
check(in_ledger(':7:XFATE7:'), 'the sandbox processed the payment');
// A documented refusal: not processed.
fault('/stkpush/', 'reply=400;body={"requestId":"x","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid Amount"}');
$e = throws(Tuma\ApiException::class, fn () => $tuma->daraja()->stkPush(['phone' => '0708374149', 'amount' => 8, 'account_reference' => 'XREFUSE8']));
check($e?->fate === 'refused' && $e->outcomeUnknown === false && $e->providerCode === '400.002.02', 'fate refused', $e?->fate);
check(($e?->recovery['account_reference'] ?? null) === 'XREFUSE8', 'a refusal still names the payment', $e?->recovery);
check(!in_ledger(':8:XREFUSE8:'), 'not processed');
// Bad input: nothing sent, nothing to recover.
$e = throws(Tuma\InvalidInputException::class, fn () => $tuma->daraja()->stkPush(['phone' => '12', 'amount' => 9, 'account_reference' => 'XBAD9']));
check($e?->fate === 'not_sent' && $e->recovery === null, 'invalid input: not sent');
$e = throws(Tuma\InvalidInputException::class, fn () => $tuma->daraja()->stkPush(['phone' => "\xff", 'amount' => 9, 'account_reference' => 'XBAD9']));
check($e?->fate === 'not_sent' && $e->field === 'request', 'refused by the extension before libtuma: not sent');
?>
--EXPECT--
ok - not in the ledger before
ok - fate unknown
ok - recovery: phone, amount, account reference, timestamp
ok - recovery: advice
ok - the sandbox processed the payment
ok - fate refused
ok - a refusal still names the payment
ok - not processed
ok - invalid input: not sent
ok - refused by the extension before libtuma: not sent
