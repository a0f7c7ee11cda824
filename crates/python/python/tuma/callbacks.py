"""Parsers for the callbacks (webhooks) providers POST to your server.

Each takes the raw request body (``bytes``, or ``str``) and returns a typed dict, or raises
:class:`tuma.InvalidCallbackError` when the body is not what the provider sends. Parsing
only reads the body: deduplicate on the provider's id, and confirm money-moving results by
querying the status where the provider offers it.
"""

from __future__ import annotations

import json
from typing import Any, Union, cast

from . import _tuma
from .types import (
    AirtimeResult,
    C2bPayment,
    QueueTimeout,
    ResultCallback,
    StatumResult,
    StkCallback,
    UmsPayWebhookEvent,
)

__all__ = [
    "Body",
    "parse",
    "parse_statum_result",
    "parse_statum_airtime_result",
    "parse_daraja_stk_callback",
    "parse_daraja_result",
    "parse_daraja_c2b_validation",
    "parse_daraja_c2b_confirmation",
    "parse_daraja_queue_timeout",
    "parse_umspay_webhook",
]

Body = Union[bytes, bytearray, memoryview, str]
"""A callback body: the raw bytes as received, or the text already decoded."""


def _bytes(body: Body) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    return bytes(body)


def parse(kind: str, body: Body) -> Any:
    """Parses a callback body of ``kind`` (one of ``tuma.callback_kinds()``)."""
    return json.loads(_tuma.parse_callback(kind, _bytes(body)))


def parse_statum_result(body: Body) -> StatumResult:
    """Statum's generic result webhook (``request_id``, ``result_code``, ``result_desc``)."""
    return cast(StatumResult, parse("statum.result", body))


def parse_statum_airtime_result(body: Body) -> AirtimeResult:
    """Statum's airtime result webhook: adds ``charge`` and ``account_balance`` (``None``
    when absent, as on a failure's webhook)."""
    return cast(AirtimeResult, parse("statum.airtime_result", body))


def parse_daraja_stk_callback(body: Body) -> StkCallback:
    """Daraja's STK push result (POSTed to the push's ``callback_url``); ``status`` is
    ``completed``, ``cancelled``, ``timeout`` or ``failed`` (:data:`tuma.types.PaymentStatus`)."""
    return cast(StkCallback, parse("daraja.stk_callback", body))


def parse_daraja_result(body: Body) -> ResultCallback:
    """The result of a B2C, B2B, transaction status, account balance or reversal request
    (POSTed to its ``result_url``); ``details["kind"]`` says which, ``status`` is
    ``completed`` or ``failed``."""
    return cast(ResultCallback, parse("daraja.result", body))


def parse_daraja_c2b_validation(body: Body) -> C2bPayment:
    """A C2B validation request: answer with ``tuma.utilities.daraja_c2b_accept()`` or
    ``daraja_c2b_reject(reason)``."""
    return cast(C2bPayment, parse("daraja.c2b_validation", body))


def parse_daraja_c2b_confirmation(body: Body) -> C2bPayment:
    """A C2B confirmation: answer with ``tuma.utilities.daraja_c2b_confirmation_ack()``."""
    return cast(C2bPayment, parse("daraja.c2b_confirmation", body))


def parse_daraja_queue_timeout(body: Body) -> QueueTimeout:
    """What Daraja POSTs to the ``timeout_url`` when a request timed out in its queue."""
    return cast(QueueTimeout, parse("daraja.queue_timeout", body))


def parse_umspay_webhook(body: Body) -> UmsPayWebhookEvent:
    """A UMS Pay webhook (one per final STK result; ``status`` says which). Unsigned: confirm
    with ``client.umspay.confirm_payment(webhook=...)`` before delivering goods."""
    return cast(UmsPayWebhookEvent, parse("umspay.webhook", body))
