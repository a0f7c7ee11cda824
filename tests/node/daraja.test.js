'use strict'
// Daraja through the Node binding, against the sandbox binary; callbacks are received by a
// local server and parsed with the binding's parsers.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { tuma, startSandbox, sandboxOptions, localServer, waitFor } = require('./helpers.js')

let sb
let receiver
let client

before(async () => {
  sb = await startSandbox()
  receiver = await localServer(() => ({ body: { ResultCode: 0, ResultDesc: 'Accepted' } }))
  const options = sandboxOptions(sb)
  options.daraja = {
    ...options.daraja,
    callbackUrl: `${receiver.url}stk`,
    resultUrl: `${receiver.url}result`,
    timeoutUrl: `${receiver.url}timeout`
  }
  client = new tuma.Client(options)
})
after(async () => {
  await receiver.close()
  await sb.stop()
})

function received (path) {
  return receiver.requests.filter((r) => r.url === path)
}

test('stkPush, its callback, and stkQuery', async () => {
  const push = await client.daraja.stkPush({ phone: '0708374149', amount: 10, accountReference: 'ORDER-1', transactionDesc: 'Order 1' })
  assert.equal(push.responseCode, '0')
  assert.match(push.checkoutRequestId, /^ws_CO_/)
  assert.equal(typeof push.merchantRequestId, 'string')
  assert.equal(typeof push.customerMessage, 'string')

  await waitFor(() => received('/stk').some((r) => r.body.includes(push.checkoutRequestId)))
  const raw = received('/stk').find((r) => r.body.includes(push.checkoutRequestId)).body
  const callback = tuma.callbacks.daraja.stkCallback(Buffer.from(raw))
  assert.equal(callback.checkoutRequestId, push.checkoutRequestId)
  assert.equal(callback.resultCode, '0')
  assert.equal(callback.outcome, 'success')
  assert.equal(callback.status, 'completed')
  assert.equal(callback.amount, 10)
  assert.match(callback.mpesaReceiptNumber, /^[A-Z0-9]{10}$/)
  assert.equal(callback.phoneNumber, '254708374149')
  assert.ok(callback.metadata.some((item) => item.name === 'MpesaReceiptNumber'))

  const query = await client.daraja.stkQuery({ checkoutRequestId: push.checkoutRequestId })
  assert.equal(query.pending, false)
  assert.equal(query.resultCode, '0')
  assert.equal(query.outcome, 'success')
})

test('a cancelled push reports its outcome in the callback', async () => {
  const push = await client.daraja.stkPush({ phone: '254700001032', amount: 5, accountReference: 'ORDER-2' })
  await waitFor(() => received('/stk').some((r) => r.body.includes(push.checkoutRequestId)))
  const callback = tuma.callbacks.daraja.stkCallback(received('/stk').find((r) => r.body.includes(push.checkoutRequestId)).body)
  assert.equal(callback.resultCode, '1032')
  assert.equal(callback.outcome, 'cancelled_by_user')
  assert.equal(callback.status, 'cancelled')
  assert.equal(callback.mpesaReceiptNumber, null)
})

test('c2bRegisterUrls and c2bSimulate deliver a confirmation the parser reads', async () => {
  const reg = await client.daraja.c2bRegisterUrls({ confirmationUrl: `${receiver.url}confirm`, validationUrl: `${receiver.url}validate` })
  assert.equal(reg.responseCode, '0')
  assert.equal(typeof reg.originatorConversationId, 'string')
  const sim = await client.daraja.c2bSimulate({ phone: '254708374149', amount: 120, billRefNumber: 'INV-9' })
  assert.equal(sim.responseCode, '0')
  await waitFor(() => received('/confirm').length > 0)
  const validation = tuma.callbacks.daraja.c2bValidation(received('/validate')[0].body)
  const confirmation = tuma.callbacks.daraja.c2bConfirmation(received('/confirm')[0].body)
  assert.equal(validation.transId, confirmation.transId)
  assert.equal(confirmation.transAmount, 120)
  assert.equal(confirmation.billRefNumber, 'INV-9')
  assert.equal(confirmation.businessShortCode, '174379')
})

