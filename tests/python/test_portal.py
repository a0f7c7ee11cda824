"""Daraja's other portal APIs and the reconciler against the sandbox: B2C top-up, Business
to Pochi, tax remittance, B2B Express Checkout, Pull Transactions, M-Pesa Ratiba, Bill
Manager and ``journal.reconcile``, with their callbacks received by a local server and
parsed by tuma; documented refusals and faults after processing (fate and recovery); bad
input refused before anything is sent."""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from typing import Any, Callable, Dict, Iterator, List

import pytest

import tuma
from tuma.types import (
    B2bExpressCallback,
    B2bExpressCheckoutResponse,
    BillInvoicesResponse,
    BillManagerResponse,
    BillPayment,
    PullRegisterResponse,
    PullTransactions,
    RatibaCallback,
    RatibaResponse,
    ReconcileReport,
)

from conftest import FakeServer, Reply, Sandbox, daraja_config, json_reply

B2C_SHORTCODE = "600981"
KRA = "572572"


def receiver_reply(method: str, path: str, body: bytes) -> Reply:
    if path.startswith("/bill"):
        # Bill Manager redelivers a notification until it gets exactly this.
        return json_reply(200, tuma.utilities.daraja_bill_payment_ack())
    return json_reply(200, {"ok": True})


@pytest.fixture()
def receiver(fake_server: Callable[..., FakeServer]) -> FakeServer:
    return fake_server(receiver_reply)


def base_of(receiver: FakeServer) -> str:
    return receiver.url.replace("/api/v2/", "")


@pytest.fixture()
def client(sandbox: Sandbox, receiver: FakeServer) -> tuma.Client:
    return tuma.Client(daraja=daraja_config(sandbox, base_of(receiver)), http={"max_retries": 0})


def uid(prefix: str, length: int = 12) -> str:
    return (prefix + uuid.uuid4().hex)[:length].upper()


def wait_body(receiver: FakeServer, path: str, needle: str, timeout: float = 15.0) -> bytes:
    """The body of the first request to `path` that holds `needle`."""
    deadline = time.monotonic() + timeout
    while True:
        with receiver.lock:
            found = [b for _, p, b in receiver.requests if p.startswith(path) and needle.encode() in b]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            pytest.fail(f"no callback on {path} holding {needle!r}")
        time.sleep(0.02)


def ledger(sandbox: Sandbox, kind: str) -> List[Dict[str, Any]]:
    """The sandbox's Daraja ledger entries of `kind` (docs/sandbox.md, Ledger)."""
    return [e for e in sandbox._control("GET", "daraja/ledger")["entries"] if e["kind"] == kind]


def settings(sandbox: Sandbox, **changes: Any) -> Dict[str, Any]:
    return dict(sandbox._control("POST", "daraja/settings", changes))


def daraja_error(code: str, message: str) -> str:
    return json.dumps({"requestId": "t-1", "errorCode": code, "errorMessage": message})


# --- initiator APIs: top-up, Pochi, tax ---------------------------------------------------


def test_b2c_topup_pays_and_its_result_parses(client: tuma.Client, receiver: FakeServer, sandbox: Sandbox) -> None:
    ref = uid("TOP", 13)
    up = client.daraja.b2c_topup(party_b=B2C_SHORTCODE, amount=1000, account_reference=ref, remarks="Float top-up")
    assert up["response_code"] == "0" and up["conversation_id"].startswith("AG_")
    result = tuma.parse_daraja_result(wait_body(receiver, "/result", up["conversation_id"]))
    assert result["status"] == "completed" and result["result_code"] == "0"
    assert result["details"]["kind"] == "b2b", result
    assert result["details"]["amount"] == 1000.0
    assert result["details"]["bill_reference_number"] == ref
    [entry] = [e for e in ledger(sandbox, "b2b") if e["reference"] == ref]
    assert entry["command"] == "BusinessPayToBulk" and entry["credit_party"] == B2C_SHORTCODE

    # Working -> Utility within one shortcode: party_b defaults to the paying shortcode.
    ref2 = uid("MMF", 13)
    moved = client.daraja.b2c_topup(
        amount=200, account_reference=ref2, remarks="Float", command_id="business_transfer_from_mmf_to_utility"
    )
    assert moved["response_code"] == "0"
    [entry] = [e for e in ledger(sandbox, "b2b") if e["reference"] == ref2]
    assert entry["command"] == "BusinessTransferFromMMFToUtility" and entry["credit_party"] == "174379"


