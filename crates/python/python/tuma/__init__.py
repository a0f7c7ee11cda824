"""tuma: move money and messages in Kenya.

M-Pesa through Safaricom's Daraja API and through UMS Pay, SMS and airtime through Statum,
from one Rust core. Quick start::

    import tuma

    client = tuma.Client(statum={"consumer_key": "...", "consumer_secret": "..."})
    sent = client.statum.send_sms(sender_id="TUMA", phone="0712 345 678", message="Hello")
    print(sent["request_id"])

Every error is a :class:`TumaError`; its ``fate`` says what became of the request
(``not_sent``, ``refused``, or ``unknown``: it may have been processed, and is never resent),
and ``recovery`` carries the payment's ids on a money call. Cancelling an
:class:`AsyncClient` call after its request may have been sent raises
:class:`CancelledAfterSendError`, whose ``outcome`` gives the call's real result.
"""

from __future__ import annotations

from typing import List, Type

from . import callbacks, types, utilities
from ._client import AsyncClient, CancelledAfterSendError, Client
from ._tuma import (
    ERROR_KINDS,
    ApiError,
    AuthenticationError,
    AuthorizationError,
    BusyError,
    ConfigError,
    DecodeError,
    InvalidCallbackError,
    InvalidInputError,
    NetworkError,
    RateLimitedError,
    StoreError,
    TumaError,
    TumaTimeoutError,
    __version__,
)
from ._tuma import error_class as _error_class
from ._tuma import callback_kinds as _callback_kinds
from ._tuma import operations as _operations
from ._tuma import utilities as _utilities
from .callbacks import (
    parse_daraja_b2b_express_callback,
    parse_daraja_bill_payment,
    parse_daraja_c2b_confirmation,
    parse_daraja_c2b_validation,
    parse_daraja_queue_timeout,
    parse_daraja_ratiba_callback,
    parse_daraja_result,
    parse_daraja_stk_callback,
    parse_statum_airtime_result,
    parse_statum_result,
    parse_umspay_webhook,
)
from .utilities import phone_normalize as normalize_phone

__all__ = [
    "__version__",
    "Client",
    "AsyncClient",
    "TumaError",
    "InvalidInputError",
    "ConfigError",
    "AuthenticationError",
    "AuthorizationError",
    "ApiError",
    "RateLimitedError",
    "NetworkError",
    "TumaTimeoutError",
    "DecodeError",
    "InvalidCallbackError",
    "StoreError",
    "BusyError",
    "CancelledAfterSendError",
    "ERROR_KINDS",
    "error_class",
    "callbacks",
    "types",
    "utilities",
    "operations",
    "callback_kinds",
    "utility_names",
    "normalize_phone",
    "parse_statum_result",
    "parse_statum_airtime_result",
    "parse_daraja_stk_callback",
    "parse_daraja_result",
    "parse_daraja_c2b_validation",
    "parse_daraja_c2b_confirmation",
    "parse_daraja_queue_timeout",
    "parse_umspay_webhook",
    "parse_daraja_b2b_express_callback",
    "parse_daraja_ratiba_callback",
    "parse_daraja_bill_payment",
]


def operations() -> List[str]:
    """Every core operation name, ``"<provider>.<method>"``: each is the method
    ``client.<provider>.<method>``."""
    return _operations()


def callback_kinds() -> List[str]:
    """Every callback kind ``"<provider>.<name>"``: each is ``tuma.callbacks.parse_<provider>_<name>``."""
    return _callback_kinds()


def utility_names() -> List[str]:
    """Every local utility ``"<group>.<name>"``: each is ``tuma.utilities.<group>_<name>``."""
    return _utilities()


def error_class(kind: str) -> Type[TumaError]:
    """The exception class raised for the error kind ``kind`` (one of :data:`ERROR_KINDS`,
    the core's list), e.g. ``error_class("authorization") is AuthorizationError``. Every kind
    has a class of its own; an unknown name raises ``ValueError``."""
    return _error_class(kind)
