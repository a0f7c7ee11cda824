//! Daraja's other portal APIs against the local sandbox: B2C top-up, Business to Pochi, tax
//! remittance, B2B Express Checkout, Pull Transactions, M-Pesa Ratiba and Bill Manager,
//! with their callbacks. For every money operation: success, a documented refusal
//! (refused), a fault after processing (unknown, with its recovery ids, and exactly one
//! payment in the sandbox's ledger), and bad input refused before anything is sent.

use std::time::Duration;

use serde_json::{json, Value};
use tuma::daraja::*;
use tuma::{Claim, Client, Fate, HttpConfig};
use tuma_sandbox::daraja::{self as sd, KeyCase, LedgerEntry};
use tuma_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};

mod common;
use common::Callbacks;

const B2B_PATH: &str = "/daraja/mpesa/b2b/v1/paymentrequest";
const POCHI_PATH: &str = "/daraja/mpesa/b2pochi/v1/paymentrequest";
const TAX_PATH: &str = "/daraja/mpesa/b2b/v1/remittax";
const EXPRESS_PATH: &str = "/daraja/v1/ussdpush/get-msisdn";
const RATIBA_PATH: &str = "/daraja/standingorder/v1/createStandingOrderExternal";
const PULL_QUERY_PATH: &str = "/daraja/pulltransactions/v1/query";
const BULK_PATH: &str = "/daraja/v1/billmanager-invoice/bulk-invoicing";

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::default()).unwrap()
}

fn client(sb: &Sandbox, cb: &Callbacks) -> Client {
    let http = HttpConfig {
        retry_initial_backoff_ms: 10,
        retry_max_backoff_ms: 50,
        ..HttpConfig::default()
    };
    Client::new(common::full_config(
        sb,
        &common::sandbox_secrets(sb),
        http,
        &cb.url,
    ))
    .unwrap()
}

fn ledger(sb: &Sandbox, kind: &str) -> Vec<LedgerEntry> {
    sb.daraja()
        .ledger()
        .into_iter()
        .filter(|e| e.kind == kind)
        .collect()
}

fn b2c_shortcode(sb: &Sandbox) -> String {
    sb.daraja().settings().b2c_shortcode.clone()
}

/// The payment journal's entry for `id` (the reconciler settles it if its result is lost).
fn journal_entry(c: &Client, id: &str) -> tuma::JournalEntry {
    c.journal_entry(tuma::Provider::Daraja, id)
        .unwrap()
        .unwrap_or_else(|| panic!("{id} is not in the payment journal"))
}

fn topup(sb: &Sandbox, amount: u64, reference: &str) -> B2cTopupRequest {
    B2cTopupRequest {
        party_b: Some(b2c_shortcode(sb)),
        amount,
        command_id: B2cTopupCommand::BusinessPayToBulk,
        account_reference: reference.into(),
        requester: None,
        remarks: "Float top-up".into(),
        shortcode: None,
        result_url: None,
        timeout_url: None,
    }
}

fn pochi(sb: &Sandbox, amount: u64, id: Option<&str>) -> B2PochiRequest {
    B2PochiRequest {
        phone: "0708 374 149".into(),
        amount,
        remarks: "Pochi payout".into(),
        occasion: Some("June".into()),
        shortcode: Some(b2c_shortcode(sb)),
        result_url: None,
        timeout_url: None,
        originator_conversation_id: id.map(str::to_string),
    }
}

fn tax(amount: u64, prn: &str) -> RemitTaxRequest {
    RemitTaxRequest {
        amount,
        account_reference: prn.into(),
        remarks: "VAT June".into(),
        shortcode: None,
        result_url: None,
        timeout_url: None,
    }
}

fn express(cb: &Callbacks, till: &str, amount: u64, id: Option<&str>) -> B2bExpressCheckoutRequest {
    B2bExpressCheckoutRequest {
        primary_short_code: till.into(),
        receiver_short_code: None,
        amount,
        payment_ref: "PO-77".into(),
        callback_url: format!("{}/express", cb.url),
        partner_name: "Tuma Supplies".into(),
        request_ref_id: id.map(str::to_string),
    }
}

fn ratiba(cb: &Callbacks, name: &str, phone: &str) -> RatibaRequest {
    RatibaRequest {
        standing_order_name: name.into(),
        phone: phone.into(),
        amount: 500,
        frequency: RatibaFrequency::Monthly,
        start_date: "20300101".into(),
        end_date: "20301231".into(),
        account_reference: "RENT-4".into(),
        transaction_desc: Some("Rent".into()),
        callback_url: format!("{}/ratiba", cb.url),
        transaction_type: RatibaTransactionType::PayBill,
        shortcode: None,
    }
}

fn invoice(reference: &str, amount: u64) -> BillInvoiceRequest {
    BillInvoiceRequest {
        external_reference: reference.into(),
        billed_full_name: "Jane Wanjiru".into(),
        billed_phone_number: "0708374149".into(),
        billed_period: "August 2030".into(),
        invoice_name: "School fees".into(),
        due_date: "2030-08-31".into(),
        account_reference: format!("ACC-{reference}"),
        amount,
        invoice_items: None,
    }
}

fn opt_in(url: &str) -> BillOptInRequest {
    BillOptInRequest {
        shortcode: None,
        email: "billing@shop.example".into(),
        official_contact: "0708374149".into(),
        send_reminders: true,
        logo: None,
        callback_url: url.into(),
    }
}

