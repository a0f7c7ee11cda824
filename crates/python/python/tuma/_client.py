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
from typing import Any, Dict, Optional, cast

from . import _tuma
from .types import (
    AccountDetails,
    B2cResponse,
    C2bRegisterResponse,
    CompletedCallback,
    DarajaConfig,
    DynamicQr,
    FirstTime,
    HttpConfig,
    InitiatorResponse,
    JsonObject,
    ReceivedCallback,
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

    __slots__ = ("_native", "statum", "daraja", "umspay", "callbacks")

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

    __slots__ = ("sync", "statum", "daraja", "umspay", "callbacks")

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


# --- provider groups (one method per core operation) -----------------------------------


class Statum:
    """Statum: SMS, airtime and account details (``client.statum``)."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def send_sms(self, *, sender_id: str, phone: str, message: str) -> StatumResponse:
        """Sends one SMS from a registered ``sender_id`` to ``phone`` (any Kenyan form)."""
        return cast(StatumResponse, self._client.call("statum.send_sms", sender_id=sender_id, phone=phone, message=message))

    def airtime(self, *, phone: str, amount: int) -> StatumResponse:
        """Tops up ``phone`` with ``amount`` KES of airtime (5 to 10 000).

        The result arrives later on the webhook (``tuma.parse_statum_airtime_result``).
        Airtime moves money: a failure after the request may have reached Statum raises an
        error with ``outcome_unknown`` set, and is never resent."""
        return cast(StatumResponse, self._client.call("statum.airtime", phone=phone, amount=amount))

    def account_details(self) -> AccountDetails:
        """The organisation, its wallet balance and its service accounts."""
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


class Daraja:
    """Safaricom Daraja: M-Pesa (``client.daraja``)."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def stk_push(self, *, phone: str, amount: int, account_reference: str, transaction_desc: Optional[str] = None, callback_url: Optional[str] = None, transaction_type: Optional[str] = None, till_number: Optional[str] = None) -> StkPushResponse:
        """Prompts ``phone`` to pay ``amount`` KES (M-Pesa Express). ``transaction_type`` is
        ``"pay_bill"`` (default) or ``"buy_goods"``. The result arrives on the callback URL
        (``tuma.parse_daraja_stk_callback``) or through :meth:`stk_query`."""
        return cast(StkPushResponse, self._client.call("daraja.stk_push", phone=phone, amount=amount, account_reference=account_reference, transaction_desc=transaction_desc, callback_url=callback_url, transaction_type=transaction_type, till_number=till_number))

    def stk_query(self, *, checkout_request_id: str) -> StkQueryResponse:
        """The state of an STK push: ``status`` ``pending`` (and ``pending`` True) while the
        payer has not answered, then ``completed``, ``cancelled``, ``timeout`` or ``failed``."""
        return cast(StkQueryResponse, self._client.call("daraja.stk_query", checkout_request_id=checkout_request_id))

    def confirm_stk_payment(self, *, checkout_request_id: Optional[str] = None, callback: Optional[str] = None) -> Optional[StkQueryResponse]:
        """Verify by query before shipping goods: the query's answer when paid, ``None``
        otherwise. A ``callback`` (the raw body) claiming a payment is first checked against
        the payment journal: a push recorded with another amount, phone or shortcode, or,
        when the journal is required (``store.journal_required``, the default with Redis),
        an id this application never pushed, raises :class:`tuma.InvalidCallbackError`; so
        does a payment Daraja does not confirm."""
        return cast(Optional[StkQueryResponse], self._client.call("daraja.confirm_stk_payment", checkout_request_id=checkout_request_id, callback=callback))

    def c2b_register_urls(self, *, confirmation_url: str, validation_url: str, shortcode: Optional[str] = None, response_type: Optional[str] = None) -> C2bRegisterResponse:
        """Registers the C2B confirmation and validation URLs of a shortcode."""
        return cast(C2bRegisterResponse, self._client.call("daraja.c2b_register_urls", confirmation_url=confirmation_url, validation_url=validation_url, shortcode=shortcode, response_type=response_type))

    def c2b_simulate(self, *, amount: int, phone: str, shortcode: Optional[str] = None, command_id: Optional[str] = None, bill_ref_number: Optional[str] = None) -> C2bRegisterResponse:
        """Simulates a customer payment (Daraja sandbox only)."""
        return cast(C2bRegisterResponse, self._client.call("daraja.c2b_simulate", amount=amount, phone=phone, shortcode=shortcode, command_id=command_id, bill_ref_number=bill_ref_number))

    def b2c(self, *, phone: str, amount: int, remarks: str, command_id: Optional[str] = None, occasion: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None, originator_conversation_id: Optional[str] = None) -> B2cResponse:
        """Pays ``amount`` KES to ``phone``. Keep the returned ``originator_conversation_id``:
        resending with it can never pay twice."""
        return cast(B2cResponse, self._client.call("daraja.b2c", phone=phone, amount=amount, remarks=remarks, command_id=command_id, occasion=occasion, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url, originator_conversation_id=originator_conversation_id))

    def b2b(self, *, party_b: str, amount: int, remarks: str, command_id: Optional[str] = None, account_reference: Optional[str] = None, requester: Optional[str] = None, occasion: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """Pays another business (``party_b``); the result arrives on the result URL."""
        return cast(InitiatorResponse, self._client.call("daraja.b2b", party_b=party_b, amount=amount, remarks=remarks, command_id=command_id, account_reference=account_reference, requester=requester, occasion=occasion, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

    def transaction_status(self, *, transaction_id: Optional[str] = None, original_conversation_id: Optional[str] = None, shortcode: Optional[str] = None, identifier_type: Optional[str] = None, remarks: Optional[str] = None, occasion: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """Asks for the status of a transaction; the answer arrives on the result URL."""
        return cast(InitiatorResponse, self._client.call("daraja.transaction_status", transaction_id=transaction_id, original_conversation_id=original_conversation_id, shortcode=shortcode, identifier_type=identifier_type, remarks=remarks, occasion=occasion, result_url=result_url, timeout_url=timeout_url))

    def account_balance(self, *, shortcode: Optional[str] = None, identifier_type: Optional[str] = None, remarks: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """Asks for the shortcode's balances; the answer arrives on the result URL."""
        return cast(InitiatorResponse, self._client.call("daraja.account_balance", shortcode=shortcode, identifier_type=identifier_type, remarks=remarks, result_url=result_url, timeout_url=timeout_url))

    def reversal(self, *, transaction_id: str, amount: int, remarks: str, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """Reverses a transaction; the result arrives on the result URL."""
        return cast(InitiatorResponse, self._client.call("daraja.reversal", transaction_id=transaction_id, amount=amount, remarks=remarks, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

    def dynamic_qr(self, *, merchant_name: str, ref_no: str, amount: int, trx_code: str, cpi: str, size: Optional[int] = None) -> DynamicQr:
        """Generates a dynamic M-Pesa QR code (``trx_code`` ``BG``, ``WA``, ``PB``, ``SM`` or ``SB``)."""
        return cast(DynamicQr, self._client.call("daraja.dynamic_qr", merchant_name=merchant_name, ref_no=ref_no, amount=amount, trx_code=trx_code, cpi=cpi, size=size))


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

    async def c2b_register_urls(self, *, confirmation_url: str, validation_url: str, shortcode: Optional[str] = None, response_type: Optional[str] = None) -> C2bRegisterResponse:
        """See :meth:`Daraja.c2b_register_urls`."""
        return cast(C2bRegisterResponse, await self._client.call("daraja.c2b_register_urls", confirmation_url=confirmation_url, validation_url=validation_url, shortcode=shortcode, response_type=response_type))

    async def c2b_simulate(self, *, amount: int, phone: str, shortcode: Optional[str] = None, command_id: Optional[str] = None, bill_ref_number: Optional[str] = None) -> C2bRegisterResponse:
        """See :meth:`Daraja.c2b_simulate`."""
        return cast(C2bRegisterResponse, await self._client.call("daraja.c2b_simulate", amount=amount, phone=phone, shortcode=shortcode, command_id=command_id, bill_ref_number=bill_ref_number))

    async def b2c(self, *, phone: str, amount: int, remarks: str, command_id: Optional[str] = None, occasion: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None, originator_conversation_id: Optional[str] = None) -> B2cResponse:
        """See :meth:`Daraja.b2c`."""
        return cast(B2cResponse, await self._client.call("daraja.b2c", phone=phone, amount=amount, remarks=remarks, command_id=command_id, occasion=occasion, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url, originator_conversation_id=originator_conversation_id))

    async def b2b(self, *, party_b: str, amount: int, remarks: str, command_id: Optional[str] = None, account_reference: Optional[str] = None, requester: Optional[str] = None, occasion: Optional[str] = None, shortcode: Optional[str] = None, result_url: Optional[str] = None, timeout_url: Optional[str] = None) -> InitiatorResponse:
        """See :meth:`Daraja.b2b`."""
        return cast(InitiatorResponse, await self._client.call("daraja.b2b", party_b=party_b, amount=amount, remarks=remarks, command_id=command_id, account_reference=account_reference, requester=requester, occasion=occasion, shortcode=shortcode, result_url=result_url, timeout_url=timeout_url))

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


class Callbacks:
    """Callback receipt with claims (shared through the configured store) (``client.callbacks``)."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def receive(self, *, kind: str, body: str) -> ReceivedCallback:
        """Parses a callback body of ``kind`` and claims its id for ``store.callback_lease_ms``.

        ``status`` says what to do: ``"claimed"`` (``first_time`` True): process it, then
        :meth:`complete` the ``claim`` (redeliveries are then ``"done"``), or :meth:`release`
        it when processing failed (the next redelivery is processed); ``"in_progress"``:
        another worker holds it, answer non-200 so the provider redelivers; ``"done"``:
        processed already, answer 200 and do nothing. A worker that dies loses its claim
        when the lease ends."""
        return cast(ReceivedCallback, self._client.call("callbacks.receive", kind=kind, body=body))

    def complete(self, *, claim: str) -> CompletedCallback:
        """Marks a claimed callback processed. ``lease_held`` False: the lease had expired
        meanwhile, so another worker may have processed it too."""
        return cast(CompletedCallback, self._client.call("callbacks.complete", claim=claim))

    def release(self, *, claim: str) -> ReleasedCallback:
        """Gives a claim back after processing failed, so the next redelivery is processed
        (``released`` False: the lease had already expired)."""
        return cast(ReleasedCallback, self._client.call("callbacks.release", claim=claim))

    def first_time(self, *, id: str) -> FirstTime:
        """True the first time ``id`` is seen by this client (or by any client sharing its store)."""
        return cast(FirstTime, self._client.call("callbacks.first_time", id=id))


class AsyncCallbacks:
    """Callback receipt with claims (shared through the configured store) (``client.callbacks`` on :class:`AsyncClient`)."""

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


class UmsPay:
    """UMS Pay: M-Pesa STK push through Umeskia (``client.umspay``)."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def stk_push(self, *, amount: int, phone: str, reference: str) -> UmsPayStkPush:
        """Prompts ``phone`` to pay ``amount`` KES (10 to 250 000) with your ``reference``
        (1 to 12 characters: it becomes M-Pesa's ``AccountReference``); keep
        ``transaction_request_id``."""
        return cast(UmsPayStkPush, self._client.call("umspay.stk_push", amount=amount, phone=phone, reference=reference))

    def transaction_status(self, *, transaction_request_id: str) -> UmsPayTransactionStatus:
        """The state of a payment (``status``: pending, completed, failed, cancelled, timeout).
        A query moves no money: cancelling it on :class:`AsyncClient` is a plain
        ``CancelledError``."""
        return cast(UmsPayTransactionStatus, self._client.call("umspay.transaction_status", transaction_request_id=transaction_request_id))

    def wait_for_status(self, *, transaction_request_id: str, timeout_ms: Optional[int] = None) -> UmsPayTransactionStatus:
        """Polls the status (within the rate limit) until it is final or ``timeout_ms`` passed."""
        return cast(UmsPayTransactionStatus, self._client.call("umspay.wait_for_status", transaction_request_id=transaction_request_id, timeout_ms=timeout_ms))

    def confirm_payment(self, *, transaction_request_id: Optional[str] = None, webhook: Optional[str] = None) -> Optional[UmsPayCompletedPayment]:
        """Confirms a payment by querying UMS Pay: give ``transaction_request_id`` or a raw
        ``webhook`` body. Returns the completed payment, or ``None`` when it was not paid. A
        webhook is checked against the payment journal first, as
        :meth:`Daraja.confirm_stk_payment` does."""
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