def test_b2pochi_pays_once_per_id(client: tuma.Client, receiver: FakeServer, sandbox: Sandbox) -> None:
    paid = client.daraja.b2pochi(phone="0708 374 149", amount=150, remarks="Pochi payout", occasion="June",
                                 shortcode=B2C_SHORTCODE)
    assert paid["response_code"] == "0" and len(paid["originator_conversation_id"]) == 36
    result = tuma.parse_daraja_result(wait_body(receiver, "/result", paid["originator_conversation_id"]))
    assert result["details"]["kind"] == "b2c", "Pochi results are B2C-shaped"
    assert result["details"]["transaction_amount"] == 150.0 and result["status"] == "completed"

    # Daraja refuses a repeated id: resending with the same id can never pay twice.
    own = str(uuid.uuid4())
    first = client.daraja.b2pochi(phone="0708374149", amount=100, remarks="Pochi", shortcode=B2C_SHORTCODE,
                                  originator_conversation_id=own)
    assert first["originator_conversation_id"] == own
    with pytest.raises(tuma.ApiError) as again:
        client.daraja.b2pochi(phone="0708374149", amount=100, remarks="Pochi", shortcode=B2C_SHORTCODE,
                              originator_conversation_id=own)
    assert (again.value.fate, again.value.code) == ("refused", "500.002.1001")
    assert again.value.recovery is not None and again.value.recovery["originator_conversation_id"] == own
    assert len([e for e in ledger(sandbox, "b2pochi") if e["id"] == own]) == 1


def test_remit_tax_pays_kra(client: tuma.Client, receiver: FakeServer, sandbox: Sandbox) -> None:
    prn = uid("PRN", 20)
    sent = client.daraja.remit_tax(amount=2500, account_reference=prn, remarks="VAT June")
    assert sent["response_code"] == "0"
    result = tuma.parse_daraja_result(wait_body(receiver, "/result", sent["conversation_id"]))
    details = result["details"]
    assert details["kind"] == "b2b" and details["bill_reference_number"] == prn
    assert KRA in details["receiver_party_public_name"]
    [entry] = [e for e in ledger(sandbox, "tax") if e["reference"] == prn]
    assert entry["credit_party"] == KRA


# --- money truth: refusals and faults after processing ---------------------------------


def test_refusals_and_unknown_outcomes_carry_recovery(
    client: tuma.Client, receiver: FakeServer, faults: Sandbox
) -> None:
    invalid = daraja_error("400.002.02", "Bad Request - Invalid Amount")
    # Warm the token so that the faults strike the money requests themselves.
    client.daraja.account_balance()

    faults.fault("b2b/v1/paymentrequest", f"reply=400;body={invalid}")
    ref = uid("REF", 13)
    with pytest.raises(tuma.ApiError) as refused:
        client.daraja.b2c_topup(party_b=B2C_SHORTCODE, amount=100, account_reference=ref, remarks="Top-up")
    e = refused.value
    assert (e.fate, e.code, e.outcome_unknown) == ("refused", "400.002.02", False)
    assert e.recovery is not None
    assert e.recovery["operation"] == "daraja.b2c_topup" and e.recovery["amount"] == 100
    assert e.recovery["receiver"] == B2C_SHORTCODE and e.recovery["account_reference"] == ref
    assert not [x for x in ledger(faults, "b2b") if x["reference"] == ref]

    spike = daraja_error("500.003.02", "Spike arrest violation")
    faults.fault("b2pochi", f"reply=500;body={spike}")
    with pytest.raises(tuma.RateLimitedError) as limited:
        client.daraja.b2pochi(phone="0708374149", amount=100, remarks="Pochi", shortcode=B2C_SHORTCODE,
                              originator_conversation_id="py-pochi-refused")
    assert limited.value.fate == "refused" and limited.value.recovery is not None
    assert limited.value.recovery["phone"] == "254708374149"

    # Processed, then a 500: the money may have moved. Never resent; one payment.
    internal = daraja_error("500.001.1001", "Internal server error")
    faults.fault("remittax", f"reply=500;processed;body={internal}")
    prn = uid("PRN", 20)
    with pytest.raises(tuma.ApiError) as unknown:
        client.daraja.remit_tax(amount=400, account_reference=prn, remarks="VAT")
    e = unknown.value
    assert (e.fate, e.code, e.outcome_unknown) == ("unknown", "500.001.1001", True)
    assert e.recovery is not None
    assert e.recovery["operation"] == "daraja.remit_tax" and e.recovery["receiver"] == KRA
    assert e.recovery["account_reference"] == prn
    assert len([x for x in ledger(faults, "tax") if x["reference"] == prn]) == 1

    # A 2xx without `code` is no acceptance: unknown; the callback still comes.
    request_id = f"py-express-{uuid.uuid4()}"
    faults.fault("ussdpush", "reply=200;processed;body={}")
    with pytest.raises(tuma.TumaError) as cut:
        client.daraja.b2b_express_checkout(
            primary_short_code="600100", amount=90, payment_ref="PO-9", callback_url=f"{base_of(receiver)}/express",
            partner_name="Tuma", request_ref_id=request_id,
        )
    assert cut.value.fate == "unknown" and cut.value.recovery is not None
    assert cut.value.recovery["request_id"] == request_id and cut.value.recovery["shortcode"] == "600100"
    late = tuma.parse_daraja_b2b_express_callback(wait_body(receiver, "/express", request_id))
    assert late["status"] == "completed"
    assert len([x for x in ledger(faults, "b2b_express") if x["id"] == request_id]) == 1


