"""Local helpers (no network), computed by the Rust core.

The utility named ``"<group>.<name>"`` in ``tuma.utility_names()`` is the function
``<group>_<name>`` here.
"""

from __future__ import annotations

import json
from typing import Any, Optional, cast

from . import _tuma
from .types import BillPaymentAck, C2bReply, NormalizedPhone, SecurityCredential, StkPassword, Timestamp

__all__ = [
    "call",
    "phone_normalize",
    "daraja_stk_password",
    "daraja_timestamp",
    "daraja_security_credential",
    "daraja_c2b_accept",
    "daraja_c2b_reject",
    "daraja_c2b_confirmation_ack",
    "daraja_bill_payment_ack",
]


def call(name: str, /, **request: Any) -> Any:
    """Runs the utility ``name`` with keyword arguments as its request document."""
    return json.loads(_tuma.utility(name, json.dumps(request)))


def phone_normalize(phone: str) -> NormalizedPhone:
    """Checks a Kenyan mobile number in any common form (``0712…``, ``+254 712…``,
    ``712…``) and returns it as ``254`` + 9 digits with its original carrier.

    Raises :class:`tuma.InvalidInputError` when it is not a valid Kenyan mobile number.
    """
    return cast(NormalizedPhone, call("phone.normalize", phone=phone))


def daraja_stk_password(shortcode: str, passkey: str, timestamp: Optional[str] = None) -> StkPassword:
    """The STK push ``Password`` (base64 of shortcode + passkey + timestamp) and the
    timestamp used (now, Kenyan time, unless given as ``YYYYMMDDHHmmss``)."""
    return cast(
        StkPassword,
        call("daraja.stk_password", shortcode=shortcode, passkey=passkey, timestamp=timestamp),
    )


def daraja_timestamp() -> Timestamp:
    """The current Kenyan time as Daraja wants it, ``YYYYMMDDHHmmss``."""
    return cast(Timestamp, call("daraja.timestamp"))


def daraja_security_credential(
    password: str, certificate_pem: Optional[str] = None, environment: Optional[str] = None
) -> SecurityCredential:
    """Encrypts an initiator password into a ``SecurityCredential``, with the given
    certificate or the one shipped for ``environment`` (``sandbox``/``production``)."""
    return cast(
        SecurityCredential,
        call(
            "daraja.security_credential",
            password=password,
            certificate_pem=certificate_pem,
            environment=environment,
        ),
    )


def daraja_c2b_accept(third_party_trans_id: Optional[str] = None) -> C2bReply:
    """The reply that accepts a C2B validation request."""
    return cast(C2bReply, call("daraja.c2b_accept", third_party_trans_id=third_party_trans_id))


def daraja_c2b_reject(reason: str) -> C2bReply:
    """The reply that refuses a C2B validation request: ``reason`` is a code
    ``C2B00011``..``C2B00016`` or ``invalid_msisdn``, ``invalid_account_number``,
    ``invalid_amount``, ``invalid_kyc``, ``invalid_shortcode``, ``other``."""
    return cast(C2bReply, call("daraja.c2b_reject", reason=reason))


def daraja_c2b_confirmation_ack() -> C2bReply:
    """The reply that acknowledges a C2B confirmation."""
    return cast(C2bReply, call("daraja.c2b_confirmation_ack"))


def daraja_bill_payment_ack() -> BillPaymentAck:
    """The reply to a Bill Manager payment notification, ``{"rescode": "200", "resmsg":
    "Success"}`` (anything else is redelivered)."""
    return cast(BillPaymentAck, call("daraja.bill_payment_ack"))
