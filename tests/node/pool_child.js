'use strict'
// Run by pool.test.js in a child process (not a test file itself). Reads its task from the
// environment variable TUMA_POOL_CHILD (JSON):
//   {client: <Client options>, calls: [{operation, request}], limit: null | {mode, path, extra}}
// applies the thread limit, if any, starts every call at once, waits for all of them to
// settle and prints one JSON line: {outcomes, workerThreads, threadsBefore}. It never calls
// process.exit: a promise left pending would keep it alive, and the parent would see it hang.
//
// Or, with `rounds: {count, calls, operation, request}` instead of `calls`: `count` rounds of
// `calls` calls started at once; after each round has settled (and a pause, and a forced GC
// when node runs with --expose-gc) it records the process's threads and memory, and prints
// {rounds: [{ok, failed, firstError, threads, rssKib, heapUsedKib, heapTotalKib, workerThreads,
// seconds}], threadsBefore, peakThreads}.
//
// Limits (`extra` = how many more threads the process may start from now on):
//   cgroup  `path` is a cgroup (v1 pids controller, or v2) this process was moved into
//           before it started: pids.max := pids.current + extra
//   nproc   RLIMIT_NPROC := the tasks of this user + extra (prlimit on this process); exact
//           when the user runs nothing else (the parent runs this child as `nobody`)

const fs = require('node:fs')
const { execFileSync } = require('node:child_process')
const path = require('node:path')

const tuma = require(path.join(__dirname, '..', '..', 'crates', 'node', 'tuma.js'))

function threads (pid = 'self') {
  try {
    return Number(/^Threads:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1])
  } catch {
    return 0 // a process that exited meanwhile
  }
}

/** Tasks (threads) of every process of this real uid. */
function userTasks () {
  const uid = process.getuid()
  let n = 0
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
      if (Number(/^Uid:\s+(\d+)/m.exec(status)[1]) === uid) n += Number(/^Threads:\s+(\d+)/m.exec(status)[1])
    } catch {}
  }
  return n
}

function applyLimit (limit) {
  if (!limit) return
  if (limit.mode === 'cgroup') {
    const current = Number(fs.readFileSync(path.join(limit.path, 'pids.current'), 'utf8'))
    fs.writeFileSync(path.join(limit.path, 'pids.max'), String(current + limit.extra))
  } else if (limit.mode === 'nproc') {
    // prlimit itself is one more task of this user while it runs: it is gone afterwards.
    execFileSync('prlimit', ['--pid', String(process.pid), `--nproc=${userTasks() + limit.extra}`])
  } else {
    throw new Error(`unknown limit mode ${limit.mode}`)
  }
}

function rssKib () {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1])
  } catch {
    return 0
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function rounds (client, { count, calls, operation, request }) {
  const threadsBefore = threads()
  let peakThreads = threadsBefore
  const sample = setInterval(() => { peakThreads = Math.max(peakThreads, threads()) }, 5)
  const out = []
  try {
    for (let r = 0; r < count; r++) {
      const started = Date.now()
      const settled = await Promise.allSettled(Array.from({ length: calls }, () => client.call(operation, request)))
      const seconds = (Date.now() - started) / 1000
      const failed = settled.filter((s) => s.status === 'rejected')
      await sleep(300) // every settled callback ran; the workers are idle
      if (global.gc) { global.gc(); global.gc() }
      out.push({
        ok: calls - failed.length,
        failed: failed.length,
        firstError: failed.length ? String(failed[0].reason) : null,
        threads: threads(),
        rssKib: rssKib(),
        heapUsedKib: Math.round(process.memoryUsage().heapUsed / 1024),
        heapTotalKib: Math.round(process.memoryUsage().heapTotal / 1024),
        workerThreads: client.workerThreads(),
        seconds
      })
    }
  } finally {
    clearInterval(sample)
  }
  return { rounds: out, threadsBefore, peakThreads }
}

async function main () {
  const task = JSON.parse(process.env.TUMA_POOL_CHILD)
  const client = new tuma.Client(task.client)
  if (task.rounds) {
    process.stdout.write(JSON.stringify(await rounds(client, task.rounds)) + '\n')
    return
  }
  const threadsBefore = threads()
  applyLimit(task.limit)
  const settled = await Promise.allSettled(task.calls.map(({ operation, request }) => client.call(operation, request)))
  const outcomes = settled.map((s) => s.status === 'fulfilled'
    ? { ok: true }
    : {
        ok: false,
        class: s.reason.constructor.name,
        kind: s.reason.kind ?? null,
        fate: s.reason.fate ?? null,
        code: s.reason.code ?? null,
        message: s.reason.message
      })
  process.stdout.write(JSON.stringify({ outcomes, workerThreads: client.workerThreads(), threadsBefore }) + '\n')
}

main().catch((error) => {
  process.stderr.write(`pool_child: ${error.stack}\n`)
  process.exitCode = 1
})
