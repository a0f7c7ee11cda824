// Every method of the `tuma` Node package, typed. Compiled in CI with `tsc --strict --noEmit`
// so that the hand-written declarations stay usable; run it (after `tsc`) with the TUMA_*
// variables pointing at the sandbox (`tuma sandbox`) or real credentials.
import {
  Client, callbacks, utils, parseCallback, utility, operations, callbackKinds, utilities, version,
  TumaError, AbortError, ApiError, InvalidInputError, RateLimitedError, StoreError, InvalidCallbackError, BusyError,
  errorKinds, type ErrorKind, type WorkerThreads,
  type StkCallback, type TransactionStatus, type DarajaResult, type StkQueryResponse,
  type Fate, type Recovery, type ClaimStatus, type PaymentStatus,
  type B2bExpressCheckoutResponse, type B2bExpressCallback, type PullTransactions, type PullTransaction,
  type RatibaResponse, type RatibaCallback, type BillManagerResponse, type BillInvoicesResponse,
  type BillInvoiceRequest, type BillPayment, type BillPaymentAck, type ReconcileReport, type ReconciledPayment
} from 'tuma'

async function statum (client: Client): Promise<void> {
  const sms = await client.statum.sendSms({ senderId: 'TUMA', phone: '0712345678', message: 'Karibu!' })
  const requestId: string = sms.requestId
  // A money call the customer may walk away from: aborted before its request was written,
  // it rejects with an AbortError and is never sent; after, it settles with the real outcome.
  const walkedAway = new AbortController()
  const topUp = await client.statum.airtime({ phone: '0712345678', amount: 50 }, { signal: walkedAway.signal })
    .catch((error: unknown) => {
      if (error instanceof AbortError) return null   // error.fate === 'not_sent'
      throw error
    })
  const account = await client.statum.accountDetails()
  const balance: number = account.organization.details.availableBalance
  console.log(requestId, topUp?.statusCode, balance, account.organization.accounts.map((a) => a.serviceName))
}

async function daraja (client: Client): Promise<void> {
  const push = await client.daraja.stkPush({ phone: '0708374149', amount: 10, accountReference: 'ORDER-1', transactionDesc: 'Order 1' })
  const query = await client.daraja.stkQuery({ checkoutRequestId: push.checkoutRequestId })
  const confirmed: StkQueryResponse | null = await client.daraja.confirmStkPayment({ checkoutRequestId: push.checkoutRequestId })
  if (confirmed !== null) console.log('paid', confirmed.resultDesc)
  if (!query.pending && query.outcome === 'success') console.log('paid', query.resultDesc)
  const where: PaymentStatus = query.status
  console.log(where)
  await client.daraja.c2bRegisterUrls({ confirmationUrl: 'https://shop.example/c2b/confirm', validationUrl: 'https://shop.example/c2b/validate', responseType: 'Completed' })
  await client.daraja.c2bSimulate({ phone: '254708374149', amount: 100, billRefNumber: 'INV-1', commandId: 'pay_bill' })
  const b2c = await client.daraja.b2c({ phone: '254708374149', amount: 100, remarks: 'Refund', commandId: 'business_payment', occasion: 'Returns' })
  await client.daraja.b2b({ partyB: '600000', amount: 500, remarks: 'Stock', commandId: 'business_pay_bill', accountReference: 'ACC-1' })
  await client.daraja.transactionStatus({ originalConversationId: b2c.originatorConversationId, identifierType: 'shortcode' })
  await client.daraja.accountBalance()
  await client.daraja.reversal({ transactionId: 'TQ4K7XG2MB', amount: 100, remarks: 'Mistake' })
  const qr = await client.daraja.dynamicQr({ merchantName: 'Duka', refNo: 'INV-1', amount: 200, trxCode: 'BG', cpi: '174379', size: 300 })
  const png: Buffer = Buffer.from(qr.qrCode, 'base64')
  console.log(png.length)
}

