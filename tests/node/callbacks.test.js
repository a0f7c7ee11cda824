'use strict'
// Callback parsing and local utilities: synchronous, no network.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { tuma } = require('./helpers.js')

const AIRTIME = '{"request_id":"35235f08c981474abd388755ed43a427","charge":48.5,"account_balance":5000,"result_code":"200","result_desc":"You have topped up 254721553678 with Ksh. 50."}'

test('statum.airtime_result parses a Buffer, a string and a Uint8Array alike', () => {
  const expected = {
    requestId: '35235f08c981474abd388755ed43a427',
    charge: 48.5,
    accountBalance: 5000,
    resultCode: '200',
    resultDesc: 'You have topped up 254721553678 with Ksh. 50.'
  }
  assert.deepEqual(tuma.callbacks.statum.airtimeResult(Buffer.from(AIRTIME)), expected)
  assert.deepEqual(tuma.callbacks.statum.airtimeResult(AIRTIME), expected)
  assert.deepEqual(tuma.callbacks.statum.airtimeResult(new TextEncoder().encode(AIRTIME)), expected)
  assert.deepEqual(tuma.parseCallback('statum.airtime_result', AIRTIME), expected)
})

test('statum.result accepts a numeric result code and reads only the generic fields', () => {
  const event = tuma.callbacks.statum.result('{"request_id":"r-1","result_code":200,"result_desc":"Delivered"}')
  assert.deepEqual(event, { requestId: 'r-1', resultCode: '200', resultDesc: 'Delivered' })
})

test('a body that is not a provider callback is an InvalidCallbackError', () => {
  for (const body of ['not json', '[]', '{"result_code":"200"}', Buffer.from([0xff, 0xfe, 0x00])]) {
    assert.throws(() => tuma.callbacks.statum.result(body), (e) => {
      assert.ok(e instanceof tuma.InvalidCallbackError, `${body}: ${e}`)
      assert.equal(e.kind, 'invalid_callback')
      assert.equal(e.provider, 'statum')
      return true
    })
  }
  assert.throws(() => tuma.callbacks.statum.airtimeResult('{"request_id":"r","result_code":"200","charge":"x"}'),
    (e) => e instanceof tuma.InvalidCallbackError && /charge/.test(e.message))
})

test('a failed top-up may come without charge and balance: they are null', () => {
  const failed = tuma.callbacks.statum.airtimeResult('{"request_id":"r2","result_code":"400","result_desc":"Top up failed"}')
  assert.deepEqual(failed, { requestId: 'r2', resultCode: '400', resultDesc: 'Top up failed', charge: null, accountBalance: null })
})

test('an unknown callback kind is an InvalidInputError; a parsed object is a TypeError', () => {
  assert.throws(() => tuma.parseCallback('statum.nope', '{}'), (e) => e instanceof tuma.InvalidInputError)
  assert.throws(() => tuma.callbacks.statum.result({ request_id: 'r' }), TypeError)
})

test('utils.phone.normalize gives the international form and a carrier hint', () => {
  assert.deepEqual(tuma.utils.phone.normalize({ phone: '0712 345 678' }), { phone: '254712345678', carrier: 'safaricom' })
  assert.deepEqual(tuma.utility('phone.normalize', { phone: '+254 733 000 000' }), { phone: '254733000000', carrier: 'airtel' })
  assert.throws(() => tuma.utils.phone.normalize({ phone: '12' }), (e) => e instanceof tuma.InvalidInputError && e.field === 'phone')
  assert.throws(() => tuma.utility('phone.fly', {}), (e) => e instanceof tuma.InvalidInputError && e.field === 'utility')
})

test('client.callbacks.receive parses a delivery and claims it; the redelivery is not first', async () => {
  const client = new tuma.Client({})
  const body = `{"request_id":"node-${process.pid}-${Date.now()}","charge":48.5,"account_balance":5000,"result_code":"200","result_desc":"ok"}`
  const first = await client.callbacks.receive({ kind: 'statum.airtime_result', body })
  assert.equal(first.firstTime, true)
  assert.equal(first.status, 'claimed')
  assert.equal(typeof first.claim, 'string')
  assert.equal(first.callback.charge, 48.5)
  assert.equal(first.callback.requestId, first.id)
  const again = await client.callbacks.receive({ kind: 'statum.airtime_result', body })
  assert.equal(again.firstTime, false)
  assert.equal(again.status, 'in_progress')
  assert.equal(again.claim, null)
  assert.equal(again.id, first.id)
  await assert.rejects(client.callbacks.receive({ kind: 'statum.airtime_result', body: 'nope' }), tuma.InvalidCallbackError)
  const id = `order-${process.pid}-${Date.now()}`
  assert.deepEqual(await client.callbacks.firstTime({ id }), { firstTime: true })
  assert.deepEqual(await client.callbacks.firstTime({ id }), { firstTime: false })
})
