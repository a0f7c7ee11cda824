"""One outcome vocabulary (`status`: completed, failed, cancelled, timeout, pending) on
every callback and query that says where a payment stands, driven by the sandbox's test
phones (docs/sandbox.md); and Statum's loosely typed answers."""

from __future__ import annotations

import json
import typing
from typing import Callable, Optional

import pytest

import tuma

from conftest import FakeServer, Reply, Sandbox, daraja_config, json_reply, umspay_config, unique_reference

STATUSES = ("completed", "failed", "cancelled", "timeout", "pending")

# Daraja's STK test phones (docs/sandbox.md, M-Pesa Express): result code and status.
STK_PHONES = [
    ("254708374149", "0", "completed"),
    ("254700001032", "1032", "cancelled"),
    ("254700001037", "1037", "timeout"),
    ("254700000001", "1", "failed"),  # insufficient balance
    ("254700002001", "2001", "failed"),  # wrong PIN
]

# UMS Pay's test numbers (docs/sandbox.md, UMS Pay): status and code.
UMSPAY_MSISDNS = [
    ("254712345678", "completed", "0"),
    ("254700000001", "failed", "1"),
    ("254700001032", "cancelled", "1032"),
    ("254700001037", "timeout", "1037"),
]


def ok(method: str, path: str, body: bytes) -> Reply:
    return json_reply(200, {"ok": True})


@pytest.fixture()
def receiver(fake_server: Callable[..., FakeServer]) -> FakeServer:
    return fake_server(ok)


@pytest.fixture()
def daraja(sandbox: Sandbox, receiver: FakeServer) -> tuma.Client:
    return tuma.Client(daraja=daraja_config(sandbox, receiver.url.replace("/api/v2/", "")), http={"max_retries": 0})


def test_the_vocabulary_is_typed() -> None:
    assert typing.get_args(tuma.types.PaymentStatus) == STATUSES


@pytest.mark.parametrize("phone, code, status", STK_PHONES)
def test_stk_callback_query_and_receipt_share_the_status(
    daraja: tuma.Client, receiver: FakeServer, phone: str, code: str, status: str
) -> None:
    push = daraja.daraja.stk_push(phone=phone, amount=11, account_reference=unique_reference("S"))
    [body] = receiver.wait_for("/stk")
    # Parsed...
    cb = tuma.parse_daraja_stk_callback(body)
    assert (cb["checkout_request_id"], cb["result_code"], cb["status"]) == (push["checkout_request_id"], code, status)
    assert (cb["mpesa_receipt_number"] is not None) == (status == "completed")
    # ... received with a claim (the same parse) ...
    received = daraja.callbacks.receive(kind="daraja.stk_callback", body=body.decode())
    assert received["status"] == "claimed" and received["callback"]["status"] == status
    assert received["claim"] is not None
    daraja.callbacks.complete(claim=received["claim"])
    # ... and queried: the same word.
    q = daraja.daraja.stk_query(checkout_request_id=push["checkout_request_id"])
    assert (q["pending"], q["result_code"], q["status"]) == (False, code, status)
    paid = daraja.daraja.confirm_stk_payment(checkout_request_id=push["checkout_request_id"])
    assert (paid is not None) == (status == "completed")


def test_stk_query_while_the_payer_has_not_answered_is_pending(daraja: tuma.Client, faults: Sandbox) -> None:
    push = daraja.daraja.stk_push(phone="254708374149", amount=12, account_reference=unique_reference("Q"))
    faults.fault(
        "/stkpushquery/",
        'reply=500;body={"requestId":"1-1-1","errorCode":"500.001.1001",'
        '"errorMessage":"The transaction is being processed"}',
    )
    q = daraja.daraja.stk_query(checkout_request_id=push["checkout_request_id"])
    assert (q["pending"], q["status"]) == (True, "pending")


def test_results_carry_completed_or_failed(daraja: tuma.Client, receiver: FakeServer) -> None:
    paid = daraja.daraja.b2c(phone="254708374149", amount=100, remarks="Refund", shortcode="600981")
    unregistered = daraja.daraja.b2c(phone="254700002040", amount=100, remarks="Refund", shortcode="600981")
    # A B2C receipt cannot be reversed (and this one does not exist): R000002.
    reversal = daraja.daraja.reversal(transaction_id="OEI2AK4Q16", amount=10, remarks="Mistake")
    results = {}
    for body in receiver.wait_for("/result", count=3):
        r = tuma.parse_daraja_result(body)
        results[r["conversation_id"]] = r
        # The generic rule: code 0 is completed, anything else failed.
        assert r["status"] == ("completed" if r["result_code"] == "0" else "failed"), r
        assert daraja.callbacks.receive(kind="daraja.result", body=body.decode())["callback"]["status"] == r["status"]
    assert results[paid["conversation_id"]]["status"] == "completed"
    assert (results[unregistered["conversation_id"]]["result_code"], results[unregistered["conversation_id"]]["status"]) == (
        "2040",
        "failed",
    )
    assert (results[reversal["conversation_id"]]["result_code"], results[reversal["conversation_id"]]["status"]) == (
        "R000002",
        "failed",
    )


