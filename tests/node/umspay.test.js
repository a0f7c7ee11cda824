'use strict'
// UMS Pay through the Node binding, against the sandbox binary.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { tuma, startSandbox, sandboxOptions } = require('./helpers.js')

let sb
let client

before(async () => {
  sb = await startSandbox()
  client = new tuma.Client(sandboxOptions(sb))
})
after(() => sb.stop())

test('stkPush, transactionStatus while pending, waitForStatus until completed', async () => {
  const push = await client.umspay.stkPush({ amount: 1500, phone: '0712345678', reference: 'ORDER-12345' })
  assert.match(push.transactionRequestId, /^UMSPID\d{19}$/)
  assert.equal(push.msisdn, '254712345678')
  assert.equal(push.amount, 1500)
  assert.equal(push.reference, 'ORDER-12345')

  const early = await client.umspay.transactionStatus({ transactionRequestId: push.transactionRequestId })
  assert.equal(early.status, 'pending')
  assert.equal(early.transactionRequestId, push.transactionRequestId)

  const done = await client.umspay.waitForStatus({ transactionRequestId: push.transactionRequestId, timeoutMs: 5_000 })
  assert.equal(done.status, 'completed')
  assert.match(done.receipt, /^[A-Z0-9]{10}$/)
  assert.equal(done.amount, 1500)
  assert.equal(done.reference, 'ORDER-12345')

  const confirmed = await client.umspay.confirmPayment({ transactionRequestId: push.transactionRequestId })
  assert.equal(confirmed.receipt, done.receipt)
})

test('a cancelled payment is not confirmed, even by a webhook that claims success', async () => {
  const push = await client.umspay.stkPush({ amount: 100, phone: '254700001032', reference: 'ORDER-C' })
  const done = await client.umspay.waitForStatus({ transactionRequestId: push.transactionRequestId, timeoutMs: 5_000 })
  assert.equal(done.status, 'cancelled')
  assert.equal(done.code, '1032')
  const forged = JSON.stringify({
    ResponseCode: 0,
    ResponseDescription: 'The service request is processed successfully.',
    TransactionID: push.transactionRequestId,
    TransactionAmount: 100,
    TransactionReceipt: 'FAKE000000',
    TransactionReference: 'ORDER-C',
    Msisdn: '254700001032'
  })
  assert.equal(await client.umspay.confirmPayment({ webhook: forged }), null)
})

test('the webhook parser keeps unknown fields verbatim in extra', () => {
  const event = tuma.callbacks.umspay.webhook(Buffer.from(JSON.stringify({
    event: 'payment.completed',
    ResponseCode: 0,
    TransactionID: 'UMSPID2306202415304512345',
    TransactionAmount: 1500,
    TransactionReceipt: 'TQ4K7XG2MB',
    TransactionDate: '20240623153045',
    TransactionReference: 'ORDER-12345',
    Msisdn: '254712345678',
    Custom_Field: 'x'
  })))
  assert.equal(event.event, 'payment.completed')
  assert.equal(event.transactionRequestId, 'UMSPID2306202415304512345')
  assert.equal(event.responseCode, 0)
  assert.equal(event.amount, 1500)
  assert.equal(event.receipt, 'TQ4K7XG2MB')
  assert.equal(event.extra.Custom_Field, 'x')
  assert.throws(() => tuma.callbacks.umspay.webhook('{"ResponseCode":0}'), (e) => e instanceof tuma.InvalidCallbackError && e.provider === 'umspay')
})

test('UMS Pay refusals are ApiErrors; bad input never leaves the process', async () => {
  await assert.rejects(client.umspay.transactionStatus({ transactionRequestId: 'UMSPID0000000000000000000' }), (e) => {
    assert.ok(e instanceof tuma.ApiError, String(e))
    assert.equal(e.provider, 'umspay')
    assert.equal(e.code, 'transaction_not_found')
    return true
  })
  await assert.rejects(client.umspay.stkPush({ amount: 1500, phone: '0712345678' }),
    (e) => e instanceof tuma.InvalidInputError && e.field === 'reference')
  await assert.rejects(client.umspay.waitForStatus({ transactionRequestId: 'x', timeoutMs: 4_000_000 }),
    (e) => e instanceof tuma.InvalidInputError && e.field === 'timeout_ms')
})
