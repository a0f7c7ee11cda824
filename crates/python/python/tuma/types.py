"""Typed shapes of tuma's configuration, results and callbacks.

Every result is a plain ``dict`` at run time; these ``TypedDict`` classes tell type checkers
(``mypy --strict``, pyright) and editors which keys it holds. Field names and meanings are
the Rust core's (crate ``tuma``), serialised unchanged.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

__all__ = [
    "StatumConfig",
    "HttpConfig",
    "DarajaConfig",
    "UmsPayConfig",
    "StoreConfig",
    "Fate",
    "ErrorKind",
    "Recovery",
    "PaymentStatus",
    "ClaimStatus",
    "ReceivedCallback",
    "CompletedCallback",
    "ReleasedCallback",
    "FirstTime",
    "StkPushResponse",
    "StkQueryResponse",
    "C2bResponse",
    "B2cResponse",
    "InitiatorResponse",
    "DynamicQr",
    "StkCallback",
    "StkMetadataItem",
    "DarajaResult",
    "ResultParameter",
    "C2bPayment",
    "QueueTimeout",
    "C2bReply",
    "StkPassword",
    "Timestamp",
    "SecurityCredential",
    "UmsPayStkPush",
    "UmsPayCompletedPayment",
    "UmsPayTransactionStatus",
    "UmsPayWebhookEvent",
    "StatumResponse",
    "AccountDetails",
    "Organization",
    "OrganizationDetails",
    "ServiceAccount",
    "StatumResult",
    "StatumAirtimeResult",
    "NormalizedPhone",
    "B2bExpressCheckoutResponse",
    "B2bExpressCallback",
    "PullRegisterResponse",
    "PullTransaction",
    "PullTransactions",
    "RatibaResponse",
    "RatibaCallback",
    "BillError",
    "BillManagerResponse",
    "BillInvoiceChunk",
    "BillInvoicesResponse",
    "BillPayment",
    "BillPaymentAck",
    "JournalOutcome",
    "ReconciledPayment",
    "ReconcileReport",
    "JsonObject",
]

JsonObject = Dict[str, Any]
"""A JSON object as Python sees it."""


# --- configuration ---------------------------------------------------------------------


class _StatumConfigRequired(TypedDict):
    consumer_key: str
    consumer_secret: str


class StatumConfig(_StatumConfigRequired, total=False):
    """Statum credentials; ``base_url`` defaults to production."""

    base_url: str


class HttpConfig(TypedDict, total=False):
    """Timeouts, retries and transport settings shared by every provider."""

    connect_timeout_ms: int
    timeout_ms: int
    max_retries: int
    retry_initial_backoff_ms: int
    retry_max_backoff_ms: int
    allow_insecure_http: bool
    user_agent_suffix: str
    extra_root_certificates_pem: str
    max_threads: int
    """Most worker threads of the client's pool, which runs :class:`tuma.AsyncClient` calls:
    calls in flight at once (1 to 100 000; default 1 024, or half the soft limit of open
    files when lower: 512 under ``ulimit -n`` 1024). Threads start on demand and exit
    after a minute idle."""
    max_queued: int
    """Calls waiting for one of those workers (default 100 000); one more raises
    :class:`tuma.BusyError` at once, not sent."""


class _DarajaConfigRequired(TypedDict):
    consumer_key: str
    consumer_secret: str
    shortcode: str


class DarajaConfig(_DarajaConfigRequired, total=False):
    """Daraja (M-Pesa) credentials and defaults; see the Rust ``DarajaConfig``."""

    environment: str
    """``"sandbox"`` or ``"production"`` (default)."""
    base_url: str
    passkey: str
    till_number: str
    initiator_name: str
    initiator_password: str
    security_credential: str
    certificate_pem: str
    callback_url: str
    result_url: str
    timeout_url: str


class _UmsPayConfigRequired(TypedDict):
    api_key: str
    email: str
    account_id: str


class UmsPayConfig(_UmsPayConfigRequired, total=False):
    """UMS Pay credentials; ``base_url`` defaults to production."""

    base_url: str
    rate_per_second: int
    daily_quota: int
    legacy_endpoints: bool


class _StoreConfigRequired(TypedDict):
    url: str


class StoreConfig(_StoreConfigRequired, total=False):
    """Where shared state lives: ``"memory"`` (the default: per process) or a ``redis://`` /
    ``rediss://`` URL (fleet-wide callback claims, payment journal, token and rate limits)."""

    key_prefix: str
    timeout_ms: int
    dedup_ttl_secs: int
    """How long a completed callback id is remembered (default 7 days)."""
    callback_lease_ms: int
    """How long a callback claim lasts before a redelivery may take it over, so a worker
    that died loses it (default 60 000)."""
    journal_ttl_secs: int
    """How long the payment journal keeps a push (default 3 days)."""
    journal_required: bool
    """Whether a callback about a push missing from the payment journal is refused as forged
    (``InvalidCallbackError``). Default: True with Redis (the journal sees every worker's
    pushes), False with the memory store (another process, or this one before a restart,
    may have pushed it: such a callback is verified by querying the provider alone; a
    callback whose id *is* in the journal is still compared for amount, phone and
    shortcode). Set it True when this one process makes every push."""