# --- B2B Express Checkout ----------------------------------------------------------------


def test_b2b_express_checkout_and_its_callbacks(client: tuma.Client, receiver: FakeServer) -> None:
    url = f"{base_of(receiver)}/express"
    sent: B2bExpressCheckoutResponse = client.daraja.b2b_express_checkout(
        primary_short_code="600100", amount=71, payment_ref="PO-77", callback_url=url, partner_name="Tuma Supplies"
    )
    assert sent["code"] == "0" and len(sent["request_ref_id"]) == 36
    assert sent["status"] == "USSD Initiated Successfully"
    paid: B2bExpressCallback = tuma.parse_daraja_b2b_express_callback(wait_body(receiver, "/express", sent["request_ref_id"]))
    assert (paid["status"], paid["result_code"], paid["amount"]) == ("completed", "0", 71.0)
    assert paid["request_id"] == sent["request_ref_id"] and paid["transaction_id"]
    assert paid["status_text"] == "SUCCESS"

    # Till 400100: the operator cancels.
    own = f"py-cancel-{uuid.uuid4()}"
    cancelled = client.daraja.b2b_express_checkout(
        primary_short_code="400100", amount=50, payment_ref="PO-9", callback_url=url, partner_name="Tuma",
        request_ref_id=own,
    )
    assert cancelled["request_ref_id"] == own
    body = wait_body(receiver, "/express", own)
    cb = tuma.callbacks.parse("daraja.b2b_express_callback", body)
    assert (cb["status"], cb["result_code"], cb["payment_reference"]) == ("cancelled", "4001", "PO-9")
    assert cb["transaction_id"] is None

    # Claimed once on its requestId; a redelivery is done.
    first = client.callbacks.receive(kind="daraja.b2b_express_callback", body=body.decode())
    assert first["status"] == "claimed" and first["id"] == own and first["claim"] is not None
    client.callbacks.complete(claim=first["claim"])
    again = client.callbacks.receive(kind="daraja.b2b_express_callback", body=body.decode())
    assert again["status"] == "done" and again["claim"] is None


# --- Pull Transactions -------------------------------------------------------------------


