"""Every Daraja operation against the sandbox, with its callbacks received by a local
server and parsed by tuma."""

from __future__ import annotations

import base64
from typing import Callable, Iterator

import pytest

import tuma

from conftest import DARAJA_PASSKEY as PASSKEY
from conftest import ROOT, FakeServer, Reply, Sandbox, daraja_config, json_reply


def receiver_reply(method: str, path: str, body: bytes) -> Reply:
    if "validation" in path:
        return json_reply(200, tuma.utilities.daraja_c2b_accept("tp-1"))
    if "confirmation" in path:
        return json_reply(200, tuma.utilities.daraja_c2b_confirmation_ack())
    return json_reply(200, {"ok": True})


@pytest.fixture()
def receiver(fake_server: Callable[..., FakeServer]) -> FakeServer:
    return fake_server(receiver_reply)


@pytest.fixture()
def daraja(sandbox: Sandbox, receiver: FakeServer) -> Iterator[tuma.Client]:
    yield tuma.Client(daraja=daraja_config(sandbox, receiver.url.replace("/api/v2/", "")), http={"max_retries": 0})


def test_stk_push_callback_and_query(daraja: tuma.Client, receiver: FakeServer) -> None:
    push = daraja.daraja.stk_push(phone="0708374149", amount=10, account_reference="ORDER-1")
    assert push["response_code"] == "0" and push["checkout_request_id"].startswith("ws_CO_")
    [body] = receiver.wait_for("/stk")
    cb = tuma.parse_daraja_stk_callback(body)
    assert cb["checkout_request_id"] == push["checkout_request_id"]
    assert (cb["result_code"], cb["outcome"], cb["amount"]) == ("0", "success", 10.0)
    assert cb["mpesa_receipt_number"] and cb["phone_number"] == "254708374149"
    q = daraja.daraja.stk_query(checkout_request_id=push["checkout_request_id"])
    assert q["pending"] is False and q["result_code"] == "0"


def test_stk_push_cancelled(daraja: tuma.Client, receiver: FakeServer) -> None:
    daraja.daraja.stk_push(phone="254700001032", amount=5, account_reference="ORDER-2", transaction_desc="Tea")
    cb = tuma.parse_daraja_stk_callback(receiver.wait_for("/stk")[0])
    assert cb["result_code"] == "1032" and cb["mpesa_receipt_number"] is None


def test_c2b_register_and_simulate(daraja: tuma.Client, receiver: FakeServer) -> None:
    base = receiver.url.replace("/api/v2/", "")
    reg = daraja.daraja.c2b_register_urls(
        confirmation_url=f"{base}/confirmation", validation_url=f"{base}/validation"
    )
    assert reg["response_code"] == "0"
    sim = daraja.daraja.c2b_simulate(amount=100, phone="254708374149", bill_ref_number="INV-9")
    assert sim["response_code"] == "0"
    validation = tuma.parse_daraja_c2b_validation(receiver.wait_for("/validation")[0])
    confirmation = tuma.parse_daraja_c2b_confirmation(receiver.wait_for("/confirmation")[0])
    assert validation["trans_amount"] == confirmation["trans_amount"] == 100.0
    assert confirmation["bill_ref_number"] == "INV-9" and confirmation["third_party_trans_id"] == "tp-1"


def test_b2c_and_its_result(daraja: tuma.Client, receiver: FakeServer) -> None:
    r = daraja.daraja.b2c(phone="254708374149", amount=100, remarks="Refund", shortcode="600981")
    assert r["response_code"] == "0" and r["originator_conversation_id"]
    result = tuma.parse_daraja_result(receiver.wait_for("/result")[0])
    assert result["originator_conversation_id"] == r["originator_conversation_id"]
    assert result["result_code"] == "0" and result["details"]["kind"] == "b2c"


@pytest.mark.parametrize(
    "method, kwargs, kind",
    [
        ("b2b", {"party_b": "000001", "amount": 10, "remarks": "Stock", "account_reference": "ACC"}, "b2b"),
        ("transaction_status", {"transaction_id": "OEI2AK4Q16"}, None),
        ("account_balance", {"remarks": "Daily"}, "account_balance"),
        ("reversal", {"transaction_id": "OEI2AK4Q16", "amount": 10, "remarks": "Mistake"}, None),
    ],
)
def test_initiator_requests(
    daraja: tuma.Client, receiver: FakeServer, method: str, kwargs: dict, kind: str  # type: ignore[type-arg]
) -> None:
    r = getattr(daraja.daraja, method)(**kwargs)
    assert r["response_code"] == "0" and r["conversation_id"].startswith("AG_")
    result = tuma.parse_daraja_result(receiver.wait_for("/result")[0])
    assert result["conversation_id"] == r["conversation_id"]
    if kind is not None:
        assert result["details"]["kind"] == kind, result


def test_dynamic_qr(daraja: tuma.Client) -> None:
    qr = daraja.daraja.dynamic_qr(merchant_name="Tuma Shop", ref_no="INV-1", amount=50, trx_code="BG", cpi="174379")
    assert base64.b64decode(qr["qr_code"]).startswith(b"\x89PNG")


def test_daraja_errors(daraja: tuma.Client, sandbox: Sandbox) -> None:
    with pytest.raises(tuma.InvalidInputError) as info:
        daraja.daraja.stk_push(phone="0708374149", amount=10, account_reference="way-too-long-reference")
    assert info.value.field == "account_reference"
    with pytest.raises(tuma.ApiError) as api:
        daraja.daraja.stk_query(checkout_request_id="ws_CO_unknown")
    assert api.value.provider == "daraja" and api.value.code == "400.002.02"
    bad = tuma.Client(daraja={"consumer_key": "x", "consumer_secret": "y", "shortcode": "174379",
                              "passkey": PASSKEY, "base_url": sandbox.daraja_url,
                              "callback_url": "https://example.com/cb"},
                      http={"max_retries": 0})
    with pytest.raises(tuma.AuthenticationError):
        bad.daraja.stk_push(phone="0708374149", amount=10, account_reference="A")


def test_queue_timeout_callback() -> None:
    t = tuma.parse_daraja_queue_timeout(
        b'{"Result":{"ResultType":0,"ResultCode":"1","ResultDesc":"Timed out","OriginatorConversationID":"o-1","ConversationID":"AG_1"}}'
    )
    assert t["raw"] and isinstance(t, dict)


def test_daraja_utilities() -> None:
    p = tuma.utilities.daraja_stk_password("174379", PASSKEY, "20240101120000")
    assert base64.b64decode(p["password"]).decode() == "174379" + PASSKEY + "20240101120000"
    assert len(tuma.utilities.daraja_timestamp()["timestamp"]) == 14
    cert = (ROOT / "crates/sandbox/testdata/daraja-test-cert.pem").read_text()
    cred = tuma.utilities.daraja_security_credential("Safaricom999!*!", certificate_pem=cert)
    assert len(base64.b64decode(cred["security_credential"])) >= 128
    assert tuma.utilities.daraja_c2b_reject("invalid_amount")["ResultCode"] == "C2B00013"
    assert tuma.utilities.daraja_c2b_confirmation_ack()["ResultCode"] == 0
    with pytest.raises(tuma.InvalidInputError):
        tuma.utilities.daraja_c2b_reject("because")
