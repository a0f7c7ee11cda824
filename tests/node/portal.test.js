'use strict'
// Daraja's other portal APIs and the reconciler through the Node binding, against the
// sandbox binary: B2C top-up, Business to Pochi, tax remittance, B2B Express Checkout, Pull
// Transactions, M-Pesa Ratiba, Bill Manager and `journal.reconcile`, with their callbacks
// received by a local server and parsed by the binding; refusals and faults after processing
// (fate and recovery); bad input refused before anything is sent.

const { test, before, after, afterEach } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const { tuma, startSandbox, sandboxOptions, localServer, waitFor, injectFault, sandboxStats } = require('./helpers.js')

const B2C_SHORTCODE = '600981'
const KRA = '572572'

let sb
let receiver
let client

before(async () => {
  sb = await startSandbox()
  // Bill Manager redelivers a notification until it gets exactly billPaymentAck().
  receiver = await localServer((r) => ({
    body: r.url.startsWith('/bill') ? tuma.utils.daraja.billPaymentAck() : { ok: true }
  }))
  const options = sandboxOptions(sb)
  options.daraja = {
    ...options.daraja,
    callbackUrl: `${receiver.url}stk`,
    resultUrl: `${receiver.url}result`,
    timeoutUrl: `${receiver.url}timeout`
  }
  client = new tuma.Client(options)
})
after(async () => {
  await receiver.close()
  await sb.stop()
})
afterEach(async () => {
  await control('DELETE', 'faults')
  await control('POST', 'daraja/settings', { pull_page_size: 100, ratiba_key_case: 'camel' })
})

const uid = (prefix, length = 12) => (prefix + crypto.randomUUID().replace(/-/g, '')).slice(0, length).toUpperCase()