fn daraja_error(code: &str, message: &str) -> String {
    format!(r#"{{"requestId":"t-1","errorCode":"{code}","errorMessage":"{message}"}}"#)
}

fn reply(status: u16, body: &str, processed: bool) -> Fault {
    Fault::Reply {
        status,
        body: body.to_string(),
        processed,
    }
}

#[test]
fn topup_pochi_and_tax_pay_and_their_results_parse() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let before = sb.daraja().balances();

    let up = c.daraja().b2c_topup(&topup(&sb, 1_000, "TOPUP-1")).unwrap();
    assert_eq!(up.response_code, "0");
    // Journaled, so that the reconciler can settle it if its result is lost.
    let journaled = journal_entry(&c, &up.originator_conversation_id);
    assert_eq!(
        (journaled.operation.as_str(), journaled.amount),
        ("daraja.b2c_topup", 1_000)
    );
    let body = cb.wait("/result", &up.conversation_id);
    let result = parse_result(&body).unwrap();
    assert!(result.is_success(), "{result:?}");
    let ResultDetails::B2b(details) = &result.details else {
        panic!("top-up results are B2B-shaped: {:?}", result.details)
    };
    assert_eq!(details.amount, Some(1_000.0));
    assert_eq!(details.bill_reference_number.as_deref(), Some("TOPUP-1"));
    let after = sb.daraja().balances();
    assert_eq!(after.utility_cents - before.utility_cents, 100_000);
    assert_eq!(before.working_cents - after.working_cents, 100_000);

    // Working → Utility within one shortcode: `party_b` defaults to the paying shortcode.
    let mut mmf = topup(&sb, 200, "MMF-1");
    mmf.party_b = None;
    mmf.command_id = B2cTopupCommand::BusinessTransferFromMmfToUtility;
    let moved =
        tuma::ops::call(&c, "daraja.b2c_topup", &serde_json::to_value(&mmf).unwrap()).unwrap();
    assert_eq!(moved["response_code"], "0");
    let entries = ledger(&sb, "b2b");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].command, "BusinessPayToBulk");
    assert_eq!(entries[1].command, "BusinessTransferFromMMFToUtility");
    assert_eq!(entries[1].credit_party, sb.daraja().settings().shortcode);

    let paid = c.daraja().b2pochi(&pochi(&sb, 150, None)).unwrap();
    assert_eq!(paid.response_code, "0");
    assert_eq!(paid.originator_conversation_id.len(), 36);
    let body = cb.wait("/result", &paid.originator_conversation_id);
    let v = tuma::ops::parse_callback("daraja.result", &body).unwrap();
    assert_eq!(
        v["details"]["kind"], "b2c",
        "Pochi results are B2C-shaped: {v}"
    );
    assert_eq!(v["details"]["transaction_amount"], 150.0);
    assert_eq!(v["status"], "completed");
    let journaled = journal_entry(&c, &paid.originator_conversation_id);
    assert_eq!(
        (journaled.operation.as_str(), journaled.amount),
        ("daraja.b2pochi", 150)
    );

    let remitted = c.daraja().remit_tax(&tax(2_500, "2030PRN0001")).unwrap();
    assert_eq!(remitted.response_code, "0");
    let journaled = journal_entry(&c, &remitted.originator_conversation_id);
    assert_eq!(
        (journaled.operation.as_str(), journaled.amount),
        ("daraja.remit_tax", 2_500)
    );
    let body = cb.wait("/result", &remitted.conversation_id);
    let result = parse_result(&body).unwrap();
    let ResultDetails::B2b(details) = &result.details else {
        panic!("tax results are B2B-shaped: {:?}", result.details)
    };
    assert!(details
        .receiver_party_public_name
        .as_deref()
        .unwrap_or("")
        .contains("572572"));
    assert_eq!(
        details.bill_reference_number.as_deref(),
        Some("2030PRN0001")
    );
    let tax_entries = ledger(&sb, "tax");
    assert_eq!(tax_entries.len(), 1);
    assert_eq!(tax_entries[0].credit_party, KRA_SHORTCODE);
    assert_eq!(ledger(&sb, "b2pochi").len(), 1);
    assert!(sb.daraja().wait_ledger_final(Duration::from_secs(5)));
    assert!(sb.daraja().ledger().iter().all(|e| e.paid));
}

#[test]
fn documented_refusals_are_refused_with_recovery_and_nothing_paid() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let invalid = daraja_error("400.002.02", "Bad Request - Invalid Amount");
    let spike = daraja_error("500.003.02", "Spike arrest violation");

    sb.inject(FaultRule::new(
        "b2b/v1/paymentrequest",
        reply(400, &invalid, false),
        1,
    ));
    let e = c.daraja().b2c_topup(&topup(&sb, 100, "REF-1")).unwrap_err();
    assert_eq!((e.fate(), e.code()), (Fate::Refused, Some("400.002.02")));
    let r = e.recovery().expect("a money error carries its recovery");
    assert_eq!(r.operation, "daraja.b2c_topup");
    assert_eq!(r.amount, Some(100));
    assert_eq!(r.receiver.as_deref(), Some(b2c_shortcode(&sb).as_str()));
    assert_eq!(r.account_reference.as_deref(), Some("REF-1"));

    sb.inject(FaultRule::new("b2pochi", reply(500, &spike, false), 1));
    let e = c
        .daraja()
        .b2pochi(&pochi(&sb, 100, Some("pochi-refused-1")))
        .unwrap_err();
    assert_eq!((e.kind(), e.fate()), ("rate_limited", Fate::Refused));
    let r = e.recovery().unwrap();
    assert_eq!(
        r.originator_conversation_id.as_deref(),
        Some("pochi-refused-1")
    );
    assert_eq!(r.phone.as_deref(), Some("254708374149"));

    sb.inject(FaultRule::new("remittax", reply(400, &invalid, false), 1));
    let e = c.daraja().remit_tax(&tax(100, "PRN-REFUSED")).unwrap_err();
    assert_eq!(e.fate(), Fate::Refused);
    assert_eq!(e.recovery().unwrap().receiver.as_deref(), Some("572572"));

    sb.inject(FaultRule::new("ussdpush", reply(400, &invalid, false), 1));
    let e = c
        .daraja()
        .b2b_express_checkout(&express(&cb, "600100", 71, Some("express-refused-1")))
        .unwrap_err();
    assert_eq!(e.fate(), Fate::Refused);
    assert_eq!(
        e.recovery().unwrap().request_id.as_deref(),
        Some("express-refused-1")
    );

    sb.inject(FaultRule::new(
        "standingorder",
        reply(500, &daraja_error("500.003.03", "Quota violation"), false),
        1,
    ));
    let e = c
        .daraja()
        .ratiba_create(&ratiba(&cb, "Refused order", sd::STK_PHONE_SUCCESS))
        .unwrap_err();
    assert_eq!(e.fate(), Fate::Refused);
    let r = e.recovery().unwrap();
    assert_eq!(r.reference.as_deref(), Some("Refused order"));
    assert_eq!(r.amount, Some(500));

    // The sandbox's own refusal: a repeated id is refused, not processed.
    let first = c
        .daraja()
        .b2pochi(&pochi(&sb, 100, Some("pochi-once")))
        .unwrap();
    assert_eq!(first.originator_conversation_id, "pochi-once");
    let e = c
        .daraja()
        .b2pochi(&pochi(&sb, 100, Some("pochi-once")))
        .unwrap_err();
    assert_eq!((e.fate(), e.code()), (Fate::Refused, Some("500.002.1001")));
    c.daraja()
        .b2b_express_checkout(&express(&cb, "600100", 71, Some("express-once")))
        .unwrap();
    let e = c
        .daraja()
        .b2b_express_checkout(&express(&cb, "600100", 71, Some("express-once")))
        .unwrap_err();
    assert_eq!((e.fate(), e.code()), (Fate::Refused, Some("500.002.1001")));

    assert_eq!(ledger(&sb, "b2b").len(), 0);
    assert_eq!(ledger(&sb, "tax").len(), 0);
    assert_eq!(ledger(&sb, "ratiba").len(), 0);
    assert_eq!(ledger(&sb, "b2pochi").len(), 1);
    assert_eq!(ledger(&sb, "b2b_express").len(), 1);
}

