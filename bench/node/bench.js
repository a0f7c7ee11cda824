'use strict'
// The Node side of the tuma benchmarks (run by `tuma-bench`; see `make bench`).
//
//   bench.js seq MODE CONFIG_JSON CALLS [--no-warmup]   sequential calls/s
//     MODE: tuma-sms, tuma-stk, undici-sms, undici-stk, mpesa-api
//   bench.js pair CONFIG_JSON CALLS CHUNKS MODE...        MODEs interleaved, calls/s each
//   bench.js concurrent CONFIG_JSON PROMISES CALLS      one client, PROMISES in flight
//   bench.js timeout tuma|mpesa-api CONFIG_JSON TIMEOUT_MS
//   bench.js memory CONFIG_JSON CALLS
//   bench.js inflight tuma|undici CONFIG_JSON N        N STK pushes at once, one client
//
// The tuma addon is the release build named by NAPI_RS_NATIVE_LIBRARY_PATH. Prints one JSON
// object on its last line.

const http = require('node:http')
const path = require('node:path')
const fs = require('node:fs')

const ROOT = path.resolve(__dirname, '..', '..')
const SMS = { senderId: 'TUMA', phone: '0712345678', message: 'Your order 1234 has shipped.' }
const STK = { phone: '0712345678', amount: 10, accountReference: 'INV-001' }
const SHORTCODE = '174379'

function tuma () {
  return require(path.join(ROOT, 'crates', 'node', 'tuma.js'))
}

function client (config) {
  const { Client } = tuma()
  return new Client(JSON.parse(config))
}

function basic (cfg) {
  const d = cfg.daraja
  return 'Basic ' + Buffer.from(`${d.consumer_key}:${d.consumer_secret}`).toString('base64')
}

async function undiciCall (cfg, stk, connections = 1) {
  const { Pool } = require('undici')
  const base = new URL(cfg.daraja.base_url)
  const pool = new Pool(base.origin, { connections, pipelining: 1 })
  let auth = basic(cfg)
  let body
  let urlPath
  if (stk) {
    const r = await pool.request({ path: '/oauth/v1/generate?grant_type=client_credentials', method: 'GET', headers: { authorization: auth } })
    auth = 'Bearer ' + (await r.body.json()).access_token
    const ts = '20260101120000'
    const password = Buffer.from(SHORTCODE + cfg.daraja.passkey + ts).toString('base64')
    body = JSON.stringify({
      BusinessShortCode: SHORTCODE, Password: password, Timestamp: ts,
      TransactionType: 'CustomerPayBillOnline', Amount: 10, PartyA: '254712345678',
      PartyB: SHORTCODE, PhoneNumber: '254712345678', CallBackURL: cfg.daraja.callback_url,
      AccountReference: 'INV-001', TransactionDesc: 'Payment'
    })
    urlPath = '/mpesa/stkpush/v1/processrequest'
  } else {
    body = JSON.stringify({ sender_id: 'TUMA', phone_number: '254712345678', message: SMS.message })
    urlPath = '/statum/sms'
  }
  const headers = {
    'user-agent': 'bench/1',
    authorization: auth,
    'content-type': 'application/json',
    accept: 'application/json'
  }
  return async () => {
    const r = await pool.request({ path: urlPath, method: 'POST', headers, body })
    return r.body.json()
  }
}

// mpesa-api builds requests from the base URL's host name only (no port): point node's
// global agent (keep-alive since Node 19) at the responder's port.
function mpesaApi (cfg) {
  const { Mpesa } = require('mpesa-api')
  const d = cfg.daraja
  const base = new URL(d.base_url)
  http.globalAgent.defaultPort = Number(base.port)
  const mpesa = new Mpesa({ clientKey: d.consumer_key, clientSecret: d.consumer_secret, securityCredential: 'bench' }, 'sandbox')
  const { HttpService } = require('mpesa-api/lib/services/http.service')
  mpesa.http = new HttpService({ baseURL: base.origin, headers: { 'Content-Type': 'application/json' } })
  return () => mpesa.lipaNaMpesaOnline({
    BusinessShortCode: Number(SHORTCODE),
    passKey: d.passkey,
    TransactionDesc: 'Payment',
    TransactionType: 'CustomerPayBillOnline',
    PartyA: '254712345678',
    PartyB: SHORTCODE,
    Amount: 10,
    AccountReference: 'INV-001',
    CallBackURL: d.callback_url,
    PhoneNumber: '254712345678'
  })
}