/** A request to the sandbox's control API (docs/sandbox.md). */
async function control (method, path, body) {
  const res = await fetch(`${sb.base}/_sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  assert.equal(res.status, 200, `${method} ${path}`)
  return res.json()
}

async function ledger (kind) {
  return (await control('GET', 'daraja/ledger')).entries.filter((e) => e.kind === kind)
}

/** The first body POSTed to `path` that holds `needle`. */
async function callbackBody (path, needle) {
  const find = () => receiver.requests.find((r) => r.url.startsWith(path) && r.body.includes(needle))
  await waitFor(find, 15_000)
  return find().body
}

const darajaError = (code, message) => JSON.stringify({ requestId: 't-1', errorCode: code, errorMessage: message })

// --- initiator APIs: top-up, Pochi, tax -------------------------------------------------

test('b2cTopup pays into the B2C Utility account and its result parses', async () => {
  const ref = uid('TOP', 13)
  const up = await client.daraja.b2cTopup({ partyB: B2C_SHORTCODE, amount: 1000, accountReference: ref, remarks: 'Float top-up' })
  assert.equal(up.responseCode, '0')
  assert.match(up.conversationId, /^AG_/)
  const result = tuma.callbacks.daraja.result(await callbackBody('/result', up.conversationId))
  assert.equal(result.status, 'completed')
  assert.equal(result.details.kind, 'b2b')
  assert.equal(result.details.amount, 1000)
  assert.equal(result.details.billReferenceNumber, ref)
  const [entry] = (await ledger('b2b')).filter((e) => e.reference === ref)
  assert.equal(entry.command, 'BusinessPayToBulk')
  assert.equal(entry.credit_party, B2C_SHORTCODE)

  // Working -> Utility within one shortcode: partyB defaults to the paying shortcode.
  const ref2 = uid('MMF', 13)
  const moved = await client.daraja.b2cTopup({ amount: 200, accountReference: ref2, remarks: 'Float', commandId: 'business_transfer_from_mmf_to_utility' })
  assert.equal(moved.responseCode, '0')
  const [mmf] = (await ledger('b2b')).filter((e) => e.reference === ref2)
  assert.equal(mmf.command, 'BusinessTransferFromMMFToUtility')
  assert.equal(mmf.credit_party, '174379')
})

test('b2pochi pays once per originatorConversationId', async () => {
  const paid = await client.daraja.b2pochi({ phone: '0708 374 149', amount: 150, remarks: 'Pochi payout', occasion: 'June', shortcode: B2C_SHORTCODE })
  assert.equal(paid.responseCode, '0')
  assert.equal(paid.originatorConversationId.length, 36)
  const result = tuma.callbacks.daraja.result(await callbackBody('/result', paid.originatorConversationId))
  assert.equal(result.details.kind, 'b2c', 'Pochi results are B2C-shaped')
  assert.equal(result.details.transactionAmount, 150)
  assert.equal(result.status, 'completed')

  const own = crypto.randomUUID()
  const request = { phone: '0708374149', amount: 100, remarks: 'Pochi', shortcode: B2C_SHORTCODE, originatorConversationId: own }
  assert.equal((await client.daraja.b2pochi(request)).originatorConversationId, own)
  // Daraja refuses a repeated id: resending with the same id can never pay twice.
  await assert.rejects(client.daraja.b2pochi(request), (e) => {
    assert.ok(e instanceof tuma.ApiError, String(e))
    assert.equal(e.fate, 'refused')
    assert.equal(e.code, '500.002.1001')
    assert.equal(e.recovery.originatorConversationId, own)
    return true
  })
  assert.equal((await ledger('b2pochi')).filter((e) => e.id === own).length, 1)
})

test('remitTax pays KRA against a PRN', async () => {
  const prn = uid('PRN', 20)
  const sent = await client.daraja.remitTax({ amount: 2500, accountReference: prn, remarks: 'VAT June' })
  assert.equal(sent.responseCode, '0')
  const result = tuma.callbacks.daraja.result(await callbackBody('/result', sent.conversationId))
  assert.equal(result.details.kind, 'b2b')
  assert.equal(result.details.billReferenceNumber, prn)
  assert.match(result.details.receiverPartyPublicName, new RegExp(KRA))
  const [entry] = (await ledger('tax')).filter((e) => e.reference === prn)
  assert.equal(entry.credit_party, KRA)
})

// --- money truth ---------------------------------------------------------------------------

test('refusals and unknown outcomes of the new money operations carry their recovery', async () => {
  await client.daraja.accountBalance() // the token first: the faults strike the money requests
  const ref = uid('REF', 13)
  await injectFault(sb, 'b2b/v1/paymentrequest', `reply=400;body=${darajaError('400.002.02', 'Bad Request - Invalid Amount')}`)
  await assert.rejects(client.daraja.b2cTopup({ partyB: B2C_SHORTCODE, amount: 100, accountReference: ref, remarks: 'Top-up' }), (e) => {
    assert.ok(e instanceof tuma.ApiError, String(e))
    assert.equal(e.fate, 'refused')
    assert.equal(e.outcomeUnknown, false)
    assert.equal(e.code, '400.002.02')
    assert.equal(e.recovery.operation, 'daraja.b2c_topup')
    assert.equal(e.recovery.amount, 100)
    assert.equal(e.recovery.receiver, B2C_SHORTCODE)
    assert.equal(e.recovery.accountReference, ref)
    return true
  })
  assert.equal((await ledger('b2b')).filter((e) => e.reference === ref).length, 0)

  await injectFault(sb, 'standingorder', `reply=500;body=${darajaError('500.003.03', 'Quota violation')}`)
  await assert.rejects(client.daraja.ratibaCreate({
    standingOrderName: 'Refused order', phone: '0708374149', amount: 500, frequency: 'monthly', startDate: '20300101',
    endDate: '20301231', accountReference: 'RENT', callbackUrl: `${receiver.url}ratiba`
  }), (e) => {
    assert.ok(e instanceof tuma.RateLimitedError, String(e))
    assert.equal(e.fate, 'refused')
    assert.equal(e.recovery.reference, 'Refused order')
    assert.equal(e.recovery.amount, 500)
    return true
  })

  // Processed, then a 500: the money may have moved. Never resent; one payment.
  const prn = uid('PRN', 20)
  await injectFault(sb, 'remittax', `reply=500;processed;body=${darajaError('500.001.1001', 'Internal server error')}`)
  await assert.rejects(client.daraja.remitTax({ amount: 400, accountReference: prn, remarks: 'VAT' }), (e) => {
    assert.ok(e instanceof tuma.ApiError, String(e))
    assert.equal(e.fate, 'unknown')
    assert.equal(e.outcomeUnknown, true)
    assert.equal(e.recovery.operation, 'daraja.remit_tax')
    assert.equal(e.recovery.receiver, KRA)
    assert.equal(e.recovery.accountReference, prn)
    return true
  })
  assert.equal((await ledger('tax')).filter((e) => e.reference === prn).length, 1)

  // The connection cut after processing: unknown; the callback still names the request.
  const requestRefId = `node-express-${crypto.randomUUID()}`
  await injectFault(sb, 'ussdpush', 'close_after')
  await assert.rejects(client.daraja.b2bExpressCheckout({
    primaryShortCode: '600100', amount: 90, paymentRef: 'PO-9', callbackUrl: `${receiver.url}express`, partnerName: 'Tuma', requestRefId
  }), (e) => {
    assert.ok(e instanceof tuma.TumaError, String(e))
    assert.equal(e.fate, 'unknown')
    assert.equal(e.recovery.requestId, requestRefId)
    assert.equal(e.recovery.shortcode, '600100')
    return true
  })
  const late = tuma.callbacks.daraja.b2bExpressCallback(await callbackBody('/express', requestRefId))
  assert.equal(late.status, 'completed')
  assert.equal((await ledger('b2b_express')).filter((e) => e.id === requestRefId).length, 1)
})

// --- B2B Express Checkout ----------------------------------------------------------------

test('b2bExpressCheckout and its callbacks, claimed once', async () => {
  const callbackUrl = `${receiver.url}express`
  const sent = await client.daraja.b2bExpressCheckout({ primaryShortCode: '600100', amount: 71, paymentRef: 'PO-77', callbackUrl, partnerName: 'Tuma Supplies' })
  assert.equal(sent.code, '0')
  assert.equal(sent.status, 'USSD Initiated Successfully')
  assert.equal(sent.requestRefId.length, 36)
  const paid = tuma.callbacks.daraja.b2bExpressCallback(Buffer.from(await callbackBody('/express', sent.requestRefId)))
  assert.equal(paid.status, 'completed')
  assert.equal(paid.resultCode, '0')
  assert.equal(paid.amount, 71)
  assert.equal(paid.requestId, sent.requestRefId)
  assert.equal(paid.statusText, 'SUCCESS')
  assert.match(paid.transactionId, /^[A-Z0-9]{10}$/)

  // Till 400100: the operator cancels.
  const own = `node-cancel-${crypto.randomUUID()}`
  const cancelled = await client.daraja.b2bExpressCheckout({ primaryShortCode: '400100', amount: 50, paymentRef: 'PO-9', callbackUrl, partnerName: 'Tuma', requestRefId: own })
  assert.equal(cancelled.requestRefId, own)
  const body = await callbackBody('/express', own)
  const cb = tuma.parseCallback('daraja.b2b_express_callback', body)
  assert.equal(cb.status, 'cancelled')
  assert.equal(cb.resultCode, '4001')
  assert.equal(cb.paymentReference, 'PO-9')
  assert.equal(cb.transactionId, null)

  const first = await client.callbacks.receive({ kind: 'daraja.b2b_express_callback', body })
  assert.equal(first.status, 'claimed')
  assert.equal(first.id, own)
  assert.equal(first.callback.status, 'cancelled')
  await client.callbacks.complete({ claim: first.claim })
  const again = await client.callbacks.receive({ kind: 'daraja.b2b_express_callback', body })
  assert.equal(again.status, 'done')
  assert.equal(again.claim, null)
})

// --- Pull Transactions -------------------------------------------------------------------

test('pullRegister, then every page of pullTransactions', async () => {
  const shortcode = String(700000 + crypto.randomInt(100000))
  const registration = { shortcode, nominatedNumber: '0708374149', callbackUrl: `${receiver.url}pull` }
  const reg = await client.daraja.pullRegister(registration)
  assert.equal(reg.responseStatus, '1000')
  assert.equal(reg.alreadyRegistered, false)
  assert.equal(reg.shortCode, shortcode)
  const again = await client.daraja.pullRegister(registration)
  assert.equal(again.alreadyRegistered, true)
  assert.equal(again.responseRefId, reg.responseRefId)

  const none = await client.daraja.pullTransactions({ shortcode })
  assert.deepEqual([none.complete, none.transactions, none.pages], [true, [], 1])

  for (let i = 0; i < 3; i++) {
    await client.daraja.c2bSimulate({ shortcode, amount: 10 + i, phone: '0708374149', billRefNumber: `PULL-${i}` })
  }
  let rows = []
  const deadline = Date.now() + 15_000
  while (rows.length < 3 && Date.now() < deadline) {
    rows = (await client.daraja.pullTransactions({ shortcode })).transactions
    if (rows.length < 3) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.equal(rows.length, 3, 'the C2B payments completed')

  await control('POST', 'daraja/settings', { pull_page_size: 2 })
  const every = await client.daraja.pullTransactions({ shortcode })
  assert.deepEqual([every.complete, every.pages, every.shortcode], [true, 2, shortcode])
  assert.deepEqual(every.transactions.map((t) => t.billReference).sort(), ['PULL-0', 'PULL-1', 'PULL-2'])
  const third = every.transactions.find((t) => t.billReference === 'PULL-2')
  assert.equal(third.amount, 12)
  assert.equal(third.msisdn, '254708374149')
  assert.equal(third.transactionType, 'c2b-pay-bill-debit')
  assert.ok(third.transactionId && third.trxDate && third.organizationName)
  // The page bound stops the walk, and says the list is not complete.
  const one = await client.daraja.pullTransactions({ shortcode, maxPages: 1 })
  assert.deepEqual([one.complete, one.pages, one.transactions.length], [false, 1, 2])
  await control('POST', 'daraja/settings', { pull_page_size: 100 })

  const past = await client.daraja.pullTransactions({ shortcode, startDate: '2020-01-01 00:00:00', endDate: '2020-01-02 00:00:00' })
  assert.deepEqual([past.complete, past.transactions], [true, []])
  const generic = await client.call('daraja.pull_transactions', { shortcode, maxPages: 10 })
  assert.equal(generic.transactions.length, 3)
})

// --- M-Pesa Ratiba -----------------------------------------------------------------------

test('ratibaCreate and its callbacks in any key casing', async () => {
  const create = (standingOrderName, phone) => client.daraja.ratibaCreate({
    standingOrderName, phone, amount: 500, frequency: 'monthly', startDate: '20300101', endDate: '20301231',
    accountReference: 'RENT-4', transactionDesc: 'Rent', callbackUrl: `${receiver.url}ratiba`
  })
  const name = `Rent ${crypto.randomUUID()}`
  const sent = await create(name, '0708374149')
  assert.equal(sent.responseCode, '200')
  const body = await callbackBody('/ratiba', sent.responseRefId)
  const cb = tuma.callbacks.daraja.ratibaCallback(body)
  assert.equal(cb.status, 'completed')
  assert.equal(cb.responseCode, '0')
  assert.equal(cb.resultStatus, 'OKAY')
  assert.equal(cb.responseRefId, sent.responseRefId)
  assert.match(cb.msisdn, /\*/)
  assert.ok(cb.transactionId)
  assert.ok(cb.data.some((p) => p.key === 'TransactionID'))
  const got = await client.callbacks.receive({ kind: 'daraja.ratiba_callback', body })
  assert.equal(got.firstTime, true)
  assert.equal(got.id, `${sent.responseRefId}:${cb.transactionId}`)

  await control('POST', 'daraja/settings', { ratiba_key_case: 'pascal' })
  const pascal = await create(`Gym ${crypto.randomUUID()}`, '0708374149')
  const pascalBody = await callbackBody('/ratiba', pascal.responseRefId)
  assert.match(pascalBody, /"ResponseRefID"/)
  assert.equal(tuma.callbacks.daraja.ratibaCallback(pascalBody).status, 'completed')
  await control('POST', 'daraja/settings', { ratiba_key_case: 'camel' })

  // The customer cancels; a second order of the same name is refused (1050).
  const cancelled = await create(`Gym ${crypto.randomUUID()}`, '254700001032')
  const c = tuma.callbacks.daraja.ratibaCallback(await callbackBody('/ratiba', cancelled.responseRefId))
  assert.deepEqual([c.status, c.responseCode, c.transactionId], ['cancelled', '1032', null])
  const twice = await create(name, '0708374149')
  const t = tuma.callbacks.daraja.ratibaCallback(await callbackBody('/ratiba', twice.responseRefId))
  assert.deepEqual([t.status, t.responseCode], ['failed', '1050'])
  const mine = new Set([sent, pascal, cancelled, twice].map((r) => r.responseRefId))
  const entries = (await ledger('ratiba')).filter((e) => mine.has(e.id))
  assert.equal(entries.length, 4)
  assert.ok(entries.every((e) => !e.paid), 'creating an order moves no money')
})

// --- Bill Manager ------------------------------------------------------------------------

const invoice = (externalReference, amount) => ({
  externalReference,
  billedFullName: 'Jane Wanjiru',
  billedPhoneNumber: '0708374149',
  billedPeriod: 'August 2030',
  invoiceName: 'School fees',
  dueDate: '2030-08-31',
  accountReference: `ACC-${externalReference}`,
  amount
})

test('Bill Manager: opt in, invoice, a payment acknowledged and reconciled, cancellations', async () => {
  const callbackUrl = `${receiver.url}bill`
  // Before the opt-in, invoicing is refused (a documented refusal).
  await assert.rejects(client.daraja.billInvoice(invoice(uid('EARLY-', 16), 100)), (e) => {
    assert.equal(e.code, '400.003.02')
    assert.equal(e.fate, 'refused')
    return true
  })
  const optin = await client.daraja.billOptin({ email: 'billing@shop.example', officialContact: '0708374149', sendReminders: true, callbackUrl })
  assert.equal(optin.rescode, '200')
  assert.match(optin.appKey, /^AG_/)
  const changed = await client.daraja.billChangeOptin({ email: 'billing@shop.example', officialContact: '0708374149', sendReminders: false, callbackUrl })
  assert.equal(changed.rescode, '200')
  assert.deepEqual(changed.errors, [])

  const ref = uid('NODE-INV-', 18)
  const sent = await client.daraja.billInvoice({
    ...invoice(ref, 800),
    invoiceItems: [{ itemName: 'Tuition', amount: 700 }, { itemName: 'Meals', amount: 100 }]
  })
  assert.equal(sent.rescode, '200')
  assert.equal(sent.statusMessage, 'Invoice sent successfully')

  // The customer pays; the notification, acknowledged with billPaymentAck, comes once.
  const { transactionId: receipt } = await control('POST', 'daraja/billmanager/pay', { externalReference: ref })
  const body = await callbackBody('/bill', receipt)
  const payment = tuma.callbacks.daraja.billPayment(body)
  assert.deepEqual([payment.transactionId, payment.paidAmount, payment.accountReference, payment.shortCode], [receipt, 800, `ACC-${ref}`, '174379'])
  const got = await client.callbacks.receive({ kind: 'daraja.bill_payment', body })
  assert.equal(got.firstTime, true)
  assert.equal(got.id, receipt)
  await new Promise((resolve) => setTimeout(resolve, 1_500)) // past the redelivery gap (1 s)
  assert.equal(receiver.requests.filter((r) => r.url.startsWith('/bill')).length, 1, 'acknowledged: not redelivered')

  const reconciled = await client.daraja.billReconciliation({
    paymentDate: payment.dateCreated,
    paidAmount: 800,
    accountReference: payment.accountReference,
    transactionId: receipt,
    phoneNumber: payment.msisdn,
    fullName: 'Jane Wanjiru',
    invoiceName: 'School fees',
    externalReference: ref
  })
  assert.equal(reconciled.rescode, '200')
  const invoices = async () => (await control('GET', 'daraja/billmanager/invoices')).invoices
  const paidInvoice = (await invoices()).find((i) => i.externalReference === ref)
  assert.equal(paidInvoice.status, 'paid')
  assert.equal(paidInvoice.payments[0].reconciled, true)

  // A paid invoice cannot be cancelled: refused (409).
  await assert.rejects(client.daraja.billCancelInvoice({ externalReference: ref }), (e) => {
    assert.ok(e instanceof tuma.ApiError, String(e))
    assert.deepEqual([e.code, e.fate], ['409', 'refused'])
    return true
  })

  const a = uid('NODE-A-', 16)
  const b = uid('NODE-B-', 16)
  const bulk = await client.daraja.billInvoices({ invoices: [invoice(a, 50), invoice(b, 60)] })
  assert.deepEqual([bulk.invoices, bulk.accepted, bulk.allAccepted], [2, 2, true])
  assert.deepEqual(bulk.chunks.map((c) => [c.outcome, c.first, c.count, c.error]), [['accepted', 0, 2, null]])
  assert.equal((await client.daraja.billCancelInvoice({ externalReference: a })).rescode, '200')
  // Bulk cancellation: the unpaid one cancelled, the paid one named.
  const partial = await client.daraja.billCancelInvoices({ invoices: [{ externalReference: ref }, { externalReference: b }] })
  assert.equal(partial.rescode, '409')
  assert.deepEqual(partial.errors.map((e) => e.externalReference), [ref])
  const statuses = Object.fromEntries((await invoices()).map((i) => [i.externalReference, i.status]))
  assert.deepEqual([statuses[a], statuses[b], statuses[ref]], ['cancelled', 'cancelled', 'paid'])
})

// --- the reconciler ----------------------------------------------------------------------

test('journal.reconcile settles a push whose callback the application never received', async () => {
  // A sandbox, and so a journal, of its own: the payments of the tests above (top-ups, tax)
  // are journaled for the same account, and their results were never recorded either.
  const ownSandbox = await startSandbox()
  try {
    const options = sandboxOptions(ownSandbox)
    options.daraja = { ...options.daraja, callbackUrl: `${receiver.url}stk`, resultUrl: `${receiver.url}result` }
    const own = new tuma.Client(options)
    const push = await own.daraja.stkPush({ phone: '0708374149', amount: 10, accountReference: uid('RC') })
    // The callback reached the server, but nobody passed it to callbacks.receive.
    await callbackBody('/stk', push.checkoutRequestId)
    const report = await own.journal.reconcile({ olderThanMs: 0, c2b: false, maxQueriesPerSecond: 20 })
    assert.equal(report.errors, 0)
    assert.equal(report.examined, 1)
    assert.equal(report.resolved, 1)
    const [mine] = report.payments
    assert.deepEqual([mine.id, mine.action, mine.oldStatus, mine.newStatus], [push.checkoutRequestId, 'resolved', 'pending', 'completed'])
    assert.deepEqual([mine.provider, mine.operation, mine.amount], ['daraja', 'daraja.stk_push', 10])
    assert.equal(mine.outcome.source, 'query')
    assert.equal(mine.outcome.resultCode, '0')
    assert.equal(typeof report.tookMs, 'number')
    const again = await own.journal.reconcile({ olderThanMs: 0, c2b: false })
    assert.equal(again.examined, 0)
    const generic = await own.call('journal.reconcile', { olderThanMs: 0, c2b: false })
    assert.equal(generic.examined, 0)
  } finally {
    await ownSandbox.stop()
  }
})

// --- callbacks and the utility -------------------------------------------------------------

test('the portal callback parsers and billPaymentAck', () => {
  const express = tuma.callbacks.daraja.b2bExpressCallback('{"resultCode":"0","resultDesc":"The service request is processed successfully.","amount":"71.0","requestId":"404e1aec-19e0-4ce3-973d-bd92e94c8021","resultType":"0","conversationID":"AG_20230426_2010434680d9f5a73766","transactionId":"RDQ01NFT1Q","status":"SUCCESS"}')
  assert.deepEqual(express, {
    resultCode: '0',
    resultDesc: 'The service request is processed successfully.',
    requestId: '404e1aec-19e0-4ce3-973d-bd92e94c8021',
    amount: 71,
    status: 'completed',
    transactionId: 'RDQ01NFT1Q',
    conversationId: 'AG_20230426_2010434680d9f5a73766',
    resultType: '0',
    statusText: 'SUCCESS',
    paymentReference: null
  })
  const ratibaBody = '{"ResponseHeader":{"responseRefID":"4dd9b5d9-d738-42ba-9326-2cc99e966000","requestRefID":"sto-1","responseCode":"0","responseDescription":"The service request is processed successfully"},"responseBody":{"ResponseData":[{"Name":"TransactionID","value":"SC8F2IQMH5"},{"Name":"responseCode","value":"0"},{"Name":"Status","value":"OKAY"},{"Name":"Msisdn","value":"254******149"}]}}'
  const ratiba = tuma.callbacks.daraja.ratibaCallback(Buffer.from(ratibaBody))
  assert.deepEqual([ratiba.responseRefId, ratiba.requestRefId, ratiba.transactionId, ratiba.resultStatus, ratiba.msisdn, ratiba.status],
    ['4dd9b5d9-d738-42ba-9326-2cc99e966000', 'sto-1', 'SC8F2IQMH5', 'OKAY', '254******149', 'completed'])
  assert.deepEqual(ratiba.data[0], { key: 'TransactionID', value: 'SC8F2IQMH5' })
  const billBody = '{"transactionId":"TQ4K7XG2MB","paidAmount":"800","msisdn":"254708374149","dateCreated":"2024-06-23","accountReference":"ACC-1","shortCode":"174379"}'
  const bill = tuma.callbacks.daraja.billPayment(new TextEncoder().encode(billBody))
  assert.deepEqual(bill, {
    transactionId: 'TQ4K7XG2MB',
    paidAmount: 800,
    msisdn: '254708374149',
    dateCreated: '2024-06-23',
    accountReference: 'ACC-1',
    shortCode: '174379'
  })
  assert.deepEqual(tuma.parseCallback('daraja.bill_payment', billBody), bill)
  for (const [kind, body] of [
    ['daraja.b2b_express_callback', '{not json'],
    ['daraja.b2b_express_callback', '{"resultCode":"0","requestId":"r"}'], // paid without a receipt
    ['daraja.ratiba_callback', '{}'],
    ['daraja.bill_payment', '{"transactionId":"T1"}'], // no paidAmount
    ['daraja.bill_payment', '[]']
  ]) {
    assert.throws(() => tuma.parseCallback(kind, body), (e) => {
      assert.ok(e instanceof tuma.InvalidCallbackError, `${kind} ${body}: ${e}`)
      assert.equal(e.provider, 'daraja')
      return true
    })
  }
  assert.deepEqual(tuma.utils.daraja.billPaymentAck(), { rescode: '200', resmsg: 'Success' })
  assert.deepEqual(tuma.utility('daraja.bill_payment_ack'), { rescode: '200', resmsg: 'Success' })
})

// --- bad input ---------------------------------------------------------------------------

test('bad input is refused, naming the field, before anything is sent', async () => {
  const d = client.daraja
  const cb = 'https://shop.example/cb'
  const ok = invoice('BAD-1', 10)
  const ratiba = { standingOrderName: 'n', phone: '0708374149', amount: 1, frequency: 'daily', startDate: '20300101', endDate: '20300301', accountReference: 'a', callbackUrl: cb }
  const cases = [
    ['amount', () => d.b2cTopup({ partyB: B2C_SHORTCODE, amount: 0, accountReference: 'R', remarks: 'Top-up' })],
    ['party_b', () => d.b2cTopup({ amount: 10, accountReference: 'R', remarks: 'Top-up' })],
    ['account_reference', () => d.b2cTopup({ partyB: B2C_SHORTCODE, amount: 10, accountReference: 'X'.repeat(14), remarks: 'Top-up' })],
    ['command_id', () => d.b2cTopup({ partyB: B2C_SHORTCODE, amount: 10, accountReference: 'R', remarks: 'Top-up', commandId: 'pay_all' })],
    ['phone', () => d.b2pochi({ phone: '12345', amount: 100, remarks: 'Pochi' })],
    ['amount', () => d.b2pochi({ phone: '0708374149', amount: 1.5, remarks: 'Pochi' })],
    ['originator_conversation_id', () => d.b2pochi({ phone: '0708374149', amount: 100, remarks: 'Pochi', originatorConversationId: '' })],
    ['account_reference', () => d.remitTax({ amount: 100, accountReference: 'P'.repeat(21), remarks: 'VAT' })],
    ['party_b', () => d.remitTax({ amount: 100, accountReference: 'P', remarks: 'VAT', partyB: KRA })],
    ['primary_short_code', () => d.b2bExpressCheckout({ primaryShortCode: 'till', amount: 10, paymentRef: 'P', callbackUrl: cb, partnerName: 'T' })],
    ['callback_url', () => d.b2bExpressCheckout({ primaryShortCode: '600100', amount: 10, paymentRef: 'P', callbackUrl: 'nope', partnerName: 'T' })],
    ['request_ref_id', () => d.b2bExpressCheckout({ primaryShortCode: '600100', amount: 10, paymentRef: 'P', callbackUrl: cb, partnerName: 'T', requestRefId: 'r'.repeat(101) })],
    ['nominated_number', () => d.pullRegister({ nominatedNumber: '07', callbackUrl: cb })],
    ['start_date', () => d.pullTransactions({ startDate: '2030-13-01 00:00:00' })],
    ['end_date', () => d.pullTransactions({ startDate: '2030-01-02 00:00:00', endDate: '2030-01-01 00:00:00' })],
    ['max_pages', () => d.pullTransactions({ maxPages: 0 })],
    ['frequency', () => d.ratibaCreate({ ...ratiba, frequency: 'hourly' })],
    ['start_date', () => d.ratibaCreate({ ...ratiba, startDate: '20300230' })],
    ['end_date', () => d.ratibaCreate({ ...ratiba, endDate: '20291231' })],
    ['email', () => d.billOptin({ email: 'billing', officialContact: '0708374149', sendReminders: true, callbackUrl: cb })],
    ['official_contact', () => d.billChangeOptin({ email: 'b@shop.example', officialContact: '1', sendReminders: true, callbackUrl: cb })],
    ['due_date', () => d.billInvoice({ ...ok, dueDate: '2030-02-30' })],
    ['invoice_items[0].item_name', () => d.billInvoice({ ...ok, invoiceItems: [{ itemName: '', amount: 1 }] })],
    ['invoices', () => d.billInvoices({ invoices: [] })],
    ['invoices[1].external_reference', () => d.billInvoices({ invoices: [ok, ok] })],
    ['invoices[0].billed_full_name', () => d.billInvoices({ invoices: [{ externalReference: 'x' }] })],
    ['external_reference', () => d.billCancelInvoice({ externalReference: ' ' })],
    ['invoices[0].external_reference', () => d.billCancelInvoices({ invoices: [{ externalReference: ' ' }] })],
    ['phone_number', () => d.billReconciliation({ paymentDate: '2030-08-01', paidAmount: 100, accountReference: 'A', transactionId: 'TQ4K7XG2MB', phoneNumber: '12', fullName: 'Jane', invoiceName: 'Fees', externalReference: 'INV-1' })],
    ['max_queries_per_second', () => client.journal.reconcile({ olderThanMs: 0, maxQueriesPerSecond: 0 })]
  ]
  const before = (await sandboxStats(sb)).requests
  for (const [field, call] of cases) {
    await assert.rejects(call(), (e) => {
      assert.ok(e instanceof tuma.InvalidInputError, `${field}: ${e}`)
      assert.equal(e.field, field)
      assert.equal(e.fate, 'not_sent')
      assert.equal(e.recovery, null)
      return true
    })
  }
  assert.equal((await sandboxStats(sb)).requests, before, 'nothing may reach the provider')
})