#[test]
fn faults_after_processing_are_unknown_with_recovery_and_one_payment() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let internal = daraja_error("500.001.1001", "Internal server error");
    // Warm the token so that the faults strike the money requests themselves.
    c.daraja()
        .account_balance(&AccountBalanceRequest::default())
        .unwrap();

    sb.inject(FaultRule::new(
        "b2b/v1/paymentrequest",
        Fault::CloseAfterProcessing,
        1,
    ));
    let e = c.daraja().b2c_topup(&topup(&sb, 300, "CUT-1")).unwrap_err();
    assert_eq!(e.fate(), Fate::Unknown, "{e:?}");
    let r = e.recovery().unwrap();
    assert_eq!(
        (r.amount, r.account_reference.as_deref()),
        (Some(300), Some("CUT-1"))
    );
    assert!(r.advice.contains("check its status"), "{}", r.advice);
    assert_eq!(sb.requests_to(B2B_PATH), 1, "never resent");
    assert_eq!(ledger(&sb, "b2b").len(), 1);

    sb.inject(FaultRule::new("b2pochi", Fault::TruncatedJson, 1));
    let e = c
        .daraja()
        .b2pochi(&pochi(&sb, 120, Some("pochi-cut-1")))
        .unwrap_err();
    assert_eq!(e.fate(), Fate::Unknown);
    let id = e.recovery().unwrap().originator_conversation_id.clone();
    assert_eq!(id.as_deref(), Some("pochi-cut-1"));
    // Journaled under the id it was sent with, for the reconciler to ask about.
    let journaled = journal_entry(&c, "pochi-cut-1");
    assert_eq!(journaled.operation, "daraja.b2pochi");
    // Recovering by resending with the same id is safe: Daraja refuses the duplicate.
    let again = c
        .daraja()
        .b2pochi(&pochi(&sb, 120, id.as_deref()))
        .unwrap_err();
    assert_eq!(again.fate(), Fate::Refused);
    assert_eq!(sb.requests_to(POCHI_PATH), 2);
    assert_eq!(ledger(&sb, "b2pochi").len(), 1);

    sb.inject(FaultRule::new("remittax", reply(500, &internal, true), 1));
    let e = c.daraja().remit_tax(&tax(400, "PRN-CUT")).unwrap_err();
    assert_eq!((e.fate(), e.code()), (Fate::Unknown, Some("500.001.1001")));
    assert_eq!(
        e.recovery().unwrap().account_reference.as_deref(),
        Some("PRN-CUT")
    );
    assert_eq!(sb.requests_to(TAX_PATH), 1);
    assert_eq!(ledger(&sb, "tax").len(), 1);

    sb.inject(FaultRule::new("ussdpush", reply(200, "{}", true), 1));
    let e = c
        .daraja()
        .b2b_express_checkout(&express(&cb, "600100", 90, Some("express-cut-1")))
        .unwrap_err();
    assert_eq!(
        e.fate(),
        Fate::Unknown,
        "a 2xx without `code` is no acceptance"
    );
    let r = e.recovery().unwrap();
    assert_eq!(r.request_id.as_deref(), Some("express-cut-1"));
    assert_eq!(r.shortcode.as_deref(), Some("600100"));
    // The callback still comes, and names the request.
    let body = cb.wait("/express", "express-cut-1");
    assert!(parse_b2b_express_callback(&body).unwrap().is_success());
    assert_eq!(sb.requests_to(EXPRESS_PATH), 1);
    assert_eq!(ledger(&sb, "b2b_express").len(), 1);

    sb.inject(FaultRule::new(
        "standingorder",
        Fault::CloseAfterProcessing,
        1,
    ));
    let e = c
        .daraja()
        .ratiba_create(&ratiba(&cb, "Cut order", sd::STK_PHONE_SUCCESS))
        .unwrap_err();
    assert_eq!(e.fate(), Fate::Unknown);
    let r = e.recovery().unwrap();
    assert_eq!(r.phone.as_deref(), Some(sd::STK_PHONE_SUCCESS));
    assert_eq!(r.reference.as_deref(), Some("Cut order"));
    assert_eq!(sb.requests_to(RATIBA_PATH), 1);
    assert_eq!(ledger(&sb, "ratiba").len(), 1);

    // Through the JSON operations, the error carries the same recovery.
    sb.inject(FaultRule::new("remittax", Fault::HtmlPage, 1));
    let e = tuma::ops::call(
        &c,
        "daraja.remit_tax",
        &json!({"amount": 10, "account_reference": "PRN-HTML", "remarks": "VAT"}),
    )
    .unwrap_err();
    let v = tuma::ops::error_json(&e);
    assert_eq!(v["fate"], "unknown");
    assert_eq!(v["recovery"]["operation"], "daraja.remit_tax");
    assert_eq!(v["recovery"]["account_reference"], "PRN-HTML");
}

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let d = c.daraja();
    let field = |r: tuma::Result<()>| {
        let e = r.expect_err("bad input must fail");
        assert_eq!(e.kind(), "invalid_input", "{e}");
        assert_eq!(e.fate(), Fate::NotSent);
        e.field().unwrap().to_string()
    };
    let topup_with = |f: &dyn Fn(&mut B2cTopupRequest)| {
        let mut r = topup(&sb, 100, "REF");
        f(&mut r);
        d.b2c_topup(&r).map(|_| ())
    };
    assert_eq!(field(topup_with(&|r| r.amount = 0)), "amount");
    assert_eq!(field(topup_with(&|r| r.party_b = None)), "party_b");
    assert_eq!(
        field(topup_with(&|r| r.party_b = Some("12".into()))),
        "party_b"
    );
    assert_eq!(
        field(topup_with(&|r| r.account_reference = "X".repeat(14))),
        "account_reference"
    );
    assert_eq!(field(topup_with(&|r| r.remarks = "x".into())), "remarks");
    assert_eq!(
        field(topup_with(&|r| r.requester = Some("12".into()))),
        "requester"
    );
    assert_eq!(
        field(topup_with(&|r| r.result_url = Some("ftp://x".into()))),
        "result_url"
    );
    let pochi_with = |f: &dyn Fn(&mut B2PochiRequest)| {
        let mut r = pochi(&sb, 100, None);
        f(&mut r);
        d.b2pochi(&r).map(|_| ())
    };
    assert_eq!(field(pochi_with(&|r| r.phone = "12345".into())), "phone");
    assert_eq!(field(pochi_with(&|r| r.amount = 9)), "amount");
    assert_eq!(field(pochi_with(&|r| r.amount = 250_001)), "amount");
    assert_eq!(
        field(pochi_with(&|r| r.occasion = Some(" ".into()))),
        "occasion"
    );
    assert_eq!(
        field(pochi_with(
            &|r| r.originator_conversation_id = Some("".into())
        )),
        "originator_conversation_id"
    );
    assert_eq!(
        field(d.remit_tax(&tax(100, &"P".repeat(21))).map(|_| ())),
        "account_reference"
    );
    assert_eq!(field(d.remit_tax(&tax(0, "PRN")).map(|_| ())), "amount");
    let express_with = |f: &dyn Fn(&mut B2bExpressCheckoutRequest)| {
        let mut r = express(&cb, "600100", 10, None);
        f(&mut r);
        d.b2b_express_checkout(&r).map(|_| ())
    };
    assert_eq!(
        field(express_with(&|r| r.primary_short_code = "till".into())),
        "primary_short_code"
    );
    assert_eq!(
        field(express_with(&|r| r.receiver_short_code = Some("1".into()))),
        "receiver_short_code"
    );
    assert_eq!(
        field(express_with(&|r| r.payment_ref = "".into())),
        "payment_ref"
    );
    assert_eq!(
        field(express_with(&|r| r.callback_url = "nope".into())),
        "callback_url"
    );
    assert_eq!(
        field(express_with(&|r| r.partner_name = " ".into())),
        "partner_name"
    );
    assert_eq!(
        field(express_with(&|r| r.request_ref_id = Some("r".repeat(101)))),
        "request_ref_id"
    );
    let register = |n: &str, url: &str| {
        d.pull_register(&PullRegisterRequest {
            shortcode: None,
            nominated_number: n.into(),
            callback_url: url.into(),
        })
        .map(|_| ())
    };
    assert_eq!(
        field(register("07", "https://x.example")),
        "nominated_number"
    );
    assert_eq!(field(register("0708374149", "x.example")), "callback_url");
    let pull = |s: Option<&str>, e: Option<&str>, pages: Option<u32>| {
        d.pull_transactions(&PullTransactionsRequest {
            shortcode: None,
            start_date: s.map(str::to_string),
            end_date: e.map(str::to_string),
            max_pages: pages,
        })
        .map(|_| ())
    };
    assert_eq!(
        field(pull(Some("2030-13-01 00:00:00"), None, None)),
        "start_date"
    );
    assert_eq!(field(pull(None, Some("2030-01-01"), None)), "end_date");
    assert_eq!(
        field(pull(
            Some("2030-01-02 00:00:00"),
            Some("2030-01-01 00:00:00"),
            None
        )),
        "end_date"
    );
    assert_eq!(field(pull(None, None, Some(0))), "max_pages");
    let ratiba_with = |f: &dyn Fn(&mut RatibaRequest)| {
        let mut r = ratiba(&cb, "Order", sd::STK_PHONE_SUCCESS);
        f(&mut r);
        d.ratiba_create(&r).map(|_| ())
    };
    assert_eq!(
        field(ratiba_with(&|r| r.standing_order_name = "".into())),
        "standing_order_name"
    );
    assert_eq!(
        field(ratiba_with(&|r| r.phone = "0208374149".into())),
        "phone"
    );
    assert_eq!(field(ratiba_with(&|r| r.amount = 250_001)), "amount");
    assert_eq!(
        field(ratiba_with(&|r| r.start_date = "20300230".into())),
        "start_date"
    );
    assert_eq!(
        field(ratiba_with(&|r| r.end_date = "20291231".into())),
        "end_date"
    );
    assert_eq!(
        field(ratiba_with(&|r| r.account_reference = "A".repeat(13))),
        "account_reference"
    );
    assert_eq!(
        field(ratiba_with(&|r| r.transaction_desc = Some("D".repeat(14)))),
        "transaction_desc"
    );
    assert_eq!(
        field(ratiba_with(&|r| r.callback_url = "".into())),
        "callback_url"
    );
    assert_eq!(
        field(ratiba_with(&|r| r.shortcode = Some("12".into()))),
        "shortcode"
    );
    let optin_with = |f: &dyn Fn(&mut BillOptInRequest)| {
        let mut r = opt_in("https://shop.example/bill");
        f(&mut r);
        d.bill_optin(&r).map(|_| ())
    };
    assert_eq!(field(optin_with(&|r| r.email = "billing".into())), "email");
    assert_eq!(
        field(optin_with(&|r| r.official_contact = "1".into())),
        "official_contact"
    );
    assert_eq!(
        field(optin_with(&|r| r.callback_url = "x".into())),
        "callback_url"
    );
    let invoice_with = |f: &dyn Fn(&mut BillInvoiceRequest)| {
        let mut r = invoice("INV-1", 100);
        f(&mut r);
        d.bill_invoice(&r).map(|_| ())
    };
    assert_eq!(
        field(invoice_with(&|r| r.due_date = "2030-02-30".into())),
        "due_date"
    );
    assert_eq!(
        field(invoice_with(&|r| r.billed_phone_number = "07".into())),
        "billed_phone_number"
    );
    assert_eq!(field(invoice_with(&|r| r.amount = 0)), "amount");
    assert_eq!(
        field(invoice_with(&|r| {
            r.invoice_items = Some(vec![BillInvoiceItem {
                item_name: "".into(),
                amount: 1,
            }])
        })),
        "invoice_items[0].item_name"
    );
    let bulk = |invoices: Vec<BillInvoiceRequest>| {
        d.bill_invoices(&BillInvoicesRequest { invoices })
            .map(|_| ())
    };
    assert_eq!(field(bulk(vec![])), "invoices");
    let mut late_bad = invoice("B-2", 10);
    late_bad.due_date = "soon".into();
    assert_eq!(
        field(bulk(vec![invoice("B-1", 10), late_bad])),
        "invoices[1].due_date"
    );
    assert_eq!(
        field(bulk(vec![invoice("B-1", 10), invoice("B-1", 20)])),
        "invoices[1].external_reference"
    );
    assert_eq!(
        field(
            d.bill_cancel_invoices(&BillCancelInvoicesRequest { invoices: vec![] })
                .map(|_| ())
        ),
        "invoices"
    );
    assert_eq!(
        field(
            d.bill_cancel_invoices(&BillCancelInvoicesRequest {
                invoices: vec![BillCancelInvoiceRequest {
                    external_reference: " ".into()
                }]
            })
            .map(|_| ())
        ),
        "invoices[0].external_reference"
    );
    let reconcile = BillReconciliationRequest {
        payment_date: "2030-08-01".into(),
        paid_amount: 100,
        account_reference: "ACC".into(),
        transaction_id: "TQ4K7XG2MB".into(),
        phone_number: "12".into(),
        full_name: "Jane".into(),
        invoice_name: "Fees".into(),
        external_reference: "INV-1".into(),
    };
    assert_eq!(
        field(d.bill_reconciliation(&reconcile).map(|_| ())),
        "phone_number"
    );
    // Through JSON: unknown fields, wrong types, bad choices.
    let json_field = |op: &str, v: Value| field(tuma::ops::call(&c, op, &v).map(|_| ()));
    assert_eq!(
        json_field(
            "daraja.b2pochi",
            json!({"phone": "0708374149", "amount": 1.5, "remarks": "xx"})
        ),
        "amount"
    );
    assert_eq!(
        json_field(
            "daraja.b2c_topup",
            json!({"party_b": "600981", "amount": 10, "account_reference": "A", "remarks": "xx", "command_id": "pay_all"})
        ),
        "command_id"
    );
    assert_eq!(
        json_field(
            "daraja.ratiba_create",
            json!({"standing_order_name": "n", "phone": "0708374149", "amount": 1, "frequency": "hourly", "start_date": "20300101", "end_date": "20300101", "account_reference": "a", "callback_url": "https://x.example"})
        ),
        "frequency"
    );
    assert_eq!(
        json_field(
            "daraja.bill_invoices",
            json!({"invoices": [{"external_reference": "x"}]})
        ),
        "invoices[0].billed_full_name"
    );
    assert_eq!(
        json_field(
            "daraja.bill_invoice",
            json!({"external_reference": "x", "billed_full_name": "n", "billed_phone_number": "0708374149", "billed_period": "p", "invoice_name": "i", "due_date": "2030-01-01", "account_reference": "a", "amount": 1, "invoice_items": {}})
        ),
        "invoice_items"
    );
    assert_eq!(
        json_field(
            "daraja.remit_tax",
            json!({"amount": 10, "account_reference": "P", "remarks": "xx", "party_b": "572572"})
        ),
        "party_b"
    );
    assert_eq!(sb.request_count(), 0, "nothing may reach the provider");
}

