"""Every method of the `tuma` Python package, type-checked with `mypy --strict`.

With `TUMA_*` variables set (see docs/python.md) it runs every call; without them it only
parses and computes locally. mk/python.mk runs `mypy --strict` on it.
"""

from __future__ import annotations

import asyncio
import os
from typing import List, Optional, Type

import tuma
from tuma.requests import BillInvoiceRequest
from tuma.types import (
    AccountDetails,
    B2bExpressCallback,
    B2bExpressCheckoutResponse,
    BillInvoicesResponse,
    BillManagerResponse,
    BillPayment,
    BillPaymentAck,
    ClaimStatus,
    CompletedCallback,
    DynamicQr,
    ErrorKind,
    Fate,
    InitiatorResponse,
    PaymentStatus,
    PullRegisterResponse,
    PullTransaction,
    PullTransactions,
    RatibaCallback,
    RatibaResponse,
    ReceivedCallback,
    ReconciledPayment,
    ReconcileReport,
    Recovery,
    ReleasedCallback,
    StatumAirtimeResult,
    StatumResponse,
    StkCallback,
    StkPushResponse,
    StoreConfig,
    UmsPayCompletedPayment,
    UmsPayTransactionStatus,
    UmsPayWebhookEvent,
)


def use_sync(client: tuma.Client) -> None:
    sms: StatumResponse = client.statum.send_sms(sender_id="TUMA", phone="0712345678", message="Hi")
    airtime: StatumResponse = client.statum.airtime(phone="0712345678", amount=50)
    details: AccountDetails = client.statum.account_details()
    balance: float = details["organization"]["details"]["available_balance"]
    print(sms["request_id"], airtime["request_id"], balance)

    push: StkPushResponse = client.daraja.stk_push(phone="0708374149", amount=10, account_reference="ORDER-1")
    query = client.daraja.stk_query(checkout_request_id=push["checkout_request_id"])
    confirmed = client.daraja.confirm_stk_payment(checkout_request_id=push["checkout_request_id"])
    if confirmed is not None:
        print("paid:", confirmed["result_desc"])
    pending: bool = query["pending"]
    where: PaymentStatus = query["status"]
    print(where)
    client.daraja.c2b_register_urls(confirmation_url="https://example.com/c", validation_url="https://example.com/v")
    client.daraja.c2b_simulate(amount=100, phone="254708374149", bill_ref_number="INV-1")
    b2c_id: str = client.daraja.b2c(phone="254708374149", amount=100, remarks="Refund", shortcode="600981")[
        "originator_conversation_id"
    ]
    accepted: List[InitiatorResponse] = [
        client.daraja.b2b(party_b="000001", amount=10, remarks="Stock", account_reference="ACC"),
        client.daraja.transaction_status(transaction_id="OEI2AK4Q16"),
        client.daraja.account_balance(remarks="Daily"),
        client.daraja.reversal(transaction_id="OEI2AK4Q16", amount=10, remarks="Mistake"),
    ]
    qr: DynamicQr = client.daraja.dynamic_qr(merchant_name="Shop", ref_no="INV-1", amount=50, trx_code="BG", cpi="174379")
    print(pending, b2c_id, [a["conversation_id"] for a in accepted], len(qr["qr_code"]))

    ums = client.umspay.stk_push(amount=1500, phone="0712345678", reference="ORDER-2")
    status: UmsPayTransactionStatus = client.umspay.transaction_status(
        transaction_request_id=ums["transaction_request_id"]
    )
    final = client.umspay.wait_for_status(transaction_request_id=ums["transaction_request_id"], timeout_ms=5000)
    paid: Optional[UmsPayCompletedPayment] = client.umspay.confirm_payment(
        transaction_request_id=ums["transaction_request_id"]
    )
    final_status: PaymentStatus = final["status"]
    print(status["status"], final_status, paid["receipt"] if paid else None)

    use_portal(client)

    anything = client.call("statum.account_details")
    print(type(anything))

    receipt = client.callbacks.receive(kind="statum.result", body='{"request_id":"r1","result_code":"200"}')
    if receipt["first_time"] and receipt["claim"] is not None:
        client.callbacks.complete(claim=receipt["claim"])
    seen: bool = client.callbacks.first_time(id="order-1")["first_time"]
    print(seen)


