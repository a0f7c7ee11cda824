'use strict'
// Statum through the Node binding, against the sandbox binary.

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

test('sendSms resolves to the camelCase Statum answer', async () => {
  const sms = await client.statum.sendSms({ senderId: 'TUMA', phone: '0712345678', message: 'Habari' })
  assert.equal(sms.statusCode, 200)
  assert.equal(sms.description, 'Operation successful.')
  assert.match(sms.requestId, /^[A-Za-z0-9]{32}$/)
  assert.deepEqual(Object.keys(sms).sort(), ['description', 'requestId', 'statusCode'])
})

test('airtime charges the wallet and accountDetails shows it', async () => {
  const beforeTopUp = await client.statum.accountDetails()
  assert.equal(beforeTopUp.statusCode, 200)
  assert.equal(typeof beforeTopUp.organization.name, 'string')
  const balance = beforeTopUp.organization.details.availableBalance
  assert.equal(typeof balance, 'number')
  assert.ok(beforeTopUp.organization.accounts.some((a) => a.account === 'TUMA' && a.serviceName === 'sms'))

  const topUp = await client.statum.airtime({ phone: '+254 712 345 678', amount: 100 })
  assert.equal(topUp.statusCode, 200)
  assert.match(topUp.requestId, /^[A-Za-z0-9]{32}$/)

  const afterTopUp = await client.statum.accountDetails()
  // 100 KES less the sandbox's 3 % discount.
  assert.equal(Math.round((balance - afterTopUp.organization.details.availableBalance) * 100), 9700)
})

test('an unregistered sender id is the provider\'s ApiError with its request id', async () => {
  await assert.rejects(
    client.statum.sendSms({ senderId: 'NOPE', phone: '254712345678', message: 'x' }),
    (e) => {
      assert.ok(e instanceof tuma.ApiError)
      assert.ok(e instanceof tuma.TumaError)
      assert.ok(e instanceof Error)
      assert.equal(e.name, 'ApiError')
      assert.equal(e.kind, 'api')
      assert.equal(e.provider, 'statum')
      assert.equal(e.status, 422)
      assert.equal(e.code, '422')
      assert.match(e.requestId, /^[0-9a-f-]{36}$/)
      assert.equal(e.outcomeUnknown, false)
      assert.match(e.message, /sender id/i)
      return true
    }
  )
})

test('the do-not-disturb number is refused with HTTP 400', async () => {
  await assert.rejects(
    client.statum.sendSms({ senderId: 'TUMA', phone: '254700000009', message: 'x' }),
    (e) => e instanceof tuma.ApiError && e.status === 400 && e.provider === 'statum'
  )
})

test('wrong credentials are an AuthenticationError', async () => {
  const bad = new tuma.Client(sandboxOptions(sb, {
    statum: { consumerKey: 'sandbox-statum-key', consumerSecret: 'wrong-secret', baseUrl: sb.statum }
  }))
  await assert.rejects(bad.statum.accountDetails(), (e) => {
    assert.ok(e instanceof tuma.AuthenticationError)
    assert.equal(e.kind, 'authentication')
    assert.equal(e.status, 401)
    assert.equal(e.provider, 'statum')
    assert.doesNotMatch(e.message, /wrong-secret/)
    return true
  })
})

test('bad input is an InvalidInputError naming the field, before any request', async () => {
  await assert.rejects(
    client.statum.sendSms({ senderId: 'TUMA', phone: '12345', message: 'x' }),
    (e) => e instanceof tuma.InvalidInputError && e.field === 'phone' && e.provider === null && e.status === null
  )
  await assert.rejects(
    client.statum.airtime({ phone: '254712345678', amount: 1 }),
    (e) => e instanceof tuma.InvalidInputError && e.field === 'amount'
  )
  await assert.rejects(
    client.statum.airtime({ phone: '254712345678', amount: 10.5 }),
    (e) => e instanceof tuma.InvalidInputError && e.field === 'amount'
  )
  await assert.rejects(
    client.statum.sendSms({ phone: '254712345678', message: 'x' }),
    (e) => e instanceof tuma.InvalidInputError && e.field === 'sender_id'
  )
})

test('a misspelt request field is refused, not ignored', async () => {
  await assert.rejects(
    client.statum.sendSms({ senderId: 'TUMA', phone: '254712345678', message: 'x', messsage: 'typo' }),
    (e) => e instanceof tuma.InvalidInputError && e.field === 'messsage'
  )
})

test('client.call reaches an operation by its core name with snake_case too', async () => {
  const sms = await client.call('statum.send_sms', { sender_id: 'Statum', phone: '0112345678', message: 'hi' })
  assert.equal(sms.statusCode, 200)
  await assert.rejects(client.call('statum.fly', {}), (e) => e instanceof tuma.InvalidInputError && e.field === 'operation')
})

test('a provider that is not configured is a ConfigError', async () => {
  const empty = new tuma.Client({})
  await assert.rejects(empty.statum.accountDetails(), (e) => {
    assert.ok(e instanceof tuma.ConfigError, String(e))
    assert.match(e.field, /statum/)
    return true
  })
})
