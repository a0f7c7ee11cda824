// Type definitions of the `tuma` package (hand-written; the native layer's own generated
// declarations are in index.d.ts). Field names are the core's, in camelCase.

/// <reference types="node" />

// ---------------------------------------------------------------------------------------
// Configuration

/** Statum credentials (SMS, airtime, account). */
export interface StatumOptions {
  consumerKey: string
  consumerSecret: string
  /** Defaults to production, `https://api.statum.co.ke/api/v2/`. */
  baseUrl?: string
}

/** Daraja (M-Pesa) credentials and defaults. */
export interface DarajaOptions {
  consumerKey: string
  consumerSecret: string
  /** Default `production`. */
  environment?: 'sandbox' | 'production'
  /** Overrides the environment's base URL (a proxy, the local sandbox). */
  baseUrl?: string
  /** The business shortcode (paybill, or the store number for Buy Goods). */
  shortcode: string
  /** The M-Pesa Express passkey (STK push and query). */
  passkey?: string
  /** The till number for Buy Goods STK pushes. */
  tillNumber?: string
  /** The initiator's user name (B2C, B2B, status, balance, reversal). */
  initiatorName?: string
  /** The initiator's password, encrypted into the SecurityCredential once. */
  initiatorPassword?: string
  /** A precomputed SecurityCredential, used as is. */
  securityCredential?: string
  /** Certificate (PEM or base64 DER) to encrypt the initiator password with. */
  certificatePem?: string
  /** Default `CallBackURL` of STK pushes. */
  callbackUrl?: string
  /** Default `ResultURL` of initiator requests. */
  resultUrl?: string
  /** Default `QueueTimeOutURL` of initiator requests. */
  timeoutUrl?: string
}

/** UMS Pay credentials and limits. */
export interface UmsPayOptions {
  apiKey: string
  email: string
  accountId: string
  baseUrl?: string
  /** Client-side limit of requests per second (default 10, the provider's). */
  ratePerSecond?: number
  /** Client-side limit of requests per day (default 5000). */
  dailyQuota?: number
  /** Use the legacy endpoint names. */
  legacyEndpoints?: boolean
}

/** Timeouts, retries and transport settings shared by every provider. */
export interface HttpOptions {
  /** Default 10 000. */
  connectTimeoutMs?: number
  /** Whole call; default 30 000; must exceed `connectTimeoutMs`. */
  timeoutMs?: number
  /** Retries of safe requests only (token, query, a request never sent). Default 2. */
  maxRetries?: number
  retryInitialBackoffMs?: number
  retryMaxBackoffMs?: number
  /** Allows plain `http://` to hosts other than loopback. Default false. */
  allowInsecureHttp?: boolean
  /** Appended to the User-Agent, default `node`. */
  userAgentSuffix?: string
  /** Extra trusted root certificates (PEM), e.g. a corporate TLS proxy's CA. */
  extraRootCertificatesPem?: string
  /**
   * Most worker threads of this client's pool, i.e. calls running at once (1 to
   * 100 000; default 1 024, or half the open-files limit when lower). Each thread has a 256 KiB stack and exits after a minute idle.
   */
  maxThreads?: number
  /**
   * Most calls waiting for a thread once `maxThreads` are busy (default 100 000); one more
   * is rejected at once with a `BusyError` (nothing sent).
   */
  maxQueued?: number
}

export interface ClientOptions {
  statum?: StatumOptions
  daraja?: DarajaOptions
  umspay?: UmsPayOptions
  http?: HttpOptions
  /** Where shared state lives: this process (default) or a Redis shared by a fleet. */
  store?: StoreOptions
}

export interface StoreOptions {
  /** `memory`, or `redis://[:password@]host:port/db` / `rediss://…` (never printed). */
  url: string
  /** Prefix of every key (default `tuma:`). */
  keyPrefix?: string
  /** Bound on every store call, in milliseconds (default 250). */
  timeoutMs?: number
  /** How long a completed callback id is remembered as `done`, in seconds (default 7 days). */
  dedupTtlSecs?: number
  /**
   * How long a callback claim lasts, in milliseconds (default 60 000): a worker that dies
   * holding a claim loses it after this, and a redelivery can then claim it.
   */
  callbackLeaseMs?: number
  /** How long the payment journal keeps a push, in seconds (default 3 days). */
  journalTtlSecs?: number
  /**
   * Whether a callback claiming payment for a push missing from the payment journal is
   * refused as forged. Default: yes with Redis (it sees every worker's pushes), no with the
   * memory store (such a callback is then verified by query alone).
   */
  journalRequired?: boolean
}

// ---------------------------------------------------------------------------------------
// Statum

/** Statum's synchronous answer to SMS and airtime requests. */
export interface StatumResponse {
  statusCode: number
  description: string
  requestId: string
}

export interface AccountDetails {
  statusCode: number
  description: string
  requestId: string
  organization: {
    name: string
    details: {
      availableBalance: number
      location: string | null
      website: string | null
      officeEmail: string | null
      officeMobile: string | null
      mpesaAccountTopUpCode: string | null
    }
    accounts: Array<{ account: string, serviceName: string }>
  }
}

/** The generic result webhook (`statum.result`). */
export interface StatumResult {
  requestId: string
  /** `"200"` on success. */
  resultCode: string
  resultDesc: string
}

/** The airtime result webhook (`statum.airtime_result`). */
export interface StatumAirtimeResult extends StatumResult {
  /** What was taken from the wallet, in KES; a failed top-up may come without it. */
  charge: number | null
  /** Wallet balance after the charge, in KES; a failed top-up may come without it. */
  accountBalance: number | null
}

// ---------------------------------------------------------------------------------------
// Daraja

/** M-Pesa result codes, by meaning. */
export type Outcome =
  | 'success' | 'insufficient_funds' | 'below_minimum' | 'above_maximum'
  | 'daily_limit_exceeded' | 'maximum_balance_exceeded' | 'debit_party_invalid_state'
  | 'duplicate' | 'rule_limited' | 'internal_failure' | 'initiator_credential_failed'
  | 'initiator_not_found' | 'initiator_not_allowed' | 'initiator_inactive' | 'missing_fields'
  | 'invalid_parameters' | 'system_busy' | 'invalid_command' | 'subscriber_locked' | 'expired'
  | 'push_failed' | 'cancelled_by_user' | 'timeout' | 'wrong_pin' | 'initiator_invalid'
  | 'declined_by_account_rule' | 'not_permitted' | 'credit_party_not_registered' | 'locked'
  | 'already_reversed' | 'original_transaction_not_found' | 'gateway_error' | 'maintenance'
  | 'other'

export type IdentifierType = 'shortcode' | 'till' | 'msisdn'

/** Where a payment stands, in the vocabulary shared by every provider. */
export type PaymentStatus = 'completed' | 'failed' | 'cancelled' | 'timeout' | 'pending'

export interface StkPushResponse {
  merchantRequestId: string
  checkoutRequestId: string
  responseCode: string
  responseDescription: string
  customerMessage: string
}

export interface StkQueryResponse {
  merchantRequestId: string
  checkoutRequestId: string
  /** True while M-Pesa is still processing: query again later. */
  pending: boolean
  resultCode: string
  resultDesc: string
  outcome: Outcome
  /** `pending` while M-Pesa is still processing. */
  status: PaymentStatus
  responseCode: string
  responseDescription: string
}

/** The answer to C2B register and simulate. */
export interface C2bResponse {
  originatorConversationId: string
  responseCode: string
  responseDescription: string
}

