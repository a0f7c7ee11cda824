'use strict'
// Every operation, callback kind and utility of the native core is reachable through the
// wrapper and declared in the hand-written tuma.d.ts: a new core operation cannot be forgotten.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { ROOT, tuma } = require('./helpers.js')

const native = require(path.join(ROOT, 'crates', 'node', 'index.js'))
const dts = fs.readFileSync(path.join(ROOT, 'crates', 'node', 'tuma.d.ts'), 'utf8')

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
const split = (name) => { const [group, member] = name.split('.'); return [group, camel(member)] }

// The text of a `{ ... }` block starting at the first match of `opening`.
function block (text, opening) {
  const start = text.search(opening)
  assert.ok(start >= 0, `tuma.d.ts has no ${opening}`)
  let depth = 0
  for (let i = text.indexOf('{', start); i < text.length; i++) {
    if (text[i] === '{') depth++
    if (text[i] === '}' && --depth === 0) return text.slice(start, i + 1)
  }
  throw new Error(`unbalanced block ${opening}`)
}

const API_INTERFACE = { statum: 'StatumApi', daraja: 'DarajaApi', umspay: 'UmsPayApi', callbacks: 'CallbacksApi', journal: 'JournalApi' }

test('the lists are non-empty and cover all three providers', () => {
  const ops = native.operations()
  for (const provider of ['statum', 'daraja', 'umspay']) {
    assert.ok(ops.some((o) => o.startsWith(`${provider}.`)), provider)
  }
  assert.deepEqual(tuma.operations(), ops)
  assert.deepEqual(tuma.callbackKinds(), native.callbackKinds())
  assert.deepEqual(tuma.utilities(), native.utilities())
  assert.match(tuma.version, /^\d+\.\d+\.\d+/)
})

test('every operation is a client method, typed in tuma.d.ts', () => {
  const client = new tuma.Client({})
  for (const op of native.operations()) {
    const [provider, method] = split(op)
    assert.equal(typeof client[provider]?.[method], 'function', `client.${provider}.${method} for ${op}`)
    const iface = API_INTERFACE[provider]
    assert.ok(iface, `no typed interface for provider ${provider}`)
    assert.match(block(dts, new RegExp(`export interface ${iface} \\{`)), new RegExp(`\\n\\s+${method}\\(`), `${iface}.${method} for ${op}`)
  }
  assert.match(block(dts, /export declare class Client \{/), /readonly statum: StatumApi/)
})

test('every callback kind has a parser, typed in tuma.d.ts', () => {
  const callbacksBlock = block(dts, /export declare const callbacks:/)
  for (const kind of native.callbackKinds()) {
    const [provider, member] = split(kind)
    assert.equal(typeof tuma.callbacks[provider]?.[member], 'function', `callbacks.${provider}.${member}`)
    assert.match(block(callbacksBlock, new RegExp(`readonly ${provider}: \\{`)), new RegExp(`\\n\\s+${member}\\(body`), kind)
    // Routed to the core: a non-JSON body is refused as an invalid callback, not an unknown kind.
    assert.throws(() => tuma.callbacks[provider][member]('not json'), (e) => e instanceof tuma.InvalidCallbackError, kind)
  }
})

test('every utility has a function, typed in tuma.d.ts', () => {
  const utilsBlock = block(dts, /export declare const utils:/)
  for (const name of native.utilities()) {
    const [group, member] = split(name)
    assert.equal(typeof tuma.utils[group]?.[member], 'function', `utils.${group}.${member}`)
    assert.match(block(utilsBlock, new RegExp(`readonly ${group}: \\{`)), new RegExp(`\\n\\s+${member}\\(request`), name)
  }
})

test('every operation reaches the core (an unknown field is refused by name)', async () => {
  const client = new tuma.Client({})
  for (const op of native.operations()) {
    const [provider, method] = split(op)
    await assert.rejects(client[provider][method]({ notAField: 1 }), (e) => {
      // Either the unknown field or a missing required field/provider config is reported:
      // all come from the core, never from a silent no-op.
      assert.ok(e instanceof tuma.InvalidInputError || e instanceof tuma.ConfigError, `${op}: ${e}`)
      return true
    })
  }
})

test('every error kind is in the ErrorKind type and has its class declared in tuma.d.ts', () => {
  const union = dts.match(/export type ErrorKind =([^]*?)\n\n/)
  assert.ok(union, 'tuma.d.ts has no ErrorKind type')
  const declared = [...union[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1])
  assert.deepEqual([...declared].sort(), [...tuma.errorKinds()].sort())
  for (const kind of tuma.errorKinds()) {
    const Class = Object.values(tuma).find((v) => typeof v === 'function' && v.kind === kind)
    assert.ok(Class, kind)
    assert.match(dts, new RegExp(`export declare class ${Class.name} extends TumaError \\{[^}]*static readonly kind: '${kind}'`), Class.name)
  }
})
