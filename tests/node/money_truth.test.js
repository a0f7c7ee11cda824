'use strict'
// Money truth through the Node binding, against the sandbox binary and its ledger: the fate
// and recovery ids of failed money calls, and the payment journal behind callback checks.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { tuma, startSandbox, sandboxOptions, localServer, waitFor, injectFault, sandboxStats, pathCount } = require('./helpers.js')

let sb
let receiver
let client

before(async () => {
  sb = await startSandbox()
  receiver = await localServer(() => ({ body: { ResultCode: 0, ResultDesc: 'Accepted' } }))
  const options = sandboxOptions(sb)
  options.daraja = { ...options.daraja, callbackUrl: `${receiver.url}stk` }
  client = new tuma.Client(options)
})
after(async () => {
  await receiver.close()
  await sb.stop()
})

/** The raw STK callback the sandbox delivered for `checkoutRequestId`. */
async function stkCallbackBody (checkoutRequestId) {
  const find = () => receiver.requests.find((r) => r.url === '/stk' && r.body.includes(checkoutRequestId))
  await waitFor(find)
  return find().body
}

/** The ledger entries of `provider`/`operation` whose identity starts with `prefix`. */
function ledger (stats, provider, operation, prefix) {
  return stats.payments.filter((p) => p.provider === provider && p.operation === operation && p.identity.startsWith(prefix))
}

/** Asserts every key of `object` is camelCase, as the rest of the wrapper's results. */
function assertCamel (object) {
  for (const key of Object.keys(object)) assert.doesNotMatch(key, /_/, `recovery key ${key}`)
}

const INTERNAL_ERROR = 'reply=500;processed;body={"requestId":"x","errorCode":"500.001.1001","errorMessage":"Internal server error"}'
const INVALID_AMOUNT = 'reply=400;body={"requestId":"x","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid Amount"}'

test('an STK push processed but answered 500 is fate unknown, with recovery ids; the ledger holds it and its late callback is recognised', async () => {
  const reference = `UNK-${process.pid % 100000}`
  await injectFault(sb, '/stkpush/', INTERNAL_ERROR)
  await assert.rejects(client.daraja.stkPush({ phone: '0708374149', amount: 37, accountReference: reference }), (e) => {
    assert.ok(e instanceof tuma.ApiError, String(e))
    assert.equal(e.provider, 'daraja')
    assert.equal(e.status, 500)
    assert.equal(e.code, '500.001.1001')
    assert.equal(e.fate, 'unknown')
    assert.equal(e.outcomeUnknown, true)
    const r = e.recovery
    assertCamel(r)
    assert.equal(r.operation, 'daraja.stk_push')
    assert.equal(r.phone, '254708374149')
    assert.equal(r.amount, 37)
    assert.equal(r.accountReference, reference)
    assert.equal(r.shortcode, '174379')
    assert.match(r.timestamp, /^\d{14}$/)
    assert.equal(r.checkoutRequestId, undefined, 'the 500 carried no CheckoutRequestID')
    assert.match(r.advice, /do not push again/)
    return true
  })

  // The sandbox did process it: one ledger entry, `{phone}:{amount}:{reference}:{CheckoutRequestID}`.
  const paid = ledger(await sandboxStats(sb), 'daraja', 'stk_push', `254708374149:37:${reference}:`)
  assert.equal(paid.length, 1)
  const checkoutRequestId = paid[0].identity.split(':')[3]

  // Its callback arrives later: the journal recorded the push by phone and amount, so the
  // callback is recognised as ours and confirmed by query.
  const confirmed = await client.daraja.confirmStkPayment({ callback: await stkCallbackBody(checkoutRequestId) })
  assert.equal(confirmed.checkoutRequestId, checkoutRequestId)
  assert.equal(confirmed.status, 'completed')
})

test('a documented refusal of an STK push is fate refused and nothing reaches the ledger', async () => {
  const reference = `REF-${process.pid % 100000}`
  const before = await sandboxStats(sb)
  await injectFault(sb, '/stkpush/', INVALID_AMOUNT)
  await assert.rejects(client.daraja.stkPush({ phone: '0708374149', amount: 38, accountReference: reference }), (e) => {
    assert.ok(e instanceof tuma.ApiError, String(e))
    assert.equal(e.status, 400)
    assert.equal(e.code, '400.002.02')
    assert.equal(e.requestId, 'x')
    assert.equal(e.fate, 'refused')
    assert.equal(e.outcomeUnknown, false)
    assert.equal(e.recovery.operation, 'daraja.stk_push')
    assert.equal(e.recovery.accountReference, reference)
    assert.match(e.recovery.advice, /refused/)
    return true
  })
  const after = await sandboxStats(sb)
  assert.equal(pathCount(after, '/stkpush/v1/processrequest'), pathCount(before, '/stkpush/v1/processrequest') + 1, 'it was sent once')
  assert.equal(after.payments.filter((p) => p.identity.includes(reference)).length, 0, 'and not processed')
})

