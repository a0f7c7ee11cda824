"""Smoke test of an installed `tuma` Python package (a wheel or a build from the sdist).

Run with the Python of a fresh venv that has only tuma installed, from a directory outside
the repository, with TUMA_SANDBOX_URL set to a running tuma-sandbox (tests/c/run.sh does
that). Prints one line per check and a closing "N passed, N failed" line.
"""

from __future__ import annotations

import os
import re
import sys
import sysconfig

import tuma

BASE = os.environ["TUMA_SANDBOX_URL"].rstrip("/")
EXPECTED_VERSION = os.environ.get("TUMA_EXPECTED_VERSION")
PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"

passed = 0
failed = 0


def check(cond: bool, what: str, detail: object = None) -> None:
    global passed, failed
    if cond:
        passed += 1
        print(f"ok - {what}")
    else:
        failed += 1
        print(f"FAILED - {what}" + ("" if detail is None else f": {detail!r}"))


# The package is the installed one, not the source tree.
site = sysconfig.get_paths()["purelib"]
check(tuma.__file__.startswith(site), "tuma is imported from the venv's site-packages", tuma.__file__)
native = sys.modules["tuma._tuma"]
check(native.__file__ is not None and native.__file__.startswith(site), "the native module is installed too", native.__file__)
if EXPECTED_VERSION:
    check(tuma.__version__ == EXPECTED_VERSION, f"version {EXPECTED_VERSION}", tuma.__version__)

client = tuma.Client(
    statum={
        "consumer_key": "sandbox-statum-key",
        "consumer_secret": "sandbox-statum-secret",
        "base_url": f"{BASE}/statum/api/v2",
    },
    daraja={
        "consumer_key": "sandbox-daraja-key",
        "consumer_secret": "sandbox-daraja-secret",
        "environment": "sandbox",
        "base_url": f"{BASE}/daraja",
        "shortcode": "174379",
        "passkey": PASSKEY,
        "callback_url": "http://127.0.0.1:9/stk",
    },
    http={"max_retries": 0},
)

sms = client.statum.send_sms(sender_id="TUMA", phone="0712 345 678", message="Habari from the wheel")
check(sms["status_code"] == 200, "statum.send_sms is accepted", sms)
check(re.fullmatch(r"[A-Za-z0-9]{32}", sms["request_id"]) is not None, "a 32-character request id", sms)

push = client.daraja.stk_push(phone="0708374149", amount=10, account_reference="DIST-1")
check(push["checkout_request_id"].startswith("ws_CO_"), "daraja.stk_push gives a checkout request id", push)

try:
    tuma.normalize_phone("0812")
    check(False, "a bad phone number is refused")
except tuma.InvalidInputError as e:
    check(e.field == "phone" and e.fate == "not_sent", "a bad phone number is a typed InvalidInputError", (e.field, e.fate))

try:
    tuma.parse_statum_result(b"{not json")
    check(False, "a malformed callback is refused")
except tuma.TumaError as e:
    check(isinstance(e, tuma.InvalidCallbackError), "a malformed callback body is an InvalidCallbackError", type(e))


async def both() -> None:
    aclient = tuma.AsyncClient(
        statum={
            "consumer_key": "sandbox-statum-key",
            "consumer_secret": "sandbox-statum-secret",
            "base_url": f"{BASE}/statum/api/v2",
        }
    )
    sent = await aclient.statum.send_sms(sender_id="TUMA", phone="0712345678", message="async")
    check(sent["status_code"] == 200, "AsyncClient.statum.send_sms is accepted", sent)


import asyncio  # noqa: E402

asyncio.run(both())

print(f"python: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
