'use strict'
// Smoke test of the installed npm packages, as CommonJS: `require('tuma')` from a project
// where only the packed tarballs were installed. TUMA_SANDBOX_URL is a running tuma-sandbox.

const assert = require('node:assert/strict')
const path = require('node:path')
const tuma = require('tuma')

const base = process.env.TUMA_SANDBOX_URL.replace(/\/+$/, '')
const passkey = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919'
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

async function main () {
  const projectModules = path.join(process.cwd(), 'node_modules')
  await check('tuma is loaded from the project\'s node_modules', () => {
    assert.ok(require.resolve('tuma').startsWith(path.join(projectModules, 'tuma') + path.sep))
  })
  await check('the native addon comes from the platform package', () => {
    const addons = Object.keys(require.cache).filter((f) => f.endsWith('.node'))
    assert.deepEqual(addons, [require.resolve('@tuma/linux-x64-gnu')])
    assert.ok(addons[0].startsWith(path.join(projectModules, '@tuma', 'linux-x64-gnu') + path.sep), addons[0])
  })
  if (process.env.TUMA_EXPECTED_VERSION) {
    await check(`version ${process.env.TUMA_EXPECTED_VERSION}`, () => {
      assert.equal(tuma.version, process.env.TUMA_EXPECTED_VERSION)
    })
  }
  const client = new tuma.Client({
    statum: { consumerKey: 'sandbox-statum-key', consumerSecret: 'sandbox-statum-secret', baseUrl: `${base}/statum/api/v2` },
    daraja: {
      consumerKey: 'sandbox-daraja-key',
      consumerSecret: 'sandbox-daraja-secret',
      environment: 'sandbox',
      baseUrl: `${base}/daraja`,
      shortcode: '174379',
      passkey,
      callbackUrl: 'http://127.0.0.1:9/stk'
    },
    http: { maxRetries: 0 }
  })
  await check('statum.sendSms is accepted', async () => {
    const sms = await client.statum.sendSms({ senderId: 'TUMA', phone: '0712 345 678', message: 'Karibu (CommonJS)' })
    assert.equal(sms.statusCode, 200)
    assert.match(sms.requestId, /^[A-Za-z0-9]{32}$/)
  })
  await check('daraja.stkPush gives a checkout request id', async () => {
    const push = await client.daraja.stkPush({ phone: '0708374149', amount: 10, accountReference: 'DIST-CJS' })
    assert.match(push.checkoutRequestId, /^ws_CO_/)
  })
  await check('a bad phone number is a typed InvalidInputError', () => {
    assert.throws(() => tuma.utils.phone.normalize({ phone: '0812' }),
      (e) => e instanceof tuma.InvalidInputError && e.field === 'phone' && e.fate === 'not_sent')
  })
  await check('a malformed callback body is an InvalidCallbackError', () => {
    assert.throws(() => tuma.parseCallback('statum.airtime_result', '{not json'),
      (e) => e instanceof tuma.InvalidCallbackError)
  })
  console.log(`node-cjs: ${passed} passed, ${failed} failed`)
  process.exitCode = failed ? 1 : 0
}

main().catch((e) => { console.error(e); process.exitCode = 1 })