@pytest.mark.parametrize("msisdn, status, code", UMSPAY_MSISDNS)
def test_umspay_status_by_test_number(sandbox: Sandbox, msisdn: str, status: str, code: str) -> None:
    client = tuma.Client(umspay=umspay_config(sandbox), http={"max_retries": 0})
    tid = client.umspay.stk_push(amount=100, phone=msisdn, reference=unique_reference("U"))["transaction_request_id"]
    assert client.umspay.transaction_status(transaction_request_id=tid)["status"] == "pending"
    final = client.umspay.wait_for_status(transaction_request_id=tid, timeout_ms=5000)
    assert final["status"] == status
    if status == "completed":
        assert final.get("receipt")
    else:
        assert final.get("code") == code


def _observed_webhook(tid: str, code: Optional[int]) -> str:
    """A UMS Pay webhook as observed (docs/sandbox.md, UMS Pay, Webhooks): no `event`, a
    receipt on success only; `code` None: an `initiated` webhook of the docs' prose."""
    doc = {
        "ResponseDescription": "The service request is processed successfully.",
        "MerchantRequestID": "12345-67890123-1",
        "CheckoutRequestID": "ws_CO_230620241530451234",
        "TransactionID": tid,
        "TransactionAmount": 1500,
        "TransactionDate": "20240623153045",
        "TransactionReference": "ORDER-12345",
        "Msisdn": "254712345678",
    }
    if code is not None:
        doc["ResponseCode"] = code
    if code == 0:
        doc["TransactionReceipt"] = "TQ4K7XG2MB"
    return json.dumps(doc)


@pytest.mark.parametrize(
    "code, status, event",
    [
        (0, "completed", "payment.completed"),
        (1, "failed", "payment.failed"),
        (1032, "cancelled", "payment.failed"),
        (1037, "timeout", "payment.failed"),
        (2001, "failed", "payment.failed"),
        (None, "pending", "payment.initiated"),
    ],
)
def test_umspay_webhook_status(code: Optional[int], status: str, event: str) -> None:
    tid = "UMSPID" + unique_reference("")[:19].ljust(19, "0")
    body = _observed_webhook(tid, code)
    parsed = tuma.parse_umspay_webhook(body)
    assert (parsed["status"], parsed["event"], parsed["response_code"]) == (status, event, code)
    assert (parsed["receipt"] is not None) == (status == "completed")
    received = tuma.Client().callbacks.receive(kind="umspay.webhook", body=body)
    assert received["callback"]["status"] == status


# --- Statum -----------------------------------------------------------------------------


def test_airtime_failure_webhook_without_charge() -> None:
    body = '{"request_id":"f00d0000000000000000000000000001","result_code":"400","result_desc":"Top up failed"}'
    r = tuma.parse_statum_airtime_result(body)
    assert (r["charge"], r["account_balance"], r["result_code"]) == (None, None, "400")
    received = tuma.Client().callbacks.receive(kind="statum.airtime_result", body=body)
    assert received["callback"]["charge"] is None
    # A failed top-up as the sandbox sends it: nothing charged, the balance unchanged.
    charged_nothing = tuma.parse_statum_airtime_result(
        '{"request_id":"f00d0000000000000000000000000002","charge":0,"account_balance":951.5,'
        '"result_code":"400","result_desc":"Top up failed: the number cannot receive airtime"}'
    )
    assert (charged_nothing["charge"], charged_nothing["account_balance"]) == (0.0, 951.5)
    with pytest.raises(tuma.InvalidCallbackError):
        tuma.parse_statum_airtime_result('{"request_id":"r","result_code":"400","result_desc":"x","charge":"none"}')


def test_statum_status_code_sent_as_a_string_is_a_number(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(
        lambda m, p, b: json_reply(
            200,
            {"status_code": "200", "description": "Operation successful.", "request_id": "0123456789abcdef0123456789abcdef"},
        )
    )
    client = tuma.Client(statum={"consumer_key": "k", "consumer_secret": "s", "base_url": server.url}, http={"max_retries": 0})
    sent = client.statum.send_sms(sender_id="TUMA", phone="0712345678", message="x")
    assert sent["status_code"] == 200 and isinstance(sent["status_code"], int)
    airtime = client.statum.airtime(phone="0712345678", amount=10)
    assert airtime["status_code"] == 200