export interface B2cResponse {
  originatorConversationId: string
  conversationId: string
  responseCode: string
  responseDescription: string
}

/** The synchronous answer to initiator requests; the outcome arrives on `resultUrl`. */
export interface InitiatorResponse {
  conversationId: string
  originatorConversationId: string
  responseCode: string
  responseDescription: string
}

export interface DynamicQr {
  responseCode: string
  requestId: string
  responseDescription: string
  /** Base64 of the PNG image. */
  qrCode: string
}

/** The STK push callback (`daraja.stk_callback`). */
export interface StkCallback {
  merchantRequestId: string
  checkoutRequestId: string
  resultCode: string
  resultDesc: string
  outcome: Outcome
  /** `completed`, `cancelled` (1032), `timeout` (1037) or `failed`. */
  status: PaymentStatus
  amount: number | null
  mpesaReceiptNumber: string | null
  /** `YYYYMMDDHHmmss`, Kenyan time. */
  transactionDate: string | null
  phoneNumber: string | null
  balance: string | null
  /** Every `CallbackMetadata.Item` as sent. */
  metadata: Array<{ name: string, value: unknown }>
}

export interface ResultParameter {
  key: string
  value: unknown
}

export interface B2cResultDetails {
  kind: 'b2c'
  transactionAmount: number | null
  transactionReceipt: string | null
  recipientIsRegisteredCustomer: boolean | null
  chargesPaidAccountAvailableFunds: number | null
  receiverPartyPublicName: string | null
  transactionCompletedDateTime: string | null
  utilityAccountAvailableFunds: number | null
  workingAccountAvailableFunds: number | null
}

export interface B2bResultDetails {
  kind: 'b2b'
  amount: number | null
  debitAccountBalance: string | null
  debitPartyAffectedAccountBalance: string | null
  transCompletedTime: string | null
  debitPartyCharges: string | null
  receiverPartyPublicName: string | null
  currency: string | null
  initiatorAccountCurrentBalance: string | null
  debitAccountCurrentBalance: string | null
  billReferenceNumber: string | null
}

export interface TransactionStatusResultDetails {
  kind: 'transaction_status'
  receiptNo: string | null
  transactionStatus: string | null
  amount: number | null
  debitPartyName: string | null
  creditPartyName: string | null
  originatorConversationId: string | null
  conversationId: string | null
  initiatedTime: string | null
  finalisedTime: string | null
  debitAccountType: string | null
  debitPartyCharges: string | null
  transactionReason: string | null
  reasonType: string | null
}

export interface BalanceAccount {
  name: string
  currency: string
  available: number
  uncleared: number
  reserved: number
  fourth: number
}

export interface AccountBalanceResultDetails {
  kind: 'account_balance'
  accounts: BalanceAccount[]
  completedTime: string | null
}

export interface ReversalResultDetails {
  kind: 'reversal'
  originalTransactionId: string | null
  amount: number | null
  debitAccountBalance: string | null
  transCompletedTime: string | null
  charge: number | null
  creditPartyPublicName: string | null
  debitPartyPublicName: string | null
}

export type ResultDetails =
  | B2cResultDetails | B2bResultDetails | TransactionStatusResultDetails
  | AccountBalanceResultDetails | ReversalResultDetails | { kind: 'unknown' }

/** The result POSTed to `ResultURL` by B2C, B2B, status, balance, reversal (`daraja.result`). */
export interface DarajaResult {
  resultType: string
  resultCode: string
  resultDesc: string
  outcome: Outcome
  /** `completed` or `failed`. */
  status: PaymentStatus
  originatorConversationId: string
  conversationId: string
  transactionId: string | null
  details: ResultDetails
  parameters: ResultParameter[]
  referenceData: ResultParameter[]
}

/** A C2B validation or confirmation request (`daraja.c2b_validation`, `daraja.c2b_confirmation`). */
export interface C2bPayment {
  transactionType: string
  transId: string
  transTime: string
  transAmount: number
  businessShortCode: string
  billRefNumber: string
  invoiceNumber: string
  orgAccountBalance: string
  thirdPartyTransId: string
  /** Masked or hashed by Safaricom. */
  msisdn: string
  firstName: string
  middleName: string
  lastName: string
}

/** A queue-timeout notice (`daraja.queue_timeout`). */
export interface QueueTimeout {
  originatorConversationId: string | null
  conversationId: string | null
  resultCode: string | null
  resultDesc: string | null
  /** The body as received (keys untouched). */
  raw: unknown
}

// ---------------------------------------------------------------------------------------
// Daraja's other portal APIs

/** Daraja's acknowledgement of a B2B Express Checkout; the outcome arrives on `callbackUrl`. */
export interface B2bExpressCheckoutResponse {
  /** The `RequestRefID` sent (yours or generated): the callback's `requestId`. */
  requestRefId: string
  /** `"0"`: the USSD prompt was initiated. */
  code: string
  /** `USSD Initiated Successfully`. */
  status: string
}

/** The outcome of a B2B Express Checkout (`daraja.b2b_express_callback`). */
export interface B2bExpressCallback {
  /** `"0"` paid, `"4001"` cancelled by the operator, other codes failed. */
  resultCode: string
  resultDesc: string
  /** The request's `RequestRefID`: match it to your order. */
  requestId: string
  amount: number | null
  /** `completed`, `cancelled` or `failed`. */
  status: PaymentStatus
  /** The M-Pesa receipt (success only). */
  transactionId: string | null
  conversationId: string | null
  resultType: string | null
  /** Daraja's own `status` text (`SUCCESS`), when given. */
  statusText: string | null
  /** `paymentReference` (on cancellation). */
  paymentReference: string | null
}

/** Daraja's answer to a Pull Transactions registration. */
export interface PullRegisterResponse {
  responseRefId: string
  /** `"1000"` registered, `"1001"` already registered. */
  responseStatus: string
  alreadyRegistered: boolean
  shortCode: string
  responseDescription: string
}

/** One C2B payment, as Pull Transactions lists it. */
export interface PullTransaction {
  /** The M-Pesa receipt. */
  transactionId: string
  /** As sent, e.g. `2020-08-05T10:13:00Z`. */
  trxDate: string
  msisdn: string
  /** e.g. `c2b-pay-bill-debit`. */
  transactionType: string
  /** The account number the payer typed. */
  billReference: string
  amount: number | null
  organizationName: string
}

/** Every C2B payment of a period, gathered page by page. */
export interface PullTransactions {
  shortcode: string
  startDate: string
  endDate: string
  transactions: PullTransaction[]
  /** How many pages were fetched. */
  pages: number
  /** False when `maxPages` ran out first (or the provider repeated a page): ask again for the rest. */
  complete: boolean
}

/** Daraja's answer to a standing order request (M-Pesa Ratiba); the outcome arrives on `callbackUrl`. */
export interface RatibaResponse {
  /** The callback's `responseRefId`. */
  responseRefId: string
  /** `"200"`: accepted for processing. */
  responseCode: string
  responseDescription: string
  resultDesc: string
}

/** The outcome of a standing order request (`daraja.ratiba_callback`; keys matched in any letter case). */
export interface RatibaCallback {
  responseRefId: string
  requestRefId: string | null
  /** `"0"` created; otherwise an error code (`1032` cancelled, `1037` timeout, `1050` duplicate name...). */
  responseCode: string
  responseDescription: string
  /** `completed` (created), `cancelled`, `timeout` or `failed`. */
  status: PaymentStatus
  transactionId: string | null
  /** `OKAY` or `ERROR`. */
  resultStatus: string | null
  /** Masked. */
  msisdn: string | null
  /** Every name/value pair of the data, as sent. */
  data: ResultParameter[]
}