def use_portal(client: tuma.Client) -> None:
    """Daraja's other portal APIs and the reconciler."""
    d = client.daraja
    top_up: InitiatorResponse = d.b2c_topup(party_b="600981", amount=1000, account_reference="FLOAT", remarks="Top-up")
    moved = d.b2c_topup(
        amount=200, account_reference="MMF", remarks="Float", command_id="business_transfer_from_mmf_to_utility"
    )
    pochi_id: str = d.b2pochi(phone="0708374149", amount=150, remarks="Payout", occasion="June")[
        "originator_conversation_id"
    ]
    tax: InitiatorResponse = d.remit_tax(amount=2500, account_reference="2030PRN0001", remarks="VAT June")
    print(top_up["conversation_id"], moved["conversation_id"], pochi_id, tax["conversation_id"])

    express: B2bExpressCheckoutResponse = d.b2b_express_checkout(
        primary_short_code="600100", amount=71, payment_ref="PO-77", callback_url="https://example.com/express",
        partner_name="Tuma Supplies",
    )
    print("match the callback on", express["request_ref_id"], express["code"])

    registered: PullRegisterResponse = d.pull_register(
        nominated_number="0708374149", callback_url="https://example.com/pull"
    )
    pulled: PullTransactions = d.pull_transactions(start_date="2024-06-23 00:00:00", max_pages=10)
    rows: List[PullTransaction] = pulled["transactions"]
    print(registered["already_registered"], pulled["complete"], [(t["transaction_id"], t["amount"]) for t in rows])

    order: RatibaResponse = d.ratiba_create(
        standing_order_name="Rent", phone="0708374149", amount=500, frequency="monthly", start_date="20300101",
        end_date="20301231", account_reference="RENT-4", callback_url="https://example.com/ratiba",
        transaction_type="pay_bill",
    )
    print(order["response_ref_id"])

    optin: BillManagerResponse = d.bill_optin(
        email="billing@shop.example", official_contact="0708374149", send_reminders=True,
        callback_url="https://example.com/bill",
    )
    d.bill_change_optin(
        email="billing@shop.example", official_contact="0708374149", send_reminders=False,
        callback_url="https://example.com/bill",
    )
    first: BillInvoiceRequest = {
        "external_reference": "INV-1", "billed_full_name": "Jane Wanjiru", "billed_phone_number": "0708374149",
        "billed_period": "August 2030", "invoice_name": "School fees", "due_date": "2030-08-31",
        "account_reference": "ACC-1", "amount": 800,
        "invoice_items": [{"item_name": "Tuition", "amount": 700}, {"item_name": "Meals", "amount": 100}],
    }
    d.bill_invoice(**first)
    second: BillInvoiceRequest = {**first, "external_reference": "INV-2", "account_reference": "ACC-2", "amount": 50}
    bulk: BillInvoicesResponse = d.bill_invoices(invoices=[second])
    for chunk in bulk["chunks"]:
        if chunk["outcome"] != "accepted":
            print(chunk["first"], chunk["count"], chunk["outcome"], chunk["error"])
    d.bill_cancel_invoice(external_reference="INV-2")
    cancelled: BillManagerResponse = d.bill_cancel_invoices(invoices=[{"external_reference": "INV-1"}])
    print(optin["app_key"], [e["external_reference"] for e in cancelled["errors"]])
    d.bill_reconciliation(
        payment_date="2030-08-01", paid_amount=800, account_reference="ACC-1", transaction_id="TQ4K7XG2MB",
        phone_number="0708374149", full_name="Jane Wanjiru", invoice_name="School fees", external_reference="INV-1",
    )

    report: ReconcileReport = client.journal.reconcile(older_than_ms=60_000, max_queries_per_second=5)
    settled: List[ReconciledPayment] = [p for p in report["payments"] if p["action"] == "resolved"]
    for p in settled:
        final: PaymentStatus = p["new_status"]
        print(p["operation"], p["id"], final, p["outcome"]["source"] if p["outcome"] else None)
    print(report["examined"], report["resolved"], report["c2b_found"], report["c2b_error"])


