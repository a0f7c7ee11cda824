"""Local utilities computed by the core."""

from __future__ import annotations

import pytest

import tuma


@pytest.mark.parametrize(
    "raw, phone, carrier",
    [
        ("0712 345 678", "254712345678", "safaricom"),
        ("+254 733 000 000", "254733000000", "airtel"),
        ("110123456", "254110123456", "safaricom"),
    ],
)
def test_normalize_phone(raw: str, phone: str, carrier: str) -> None:
    assert tuma.normalize_phone(raw) == {"phone": phone, "carrier": carrier}


def test_normalize_phone_rejects() -> None:
    for bad in ["", "0812345678", "071234567", "phone"]:
        with pytest.raises(tuma.InvalidInputError):
            tuma.normalize_phone(bad)


def test_generic_utility_call() -> None:
    assert tuma.utilities.call("phone.normalize", phone="0712345678")["phone"] == "254712345678"
    with pytest.raises(tuma.InvalidInputError):
        tuma.utilities.call("phone.nope", phone="0712345678")
