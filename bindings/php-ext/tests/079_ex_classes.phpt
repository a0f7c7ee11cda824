--TEST--
Tuma\Exception: constructor, readonly properties, fromDetail for every kind
--FILE--
<?php
declare(strict_types=1);
require __DIR__ . '/tuma.inc';
$e = new Tuma\ApiException('declined', 'api', 201, providerCode: '500.001.1001', requestId: 'R-1', provider: 'daraja', status: 500, outcomeUnknown: true);
check($e->getMessage() === 'declined' && $e->getCode() === 201 && $e->kind === 'api', 'message, code, kind');
check($e->provider === 'daraja' && $e->status === 500 && $e->providerCode === '500.001.1001' && $e->requestId === 'R-1', 'provider, status, provider code, request id');
check($e->field === null && $e->retryAfterMs === null && $e->outcomeUnknown === true, 'defaults and outcome');
check($e->fate === 'unknown' && $e->recovery === null, 'the fate follows outcomeUnknown when not given');
$n = new Tuma\NetworkException('m', 'network');
check($n->fate === 'not_sent' && $n->recovery === null && $n->outcomeUnknown === false, 'default fate: not sent');
$r = new Tuma\ApiException('m', 'api', 201, fate: 'refused', recovery: ['operation' => 'daraja.b2c', 'amount' => 10]);
check($r->fate === 'refused' && $r->recovery === ['operation' => 'daraja.b2c', 'amount' => 10], 'fate and recovery given by name');
$err = throws(Error::class, function () use ($e) { $e->field = 'x'; });
check($err !== null && str_contains($err->getMessage(), 'readonly'), 'properties are readonly');
$map = ['invalid_input' => 'InvalidInput', 'null_parameter' => 'InvalidInput', 'invalid_utf8' => 'InvalidInput', 'malformed_json' => 'InvalidInput',
    'config' => 'Config', 'authentication' => 'Authentication', 'authorization' => 'Authorization', 'api' => 'Api', 'rate_limited' => 'RateLimited',
    'network' => 'Network', 'timeout' => 'Timeout', 'decode' => 'Decode', 'invalid_callback' => 'InvalidCallback', 'store' => 'Store', 'busy' => 'Busy'];
$bad = [];
foreach ($map as $kind => $short) {
    $x = Tuma\Exception::fromDetail(999, 'm', ['kind' => $kind, 'field' => 'f', 'status' => '404', 'code' => 7, 'retry_after_ms' => 5, 'outcome_unknown' => 1,
        'fate' => 'unknown', 'recovery' => ['operation' => 'daraja.stk_push', 'phone' => '254708374149', 'amount' => 7]]);
    if (get_class($x) !== "Tuma\\{$short}Exception" || $x->field !== 'f' || $x->status !== 404 || $x->providerCode !== '7' || $x->retryAfterMs !== 5 || $x->outcomeUnknown !== true || $x->getCode() !== 999
        || $x->fate !== 'unknown' || $x->recovery !== ['operation' => 'daraja.stk_push', 'phone' => '254708374149', 'amount' => 7]) {
        $bad[] = $kind;
    }
}
check($bad === [], 'fromDetail maps every kind to its class and casts like the FFI wrapper', $bad);
$x = Tuma\Exception::fromDetail(901, 'm', []);
check(get_class($x) === Tuma\Exception::class && $x->kind === 'internal', 'an unknown kind is a plain Tuma\Exception');
check($x->fate === 'not_sent' && $x->recovery === null, 'fromDetail without fate or recovery');
$x = Tuma\Exception::fromDetail(201, 'm', ['kind' => 'api', 'fate' => 'refused', 'outcome_unknown' => false, 'recovery' => 'not an array']);
check($x->fate === 'refused' && $x->recovery === null, 'fromDetail: a recovery that is not an array is null');
try {
    throw new Tuma\StoreException('down', 'store', 302);
} catch (RuntimeException $caught) {
    check($caught instanceof Tuma\Exception && $caught->getLine() === __LINE__ - 2, 'catchable as RuntimeException, with the line it was thrown at');
}
?>
--EXPECT--
ok - message, code, kind
ok - provider, status, provider code, request id
ok - defaults and outcome
ok - the fate follows outcomeUnknown when not given
ok - default fate: not sent
ok - fate and recovery given by name
ok - properties are readonly
ok - fromDetail maps every kind to its class and casts like the FFI wrapper
ok - an unknown kind is a plain Tuma\Exception
ok - fromDetail without fate or recovery
ok - fromDetail: a recovery that is not an array is null
ok - catchable as RuntimeException, with the line it was thrown at