# --- errors ----------------------------------------------------------------------------


ErrorKind = Literal[
    "invalid_input",
    "config",
    "authentication",
    "authorization",
    "api",
    "rate_limited",
    "network",
    "timeout",
    "decode",
    "invalid_callback",
    "store",
    "busy",
]
"""``TumaError.kind``: the core's error kinds (``tuma.ERROR_KINDS``), each raised as its own
class (``tuma.error_class(kind)``)."""


Fate = Literal["not_sent", "refused", "unknown"]
"""What became of a failed call's request (``TumaError.fate``): ``not_sent`` (safe to send
again), ``refused`` (a documented refusal: the provider did not process it) or ``unknown``
(it may have been processed: money may have moved; ``outcome_unknown`` is True)."""


class _RecoveryRequired(TypedDict):
    operation: str
    """The operation, e.g. ``daraja.stk_push``."""
    advice: str
    """What to do now, in one sentence."""


class Recovery(_RecoveryRequired, total=False):
    """What identifies the payment of a failed money call (``TumaError.recovery``): enough
    to query its status, match a late callback or resend safely. Each key is present only
    when known."""

    phone: str
    """The phone paid or charged, normalised (``2547…``)."""
    amount: int
    """Whole shillings."""
    shortcode: str
    receiver: str
    """B2B: the shortcode paid."""
    account_reference: str
    """STK push and B2B: the ``AccountReference`` sent."""
    timestamp: str
    """STK push: the ``Timestamp`` sent (Kenyan time, ``YYYYMMDDHHmmss``)."""
    reference: str
    """UMS Pay: the merchant reference sent."""
    originator_conversation_id: str
    """B2C, B2B, reversal: the ``OriginatorConversationID`` sent."""
    transaction_id: str
    """Reversal: the M-Pesa receipt being reversed."""
    checkout_request_id: str
    conversation_id: str
    transaction_request_id: str
    request_id: str


# --- callbacks -------------------------------------------------------------------------


PaymentStatus = Literal["completed", "failed", "cancelled", "timeout", "pending"]
"""Where a payment stands, in one vocabulary for every provider (``status`` of Daraja's STK
callback and query, Daraja's ResultURL results, UMS Pay's status and webhooks):
``completed`` (the money moved), ``failed`` (it did not: insufficient funds, wrong PIN…),
``cancelled`` (the payer cancelled the prompt, M-Pesa 1032), ``timeout`` (the payer could
not be reached or did not answer, 1037) or ``pending`` (not decided yet). The provider's own
code stays beside it (``result_code``, ``response_code``, ``code``)."""


ClaimStatus = Literal["claimed", "in_progress", "done"]
"""What receiving a callback found: ``claimed`` (yours: process it, then complete or
release the claim), ``in_progress`` (another worker holds it: answer non-200) or ``done``
(processed already: answer 200, do nothing)."""


