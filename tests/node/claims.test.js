'use strict'
// Callback claims through the Node binding: a receiver written the way docs/node.md
// recommends (claim, process, complete; release when processing fails; 503 while another
// worker holds the claim), fed with real STK callbacks from the sandbox binary. Daraja does
// not redeliver, so the tests play the provider's redeliveries by posting the same body again.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { tuma, startSandbox, sandboxOptions, localServer, waitFor } = require('./helpers.js')

const KIND = 'daraja.stk_callback'

let sb
let capture
let client

before(async () => {
  sb = await startSandbox()
  // Records the sandbox's deliveries without claiming them.
  capture = await localServer(() => ({ body: { ResultCode: 0, ResultDesc: 'Accepted' } }))
  client = new tuma.Client(sandboxOptions(sb))
})
after(async () => {
  await capture.close()
  await sb.stop()
})

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The recommended receiver, on `tumaClient`: `process(callback, body)` is the application's
 * work (it may throw). Resolves to `{url, close}`.
 */
function claimingReceiver (tumaClient, process) {
  async function answer (body) {
    let received
    try {
      received = await tumaClient.callbacks.receive({ kind: KIND, body })
    } catch (e) {
      return e instanceof tuma.InvalidCallbackError ? 400 : 500
    }
    if (received.status === 'done') return 200
    if (received.status === 'in_progress') return 503
    try {
      await process(received.callback, body)
    } catch (e) {
      await tumaClient.callbacks.release({ claim: received.claim })
      return e instanceof tuma.InvalidCallbackError ? 400 : 500
    }
    await tumaClient.callbacks.complete({ claim: received.claim })
    return 200
  }
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      answer(Buffer.concat(chunks).toString('utf8')).then((status) => res.writeHead(status).end())
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/`,
      close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()) })
    }))
  })
}

/** POSTs `body` to `url` as the provider would; resolves to the HTTP status. */
async function deliver (url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  await res.arrayBuffer()
  return res.status
}

/** A real STK callback: pushes (with the callback sent to `capture`) and waits for it. */
async function stkCallback (amount) {
  const push = await client.daraja.stkPush({ phone: '0708374149', amount, accountReference: 'CLAIMS', callbackUrl: `${capture.url}stk` })
  const find = () => capture.requests.find((r) => r.body.includes(push.checkoutRequestId))
  await waitFor(find)
  return { id: push.checkoutRequestId, body: find().body }
}

test('processing fails, the claim is released, and the redelivery is claimed and processed', async () => {
  const { id, body } = await stkCallback(11)
  let attempts = 0
  const processed = []
  const receiver = await claimingReceiver(client, async (callback) => {
    attempts++
    if (attempts === 1) throw new Error('database down')
    processed.push(callback.checkoutRequestId)
  })
  try {
    assert.equal(await deliver(receiver.url, body), 500, 'failed: released, non-200')
    assert.equal(await deliver(receiver.url, body), 200, 'the redelivery is processed')
    assert.equal(await deliver(receiver.url, body), 200, 'then done')
    assert.equal(attempts, 2)
    assert.deepEqual(processed, [id])
  } finally {
    await receiver.close()
  }
})

test('complete makes redeliveries done; a delivery while another worker holds the claim gets 503', async () => {
  const { id, body } = await stkCallback(12)
  const processed = []
  let started
  const processing = new Promise((resolve) => { started = resolve })
  let finish
  const finished = new Promise((resolve) => { finish = resolve })
  const receiver = await claimingReceiver(client, async (callback) => {
    started()
    await finished
    processed.push(callback.checkoutRequestId)
  })
  try {
    const first = deliver(receiver.url, body)
    await processing
    assert.equal(await deliver(receiver.url, body), 503, 'in progress elsewhere')
    finish()
    assert.equal(await first, 200)
    assert.deepEqual(processed, [id])

    const done = await client.callbacks.receive({ kind: KIND, body })
    assert.deepEqual({ ...done, callback: undefined }, { firstTime: false, status: 'done', claim: null, id, callback: undefined })
    assert.equal(done.callback.checkoutRequestId, id)
    assert.equal(await deliver(receiver.url, body), 200)
    assert.deepEqual(processed, [id])
  } finally {
    await receiver.close()
  }
})

test('the direct calls: complete and release report whether the lease was still held', async () => {
  const { body } = await stkCallback(13)
  const claimed = await client.callbacks.receive({ kind: KIND, body })
  assert.equal(claimed.status, 'claimed')
  assert.equal(claimed.firstTime, true)
  assert.equal(typeof claimed.claim, 'string')
  assert.deepEqual(await client.callbacks.release({ claim: claimed.claim }), { released: true })
  assert.deepEqual(await client.callbacks.release({ claim: claimed.claim }), { released: false }, 'already given back')
  const again = await client.callbacks.receive({ kind: KIND, body })
  assert.equal(again.status, 'claimed')
  assert.notEqual(again.claim, claimed.claim)
  assert.deepEqual(await client.callbacks.complete({ claim: again.claim }), { completed: true, leaseHeld: true })
  await assert.rejects(client.callbacks.complete({ claim: 'not a claim' }),
    (e) => e instanceof tuma.InvalidInputError && e.field === 'claim' && e.fate === 'not_sent')
})

test('a worker that dies holding a claim loses it when a short lease (callbackLeaseMs) runs out', async (t) => {
  // camelCase store options reach the core (an unknown key would be a ConfigError).
  const short = new tuma.Client({
    ...sandboxOptions(sb),
    store: { url: 'memory', callbackLeaseMs: 300, journalTtlSecs: 3600, dedupTtlSecs: 3600 }
  })
  const { id, body } = await stkCallback(14)
  const processed = []
  const receiver = await claimingReceiver(short, async (callback) => { processed.push(callback.checkoutRequestId) })
  try {
    const claimedAt = Date.now()
    const dead = await short.callbacks.receive({ kind: KIND, body })
    assert.equal(dead.status, 'claimed')
    // The worker dies here: it neither completes nor releases.
    const during = await deliver(receiver.url, body)
    if (Date.now() - claimedAt < 250) assert.equal(during, 503, 'its lease still runs')
    else t.diagnostic(`the machine is slow: the redelivery came ${Date.now() - claimedAt} ms after the claim`)
    await sleep(400)
    assert.equal(await deliver(receiver.url, body), 200, 'the lease ran out: the redelivery is processed')
    assert.deepEqual(processed, [id])
    assert.deepEqual(await short.callbacks.release({ claim: dead.claim }), { released: false })
    assert.equal(await deliver(receiver.url, body), 200)
    assert.deepEqual(processed, [id])
  } finally {
    await receiver.close()
  }
})

test('a forged callback reusing a real id is released, so the genuine one is still processed', async () => {
  const { id, body } = await stkCallback(15)
  const forged = JSON.parse(body)
  forged.Body.stkCallback.CallbackMetadata.Item.find((i) => i.Name === 'Amount').Value = 15000
  const paid = []
  const receiver = await claimingReceiver(client, async (callback, raw) => {
    const confirmed = await client.daraja.confirmStkPayment({ callback: raw })
    if (confirmed) paid.push([callback.checkoutRequestId, callback.amount])
  })
  try {
    assert.equal(await deliver(receiver.url, JSON.stringify(forged)), 400, 'refused, and the claim given back')
    assert.equal(await deliver(receiver.url, body), 200)
    assert.deepEqual(paid, [[id, 15]])
  } finally {
    await receiver.close()
  }
})
