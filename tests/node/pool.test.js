'use strict'
// The client's worker pool (tuma::Client::submit): bounded by http.maxThreads and
// http.maxQueued; a call beyond both is a BusyError at once and is never sent; no promise
// is ever left pending — not when a thread cannot be started (a pids limit), not when a
// call panics on its worker — so a process with calls in flight exits on its own.

const { test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const { spawn, execFileSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const {
  tuma, startSandbox, sandboxOptions, injectFault, sandboxStats, pathCount, localServer, statumOk, STATUM
} = require('./helpers.js')

let sb
before(async () => { sb = await startSandbox() })
after(async () => { await sb.stop() })

/** Threads of this process now (Linux), else null. */
function processThreads () {
  try {
    return Number(/^Threads:\s+(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1])
  } catch {
    return null
  }
}

const sms = (i) => ({ senderId: 'TUMA', phone: '0712345678', message: `pool ${i}` })
const airtime = () => ({ phone: '254712345678', amount: 50 })

test('a full pool rejects at once with a BusyError (not_sent) and nothing reaches the provider', async () => {
  const client = new tuma.Client(sandboxOptions(sb, {
    http: { maxRetries: 0, maxThreads: 1, maxQueued: 1 }
  }))
  await injectFault(sb, '/airtime', 'latency=1500', 1)
  const before = pathCount(await sandboxStats(sb), '/airtime')

  const started = Date.now()
  const first = client.statum.airtime(airtime()) // holds the one thread for 1.5 s
  const second = client.statum.airtime(airtime()) // waits in the queue of one
  let busyAfterMs = null
  const third = client.statum.airtime(airtime()).catch((e) => { busyAfterMs = Date.now() - started; throw e })

  await assert.rejects(third, (e) => {
    assert.ok(e instanceof tuma.BusyError, String(e))
    assert.ok(e instanceof tuma.TumaError)
    assert.equal(e.kind, 'busy')
    assert.equal(e.fate, 'not_sent')
    assert.equal(e.outcomeUnknown, false)
    assert.match(e.message, /http\.max_threads, http\.max_queued/)
    assert.match(e.message, /not sent/)
    return true
  })
  assert.ok(busyAfterMs < 500, `the refusal took ${busyAfterMs} ms: it must not wait for a thread`)

  const [a, b] = await Promise.all([first, second])
  assert.equal(a.statusCode, 200)
  assert.equal(b.statusCode, 200)
  assert.ok(Date.now() - started >= 1500, 'the first call did hold the thread')
  // Two airtime requests reached the sandbox, the refused one never did.
  assert.equal(pathCount(await sandboxStats(sb), '/airtime') - before, 2)
  assert.deepEqual(client.workerThreads(), { alive: 1, peak: 1 })

  // Once the pool has room again, calls go through.
  assert.equal((await client.statum.airtime(airtime())).statusCode, 200)
})

test('100 calls in flight with maxThreads 8 never use more than 8 threads, and reuse them', async () => {
  const CALLS = 100
  const client = new tuma.Client(sandboxOptions(sb, { http: { maxRetries: 0, maxThreads: 8 } }))
  await injectFault(sb, '/sms', 'latency=100', 2 * CALLS)
  const baseline = processThreads()
  let maxThreads = baseline
  const sample = setInterval(() => { if (baseline !== null) maxThreads = Math.max(maxThreads, processThreads()) }, 5)
  try {
    for (const burst of [1, 2]) {
      const started = Date.now()
      const results = await Promise.all(Array.from({ length: CALLS }, (_, i) => client.statum.sendSms(sms(i))))
      const elapsed = Date.now() - started
      assert.equal(results.length, CALLS)
      for (const r of results) assert.equal(r.statusCode, 200)
      // 100 calls of 100 ms on 8 threads: at least 13 rounds.
      assert.ok(elapsed >= 1200, `burst ${burst} took ${elapsed} ms: more than 8 calls overlapped`)
      assert.deepEqual(client.workerThreads(), { alive: 8, peak: 8 }, `burst ${burst}`)
    }
  } finally {
    clearInterval(sample)
  }
  if (baseline !== null) {
    assert.ok(maxThreads <= baseline + 8, `threads went from ${baseline} to ${maxThreads}`)
  }
})

test('maxThreads is checked: 0 is a ConfigError naming http.max_threads', () => {
  assert.throws(() => new tuma.Client({ statum: { ...STATUM }, http: { maxThreads: 0 } }), (e) => {
    assert.ok(e instanceof tuma.ConfigError, String(e))
    assert.equal(e.field, 'http.max_threads')
    return true
  })
})

// ---------------------------------------------------------------------------------------
// Child processes: a pids limit, and a process that must exit on its own.

const CHILD = path.join(__dirname, 'pool_child.js')

/**
 * Runs pool_child.js with `task`, through `prefix` (a command that starts it, e.g. in a
 * cgroup), with node's options `nodeArgs`. Resolves to `{code, hung, result, stderr}`; `hung` when it had not exited
 * after `timeoutMs` (then it is killed).
 */
function runChild (task, { prefix = [], nodeArgs = [], timeoutMs = 30_000 } = {}) {
  const argv = [...prefix, process.execPath, ...nodeArgs, CHILD]
  const child = spawn(argv[0], argv.slice(1), {
    env: { ...process.env, TUMA_POOL_CHILD: JSON.stringify(task), RUST_BACKTRACE: '0' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += d })
  child.stderr.on('data', (d) => { stderr += d })
  return new Promise((resolve) => {
    let hung = false
    const timer = setTimeout(() => { hung = true; child.kill('SIGKILL') }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      let result = null
      try { result = JSON.parse(stdout.trim().split('\n').pop()) } catch {}
      resolve({ code, hung, result, stderr })
    })
  })
}

function commandExists (name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * How this machine can cap a child's threads: `{name, exact, prefix(extra), task(extra),
 * cleanup()}`, or null. As root: a pids cgroup (v1 or v2) when one can be made, else
 * `nobody` under RLIMIT_NPROC (root ignores that limit). Not root: RLIMIT_NPROC over this
 * user's tasks, which other processes of the user change meanwhile (`exact` false).
 */
function threadLimiter () {
  if (process.platform !== 'linux') return null
  const root = process.getuid() === 0
  if (root) {
    for (const base of ['/sys/fs/cgroup/pids', '/sys/fs/cgroup']) {
      const dir = path.join(base, `tuma-node-test-${process.pid}`)
      try {
        fs.mkdirSync(dir)
      } catch {
        continue
      }
      if (fs.existsSync(path.join(dir, 'pids.max'))) {
        return {
          name: `cgroup ${dir}`,
          exact: true,
          // The shell joins the cgroup, then becomes node: every thread of node counts.
          prefix: ['/bin/sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir],
          limit: (extra) => ({ mode: 'cgroup', path: dir, extra }),
          cleanup: () => fs.rmdirSync(dir)
        }
      }
      fs.rmdirSync(dir)
    }
    if (commandExists('setpriv') && commandExists('prlimit')) {
      return {
        name: 'RLIMIT_NPROC as nobody',
        exact: true,
        prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
        limit: (extra) => ({ mode: 'nproc', extra }),
        cleanup: () => {}
      }
    }
    return null
  }
  if (!commandExists('prlimit')) return null
  return {
    name: 'RLIMIT_NPROC over this user',
    exact: false,
    prefix: [],
    limit: (extra) => ({ mode: 'nproc', extra }),
    cleanup: () => {}
  }
}

test('the default maxThreads is half the open-files limit: 128 workers under 256 files', async () => {
  // Each call in flight holds a socket: by default the pool takes at most half the soft
  // limit of open files (up to 1 024). Node raises its soft limit to the hard one at
  // start-up, so the child gets both set to 256.
  const server = await localServer(() => ({ delayMs: 300, body: statumOk() }))
  const calls = Array.from({ length: 200 }, (_, i) => ({ operation: 'statum.send_sms', request: sms(i) }))
  const client = { statum: { ...STATUM, baseUrl: server.url }, http: { maxRetries: 0 } }
  try {
    const prefix = ['sh', '-c', 'ulimit -n 256 && exec "$@"', 'sh']
    const limited = await runChild({ client, calls }, { prefix })
    assert.equal(limited.code, 0, limited.stderr)
    assert.deepEqual(limited.result.outcomes, Array(200).fill({ ok: true }))
    assert.equal(limited.result.workerThreads.peak, 128)
    // Under this machine's own limit (well above 256 files): more workers than that.
    const free = await runChild({ client, calls })
    assert.equal(free.code, 0, free.stderr)
    assert.ok(free.result.workerThreads.peak > 128, JSON.stringify(free.result.workerThreads))
  } finally {
    await server.close()
  }
})

test('under a thread limit no call hangs: none to spare is a BusyError per call, two are shared', async (t) => {
  const limiter = threadLimiter()
  if (limiter === null) {
    t.skip('no way to cap threads here (Linux with a writable pids cgroup, setpriv as root, or prlimit)')
    return
  }
  t.diagnostic(`thread limit through ${limiter.name}`)
  let inFlight = 0
  let maxInFlight = 0
  const server = await localServer(() => {
    inFlight += 1
    maxInFlight = Math.max(maxInFlight, inFlight)
    setTimeout(() => { inFlight -= 1 }, 100)
    return { delayMs: 100, body: statumOk() }
  })
  const calls = (n) => Array.from({ length: n }, (_, i) => ({ operation: 'statum.send_sms', request: sms(i) }))
  const client = { statum: { ...STATUM, baseUrl: server.url }, http: { maxRetries: 0 } }
  try {
    // Not one more thread: the pool cannot start its first worker.
    const none = await runChild({ client, calls: calls(6), limit: limiter.limit(0) }, { prefix: limiter.prefix })
    assert.equal(none.hung, false, 'the child never exited: a promise stayed pending')
    assert.equal(none.code, 0, none.stderr)
    assert.equal(none.result.outcomes.length, 6)
    for (const o of none.result.outcomes) {
      if (limiter.exact) {
        assert.equal(o.class, 'BusyError', JSON.stringify(o))
        assert.equal(o.fate, 'not_sent')
        assert.match(o.message, /no worker thread could be started/)
      } else {
        assert.ok(o.ok || o.class === 'BusyError', JSON.stringify(o))
      }
    }
    if (limiter.exact) {
      assert.equal(server.requests.length, 0, 'a refused call was sent')
      assert.deepEqual(none.result.workerThreads, { alive: 0, peak: 0 })
    }

    // Two threads to spare: the pool starts two workers; the calls that could not get a
    // third wait for them, and all go through.
    const sent = server.requests.length
    const two = await runChild({ client, calls: calls(10), limit: limiter.limit(2) }, { prefix: limiter.prefix })
    assert.equal(two.hung, false, 'the child never exited: a promise stayed pending')
    assert.equal(two.code, 0, two.stderr)
    if (limiter.exact) {
      assert.deepEqual(two.result.outcomes, Array(10).fill({ ok: true }))
      assert.equal(two.result.workerThreads.peak, 2)
      assert.equal(server.requests.length - sent, 10)
      assert.ok(maxInFlight <= 2, `${maxInFlight} calls overlapped on two threads`)
    } else {
      for (const o of two.result.outcomes) assert.ok(o.ok || o.class === 'BusyError', JSON.stringify(o))
    }
  } finally {
    limiter.cleanup()
    await server.close()
  }
})

test('every promise settles: a panic on a worker, busy refusals and calls, then the process exits on its own', async (t) => {
  const server = await localServer(() => ({ delayMs: 200, body: statumOk() }))
  try {
    const run = await runChild({
      client: { statum: { ...STATUM, baseUrl: server.url }, http: { maxRetries: 0, maxThreads: 1, maxQueued: 2 } },
      // In this order whatever the timing: the first call holds the one thread for 200 ms
      // (a panic first could be over, and its thread free, before the last call came).
      calls: [
        { operation: 'statum.send_sms', request: sms(1) }, // takes the one thread
        { operation: '_test.panic' }, // queued; then panics on that thread
        { operation: 'statum.send_sms', request: sms(2) }, // queued: served by the same thread after the panic
        { operation: 'statum.send_sms', request: sms(3) } // busy
      ]
    }, { timeoutMs: 20_000 })
    assert.equal(run.hung, false, 'the child never exited: a promise stayed pending')
    assert.equal(run.code, 0, run.stderr)
    const [first, panicked, served, ...refused] = run.result.outcomes
    assert.deepEqual(first, { ok: true })
    if (panicked.class === 'InvalidInputError') {
      t.skip('a release build has no `_test.panic` hook')
      return
    }
    assert.equal(panicked.class, 'Error', JSON.stringify(panicked))
    assert.equal(panicked.code, 'ERR_TUMA_INTERNAL')
    assert.equal(panicked.fate, 'unknown')
    assert.match(panicked.message, /internal error in `_test\.panic`: it panicked: deliberate panic/)
    assert.deepEqual(served, { ok: true }, 'the worker that caught the panic serves the next call')
    for (const o of refused) assert.equal(o.class, 'BusyError', JSON.stringify(o))
    assert.equal(refused.length, 1)
    assert.deepEqual(run.result.workerThreads, { alive: 1, peak: 1 })
    assert.equal(server.requests.length, 2)
  } finally {
    await server.close()
  }
})

test('5,000 calls in flight, twice: all settle on at most maxThreads threads, and the second round adds no thread and no memory', async (t) => {
  // In a child process of its own (its threads and memory are the calls'), against a local
  // server answering after 20 ms: 5,000 calls started at once, 100 running, the rest waiting
  // in the pool's queue; then the same again on the same client. The child's young
  // generation is held at 1 MiB: by default V8 grows it under the 5,000 promises of the
  // first rounds (heapTotal 22 MiB, then 38), which alone added 8–20 MiB of RSS over the
  // next rounds and would hide any growth of tuma's own; held, RSS measured flat (±1 MiB).
  const CALLS = 5_000
  const MAX_THREADS = 100
  const server = await localServer(() => ({ delayMs: 20, body: statumOk() }))
  try {
    const run = await runChild({
      client: { statum: { ...STATUM, baseUrl: server.url }, http: { maxRetries: 0, maxThreads: MAX_THREADS } },
      rounds: { count: 2, calls: CALLS, operation: 'statum.send_sms', request: sms(0) }
    }, { nodeArgs: ['--expose-gc', '--max-semi-space-size=1'], timeoutMs: 120_000 })
    assert.equal(run.hung, false, 'the child never exited: a promise stayed pending')
    assert.equal(run.code, 0, run.stderr)
    const { rounds, threadsBefore, peakThreads } = run.result
    t.diagnostic(`threads before ${threadsBefore}, peak ${peakThreads}; after each round: ${JSON.stringify(rounds)}`)
    assert.equal(server.requests.length, 2 * CALLS)
    for (const r of rounds) {
      assert.equal(r.ok, CALLS, r.firstError)
      assert.ok(r.workerThreads.peak <= MAX_THREADS, JSON.stringify(r.workerThreads))
    }
    // The process grew by the pool at most (libuv's own 4 threads may start meanwhile).
    if (threadsBefore > 0) assert.ok(peakThreads <= threadsBefore + MAX_THREADS + 4, `threads went from ${threadsBefore} to ${peakThreads}`)
    const [first, second] = rounds
    // The second round reuses the first one's workers (idle ones retire after a minute) and
    // its memory.
    assert.ok(second.threads <= first.threads, `threads after the rounds: ${first.threads}, then ${second.threads}`)
    assert.ok(second.rssKib - first.rssKib < 8 * 1024, `RSS after the rounds: ${first.rssKib} KiB, then ${second.rssKib} KiB`)
    assert.ok(second.heapUsedKib - first.heapUsedKib < 4 * 1024, `JS heap after the rounds: ${first.heapUsedKib} KiB, then ${second.heapUsedKib} KiB`)
  } finally {
    await server.close()
  }
})