test('b2c, then transactionStatus, reversal and accountBalance, with their results', async () => {
  const b2c = await client.daraja.b2c({ phone: '254708374149', amount: 100, remarks: 'Refund', shortcode: '600981' })
  assert.equal(b2c.responseCode, '0')
  await waitFor(() => received('/result').some((r) => r.body.includes(b2c.conversationId)))
  const result = tuma.callbacks.daraja.result(received('/result').find((r) => r.body.includes(b2c.conversationId)).body)
  assert.equal(result.resultCode, '0', result.resultDesc)
  assert.equal(result.outcome, 'success')
  assert.equal(result.details.kind, 'b2c')
  assert.equal(result.details.transactionAmount, 100)
  const receipt = result.details.transactionReceipt
  assert.match(receipt, /^[A-Z0-9]{10}$/)

  const status = await client.daraja.transactionStatus({ transactionId: receipt, shortcode: '600981' })
  assert.equal(status.responseCode, '0')
  await waitFor(() => received('/result').some((r) => r.body.includes(status.conversationId)))
  const statusResult = tuma.callbacks.daraja.result(received('/result').find((r) => r.body.includes(status.conversationId)).body)
  assert.equal(statusResult.details.kind, 'transaction_status')
  assert.equal(statusResult.details.receiptNo, receipt)

  // B2C payments cannot be reversed through the API: the result says so (R000002).
  const refused = await client.daraja.reversal({ transactionId: receipt, amount: 100, remarks: 'Mistake', shortcode: '600981' })
  assert.equal(refused.responseCode, '0')
  await waitFor(() => received('/result').some((r) => r.body.includes(refused.conversationId)))
  const refusedResult = tuma.callbacks.daraja.result(received('/result').find((r) => r.body.includes(refused.conversationId)).body)
  assert.equal(refusedResult.resultCode, 'R000002')
  assert.equal(refusedResult.status, 'failed')

  // A paid STK push can be reversed.
  const push = await client.daraja.stkPush({ phone: '0708374149', amount: 40, accountReference: 'ORDER-R' })
  await waitFor(() => received('/stk').some((r) => r.body.includes(push.checkoutRequestId)))
  const paid = tuma.callbacks.daraja.stkCallback(received('/stk').find((r) => r.body.includes(push.checkoutRequestId)).body)
  const reversal = await client.daraja.reversal({ transactionId: paid.mpesaReceiptNumber, amount: 40, remarks: 'Mistake' })
  assert.equal(reversal.responseCode, '0')
  await waitFor(() => received('/result').some((r) => r.body.includes(reversal.conversationId)))
  const reversalResult = tuma.callbacks.daraja.result(received('/result').find((r) => r.body.includes(reversal.conversationId)).body)
  assert.equal(reversalResult.resultCode, '0', reversalResult.resultDesc)
  assert.equal(reversalResult.status, 'completed')
  assert.equal(reversalResult.details.kind, 'reversal')

  const balance = await client.daraja.accountBalance()
  assert.equal(balance.responseCode, '0')
  await waitFor(() => received('/result').some((r) => r.body.includes(balance.conversationId)))
  const balanceResult = tuma.callbacks.daraja.result(received('/result').find((r) => r.body.includes(balance.conversationId)).body)
  assert.equal(balanceResult.details.kind, 'account_balance')
  assert.ok(balanceResult.details.accounts.some((a) => a.name === 'Working Account' && a.currency === 'KES'))
})

test('b2b and dynamicQr', async () => {
  const b2b = await client.daraja.b2b({ partyB: '600000', amount: 50, remarks: 'Stock', accountReference: 'ACC-1' })
  assert.equal(b2b.responseCode, '0')
  await waitFor(() => received('/result').some((r) => r.body.includes(b2b.conversationId)))
  const result = tuma.callbacks.daraja.result(received('/result').find((r) => r.body.includes(b2b.conversationId)).body)
  assert.equal(result.details.kind, 'b2b')

  const qr = await client.daraja.dynamicQr({ merchantName: 'Duka', refNo: 'INV-1', amount: 200, trxCode: 'BG', cpi: '174379', size: 128 })
  assert.equal(qr.responseCode, '00')
  assert.deepEqual([...Buffer.from(qr.qrCode, 'base64').subarray(1, 4)], [...Buffer.from('PNG')])
})

test('Daraja refusals are ApiErrors with the provider code', async () => {
  await assert.rejects(client.daraja.stkQuery({ checkoutRequestId: 'ws_CO_unknown' }), (e) => {
    assert.ok(e instanceof tuma.ApiError, String(e))
    assert.equal(e.provider, 'daraja')
    assert.equal(e.code, '400.002.02')
    assert.equal(typeof e.requestId, 'string')
    return true
  })
  const bad = new tuma.Client(sandboxOptions(sb, { daraja: { ...sandboxOptions(sb).daraja, consumerSecret: 'nope', callbackUrl: `${receiver.url}stk` } }))
  await assert.rejects(bad.daraja.stkPush({ phone: '0708374149', amount: 1, accountReference: 'X' }),
    (e) => e instanceof tuma.AuthenticationError && e.provider === 'daraja')
})

test('a queue-timeout notice keeps the raw body verbatim', () => {
  const body = '{"Result":{"ResultType":0,"ResultCode":1,"ResultDesc":"The request timed out","OriginatorConversationID":"o-1","ConversationID":"AG_1"}}'
  const notice = tuma.callbacks.daraja.queueTimeout(body)
  assert.equal(notice.originatorConversationId, 'o-1')
  assert.equal(notice.raw.Result.OriginatorConversationID, 'o-1')
})

test('the Daraja utilities', () => {
  const { password, timestamp } = tuma.utils.daraja.stkPassword({ shortcode: '174379', passkey: 'pk', timestamp: '20240101120000' })
  assert.equal(timestamp, '20240101120000')
  assert.equal(Buffer.from(password, 'base64').toString(), '174379pk20240101120000')
  assert.match(tuma.utils.daraja.timestamp().timestamp, /^\d{14}$/)
  const cred = tuma.utils.daraja.securityCredential({ password: 'secret', environment: 'sandbox' })
  assert.equal(cred.securityCredential.length, 344)
  assert.deepEqual(tuma.utils.daraja.c2bAccept({ thirdPartyTransId: 't-1' }), { ResultCode: '0', ResultDesc: 'Accepted', ThirdPartyTransID: 't-1' })
  assert.deepEqual(tuma.utils.daraja.c2bReject({ reason: 'invalid_amount' }), { ResultCode: 'C2B00013', ResultDesc: 'Rejected' })
  assert.deepEqual(tuma.utils.daraja.c2bConfirmationAck(), { ResultCode: 0, ResultDesc: 'Success' })
  assert.throws(() => tuma.utils.daraja.stkPassword({ shortcode: '174379', passkey: 'pk', timestamp: 'soon' }),
    (e) => e instanceof tuma.InvalidInputError && e.field === 'timestamp')
})