def test_pull_register_and_every_page_of_transactions(client: tuma.Client, sandbox: Sandbox) -> None:
    shortcode = str(random.randint(700000, 799999))
    reg: PullRegisterResponse = client.daraja.pull_register(
        shortcode=shortcode, nominated_number="0708374149", callback_url="https://example.com/pull"
    )
    assert (reg["response_status"], reg["already_registered"], reg["short_code"]) == ("1000", False, shortcode)
    again = client.daraja.pull_register(shortcode=shortcode, nominated_number="0708374149",
                                        callback_url="https://example.com/pull")
    assert again["already_registered"] and again["response_status"] == "1001"
    assert again["response_ref_id"] == reg["response_ref_id"]

    # Nothing yet: an empty list, not an error.
    none = client.daraja.pull_transactions(shortcode=shortcode)
    assert none["complete"] and none["transactions"] == [] and none["pages"] == 1

    for i in range(3):
        client.daraja.c2b_simulate(shortcode=shortcode, amount=10 + i, phone="0708374149", bill_ref_number=f"PULL-{i}")
    deadline = time.monotonic() + 15
    while len(client.daraja.pull_transactions(shortcode=shortcode)["transactions"]) < 3:
        assert time.monotonic() < deadline, "the C2B payments never completed"
        time.sleep(0.1)

    settings(sandbox, pull_page_size=2)
    try:
        every: PullTransactions = client.daraja.pull_transactions(shortcode=shortcode)
        assert every["complete"] and every["pages"] == 2 and every["shortcode"] == shortcode
        assert sorted(t["bill_reference"] for t in every["transactions"]) == ["PULL-0", "PULL-1", "PULL-2"]
        assert all(t["msisdn"] == "254708374149" and t["transaction_id"] for t in every["transactions"])
        third = next(t for t in every["transactions"] if t["bill_reference"] == "PULL-2")
        assert third["amount"] == 12.0 and third["transaction_type"] == "c2b-pay-bill-debit"
        # The page bound stops the walk, and says the list is not complete.
        one = client.daraja.pull_transactions(shortcode=shortcode, max_pages=1)
        assert (one["complete"], one["pages"], len(one["transactions"])) == (False, 1, 2)
    finally:
        settings(sandbox, pull_page_size=100)

    past = client.daraja.pull_transactions(
        shortcode=shortcode, start_date="2020-01-01 00:00:00", end_date="2020-01-02 00:00:00"
    )
    assert past["complete"] and past["transactions"] == []
    generic = client.call("daraja.pull_transactions", shortcode=shortcode, max_pages=10)
    assert len(generic["transactions"]) == 3


# --- M-Pesa Ratiba -----------------------------------------------------------------------


def test_ratiba_orders_and_their_callbacks(client: tuma.Client, receiver: FakeServer, sandbox: Sandbox) -> None:
    url = f"{base_of(receiver)}/ratiba"

    def create(name: str, phone: str) -> RatibaResponse:
        return client.daraja.ratiba_create(
            standing_order_name=name, phone=phone, amount=500, frequency="monthly", start_date="20300101",
            end_date="20301231", account_reference="RENT-4", transaction_desc="Rent", callback_url=url,
        )

    name = f"Rent {uuid.uuid4()}"
    sent = create(name, "0708374149")
    assert sent["response_code"] == "200" and sent["response_ref_id"]
    body = wait_body(receiver, "/ratiba", sent["response_ref_id"])
    cb: RatibaCallback = tuma.parse_daraja_ratiba_callback(body)
    assert (cb["status"], cb["response_code"], cb["result_status"]) == ("completed", "0", "OKAY")
    assert cb["response_ref_id"] == sent["response_ref_id"] and "*" in (cb["msisdn"] or "")
    assert cb["transaction_id"] and any(p["key"] == "TransactionID" for p in cb["data"])
    got = client.callbacks.receive(kind="daraja.ratiba_callback", body=body.decode())
    assert got["first_time"] and got["id"] == f"{sent['response_ref_id']}:{cb['transaction_id']}"

    # Keys in any letter case.
    settings(sandbox, ratiba_key_case="pascal")
    try:
        pascal = create(f"Gym {uuid.uuid4()}", "0708374149")
        body = wait_body(receiver, "/ratiba", pascal["response_ref_id"])
        assert b'"ResponseRefID"' in body
        assert tuma.parse_daraja_ratiba_callback(body)["status"] == "completed"
    finally:
        settings(sandbox, ratiba_key_case="camel")

    # The customer cancels; a second order of the same name is refused (1050).
    cancelled = create(f"Gym {uuid.uuid4()}", "254700001032")
    cb = tuma.parse_daraja_ratiba_callback(wait_body(receiver, "/ratiba", cancelled["response_ref_id"]))
    assert (cb["status"], cb["response_code"], cb["transaction_id"]) == ("cancelled", "1032", None)
    twice = create(name, "0708374149")
    cb = tuma.parse_daraja_ratiba_callback(wait_body(receiver, "/ratiba", twice["response_ref_id"]))
    assert cb["response_code"] == "1050" and cb["status"] == "failed"
    mine = {sent["response_ref_id"], pascal["response_ref_id"], cancelled["response_ref_id"], twice["response_ref_id"]}
    entries = [e for e in ledger(sandbox, "ratiba") if e["id"] in mine]
    assert len(entries) == 4 and not any(e["paid"] for e in entries), "creating an order moves no money"


