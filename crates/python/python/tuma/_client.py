"""The Pythonic clients: keyword arguments in, typed dicts out.

This module only converts arguments: every check, request and provider rule lives in the
Rust core, reached through ``tuma._tuma.Client.call(operation, request_json)``. A method
``client.<provider>.<method>(**kwargs)`` calls the core operation ``"<provider>.<method>"``
with the keyword arguments as the request document, unchanged.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any, Dict, List, Optional, cast

from . import _tuma
from .requests import BillCancelInvoiceRequest, BillInvoiceItem, BillInvoiceRequest
from .types import (
    AccountDetails,
    B2bExpressCheckoutResponse,
    B2cResponse,
    BillInvoicesResponse,
    BillManagerResponse,
    C2bResponse,
    CompletedCallback,
    DarajaConfig,
    DynamicQr,
    FirstTime,
    HttpConfig,
    InitiatorResponse,
    JsonObject,
    PullRegisterResponse,
    PullTransactions,
    RatibaResponse,
    ReceivedCallback,
    ReconcileReport,
    Recovery,
    ReleasedCallback,
    StoreConfig,
    StatumConfig,
    StatumResponse,
    StkPushResponse,
    StkQueryResponse,
    UmsPayCompletedPayment,
    UmsPayConfig,
    UmsPayStkPush,
    UmsPayTransactionStatus,
)

__all__ = ["Client", "AsyncClient", "CancelledAfterSendError"]


def _config_json(
    statum: Optional[StatumConfig],
    daraja: Optional[DarajaConfig],
    umspay: Optional[UmsPayConfig],
    http: Optional[HttpConfig],
    store: Optional[StoreConfig],
) -> str:
    config: JsonObject = {}
    parts = (("statum", statum), ("daraja", daraja), ("umspay", umspay), ("http", http), ("store", store))
    for name, part in parts:
        if part is not None:
            config[name] = dict(part)
    return json.dumps(config)


class Client:
    """A tuma client: build one per application and share it between threads.

    Configure the providers you use; each is a dict of settings (see ``tuma.types``)::

        client = tuma.Client(
            statum={"consumer_key": "...", "consumer_secret": "..."},
            http={"timeout_ms": 20_000},
        )

    Every network call releases the GIL, so threads calling one client run in parallel.
    Errors are subclasses of :class:`tuma.TumaError`.
    """

    __slots__ = ("_native", "statum", "daraja", "umspay", "callbacks", "journal")

    def __init__(
        self,
        *,
        statum: Optional[StatumConfig] = None,
        daraja: Optional[DarajaConfig] = None,
        umspay: Optional[UmsPayConfig] = None,
        http: Optional[HttpConfig] = None,
        store: Optional[StoreConfig] = None,
    ) -> None:
        self._setup(_tuma.Client(_config_json(statum, daraja, umspay, http, store)))

    def _setup(self, native: _tuma.Client) -> None:
        self._native = native
        self.statum = Statum(self)
        self.daraja = Daraja(self)
        self.umspay = UmsPay(self)
        self.callbacks = Callbacks(self)
        self.journal = Journal(self)

    @classmethod
    def from_env(cls) -> Client:
        """Builds a client from ``TUMA_*`` environment variables (see the docs)."""
        client = cls.__new__(cls)
        client._setup(_tuma.Client.from_env())
        return client

    @classmethod
    def from_json(cls, config_json: str) -> Client:
        """Builds a client from a JSON configuration document
        (``{"statum": {...}, "daraja": {...}, "umspay": {...}, "http": {...}}``)."""
        client = cls.__new__(cls)
        client._setup(_tuma.Client(config_json))
        return client

    def call(self, operation: str, /, **request: Any) -> Any:
        """Runs any core operation by name (see ``tuma.operations()``): the generic form of
        the provider methods, e.g. ``client.call("statum.airtime", phone=..., amount=...)``."""
        return self._call(operation, request)

    def _call(self, operation: str, request: Dict[str, Any], gate: Optional[_tuma.Gate] = None) -> Any:
        """One native call; with a ``gate``, guarded by it (see :class:`AsyncClient`)."""
        return json.loads(self._native.call(operation, json.dumps(request), gate))

    def __repr__(self) -> str:
        return repr(self._native).replace("tuma._tuma.Client", "tuma.Client")


class CancelledAfterSendError(asyncio.CancelledError):
    """An :class:`AsyncClient` call was cancelled after its request may have been written to
    the provider: money may move although the awaiting task was cancelled.

    It is an ``asyncio.CancelledError`` (cancellation, ``asyncio.wait_for``, ``asyncio.timeout``
    and task groups work as usual; under ``asyncio.wait_for`` it is the ``__cause__`` of the
    ``TimeoutError``). The call itself runs to its end on its worker thread:

    - ``outcome``: an ``asyncio.Future`` of the call's real result; awaiting it returns the
      result (with the provider's ids) or raises its :class:`tuma.TumaError` (with ``fate``
      and ``recovery``);
    - ``recovery``: what was known before sending (``operation``, and the request's
      ``phone``, ``amount``, ``account_reference``, ``reference``,
      ``originator_conversation_id``... as given; the phone normalised), to find the
      payment even when the outcome can no longer be awaited;
    - ``operation``: the core operation, e.g. ``daraja.stk_push``.

    A plain ``asyncio.CancelledError`` from an :class:`AsyncClient` call means the opposite:
    no money-moving request was written, and none will be.
    """

    operation: str
    recovery: Recovery
    outcome: "asyncio.Future[Any]"

    def __init__(self, operation: str, recovery: Recovery, outcome: "asyncio.Future[Any]") -> None:
        super().__init__(
            f"{operation} was cancelled after its request may have been sent to the provider: "
            "await `outcome` for its result before sending it again"
        )
        self.operation = operation
        self.recovery = recovery
        self.outcome = outcome


# Request fields that identify a payment before the provider answers, by the name of the
# matching key of `tuma.types.Recovery`.
_RECOVERY_FIELDS = {
    "phone": "phone",
    "amount": "amount",
    "shortcode": "shortcode",
    "party_b": "receiver",
    "account_reference": "account_reference",
    "reference": "reference",
    "originator_conversation_id": "originator_conversation_id",
    "transaction_id": "transaction_id",
}


def _recovery_before_sending(operation: str, request: Dict[str, Any]) -> Recovery:
    recovery: Dict[str, Any] = {"operation": operation}
    for field, key in _RECOVERY_FIELDS.items():
        value = request.get(field)
        if value is not None:
            recovery[key] = value
    phone = recovery.get("phone")
    if isinstance(phone, str):
        try:
            recovery["phone"] = json.loads(_tuma.utility("phone.normalize", json.dumps({"phone": phone})))["phone"]
        except _tuma.TumaError:
            pass  # kept as given
    recovery["advice"] = (
        "the call was cancelled after its request may have reached the provider: await "
        "`outcome` for its result (or its error with the provider's ids), or check the "
        "status, before sending it again"
    )
    return cast(Recovery, recovery)


def _settle(future: "asyncio.Future[Any]", result: Optional[str], error: Optional[BaseException]) -> None:
    """Settles a call's future with what its worker handed over; runs on the loop's thread
    (``loop.call_soon_threadsafe``). A future already done was cancelled by its caller."""
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
        return
    try:
        value = json.loads(cast(str, result))
    except ValueError as e:  # the core only hands out JSON: never seen
        future.set_exception(e)
        return
    future.set_result(value)


async def _call_cancellable(sync: Client, operation: str, request: Dict[str, Any]) -> Any:
    """Runs one native call on the core's worker pool, guarded by a send gate; the worker
    settles an asyncio future through ``loop.call_soon_threadsafe``.

    A full pool raises :class:`tuma.BusyError` here, at once (nothing started, nothing
    sent). On cancellation the gate decides: nothing money-moving written (and now never
    will be) → the plain ``CancelledError`` propagates; otherwise →
    :class:`CancelledAfterSendError` whose ``outcome`` is the still-running call."""
    gate = _tuma.Gate()
    loop = asyncio.get_running_loop()
    future: "asyncio.Future[Any]" = loop.create_future()
    sync._native.submit(operation, json.dumps(request), gate, loop, functools.partial(_settle, future))
    try:
        # Shielded: cancelling the caller must not drop the worker's result.
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        if gate.cancel():
            # Still queued: it never runs. Running: it fails before writing anything.
            future.cancel()
            raise
        raise CancelledAfterSendError(operation, _recovery_before_sending(operation, request), future)


class AsyncClient:
    """The asyncio twin of :class:`Client`: the same methods, as coroutines.

    Each call runs on the core's worker pool (not the loop's executor), without the GIL,
    and its worker settles the awaiting future through ``loop.call_soon_threadsafe``: as
    many calls are in flight as the pool allows (``http.max_threads``, default 512; more
    wait in a queue of ``http.max_queued``, default 100 000). A call that finds the queue
    full raises :class:`tuma.BusyError` at once: it was not started, nothing was sent.

    Cancelling a call is safe for money: a plain ``asyncio.CancelledError`` means its
    money-moving request was not written and never will be; when it may have been,
    :class:`tuma.CancelledAfterSendError` (a ``CancelledError``) is raised instead, and its
    ``outcome`` gives the call's real result.
    """

    __slots__ = ("sync", "statum", "daraja", "umspay", "callbacks", "journal")

    def __init__(
        self,
        *,
        statum: Optional[StatumConfig] = None,
        daraja: Optional[DarajaConfig] = None,
        umspay: Optional[UmsPayConfig] = None,
        http: Optional[HttpConfig] = None,
        store: Optional[StoreConfig] = None,
    ) -> None:
        self._setup(Client(statum=statum, daraja=daraja, umspay=umspay, http=http, store=store))

    def _setup(self, sync: Client) -> None:
        self.sync = sync
        """The blocking client underneath (shares the connection pool)."""
        self.statum = AsyncStatum(self)
        self.daraja = AsyncDaraja(self)
        self.umspay = AsyncUmsPay(self)
        self.callbacks = AsyncCallbacks(self)
        self.journal = AsyncJournal(self)

    @classmethod
    def from_client(cls, client: Client) -> AsyncClient:
        """Wraps an existing blocking client (sharing its connections and token cache)."""
        wrapper = cls.__new__(cls)
        wrapper._setup(client)
        return wrapper

    @classmethod
    def from_env(cls) -> AsyncClient:
        """Builds a client from ``TUMA_*`` environment variables."""
        return cls.from_client(Client.from_env())

    @classmethod
    def from_json(cls, config_json: str) -> AsyncClient:
        """Builds a client from a JSON configuration document."""
        return cls.from_client(Client.from_json(config_json))

    async def call(self, operation: str, /, **request: Any) -> Any:
        """Runs any core operation by name; see :meth:`Client.call`. Cancellation: see the
        class documentation."""
        return await _call_cancellable(self.sync, operation, request)

    def __repr__(self) -> str:
        return repr(self.sync).replace("tuma.Client", "tuma.AsyncClient")


# BEGIN GENERATED by tuma-gen (make gen): provider groups
# Generated by tuma-gen from the core's operation table (make gen): do not edit.


class Statum:
    """Statum: SMS, airtime and account details (``client.statum``)."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def send_sms(self, *, sender_id: str, phone: str, message: str) -> StatumResponse:
        """Sends one SMS."""
        return cast(StatumResponse, self._client.call("statum.send_sms", sender_id=sender_id, phone=phone, message=message))

    def airtime(self, *, phone: str, amount: int) -> StatumResponse:
        """Buys airtime for a phone (moves money)."""
        return cast(StatumResponse, self._client.call("statum.airtime", phone=phone, amount=amount))

    def account_details(self) -> AccountDetails:
        """The Statum account: organisation, balance, service accounts."""
        return cast(AccountDetails, self._client.call("statum.account_details"))


