'use strict'
// Network calls run on tuma's own worker threads: the event loop keeps running while they
// wait, and libuv's default pool of 4 threads does not cap how many overlap.
delete process.env.UV_THREADPOOL_SIZE

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { tuma, localServer, statumOk, STATUM } = require('./helpers.js')

const DELAY_MS = 300
const CALLS = 16

test(`${CALLS} slow calls overlap and a timer keeps ticking meanwhile`, async () => {
  let inFlight = 0
  let maxInFlight = 0
  const server = await localServer(() => {
    inFlight += 1
    maxInFlight = Math.max(maxInFlight, inFlight)
    setTimeout(() => { inFlight -= 1 }, DELAY_MS)
    return { delayMs: DELAY_MS, body: statumOk() }
  })
  try {
    const client = new tuma.Client({ statum: { ...STATUM, baseUrl: server.url }, http: { maxRetries: 0 } })
    let ticks = 0
    const timer = setInterval(() => { ticks += 1 }, 10)
    const started = Date.now()
    const results = await Promise.all(Array.from({ length: CALLS }, (_, i) =>
      client.statum.sendSms({ senderId: 'TUMA', phone: '0712345678', message: `n${i}` })))
    const elapsed = Date.now() - started
    clearInterval(timer)

    assert.equal(results.length, CALLS)
    for (const r of results) assert.equal(r.statusCode, 200)
    assert.equal(server.requests.length, CALLS)
    assert.equal(maxInFlight, CALLS, 'all calls were waiting on the server at once')
    // Serially this would take CALLS × DELAY_MS = 4.8 s; on libuv's 4 threads, 1.2 s.
    assert.ok(elapsed < 2 * DELAY_MS, `elapsed ${elapsed} ms`)
    // A 10 ms timer fires roughly elapsed/10 times when the loop is free; demand half.
    assert.ok(ticks >= elapsed / 20, `only ${ticks} ticks in ${elapsed} ms: the event loop was blocked`)
  } finally {
    await server.close()
  }
})
