"""Money truth from Python: every error says what became of its request (`fate`) and, on a
money call, carries the payment's ids (`recovery`); the payment journal refuses forged
callbacks. The sandbox's ledger of processed payments is the truth each test checks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Callable

import pytest

import tuma

from conftest import FakeServer, Reply, Sandbox, daraja_config, json_reply, umspay_config, unique_reference

INTERNAL_ERROR = '{"requestId":"x","errorCode":"500.001.1001","errorMessage":"Internal server error"}'
INVALID_AMOUNT = '{"requestId":"x","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid Amount"}'


def ok(method: str, path: str, body: bytes) -> Reply:
    return json_reply(200, {"ok": True})


@pytest.fixture()
def receiver(fake_server: Callable[..., FakeServer]) -> FakeServer:
    """Where the sandbox POSTs STK callbacks and initiator results."""
    return fake_server(ok)


def daraja_client(sandbox: Sandbox, receiver: FakeServer, **http: int) -> tuma.Client:
    return tuma.Client(
        daraja=daraja_config(sandbox, receiver.url.replace("/api/v2/", "")),
        http={"max_retries": 0, **http},  # type: ignore[typeddict-item]
    )


def test_error_classes_default_to_no_fate_and_no_recovery() -> None:
    assert tuma.TumaError.fate == "not_sent" and tuma.TumaError.recovery is None
    with pytest.raises(tuma.InvalidInputError) as info:
        tuma.normalize_phone("0812")
    assert info.value.fate == "not_sent" and info.value.recovery is None


def test_stk_push_server_error_after_processing_is_unknown_with_recovery(
    faults: Sandbox, receiver: FakeServer
) -> None:
    ref = unique_reference("U")
    faults.fault("/stkpush/", f"reply=500;processed;body={INTERNAL_ERROR}")
    client = daraja_client(faults, receiver)
    with pytest.raises(tuma.ApiError) as info:
        client.daraja.stk_push(phone="0708 374 149", amount=17, account_reference=ref)
    e = info.value
    assert (e.fate, e.outcome_unknown, e.status, e.code) == ("unknown", True, 500, "500.001.1001")
    r = e.recovery
    assert r is not None
    assert r["operation"] == "daraja.stk_push"
    assert (r["phone"], r["amount"], r["account_reference"]) == ("254708374149", 17, ref)
    assert re.fullmatch(r"\d{14}", r["timestamp"]), r
    assert r["advice"] and "checkout_request_id" not in r  # the answer carried no id
    # The provider did process it: the ledger holds the payment the error could not confirm.
    assert faults.in_ledger("stk_push", f"254708374149:17:{ref}:") == 1


def test_documented_refusal_is_refused_and_not_processed(faults: Sandbox, receiver: FakeServer) -> None:
    ref = unique_reference("F")
    faults.fault("/stkpush/", f"reply=400;body={INVALID_AMOUNT}")
    with pytest.raises(tuma.ApiError) as info:
        daraja_client(faults, receiver).daraja.stk_push(phone="0708374149", amount=18, account_reference=ref)
    e = info.value
    assert (e.fate, e.outcome_unknown, e.code) == ("refused", False, "400.002.02")
    assert e.recovery is not None and e.recovery["account_reference"] == ref and e.recovery["advice"]
    assert faults.in_ledger("stk_push", f":{ref}:") == 0


def test_failed_token_fetch_is_not_sent(faults: Sandbox, receiver: FakeServer) -> None:
    ref = unique_reference("T")
    config = daraja_config(faults, receiver.url.replace("/api/v2/", ""))
    # The token cache is shared per base URL: one spelled differently forces a fetch.
    config["base_url"] = faults.daraja_url.rstrip("/") + "/" * 9
    faults.fault("/oauth/", "status=503")
    with pytest.raises(tuma.TumaError) as info:
        tuma.Client(daraja=config, http={"max_retries": 0}).daraja.stk_push(
            phone="0708374149", amount=19, account_reference=ref
        )
    assert info.value.fate == "not_sent" and info.value.outcome_unknown is False
    assert faults.in_ledger("stk_push", f":{ref}:") == 0


def test_b2c_timeout_keeps_the_originator_conversation_id(faults: Sandbox, receiver: FakeServer) -> None:
    faults.fault("/b2c/", "latency=1500")
    client = daraja_client(faults, receiver, connect_timeout_ms=200, timeout_ms=500)
    with pytest.raises(tuma.TumaTimeoutError) as info:
        client.daraja.b2c(phone="0708374149", amount=120, remarks="Refund", shortcode="600981")
    e = info.value
    assert e.fate == "unknown" and e.outcome_unknown is True
    r = e.recovery
    assert r is not None and r["operation"] == "daraja.b2c"
    assert (r["phone"], r["amount"]) == ("254708374149", 120)
    ocid = r["originator_conversation_id"]
    assert ocid
    # It was paid once, under that id (the ledger identity of a v3 B2C is its id) ...
    assert faults.in_ledger("b2c", ocid) == 1
    # ... and resending with the same id can never pay twice: Daraja refuses the duplicate.
    with pytest.raises(tuma.ApiError) as again:
        daraja_client(faults, receiver).daraja.b2c(
            phone="0708374149", amount=120, remarks="Refund", shortcode="600981", originator_conversation_id=ocid
        )
    assert again.value.fate == "refused" and again.value.code == "500.002.1001"
    assert faults.in_ledger("b2c", ocid) == 1


def _with_amount(stk_callback: bytes, amount: int) -> str:
    doc = json.loads(stk_callback)
    for item in doc["Body"]["stkCallback"]["CallbackMetadata"]["Item"]:
        if item["Name"] == "Amount":
            item["Value"] = amount
    return json.dumps(doc)


def _count(sandbox: Sandbox, path_part: str) -> int:
    """Requests the sandbox received on paths containing `path_part`."""
    return sum(n for p, n in sandbox.stats()["paths"].items() if path_part in p)


STRICT_JOURNAL: tuma.types.StoreConfig = {"url": "memory", "journal_required": True}
"""One process makes every push: an id missing from its journal is a forgery."""


def test_forged_stk_callback_with_a_bigger_amount_is_refused(sandbox: Sandbox, receiver: FakeServer) -> None:
    # The default store (memory): the journal is not required, but an entry it holds is
    # still compared with what the callback claims.
    client = daraja_client(sandbox, receiver)
    ref = unique_reference("J")
    push = client.daraja.stk_push(phone="0708374149", amount=21, account_reference=ref)
    [body] = receiver.wait_for("/stk")
    cb = tuma.parse_daraja_stk_callback(body)
    assert cb["checkout_request_id"] == push["checkout_request_id"] and cb["amount"] == 21.0
    # The real callback is confirmed: the journal knows the push, Daraja says paid.
    confirmed = client.daraja.confirm_stk_payment(callback=body.decode())
    assert confirmed is not None and confirmed["checkout_request_id"] == push["checkout_request_id"]
    assert confirmed["status"] == "completed"
    # The same paid CheckoutRequestID with a bigger Amount: forged.
    with pytest.raises(tuma.InvalidCallbackError) as info:
        client.daraja.confirm_stk_payment(callback=_with_amount(body, 21_000))
    assert info.value.fate == "not_sent" and info.value.provider == "daraja"
    assert sandbox.in_ledger("stk_push", f":{ref}:") == 1


def test_stk_callback_never_pushed_is_refused_when_the_journal_is_required(
    sandbox: Sandbox, receiver: FakeServer
) -> None:
    client = tuma.Client(
        daraja=daraja_config(sandbox, receiver.url.replace("/api/v2/", "")),
        http={"max_retries": 0},
        store=STRICT_JOURNAL,
    )
    push = client.daraja.stk_push(phone="0708374149", amount=22, account_reference=unique_reference("N"))
    [body] = receiver.wait_for("/stk")
    assert client.daraja.confirm_stk_payment(callback=body.decode()) is not None
    # An id this application never pushed: refused before any query.
    queries = _count(sandbox, "/stkpushquery/")
    forged = body.decode().replace(push["checkout_request_id"], "ws_CO_000000000000000000")
    with pytest.raises(tuma.InvalidCallbackError) as info:
        client.daraja.confirm_stk_payment(callback=forged)
    assert "journal" in str(info.value)
    assert _count(sandbox, "/stkpushquery/") == queries
    # Without `journal_required` (memory store), the same forgery is refused too, after the
    # query: Daraja does not know the id.
    queries = _count(sandbox, "/stkpushquery/")
    with pytest.raises(tuma.InvalidCallbackError) as info:
        daraja_client(sandbox, receiver).daraja.confirm_stk_payment(callback=forged)
    assert "does not know" in str(info.value)
    assert _count(sandbox, "/stkpushquery/") == queries + 1


def _run_elsewhere(script: str, config: str) -> str:
    """Runs `script` in another Python process (its own memory store, so its own payment
    journal) with the client configuration `config` in `sys.argv[1]`; returns its output."""
    done = subprocess.run(
        [sys.executable, "-c", script, config], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_stk_callback_pushed_by_another_process_is_verified_by_query(sandbox: Sandbox, receiver: FakeServer) -> None:
    config = daraja_config(sandbox, receiver.url.replace("/api/v2/", ""))
    ref = unique_reference("X")
    checkout_id = _run_elsewhere(
        "import sys, tuma\n"
        "c = tuma.Client.from_json(sys.argv[1])\n"
        f"print(c.daraja.stk_push(phone='0708374149', amount=24, account_reference='{ref}')['checkout_request_id'])\n",
        json.dumps({"daraja": config, "http": {"max_retries": 0}}),
    )
    [body] = receiver.wait_for("/stk")
    assert checkout_id.encode() in body
    assert sandbox.in_ledger("stk_push", f":{ref}:{checkout_id}") == 1
    # This process's journal never saw the push: with the default memory store the callback
    # is verified by an STK query alone, and the real payment is confirmed.
    confirmed = daraja_client(sandbox, receiver).daraja.confirm_stk_payment(callback=body.decode())
    assert confirmed is not None and confirmed["checkout_request_id"] == checkout_id
    assert confirmed["status"] == "completed"
    # A process that says it makes every push itself refuses it.
    strict = tuma.Client(daraja=config, http={"max_retries": 0}, store=STRICT_JOURNAL)
    with pytest.raises(tuma.InvalidCallbackError):
        strict.daraja.confirm_stk_payment(callback=body.decode())


def _umspay_webhook(tid: str, receipt: str, amount: int, msisdn: str, reference: str) -> str:
    return json.dumps(
        {
            "ResponseCode": 0,
            "ResponseDescription": "The service request is processed successfully.",
            "MerchantRequestID": "m",
            "CheckoutRequestID": "ws_CO_1",
            "TransactionID": tid,
            "TransactionAmount": amount,
            "TransactionReceipt": receipt,
            "TransactionDate": "20240623153045",
            "TransactionReference": reference,
            "Msisdn": msisdn,
        }
    )


def test_forged_umspay_webhook_is_refused(sandbox: Sandbox) -> None:
    client = tuma.Client(umspay=umspay_config(sandbox), http={"max_retries": 0})
    ref = unique_reference("W")
    tid = client.umspay.stk_push(amount=250, phone="0712345678", reference=ref)["transaction_request_id"]
    receipt = client.umspay.wait_for_status(transaction_request_id=tid, timeout_ms=5000)["receipt"]
    real = _umspay_webhook(tid, receipt, 250, "254712345678", ref)
    confirmed = client.umspay.confirm_payment(webhook=real)
    assert confirmed is not None and confirmed["transaction_request_id"] == tid
    # The default memory store: the entry of this push is found and compared.
    for forged in (
        _umspay_webhook(tid, receipt, 25_000, "254712345678", ref),  # a bigger amount
        _umspay_webhook(tid, receipt, 250, "254722000000", ref),  # another payer
        _umspay_webhook(tid, receipt, 250, "254712345678", "OTHER-REF"),  # another order
    ):
        with pytest.raises(tuma.InvalidCallbackError):
            client.umspay.confirm_payment(webhook=forged)
    # An id never pushed: refused when the journal is required.
    never = _umspay_webhook("UMSPID2306202415304512345", receipt, 250, "254712345678", ref)
    strict = tuma.Client(umspay=umspay_config(sandbox), http={"max_retries": 0}, store=STRICT_JOURNAL)
    with pytest.raises(tuma.InvalidCallbackError):
        strict.umspay.confirm_payment(webhook=never)
    # Not required (memory store): UMS Pay does not know it, so it is not confirmed either
    # (today an ApiError "does not exist", where Daraja's equivalent is InvalidCallbackError).
    with pytest.raises((tuma.InvalidCallbackError, tuma.ApiError)):
        client.umspay.confirm_payment(webhook=never)


def test_umspay_webhook_pushed_by_another_process_is_verified_by_query(sandbox: Sandbox) -> None:
    ref = unique_reference("Y")
    tid = _run_elsewhere(
        "import sys, tuma\n"
        "c = tuma.Client.from_json(sys.argv[1])\n"
        f"print(c.umspay.stk_push(amount=260, phone='0712345678', reference='{ref}')['transaction_request_id'])\n",
        json.dumps({"umspay": umspay_config(sandbox), "http": {"max_retries": 0}}),
    )
    client = tuma.Client(umspay=umspay_config(sandbox), http={"max_retries": 0})
    receipt = client.umspay.wait_for_status(transaction_request_id=tid, timeout_ms=5000)["receipt"]
    webhook = _umspay_webhook(tid, receipt, 260, "254712345678", ref)
    confirmed = client.umspay.confirm_payment(webhook=webhook)
    assert confirmed is not None and (confirmed["transaction_request_id"], confirmed["amount"]) == (tid, 260.0)
    strict = tuma.Client(umspay=umspay_config(sandbox), http={"max_retries": 0}, store=STRICT_JOURNAL)
    with pytest.raises(tuma.InvalidCallbackError):
        strict.umspay.confirm_payment(webhook=webhook)
