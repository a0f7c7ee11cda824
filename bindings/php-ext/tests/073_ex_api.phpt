--TEST--
ApiException: the provider's code, request id and status
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$tuma = new Tuma\Client(config());
$e = throws(Tuma\ApiException::class, fn () => $tuma->statum()->sendSms(['sender_id' => 'NOTMINE', 'phone' => '0712345678', 'message' => 'x']));
check($e !== null && $e->provider === 'statum' && $e->status === 422 && $e->getCode() === 201, 'Statum 422');
check(is_string($e?->requestId) && $e->requestId !== '', 'request id', $e?->requestId);
$e = throws(Tuma\ApiException::class, fn () => $tuma->daraja()->stkQuery(['checkout_request_id' => 'ws_CO_unknown']));
check($e !== null && $e->provider === 'daraja' && $e->providerCode === '400.002.02', "Daraja's own code", $e?->providerCode);
check($e !== null && $e->outcomeUnknown === false, 'a refusal is a known outcome');
?>
--EXPECT--
ok - Statum 422
ok - request id
ok - Daraja's own code
ok - a refusal is a known outcome