class AsyncStatum:
    """Statum: SMS, airtime and account details (``client.statum`` on :class:`AsyncClient`)."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def send_sms(self, *, sender_id: str, phone: str, message: str) -> StatumResponse:
        """See :meth:`Statum.send_sms`."""
        return cast(StatumResponse, await self._client.call("statum.send_sms", sender_id=sender_id, phone=phone, message=message))

    async def airtime(self, *, phone: str, amount: int) -> StatumResponse:
        """See :meth:`Statum.airtime`."""
        return cast(StatumResponse, await self._client.call("statum.airtime", phone=phone, amount=amount))

    async def account_details(self) -> AccountDetails:
        """See :meth:`Statum.account_details`."""
        return cast(AccountDetails, await self._client.call("statum.account_details"))


class Callbacks:
    """Receiving callbacks: parse, claim, complete or release (``client.callbacks``)."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def receive(self, *, kind: str, body: str) -> ReceivedCallback:
        """Parses a callback and claims it (see the README's callbacks section).

        Request `{"kind", "body"}` (`body`: the raw request body, as a string). Claims the
        callback's id for the store's `callback_lease_ms` (60000 by default). Result
        `{"first_time", "status", "claim", "id", "callback"}`, by `status`:
        - `"claimed"` (`first_time` true, `claim` a token): process it, then
          `callbacks.complete` (redeliveries are then `"done"`), or `callbacks.release` when
          processing failed (the next redelivery is claimed and processed). A worker that
          dies holding a claim loses it after the lease;
        - `"in_progress"`: another worker holds the claim: answer non-200 (e.g. 503) so the
          provider delivers it again later;
        - `"done"`: a redelivery of a processed callback: answer 200, do nothing.

        `claim` is null unless claimed. A store failure is a `store` error, never a guess:
        answer non-200."""
        return cast(ReceivedCallback, self._client.call("callbacks.receive", kind=kind, body=body))

    def complete(self, *, claim: str) -> CompletedCallback:
        """Marks a claimed callback processed.

        Request `{"claim"}` (from `callbacks.receive`): redeliveries are `"done"` for the
        store's `dedup_ttl_secs`. Result `{"completed": true, "lease_held"}`; `lease_held`
        false: the lease had expired before completion, so another worker may have
        processed it too."""
        return cast(CompletedCallback, self._client.call("callbacks.complete", claim=claim))

    def release(self, *, claim: str) -> ReleasedCallback:
        """Gives a claim back after processing failed.

        Request `{"claim"}` (from `callbacks.receive`): the next redelivery is claimed and
        processed. Result `{"released"}`: false when the lease had already expired."""
        return cast(ReleasedCallback, self._client.call("callbacks.release", claim=claim))

    def first_time(self, *, id: str) -> FirstTime:
        """True the first time an id is seen (fleet-wide with Redis)."""
        return cast(FirstTime, self._client.call("callbacks.first_time", id=id))