# --- Bill Manager ------------------------------------------------------------------------


def invoice(reference: str, amount: int) -> Dict[str, Any]:
    return {
        "external_reference": reference,
        "billed_full_name": "Jane Wanjiru",
        "billed_phone_number": "0708374149",
        "billed_period": "August 2030",
        "invoice_name": "School fees",
        "due_date": "2030-08-31",
        "account_reference": f"ACC-{reference}",
        "amount": amount,
    }


def test_bill_manager_invoices_payments_and_cancellations(
    client: tuma.Client, receiver: FakeServer, sandbox: Sandbox
) -> None:
    url = f"{base_of(receiver)}/bill"
    optin: BillManagerResponse = client.daraja.bill_optin(
        email="billing@shop.example", official_contact="0708374149", send_reminders=True, callback_url=url
    )
    assert optin["rescode"] == "200" and (optin["app_key"] or "").startswith("AG_")
    changed = client.daraja.bill_change_optin(
        email="billing@shop.example", official_contact="0708374149", send_reminders=False, callback_url=url
    )
    assert changed["rescode"] == "200" and changed["errors"] == []

    ref = uid("PY-INV-", 16)
    sent = client.daraja.bill_invoice(
        **invoice(ref, 800),
        invoice_items=[{"item_name": "Tuition", "amount": 700}, {"item_name": "Meals", "amount": 100}],
    )
    assert sent["rescode"] == "200" and sent["status_message"] == "Invoice sent successfully"

    # The customer pays; the notification, acknowledged with bill_payment_ack, comes once.
    paid = sandbox._control("POST", "daraja/billmanager/pay", {"externalReference": ref})
    receipt = paid["transactionId"]
    body = wait_body(receiver, "/bill", receipt)
    payment: BillPayment = tuma.parse_daraja_bill_payment(body)
    assert (payment["transaction_id"], payment["paid_amount"]) == (receipt, 800.0)
    assert payment["account_reference"] == f"ACC-{ref}" and payment["short_code"] == "174379"
    got = client.callbacks.receive(kind="daraja.bill_payment", body=body.decode())
    assert got["first_time"] and got["id"] == receipt
    time.sleep(1.5)  # past the sandbox's redelivery gap (1 s)
    assert len(receiver.wait_for("/bill", timeout=0)) == 1, "acknowledged: not redelivered"

    reconciled = client.daraja.bill_reconciliation(
        payment_date=payment["date_created"], paid_amount=800, account_reference=payment["account_reference"],
        transaction_id=receipt, phone_number=payment["msisdn"], full_name="Jane Wanjiru",
        invoice_name="School fees", external_reference=ref,
    )
    assert reconciled["rescode"] == "200"
    [inv] = [i for i in sandbox._control("GET", "daraja/billmanager/invoices")["invoices"]
             if i["externalReference"] == ref]
    assert inv["status"] == "paid" and inv["payments"][0]["reconciled"] is True

    # A paid invoice cannot be cancelled: refused (409).
    with pytest.raises(tuma.ApiError) as refused:
        client.daraja.bill_cancel_invoice(external_reference=ref)
    assert (refused.value.code, refused.value.fate) == ("409", "refused")

    a, b = uid("PY-A-", 16), uid("PY-B-", 16)
    bulk: BillInvoicesResponse = client.daraja.bill_invoices(invoices=[invoice(a, 50), invoice(b, 60)])
    assert (bulk["invoices"], bulk["accepted"], bulk["all_accepted"]) == (2, 2, True)
    [chunk] = bulk["chunks"]
    assert (chunk["outcome"], chunk["first"], chunk["count"], chunk["error"]) == ("accepted", 0, 2, None)
    assert client.daraja.bill_cancel_invoice(external_reference=a)["rescode"] == "200"
    # Bulk cancellation: the unpaid one cancelled, the paid one named.
    partial = client.daraja.bill_cancel_invoices(invoices=[{"external_reference": ref}, {"external_reference": b}])
    assert partial["rescode"] == "409"
    assert [err["external_reference"] for err in partial["errors"]] == [ref]
    statuses = {i["externalReference"]: i["status"]
                for i in sandbox._control("GET", "daraja/billmanager/invoices")["invoices"]}
    assert (statuses[a], statuses[b], statuses[ref]) == ("cancelled", "cancelled", "paid")