#[test]
fn pull_transactions_follow_every_page() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let shortcode = b2c_shortcode(&sb);
    let reg = PullRegisterRequest {
        shortcode: Some(shortcode.clone()),
        nominated_number: "0708374149".into(),
        callback_url: format!("{}/pull", cb.url),
    };
    let first = c.daraja().pull_register(&reg).unwrap();
    assert_eq!(
        (first.response_status.as_str(), first.already_registered),
        ("1000", false)
    );
    let again = c.daraja().pull_register(&reg).unwrap();
    assert!(again.already_registered);
    assert_eq!(again.response_ref_id, first.response_ref_id);

    let pull = |pages: Option<u32>| {
        c.daraja()
            .pull_transactions(&PullTransactionsRequest {
                shortcode: Some(shortcode.clone()),
                start_date: None,
                end_date: None,
                max_pages: pages,
            })
            .unwrap()
    };
    // Nothing yet: ResponseCode 1001 is an empty list, not an error.
    let none = pull(None);
    assert!(none.complete && none.transactions.is_empty());
    assert_eq!(none.pages, 1);

    let mut t = sb.daraja().tunables();
    t.pull_page_size = 3;
    sb.daraja().set_tunables(t);
    let pay = |n: usize| {
        for i in 0..n {
            c.daraja()
                .c2b_simulate(&C2bSimulateRequest {
                    shortcode: Some(shortcode.clone()),
                    command_id: C2bCommand::PayBill,
                    amount: 10 + i as u64,
                    phone: "0708374149".into(),
                    bill_ref_number: Some(format!("PULL-{i}")),
                })
                .unwrap();
        }
        assert!(sb.daraja().wait_background_idle(Duration::from_secs(10)));
    };
    // Seven rows, three a page: 3 + 3 + 1, the short page ends it.
    pay(7);
    let before = sb.requests_to(PULL_QUERY_PATH);
    let all = pull(None);
    assert!(all.complete);
    assert_eq!(all.transactions.len(), 7);
    assert_eq!(all.pages, 3);
    assert_eq!(sb.requests_to(PULL_QUERY_PATH) - before, 3);
    // Each payment once (they complete in the background, in any order).
    let mut refs: Vec<&str> = all
        .transactions
        .iter()
        .map(|t| t.bill_reference.as_str())
        .collect();
    refs.sort_unstable();
    assert_eq!(
        refs,
        (0..7).map(|i| format!("PULL-{i}")).collect::<Vec<_>>()
    );
    assert!(all.transactions.iter().all(|t| t.msisdn == "254708374149"));
    let third = all
        .transactions
        .iter()
        .find(|t| t.bill_reference == "PULL-2")
        .unwrap();
    assert_eq!(third.amount, Some(12.0));

    // Nine rows: 3 + 3 + 3, then an empty page (1001) ends it.
    pay(2);
    let nine = pull(None);
    assert!(nine.complete);
    assert_eq!((nine.transactions.len(), nine.pages), (9, 4));

    // The page bound stops a long walk, and says the list is not complete.
    let two = pull(Some(2));
    assert!(!two.complete);
    assert_eq!((two.transactions.len(), two.pages), (6, 2));

    // A period before the payments holds none.
    let past = c
        .daraja()
        .pull_transactions(&PullTransactionsRequest {
            shortcode: Some(shortcode.clone()),
            start_date: Some("2020-01-01 00:00:00".into()),
            end_date: Some("2020-01-02 00:00:00".into()),
            max_pages: None,
        })
        .unwrap();
    assert!(past.complete && past.transactions.is_empty());
    let v = tuma::ops::call(
        &c,
        "daraja.pull_transactions",
        &json!({"shortcode": shortcode, "max_pages": 10}),
    )
    .unwrap();
    assert_eq!(v["transactions"].as_array().unwrap().len(), 9);
}