class ReceivedCallback(TypedDict):
    """A parsed callback and the claim on its id."""

    first_time: bool
    """True when this call claimed it (``status == "claimed"``)."""
    status: ClaimStatus
    claim: Optional[str]
    """The token for ``callbacks.complete`` / ``callbacks.release``; None unless claimed."""
    id: str
    """The provider's id it is de-duplicated on."""
    callback: JsonObject


class CompletedCallback(TypedDict):
    """The answer to ``callbacks.complete``: ``lease_held`` is False when the lease had
    expired meanwhile (another worker may have processed the callback too)."""

    completed: bool
    lease_held: bool


class ReleasedCallback(TypedDict):
    """The answer to ``callbacks.release``: False when the lease had already expired."""

    released: bool


class FirstTime(TypedDict):
    first_time: bool


# --- Statum ----------------------------------------------------------------------------


class StatumResponse(TypedDict):
    """Statum's synchronous answer to SMS and airtime requests."""

    status_code: int
    """An ``int`` whether Statum sent it as a number or as a string (``"200"``)."""
    description: str
    request_id: str


class OrganizationDetails(TypedDict):
    """Wallet balance and contact details of an organisation."""

    available_balance: float
    location: Optional[str]
    website: Optional[str]
    office_email: Optional[str]
    office_mobile: Optional[str]
    mpesa_account_top_up_code: Optional[str]


class ServiceAccount(TypedDict):
    """A service account of an organisation, e.g. an SMS sender id."""

    account: str
    service_name: str


class Organization(TypedDict):
    """An organisation registered with Statum."""

    name: str
    details: OrganizationDetails
    accounts: List[ServiceAccount]


class AccountDetails(TypedDict):
    """The answer to ``statum.account_details``."""

    status_code: int
    description: str
    request_id: str
    organization: Organization


class StatumResult(TypedDict):
    """Statum's generic result webhook."""

    request_id: str
    result_code: str
    result_desc: str


class StatumAirtimeResult(TypedDict):
    """Statum's airtime result webhook: the charge and the new wallet balance (``None`` when
    the webhook lacks them, as a failure's may)."""

    request_id: str
    charge: Optional[float]
    account_balance: Optional[float]
    result_code: str
    result_desc: str


# --- Daraja ---------------------------------------------------------------------------


class StkPushResponse(TypedDict):
    """Daraja's answer to an STK push: keep ``checkout_request_id``."""

    merchant_request_id: str
    checkout_request_id: str
    response_code: str
    response_description: str
    customer_message: str


class StkQueryResponse(TypedDict):
    """The state of an STK push; ``pending`` while the payer has not answered."""

    merchant_request_id: str
    checkout_request_id: str
    pending: bool
    result_code: str
    result_desc: str
    outcome: str
    status: PaymentStatus
    """``pending`` while the payer has not answered, then ``completed``, ``cancelled``,
    ``timeout`` or ``failed``."""
    response_code: str
    response_description: str


class C2bResponse(TypedDict):
    """Daraja's answer to C2B URL registration and simulation."""

    originator_conversation_id: str
    response_code: str
    response_description: str


class B2cResponse(TypedDict):
    """Daraja's acceptance of a B2C payment: store ``originator_conversation_id``."""

    originator_conversation_id: str
    conversation_id: str
    response_code: str
    response_description: str


class InitiatorResponse(TypedDict):
    """Daraja's acceptance of an initiator request (B2B, status, balance, reversal); the
    result arrives on the ``result_url``."""

    conversation_id: str
    originator_conversation_id: str
    response_code: str
    response_description: str


class DynamicQr(TypedDict):
    """A dynamic M-Pesa QR code; ``qr_code`` is the PNG image in base64."""

    response_code: str
    request_id: str
    response_description: str
    qr_code: str


class StkMetadataItem(TypedDict):
    name: str
    value: Any