/** An invoice a bulk cancellation could not cancel, and why. */
export interface BillError {
  externalReference: string
  resmsg: string
}

/** Bill Manager's answer. */
export interface BillManagerResponse {
  /** `"200"` success; `"409"` when a bulk cancellation met paid invoices (see `errors`). */
  rescode: string
  resmsg: string
  statusMessage: string | null
  /** Opt-in only. */
  appKey: string | null
  errors: BillError[]
}

/** One call (at most 1000 invoices) of `billInvoices`. */
export interface BillInvoiceChunk {
  index: number
  /** The position in the list of its first invoice. */
  first: number
  count: number
  /**
   * `accepted`; `refused` (none of it was created: fix and send again); `unknown` (it may
   * have been created: check before sending again); `not_sent` (safe to send again; no call
   * is sent after an `unknown` or `not_sent` one).
   */
  outcome: 'accepted' | 'refused' | 'unknown' | 'not_sent'
  rescode: string | null
  resmsg: string | null
  /** The error (`kind`, `message`, `fate`, `code`...) of a failed call. */
  error: Record<string, unknown> | null
}

/** What became of a list of invoices, call by call. */
export interface BillInvoicesResponse {
  invoices: number
  accepted: number
  allAccepted: boolean
  chunks: BillInvoiceChunk[]
}

/** A payment of an invoice (`daraja.bill_payment`): answer it with `utils.daraja.billPaymentAck()`. */
export interface BillPayment {
  /** The M-Pesa receipt: redeliveries share it. */
  transactionId: string
  paidAmount: number
  msisdn: string
  dateCreated: string
  accountReference: string
  shortCode: string
}

/** The reply Bill Manager expects to a payment notification. */
export interface BillPaymentAck {
  rescode: string
  resmsg: string
}

// ---------------------------------------------------------------------------------------
// The payment journal

/** A payment's final outcome, as recorded in the journal. */
export interface JournalOutcome {
  /** Never `pending`. */
  status: PaymentStatus
  resultCode: string
  resultDesc: string
  /** The M-Pesa receipt, when money moved and the source told it. */
  receipt?: string
  /** Who told it: its callback, a query, or Daraja's Pull Transactions. */
  source: 'callback' | 'query' | 'pull'
  recordedAtMs: number
}

/** What the reconciler did about one payment. */
export type ReconcileAction =
  | 'resolved' | 'pending' | 'awaiting_result' | 'skipped' | 'error' | 'found' | 'receipt_found'

/** One payment of a `ReconcileReport`. */
export interface ReconciledPayment {
  provider: 'statum' | 'daraja' | 'umspay'
  /** `daraja.stk_push`, `daraja.b2c`, `daraja.c2b`, `umspay.stk_push`... */
  operation: string
  /** The provider's id (`CheckoutRequestID`, `OriginatorConversationID`, `TransID`...). */
  id: string
  amount: number
  phone: string
  reference: string
  sentAtMs: number
  /** `pending`, or null for a payment the journal did not hold. */
  oldStatus: PaymentStatus | null
  newStatus: PaymentStatus
  action: ReconcileAction
  outcome: JournalOutcome | null
  /** Why the query failed, for `error`. */
  error: string | null
}

/** What a run of `journal.reconcile` found and did. */
export interface ReconcileReport {
  examined: number
  resolved: number
  pending: number
  awaitingResult: number
  skipped: number
  errors: number
  c2bFound: number
  receiptsFound: number
  expired: number
  queries: number
  c2bError: string | null
  tookMs: number
  payments: ReconciledPayment[]
}

// ---------------------------------------------------------------------------------------
// UMS Pay

export interface UmsPayStkPush {
  transactionRequestId: string
  message: string
  msisdn: string
  amount: number
  reference: string
}

export interface CompletedPayment {
  transactionRequestId: string
  receipt: string
  amount: number
  msisdn: string
  date: string
  reference: string
  accountId: string | null
  description: string
}

export interface FailedPayment {
  transactionRequestId: string
  code: string
  description: string
  amount: number | null
  msisdn: string | null
  reference: string | null
  date: string | null
}

export interface PendingPayment {
  transactionRequestId: string
  description: string
  amount: number | null
  msisdn: string | null
  reference: string | null
}

/** The table's name for a UMS Pay status. */
export type UmsPayTransactionStatus = TransactionStatus
/** The table's name for a completed UMS Pay payment. */
export type UmsPayCompletedPayment = CompletedPayment

export type TransactionStatus =
  | ({ status: 'pending' } & PendingPayment)
  | ({ status: 'completed' } & CompletedPayment)
  | ({ status: 'failed' | 'cancelled' | 'timeout' } & FailedPayment)

/** A UMS Pay webhook (`umspay.webhook`). */
export interface UmsPayWebhookEvent {
  /**
   * From the body's `event` field when present; otherwise `ResponseCode` 0 is completed,
   * another code failed, no code initiated.
   */
  event: 'payment.initiated' | 'payment.completed' | 'payment.failed'
  transactionRequestId: string
  responseCode: number | null
  /** `pending` without a `ResponseCode`. */
  status: PaymentStatus
  responseDescription: string | null
  merchantRequestId: string | null
  checkoutRequestId: string | null
  amount: number | null
  receipt: string | null
  date: string | null
  reference: string | null
  msisdn: string | null
  /** Every other field of the body, as sent (keys untouched). */
  extra: Record<string, unknown>
}

// ---------------------------------------------------------------------------------------
// Receiving callbacks

/**
 * What `receive` found: `claimed` (yours: process, then `complete` or `release`),
 * `in_progress` (another worker holds an unexpired claim: answer non-200 so the provider
 * redelivers), `done` (processed before: answer 200, do nothing).
 */
/** `callbacks.complete`'s answer. */
export interface CompletedCallback {
  completed: true
  /** False when the lease had expired: another worker may have processed it too. */
  leaseHeld: boolean
}

/** `callbacks.release`'s answer. */
export interface ReleasedCallback {
  /** False when the lease had already expired. */
  released: boolean
}

/** `callbacks.first_time`'s answer. */
export interface FirstTime {
  firstTime: boolean
}

export type ClaimStatus = 'claimed' | 'in_progress' | 'done'

export interface ReceivedCallback {
  /** True when this call claimed it (`status` is `claimed`). */
  firstTime: boolean
  status: ClaimStatus
  /** The token to `complete` or `release`; null unless `status` is `claimed`. */
  claim: string | null
  /** The id it was de-duplicated on (request id, CheckoutRequestID, TransID...). */
  id: string
  /** The parsed callback, as the matching `callbacks.*` parser returns it. */
  callback: unknown
}

// ---------------------------------------------------------------------------------------
// Requests and operations

// BEGIN GENERATED by tuma-gen (make gen): requests and operations
// Generated by tuma-gen from the core's operation table (make gen): do not edit.

export interface SendSmsRequest {
  /** A sender id registered with Statum, 1 to 11 characters. */
  senderId: string
  /** The recipient, any accepted Kenyan form. */
  phone: string
  /** The text: up to 918 GSM characters, or 402 when it needs Unicode. */
  message: string
}

export interface AirtimeRequest {
  /** The phone topped up, any accepted Kenyan form. */
  phone: string
  /** Whole shillings, 5 to 10,000. */
  amount: number
}

export type NoArguments = Record<string, never>