# --- the reconciler ----------------------------------------------------------------------


def test_journal_reconcile_settles_a_push_whose_callback_was_not_fed(
    client: tuma.Client, receiver: FakeServer
) -> None:
    push = client.daraja.stk_push(phone="0708374149", amount=10, account_reference=uid("RC"))
    checkout = push["checkout_request_id"]
    # The callback arrived at the server, but the application never passed it to
    # receive_callback: the journal does not know the outcome.
    wait_body(receiver, "/stk", checkout)
    report: ReconcileReport = client.journal.reconcile(older_than_ms=0, c2b=False, max_queries_per_second=20)
    assert report["errors"] == 0 and report["examined"] >= 1, report
    [mine] = [p for p in report["payments"] if p["id"] == checkout]
    assert (mine["action"], mine["old_status"], mine["new_status"]) == ("resolved", "pending", "completed")
    assert mine["provider"] == "daraja" and mine["operation"] == "daraja.stk_push" and mine["amount"] == 10
    assert mine["outcome"] is not None and mine["outcome"]["source"] == "query"
    assert mine["outcome"]["result_code"] == "0"
    again = client.journal.reconcile(older_than_ms=0, c2b=False)
    assert checkout not in [p["id"] for p in again["payments"]]


# --- AsyncClient ---------------------------------------------------------------------------


def test_async_client_reaches_the_portal(sandbox: Sandbox, receiver: FakeServer) -> None:
    base = base_of(receiver)
    client = tuma.AsyncClient(daraja=daraja_config(sandbox, base), http={"max_retries": 0})

    async def main() -> None:
        express, pull, ratiba, tax = await asyncio.gather(
            client.daraja.b2b_express_checkout(
                primary_short_code="600100", amount=20, payment_ref="PO-A", callback_url=f"{base}/express",
                partner_name="Tuma",
            ),
            client.daraja.pull_transactions(max_pages=1),
            client.daraja.ratiba_create(
                standing_order_name=f"Async {uuid.uuid4()}", phone="0708374149", amount=100, frequency="weekly",
                start_date="20300101", end_date="20300301", account_reference="ASYNC",
                callback_url=f"{base}/ratiba",
            ),
            client.daraja.remit_tax(amount=10, account_reference=uid("PRN", 20), remarks="VAT"),
        )
        assert express["code"] == "0" and ratiba["response_code"] == "200"
        assert isinstance(pull["transactions"], list) and pull["pages"] == 1
        assert tax["response_code"] == "0"
        cb = tuma.parse_daraja_b2b_express_callback(wait_body(receiver, "/express", express["request_ref_id"]))
        assert cb["status"] == "completed"
        report = await client.journal.reconcile(older_than_ms=0, c2b=False, max_queries_per_second=20)
        assert report["errors"] == 0
        with pytest.raises(tuma.InvalidInputError) as bad:
            await client.daraja.pull_register(nominated_number="07", callback_url="https://example.com/p")
        assert bad.value.field == "nominated_number" and bad.value.fate == "not_sent"

    asyncio.run(main())


# --- callbacks and the utility -------------------------------------------------------------