async function makeCall (mode, config) {
  const cfg = JSON.parse(config)
  let call
  if (mode === 'tuma-sms') {
    const c = client(config)
    call = () => c.statum.sendSms(SMS)
  } else if (mode === 'tuma-stk') {
    const c = client(config)
    call = () => c.daraja.stkPush(STK)
  } else if (mode === 'undici-sms' || mode === 'undici-stk') {
    call = await undiciCall(cfg, mode === 'undici-stk')
  } else if (mode === 'mpesa-api') {
    call = mpesaApi(cfg)
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
  return call
}

// Every mode in `chunks` interleaved slices of `calls`, rotating the order.
async function pair (config, calls, chunks, modes) {
  const fns = []
  for (const m of modes) fns.push(await makeCall(m, config))
  const secs = modes.map(() => 0)
  for (const f of fns) for (let i = 0; i < Math.max(calls / 2, 1); i++) await f()
  for (let c = 0; c < chunks; c++) {
    for (let i = 0; i < fns.length; i++) {
      const k = (i + c) % fns.length
      const start = process.hrtime.bigint()
      for (let j = 0; j < calls; j++) await fns[k]()
      secs[k] += Number(process.hrtime.bigint() - start) / 1e9
    }
  }
  const rates = {}
  modes.forEach((m, i) => { rates[m] = chunks * calls / secs[i] })
  return { rates }
}

async function seq (mode, config, calls, warmup) {
  const call = await makeCall(mode, config)
  if (warmup) for (let i = 0; i < Math.max(calls / 10, 1); i++) await call()
  const start = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) await call()
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return { calls_per_sec: calls / seconds, seconds }
}

async function concurrent (config, promises, calls) {
  const c = client(config)
  await c.statum.sendSms(SMS)
  const start = process.hrtime.bigint()
  await Promise.all(Array.from({ length: promises }, async () => {
    for (let i = 0; i < calls; i++) await c.statum.sendSms(SMS)
  }))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return { calls_per_sec: promises * calls / seconds }
}

async function timeout (who, config, ms) {
  const cfg = JSON.parse(config)
  if (who === 'tuma') {
    const c = client(config)
    try {
      await c.daraja.stkPush(STK)
      return { outcome: 'success', timeout: `${ms} ms` }
    } catch (e) {
      return { outcome: `\`${e.name}\` (${e.code}), outcome_unknown = ${e.outcomeUnknown}`, timeout: `${ms} ms` }
    }
  }
  const start = Date.now()
  try {
    await mpesaApi(cfg)()
    return { outcome: `success after ${Date.now() - start} ms`, timeout: 'none (cannot be set)' }
  } catch (e) {
    return { outcome: `error: ${e.message || e.statusCode}`, timeout: 'none (cannot be set)' }
  }
}

function rssKib () {
  global.gc?.()
  return Math.round(process.memoryUsage().rss / 1024)
}

async function memory (config, calls) {
  tuma()
  const start = rssKib()
  const c = client(config)
  const withClient = rssKib()
  for (let i = 0; i < 10000; i++) await c.statum.sendSms(SMS)
  const warm = rssKib()
  for (let i = 0; i < calls; i++) await c.statum.sendSms(SMS)
  const end = rssKib()
  return { start_kib: start, client_kib: withClient, warm_kib: warm, end_kib: end }
}

function procStatus (key) {
  for (const line of fs.readFileSync('/proc/self/status', 'utf8').split('\n')) {
    if (line.startsWith(key + ':')) return Number(line.split(/\s+/)[1])
  }
  return 0
}

// N STK pushes started at once on one client (after one warm-up call that fetches the
// token); the parent samples this process's threads and RSS while it runs.
async function inflight (mode, config, n) {
  const threadsBefore = procStatus('Threads')
  let call
  if (mode === 'tuma') {
    const c = client(config)
    call = () => c.daraja.stkPush(STK)
  } else if (mode === 'undici') {
    call = await undiciCall(JSON.parse(config), true, n)
  } else {
    throw new Error(`unknown mode ${mode}`)
  }
  await call()
  const start = process.hrtime.bigint()
  const results = await Promise.allSettled(Array.from({ length: n }, () => call()))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const errors = results.filter((r) => r.status === 'rejected')
  return {
    calls_per_sec: n / seconds,
    seconds,
    errors: errors.length,
    first_error: errors.length ? String(errors[0].reason).slice(0, 200) : null,
    threads_before: threadsBefore,
    threads_after: procStatus('Threads'),
    hwm_kib: procStatus('VmHWM')
  }
}

async function main (argv) {
  const [cmd, ...args] = argv
  let out
  if (cmd === 'seq') out = await seq(args[0], args[1], Number(args[2]), !argv.includes('--no-warmup'))
  else if (cmd === 'pair') out = await pair(args[0], Number(args[1]), Number(args[2]), args.slice(3))
  else if (cmd === 'concurrent') out = await concurrent(args[0], Number(args[1]), Number(args[2]))
  else if (cmd === 'timeout') out = await timeout(args[0], args[1], Number(args[2]))
  else if (cmd === 'memory') out = await memory(args[0], Number(args[1]))
  else if (cmd === 'inflight') out = await inflight(args[0], args[1], Number(args[2]))
  else throw new Error(`unknown command ${cmd}`)
  console.log(JSON.stringify(out))
  // Keep-alive sockets would hold the process open.
  process.exit(0)
}

fs.existsSync(ROOT) && main(process.argv.slice(2)).catch((e) => {
  console.error(e)
  process.exit(1)
})