export interface ReceiveCallbackRequest {
  /** The callback kind, e.g. `daraja.stk_callback` (see `callback_kinds()`). */
  kind: string
  /** The raw request body, as received. */
  body: string
}

export interface ClaimRequest {
  /** The `claim` of a received callback. */
  claim: string
}

export interface FirstTimeRequest {
  /** The callback's id (at most 256 bytes). */
  id: string
}

export interface StkPushRequest {
  /** The payer's phone, any accepted Kenyan form. */
  phone: string
  /** Whole shillings, 1 to 250 000. */
  amount: number
  /** Shown to the payer; 1 to 12 characters (the paybill account number). */
  accountReference: string
  /** Up to 13 characters; defaults to `Payment`. */
  transactionDesc?: string
  /** Where the result is POSTed; defaults to `daraja.callback_url`. */
  callbackUrl?: string
  /** PayBill (default) or Buy Goods. */
  transactionType?: 'pay_bill' | 'buy_goods'
  /** The till for Buy Goods; defaults to `daraja.till_number`. */
  tillNumber?: string
}

export interface StkQueryRequest {
  /** The `CheckoutRequestID` the push returned. */
  checkoutRequestId: string
}

export interface ConfirmStkPaymentRequest {
  /** The `CheckoutRequestID` the push returned. */
  checkoutRequestId?: string
  /** The raw STK callback body that claims the payment. */
  callback?: string
}

export interface C2bRegisterRequest {
  /** The shortcode; defaults to `daraja.shortcode`. */
  shortcode?: string
  /** What to do when the validation URL does not answer (default `Completed`). */
  responseType?: 'Completed' | 'Cancelled'
  /** Where confirmations are POSTed. */
  confirmationUrl: string
  /** Where validation requests are POSTed (only when Safaricom enabled external validation). */
  validationUrl: string
}

export interface C2bSimulateRequest {
  /** The shortcode paid; defaults to `daraja.shortcode`. */
  shortcode?: string
  /** Pay Bill (default) or Buy Goods. */
  commandId?: 'pay_bill' | 'buy_goods'
  /** Whole shillings, 1 to 250 000. */
  amount: number
  /** The paying phone. */
  phone: string
  /** The account number (Pay Bill), up to 20 characters. */
  billRefNumber?: string
}

export interface B2cRequest {
  /** The receiving phone. */
  phone: string
  /** Whole shillings, 10 to 250 000. */
  amount: number
  /** `business_payment` (default), `salary_payment` or `promotion_payment`. */
  commandId?: 'business_payment' | 'salary_payment' | 'promotion_payment'
  /** 2 to 100 characters. */
  remarks: string
  /** Optional, 1 to 100 characters (sent as `Occassion`). */
  occasion?: string
  /** The B2C shortcode (`PartyA`); defaults to `daraja.shortcode`. */
  shortcode?: string
  /** Where the result is POSTed; defaults to `daraja.result_url`. */
  resultUrl?: string
  /** Where a queue timeout is POSTed; defaults to `daraja.timeout_url`. */
  timeoutUrl?: string
  /** Your unique id of this payment; generated when absent. Keep it: Daraja refuses a repeat, so resending with the same id can never pay twice. */
  originatorConversationId?: string
}

export interface B2bRequest {
  /** The receiving paybill or till. */
  partyB: string
  /** Whole shillings. */
  amount: number
  /** `business_pay_bill` (default) or `business_buy_goods`. */
  commandId?: 'business_pay_bill' | 'business_buy_goods'
  /** The paybill account, up to 13 characters (required for pay bill). */
  accountReference?: string
  /** Optional phone of the customer paid for. */
  requester?: string
  /** 2 to 100 characters. */
  remarks: string
  /** Optional, 1 to 100 characters (sent as `Occassion`). */
  occasion?: string
  /** The paying shortcode (`PartyA`); defaults to `daraja.shortcode`. */
  shortcode?: string
  /** Where the result is POSTed; defaults to `daraja.result_url`. */
  resultUrl?: string
  /** Where a queue timeout is POSTed; defaults to `daraja.timeout_url`. */
  timeoutUrl?: string
}

export interface TransactionStatusRequest {
  /** The M-Pesa receipt (`TransactionID`). */
  transactionId?: string
  /** The `OriginatorConversationID` of the original request. */
  originalConversationId?: string
  /** The organisation asking (`PartyA`); defaults to `daraja.shortcode`. */
  shortcode?: string
  /** What `shortcode` is (default `shortcode`, "4"). */
  identifierType?: 'shortcode' | 'till' | 'msisdn'
  /** 2 to 100 characters; defaults to `Transaction status`. */
  remarks?: string
  /** Optional, 1 to 100 characters. */
  occasion?: string
  /** Where the result is POSTed; defaults to `daraja.result_url`. */
  resultUrl?: string
  /** Where a queue timeout is POSTed; defaults to `daraja.timeout_url`. */
  timeoutUrl?: string
}

export interface AccountBalanceRequest {
  /** The shortcode (`PartyA`); defaults to `daraja.shortcode`. */
  shortcode?: string
  /** What `shortcode` is: only `shortcode` ("4"), the one value the portal documents for this API; anything else is refused before sending. */
  identifierType?: 'shortcode' | 'till' | 'msisdn'
  /** 2 to 100 characters; defaults to `Account balance`. */
  remarks?: string
  /** Where the result is POSTed; defaults to `daraja.result_url`. */
  resultUrl?: string
  /** Where a queue timeout is POSTed; defaults to `daraja.timeout_url`. */
  timeoutUrl?: string
}

export interface ReversalRequest {
  /** The M-Pesa receipt of the payment to reverse. */
  transactionId: string
  /** The amount of that payment, whole shillings. */
  amount: number
  /** 2 to 100 characters. */
  remarks: string
  /** The shortcode that received the payment (`ReceiverParty`); defaults to `daraja.shortcode`. */
  shortcode?: string
  /** Where the result is POSTed; defaults to `daraja.result_url`. */
  resultUrl?: string
  /** Where a queue timeout is POSTed; defaults to `daraja.timeout_url`. */
  timeoutUrl?: string
}

export interface DynamicQrRequest {
  /** The name shown to the payer. */
  merchantName: string
  /** Your reference of the payment. */
  refNo: string
  /** Whole shillings, 1 to 250 000. */
  amount: number
  /** What the code pays. */
  trxCode: 'BG' | 'WA' | 'PB' | 'SM' | 'SB'
  /** Credit party identifier: till, paybill, agent till or phone (see [`QrTrxCode`]). */
  cpi: string
  /** Image side in pixels, 100 to 1000 (default 300). */
  size?: number
}

export interface UmsPayStkPushRequest {
  /** Whole shillings, 10 to 250,000. */
  amount: number
  /** The payer, any accepted Kenyan form. */
  phone: string
  /** Your reference for the payment, 1 to 12 characters. */
  reference: string
}

export interface UmsPayTransactionStatusRequest {
  /** The `transaction_request_id` the push returned. */
  transactionRequestId: string
}

export interface WaitForStatusRequest {
  /** The `transaction_request_id` the push returned. */
  transactionRequestId: string
  /** How long to wait, in milliseconds: 60,000 unless given, at most 3,600,000. */
  timeoutMs?: number
}

export interface ConfirmPaymentRequest {
  /** The `transaction_request_id` the push returned. */
  transactionRequestId?: string
  /** The raw webhook body (exactly one of the two). */
  webhook?: string
}