EXPRESS_OK = (
    b'{"resultCode":"0","resultDesc":"The service request is processed successfully.","amount":"71.0",'
    b'"requestId":"404e1aec-19e0-4ce3-973d-bd92e94c8021","resultType":"0",'
    b'"conversationID":"AG_20230426_2010434680d9f5a73766","transactionId":"RDQ01NFT1Q","status":"SUCCESS"}'
)
RATIBA_MIXED = (
    '{"ResponseHeader":{"responseRefID":"4dd9b5d9-d738-42ba-9326-2cc99e966000","requestRefID":"sto-1",'
    '"responseCode":"0","responseDescription":"The service request is processed successfully"},'
    '"responseBody":{"ResponseData":[{"Name":"TransactionID","value":"SC8F2IQMH5"},'
    '{"Name":"responseCode","value":"0"},{"Name":"Status","value":"OKAY"},{"Name":"Msisdn","value":"254******149"}]}}'
)
BILL_PAYMENT = (
    '{"transactionId":"TQ4K7XG2MB","paidAmount":"800","msisdn":"254708374149","dateCreated":"2024-06-23",'
    '"accountReference":"ACC-1","shortCode":"174379"}'
)


def test_callback_parsers() -> None:
    express = tuma.parse_daraja_b2b_express_callback(EXPRESS_OK)
    assert express == {
        "result_code": "0",
        "result_desc": "The service request is processed successfully.",
        "request_id": "404e1aec-19e0-4ce3-973d-bd92e94c8021",
        "amount": 71.0,
        "status": "completed",
        "transaction_id": "RDQ01NFT1Q",
        "conversation_id": "AG_20230426_2010434680d9f5a73766",
        "result_type": "0",
        "status_text": "SUCCESS",
        "payment_reference": None,
    }
    ratiba = tuma.parse_daraja_ratiba_callback(RATIBA_MIXED)
    assert (ratiba["response_ref_id"], ratiba["request_ref_id"]) == ("4dd9b5d9-d738-42ba-9326-2cc99e966000", "sto-1")
    assert (ratiba["transaction_id"], ratiba["result_status"], ratiba["msisdn"]) == ("SC8F2IQMH5", "OKAY", "254******149")
    assert ratiba["status"] == "completed" and len(ratiba["data"]) == 4
    assert ratiba["data"][0] == {"key": "TransactionID", "value": "SC8F2IQMH5"}
    bill = tuma.parse_daraja_bill_payment(BILL_PAYMENT.encode())
    assert bill == {
        "transaction_id": "TQ4K7XG2MB",
        "paid_amount": 800.0,
        "msisdn": "254708374149",
        "date_created": "2024-06-23",
        "account_reference": "ACC-1",
        "short_code": "174379",
    }
    # The generic parser gives the same.
    assert tuma.callbacks.parse("daraja.bill_payment", BILL_PAYMENT) == bill
    assert tuma.callbacks.parse("daraja.ratiba_callback", RATIBA_MIXED) == ratiba

    for kind, body in [
        ("daraja.b2b_express_callback", b"{not json"),
        ("daraja.b2b_express_callback", b'{"resultCode":"0","requestId":"r"}'),  # paid without a receipt
        ("daraja.ratiba_callback", b"{}"),
        ("daraja.bill_payment", b'{"transactionId":"T1"}'),  # no paidAmount
        ("daraja.bill_payment", b"[]"),
    ]:
        with pytest.raises(tuma.InvalidCallbackError) as e:
            tuma.callbacks.parse(kind, body)
        assert e.value.kind == "invalid_callback" and e.value.provider == "daraja"


def test_bill_payment_ack() -> None:
    assert tuma.utilities.daraja_bill_payment_ack() == {"rescode": "200", "resmsg": "Success"}
    assert tuma.utilities.call("daraja.bill_payment_ack") == {"rescode": "200", "resmsg": "Success"}


# --- bad input ---------------------------------------------------------------------------