class StkCallback(TypedDict):
    """The STK push result Daraja POSTs to the ``callback_url``."""

    merchant_request_id: str
    checkout_request_id: str
    result_code: str
    result_desc: str
    outcome: str
    status: PaymentStatus
    """``completed``, ``cancelled`` (1032), ``timeout`` (1037) or ``failed``."""
    amount: Optional[float]
    mpesa_receipt_number: Optional[str]
    transaction_date: Optional[str]
    phone_number: Optional[str]
    balance: Optional[str]
    metadata: List[StkMetadataItem]


class ResultParameter(TypedDict):
    key: str
    value: Any


class DarajaResult(TypedDict):
    """The result of an initiator request (B2C, B2B, status, balance, reversal).

    ``details`` holds the typed parameters with a ``kind`` key (``b2c``, ``b2b``,
    ``transaction_status``, ``account_balance``, ``reversal`` or ``unknown``)."""

    result_type: str
    result_code: str
    result_desc: str
    outcome: str
    status: PaymentStatus
    """``completed`` (``result_code`` 0) or ``failed``."""
    originator_conversation_id: str
    conversation_id: str
    transaction_id: Optional[str]
    details: JsonObject
    parameters: List[ResultParameter]
    reference_data: List[ResultParameter]


class C2bPayment(TypedDict):
    """A C2B validation request or confirmation."""

    transaction_type: str
    trans_id: str
    trans_time: str
    trans_amount: float
    business_short_code: str
    bill_ref_number: str
    invoice_number: str
    org_account_balance: str
    third_party_trans_id: str
    msisdn: str
    first_name: str
    middle_name: str
    last_name: str


class QueueTimeout(TypedDict):
    """What Daraja POSTs to the ``timeout_url`` when a request timed out in its queue."""

    originator_conversation_id: Optional[str]
    conversation_id: Optional[str]
    result_code: Optional[str]
    result_desc: Optional[str]
    raw: Any


class _C2bReplyRequired(TypedDict):
    ResultCode: Union[str, int]
    ResultDesc: str


class C2bReply(_C2bReplyRequired, total=False):
    """The JSON body to answer a C2B validation or confirmation with."""

    ThirdPartyTransID: str


class StkPassword(TypedDict):
    password: str
    timestamp: str


class Timestamp(TypedDict):
    timestamp: str


class SecurityCredential(TypedDict):
    security_credential: str


# --- Daraja's other portal APIs --------------------------------------------------------


class B2bExpressCheckoutResponse(TypedDict):
    """Daraja's acknowledgement of a B2B Express Checkout (a USSD prompt to the merchant's
    operator); the outcome arrives on the request's ``callback_url``."""

    request_ref_id: str
    """The ``RequestRefID`` sent (yours or generated): the callback's ``request_id``."""
    code: str
    """``"0"``: the prompt was initiated."""
    status: str
    """``USSD Initiated Successfully``."""


class B2bExpressCallback(TypedDict):
    """The outcome of a B2B Express Checkout, POSTed to its ``callback_url``."""

    result_code: str
    """``"0"`` paid, ``"4001"`` cancelled by the operator, other codes failed."""
    result_desc: str
    request_id: str
    """The request's ``RequestRefID``: match it to your order."""
    amount: Optional[float]
    status: PaymentStatus
    """``completed``, ``cancelled`` or ``failed``."""
    transaction_id: Optional[str]
    """The M-Pesa receipt (success only)."""
    conversation_id: Optional[str]
    result_type: Optional[str]
    status_text: Optional[str]
    """Daraja's own ``status`` text (``SUCCESS``), when given."""
    payment_reference: Optional[str]
    """``paymentReference`` (on cancellation)."""


class PullRegisterResponse(TypedDict):
    """Daraja's answer to a Pull Transactions registration."""

    response_ref_id: str
    response_status: str
    """``"1000"`` registered, ``"1001"`` already registered."""
    already_registered: bool
    short_code: str
    response_description: str