export interface B2cTopupRequest {
  /** The B2C shortcode whose Utility account is credited (`PartyB`); required for `business_pay_to_bulk`, defaults to the paying shortcode for `business_transfer_from_mmf_to_utility`. */
  partyB?: string
  /** Whole shillings. */
  amount: number
  /** `business_pay_to_bulk` (default) or `business_transfer_from_mmf_to_utility`. */
  commandId?: 'business_pay_to_bulk' | 'business_transfer_from_mmf_to_utility'
  /** `AccountReference`, 1 to 13 characters. */
  accountReference: string
  /** Optional phone of the customer the top-up is for (`Requester`). */
  requester?: string
  /** 2 to 100 characters. */
  remarks: string
  /** The paying shortcode (`PartyA`, its Working account is debited); defaults to `daraja.shortcode`. */
  shortcode?: string
  /** Where the result is POSTed; defaults to `daraja.result_url`. */
  resultUrl?: string
  /** Where a queue timeout is POSTed; defaults to `daraja.timeout_url`. */
  timeoutUrl?: string
}

export interface B2PochiRequest {
  /** The wallet owner's phone (`PartyB`). */
  phone: string
  /** Whole shillings, 10 to 250 000 (B2C's limits). */
  amount: number
  /** 2 to 100 characters. */
  remarks: string
  /** Optional, 1 to 100 characters (sent as `Occassion`). */
  occasion?: string
  /** The B2C shortcode (`PartyA`); defaults to `daraja.shortcode`. */
  shortcode?: string
  /** Where the result is POSTed; defaults to `daraja.result_url`. */
  resultUrl?: string
  /** Where a queue timeout is POSTed; defaults to `daraja.timeout_url`. */
  timeoutUrl?: string
  /** Your unique id of this payment; generated when absent. Keep it: Daraja refuses a repeat, so resending with the same id can never pay twice. */
  originatorConversationId?: string
}

export interface RemitTaxRequest {
  /** Whole shillings. */
  amount: number
  /** The KRA payment registration number (PRN), 1 to 20 characters (sent as `AccountReference`). */
  accountReference: string
  /** 2 to 100 characters. */
  remarks: string
  /** The paying shortcode (`PartyA`); defaults to `daraja.shortcode`. */
  shortcode?: string
  /** Where the result is POSTed; defaults to `daraja.result_url`. */
  resultUrl?: string
  /** Where a queue timeout is POSTed; defaults to `daraja.timeout_url`. */
  timeoutUrl?: string
}

export interface B2bExpressCheckoutRequest {
  /** The merchant's till that pays (`primaryShortCode`). */
  primaryShortCode: string
  /** The vendor's paybill that is paid (`receiverShortCode`); defaults to `daraja.shortcode`. */
  receiverShortCode?: string
  /** Whole shillings. */
  amount: number
  /** The payment's reference, 1 to 100 characters (`paymentRef`). */
  paymentRef: string
  /** Where the outcome is POSTed (`callbackUrl`). */
  callbackUrl: string
  /** The vendor's name shown in the prompt, 1 to 100 characters (`partnerName`). */
  partnerName: string
  /** Your unique id of this request (`RequestRefID`, the callback's `requestId`); generated when absent. Keep it to match the callback. */
  requestRefId?: string
}

export interface PullRegisterRequest {
  /** The shortcode; defaults to `daraja.shortcode`. */
  shortcode?: string
  /** The phone on the shortcode's KYC (`NominatedNumber`). */
  nominatedNumber: string
  /** The URL Safaricom records with the registration (`CallBackURL`). */
  callbackUrl: string
}

export interface PullTransactionsRequest {
  /** The shortcode; defaults to `daraja.shortcode`. */
  shortcode?: string
  /** `YYYY-MM-DD HH:mm:ss`, Kenyan time; defaults to 48 hours before now. */
  startDate?: string
  /** `YYYY-MM-DD HH:mm:ss`, Kenyan time; defaults to now. */
  endDate?: string
  /** The most pages to fetch (1 to 10 000; default 100): a guard against a provider that never ends. When reached, the result says `complete: false`. */
  maxPages?: number
}

export interface RatibaRequest {
  /** Its name, 1 to 100 characters, unique per customer (`StandingOrderName`). */
  standingOrderName: string
  /** The paying customer's phone (`PartyA`). */
  phone: string
  /** Whole shillings per payment, 1 to 250 000. */
  amount: number
  /** `one_off`, `daily`, `weekly`, `monthly`, `bi_monthly`, `quarterly`, `half_yearly` or `yearly`. */
  frequency: 'one_off' | 'daily' | 'weekly' | 'monthly' | 'bi_monthly' | 'quarterly' | 'half_yearly' | 'yearly'
  /** First payment date, `yyyymmdd`. */
  startDate: string
  /** Last payment date, `yyyymmdd`, not before `start_date`. */
  endDate: string
  /** Shown to the customer, 1 to 12 characters (`AccountReference`). */
  accountReference: string
  /** Up to 13 characters (`TransactionDesc`); defaults to `Payment`. */
  transactionDesc?: string
  /** Where the outcome is POSTed (`CallBackURL`). */
  callbackUrl: string
  /** `pay_bill` (default) or `buy_goods`. */
  transactionType?: 'pay_bill' | 'buy_goods'
  /** The paybill or till paid (`BusinessShortCode`); defaults to `daraja.shortcode` (pay bill) or `daraja.till_number` (buy goods). */
  shortcode?: string
}

export interface BillOptInRequest {
  /** The paybill that bills (`shortcode`); defaults to `daraja.shortcode`. */
  shortcode?: string
  /** The biller's e-mail address. */
  email: string
  /** The biller's official phone (`officialContact`). */
  officialContact: string
  /** Whether Bill Manager sends payment reminders (`sendReminders` 1 or 0). */
  sendReminders: boolean
  /** Optional logo shown on invoices. */
  logo?: string
  /** Where payment notifications are POSTed (`callbackurl`). */
  callbackUrl: string
}

export interface BillInvoiceItem {
  /** What is billed, 1 to 100 characters (`itemName`). */
  itemName: string
  /** Whole shillings. */
  amount: number
}

export interface BillInvoiceRequest {
  /** Your unique id of the invoice, 1 to 100 characters (`externalReference`). */
  externalReference: string
  /** The customer's name, 1 to 100 characters (`billedFullName`). */
  billedFullName: string
  /** The customer's phone (`billedPhoneNumber`). */
  billedPhoneNumber: string
  /** The period billed, e.g. `August 2021`, 1 to 100 characters (`billedPeriod`). */
  billedPeriod: string
  /** The invoice's name, 1 to 100 characters (`invoiceName`). */
  invoiceName: string
  /** `YYYY-MM-DD` (`dueDate`). */
  dueDate: string
  /** The account number the customer pays to, 1 to 100 characters (`accountReference`). */
  accountReference: string
  /** Whole shillings. */
  amount: number
  /** Optional lines (`invoiceItems`). */
  invoiceItems?: BillInvoiceItem[]
}

export interface BillInvoicesRequest {
  /** The invoices (at least one; `external_reference`s unique). */
  invoices: BillInvoiceRequest[]
}

export interface BillCancelInvoiceRequest {
  /** The invoice's `externalReference`. */
  externalReference: string
}

export interface BillCancelInvoicesRequest {
  /** The invoices (at least one). */
  invoices: BillCancelInvoiceRequest[]
}