def test_bad_input_is_refused_before_anything_is_sent(sandbox: Sandbox) -> None:
    client = tuma.Client(daraja=daraja_config(sandbox), http={"max_retries": 0})
    d = client.daraja
    cb = "https://example.com/cb"
    ok_invoice = invoice("BAD-1", 10)
    cases: List[Any] = [
        ("amount", lambda: d.b2c_topup(party_b=B2C_SHORTCODE, amount=0, account_reference="R", remarks="Top-up")),
        ("party_b", lambda: d.b2c_topup(amount=10, account_reference="R", remarks="Top-up")),
        ("account_reference", lambda: d.b2c_topup(party_b=B2C_SHORTCODE, amount=10, account_reference="X" * 14,
                                                  remarks="Top-up")),
        ("command_id", lambda: d.b2c_topup(party_b=B2C_SHORTCODE, amount=10, account_reference="R", remarks="Top-up",
                                           command_id="pay_all")),
        ("phone", lambda: d.b2pochi(phone="12345", amount=100, remarks="Pochi")),
        ("amount", lambda: d.b2pochi(phone="0708374149", amount=9, remarks="Pochi")),
        ("originator_conversation_id", lambda: d.b2pochi(phone="0708374149", amount=100, remarks="Pochi",
                                                         originator_conversation_id="")),
        ("account_reference", lambda: d.remit_tax(amount=100, account_reference="P" * 21, remarks="VAT")),
        ("primary_short_code", lambda: d.b2b_express_checkout(primary_short_code="till", amount=10, payment_ref="P",
                                                              callback_url=cb, partner_name="T")),
        ("callback_url", lambda: d.b2b_express_checkout(primary_short_code="600100", amount=10, payment_ref="P",
                                                        callback_url="nope", partner_name="T")),
        ("nominated_number", lambda: d.pull_register(nominated_number="07", callback_url=cb)),
        ("start_date", lambda: d.pull_transactions(start_date="2030-13-01 00:00:00")),
        ("end_date", lambda: d.pull_transactions(start_date="2030-01-02 00:00:00", end_date="2030-01-01 00:00:00")),
        ("max_pages", lambda: d.pull_transactions(max_pages=0)),
        ("frequency", lambda: d.ratiba_create(standing_order_name="n", phone="0708374149", amount=1, frequency="hourly",
                                              start_date="20300101", end_date="20300101", account_reference="a",
                                              callback_url=cb)),
        ("start_date", lambda: d.ratiba_create(standing_order_name="n", phone="0708374149", amount=1,
                                               frequency="daily", start_date="20300230", end_date="20300301",
                                               account_reference="a", callback_url=cb)),
        ("email", lambda: d.bill_optin(email="billing", official_contact="0708374149", send_reminders=True,
                                       callback_url=cb)),
        ("due_date", lambda: d.bill_invoice(**{**ok_invoice, "due_date": "2030-02-30"})),
        ("invoice_items[0].item_name", lambda: d.bill_invoice(**ok_invoice,
                                                              invoice_items=[{"item_name": "", "amount": 1}])),
        ("invoices", lambda: d.bill_invoices(invoices=[])),
        ("invoices[1].external_reference", lambda: d.bill_invoices(invoices=[ok_invoice, ok_invoice])),
        ("invoices[0].billed_full_name", lambda: client.call("daraja.bill_invoices",
                                                             invoices=[{"external_reference": "x"}])),
        ("external_reference", lambda: d.bill_cancel_invoice(external_reference=" ")),
        ("invoices[0].external_reference", lambda: d.bill_cancel_invoices(invoices=[{"external_reference": " "}])),
        ("phone_number", lambda: d.bill_reconciliation(payment_date="2030-08-01", paid_amount=100,
                                                       account_reference="A", transaction_id="TQ4K7XG2MB",
                                                       phone_number="12", full_name="Jane", invoice_name="Fees",
                                                       external_reference="INV-1")),
        ("max_queries_per_second", lambda: client.journal.reconcile(older_than_ms=0, max_queries_per_second=0)),
        ("party_b", lambda: client.call("daraja.remit_tax", amount=10, account_reference="P", remarks="VAT",
                                        party_b=KRA)),
    ]
    before = sandbox.stats()["requests"]
    for field, call in cases:
        with pytest.raises(tuma.InvalidInputError) as e:
            call()
        assert (e.value.field, e.value.fate, e.value.recovery) == (field, "not_sent", None), (field, e.value)
    assert sandbox.stats()["requests"] == before, "nothing may reach the provider"


@pytest.fixture(autouse=True)
def _no_leftover_settings(sandbox: Sandbox) -> Iterator[None]:
    """The Daraja run-time settings this module changes are back to their defaults after
    each test (the sandbox is shared by the whole session)."""
    yield
    settings(sandbox, pull_page_size=100, ratiba_key_case="camel")