async def use_async(client: tuma.AsyncClient) -> None:
    sms, details = await asyncio.gather(
        client.statum.send_sms(sender_id="TUMA", phone="0712345678", message="Hi"),
        client.statum.account_details(),
    )
    await client.statum.airtime(phone="0712345678", amount=20)
    push = await client.daraja.stk_push(phone="0708374149", amount=10, account_reference="A")
    await client.daraja.stk_query(checkout_request_id=push["checkout_request_id"])
    await client.daraja.confirm_stk_payment(checkout_request_id=push["checkout_request_id"])
    await client.daraja.c2b_register_urls(confirmation_url="https://example.com/c", validation_url="https://example.com/v")
    await client.daraja.c2b_simulate(amount=100, phone="254708374149")
    await client.daraja.b2c(phone="254708374149", amount=100, remarks="Refund", shortcode="600981")
    await client.daraja.b2b(party_b="000001", amount=10, remarks="Stock", account_reference="ACC")
    await client.daraja.transaction_status(transaction_id="OEI2AK4Q16")
    await client.daraja.account_balance()
    await client.daraja.reversal(transaction_id="OEI2AK4Q16", amount=10, remarks="Mistake")
    await client.daraja.dynamic_qr(merchant_name="Shop", ref_no="R", amount=5, trx_code="PB", cpi="174379")
    u = await client.umspay.stk_push(amount=100, phone="0712345678", reference="B")
    await client.umspay.transaction_status(transaction_request_id=u["transaction_request_id"])
    await client.umspay.wait_for_status(transaction_request_id=u["transaction_request_id"])
    await client.umspay.confirm_payment(transaction_request_id=u["transaction_request_id"])
    await client.daraja.b2c_topup(party_b="600981", amount=100, account_reference="FLOAT", remarks="Top-up")
    await client.daraja.b2pochi(phone="0708374149", amount=150, remarks="Payout")
    await client.daraja.remit_tax(amount=100, account_reference="PRN", remarks="VAT")
    await client.daraja.b2b_express_checkout(
        primary_short_code="600100", amount=71, payment_ref="PO", callback_url="https://example.com/x", partner_name="T"
    )
    await client.daraja.pull_register(nominated_number="0708374149", callback_url="https://example.com/pull")
    await client.daraja.pull_transactions()
    await client.daraja.ratiba_create(
        standing_order_name="Gym", phone="0708374149", amount=100, frequency="weekly", start_date="20300101",
        end_date="20300301", account_reference="GYM", callback_url="https://example.com/ratiba",
    )
    bill: BillInvoiceRequest = {
        "external_reference": "A-1", "billed_full_name": "J", "billed_phone_number": "0708374149",
        "billed_period": "May", "invoice_name": "Fees", "due_date": "2030-05-31", "account_reference": "A", "amount": 10,
    }
    await client.daraja.bill_optin(
        email="b@shop.example", official_contact="0708374149", send_reminders=False, callback_url="https://example.com/b"
    )
    await client.daraja.bill_change_optin(
        email="b@shop.example", official_contact="0708374149", send_reminders=True, callback_url="https://example.com/b"
    )
    await client.daraja.bill_invoice(**bill)
    await client.daraja.bill_invoices(invoices=[{**bill, "external_reference": "A-2"}])
    await client.daraja.bill_cancel_invoice(external_reference="A-1")
    await client.daraja.bill_cancel_invoices(invoices=[{"external_reference": "A-2"}])
    await client.daraja.bill_reconciliation(
        payment_date="2030-05-01", paid_amount=10, account_reference="A", transaction_id="T", phone_number="0708374149",
        full_name="J", invoice_name="Fees", external_reference="A-1",
    )
    report = await client.journal.reconcile(older_than_ms=60_000)
    await client.call("statum.account_details")
    print(sms["status_code"], details["organization"]["name"], report["examined"])

    received = await client.callbacks.receive(kind="statum.result", body='{"request_id":"r2","result_code":"200"}')
    if received["claim"] is not None:
        await client.callbacks.complete(claim=received["claim"])
    await client.callbacks.first_time(id="order-2")
    await cancel_a_payment(client)


async def cancel_a_payment(client: tuma.AsyncClient) -> None:
    """A timed-out push either was never sent (plain cancellation) or says how to learn its truth."""
    try:
        await asyncio.wait_for(client.daraja.stk_push(phone="0708374149", amount=10, account_reference="T"), 0.5)
    except asyncio.TimeoutError as e:
        sent = e.__cause__
        if isinstance(sent, tuma.CancelledAfterSendError):
            before: Recovery = sent.recovery
            print("may have been sent:", sent.operation, before["phone"], before.get("account_reference"))
            try:
                push: StkPushResponse = await sent.outcome
                print("it was:", push["checkout_request_id"])
            except tuma.TumaError as err:
                print(err.fate, err.recovery)
        else:
            print("never sent: safe to push again")
    except tuma.CancelledAfterSendError as sent:  # cancelled by someone else
        print(sent.recovery["advice"])
        raise


def receive_callback(client: tuma.Client, body: str) -> int:
    """The claim pattern: the HTTP status to answer the provider with."""
    received: ReceivedCallback = client.callbacks.receive(kind="daraja.stk_callback", body=body)
    status: ClaimStatus = received["status"]
    if status == "done":
        return 200
    if status == "in_progress" or received["claim"] is None:
        return 503
    try:
        client.daraja.confirm_stk_payment(callback=body)
    except Exception:
        released: ReleasedCallback = client.callbacks.release(claim=received["claim"])
        print("released:", released["released"])
        raise
    completed: CompletedCallback = client.callbacks.complete(claim=received["claim"])
    print("lease held:", completed["lease_held"], received["first_time"], received["id"], received["callback"])
    return 200


def outcome_of(stk: StkCallback, ums: UmsPayWebhookEvent) -> List[PaymentStatus]:
    """One vocabulary: completed, failed, cancelled, timeout or pending, whichever provider."""
    return [stk["status"], ums["status"]]