// Daraja's other portal APIs: B2C top-up, Pochi, tax, B2B Express Checkout, Pull
// Transactions, Ratiba and Bill Manager.
async function portal (client: Client): Promise<void> {
  const d = client.daraja
  const topUp = await d.b2cTopup({ partyB: '600981', amount: 1000, accountReference: 'FLOAT', remarks: 'Top-up' })
  await d.b2cTopup({ amount: 200, accountReference: 'MMF', remarks: 'Float', commandId: 'business_transfer_from_mmf_to_utility' })
  const pochi = await d.b2pochi({ phone: '0708374149', amount: 150, remarks: 'Payout', occasion: 'June' })
  const tax = await d.remitTax({ amount: 2500, accountReference: '2030PRN0001', remarks: 'VAT June' })
  console.log(topUp.conversationId, pochi.originatorConversationId, tax.conversationId)

  const express: B2bExpressCheckoutResponse = await d.b2bExpressCheckout({
    primaryShortCode: '600100', amount: 71, paymentRef: 'PO-77', callbackUrl: 'https://shop.example/express', partnerName: 'Duka'
  })
  console.log('match the callback on', express.requestRefId, express.code)

  const registered = await d.pullRegister({ nominatedNumber: '0708374149', callbackUrl: 'https://shop.example/pull' })
  const pulled: PullTransactions = await d.pullTransactions({ startDate: '2024-06-23 00:00:00', maxPages: 10 })
  const rows: PullTransaction[] = pulled.transactions
  console.log(registered.alreadyRegistered, pulled.complete, rows.map((t) => [t.transactionId, t.amount]))

  const order: RatibaResponse = await d.ratibaCreate({
    standingOrderName: 'Rent', phone: '0708374149', amount: 500, frequency: 'monthly', startDate: '20300101',
    endDate: '20301231', accountReference: 'RENT-4', callbackUrl: 'https://shop.example/ratiba', transactionType: 'pay_bill'
  })
  console.log(order.responseRefId)

  const optin: BillManagerResponse = await d.billOptin({
    email: 'billing@shop.example', officialContact: '0708374149', sendReminders: true, callbackUrl: 'https://shop.example/bill'
  })
  await d.billChangeOptin({ email: 'billing@shop.example', officialContact: '0708374149', sendReminders: false, callbackUrl: 'https://shop.example/bill' })
  const invoice: BillInvoiceRequest = {
    externalReference: 'INV-1', billedFullName: 'Jane Wanjiru', billedPhoneNumber: '0708374149', billedPeriod: 'August 2030',
    invoiceName: 'School fees', dueDate: '2030-08-31', accountReference: 'ACC-1', amount: 800,
    invoiceItems: [{ itemName: 'Tuition', amount: 700 }, { itemName: 'Meals', amount: 100 }]
  }
  await d.billInvoice(invoice)
  const bulk: BillInvoicesResponse = await d.billInvoices({ invoices: [{ ...invoice, externalReference: 'INV-2', accountReference: 'ACC-2' }] })
  for (const chunk of bulk.chunks) if (chunk.outcome !== 'accepted') console.log(chunk.first, chunk.count, chunk.outcome, chunk.error)
  await d.billCancelInvoice({ externalReference: 'INV-2' })
  const cancelled = await d.billCancelInvoices({ invoices: [{ externalReference: 'INV-1' }] })
  console.log(optin.appKey, cancelled.errors.map((e) => e.externalReference))
  await d.billReconciliation({
    paymentDate: '2030-08-01', paidAmount: 800, accountReference: 'ACC-1', transactionId: 'TQ4K7XG2MB',
    phoneNumber: '0708374149', fullName: 'Jane Wanjiru', invoiceName: 'School fees', externalReference: 'INV-1'
  })

  const report: ReconcileReport = await client.journal.reconcile({ olderThanMs: 60_000, maxQueriesPerSecond: 5, c2b: true })
  const settled: ReconciledPayment[] = report.payments.filter((p) => p.action === 'resolved')
  for (const p of settled) {
    const final: PaymentStatus = p.newStatus
    console.log(p.operation, p.id, final, p.outcome?.source, p.outcome?.receipt)
  }
  console.log(report.examined, report.resolved, report.c2bFound, report.c2bError)
}

async function umspay (client: Client): Promise<void> {
  const push = await client.umspay.stkPush({ amount: 1500, phone: '0712345678', reference: 'ORDER-12345' })
  const now: TransactionStatus = await client.umspay.transactionStatus({ transactionRequestId: push.transactionRequestId })
  const final = await client.umspay.waitForStatus({ transactionRequestId: push.transactionRequestId, timeoutMs: 90_000 })
  if (final.status === 'completed') console.log('receipt', final.receipt)
  else if (final.status !== 'pending') console.log('failed', final.code, final.description)
  const confirmed = await client.umspay.confirmPayment({ transactionRequestId: push.transactionRequestId })
  console.log(now.status, confirmed?.receipt ?? 'not paid')
}

function webhooks (body: Buffer): void {
  const sms = callbacks.statum.result(body)
  const airtime = callbacks.statum.airtimeResult(body)
  const stk: StkCallback = callbacks.daraja.stkCallback(body)
  const result: DarajaResult = callbacks.daraja.result(body)
  if (result.details.kind === 'b2c') console.log(result.details.transactionReceipt)
  const validation = callbacks.daraja.c2bValidation(body)
  const confirmation = callbacks.daraja.c2bConfirmation(body.toString('utf8'))
  const timeout = callbacks.daraja.queueTimeout(new Uint8Array(body))
  const event = callbacks.umspay.webhook(body)
  const express: B2bExpressCallback = callbacks.daraja.b2bExpressCallback(body)
  const ratiba: RatibaCallback = callbacks.daraja.ratibaCallback(body)
  const bill: BillPayment = callbacks.daraja.billPayment(body)
  const statuses: PaymentStatus[] = [express.status, ratiba.status]
  console.log(express.requestId, express.transactionId, ratiba.responseRefId, ratiba.data.map((p) => p.key), bill.paidAmount, statuses)
  const generic: unknown = parseCallback('statum.result', body)
  console.log(sms.resultCode, airtime.charge, stk.mpesaReceiptNumber, validation.transAmount, confirmation.transId, timeout.raw, event.event, generic)
}