class PullTransaction(TypedDict):
    """One C2B payment, as Pull Transactions lists it."""

    transaction_id: str
    """The M-Pesa receipt."""
    trx_date: str
    """As sent, e.g. ``2020-08-05T10:13:00Z``."""
    msisdn: str
    transaction_type: str
    """e.g. ``c2b-pay-bill-debit``."""
    bill_reference: str
    """The account number the payer typed."""
    amount: Optional[float]
    organization_name: str


class PullTransactions(TypedDict):
    """Every C2B payment of a period, gathered page by page."""

    shortcode: str
    start_date: str
    end_date: str
    transactions: List[PullTransaction]
    pages: int
    """How many pages were fetched."""
    complete: bool
    """False when ``max_pages`` ran out first (or the provider repeated a page): ask
    again for the rest."""


class RatibaResponse(TypedDict):
    """Daraja's answer to a standing order request (M-Pesa Ratiba); the outcome arrives on
    the request's ``callback_url``."""

    response_ref_id: str
    """The callback's ``response_ref_id``."""
    response_code: str
    """``"200"``: accepted for processing."""
    response_description: str
    result_desc: str


class RatibaCallback(TypedDict):
    """The outcome of a standing order request (keys matched in any letter case)."""

    response_ref_id: str
    request_ref_id: Optional[str]
    response_code: str
    """``"0"`` created; otherwise an error code (``1032`` cancelled, ``1037`` timeout,
    ``1050`` duplicate name...)."""
    response_description: str
    status: PaymentStatus
    """``completed`` (created), ``cancelled``, ``timeout`` or ``failed``."""
    transaction_id: Optional[str]
    result_status: Optional[str]
    """``OKAY`` or ``ERROR``."""
    msisdn: Optional[str]
    """Masked."""
    data: List[ResultParameter]
    """Every name/value pair of the data, as sent."""


class BillError(TypedDict):
    """An invoice a bulk cancellation could not cancel, and why."""

    external_reference: str
    resmsg: str


class BillManagerResponse(TypedDict):
    """Bill Manager's answer."""

    rescode: str
    """``"200"`` success; ``"409"`` when a bulk cancellation met paid invoices."""
    resmsg: str
    status_message: Optional[str]
    app_key: Optional[str]
    """Opt-in only."""
    errors: List[BillError]


class BillInvoiceChunk(TypedDict):
    """One call (at most 1000 invoices) of ``daraja.bill_invoices``."""

    index: int
    first: int
    """The position in the list of its first invoice."""
    count: int
    outcome: Literal["accepted", "refused", "unknown", "not_sent"]
    """``accepted``; ``refused`` (none of it was created: fix and send again); ``unknown``
    (it may have been created: check before sending again); ``not_sent`` (safe to send
    again; no call is sent after an ``unknown`` or ``not_sent`` one)."""
    rescode: Optional[str]
    resmsg: Optional[str]
    error: Optional[JsonObject]
    """The error (``kind``, ``message``, ``fate``, ``code``...) of a failed call."""


class BillInvoicesResponse(TypedDict):
    """What became of a list of invoices, call by call."""

    invoices: int
    accepted: int
    all_accepted: bool
    chunks: List[BillInvoiceChunk]


class BillPayment(TypedDict):
    """A payment of an invoice, POSTed by Bill Manager to the opt-in ``callback_url``
    (answer it with ``tuma.utilities.daraja_bill_payment_ack()``)."""

    transaction_id: str
    """The M-Pesa receipt: redeliveries share it."""
    paid_amount: float
    msisdn: str
    date_created: str
    account_reference: str
    short_code: str


class BillPaymentAck(TypedDict):
    """The reply Bill Manager expects to a payment notification."""

    rescode: str
    resmsg: str


# --- the payment journal ----------------------------------------------------------------


class _JournalOutcomeRequired(TypedDict):
    status: PaymentStatus
    """Never ``pending``."""
    result_code: str
    result_desc: str
    source: Literal["callback", "query", "pull"]
    """Who told it: its callback, a query (STK query, transaction status, UMS Pay status)
    or Daraja's Pull Transactions."""
    recorded_at_ms: int


