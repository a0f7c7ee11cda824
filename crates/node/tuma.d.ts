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
   * Most worker threads of this client's pool, i.e. calls running at once (default 512,
   * 1 to 100 000). Each thread has a 256 KiB stack and exits after a minute idle.
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

export interface SendSmsRequest {
  /** A registered sender id, 1–11 characters. */
  senderId: string
  /** Any accepted Kenyan form: `0712345678`, `+254 712 345 678`, `254712345678`. */
  phone: string
  /** 1–918 characters. */
  message: string
}

export interface AirtimeRequest {
  phone: string
  /** Whole shillings, 5–10 000. */
  amount: number
}

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

export interface StatumApi {
  sendSms(request: SendSmsRequest, options?: CallOptions): Promise<StatumResponse>
  /** Moves money: never resent after it may have arrived (see `TumaError.fate` and `recovery`). */
  airtime(request: AirtimeRequest, options?: CallOptions): Promise<StatumResponse>
  accountDetails(request?: Record<string, never>, options?: CallOptions): Promise<AccountDetails>
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

export interface StkPushRequest {
  phone: string
  /** Whole shillings, 1–250 000. */
  amount: number
  /** 1–12 characters. */
  accountReference: string
  /** At most 13 characters. */
  transactionDesc?: string
  /** Defaults to `daraja.callbackUrl` of the options. */
  callbackUrl?: string
  /** Default `pay_bill`. */
  transactionType?: 'pay_bill' | 'buy_goods'
  /** Overrides `daraja.tillNumber` for Buy Goods. */
  tillNumber?: string
}

export interface StkPushResponse {
  merchantRequestId: string
  checkoutRequestId: string
  responseCode: string
  responseDescription: string
  customerMessage: string
}

export interface StkQueryRequest {
  checkoutRequestId: string
}

export interface ConfirmStkPaymentRequest {
  /** The push's CheckoutRequestID (or give `callback`). */
  checkoutRequestId?: string
  /** The raw callback body that arrived on your CallBackURL. */
  callback?: string
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

export interface C2bRegisterUrlsRequest {
  confirmationUrl: string
  validationUrl: string
  /** What M-Pesa does when the validation URL does not answer. Default `Completed`. */
  responseType?: 'Completed' | 'Cancelled'
  shortcode?: string
}

/** The answer to C2B register and simulate. */
export interface C2bResponse {
  originatorConversationId: string
  responseCode: string
  responseDescription: string
}

export interface C2bSimulateRequest {
  phone: string
  amount: number
  billRefNumber?: string
  /** Default `pay_bill`. */
  commandId?: 'pay_bill' | 'buy_goods'
  shortcode?: string
}

/** URLs and party shared by the initiator requests (defaults from the options). */
export interface InitiatorUrls {
  shortcode?: string
  resultUrl?: string
  timeoutUrl?: string
}

export interface B2cRequest extends InitiatorUrls {
  phone: string
  /** Whole shillings, 10–250 000. */
  amount: number
  /** 2–100 characters. */
  remarks: string
  /** Default `business_payment`. */
  commandId?: 'salary_payment' | 'business_payment' | 'promotion_payment'
  occasion?: string
  /** Your idempotency id for the v3 API; generated when absent. */
  originatorConversationId?: string
}

export interface B2cResponse {
  originatorConversationId: string
  conversationId: string
  responseCode: string
  responseDescription: string
}

export interface B2bRequest extends InitiatorUrls {
  /** The receiving shortcode or till. */
  partyB: string
  amount: number
  remarks: string
  /** Default `business_pay_bill`. */
  commandId?: 'business_pay_bill' | 'business_buy_goods'
  accountReference?: string
  /** The customer's phone, for the receiver's records. */
  requester?: string
  occasion?: string
}

/** The synchronous answer to initiator requests; the outcome arrives on `resultUrl`. */
export interface InitiatorResponse {
  conversationId: string
  originatorConversationId: string
  responseCode: string
  responseDescription: string
}

export interface TransactionStatusRequest extends InitiatorUrls {
  /** The M-Pesa receipt; or give `originalConversationId`. */
  transactionId?: string
  originalConversationId?: string
  /** Default `shortcode`. */
  identifierType?: IdentifierType
  remarks?: string
  occasion?: string
}

export interface AccountBalanceRequest extends InitiatorUrls {
  identifierType?: IdentifierType
  remarks?: string
}

export interface ReversalRequest extends InitiatorUrls {
  transactionId: string
  amount: number
  remarks: string
}

export interface DynamicQrRequest {
  merchantName: string
  refNo: string
  amount: number
  trxCode: 'BG' | 'WA' | 'PB' | 'SM' | 'SB'
  /** Credit party identifier: till, paybill, phone... */
  cpi: string
  /** Image size in pixels. */
  size?: number
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

export interface DarajaApi {
  /** Moves money: never resent after it may have arrived. */
  stkPush(request: StkPushRequest, options?: CallOptions): Promise<StkPushResponse>
  stkQuery(request: StkQueryRequest, options?: CallOptions): Promise<StkQueryResponse>
  /**
   * Verify by query before shipping goods: the query's answer when paid, null otherwise. A
   * callback that claims a payment is checked against the payment journal first (a push this
   * application made, from this shortcode, same amount and phone), then against an STK query;
   * a callback that disagrees with either rejects with InvalidCallbackError.
   */
  confirmStkPayment(request: ConfirmStkPaymentRequest, options?: CallOptions): Promise<StkQueryResponse | null>
  c2bRegisterUrls(request: C2bRegisterUrlsRequest, options?: CallOptions): Promise<C2bResponse>
  c2bSimulate(request: C2bSimulateRequest, options?: CallOptions): Promise<C2bResponse>
  b2c(request: B2cRequest, options?: CallOptions): Promise<B2cResponse>
  b2b(request: B2bRequest, options?: CallOptions): Promise<InitiatorResponse>
  transactionStatus(request: TransactionStatusRequest, options?: CallOptions): Promise<InitiatorResponse>
  accountBalance(request?: AccountBalanceRequest, options?: CallOptions): Promise<InitiatorResponse>
  reversal(request: ReversalRequest, options?: CallOptions): Promise<InitiatorResponse>
  dynamicQr(request: DynamicQrRequest, options?: CallOptions): Promise<DynamicQr>
}

// ---------------------------------------------------------------------------------------
// UMS Pay

export interface UmsPayStkPushRequest {
  /** Whole shillings, 10–250 000. */
  amount: number
  phone: string
  /** Your reference for the payment, 1–12 characters (it becomes the STK AccountReference). */
  reference: string
}

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

export type TransactionStatus =
  | ({ status: 'pending' } & PendingPayment)
  | ({ status: 'completed' } & CompletedPayment)
  | ({ status: 'failed' | 'cancelled' | 'timeout' } & FailedPayment)

export interface TransactionRequestIdRequest {
  transactionRequestId: string
}

export interface WaitForStatusRequest {
  transactionRequestId: string
  /** Default 60 000, at most 3 600 000. Holds one of tuma's worker threads meanwhile. */
  timeoutMs?: number
}

/** Confirm by id, or by a raw webhook body (which is then checked with a status query). */
export type ConfirmPaymentRequest =
  | { transactionRequestId: string, webhook?: never }
  | { webhook: string, transactionRequestId?: never }

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

export interface UmsPayApi {
  /** Moves money: never resent after it may have arrived. */
  stkPush(request: UmsPayStkPushRequest, options?: CallOptions): Promise<UmsPayStkPush>
  transactionStatus(request: TransactionRequestIdRequest, options?: CallOptions): Promise<TransactionStatus>
  /** Polls until the payment leaves `pending` or `timeoutMs` passes. */
  waitForStatus(request: WaitForStatusRequest, options?: CallOptions): Promise<TransactionStatus>
  /**
   * The completed payment, or null when it did not complete. A webhook that claims a payment
   * is checked against the payment journal first (a push this application made, same amount,
   * phone and reference), then against a status query; any disagreement rejects with
   * InvalidCallbackError.
   */
  confirmPayment(request: ConfirmPaymentRequest, options?: CallOptions): Promise<CompletedPayment | null>
}

// ---------------------------------------------------------------------------------------
// Receiving callbacks

export interface ReceiveCallbackRequest {
  /** A callback kind: `statum.airtime_result`, `daraja.stk_callback`, `umspay.webhook`... */
  kind: string
  /** The raw request body, as received. */
  body: string
}

/**
 * What `receive` found: `claimed` (yours: process, then `complete` or `release`),
 * `in_progress` (another worker holds an unexpired claim: answer non-200 so the provider
 * redelivers), `done` (processed before: answer 200, do nothing).
 */
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

export interface ClaimRequest {
  /** `claim` of a `ReceivedCallback`. */
  claim: string
}

export interface CallbacksApi {
  /**
   * Parses a callback and claims its id for `store.callbackLeaseMs` (process- or
   * fleet-wide). A `StoreError` when the store cannot answer: never a guess.
   */
  receive(request: ReceiveCallbackRequest, options?: CallOptions): Promise<ReceivedCallback>
  /**
   * Marks a claimed callback processed: redeliveries are then `done`. `leaseHeld` is false
   * when the lease had run out meanwhile (another worker may have processed it too).
   */
  complete(request: ClaimRequest, options?: CallOptions): Promise<{ completed: true, leaseHeld: boolean }>
  /**
   * Gives a claim back after processing failed, so the next redelivery is processed;
   * `released` is false when the lease had already run out.
   */
  release(request: ClaimRequest, options?: CallOptions): Promise<{ released: boolean }>
  /** True the first time `id` is seen (a mark, with no way back: prefer claims). */
  firstTime(request: { id: string }, options?: CallOptions): Promise<{ firstTime: boolean }>
}

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
  }
  readonly umspay: {
    webhook(body: CallbackBody): UmsPayWebhookEvent
  }
}

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