function local (): void {
  const { phone, carrier } = utils.phone.normalize({ phone: '0712 345 678' })
  const { password, timestamp } = utils.daraja.stkPassword({ shortcode: '174379', passkey: 'passkey' })
  const now = utils.daraja.timestamp().timestamp
  const { securityCredential } = utils.daraja.securityCredential({ password: 'initiator-password', environment: 'sandbox' })
  const accept = utils.daraja.c2bAccept({ thirdPartyTransId: 'T-1' })
  const reject = utils.daraja.c2bReject({ reason: 'invalid_account_number' })
  const ack = utils.daraja.c2bConfirmationAck()
  const billAck: BillPaymentAck = utils.daraja.billPaymentAck()
  console.log(billAck.rescode, billAck.resmsg)
  const generic: unknown = utility('phone.normalize', { phone: '0712345678' })
  console.log(phone, carrier, password, timestamp, now, securityCredential.length, accept.ResultCode, reject.ResultCode, ack.ResultDesc, generic)
  console.log(version, operations().length, callbackKinds().length, utilities().length)
}

// Claim, process, complete; release when processing fails. Returns the HTTP status to answer.
async function receiveCallback (client: Client, body: string, process: (callback: unknown) => Promise<void>): Promise<number> {
  const received = await client.callbacks.receive({ kind: 'statum.result', body })
  const status: ClaimStatus = received.status
  if (status === 'done') return 200
  if (status === 'in_progress' || received.claim === null) return 503
  try {
    await process(received.callback)
  } catch (error) {
    const { released }: { released: boolean } = await client.callbacks.release({ claim: received.claim })
    console.error('will be redelivered', released, error)
    return 500
  }
  const { completed, leaseHeld } = await client.callbacks.complete({ claim: received.claim })
  if (!leaseHeld) console.warn('the lease ran out while processing: another worker may have done it too')
  return completed ? 200 : 500
}

// What a failed money call tells: its fate, and the payment's ids.
function recover (error: TumaError): void {
  const fate: Fate = error.fate
  const recovery: Recovery | null = error.recovery
  if (recovery !== null) {
    console.error(fate, recovery.operation, recovery.phone, recovery.amount, recovery.accountReference,
      recovery.checkoutRequestId, recovery.originatorConversationId, recovery.transactionRequestId, recovery.advice)
  }
}

async function main (): Promise<void> {
  const client = Client.fromEnv()
  const explicit = new Client({
    statum: { consumerKey: 'key', consumerSecret: 'secret' },
    daraja: { consumerKey: 'key', consumerSecret: 'secret', environment: 'sandbox', shortcode: '174379', passkey: 'passkey', callbackUrl: 'https://shop.example/mpesa/stk' },
    umspay: { apiKey: 'key', email: 'dev@shop.example', accountId: 'UMPAY-1' },
    http: { timeoutMs: 30_000, maxRetries: 2, maxThreads: 64, maxQueued: 10_000 },
    store: { url: 'memory', callbackLeaseMs: 60_000, journalTtlSecs: 3 * 24 * 3600, dedupTtlSecs: 7 * 24 * 3600, journalRequired: false }
  })
  console.log(typeof explicit.call)
  const threads: WorkerThreads = explicit.workerThreads()
  console.log(threads.alive, threads.peak)
  const kinds: ErrorKind[] = errorKinds()
  console.log(kinds.includes(BusyError.kind))
  try {
    await statum(client)
    await daraja(client)
    await umspay(client)
    await portal(client)
    const answer = await receiveCallback(client, '{"request_id":"r1","result_code":"200","result_desc":"ok"}',
      async (callback) => { console.log('new callback', callback) })
    console.log('answer', answer)
    const seen: { firstTime: boolean } = await client.callbacks.firstTime({ id: 'order-42' })
    console.log(seen.firstTime)
  } catch (error) {
    if (error instanceof TumaError) recover(error)
    if (error instanceof InvalidInputError) console.error('fix the input', error.field)
    else if (error instanceof StoreError) console.error('store down: do not ship yet')
    else if (error instanceof BusyError) console.error('too many calls in flight, nothing sent: try later', error.fate)
    else if (error instanceof RateLimitedError) console.error('slow down', error.retryAfterMs)
    else if (error instanceof InvalidCallbackError) console.error('forged callback', error.message)
    else if (error instanceof ApiError) console.error(error.provider, error.status, error.code, error.requestId)
    else if (error instanceof TumaError && error.outcomeUnknown) console.error('check the status before retrying:', error.message)
    else throw error
  }
  webhooks(Buffer.from('{}'))
  local()
}

main().catch((error: unknown) => { console.error(error); process.exitCode = 1 })
