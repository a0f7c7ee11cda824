'use strict'
// AbortSignal on network calls, with the money rule of the core's send gate
// (tuma::cancel::SendGate): an AbortError means no money-moving request was written and none
// ever will be; once one may have been written, aborting changes nothing and the promise
// settles with the real outcome. Checked against the sandbox's request counts and ledger.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { tuma, startSandbox, sandboxOptions, injectFault, sandboxStats, pathCount } = require('./helpers.js')

let sb
before(async () => { sb = await startSandbox() })
after(async () => { await sb.stop() })

const airtime = () => ({ phone: '254712345678', amount: 50 })
const count = async (fragment) => pathCount(await sandboxStats(sb), fragment)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function assertAborted (operation) {
  return (e) => {
    assert.ok(e instanceof tuma.AbortError, String(e))
    assert.ok(!(e instanceof tuma.TumaError))
    assert.equal(e.name, 'AbortError')
    assert.equal(e.code, 'ABORT_ERR')
    assert.equal(e.operation, operation)
    assert.equal(e.fate, 'not_sent')
    return true
  }
}

test('an already aborted signal rejects at once and sends nothing', async () => {
  const client = new tuma.Client(sandboxOptions(sb))
  const before = await count('/airtime')
  const controller = new AbortController()
  controller.abort(new Error('customer left'))
  await assert.rejects(client.statum.airtime(airtime(), { signal: controller.signal }), (e) => {
    assertAborted('statum.airtime')(e)
    assert.equal(e.cause.message, 'customer left')
    return true
  })
  assert.equal(await count('/airtime'), before)
  await assert.rejects(client.statum.airtime(airtime(), { signal: {} }), TypeError)
})

test('aborting a call still waiting for a worker rejects it, and it is never sent', async () => {
  const client = new tuma.Client(sandboxOptions(sb, { http: { maxRetries: 0, maxThreads: 1 } }))
  await injectFault(sb, '/airtime', 'latency=600', 1)
  const before = await count('/airtime')
  const first = client.statum.airtime(airtime()) // holds the one worker
  const controller = new AbortController()
  const second = client.statum.airtime(airtime(), { signal: controller.signal })
  await sleep(50)
  const aborted = Date.now()
  controller.abort()
  await assert.rejects(second, assertAborted('statum.airtime'))
  assert.ok(Date.now() - aborted < 300, 'the abort did not wait for the call')
  assert.equal((await first).statusCode, 200)
  // The worker then took the aborted call: its gate stopped it before the request.
  await sleep(200)
  assert.equal(await count('/airtime') - before, 1)
})

test('aborting after the money request was written changes nothing: the real outcome arrives', async () => {
  const client = new tuma.Client(sandboxOptions(sb, { http: { maxRetries: 0 } }))
  await injectFault(sb, '/airtime', 'latency=500', 1)
  const before = await count('/airtime')
  const controller = new AbortController()
  const call = client.statum.airtime(airtime(), { signal: controller.signal })
  let seen = before
  const deadline = Date.now() + 5_000
  while (seen === before && Date.now() < deadline) {
    await sleep(10)
    seen = await count('/airtime')
  }
  assert.equal(seen, before + 1, 'the request reached the sandbox')
  controller.abort()
  const result = await call
  assert.equal(result.statusCode, 200)
  assert.match(result.requestId, /\S/)
})

test('aborting an STK push during its token fetch: AbortError, and the push never reaches Daraja', async () => {
  const options = sandboxOptions(sb, { http: { maxRetries: 0 } })
  // Extra trailing slashes: the same sandbox, but a token cache of its own, so this
  // client's first call fetches a token.
  options.daraja = { ...options.daraja, baseUrl: sb.daraja.replace(/\/+$/, '') + '/'.repeat(7), callbackUrl: 'https://shop.example/mpesa/stk' }
  const client = new tuma.Client(options)
  await injectFault(sb, '/oauth/', 'latency=600', 1)
  const pushesBefore = await count('/stkpush/')
  const ledgerBefore = (await sandboxStats(sb)).payments.length
  const controller = new AbortController()
  const push = client.daraja.stkPush({ phone: '0708374149', amount: 11, accountReference: 'ABORT-1' }, { signal: controller.signal })
  await sleep(150)
  controller.abort()
  await assert.rejects(push, assertAborted('daraja.stk_push'))
  await sleep(900) // the token fetch ends; the push must not follow it
  assert.equal(await count('/stkpush/'), pushesBefore)
  assert.equal((await sandboxStats(sb)).payments.length, ledgerBefore)
})

test('a signal that is never aborted leaves the call alone, and its listener is removed', async () => {
  const client = new tuma.Client(sandboxOptions(sb))
  const controller = new AbortController()
  const { signal } = controller
  const added = []
  const removed = []
  const add = signal.addEventListener.bind(signal)
  const remove = signal.removeEventListener.bind(signal)
  signal.addEventListener = (type, fn, opts) => { added.push(type); add(type, fn, opts) }
  signal.removeEventListener = (type, fn, opts) => { removed.push(type); remove(type, fn, opts) }
  for (let i = 0; i < 3; i++) {
    const sms = await client.statum.sendSms({ senderId: 'TUMA', phone: '0712345678', message: `s${i}` }, { signal })
    assert.equal(sms.statusCode, 200)
  }
  await assert.rejects(client.statum.airtime({ phone: '254712345678', amount: 1 }, { signal }), tuma.InvalidInputError)
  assert.deepEqual(added, Array(4).fill('abort'))
  assert.deepEqual(removed, Array(4).fill('abort'))
})