class JournalOutcome(_JournalOutcomeRequired, total=False):
    """A payment's final outcome, as recorded in the journal."""

    receipt: str
    """The M-Pesa receipt, when money moved and the source told it."""


class ReconciledPayment(TypedDict):
    """One payment of a :class:`ReconcileReport`."""

    provider: Literal["statum", "daraja", "umspay"]
    operation: str
    """``daraja.stk_push``, ``daraja.b2c``, ``daraja.c2b``, ``umspay.stk_push``..."""
    id: str
    """The provider's id (``CheckoutRequestID``, ``OriginatorConversationID``, ``TransID``...)."""
    amount: int
    phone: str
    reference: str
    sent_at_ms: int
    old_status: Optional[PaymentStatus]
    """``pending``, or None for a payment the journal did not hold."""
    new_status: PaymentStatus
    action: Literal["resolved", "pending", "awaiting_result", "skipped", "error", "found", "receipt_found"]
    """What the reconciler did: ``resolved`` (final outcome recorded), ``pending`` (still
    pending at the provider), ``awaiting_result`` (transaction status asked; the answer
    comes on the ResultURL), ``skipped``, ``error``, ``found`` (a C2B payment the journal
    did not hold), ``receipt_found`` (an STK receipt from Pull Transactions)."""
    outcome: Optional[JournalOutcome]
    error: Optional[str]
    """Why the query failed, for ``error``."""


class ReconcileReport(TypedDict):
    """What a run of ``journal.reconcile`` found and did."""

    examined: int
    resolved: int
    pending: int
    awaiting_result: int
    skipped: int
    errors: int
    c2b_found: int
    receipts_found: int
    expired: int
    queries: int
    c2b_error: Optional[str]
    took_ms: int
    payments: List[ReconciledPayment]


# --- UMS Pay ---------------------------------------------------------------------------


class UmsPayStkPush(TypedDict):
    """UMS Pay's acceptance of an STK push: keep ``transaction_request_id``."""

    transaction_request_id: str
    message: str
    msisdn: str
    amount: int
    reference: str


class UmsPayCompletedPayment(TypedDict):
    """A payment UMS Pay reports as paid."""

    transaction_request_id: str
    receipt: str
    amount: float
    msisdn: str
    date: str
    reference: str
    account_id: Optional[str]
    description: str


class _UmsPayStatusRequired(TypedDict):
    status: PaymentStatus
    transaction_request_id: str
    description: str


class UmsPayTransactionStatus(_UmsPayStatusRequired, total=False):
    """The state of a UMS Pay payment; which keys are present depends on ``status``
    (``receipt``, ``account_id`` when completed; ``code`` when it failed)."""

    receipt: str
    code: str
    amount: Optional[float]
    msisdn: Optional[str]
    reference: Optional[str]
    date: Optional[str]
    account_id: Optional[str]


class UmsPayWebhookEvent(TypedDict):
    """A UMS Pay webhook: one per final STK result. Tell outcomes apart by ``status`` (or the
    raw M-Pesa ``response_code``). ``event`` is ``payment.completed`` or ``payment.failed``
    (from the body's ``event`` field, which observed webhooks do not carry, else from
    ``response_code``), or ``payment.initiated`` for a webhook without a result."""

    event: str
    transaction_request_id: str
    response_code: Optional[int]
    status: PaymentStatus
    """``completed`` (``response_code`` 0), ``cancelled`` (1032), ``timeout`` (1037),
    ``failed`` (any other code) or ``pending`` (no result yet)."""
    response_description: Optional[str]
    merchant_request_id: Optional[str]
    checkout_request_id: Optional[str]
    amount: Optional[float]
    receipt: Optional[str]
    date: Optional[str]
    reference: Optional[str]
    msisdn: Optional[str]
    extra: JsonObject


# --- utilities -------------------------------------------------------------------------


class NormalizedPhone(TypedDict):
    """A Kenyan mobile number in canonical form ``254`` + 9 digits, with its carrier."""

    phone: str
    carrier: str
