// Smoke test of the installed npm packages, as an ES module: named and default imports
// of `tuma` (a CommonJS package) from a project where only the packed tarballs were
// installed. TUMA_SANDBOX_URL is a running tuma-sandbox.
//
// Node finds the named exports of a CommonJS module by reading its source
// (cjs-module-lexer): the names it cannot see are only on the default export. The names
// the documentation imports by name are checked; the others are listed.

import assert from 'node:assert/strict'
import tuma, { Client, parseCallback, utils } from 'tuma'
import * as namespace from 'tuma'

const { TumaError, InvalidInputError } = tuma

const base = process.env.TUMA_SANDBOX_URL.replace(/\/+$/, '')
let passed = 0
let failed = 0

async function check (what, fn) {
  try {
    await fn()
    passed++
    console.log(`ok - ${what}`)
  } catch (e) {
    failed++
    console.log(`FAILED - ${what}: ${e && e.stack ? e.stack : e}`)
  }
}

await check('named imports match the default export', () => {
  assert.equal(Client, tuma.Client)
  assert.equal(parseCallback, tuma.parseCallback)
  assert.equal(typeof tuma.version, 'string')
})
await check('statum.sendSms is accepted', async () => {
  const client = new Client({ statum: { consumerKey: 'sandbox-statum-key', consumerSecret: 'sandbox-statum-secret', baseUrl: `${base}/statum/api/v2` } })
  const sms = await client.statum.sendSms({ senderId: 'TUMA', phone: '0712345678', message: 'Karibu (ESM)' })
  assert.equal(sms.statusCode, 200)
})
await check('a bad phone number is a typed InvalidInputError', () => {
  assert.throws(() => utils.phone.normalize({ phone: '12' }),
    (e) => e instanceof InvalidInputError && e instanceof TumaError && e.field === 'phone')
})
const hidden = Object.keys(tuma).filter((name) => !(name in namespace))
if (hidden.length) console.log(`note: only on the default export (not importable by name): ${hidden.join(', ')}`)
console.log(`node-esm: ${passed} passed, ${failed} failed`)
process.exitCode = failed ? 1 : 0