export interface BillReconciliationRequest {
  /** The payment's date as notified (`paymentDate`, e.g. the notification's `dateCreated`). */
  paymentDate: string
  /** Whole shillings paid (`paidAmount`). */
  paidAmount: number
  /** The invoice's account number (`accountReference`). */
  accountReference: string
  /** The payment's M-Pesa receipt (`transactionId`). */
  transactionId: string
  /** The payer's phone (`phoneNumber`). */
  phoneNumber: string
  /** The payer's name (`fullName`). */
  fullName: string
  /** The invoice's name (`invoiceName`). */
  invoiceName: string
  /** The invoice's `externalReference`. */
  externalReference: string
}

export interface ReconcileRequest {
  /** Only payments sent at least this long ago, in milliseconds (a younger one's callback may still be on its way). */
  olderThanMs: number
  /** At most this many open payments per run, oldest first; default 500. */
  limit?: number
  /** At most this many provider queries per second per provider account, across every worker sharing the store; default 5. */
  maxQueriesPerSecond?: number
  /** How long to wait for transaction status answers, in milliseconds: they arrive on the ResultURL and are recorded by `receive_callback`; default 0 (do not wait). */
  waitForResultsMs?: number
  /** Where transaction status answers are POSTed; defaults to `daraja.result_url`. */
  resultUrl?: string
  /** Whether to look for C2B payments nobody confirmed with Pull Transactions; default true when Daraja is configured. */
  c2b?: boolean
  /** How far back Pull Transactions looks, in milliseconds; default 24 hours, at most 48 (Daraja's limit). */
  c2bLookbackMs?: number
  /** A request Daraja accepted that transaction status does not find is failed once it is this old, in milliseconds; default 30 minutes. */
  notFoundFinalAfterMs?: number
  /** A payment asked about is not asked again, by any worker, for this long, in milliseconds; default 30 000. */
  requeryAfterMs?: number
}

/** Statum: SMS, airtime and account details. */
export interface StatumApi {
  /** Sends one SMS. */
  sendSms(request: SendSmsRequest, options?: CallOptions): Promise<StatumResponse>
  /**
   * Buys airtime for a phone (moves money).
   *
   * Moves money: never resent once it may have reached the provider.
   */
  airtime(request: AirtimeRequest, options?: CallOptions): Promise<StatumResponse>
  /** The Statum account: organisation, balance, service accounts. */
  accountDetails(request?: NoArguments, options?: CallOptions): Promise<AccountDetails>
}

/** Receiving callbacks: parse, claim, complete or release. */
export interface CallbacksApi {
  /**
   * Parses a callback and claims it (see the README's callbacks section).
   *
   * Request `{"kind", "body"}` (`body`: the raw request body, as a string). Claims the
   * callback's id for the store's `callback_lease_ms` (60000 by default). Result
   * `{"first_time", "status", "claim", "id", "callback"}`, by `status`:
   * - `"claimed"` (`first_time` true, `claim` a token): process it, then
   *   `callbacks.complete` (redeliveries are then `"done"`), or `callbacks.release` when
   *   processing failed (the next redelivery is claimed and processed). A worker that
   *   dies holding a claim loses it after the lease;
   * - `"in_progress"`: another worker holds the claim: answer non-200 (e.g. 503) so the
   *   provider delivers it again later;
   * - `"done"`: a redelivery of a processed callback: answer 200, do nothing.
   *
   * `claim` is null unless claimed. A store failure is a `store` error, never a guess:
   * answer non-200.
   */
  receive(request: ReceiveCallbackRequest, options?: CallOptions): Promise<ReceivedCallback>
  /**
   * Marks a claimed callback processed.
   *
   * Request `{"claim"}` (from `callbacks.receive`): redeliveries are `"done"` for the
   * store's `dedup_ttl_secs`. Result `{"completed": true, "lease_held"}`; `lease_held`
   * false: the lease had expired before completion, so another worker may have
   * processed it too.
   */
  complete(request: ClaimRequest, options?: CallOptions): Promise<CompletedCallback>
  /**
   * Gives a claim back after processing failed.
   *
   * Request `{"claim"}` (from `callbacks.receive`): the next redelivery is claimed and
   * processed. Result `{"released"}`: false when the lease had already expired.
   */
  release(request: ClaimRequest, options?: CallOptions): Promise<ReleasedCallback>
  /** True the first time an id is seen (fleet-wide with Redis). */
  firstTime(request: FirstTimeRequest, options?: CallOptions): Promise<FirstTime>
}

/** Safaricom Daraja: M-Pesa. */
export interface DarajaApi {
  /**
   * M-Pesa Express: asks the payer to approve a payment on their phone (moves money).
   *
   * Moves money: never resent once it may have reached the provider.
   */
  stkPush(request: StkPushRequest, options?: CallOptions): Promise<StkPushResponse>
  /** The state of an STK push. */
  stkQuery(request: StkQueryRequest, options?: CallOptions): Promise<StkQueryResponse>
  /**
   * Verifies a payment before shipping goods: the query's answer when paid, else null.
   *
   * Request `{"checkout_request_id"}` and/or `{"callback"}` (the raw callback body). A
   * callback claiming success is first checked against the payment journal: a push
   * recorded there with another amount or phone, or (with a Redis store, or
   * `store.journal_required`) a push the journal does not hold, fails with an
   * `invalid_callback` error: someone forged it. So does a callback Daraja does not
   * confirm, or whose `CheckoutRequestID` Daraja does not know. With the memory store, a
   * push the journal does not hold (another process may have made it) is verified by the
   * query alone.
   */
  confirmStkPayment(request?: ConfirmStkPaymentRequest, options?: CallOptions): Promise<StkQueryResponse | null>
  /** Registers the C2B confirmation and validation URLs. */
  c2bRegisterUrls(request: C2bRegisterRequest, options?: CallOptions): Promise<C2bResponse>
  /** Simulates a customer paying the shortcode (Daraja's sandbox only). */
  c2bSimulate(request: C2bSimulateRequest, options?: CallOptions): Promise<C2bResponse>
  /**
   * Pays a customer (moves money); the result arrives on the ResultURL.
   *
   * Moves money: never resent once it may have reached the provider.
   */
  b2c(request: B2cRequest, options?: CallOptions): Promise<B2cResponse>
  /**
   * Pays a business (moves money); the result arrives on the ResultURL.
   *
   * Moves money: never resent once it may have reached the provider.
   */
  b2b(request: B2bRequest, options?: CallOptions): Promise<InitiatorResponse>
  /** Asks for a transaction's status; the answer arrives on the ResultURL. */
  transactionStatus(request?: TransactionStatusRequest, options?: CallOptions): Promise<InitiatorResponse>
  /** Asks for the shortcode's balances; the answer arrives on the ResultURL. */
  accountBalance(request?: AccountBalanceRequest, options?: CallOptions): Promise<InitiatorResponse>
  /**
   * Reverses a C2B payment (moves money); the result arrives on the ResultURL.
   *
   * Moves money: never resent once it may have reached the provider.
   */
  reversal(request: ReversalRequest, options?: CallOptions): Promise<InitiatorResponse>
  /** A dynamic M-Pesa QR code (a PNG, base64). */
  dynamicQr(request: DynamicQrRequest, options?: CallOptions): Promise<DynamicQr>
  /**
   * Tops up a B2C shortcode's Utility account from the Working account (moves money);
   * the result arrives on the ResultURL.
   *
   * Moves money: never resent once it may have reached the provider.
   */
  b2cTopup(request: B2cTopupRequest, options?: CallOptions): Promise<InitiatorResponse>
  /**
   * Pays a customer's Pochi la Biashara wallet (moves money); the result arrives on the
   * ResultURL.
   *
   * Moves money: never resent once it may have reached the provider.
   */
  b2pochi(request: B2PochiRequest, options?: CallOptions): Promise<B2cResponse>
  /**
   * Remits tax to KRA against a PRN (moves money); the result arrives on the ResultURL.
   *
   * Moves money: never resent once it may have reached the provider.
   */
  remitTax(request: RemitTaxRequest, options?: CallOptions): Promise<InitiatorResponse>
  /**
   * B2B Express Checkout: prompts a merchant to pay from their till (moves money); the
   * outcome arrives on the callback URL.
   *
   * Moves money: never resent once it may have reached the provider.
   */
  b2bExpressCheckout(request: B2bExpressCheckoutRequest, options?: CallOptions): Promise<B2bExpressCheckoutResponse>
  /** Registers a shortcode for Pull Transactions. */
  pullRegister(request: PullRegisterRequest, options?: CallOptions): Promise<PullRegisterResponse>
  /** Every C2B payment of a period (all pages). */
  pullTransactions(request?: PullTransactionsRequest, options?: CallOptions): Promise<PullTransactions>
  /**
   * Creates a standing order (M-Pesa Ratiba: a debit mandate, sent once); the outcome
   * arrives on the callback URL.
   *
   * Moves money: never resent once it may have reached the provider.
   */
  ratibaCreate(request: RatibaRequest, options?: CallOptions): Promise<RatibaResponse>
  /** Opts the paybill in to Bill Manager. */
  billOptin(request: BillOptInRequest, options?: CallOptions): Promise<BillManagerResponse>
  /** Changes the Bill Manager opt-in details. */
  billChangeOptin(request: BillOptInRequest, options?: CallOptions): Promise<BillManagerResponse>
  /** Sends one Bill Manager invoice (sent once). */
  billInvoice(request: BillInvoiceRequest, options?: CallOptions): Promise<BillManagerResponse>
  /** Sends a list of invoices in calls of at most 1000 (each sent once): per-call results. */
  billInvoices(request: BillInvoicesRequest, options?: CallOptions): Promise<BillInvoicesResponse>
  /** Cancels an unpaid invoice. */
  billCancelInvoice(request: BillCancelInvoiceRequest, options?: CallOptions): Promise<BillManagerResponse>
  /** Cancels invoices (unpaid ones; paid ones are listed in `errors`). */
  billCancelInvoices(request: BillCancelInvoicesRequest, options?: CallOptions): Promise<BillManagerResponse>
  /** Acknowledges a payment Bill Manager notified. */
  billReconciliation(request: BillReconciliationRequest, options?: CallOptions): Promise<BillManagerResponse>
}

