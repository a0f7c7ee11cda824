'use strict'
// Shared fixtures of the Node tests: the addon, the sandbox binary, tiny local servers.

const { spawn } = require('node:child_process')
const http = require('node:http')
const path = require('node:path')
const fs = require('node:fs')
const readline = require('node:readline')

const ROOT = path.resolve(__dirname, '..', '..')

/** The package as a user would load it (`require('tuma')`). */
const tuma = require(path.join(ROOT, 'crates', 'node', 'tuma.js'))

/** Where the sandbox binary is: `TUMA_SANDBOX_BIN`, else `$CARGO_TARGET_DIR/debug`, else `target/debug`. */
function sandboxBinary () {
  if (process.env.TUMA_SANDBOX_BIN) return process.env.TUMA_SANDBOX_BIN
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target')
  return path.join(targetDir, 'debug', 'tuma-sandbox')
}

/**
 * Starts `tuma-sandbox 0` (the OS picks a free port) and resolves to its URLs once it has
 * printed them: `base` (the control API lives under it), `statum`, `daraja`, `umspay`.
 * `stop()` kills it.
 */
function startSandbox () {
  const bin = sandboxBinary()
  if (!fs.existsSync(bin)) {
    throw new Error(`sandbox binary not found at ${bin}: run \`cargo build -p tuma-sandbox\` first`)
  }
  const child = spawn(bin, ['0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const urls = {}
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error('the sandbox did not print its URLs within 10 s'))
    }, 10_000)
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the sandbox exited early (${code})`)))
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const base = line.match(/listening on\s+(\S+)/)
      if (base) urls.base = base[1].replace(/\/+$/, '')
      const m = line.match(/^\s*(Statum|Daraja|UMS Pay):\s+(\S+)/)
      if (m) urls[{ Statum: 'statum', Daraja: 'daraja', 'UMS Pay': 'umspay' }[m[1]]] = m[2]
      if (urls.base && urls.statum && urls.daraja && urls.umspay) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        resolve({
          ...urls,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done()
            child.once('exit', () => done())
            child.kill()
          })
        })
      }
    })
  })
}

const STATUM = { consumerKey: 'sandbox-statum-key', consumerSecret: 'sandbox-statum-secret' }
const DARAJA = {
  consumerKey: 'sandbox-daraja-key',
  consumerSecret: 'sandbox-daraja-secret',
  environment: 'sandbox',
  shortcode: '174379',
  passkey: 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919',
  initiatorName: 'testapi',
  initiatorPassword: 'Safaricom999!*!',
  certificatePem: fs.readFileSync(path.join(ROOT, 'crates', 'sandbox', 'testdata', 'daraja-test-cert.pem'), 'utf8')
}
const UMSPAY = { apiKey: 'sandbox-umspay-key', email: 'dev@tuma.test', accountId: 'UMPAY-SANDBOX' }

/** Client options for every provider of the sandbox `sb`, with fast retries. */
function sandboxOptions (sb, overrides = {}) {
  return {
    statum: { ...STATUM, baseUrl: sb.statum },
    daraja: { ...DARAJA, baseUrl: sb.daraja },
    umspay: { ...UMSPAY, baseUrl: sb.umspay },
    http: { connectTimeoutMs: 2_000, timeoutMs: 10_000, retryInitialBackoffMs: 10, retryMaxBackoffMs: 50 },
    ...overrides
  }
}

/**
 * A local HTTP server answering every request with `handler(req, body)` →
 * `{status, headers, body, delayMs}`. Records requests. Resolves to `{url, requests, close}`.
 */
function localServer (handler) {
  const requests = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const record = { method: req.method, url: req.url, headers: req.headers, body }
      requests.push(record)
      const answer = handler(record) || {}
      const send = () => {
        if (answer.destroy) return req.socket.destroy()
        res.writeHead(answer.status || 200, { 'content-type': 'application/json', ...answer.headers })
        res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {}))
      }
      if (answer.delayMs) setTimeout(send, answer.delayMs)
      else send()
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        requests,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()) })
      })
    })
  })
}

/**
 * Adds a fault rule through the sandbox's control API (docs/sandbox.md): the next `times`
 * requests whose path contains `pathContains` get `fault` (e.g. `reply=500;processed;body=…`).
 */
async function injectFault (sb, pathContains, fault, times = 1) {
  const res = await fetch(`${sb.base}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path_contains: pathContains, fault, times })
  })
  if (res.status !== 200) throw new Error(`the sandbox refused the fault ${fault}: ${await res.text()}`)
}

/** The sandbox's counters and ledger: `{requests, paths: {path: n}, payments: [{provider, operation, identity}]}`. */
async function sandboxStats (sb) {
  const res = await fetch(`${sb.base}/_sandbox/stats`)
  return res.json()
}

/** How many requests reached sandbox paths containing `fragment`. */
function pathCount (stats, fragment) {
  return Object.entries(stats.paths).reduce((n, [p, count]) => n + (p.includes(fragment) ? count : 0), 0)
}

/** Resolves once `predicate()` holds (polled every 20 ms), or rejects after `ms`. */
async function waitFor (predicate, ms = 5_000) {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A port with nothing listening (bound, read, released). */
function closedPort () {
  return new Promise((resolve) => {
    const s = http.createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = s.address().port
      s.close(() => resolve(port))
    })
  })
}

/** A valid Statum answer to `/sms` or `/airtime`. */
function statumOk (requestId = 'a'.repeat(32)) {
  return { status_code: 200, description: 'Operation successful.', request_id: requestId }
}

module.exports = {
  ROOT,
  tuma,
  startSandbox,
  sandboxOptions,
  localServer,
  closedPort,
  waitFor,
  injectFault,
  sandboxStats,
  pathCount,
  statumOk,
  STATUM,
  DARAJA,
  UMSPAY
}