#[test]
fn b2b_express_checkout_and_its_callbacks() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let working = sb.daraja().balances().working_cents;
    let sent = c
        .daraja()
        .b2b_express_checkout(&express(&cb, "600100", 71, None))
        .unwrap();
    assert_eq!((sent.code.as_str(), sent.request_ref_id.len()), ("0", 36));
    let body = cb.wait("/express", &sent.request_ref_id);
    let paid = parse_b2b_express_callback(&body).unwrap();
    assert!(paid.is_success());
    assert_eq!(paid.amount, Some(71.0));
    assert_eq!(paid.status, tuma::PaymentStatus::Completed);
    assert!(paid.transaction_id.is_some());
    assert_eq!(paid.status_text.as_deref(), Some("SUCCESS"));
    assert_eq!(sb.daraja().balances().working_cents - working, 7_100);

    let cancelled = tuma::ops::call(
        &c,
        "daraja.b2b_express_checkout",
        &json!({"primary_short_code": sd::B2B_EXPRESS_TILL_CANCELLED, "amount": 50, "payment_ref": "PO-9", "callback_url": format!("{}/express", cb.url), "partner_name": "Tuma", "request_ref_id": "express-cancel-1"}),
    )
    .unwrap();
    assert_eq!(cancelled["request_ref_id"], "express-cancel-1");
    let body = cb.wait("/express", "express-cancel-1");
    let v = tuma::ops::parse_callback("daraja.b2b_express_callback", &body).unwrap();
    assert_eq!(v["status"], "cancelled");
    assert_eq!(v["result_code"], "4001");
    assert_eq!(v["payment_reference"], "PO-9");

    // Claimed once on its `requestId`; a redelivery is done.
    let first = c
        .receive_callback("daraja.b2b_express_callback", &body)
        .unwrap();
    assert!(first.first_time);
    assert_eq!(first.id, "express-cancel-1");
    c.complete_callback(first.claim.as_deref().unwrap())
        .unwrap();
    let again = c
        .receive_callback("daraja.b2b_express_callback", &body)
        .unwrap();
    assert_eq!(again.status, Claim::Done);
    let entries = ledger(&sb, "b2b_express");
    assert_eq!(entries.len(), 2);
    assert!(entries[0].paid && !entries[1].paid);
}