/** UMS Pay: M-Pesa STK push through Umeskia. */
export interface UmsPayApi {
  /**
   * Prompts a payer through UMS Pay (moves money).
   *
   * Moves money: never resent once it may have reached the provider.
   */
  stkPush(request: UmsPayStkPushRequest, options?: CallOptions): Promise<UmsPayStkPush>
  /** A UMS Pay payment's status. */
  transactionStatus(request: UmsPayTransactionStatusRequest, options?: CallOptions): Promise<UmsPayTransactionStatus>
  /** Polls a UMS Pay payment until it is final or the timeout passes. */
  waitForStatus(request: WaitForStatusRequest, options?: CallOptions): Promise<UmsPayTransactionStatus>
  /**
   * Verifies a UMS Pay payment before shipping goods: the payment when completed, else null.
   *
   * Request `{"transaction_request_id"}` or `{"webhook"}` (the raw webhook body). A
   * webhook saying "completed" is first checked against the payment journal, as with
   * `daraja.confirm_stk_payment` (amount, phone and reference), then against UMS Pay; a
   * disagreement fails with an `invalid_callback` error.
   */
  confirmPayment(request?: ConfirmPaymentRequest, options?: CallOptions): Promise<UmsPayCompletedPayment | null>
}

/** The payment journal: reconcile payments whose outcome is not known yet. */
export interface JournalApi {
  /**
   * Settles the journal's payments older than `older_than_ms` that have no final outcome
   * (STK query, transaction status, UMS Pay status, Pull Transactions for C2B); queries
   * only, paced, safe from several workers at once (docs/reconcile.md).
   */
  reconcile(request: ReconcileRequest, options?: CallOptions): Promise<ReconcileReport>
}

/** The network operations of a client, one property per group. */
export interface ClientGroups {
  readonly statum: StatumApi
  readonly callbacks: CallbacksApi
  readonly daraja: DarajaApi
  readonly umspay: UmsPayApi
  readonly journal: JournalApi
}

/** One parser per callback kind: `callbacks.daraja.stkCallback(body)`. */
export declare const callbacks: {
  readonly statum: {
    result(body: CallbackBody): StatumResult
    airtimeResult(body: CallbackBody): StatumAirtimeResult
  }
  readonly daraja: {
    stkCallback(body: CallbackBody): StkCallback
    result(body: CallbackBody): DarajaResult
    c2bValidation(body: CallbackBody): C2bPayment
    c2bConfirmation(body: CallbackBody): C2bPayment
    queueTimeout(body: CallbackBody): QueueTimeout
    b2bExpressCallback(body: CallbackBody): B2bExpressCallback
    ratibaCallback(body: CallbackBody): RatibaCallback
    billPayment(body: CallbackBody): BillPayment
  }
  readonly umspay: {
    webhook(body: CallbackBody): UmsPayWebhookEvent
  }
}
// END GENERATED: requests and operations

// ---------------------------------------------------------------------------------------
// The client

/** Options of every network method. */
export interface CallOptions {
  /**
   * Aborts the call: it rejects with an `AbortError` when its once-only request (a payment,
   * an SMS) had not been written yet (and then it never is). Once it may have been written,
   * aborting does nothing: the call runs to its end and settles with its real outcome.
   */
  signal?: AbortSignal
}

export declare class Client {
  /** Throws `ConfigError` when the options are incomplete or wrong. */
  constructor(options?: ClientOptions)
  /** A client configured from the `TUMA_*` environment variables. */
  static fromEnv(): Client
  readonly statum: StatumApi
  readonly daraja: DarajaApi
  readonly umspay: UmsPayApi
  /** Receiving callbacks: parse, claim, complete or release. */
  readonly callbacks: CallbacksApi
  /** The payment journal: reconcile payments whose outcome is not known yet. */
  readonly journal: JournalApi
  /** Any operation by its core name (`statum.send_sms`); the typed methods call this. */
  call(operation: string, request?: object, options?: CallOptions): Promise<unknown>
  /**
   * Threads of this client's worker pool: alive now (busy or idle) and the most at once
   * (at most `http.maxThreads`).
   */
  workerThreads(): WorkerThreads
}

export interface WorkerThreads {
  alive: number
  peak: number
}

// ---------------------------------------------------------------------------------------
// Callbacks and utilities

/** The raw body of a callback request, as received. */
export type CallbackBody = Buffer | Uint8Array | ArrayBuffer | string

/** Parses a callback by kind name, e.g. `statum.result`. */
export declare function parseCallback(kind: string, body: CallbackBody): unknown

/** A C2B validation reply: send it as the JSON response body (keys as Safaricom spells them). */
export interface C2bReply {
  ResultCode: string | number
  ResultDesc: string
  ThirdPartyTransID?: string
}

export type C2bRejectReason =
  | 'invalid_msisdn' | 'invalid_account_number' | 'invalid_amount' | 'invalid_kyc'
  | 'invalid_shortcode' | 'other'
  | 'C2B00011' | 'C2B00012' | 'C2B00013' | 'C2B00014' | 'C2B00015' | 'C2B00016'