test('airtime and UMS Pay pushes processed behind a 5xx are fate unknown with their recovery ids', async () => {
  await injectFault(sb, '/airtime', 'reply=502;processed;body=<html>Bad gateway</html>')
  await assert.rejects(client.statum.airtime({ phone: '0712345678', amount: 55 }), (e) => {
    assert.ok(e instanceof tuma.TumaError, String(e))
    assert.equal(e.fate, 'unknown')
    assert.equal(e.recovery.operation, 'statum.airtime')
    assert.equal(e.recovery.phone, '254712345678')
    assert.equal(e.recovery.amount, 55)
    return true
  })

  const reference = `UMS-${process.pid % 100000}`
  await injectFault(sb, '/initiatestkpush', 'reply=500;processed;body={"ResultCode":"500","errorMessage":"Internal error"}')
  await assert.rejects(client.umspay.stkPush({ amount: 1200, phone: '0712345678', reference }), (e) => {
    assert.ok(e instanceof tuma.TumaError, String(e))
    assert.equal(e.provider, 'umspay')
    assert.equal(e.fate, 'unknown')
    assertCamel(e.recovery)
    assert.equal(e.recovery.operation, 'umspay.stk_push')
    assert.equal(e.recovery.phone, '254712345678')
    assert.equal(e.recovery.amount, 1200)
    assert.equal(e.recovery.reference, reference)
    assert.equal(e.recovery.shortcode, 'UMPAY-SANDBOX')
    assert.match(e.recovery.advice, /do not push again/)
    return true
  })

  const stats = await sandboxStats(sb)
  assert.equal(ledger(stats, 'statum', 'airtime', '254712345678:55:').length, 1)
  assert.equal(ledger(stats, 'umspay', 'stk_push', `254712345678:1200:${reference}`).length, 1)
})

test('a forged STK callback reusing a real paid CheckoutRequestID is refused by the journal, before any query', async () => {
  const push = await client.daraja.stkPush({ phone: '0708374149', amount: 20, accountReference: 'ORDER-J' })
  const genuine = await stkCallbackBody(push.checkoutRequestId)
  const forge = (name, value) => {
    const body = JSON.parse(genuine)
    const item = body.Body.stkCallback.CallbackMetadata.Item.find((i) => i.Name === name)
    item.Value = value
    return JSON.stringify(body)
  }

  const queries = pathCount(await sandboxStats(sb), 'stkpushquery')
  await assert.rejects(client.daraja.confirmStkPayment({ callback: forge('Amount', 2000) }), (e) => {
    assert.ok(e instanceof tuma.InvalidCallbackError, String(e))
    assert.equal(e.provider, 'daraja')
    assert.match(e.message, /amount/)
    assert.equal(e.fate, 'not_sent')
    return true
  })
  await assert.rejects(client.daraja.confirmStkPayment({ callback: forge('PhoneNumber', 254708374150) }),
    (e) => e instanceof tuma.InvalidCallbackError && /phone/.test(e.message))
  assert.equal(pathCount(await sandboxStats(sb), 'stkpushquery'), queries, 'refused without asking Daraja')

  const paid = await client.daraja.confirmStkPayment({ callback: genuine })
  assert.equal(paid.checkoutRequestId, push.checkoutRequestId)
  assert.equal(paid.resultCode, '0')
  assert.equal(paid.status, 'completed')
})

test('with journalRequired, a success callback for a push never made is refused; by default it is checked by query', async () => {
  const push = await client.daraja.stkPush({ phone: '0708374149', amount: 21, accountReference: 'ORDER-K' })
  const genuine = await stkCallbackBody(push.checkoutRequestId)
  const stranger = genuine.replaceAll(push.checkoutRequestId, 'ws_CO_000000000000000000000')

  const strict = new tuma.Client({ ...sandboxOptions(sb), store: { url: 'memory', journalRequired: true } })
  const queries = pathCount(await sandboxStats(sb), 'stkpushquery')
  await assert.rejects(strict.daraja.confirmStkPayment({ callback: stranger }),
    (e) => e instanceof tuma.InvalidCallbackError && /not a payment this application pushed/.test(e.message))
  assert.equal(pathCount(await sandboxStats(sb), 'stkpushquery'), queries)
  // The memory store is shared by the process's clients: the genuine one is known to both.
  assert.equal((await strict.daraja.confirmStkPayment({ callback: genuine })).status, 'completed')

  await assert.rejects(client.daraja.confirmStkPayment({ callback: stranger }), tuma.TumaError)
  assert.ok(pathCount(await sandboxStats(sb), 'stkpushquery') > queries + 1, 'the stranger was checked by query')
})

test('a UMS Pay webhook claiming a bigger amount for a real push is refused by the journal', async () => {
  const reference = 'ORDER-W'
  const push = await client.umspay.stkPush({ amount: 1500, phone: '0712345678', reference })
  const done = await client.umspay.waitForStatus({ transactionRequestId: push.transactionRequestId, timeoutMs: 5_000 })
  assert.equal(done.status, 'completed')
  const webhook = (amount) => JSON.stringify({
    ResponseCode: 0,
    ResponseDescription: 'The service request is processed successfully.',
    TransactionID: push.transactionRequestId,
    TransactionAmount: amount,
    TransactionReceipt: done.receipt,
    TransactionReference: reference,
    Msisdn: '254712345678'
  })

  const queries = pathCount(await sandboxStats(sb), '/transactionstatus')
  await assert.rejects(client.umspay.confirmPayment({ webhook: webhook(15000) }), (e) => {
    assert.ok(e instanceof tuma.InvalidCallbackError, String(e))
    assert.equal(e.provider, 'umspay')
    assert.match(e.message, /amount/)
    return true
  })
  assert.equal(pathCount(await sandboxStats(sb), '/transactionstatus'), queries, 'refused without asking UMS Pay')

  const paid = await client.umspay.confirmPayment({ webhook: webhook(1500) })
  assert.equal(paid.receipt, done.receipt)
  assert.equal(paid.reference, reference)
})