#[test]
fn ratiba_orders_and_callbacks_in_every_key_casing() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    for (i, case) in [KeyCase::Camel, KeyCase::Pascal, KeyCase::Mixed]
        .into_iter()
        .enumerate()
    {
        let mut t = sb.daraja().tunables();
        t.ratiba_key_case = case;
        sb.daraja().set_tunables(t);
        let sent = c
            .daraja()
            .ratiba_create(&ratiba(&cb, &format!("Rent {i}"), sd::STK_PHONE_SUCCESS))
            .unwrap();
        assert_eq!(sent.response_code, "200");
        let body = cb.wait("/ratiba", &sent.response_ref_id);
        let text = String::from_utf8_lossy(&body).to_string();
        match case {
            KeyCase::Camel => assert!(text.contains("\"responseHeader\""), "{text}"),
            KeyCase::Pascal => assert!(text.contains("\"ResponseRefID\""), "{text}"),
            KeyCase::Mixed => assert!(text.contains("\"ResponseData\""), "{text}"),
        }
        let parsed = parse_ratiba_callback(&body).unwrap();
        assert!(parsed.is_success(), "{case:?}: {parsed:?}");
        assert_eq!(parsed.response_ref_id, sent.response_ref_id);
        assert_eq!(parsed.result_status.as_deref(), Some("OKAY"));
        assert!(parsed.msisdn.as_deref().unwrap_or("").contains('*'));
        let receipt = parsed.transaction_id.clone().expect("a created order's id");
        let got = c.receive_callback("daraja.ratiba_callback", &body).unwrap();
        assert_eq!(got.id, format!("{}:{receipt}", sent.response_ref_id));
    }
    // Failures: the customer cancels; a second order of the same name is refused (1050).
    let cancelled = c
        .daraja()
        .ratiba_create(&ratiba(&cb, "Gym", sd::STK_PHONE_CANCELLED))
        .unwrap();
    let body = cb.wait("/ratiba", &cancelled.response_ref_id);
    let v = tuma::ops::parse_callback("daraja.ratiba_callback", &body).unwrap();
    assert_eq!(v["response_code"], "1032");
    assert_eq!(v["status"], "cancelled");
    assert_eq!(v["transaction_id"], Value::Null);
    let twice = tuma::ops::call(
        &c,
        "daraja.ratiba_create",
        &json!({"standing_order_name": "Rent 0", "phone": "0708374149", "amount": 500, "frequency": "monthly", "start_date": "20300101", "end_date": "20301231", "account_reference": "RENT-4", "callback_url": format!("{}/ratiba", cb.url)}),
    )
    .unwrap();
    let ref_id = twice["response_ref_id"].as_str().unwrap();
    let parsed = parse_ratiba_callback(&cb.wait("/ratiba", ref_id)).unwrap();
    assert_eq!(parsed.response_code, "1050");
    assert!(!parsed.is_success());
    let entries = ledger(&sb, "ratiba");
    assert_eq!(entries.len(), 5);
    assert!(
        entries.iter().all(|e| !e.paid),
        "creating an order moves no money"
    );
}

fn ack(_path: &str, _body: &[u8]) -> String {
    tuma::ops::utility("daraja.bill_payment_ack", &Value::Null)
        .unwrap()
        .to_string()
}