export declare const utils: {
  readonly phone: {
    /** `{phone: '254712345678', carrier: 'safaricom'}`; the carrier is a hint. */
    normalize(request: { phone: string }): { phone: string, carrier: 'safaricom' | 'airtel' | 'telkom' | 'other' }
  }
  readonly daraja: {
    /** The STK `Password` and the timestamp it was made with (now, Kenyan time, by default). */
    stkPassword(request: { shortcode: string, passkey: string, timestamp?: string }): { password: string, timestamp: string }
    /** Now as `YYYYMMDDHHmmss`, Kenyan time. */
    timestamp(request?: Record<string, never>): { timestamp: string }
    /** Encrypts an initiator password with Safaricom's (or your) certificate. */
    securityCredential(request: { password: string, certificatePem?: string, environment?: 'sandbox' | 'production' }): { securityCredential: string }
    c2bAccept(request?: { thirdPartyTransId?: string }): C2bReply
    c2bReject(request: { reason: C2bRejectReason }): C2bReply
    c2bConfirmationAck(request?: Record<string, never>): C2bReply
    /** The reply to a Bill Manager payment notification: `{rescode: '200', resmsg: 'Success'}`. */
    billPaymentAck(request?: Record<string, never>): BillPaymentAck
  }
}

/** Runs a local utility by name, e.g. `phone.normalize`. */
export declare function utility(name: string, request?: object): unknown

/** Every operation name the native core offers (`statum.send_sms`...). */
export declare function operations(): string[]
/** Every callback kind the native core parses. */
export declare function callbackKinds(): string[]
/** Every local utility the native core offers. */
export declare function utilities(): string[]
/** Every error kind of the core; each has its own `TumaError` subclass (its static `kind`). */
export declare function errorKinds(): ErrorKind[]
/** Version of the tuma core in the addon. */
export declare const version: string

// ---------------------------------------------------------------------------------------
// Errors

export type ErrorKind =
  | 'invalid_input' | 'config' | 'authentication' | 'authorization' | 'api' | 'rate_limited'
  | 'network' | 'timeout' | 'decode' | 'invalid_callback' | 'store' | 'busy'

/**
 * What became of the request of a failed call: `not_sent` (nothing reached the provider:
 * safe to send again), `refused` (a documented refusal: not processed), `unknown` (it may
 * have been processed: for a money call, recover before sending again).
 */
export type Fate = 'not_sent' | 'refused' | 'unknown'

/**
 * What identifies the payment of a failed money call (STK push, B2C, B2B, reversal, Statum
 * airtime, UMS Pay STK push) once its input was valid. Each id is present only when known.
 */
export interface Recovery {
  /** The operation, e.g. `daraja.stk_push`. */
  operation: string
  /** The phone paid or charged, normalised (`2547…`). */
  phone?: string
  /** Whole shillings. */
  amount?: number
  /** The paying or paid Daraja shortcode; the UMS Pay account id. */
  shortcode?: string
  /** B2B: the shortcode paid (`PartyB`). */
  receiver?: string
  /** STK push and B2B: the `AccountReference` sent. */
  accountReference?: string
  /** STK push: the `Timestamp` sent (`YYYYMMDDHHmmss`, Kenyan time). */
  timestamp?: string
  /** UMS Pay: your `reference`. */
  reference?: string
  /** B2C, B2B, reversal: the `OriginatorConversationID` sent. */
  originatorConversationId?: string
  /** Reversal: the receipt being reversed. */
  transactionId?: string
  /** Daraja STK: the `CheckoutRequestID`, when an answer carried one. */
  checkoutRequestId?: string
  /** Daraja: the `ConversationID`, when an answer carried one. */
  conversationId?: string
  /** UMS Pay: the `transaction_request_id`, when an answer carried one. */
  transactionRequestId?: string
  /** Statum or Daraja: the provider's request id, when an answer carried one. */
  requestId?: string
  /** What to do now, in one sentence (depends on the operation and the fate). */
  advice: string
}

/**
 * A call aborted through its `AbortSignal` before its once-only request (a payment, an SMS)
 * was written: nothing was sent, nor ever will be. `cause` is the signal's reason.
 */
export declare class AbortError extends Error {
  readonly name: 'AbortError'
  readonly code: 'ABORT_ERR'
  /** The operation aborted, e.g. `daraja.stk_push`. */
  readonly operation: string
  readonly fate: 'not_sent'
}

/**
 * Any failure reported by tuma. (A call that fails inside tuma itself, a bug such as a
 * panic caught on its worker, rejects instead with a plain `Error` whose `code` is
 * `ERR_TUMA_INTERNAL` and whose `fate` is `unknown`.)
 */
export declare class TumaError extends Error {
  readonly kind: ErrorKind
  /** `statum`, `daraja` or `umspay`; null for input and configuration errors. */
  readonly provider: 'statum' | 'daraja' | 'umspay' | null
  /** HTTP status of the provider's answer, when there was one. */
  readonly status: number | null
  /** The provider's own error code (`400.002.02`, `422`, `102`...). */
  readonly code: string | null
  /** The provider's request id. */
  readonly requestId: string | null
  /** The input or setting at fault (`phone`, `statum.consumer_key`). */
  readonly field: string | null
  /** How long the provider asked to wait, on `RateLimitedError`. */
  readonly retryAfterMs: number | null
  /** What became of the request: see `Fate`. */
  readonly fate: Fate
  /**
   * True when the request may have been processed although the call failed (`fate` is
   * `unknown`): for a money-moving call, check the status (or wait for the callback) before
   * sending again.
   */
  readonly outcomeUnknown: boolean
  /** The payment's ids and advice, on a money call whose input was valid; else null. */
  readonly recovery: Recovery | null
}
export declare class InvalidInputError extends TumaError { static readonly kind: 'invalid_input'; readonly kind: 'invalid_input' }
export declare class ConfigError extends TumaError { static readonly kind: 'config'; readonly kind: 'config' }
export declare class AuthenticationError extends TumaError { static readonly kind: 'authentication'; readonly kind: 'authentication' }
/** HTTP 403: valid credentials, not allowed this operation or resource. */
export declare class AuthorizationError extends TumaError { static readonly kind: 'authorization'; readonly kind: 'authorization' }
export declare class ApiError extends TumaError { static readonly kind: 'api'; readonly kind: 'api' }
export declare class RateLimitedError extends TumaError { static readonly kind: 'rate_limited'; readonly kind: 'rate_limited' }
export declare class NetworkError extends TumaError { static readonly kind: 'network'; readonly kind: 'network' }
export declare class TimeoutError extends TumaError { static readonly kind: 'timeout'; readonly kind: 'timeout' }
export declare class DecodeError extends TumaError { static readonly kind: 'decode'; readonly kind: 'decode' }
export declare class InvalidCallbackError extends TumaError { static readonly kind: 'invalid_callback'; readonly kind: 'invalid_callback' }
/** The shared state store (Redis) failed: for de-duplication, do not act on a guess. */
export declare class StoreError extends TumaError { static readonly kind: 'store'; readonly kind: 'store' }
/**
 * Too many calls in flight on this client: `http.maxThreads` calls running and
 * `http.maxQueued` waiting, or no thread could be started at all (a pids limit). The call was
 * not started and nothing was sent (`fate` `not_sent`): safe to try again later.
 */
export declare class BusyError extends TumaError { static readonly kind: 'busy'; readonly kind: 'busy' }