def portal_callbacks(express: bytes, ratiba: bytes, bill: bytes) -> List[PaymentStatus]:
    """B2B Express Checkout, Ratiba and Bill Manager callbacks (answer Bill Manager with
    ``tuma.utilities.daraja_bill_payment_ack()``)."""
    e: B2bExpressCallback = tuma.parse_daraja_b2b_express_callback(express)
    r: RatibaCallback = tuma.parse_daraja_ratiba_callback(ratiba)
    b: BillPayment = tuma.parse_daraja_bill_payment(bill)
    print(e["request_id"], e["transaction_id"], r["response_ref_id"], r["transaction_id"], b["transaction_id"])
    paid: float = b["paid_amount"]
    print(paid, [(p["key"], p["value"]) for p in r["data"]])
    return [e["status"], r["status"]]


def use_callbacks_and_utilities() -> None:
    airtime: StatumAirtimeResult = tuma.parse_statum_airtime_result(
        b'{"request_id":"r","charge":1,"account_balance":2,"result_code":"200"}'
    )
    charge: Optional[float] = airtime["charge"]  # None on a failure's webhook
    print(charge)
    generic = tuma.parse_statum_result('{"request_id":"r","result_code":"200"}')
    body = b"{}"
    for parse in (
        tuma.parse_daraja_stk_callback,
        tuma.parse_daraja_result,
        tuma.parse_daraja_c2b_validation,
        tuma.parse_daraja_c2b_confirmation,
        tuma.parse_daraja_queue_timeout,
        tuma.parse_umspay_webhook,
        tuma.parse_daraja_b2b_express_callback,
        tuma.parse_daraja_ratiba_callback,
        tuma.parse_daraja_bill_payment,
    ):
        try:
            parse(body)
        except tuma.InvalidCallbackError as e:
            print(e.provider, e)
    any_kind = tuma.callbacks.parse("statum.result", '{"request_id":"r","result_code":"200"}')
    phone = tuma.normalize_phone("0712 345 678")
    pw = tuma.utilities.daraja_stk_password("174379", "passkey")
    ts: str = tuma.utilities.daraja_timestamp()["timestamp"]
    reply = tuma.utilities.daraja_c2b_accept()
    reject = tuma.utilities.daraja_c2b_reject("invalid_amount")
    ack = tuma.utilities.daraja_c2b_confirmation_ack()
    bill_ack: BillPaymentAck = tuma.utilities.daraja_bill_payment_ack()
    print(bill_ack["rescode"])
    try:
        tuma.utilities.daraja_security_credential("pw", environment="sandbox")
    except tuma.TumaError as e:
        print(e.kind)
    print(airtime["charge"], generic["result_code"], any_kind, phone["carrier"], pw["password"], ts)
    print(reply["ResultCode"], reject["ResultDesc"], ack, tuma.operations(), tuma.callback_kinds(), tuma.utility_names())


def handle_errors(client: tuma.Client) -> None:
    try:
        client.statum.airtime(phone="0712345678", amount=50)
    except tuma.InvalidInputError as e:
        print("fix the input:", e.field)
    except tuma.RateLimitedError as e:
        print("retry after", e.retry_after)
    except (tuma.NetworkError, tuma.TumaTimeoutError, tuma.DecodeError) as e:
        fate: Fate = e.fate
        if e.outcome_unknown:
            print("may have gone through: check before retrying")
        recovery: Optional[Recovery] = e.recovery
        if fate == "unknown" and recovery is not None:
            print(recovery["operation"], recovery.get("phone"), recovery.get("amount"), recovery["advice"])
    except (tuma.ApiError, tuma.AuthenticationError, tuma.AuthorizationError) as e:
        print(e.provider, e.status, e.code, e.request_id)
    except tuma.BusyError as e:
        print("not started:", e)
    except (tuma.ConfigError, tuma.InvalidCallbackError, tuma.TumaError) as e:
        print(e)


def error_kinds() -> None:
    """Every kind the core knows, each with a class of its own."""
    for kind in tuma.ERROR_KINDS:
        named: ErrorKind = kind
        cls: Type[tuma.TumaError] = tuma.error_class(named)
        print(named, cls.__name__)


def strict_journal() -> tuma.Client:
    """One process that makes every push itself: a callback for a push missing from its
    journal is refused as forged (the default with Redis)."""
    store: StoreConfig = {"url": "memory", "journal_required": True}
    return tuma.Client(store=store)


def main() -> None:
    use_callbacks_and_utilities()
    error_kinds()
    print(strict_journal())
    if not os.environ.get("TUMA_STATUM_CONSUMER_KEY"):
        return  # no credentials: the file served as a typing check
    client = tuma.Client.from_env()
    handle_errors(client)
    use_sync(client)
    asyncio.run(use_async(tuma.AsyncClient.from_client(client)))


if __name__ == "__main__":
    main()