#[test]
fn bill_manager_invoices_payments_and_cancellations() {
    let sb = sandbox();
    let acking = Callbacks::start_replying(ack);
    let c = client(&sb, &acking);
    let d = c.daraja();
    let mut t = sb.daraja().tunables();
    t.bill_manager_retries = 2;
    t.bill_manager_retry_gap = Duration::from_millis(100);
    sb.daraja().set_tunables(t);

    // Before the opt-in, invoicing is refused (400.003.02, a documented refusal).
    let e = d.bill_invoice(&invoice("EARLY", 100)).unwrap_err();
    assert_eq!((e.fate(), e.code()), (Fate::Refused, Some("400.003.02")));

    let optin = d
        .bill_optin(&opt_in(&format!("{}/bill", acking.url)))
        .unwrap();
    assert_eq!(optin.rescode, "200");
    assert!(optin.app_key.unwrap_or_default().starts_with("AG_"));
    let changed = d
        .bill_change_optin(&opt_in(&format!("{}/bill", acking.url)))
        .unwrap();
    assert_eq!(changed.rescode, "200");

    let mut single = invoice("INV-1", 800);
    single.invoice_items = Some(vec![
        BillInvoiceItem {
            item_name: "Tuition".into(),
            amount: 700,
        },
        BillInvoiceItem {
            item_name: "Meals".into(),
            amount: 100,
        },
    ]);
    let sent = d.bill_invoice(&single).unwrap();
    assert_eq!(sent.rescode, "200");
    assert_eq!(
        sent.status_message.as_deref(),
        Some("Invoice sent successfully")
    );

    // The customer pays; the notification is acknowledged with bill_payment_ack, so it
    // comes once.
    let attempts = sb.callback_attempts();
    let receipt = sb.pay_invoice("INV-1", None, None).unwrap();
    let body = acking.wait("/bill", &receipt);
    let payment = parse_bill_payment(&body).unwrap();
    assert_eq!(payment.paid_amount, 800.0);
    assert_eq!(payment.account_reference, "ACC-INV-1");
    assert!(sb.wait_callbacks_idle(Duration::from_secs(5)));
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        sb.callback_attempts() - attempts,
        1,
        "acknowledged: not redelivered"
    );
    let got = c.receive_callback("daraja.bill_payment", &body).unwrap();
    assert!(got.first_time);
    assert_eq!(got.id, receipt);

    let reconciled = d
        .bill_reconciliation(&BillReconciliationRequest {
            payment_date: payment.date_created.clone(),
            paid_amount: 800,
            account_reference: payment.account_reference.clone(),
            transaction_id: payment.transaction_id.clone(),
            phone_number: payment.msisdn.clone(),
            full_name: "Jane Wanjiru".into(),
            invoice_name: "School fees".into(),
            external_reference: "INV-1".into(),
        })
        .unwrap();
    assert_eq!(reconciled.rescode, "200");
    let invoices = sb.daraja().invoices();
    let paid = invoices
        .iter()
        .find(|i| i.external_reference == "INV-1")
        .unwrap();
    assert!(paid.payments[0].reconciled);

    // A paid invoice cannot be cancelled: refused with 409. An unpaid one can.
    let e = d
        .bill_cancel_invoice(&BillCancelInvoiceRequest {
            external_reference: "INV-1".into(),
        })
        .unwrap_err();
    assert_eq!((e.code(), e.fate()), (Some("409"), Fate::Refused));
    d.bill_invoice(&invoice("INV-2", 50)).unwrap();
    let ok = tuma::ops::call(
        &c,
        "daraja.bill_cancel_invoice",
        &json!({"external_reference": "INV-2"}),
    )
    .unwrap();
    assert_eq!(ok["rescode"], "200");

    // A notification not acknowledged is redelivered (2 more times here).
    let silent = Callbacks::start();
    d.bill_change_optin(&opt_in(&format!("{}/bill", silent.url)))
        .unwrap();
    d.bill_invoice(&invoice("INV-3", 60)).unwrap();
    let receipt3 = sb.pay_invoice("INV-3", None, None).unwrap();
    silent.wait("/bill", &receipt3);
    let deliveries = silent.all_on("/bill", Duration::from_millis(800));
    assert_eq!(deliveries.len(), 3, "1 + bill_manager_retries");

    // A list longer than 1000 goes in calls of at most 1000, each accepted.
    let many: Vec<BillInvoiceRequest> = (0..2_500)
        .map(|i| invoice(&format!("BULK-{i}"), 100 + i as u64))
        .collect();
    let before = sb.requests_to(BULK_PATH);
    let bulk = d
        .bill_invoices(&BillInvoicesRequest {
            invoices: many.clone(),
        })
        .unwrap();
    assert!(bulk.all_accepted, "{bulk:?}");
    assert_eq!((bulk.invoices, bulk.accepted), (2_500, 2_500));
    let sizes: Vec<(usize, usize)> = bulk.chunks.iter().map(|c| (c.first, c.count)).collect();
    assert_eq!(sizes, vec![(0, 1000), (1000, 1000), (2000, 500)]);
    assert!(bulk.chunks.iter().all(|c| c.outcome == "accepted"));
    assert_eq!(sb.requests_to(BULK_PATH) - before, 3);
    assert_eq!(
        sb.daraja()
            .invoices()
            .iter()
            .filter(|i| i.external_reference.starts_with("BULK-"))
            .count(),
        2_500
    );

    // A refused call does not stop the others: the middle one holds a known reference.
    let mut mixed: Vec<BillInvoiceRequest> = (0..2_001)
        .map(|i| invoice(&format!("MIX-{i}"), 10))
        .collect();
    mixed[1_500] = invoice("BULK-7", 10);
    let result = d
        .bill_invoices(&BillInvoicesRequest { invoices: mixed })
        .unwrap();
    let outcomes: Vec<&str> = result.chunks.iter().map(|c| c.outcome.as_str()).collect();
    assert_eq!(outcomes, ["accepted", "refused", "accepted"]);
    assert_eq!(result.accepted, 1_001);
    assert!(!result.all_accepted);
    assert_eq!(
        result.chunks[1].error.as_ref().unwrap()["code"],
        "400.002.02"
    );

    // After a call whose outcome is unknown, the rest are not sent.
    sb.inject(FaultRule::new(
        "bulk-invoicing",
        Fault::CloseAfterProcessing,
        1,
    ));
    let before = sb.requests_to(BULK_PATH);
    let cut: Vec<BillInvoiceRequest> = (0..1_200)
        .map(|i| invoice(&format!("CUT-{i}"), 10))
        .collect();
    let result = d
        .bill_invoices(&BillInvoicesRequest { invoices: cut })
        .unwrap();
    let outcomes: Vec<&str> = result.chunks.iter().map(|c| c.outcome.as_str()).collect();
    assert_eq!(outcomes, ["unknown", "not_sent"]);
    assert_eq!(
        sb.requests_to(BULK_PATH) - before,
        1,
        "sent once, the rest held"
    );
    assert_eq!(result.chunks[0].error.as_ref().unwrap()["fate"], "unknown");
    let created = sb
        .daraja()
        .invoices()
        .iter()
        .filter(|i| i.external_reference.starts_with("CUT-"))
        .count();
    assert_eq!(
        created, 1_000,
        "the first call was processed, the second never sent"
    );

    // Bulk cancellation: unpaid ones cancelled, the paid one named.
    let cancel = d
        .bill_cancel_invoices(&BillCancelInvoicesRequest {
            invoices: ["BULK-1", "INV-3", "BULK-2"]
                .iter()
                .map(|r| BillCancelInvoiceRequest {
                    external_reference: r.to_string(),
                })
                .collect(),
        })
        .unwrap();
    assert_eq!(cancel.rescode, "409");
    assert_eq!(cancel.errors.len(), 1);
    assert_eq!(cancel.errors[0].external_reference, "INV-3");
    let statuses: Vec<_> = sb
        .daraja()
        .invoices()
        .into_iter()
        .filter(|i| ["BULK-1", "BULK-2"].contains(&i.external_reference.as_str()))
        .map(|i| i.status)
        .collect();
    assert_eq!(statuses, vec![sd::InvoiceStatus::Cancelled; 2]);
    let cancel_many = d
        .bill_cancel_invoices(&BillCancelInvoicesRequest {
            invoices: (1_000..2_200)
                .map(|i| BillCancelInvoiceRequest {
                    external_reference: format!("BULK-{i}"),
                })
                .collect(),
        })
        .unwrap();
    assert_eq!(cancel_many.rescode, "200");
    assert!(cancel_many.errors.is_empty());
}

