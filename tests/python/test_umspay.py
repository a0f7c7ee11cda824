"""Every UMS Pay operation against the sandbox."""

from __future__ import annotations

import asyncio

import pytest

import tuma

from conftest import Sandbox


@pytest.fixture()
def ums(sandbox: Sandbox) -> tuma.Client:
    return tuma.Client(
        umspay={"api_key": "sandbox-umspay-key", "email": "dev@tuma.test",
                "account_id": "UMPAY-SANDBOX", "base_url": sandbox.umspay_url},
        http={"max_retries": 0},
    )


def test_push_status_wait_confirm(ums: tuma.Client) -> None:
    push = ums.umspay.stk_push(amount=1500, phone="0712345678", reference="ORDER-12345")
    tid = push["transaction_request_id"]
    assert tid.startswith("UMSPID") and push["msisdn"] == "254712345678" and push["amount"] == 1500
    assert ums.umspay.transaction_status(transaction_request_id=tid)["status"] == "pending"
    final = ums.umspay.wait_for_status(transaction_request_id=tid, timeout_ms=5000)
    assert final["status"] == "completed" and final.get("receipt")
    confirmed = ums.umspay.confirm_payment(transaction_request_id=tid)
    assert confirmed is not None and confirmed["amount"] == 1500.0 and confirmed["reference"] == "ORDER-12345"


def test_cancelled_payment_is_not_confirmed(ums: tuma.Client) -> None:
    tid = ums.umspay.stk_push(amount=100, phone="254700001032", reference="R2")["transaction_request_id"]
    final = ums.umspay.wait_for_status(transaction_request_id=tid, timeout_ms=5000)
    assert final["status"] == "cancelled" and final.get("code") == "1032"
    assert ums.umspay.confirm_payment(transaction_request_id=tid) is None


def test_webhook_parse_and_confirm(ums: tuma.Client) -> None:
    tid = ums.umspay.stk_push(amount=200, phone="0712345678", reference="R3")["transaction_request_id"]
    receipt = ums.umspay.wait_for_status(transaction_request_id=tid, timeout_ms=5000)["receipt"]
    body = (
        '{"ResponseCode":0,"ResponseDescription":"ok","MerchantRequestID":"m","CheckoutRequestID":"ws_CO_1",'
        f'"TransactionID":"{tid}","TransactionAmount":200,"TransactionReceipt":"{receipt}",'
        '"TransactionDate":"20240623153045","TransactionReference":"R3","Msisdn":"254712345678"}'
    )
    event = tuma.parse_umspay_webhook(body)
    assert event["transaction_request_id"] == tid and event["event"] == "payment.completed"
    confirmed = ums.umspay.confirm_payment(webhook=body)
    assert confirmed is not None and confirmed["transaction_request_id"] == tid


def test_umspay_errors(ums: tuma.Client, sandbox: Sandbox) -> None:
    with pytest.raises(tuma.InvalidInputError) as info:
        ums.umspay.stk_push(amount=5, phone="0712345678", reference="R")
    assert info.value.field == "amount"
    # The reference becomes Daraja's AccountReference: at most 12 characters.
    requests = sandbox.stats()["requests"]
    with pytest.raises(tuma.InvalidInputError) as info:
        ums.umspay.stk_push(amount=100, phone="0712345678", reference="ORDER-1234567")
    assert info.value.field == "reference" and info.value.fate == "not_sent"
    assert sandbox.stats()["requests"] == requests
    twelve = ums.umspay.stk_push(amount=100, phone="0712345678", reference="ORDER-123456")
    assert twelve["reference"] == "ORDER-123456"
    with pytest.raises(tuma.ApiError) as api:
        ums.umspay.transaction_status(transaction_request_id="UMSPID000")
    assert api.value.provider == "umspay"
    with pytest.raises(tuma.InvalidInputError):
        ums.umspay.confirm_payment()
    with pytest.raises(tuma.InvalidCallbackError):
        tuma.parse_umspay_webhook(b"{}")


def test_async_umspay(sandbox: Sandbox) -> None:
    client = tuma.AsyncClient(
        umspay={"api_key": "sandbox-umspay-key", "email": "dev@tuma.test",
                "account_id": "UMPAY-SANDBOX", "base_url": sandbox.umspay_url},
    )

    async def main() -> None:
        pushes = await asyncio.gather(
            *(client.umspay.stk_push(amount=100 + i, phone="0712345678", reference=f"A{i}") for i in range(3))
        )
        ids = [p["transaction_request_id"] for p in pushes]
        assert len(set(ids)) == 3
        statuses = await asyncio.gather(
            *(client.umspay.wait_for_status(transaction_request_id=i, timeout_ms=5000) for i in ids)
        )
        assert [s["status"] for s in statuses] == ["completed"] * 3

    asyncio.run(main())