class AsyncCallbacks:
    """Receiving callbacks: parse, claim, complete or release (``client.callbacks`` on :class:`AsyncClient`)."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def receive(self, *, kind: str, body: str) -> ReceivedCallback:
        """See :meth:`Callbacks.receive`."""
        return cast(ReceivedCallback, await self._client.call("callbacks.receive", kind=kind, body=body))

    async def complete(self, *, claim: str) -> CompletedCallback:
        """See :meth:`Callbacks.complete`."""
        return cast(CompletedCallback, await self._client.call("callbacks.complete", claim=claim))

    async def release(self, *, claim: str) -> ReleasedCallback:
        """See :meth:`Callbacks.release`."""
        return cast(ReleasedCallback, await self._client.call("callbacks.release", claim=claim))

    async def first_time(self, *, id: str) -> FirstTime:
        """See :meth:`Callbacks.first_time`."""
        return cast(FirstTime, await self._client.call("callbacks.first_time", id=id))


class Daraja:
    """Safaricom Daraja: M-Pesa (``client.daraja``)."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def stk_push(self, *, phone: str, amount: int, account_reference: str, transaction_desc: Optional[str] = None, callback_url: Optional[str] = None, transaction_type: Optional[str] = None, till_number: Optional[str] = None) -> StkPushResponse:
        """M-Pesa Express: asks the payer to approve a payment on their phone (moves money)."""
        return cast(StkPushResponse, self._client.call("daraja.stk_push", phone=phone, amount=amount, account_reference=account_reference, transaction_desc=transaction_desc, callback_url=callback_url, transaction_type=transaction_type, till_number=till_number))

    def stk_query(self, *, checkout_request_id: str) -> StkQueryResponse:
        """The state of an STK push."""
        return cast(StkQueryResponse, self._client.call("daraja.stk_query", checkout_request_id=checkout_request_id))

    def confirm_stk_payment(self, *, checkout_request_id: Optional[str] = None, callback: Optional[str] = None) -> Optional[StkQueryResponse]:
        """Verifies a payment before shipping goods: the query's answer when paid, else null.

        Request `{"checkout_request_id"}` and/or `{"callback"}` (the raw callback body). A
        callback claiming success is first checked against the payment journal: a push
        recorded there with another amount or phone, or (with a Redis store, or
        `store.journal_required`) a push the journal does not hold, fails with an
        `invalid_callback` error: someone forged it. So does a callback Daraja does not
        confirm, or whose `CheckoutRequestID` Daraja does not know. With the memory store, a
        push the journal does not hold (another process may have made it) is verified by the
        query alone."""
        return cast(Optional[StkQueryResponse], self._client.call("daraja.confirm_stk_payment", checkout_request_id=checkout_request_id, callback=callback))

    def c2b_register_urls(self, *, confirmation_url: str, validation_url: str, shortcode: Optional[str] = None, response_type: Optional[str] = None) -> C2bResponse:
        """Registers the C2B confirmation and validation URLs."""
        return cast(C2bResponse, self._client.call("daraja.c2b_register_urls", shortcode=shortcode, response_type=response_type, confirmation_url=confirmation_url, validation_url=validation_url))

    def c2b_simulate(self, *, amount: int, phone: str, shortcode: Optional[str] = None, command_id: Optional[str] = None, bill_ref_number: Optional[str] = None) -> C2bResponse:
        """Simulates a customer paying the shortcode (Daraja's sandbox only)."""
        return cast(C2bResponse, self._client.call("daraja.c2b_simulate", shortcode=shortcode, command_id=command_id, amount=amount, phone=phone, bill_ref_number=bill_ref_number))

    def b2c(self, *, phone: str, amount: int, remarks: str, command_id: Optional[str] = None, occasion: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None, originator_conversation_id: Optional[str] = None) -> B2cResponse:
        """Pays a customer (moves money); the result arrives on the ResultURL."""
        return cast(B2cResponse, self._client.call("daraja.b2c", phone=phone, amount=amount, command_id=command_id, remarks=remarks, occasion=occasion, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url, originator_conversation_id=originator_conversation_id))

    def b2b(self, *, party_b: str, amount: int, remarks: str, command_id: Optional[str] = None, account_reference: Optional[str] = None, requester: Optional[str] = None, occasion: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """Pays a business (moves money); the result arrives on the ResultURL."""
        return cast(InitiatorResponse, self._client.call("daraja.b2b", party_b=party_b, amount=amount, command_id=command_id, account_reference=account_reference, requester=requester, remarks=remarks, occasion=occasion, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

    def transaction_status(self, *, transaction_id: Optional[str] = None, original_conversation_id: Optional[str] = None, shortcode: Optional[str] = None, identifier_type: Optional[str] = None, remarks: Optional[str] = None, occasion: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """Asks for a transaction's status; the answer arrives on the ResultURL."""
        return cast(InitiatorResponse, self._client.call("daraja.transaction_status", transaction_id=transaction_id, original_conversation_id=original_conversation_id, shortcode=shortcode, identifier_type=identifier_type, remarks=remarks, occasion=occasion, result_url=result_url, timeout_url=timeout_url))

    def account_balance(self, *, shortcode: Optional[str] = None, identifier_type: Optional[str] = None, remarks: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """Asks for the shortcode's balances; the answer arrives on the ResultURL."""
        return cast(InitiatorResponse, self._client.call("daraja.account_balance", shortcode=shortcode, identifier_type=identifier_type, remarks=remarks, result_url=result_url, timeout_url=timeout_url))

    def reversal(self, *, transaction_id: str, amount: int, remarks: str, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """Reverses a C2B payment (moves money); the result arrives on the ResultURL."""
        return cast(InitiatorResponse, self._client.call("daraja.reversal", transaction_id=transaction_id, amount=amount, remarks=remarks, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

    def dynamic_qr(self, *, merchant_name: str, ref_no: str, amount: int, trx_code: str, cpi: str, size: Optional[int] = None) -> DynamicQr:
        """A dynamic M-Pesa QR code (a PNG, base64)."""
        return cast(DynamicQr, self._client.call("daraja.dynamic_qr", merchant_name=merchant_name, ref_no=ref_no, amount=amount, trx_code=trx_code, cpi=cpi, size=size))

    def b2c_topup(self, *, amount: int, account_reference: str, remarks: str, party_b: Optional[str] = None, command_id: Optional[str] = None, requester: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """Tops up a B2C shortcode's Utility account from the Working account (moves money);
        the result arrives on the ResultURL."""
        return cast(InitiatorResponse, self._client.call("daraja.b2c_topup", party_b=party_b, amount=amount, command_id=command_id, account_reference=account_reference, requester=requester, remarks=remarks, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

    def b2pochi(self, *, phone: str, amount: int, remarks: str, occasion: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None, originator_conversation_id: Optional[str] = None) -> B2cResponse:
        """Pays a customer's Pochi la Biashara wallet (moves money); the result arrives on the
        ResultURL."""
        return cast(B2cResponse, self._client.call("daraja.b2pochi", phone=phone, amount=amount, remarks=remarks, occasion=occasion, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url, originator_conversation_id=originator_conversation_id))

    def remit_tax(self, *, amount: int, account_reference: str, remarks: str, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """Remits tax to KRA against a PRN (moves money); the result arrives on the ResultURL."""
        return cast(InitiatorResponse, self._client.call("daraja.remit_tax", amount=amount, account_reference=account_reference, remarks=remarks, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

    def b2b_express_checkout(self, *, primary_short_code: str, amount: int, payment_ref: str, callback_url: str, partner_name: str, receiver_short_code: Optional[str] = None, request_ref_id: Optional[str] = None) -> B2bExpressCheckoutResponse:
        """B2B Express Checkout: prompts a merchant to pay from their till (moves money); the
        outcome arrives on the callback URL."""
        return cast(B2bExpressCheckoutResponse, self._client.call("daraja.b2b_express_checkout", primary_short_code=primary_short_code, receiver_short_code=receiver_short_code, amount=amount, payment_ref=payment_ref, callback_url=callback_url, partner_name=partner_name, request_ref_id=request_ref_id))

    def pull_register(self, *, nominated_number: str, callback_url: str, shortcode: Optional[str] = None) -> PullRegisterResponse:
        """Registers a shortcode for Pull Transactions."""
        return cast(PullRegisterResponse, self._client.call("daraja.pull_register", shortcode=shortcode, nominated_number=nominated_number, callback_url=callback_url))

    def pull_transactions(self, *, shortcode: Optional[str] = None, start_date: Optional[str] = None, end_date: Optional[str] = None, max_pages: Optional[int] = None) -> PullTransactions:
        """Every C2B payment of a period (all pages)."""
        return cast(PullTransactions, self._client.call("daraja.pull_transactions", shortcode=shortcode, start_date=start_date, end_date=end_date, max_pages=max_pages))

    def ratiba_create(self, *, standing_order_name: str, phone: str, amount: int, frequency: str, start_date: str, end_date: str, account_reference: str, callback_url: str, transaction_desc: Optional[str] = None, transaction_type: Optional[str] = None, shortcode: Optional[str] = None) -> RatibaResponse:
        """Creates a standing order (M-Pesa Ratiba: a debit mandate, sent once); the outcome
        arrives on the callback URL."""
        return cast(RatibaResponse, self._client.call("daraja.ratiba_create", standing_order_name=standing_order_name, phone=phone, amount=amount, frequency=frequency, start_date=start_date, end_date=end_date, account_reference=account_reference, transaction_desc=transaction_desc, callback_url=callback_url, transaction_type=transaction_type, shortcode=shortcode))

    def bill_optin(self, *, email: str, official_contact: str, send_reminders: bool, callback_url: str, shortcode: Optional[str] = None, logo: Optional[str] = None) -> BillManagerResponse:
        """Opts the paybill in to Bill Manager."""
        return cast(BillManagerResponse, self._client.call("daraja.bill_optin", shortcode=shortcode, email=email, official_contact=official_contact, send_reminders=send_reminders, logo=logo, callback_url=callback_url))

    def bill_change_optin(self, *, email: str, official_contact: str, send_reminders: bool, callback_url: str, shortcode: Optional[str] = None, logo: Optional[str] = None) -> BillManagerResponse:
        """Changes the Bill Manager opt-in details."""
        return cast(BillManagerResponse, self._client.call("daraja.bill_change_optin", shortcode=shortcode, email=email, official_contact=official_contact, send_reminders=send_reminders, logo=logo, callback_url=callback_url))

    def bill_invoice(self, *, external_reference: str, billed_full_name: str, billed_phone_number: str, billed_period: str, invoice_name: str, due_date: str, account_reference: str, amount: int, invoice_items: Optional[List[BillInvoiceItem]] = None) -> BillManagerResponse:
        """Sends one Bill Manager invoice (sent once)."""
        return cast(BillManagerResponse, self._client.call("daraja.bill_invoice", external_reference=external_reference, billed_full_name=billed_full_name, billed_phone_number=billed_phone_number, billed_period=billed_period, invoice_name=invoice_name, due_date=due_date, account_reference=account_reference, amount=amount, invoice_items=invoice_items))

    def bill_invoices(self, *, invoices: List[BillInvoiceRequest]) -> BillInvoicesResponse:
        """Sends a list of invoices in calls of at most 1000 (each sent once): per-call results."""
        return cast(BillInvoicesResponse, self._client.call("daraja.bill_invoices", invoices=invoices))

    def bill_cancel_invoice(self, *, external_reference: str) -> BillManagerResponse:
        """Cancels an unpaid invoice."""
        return cast(BillManagerResponse, self._client.call("daraja.bill_cancel_invoice", external_reference=external_reference))

    def bill_cancel_invoices(self, *, invoices: List[BillCancelInvoiceRequest]) -> BillManagerResponse:
        """Cancels invoices (unpaid ones; paid ones are listed in `errors`)."""
        return cast(BillManagerResponse, self._client.call("daraja.bill_cancel_invoices", invoices=invoices))

    def bill_reconciliation(self, *, payment_date: str, paid_amount: int, account_reference: str, transaction_id: str, phone_number: str, full_name: str, invoice_name: str, external_reference: str) -> BillManagerResponse:
        """Acknowledges a payment Bill Manager notified."""
        return cast(BillManagerResponse, self._client.call("daraja.bill_reconciliation", payment_date=payment_date, paid_amount=paid_amount, account_reference=account_reference, transaction_id=transaction_id, phone_number=phone_number, full_name=full_name, invoice_name=invoice_name, external_reference=external_reference))


class AsyncDaraja:
    """Safaricom Daraja: M-Pesa (``client.daraja`` on :class:`AsyncClient`)."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def stk_push(self, *, phone: str, amount: int, account_reference: str, transaction_desc: Optional[str] = None, callback_url: Optional[str] = None, transaction_type: Optional[str] = None, till_number: Optional[str] = None) -> StkPushResponse:
        """See :meth:`Daraja.stk_push`."""
        return cast(StkPushResponse, await self._client.call("daraja.stk_push", phone=phone, amount=amount, account_reference=account_reference, transaction_desc=transaction_desc, callback_url=callback_url, transaction_type=transaction_type, till_number=till_number))

    async def stk_query(self, *, checkout_request_id: str) -> StkQueryResponse:
        """See :meth:`Daraja.stk_query`."""
        return cast(StkQueryResponse, await self._client.call("daraja.stk_query", checkout_request_id=checkout_request_id))

    async def confirm_stk_payment(self, *, checkout_request_id: Optional[str] = None, callback: Optional[str] = None) -> Optional[StkQueryResponse]:
        """See :meth:`Daraja.confirm_stk_payment`."""
        return cast(Optional[StkQueryResponse], await self._client.call("daraja.confirm_stk_payment", checkout_request_id=checkout_request_id, callback=callback))

    async def c2b_register_urls(self, *, confirmation_url: str, validation_url: str, shortcode: Optional[str] = None, response_type: Optional[str] = None) -> C2bResponse:
        """See :meth:`Daraja.c2b_register_urls`."""
        return cast(C2bResponse, await self._client.call("daraja.c2b_register_urls", shortcode=shortcode, response_type=response_type, confirmation_url=confirmation_url, validation_url=validation_url))

    async def c2b_simulate(self, *, amount: int, phone: str, shortcode: Optional[str] = None, command_id: Optional[str] = None, bill_ref_number: Optional[str] = None) -> C2bResponse:
        """See :meth:`Daraja.c2b_simulate`."""
        return cast(C2bResponse, await self._client.call("daraja.c2b_simulate", shortcode=shortcode, command_id=command_id, amount=amount, phone=phone, bill_ref_number=bill_ref_number))

    async def b2c(self, *, phone: str, amount: int, remarks: str, command_id: Optional[str] = None, occasion: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None, originator_conversation_id: Optional[str] = None) -> B2cResponse:
        """See :meth:`Daraja.b2c`."""
        return cast(B2cResponse, await self._client.call("daraja.b2c", phone=phone, amount=amount, command_id=command_id, remarks=remarks, occasion=occasion, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url, originator_conversation_id=originator_conversation_id))

    async def b2b(self, *, party_b: str, amount: int, remarks: str, command_id: Optional[str] = None, account_reference: Optional[str] = None, requester: Optional[str] = None, occasion: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """See :meth:`Daraja.b2b`."""
        return cast(InitiatorResponse, await self._client.call("daraja.b2b", party_b=party_b, amount=amount, command_id=command_id, account_reference=account_reference, requester=requester, remarks=remarks, occasion=occasion, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

    async def transaction_status(self, *, transaction_id: Optional[str] = None, original_conversation_id: Optional[str] = None, shortcode: Optional[str] = None, identifier_type: Optional[str] = None, remarks: Optional[str] = None, occasion: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """See :meth:`Daraja.transaction_status`."""
        return cast(InitiatorResponse, await self._client.call("daraja.transaction_status", transaction_id=transaction_id, original_conversation_id=original_conversation_id, shortcode=shortcode, identifier_type=identifier_type, remarks=remarks, occasion=occasion, result_url=result_url, timeout_url=timeout_url))

    async def account_balance(self, *, shortcode: Optional[str] = None, identifier_type: Optional[str] = None, remarks: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """See :meth:`Daraja.account_balance`."""
        return cast(InitiatorResponse, await self._client.call("daraja.account_balance", shortcode=shortcode, identifier_type=identifier_type, remarks=remarks, result_url=result_url, timeout_url=timeout_url))

    async def reversal(self, *, transaction_id: str, amount: int, remarks: str, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """See :meth:`Daraja.reversal`."""
        return cast(InitiatorResponse, await self._client.call("daraja.reversal", transaction_id=transaction_id, amount=amount, remarks=remarks, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

    async def dynamic_qr(self, *, merchant_name: str, ref_no: str, amount: int, trx_code: str, cpi: str, size: Optional[int] = None) -> DynamicQr:
        """See :meth:`Daraja.dynamic_qr`."""
        return cast(DynamicQr, await self._client.call("daraja.dynamic_qr", merchant_name=merchant_name, ref_no=ref_no, amount=amount, trx_code=trx_code, cpi=cpi, size=size))

    async def b2c_topup(self, *, amount: int, account_reference: str, remarks: str, party_b: Optional[str] = None, command_id: Optional[str] = None, requester: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """See :meth:`Daraja.b2c_topup`."""
        return cast(InitiatorResponse, await self._client.call("daraja.b2c_topup", party_b=party_b, amount=amount, command_id=command_id, account_reference=account_reference, requester=requester, remarks=remarks, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

    async def b2pochi(self, *, phone: str, amount: int, remarks: str, occasion: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None, originator_conversation_id: Optional[str] = None) -> B2cResponse:
        """See :meth:`Daraja.b2pochi`."""
        return cast(B2cResponse, await self._client.call("daraja.b2pochi", phone=phone, amount=amount, remarks=remarks, occasion=occasion, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url, originator_conversation_id=originator_conversation_id))

    async def remit_tax(self, *, amount: int, account_reference: str, remarks: str, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """See :meth:`Daraja.remit_tax`."""
        return cast(InitiatorResponse, await self._client.call("daraja.remit_tax", amount=amount, account_reference=account_reference, remarks=remarks, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

    async def b2b_express_checkout(self, *, primary_short_code: str, amount: int, payment_ref: str, callback_url: str, partner_name: str, receiver_short_code: Optional[str] = None, request_ref_id: Optional[str] = None) -> B2bExpressCheckoutResponse:
        """See :meth:`Daraja.b2b_express_checkout`."""
        return cast(B2bExpressCheckoutResponse, await self._client.call("daraja.b2b_express_checkout", primary_short_code=primary_short_code, receiver_short_code=receiver_short_code, amount=amount, payment_ref=payment_ref, callback_url=callback_url, partner_name=partner_name, request_ref_id=request_ref_id))

    async def pull_register(self, *, nominated_number: str, callback_url: str, shortcode: Optional[str] = None) -> PullRegisterResponse:
        """See :meth:`Daraja.pull_register`."""
        return cast(PullRegisterResponse, await self._client.call("daraja.pull_register", shortcode=shortcode, nominated_number=nominated_number, callback_url=callback_url))

    async def pull_transactions(self, *, shortcode: Optional[str] = None, start_date: Optional[str] = None, end_date: Optional[str] = None, max_pages: Optional[int] = None) -> PullTransactions:
        """See :meth:`Daraja.pull_transactions`."""
        return cast(PullTransactions, await self._client.call("daraja.pull_transactions", shortcode=shortcode, start_date=start_date, end_date=end_date, max_pages=max_pages))

    async def ratiba_create(self, *, standing_order_name: str, phone: str, amount: int, frequency: str, start_date: str, end_date: str, account_reference: str, callback_url: str, transaction_desc: Optional[str] = None, transaction_type: Optional[str] = None, shortcode: Optional[str] = None) -> RatibaResponse:
        """See :meth:`Daraja.ratiba_create`."""
        return cast(RatibaResponse, await self._client.call("daraja.ratiba_create", standing_order_name=standing_order_name, phone=phone, amount=amount, frequency=frequency, start_date=start_date, end_date=end_date, account_reference=account_reference, transaction_desc=transaction_desc, callback_url=callback_url, transaction_type=transaction_type, shortcode=shortcode))

    async def bill_optin(self, *, email: str, official_contact: str, send_reminders: bool, callback_url: str, shortcode: Optional[str] = None, logo: Optional[str] = None) -> BillManagerResponse:
        """See :meth:`Daraja.bill_optin`."""
        return cast(BillManagerResponse, await self._client.call("daraja.bill_optin", shortcode=shortcode, email=email, official_contact=official_contact, send_reminders=send_reminders, logo=logo, callback_url=callback_url))

    async def bill_change_optin(self, *, email: str, official_contact: str, send_reminders: bool, callback_url: str, shortcode: Optional[str] = None, logo: Optional[str] = None) -> BillManagerResponse:
        """See :meth:`Daraja.bill_change_optin`."""
        return cast(BillManagerResponse, await self._client.call("daraja.bill_change_optin", shortcode=shortcode, email=email, official_contact=official_contact, send_reminders=send_reminders, logo=logo, callback_url=callback_url))

    async def bill_invoice(self, *, external_reference: str, billed_full_name: str, billed_phone_number: str, billed_period: str, invoice_name: str, due_date: str, account_reference: str, amount: int, invoice_items: Optional[List[BillInvoiceItem]] = None) -> BillManagerResponse:
        """See :meth:`Daraja.bill_invoice`."""
        return cast(BillManagerResponse, await self._client.call("daraja.bill_invoice", external_reference=external_reference, billed_full_name=billed_full_name, billed_phone_number=billed_phone_number, billed_period=billed_period, invoice_name=invoice_name, due_date=due_date, account_reference=account_reference, amount=amount, invoice_items=invoice_items))

    async def bill_invoices(self, *, invoices: List[BillInvoiceRequest]) -> BillInvoicesResponse:
        """See :meth:`Daraja.bill_invoices`."""
        return cast(BillInvoicesResponse, await self._client.call("daraja.bill_invoices", invoices=invoices))

    async def bill_cancel_invoice(self, *, external_reference: str) -> BillManagerResponse:
        """See :meth:`Daraja.bill_cancel_invoice`."""
        return cast(BillManagerResponse, await self._client.call("daraja.bill_cancel_invoice", external_reference=external_reference))

    async def bill_cancel_invoices(self, *, invoices: List[BillCancelInvoiceRequest]) -> BillManagerResponse:
        """See :meth:`Daraja.bill_cancel_invoices`."""
        return cast(BillManagerResponse, await self._client.call("daraja.bill_cancel_invoices", invoices=invoices))

    async def bill_reconciliation(self, *, payment_date: str, paid_amount: int, account_reference: str, transaction_id: str, phone_number: str, full_name: str, invoice_name: str, external_reference: str) -> BillManagerResponse:
        """See :meth:`Daraja.bill_reconciliation`."""
        return cast(BillManagerResponse, await self._client.call("daraja.bill_reconciliation", payment_date=payment_date, paid_amount=paid_amount, account_reference=account_reference, transaction_id=transaction_id, phone_number=phone_number, full_name=full_name, invoice_name=invoice_name, external_reference=external_reference))


class UmsPay:
    """UMS Pay: M-Pesa STK push through Umeskia (``client.umspay``)."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def stk_push(self, *, amount: int, phone: str, reference: str) -> UmsPayStkPush:
        """Prompts a payer through UMS Pay (moves money)."""
        return cast(UmsPayStkPush, self._client.call("umspay.stk_push", amount=amount, phone=phone, reference=reference))

    def transaction_status(self, *, transaction_request_id: str) -> UmsPayTransactionStatus:
        """A UMS Pay payment's status."""
        return cast(UmsPayTransactionStatus, self._client.call("umspay.transaction_status", transaction_request_id=transaction_request_id))

    def wait_for_status(self, *, transaction_request_id: str, timeout_ms: Optional[int] = None) -> UmsPayTransactionStatus:
        """Polls a UMS Pay payment until it is final or the timeout passes."""
        return cast(UmsPayTransactionStatus, self._client.call("umspay.wait_for_status", transaction_request_id=transaction_request_id, timeout_ms=timeout_ms))

    def confirm_payment(self, *, transaction_request_id: Optional[str] = None, webhook: Optional[str] = None) -> Optional[UmsPayCompletedPayment]:
        """Verifies a UMS Pay payment before shipping goods: the payment when completed, else null.

        Request `{"transaction_request_id"}` or `{"webhook"}` (the raw webhook body). A
        webhook saying "completed" is first checked against the payment journal, as with
        `daraja.confirm_stk_payment` (amount, phone and reference), then against UMS Pay; a
        disagreement fails with an `invalid_callback` error."""
        return cast(Optional[UmsPayCompletedPayment], self._client.call("umspay.confirm_payment", transaction_request_id=transaction_request_id, webhook=webhook))


class AsyncUmsPay:
    """UMS Pay: M-Pesa STK push through Umeskia (``client.umspay`` on :class:`AsyncClient`)."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def stk_push(self, *, amount: int, phone: str, reference: str) -> UmsPayStkPush:
        """See :meth:`UmsPay.stk_push`."""
        return cast(UmsPayStkPush, await self._client.call("umspay.stk_push", amount=amount, phone=phone, reference=reference))

    async def transaction_status(self, *, transaction_request_id: str) -> UmsPayTransactionStatus:
        """See :meth:`UmsPay.transaction_status`."""
        return cast(UmsPayTransactionStatus, await self._client.call("umspay.transaction_status", transaction_request_id=transaction_request_id))

    async def wait_for_status(self, *, transaction_request_id: str, timeout_ms: Optional[int] = None) -> UmsPayTransactionStatus:
        """See :meth:`UmsPay.wait_for_status`."""
        return cast(UmsPayTransactionStatus, await self._client.call("umspay.wait_for_status", transaction_request_id=transaction_request_id, timeout_ms=timeout_ms))

    async def confirm_payment(self, *, transaction_request_id: Optional[str] = None, webhook: Optional[str] = None) -> Optional[UmsPayCompletedPayment]:
        """See :meth:`UmsPay.confirm_payment`."""
        return cast(Optional[UmsPayCompletedPayment], await self._client.call("umspay.confirm_payment", transaction_request_id=transaction_request_id, webhook=webhook))


class Journal:
    """The payment journal: reconcile payments whose outcome is not known yet (``client.journal``)."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def reconcile(self, *, older_than_ms: int, limit: Optional[int] = None, max_queries_per_second: Optional[int] = None, wait_for_results_ms: Optional[int] = None, result_url: Optional[str] = None, c2b: Optional[bool] = None, c2b_lookback_ms: Optional[int] = None, not_found_final_after_ms: Optional[int] = None, requery_after_ms: Optional[int] = None) -> ReconcileReport:
        """Settles the journal's payments older than `older_than_ms` that have no final outcome
        (STK query, transaction status, UMS Pay status, Pull Transactions for C2B); queries
        only, paced, safe from several workers at once (docs/reconcile.md)."""
        return cast(ReconcileReport, self._client.call("journal.reconcile", older_than_ms=older_than_ms, limit=limit, max_queries_per_second=max_queries_per_second, wait_for_results_ms=wait_for_results_ms, result_url=result_url, c2b=c2b, c2b_lookback_ms=c2b_lookback_ms, not_found_final_after_ms=not_found_final_after_ms, requery_after_ms=requery_after_ms))


class AsyncJournal:
    """The payment journal: reconcile payments whose outcome is not known yet (``client.journal`` on :class:`AsyncClient`)."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def reconcile(self, *, older_than_ms: int, limit: Optional[int] = None, max_queries_per_second: Optional[int] = None, wait_for_results_ms: Optional[int] = None, result_url: Optional[str] = None, c2b: Optional[bool] = None, c2b_lookback_ms: Optional[int] = None, not_found_final_after_ms: Optional[int] = None, requery_after_ms: Optional[int] = None) -> ReconcileReport:
        """See :meth:`Journal.reconcile`."""
        return cast(ReconcileReport, await self._client.call("journal.reconcile", older_than_ms=older_than_ms, limit=limit, max_queries_per_second=max_queries_per_second, wait_for_results_ms=wait_for_results_ms, result_url=result_url, c2b=c2b, c2b_lookback_ms=c2b_lookback_ms, not_found_final_after_ms=not_found_final_after_ms, requery_after_ms=requery_after_ms))


_GROUPS = {
    "statum": (Statum, AsyncStatum),
    "callbacks": (Callbacks, AsyncCallbacks),
    "daraja": (Daraja, AsyncDaraja),
    "umspay": (UmsPay, AsyncUmsPay),
    "journal": (Journal, AsyncJournal),
}
# END GENERATED: provider groups