#[test]
fn the_table_lists_every_portal_operation() {
    let d = tuma::ops::describe();
    let ops = d["operations"].as_array().unwrap();
    let find = |name: &str| {
        ops.iter()
            .find(|o| o["name"] == name)
            .unwrap_or_else(|| panic!("{name} is not in the table"))
    };
    for (name, money) in [
        ("daraja.b2c_topup", true),
        ("daraja.b2pochi", true),
        ("daraja.remit_tax", true),
        ("daraja.b2b_express_checkout", true),
        ("daraja.pull_register", false),
        ("daraja.pull_transactions", false),
        ("daraja.ratiba_create", true),
        ("daraja.bill_optin", false),
        ("daraja.bill_change_optin", false),
        ("daraja.bill_invoice", false),
        ("daraja.bill_invoices", false),
        ("daraja.bill_cancel_invoice", false),
        ("daraja.bill_cancel_invoices", false),
        ("daraja.bill_reconciliation", false),
    ] {
        assert_eq!(find(name)["money"], money, "{name}");
    }
    let bulk = find("daraja.bill_invoices");
    assert_eq!(bulk["fields"][0]["type"], "list");
    assert_eq!(bulk["fields"][0]["item"], "BillInvoiceRequest");
    let items = bulk["fields"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "invoice_items")
        .unwrap();
    assert_eq!(
        (&items["type"], &items["required"]),
        (&json!("list"), &json!(false))
    );
    assert_eq!(
        find("daraja.ratiba_create")["fields"][3]["values"][0],
        "one_off"
    );
    for kind in [
        "daraja.b2b_express_callback",
        "daraja.ratiba_callback",
        "daraja.bill_payment",
    ] {
        assert!(tuma::ops::callback_kinds().contains(&kind), "{kind}");
        let e = tuma::ops::parse_callback(kind, b"{not json").unwrap_err();
        assert_eq!(e.kind(), "invalid_callback");
    }
    assert_eq!(
        tuma::ops::utility("daraja.bill_payment_ack", &json!({})).unwrap(),
        json!({"rescode": "200", "resmsg": "Success"})
    );
}

/// The operations this file covers (`daraja.rs` covers the older Daraja ones).
const PORTAL_OPERATIONS: [&str; 14] = [
    "daraja.b2c_topup",
    "daraja.b2pochi",
    "daraja.remit_tax",
    "daraja.b2b_express_checkout",
    "daraja.pull_register",
    "daraja.pull_transactions",
    "daraja.ratiba_create",
    "daraja.bill_optin",
    "daraja.bill_change_optin",
    "daraja.bill_invoice",
    "daraja.bill_invoices",
    "daraja.bill_cancel_invoice",
    "daraja.bill_cancel_invoices",
    "daraja.bill_reconciliation",
];

#[test]
fn json_ops_reach_every_portal_operation() {
    let sb = sandbox();
    let cb = Callbacks::start_replying(ack);
    let c = client(&sb, &cb);
    let url = |path: &str| format!("{}/{path}", cb.url);
    let invoice_json = |reference: &str| json!({"external_reference": reference, "billed_full_name": "Jane", "billed_phone_number": "254708374149", "billed_period": "May 2030", "invoice_name": "Fees", "due_date": "2030-05-31", "account_reference": "ACC-J", "amount": "250", "invoice_items": [{"item_name": "Fees", "amount": 250}]});
    let optin = json!({"email": "b@shop.example", "official_contact": "254708374149", "send_reminders": false, "logo": "https://shop.example/logo.png", "callback_url": url("bill")});
    let mut calls: Vec<(&str, Value)> = vec![
        (
            "daraja.b2c_topup",
            json!({"party_b": "600981", "amount": 10, "account_reference": "J1", "remarks": "json", "requester": "0708374149"}),
        ),
        (
            "daraja.b2pochi",
            json!({"phone": "0708374149", "amount": "10", "remarks": "json", "shortcode": "600981"}),
        ),
        (
            "daraja.remit_tax",
            json!({"amount": 10, "account_reference": "PRN-J", "remarks": "json"}),
        ),
        (
            "daraja.b2b_express_checkout",
            json!({"primary_short_code": "600100", "receiver_short_code": "174379", "amount": 10, "payment_ref": "J", "callback_url": url("express"), "partner_name": "Tuma"}),
        ),
        (
            "daraja.pull_register",
            json!({"nominated_number": "0708374149", "callback_url": url("pull")}),
        ),
        ("daraja.pull_transactions", json!({})),
        (
            "daraja.ratiba_create",
            json!({"standing_order_name": "J", "phone": "0708374149", "amount": 10, "frequency": "4", "start_date": "20300101", "end_date": "20300101", "account_reference": "J", "callback_url": url("ratiba"), "transaction_type": "buy_goods"}),
        ),
        ("daraja.bill_optin", optin.clone()),
        ("daraja.bill_change_optin", optin),
        ("daraja.bill_invoice", invoice_json("J-1")),
        (
            "daraja.bill_invoices",
            json!({"invoices": [invoice_json("J-2"), invoice_json("J-3")]}),
        ),
        (
            "daraja.bill_cancel_invoice",
            json!({"external_reference": "J-2"}),
        ),
        (
            "daraja.bill_cancel_invoices",
            json!({"invoices": [{"external_reference": "J-3"}]}),
        ),
    ];
    for (name, request) in &calls {
        let v = tuma::ops::call(&c, name, request).unwrap_or_else(|e| panic!("{name}: {e}"));
        let accepted = ["response_code", "code", "rescode", "response_status"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .map(|code| ["0", "200", "1000"].contains(&code))
            .unwrap_or_else(|| v["complete"] == true || v["all_accepted"] == true);
        assert!(accepted, "{name}: {v}");
    }
    let receipt = sb.pay_invoice("J-1", None, None).unwrap();
    let notified = parse_bill_payment(&cb.wait("/bill", &receipt)).unwrap();
    let reconciliation = json!({"payment_date": notified.date_created, "paid_amount": 250, "account_reference": notified.account_reference, "transaction_id": receipt, "phone_number": notified.msisdn, "full_name": "Jane", "invoice_name": "Fees", "external_reference": "J-1"});
    let v = tuma::ops::call(&c, "daraja.bill_reconciliation", &reconciliation).unwrap();
    assert_eq!(v["rescode"], "200");
    calls.push(("daraja.bill_reconciliation", reconciliation));
    let names: Vec<&str> = calls.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, PORTAL_OPERATIONS);
    for op in PORTAL_OPERATIONS {
        assert!(tuma::ops::operations().contains(&op), "{op}");
    }
}
