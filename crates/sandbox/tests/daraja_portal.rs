//! The Daraja portal APIs beyond the core ones (B2C account top-up, Business to Pochi, tax
//! remittance, B2B Express Checkout, Pull Transactions, M-Pesa Ratiba, Bill Manager), the
//! callback drop setting and the ledger: plain HTTP against a running sandbox, with bodies
//! written from daraja.md (no client types).

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use tuma_sandbox::daraja::{
    self, CallbackFate, InvoiceStatus, KeyCase, Settings, StkState, Tunables,
};
use tuma_sandbox::Sandbox;

// ---------------------------------------------------------------- helpers

/// A request to the control API, `{base}/_sandbox/daraja{path}`; (status, body).
fn control(sb: &Sandbox, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}/_sandbox/daraja{path}", sb.base_url());
    let agent = agent();
    let resp = match (method, body) {
        ("GET", _) => agent.get(&url).call(),
        (_, Some(b)) => agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(b.to_string()),
        (_, None) => agent.post(&url).send_empty(),
    };
    let mut resp = resp.unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_json().unwrap_or(Value::Null))
}

/// Kenyan time shifted by `offset_secs`, as `YYYY-MM-DD HH:mm:ss`.
fn eat_dashed(offset_secs: i64) -> String {
    let s = stamp(3 * 3600 + offset_secs);
    format!(
        "{}-{}-{} {}:{}:{}",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[8..10],
        &s[10..12],
        &s[12..14]
    )
}

/// Kenyan date shifted by `days`, as `yyyymmdd`.
fn ymd(days: i64) -> String {
    stamp(3 * 3600 + days * 86_400)[..8].to_string()
}

fn ledger(sb: &Sandbox) -> Vec<Value> {
    let (s, body) = control(sb, "GET", "/ledger", None);
    assert_eq!(s, 200, "{body}");
    body["entries"].as_array().unwrap().clone()
}

/// The name/value pairs of a Ratiba callback, whatever the key casing.
fn ratiba_pairs(cb: &Value) -> Vec<(String, String)> {
    let pick = |v: &Value, key: &str| -> Value {
        v.as_object()
            .unwrap()
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null)
    };
    let data = pick(&pick(cb, "responseBody"), "responseData");
    data.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                pick(i, "name").as_str().unwrap().to_string(),
                pick(i, "value").as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn b2b_body(rx: &Receiver, command: &str, party_b: &str, amount: Value, reference: &str) -> Value {
    merge(
        initiator_common(rx, "/b2b"),
        json!({
            "CommandID": command,
            "SenderIdentifierType": "4",
            "RecieverIdentifierType": "4",
            "Amount": amount,
            "PartyA": "600979",
            "PartyB": party_b,
            "AccountReference": reference,
            "Requester": "254708374149",
        }),
    )
}

fn pochi_body(rx: &Receiver, originator: &str, party_b: &str, amount: Value) -> Value {
    let mut b = b2c_body(
        rx,
        originator,
        &credential("Safaricom999!*!"),
        party_b,
        amount,
    );
    b["CommandID"] = json!("BusinessPayToPochi");
    b["ResultURL"] = json!(rx.url("/pochi"));
    b
}

fn express_body(rx: &Receiver, till: &str, amount: Value, request_ref: &str) -> Value {
    json!({
        "primaryShortCode": till,
        "receiverShortCode": "174379",
        "amount": amount,
        "paymentRef": "INV-42",
        "callbackUrl": rx.url("/express"),
        "partnerName": "Vendor Ltd",
        "RequestRefID": request_ref,
    })
}

fn status_body(rx: &Receiver, transaction_id: Option<&str>, original: Option<&str>) -> Value {
    let mut b = merge(
        initiator_common(rx, "/status"),
        json!({
            "CommandID": "TransactionStatusQuery",
            "PartyA": "600981",
            "IdentifierType": "4",
        }),
    );
    if let Some(t) = transaction_id {
        b["TransactionID"] = json!(t);
    }
    if let Some(o) = original {
        b["OriginalConversationID"] = json!(o);
    }
    b
}

fn register_c2b(sb: &Sandbox, tok: &str, rx: &Receiver, shortcode: &str) {
    let (s, body) = post(
        sb,
        tok,
        "/mpesa/c2b/v2/registerurl",
        &json!({"ShortCode": shortcode, "ResponseType": "Completed",
                "ConfirmationURL": rx.url("/confirm"), "ValidationURL": rx.url("/validate")}),
    );
    assert_eq!(s, 200, "{body}");
}

fn simulate(sb: &Sandbox, tok: &str, shortcode: &str, amount: i64, bill_ref: &str) {
    let (s, body) = post(
        sb,
        tok,
        "/mpesa/c2b/v2/simulate",
        &json!({"ShortCode": shortcode, "CommandID": "CustomerPayBillOnline", "Amount": amount,
                "Msisdn": "254708374149", "BillRefNumber": bill_ref}),
    );
    assert_eq!(s, 200, "{body}");
}

fn pull_query(sb: &Sandbox, tok: &str, shortcode: &str, offset: &str) -> (u16, Value) {
    post(
        sb,
        tok,
        "/pulltransactions/v1/query",
        &json!({"ShortCode": shortcode, "StartDate": eat_dashed(-3600),
                "EndDate": eat_dashed(3600), "OffSetValue": offset}),
    )
}

// ---------------------------------------------------------------- B2C account top-up

#[test]
fn b2c_account_top_up_and_transfer_to_utility() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let before = sb.daraja().balances();

    // BusinessPayToBulk to the B2C shortcode: Working → its Utility account.
    let (s, ack) = post(
        &sb,
        &tok,
        "/mpesa/b2b/v1/paymentrequest",
        &b2b_body(&rx, "BusinessPayToBulk", "600981", json!("239"), "353353"),
    );
    assert_eq!(s, 200, "{ack}");
    assert_eq!(ack["ResponseCode"], "0");
    let result = rx.wait("/b2b", WAIT).expect("top-up result")["Result"].clone();
    assert_eq!(result["ResultCode"], "0", "B2B results carry string codes");
    assert_eq!(result["ResultType"], "0");
    assert_eq!(
        result["OriginatorConversationID"],
        ack["OriginatorConversationID"]
    );
    let p = result_params(&result);
    assert_eq!(p["Amount"], "239.00");
    assert!(p["DebitPartyAffectedAccountBalance"]
        .as_str()
        .unwrap()
        .starts_with("Working Account|KES|"));
    assert_eq!(
        result["ReferenceData"]["ReferenceItem"][0]["Value"],
        "353353"
    );
    let after = sb.daraja().balances();
    assert_eq!(after.working_cents, before.working_cents - 23_900);
    assert_eq!(after.utility_cents, before.utility_cents + 23_900);

    // BusinessTransferFromMMFToUtility on the same path: Working → Utility too.
    let (s, _) = post(
        &sb,
        &tok,
        "/mpesa/b2b/v1/paymentrequest",
        &b2b_body(
            &rx,
            "BusinessTransferFromMMFToUtility",
            "600979",
            json!(100),
            "MMF",
        ),
    );
    assert_eq!(s, 200);
    let result = rx.wait("/b2b", WAIT).unwrap()["Result"].clone();
    assert_eq!(result["ResultCode"], "0");
    let later = sb.daraja().balances();
    assert_eq!(later.working_cents, after.working_cents - 10_000);
    assert_eq!(later.utility_cents, after.utility_cents + 10_000);

    // Refusals: an unknown CommandID, AccountReference missing, a bad Requester.
    let mut bad = b2b_body(&rx, "BusinessPayToBulk", "600981", json!(1), "x");
    bad["CommandID"] = json!("BusinessPayToBulkk");
    assert_error(
        &post(&sb, &tok, "/mpesa/b2b/v1/paymentrequest", &bad),
        400,
        "400.002.02",
        "Invalid CommandID",
    );
    let mut bad = b2b_body(&rx, "BusinessPayToBulk", "600981", json!(1), "x");
    bad.as_object_mut().unwrap().remove("AccountReference");
    assert_error(
        &post(&sb, &tok, "/mpesa/b2b/v1/paymentrequest", &bad),
        400,
        "400.002.02",
        "Invalid AccountReference",
    );
    let mut bad = b2b_body(&rx, "BusinessPayToBulk", "600981", json!(1), "x");
    bad["Requester"] = json!("0708374149");
    assert_error(
        &post(&sb, &tok, "/mpesa/b2b/v1/paymentrequest", &bad),
        400,
        "400.002.02",
        "Invalid Requester",
    );

    // Insufficient Working balance: result 1, nothing moves.
    sb.daraja().set_balances(daraja::Balances {
        working_cents: 5_000,
        utility_cents: 0,
    });
    post(
        &sb,
        &tok,
        "/mpesa/b2b/v1/paymentrequest",
        &b2b_body(&rx, "BusinessPayToBulk", "600981", json!(51), "x"),
    );
    let result = rx.wait("/b2b", WAIT).unwrap()["Result"].clone();
    assert_eq!(result["ResultCode"], "1");
    assert_eq!(sb.daraja().balances().working_cents, 5_000);

    let entries: Vec<_> = sb.daraja().ledger();
    let commands: Vec<_> = entries.iter().map(|e| e.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "BusinessPayToBulk",
            "BusinessTransferFromMMFToUtility",
            "BusinessPayToBulk"
        ]
    );
    assert!(entries.iter().all(|e| e.kind == "b2b"));
    assert_eq!(
        entries.iter().map(|e| e.paid).collect::<Vec<_>>(),
        [true, true, false]
    );
    assert_eq!(entries[2].result_code.as_deref(), Some("1"));
}

// ---------------------------------------------------------------- Business to Pochi

#[test]
fn business_to_pochi_pays_like_b2c() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let before = sb.daraja().balances();
    let path = "/mpesa/b2pochi/v1/paymentrequest";

    let (s, ack) = post(
        &sb,
        &tok,
        path,
        &pochi_body(&rx, "pochi-1", "254708374149", json!(150)),
    );
    assert_eq!(s, 200, "{ack}");
    assert_eq!(ack["OriginatorConversationID"], "pochi-1");
    assert_eq!(ack["ResponseCode"], "0");
    let result = rx.wait("/pochi", WAIT).expect("pochi result")["Result"].clone();
    assert_eq!(result["ResultCode"], 0, "B2C-shaped results carry numbers");
    assert_eq!(result["ResultType"], 0);
    let p = result_params(&result);
    assert_eq!(p["TransactionAmount"], 150);
    assert_eq!(p["TransactionReceipt"], result["TransactionID"]);
    assert!(p.contains_key("B2CUtilityAccountAvailableFunds"));
    assert_eq!(
        sb.daraja().balances().utility_cents,
        before.utility_cents - 15_000
    );
    let receipt = result["TransactionID"].as_str().unwrap().to_string();

    // The OriginatorConversationID is unique across B2C and Pochi.
    assert_error(
        &post(
            &sb,
            &tok,
            path,
            &pochi_body(&rx, "pochi-1", "254708374149", json!(150)),
        ),
        500,
        "500.002.1001",
        "Duplicate OriginatorConversationID",
    );
    assert_error(
        &post(
            &sb,
            &tok,
            "/mpesa/b2c/v3/paymentrequest",
            &b2c_body(
                &rx,
                "pochi-1",
                &credential("Safaricom999!*!"),
                "254708374149",
                json!(150),
            ),
        ),
        500,
        "500.002.1001",
        "Duplicate",
    );

    // Only BusinessPayToPochi; B2C's limits and fields.
    let mut bad = pochi_body(&rx, "pochi-2", "254708374149", json!(150));
    bad["CommandID"] = json!("BusinessPayment");
    assert_error(
        &post(&sb, &tok, path, &bad),
        400,
        "400.002.02",
        "Invalid CommandID",
    );
    let bad = pochi_body(&rx, "pochi-3", "254708374149", json!(9));
    assert_error(
        &post(&sb, &tok, path, &bad),
        400,
        "400.002.02",
        "Invalid Amount",
    );
    let mut bad = pochi_body(&rx, "pochi-4", "254708374149", json!(150));
    bad.as_object_mut()
        .unwrap()
        .remove("OriginatorConversationID");
    assert_error(
        &post(&sb, &tok, path, &bad),
        400,
        "400.002.02",
        "Invalid OriginatorConversationID",
    );
    let bad = pochi_body(&rx, "pochi-5", "600981", json!(150));
    assert_error(
        &post(&sb, &tok, path, &bad),
        400,
        "400.002.02",
        "Invalid PartyB",
    );

    // An unregistered wallet owner: 2040, nothing paid.
    post(
        &sb,
        &tok,
        path,
        &pochi_body(&rx, "pochi-6", daraja::B2C_PHONE_NOT_REGISTERED, json!(150)),
    );
    let result = rx.wait("/pochi", WAIT).unwrap()["Result"].clone();
    assert_eq!(result["ResultCode"], 2040);

    // Status finds the payment by its OriginatorConversationID; reversal refuses it.
    post(
        &sb,
        &tok,
        "/mpesa/transactionstatus/v1/query",
        &status_body(&rx, None, Some("pochi-1")),
    );
    let status = rx.wait("/status", WAIT).unwrap()["Result"].clone();
    assert_eq!(status["ResultCode"], 0);
    let sp = result_params(&status);
    assert_eq!(sp["ReceiptNo"], json!(receipt));
    assert_eq!(sp["ReasonType"], "Business Pay to Pochi via API");
    let reversal = merge(
        initiator_common(&rx, "/reversal"),
        json!({"CommandID": "TransactionReversal", "TransactionID": receipt, "Amount": 150,
               "ReceiverParty": "600981", "RecieverIdentifierType": "11"}),
    );
    post(&sb, &tok, "/mpesa/reversal/v1/request", &reversal);
    let rev = rx.wait("/reversal", WAIT).unwrap()["Result"].clone();
    assert_eq!(rev["ResultCode"], "R000002");
    assert_eq!(sb.daraja().transaction_reversed(&receipt), Some(false));

    let entries = sb.daraja().ledger();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[2].kind, "reversal");
    assert_eq!(entries[2].result_code.as_deref(), Some("R000002"));
    assert!(!entries[2].paid);
    let entries = &entries[..2];
    assert!(entries
        .iter()
        .all(|e| e.kind == "b2pochi" && e.command == "BusinessPayToPochi"));
    assert_eq!(entries[0].id, "pochi-1");
    assert!(entries[0].paid);
    assert_eq!(entries[0].receipt.as_deref(), Some(receipt.as_str()));
    assert!(!entries[1].paid);
    let ops: Vec<_> = sb
        .processed_payments()
        .into_iter()
        .map(|p| (p.operation, p.identity))
        .collect();
    assert!(ops.contains(&("b2pochi", "pochi-1".to_string())));
}

// ---------------------------------------------------------------- tax remittance

#[test]
fn tax_remittance_only_to_kra() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let path = "/mpesa/b2b/v1/remittax";
    let tax = |party_b: &str, command: &str| {
        let mut b = b2b_body(&rx, command, party_b, json!("4500"), "PRN1234567");
        b.as_object_mut().unwrap().remove("Requester");
        b["ResultURL"] = json!(rx.url("/tax"));
        b
    };
    let before = sb.daraja().balances();
    let (s, ack) = post(&sb, &tok, path, &tax("572572", "PayTaxToKRA"));
    assert_eq!(s, 200, "{ack}");
    assert_eq!(ack["ResponseCode"], "0");
    assert!(ack["ConversationID"].as_str().unwrap().starts_with("AG_"));
    let result = rx.wait("/tax", WAIT).expect("tax result")["Result"].clone();
    assert_eq!(result["ResultCode"], "0");
    let p = result_params(&result);
    assert_eq!(p["Amount"], "4500.00");
    assert!(p["ReceiverPartyPublicName"]
        .as_str()
        .unwrap()
        .starts_with("572572 - "));
    assert_eq!(
        result["ReferenceData"]["ReferenceItem"][0]["Value"],
        "PRN1234567"
    );
    assert_eq!(
        sb.daraja().balances().working_cents,
        before.working_cents - 450_000
    );

    assert_error(
        &post(&sb, &tok, path, &tax("572573", "PayTaxToKRA")),
        400,
        "400.002.02",
        "Invalid PartyB",
    );
    assert_error(
        &post(&sb, &tok, path, &tax("572572", "BusinessPayBill")),
        400,
        "400.002.02",
        "Invalid CommandID",
    );
    let mut no_prn = tax("572572", "PayTaxToKRA");
    no_prn.as_object_mut().unwrap().remove("AccountReference");
    assert_error(
        &post(&sb, &tok, path, &no_prn),
        400,
        "400.002.02",
        "Invalid AccountReference",
    );
    let mut bad_sender = tax("572572", "PayTaxToKRA");
    bad_sender["SenderIdentifierType"] = json!("2");
    assert_error(
        &post(&sb, &tok, path, &bad_sender),
        400,
        "400.002.02",
        "Invalid SenderIdentifierType",
    );
    // PayTaxToKRA is not a CommandID of the B2B path.
    assert_error(
        &post(
            &sb,
            &tok,
            "/mpesa/b2b/v1/paymentrequest",
            &tax("572572", "PayTaxToKRA"),
        ),
        400,
        "400.002.02",
        "Invalid CommandID",
    );
    // A wrong credential is accepted and fails with 2001, strings as B2B.
    let mut wrong = tax("572572", "PayTaxToKRA");
    wrong["SecurityCredential"] = json!(credential("nope"));
    post(&sb, &tok, path, &wrong);
    let result = rx.wait("/tax", WAIT).unwrap()["Result"].clone();
    assert_eq!(result["ResultCode"], "2001");

    let entries = sb.daraja().ledger();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.kind == "tax"));
    assert_eq!(entries[0].reference, "PRN1234567");
    assert_eq!(entries[0].credit_party, "572572");
    assert!(entries[0].paid && !entries[1].paid);
    assert!(sb.processed_payments().iter().any(|p| p.operation == "tax"));
}

// ---------------------------------------------------------------- B2B Express Checkout

#[test]
fn b2b_express_checkout_success_cancel_and_refusals() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let path = "/v1/ussdpush/get-msisdn";
    let before = sb.daraja().balances();

    let (s, ack) = post(
        &sb,
        &tok,
        path,
        &express_body(&rx, "000001", json!("71"), "ref-1"),
    );
    assert_eq!(s, 200, "{ack}");
    assert_eq!(
        ack,
        json!({"code": "0", "status": "USSD Initiated Successfully"})
    );
    let cb = rx.wait("/express", WAIT).expect("express callback");
    assert_eq!(cb["resultCode"], "0");
    assert_eq!(cb["status"], "SUCCESS");
    assert_eq!(cb["resultType"], "0");
    assert_eq!(cb["requestId"], "ref-1");
    assert_eq!(cb["amount"], "71.0");
    assert!(cb["conversationID"].as_str().unwrap().starts_with("AG_"));
    let receipt = cb["transactionId"].as_str().unwrap().to_string();
    assert_eq!(receipt.len(), 10);
    assert!(cb.get("paymentReference").is_none());
    assert_eq!(
        sb.daraja().balances().working_cents,
        before.working_cents + 7_100
    );

    // The merchant's operator cancels: 4001, the cancel shape, nothing paid.
    let (s, _) = post(
        &sb,
        &tok,
        path,
        &express_body(&rx, daraja::B2B_EXPRESS_TILL_CANCELLED, json!(71), "ref-2"),
    );
    assert_eq!(s, 200);
    let cb = rx.wait("/express", WAIT).unwrap();
    assert_eq!(
        cb,
        json!({"resultCode": "4001", "resultDesc": "User cancelled transaction",
               "requestId": "ref-2", "amount": "71.0", "paymentReference": "INV-42"})
    );
    assert_eq!(
        sb.daraja().balances().working_cents,
        before.working_cents + 7_100
    );

    // RequestRefID is unique per request; the `RequestRefId` spelling is accepted.
    assert_error(
        &post(
            &sb,
            &tok,
            path,
            &express_body(&rx, "000001", json!(5), "ref-1"),
        ),
        500,
        "500.002.1001",
        "Duplicate RequestRefID",
    );
    let mut other = express_body(&rx, "000001", json!(5), "x");
    let o = other.as_object_mut().unwrap();
    o.remove("RequestRefID");
    o.insert("RequestRefId".into(), json!("ref-3"));
    assert_eq!(post(&sb, &tok, path, &other).0, 200);
    assert_eq!(rx.wait("/express", WAIT).unwrap()["requestId"], "ref-3");

    // Field checks, no /mpesa prefix, bearer token required.
    for (field, value) in [
        ("primaryShortCode", json!("12")),
        ("receiverShortCode", json!(null)),
        ("amount", json!(0)),
        ("amount", json!(10.5)),
        ("paymentRef", json!("")),
        ("callbackUrl", json!("not a url")),
        ("partnerName", json!(null)),
        ("RequestRefID", json!("")),
    ] {
        let mut b = express_body(&rx, "000001", json!(5), "ref-x");
        b[field] = value;
        assert_error(
            &post(&sb, &tok, path, &b),
            400,
            "400.002.02",
            &format!("Invalid {field}"),
        );
    }
    assert_error(
        &post(
            &sb,
            &tok,
            "/mpesa/v1/ussdpush/get-msisdn",
            &express_body(&rx, "000001", json!(5), "ref-y"),
        ),
        404,
        "404.001.01",
        "",
    );
    assert_error(
        &post(
            &sb,
            "not-a-token",
            path,
            &express_body(&rx, "000001", json!(5), "ref-z"),
        ),
        404,
        "404.001.03",
        "Invalid Access Token",
    );

    // Status finds it by receipt and by RequestRefID.
    post(
        &sb,
        &tok,
        "/mpesa/transactionstatus/v1/query",
        &status_body(&rx, None, Some("ref-1")),
    );
    let status = rx.wait("/status", WAIT).unwrap()["Result"].clone();
    assert_eq!(result_params(&status)["ReceiptNo"], json!(receipt));

    let entries = sb.daraja().ledger();
    let ids: Vec<_> = entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["ref-1", "ref-2", "ref-3"]);
    assert!(entries.iter().all(|e| e.kind == "b2b_express"));
    assert_eq!(entries[1].result_code.as_deref(), Some("4001"));
    assert!(entries[0].paid && !entries[1].paid && entries[2].paid);
    assert_eq!(entries[0].reference, "INV-42");
}

// ---------------------------------------------------------------- Pull Transactions

#[test]
fn pull_transactions_register_and_page_through_c2b_payments() {
    let sb = start(Settings {
        pull_page_size: 2,
        ..fast()
    });
    let rx = Receiver::start();
    let tok = token(&sb);

    let register = json!({"ShortCode": "600981", "RequestType": "Pull",
                          "NominatedNumber": "254708374149", "CallBackURL": rx.url("/pull")});
    let (s, first) = post(&sb, &tok, "/pulltransactions/v1/register", &register);
    assert_eq!(s, 200, "{first}");
    assert_eq!(first["ResponseStatus"], "1000");
    assert_eq!(first["ShortCode"], "600981");
    assert!(first["ResponseRefID"].is_string());
    assert!(first["ResponseDescription"].is_string());
    let (_, again) = post(&sb, &tok, "/pulltransactions/v1/register", &register);
    assert_eq!(again["ResponseStatus"], "1001");
    let mut bad = register.clone();
    bad["RequestType"] = json!("Push");
    assert_error(
        &post(&sb, &tok, "/pulltransactions/v1/register", &bad),
        400,
        "400.002.02",
        "Invalid RequestType",
    );
    let mut bad = register.clone();
    bad["NominatedNumber"] = json!("12345");
    assert_error(
        &post(&sb, &tok, "/pulltransactions/v1/register", &bad),
        400,
        "400.002.02",
        "Invalid NominatedNumber",
    );

    // Nothing yet: 1001.
    let (s, empty) = pull_query(&sb, &tok, "600981", "0");
    assert_eq!(s, 200, "{empty}");
    assert_eq!(empty["ResponseCode"], "1001");
    assert_eq!(empty["Response"], json!([]));

    register_c2b(&sb, &tok, &rx, "600981");
    for i in 1..=5 {
        simulate(&sb, &tok, "600981", 100 + i, &format!("ACC{i}"));
    }
    simulate(&sb, &tok, "600426", 7, "OTHER");
    assert!(sb.daraja().wait_background_idle(WAIT));

    let mut seen = Vec::new();
    for (offset, rows) in [("0", 2), ("2", 2), ("4", 1)] {
        let (s, page) = pull_query(&sb, &tok, "600981", offset);
        assert_eq!(s, 200, "{page}");
        assert_eq!(page["ResponseCode"], "1000", "{page}");
        assert_eq!(page["ResponseMessage"], "Success");
        assert!(page["ResponseRefID"].is_string());
        let list = page["Response"].as_array().unwrap();
        assert_eq!(list.len(), rows, "offset {offset}: {page}");
        for row in list {
            for key in [
                "transactionId",
                "trxDate",
                "msisdn",
                "transactiontype",
                "billreference",
                "amount",
                "organizationname",
            ] {
                assert!(row.get(key).is_some(), "{key} missing in {row}");
            }
            assert_eq!(row["transactiontype"], "c2b-pay-bill-debit");
            assert_eq!(row["msisdn"], 254708374149u64);
            assert!(row["trxDate"].as_str().unwrap().ends_with('Z'));
            seen.push(row.clone());
        }
    }
    // Pages follow completion order (the simulated payments complete concurrently).
    let mut refs: Vec<_> = seen
        .iter()
        .map(|r| r["billreference"].as_str().unwrap().to_string())
        .collect();
    refs.sort();
    assert_eq!(refs, ["ACC1", "ACC2", "ACC3", "ACC4", "ACC5"]);
    let acc1 = seen.iter().find(|r| r["billreference"] == "ACC1").unwrap();
    assert_eq!(acc1["amount"], "101.00");
    let ids: HashSet<_> = seen
        .iter()
        .map(|r| r["transactionId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(ids.iter().all(|id| sb.daraja().receipts().contains(id)));
    let (_, past) = pull_query(&sb, &tok, "600981", "6");
    assert_eq!(past["ResponseCode"], "1001");

    // The page size is a run-time setting too.
    let (s, t) = control(
        &sb,
        "POST",
        "/settings",
        Some(json!({"pull_page_size": 10})),
    );
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["pull_page_size"], 10);
    let (_, all) = pull_query(&sb, &tok, "600981", "0");
    assert_eq!(all["Response"].as_array().unwrap().len(), 5);

    // A period without payments; GET with the same JSON body.
    let (_, before) = post(
        &sb,
        &tok,
        "/pulltransactions/v1/query",
        &json!({"ShortCode": "600981", "StartDate": eat_dashed(-7200),
                "EndDate": eat_dashed(-3600), "OffSetValue": "0"}),
    );
    assert_eq!(before["ResponseCode"], "1001");
    let url = format!("{}/pulltransactions/v1/query", sb.daraja_url());
    let mut resp = agent()
        .get(&url)
        .header("Authorization", &format!("Bearer {tok}"))
        .header("Content-Type", "application/json")
        .force_send_body()
        .send(
            json!({"ShortCode": "600426", "StartDate": eat_dashed(-60),
                   "EndDate": eat_dashed(60), "OffSetValue": 0})
            .to_string(),
        )
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let got: Value = resp.body_mut().read_json().unwrap();
    assert_eq!(got["ResponseCode"], "1000");
    assert_eq!(got["Response"][0]["billreference"], "OTHER");

    // Refusals.
    for (field, value) in [
        ("StartDate", json!("2024-01-01T00:00:00")),
        ("StartDate", json!("20240101000000")),
        ("EndDate", json!(eat_dashed(-7200))),
        ("OffSetValue", json!("-1")),
        ("ShortCode", json!("12")),
    ] {
        let mut b = json!({"ShortCode": "600981", "StartDate": eat_dashed(-3600),
                           "EndDate": eat_dashed(3600), "OffSetValue": "0"});
        b[field] = value;
        assert_error(
            &post(&sb, &tok, "/pulltransactions/v1/query", &b),
            400,
            "400.002.02",
            &format!("Invalid {field}"),
        );
    }
    // The register call is POST only.
    let mut resp = agent()
        .get(&format!("{}/pulltransactions/v1/register", sb.daraja_url()))
        .header("Authorization", &format!("Bearer {tok}"))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let body: Value = resp.body_mut().read_json().unwrap();
    assert_eq!(body["errorCode"], "405.001");
}

// ---------------------------------------------------------------- M-Pesa Ratiba

fn ratiba_body(rx: &Receiver, name: &str, phone: &str) -> Value {
    json!({
        "StandingOrderName": name,
        "StartDate": ymd(1),
        "EndDate": ymd(60),
        "BusinessShortCode": "174379",
        "TransactionType": "Standing Order Customer Pay Bill",
        "ReceiverPartyIdentifierType": "4",
        "Amount": "4500",
        "PartyA": phone,
        "CallBackURL": rx.url("/ratiba"),
        "AccountReference": "Test",
        "TransactionDesc": "Test",
        "Frequency": "2",
    })
}

#[test]
fn ratiba_creates_standing_orders_with_settable_key_casing() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let path = "/standingorder/v1/createStandingOrderExternal";

    let (s, ack) = post(&sb, &tok, path, &ratiba_body(&rx, "Rent", "254708374149"));
    assert_eq!(s, 200, "{ack}");
    assert_eq!(ack["ResponseHeader"]["responseCode"], "200");
    assert_eq!(
        ack["ResponseHeader"]["responseDescription"],
        "Request accepted for processing"
    );
    assert!(ack["ResponseHeader"]["ResultDesc"].is_string());
    assert_eq!(ack["ResponseBody"]["responseCode"], "200");
    let ref_id = ack["ResponseHeader"]["responseRefID"].as_str().unwrap();

    // Default casing: the portal's JSON sample.
    let cb = rx.wait("/ratiba", WAIT).expect("ratiba callback");
    assert_eq!(cb["responseHeader"]["responseCode"], "0");
    assert_eq!(cb["responseHeader"]["responseRefID"], ref_id);
    assert_eq!(cb["responseHeader"]["requestRefID"], ref_id);
    assert!(cb["responseHeader"]["responseDescription"].is_string());
    let data = cb["responseBody"]["responseData"].as_array().unwrap();
    assert!(data
        .iter()
        .all(|i| i.get("name").is_some() && i.get("value").is_some()));
    let pairs = ratiba_pairs(&cb);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).unwrap().1.clone();
    assert_eq!(get("Status"), "OKAY");
    assert_eq!(get("responseCode"), "0");
    assert_eq!(get("Msisdn"), "254******149");
    assert!(!get("TransactionID").is_empty());

    // Pascal casing, picked at run time.
    let (s, t) = control(
        &sb,
        "POST",
        "/settings",
        Some(json!({"ratiba_key_case": "pascal"})),
    );
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["ratiba_key_case"], "pascal");
    let mut body = ratiba_body(&rx, "Fees", "254708374149");
    body["CustomStoId"] = json!("bae4ef32-3fb1-4998-988b-0063884a3d80");
    post(&sb, &tok, path, &body);
    let cb = rx.wait("/ratiba", WAIT).unwrap();
    assert_eq!(cb["ResponseHeader"]["ResponseCode"], "0");
    assert_eq!(
        cb["ResponseHeader"]["RequestRefID"],
        "bae4ef32-3fb1-4998-988b-0063884a3d80"
    );
    let item = &cb["ResponseBody"]["ResponseData"][0];
    assert!(item.get("Name").is_some() && item.get("Value").is_some());
    assert!(cb.get("responseHeader").is_none());

    // Mixed casing, from the Rust API: the payer cancels the prompt.
    sb.daraja().set_tunables(Tunables {
        ratiba_key_case: KeyCase::Mixed,
        ..sb.daraja().tunables()
    });
    post(
        &sb,
        &tok,
        path,
        &ratiba_body(&rx, "Gym", daraja::STK_PHONE_CANCELLED),
    );
    let cb = rx.wait("/ratiba", WAIT).unwrap();
    assert_eq!(cb["ResponseHeader"]["responseCode"], "1032");
    let item = &cb["responseBody"]["ResponseData"][0];
    assert!(item.get("Name").is_some() && item.get("value").is_some());
    let pairs = ratiba_pairs(&cb);
    assert!(pairs.contains(&("Status".into(), "ERROR".into())));

    // A second order of the same name for the same customer: 1050.
    sb.daraja().set_tunables(Tunables {
        ratiba_key_case: KeyCase::Camel,
        ..sb.daraja().tunables()
    });
    post(&sb, &tok, path, &ratiba_body(&rx, "Rent", "254708374149"));
    let cb = rx.wait("/ratiba", WAIT).unwrap();
    assert_eq!(cb["responseHeader"]["responseCode"], "1050");
    // ... but another customer may use the name.
    post(&sb, &tok, path, &ratiba_body(&rx, "Rent", "254711111111"));
    assert_eq!(
        rx.wait("/ratiba", WAIT).unwrap()["responseHeader"]["responseCode"],
        "0"
    );

    // Refusals.
    let cases: Vec<(&str, Value)> = vec![
        ("StandingOrderName", json!("")),
        ("StartDate", json!("2024-13-01")),
        ("EndDate", json!(ymd(0))),
        ("BusinessShortCode", json!("1")),
        (
            "TransactionType",
            json!("Standing Order Customer Pay Merchant"),
        ),
        ("ReceiverPartyIdentifierType", json!("2")),
        ("Amount", json!("10.50")),
        ("PartyA", json!("0708374149")),
        ("CallBackURL", json!("ftp://x")),
        ("AccountReference", json!("ABCDEFGHIJKLM")),
        ("TransactionDesc", json!("ABCDEFGHIJKLMN")),
        ("Frequency", json!("9")),
    ];
    for (field, value) in cases {
        let mut b = ratiba_body(&rx, "Other", "254708374149");
        b[field] = value;
        assert_error(
            &post(&sb, &tok, path, &b),
            400,
            "400.002.02",
            &format!("Invalid {field}"),
        );
    }
    // Till orders: the misspelt "Marchant" with identifier type 2.
    let mut till = ratiba_body(&rx, "Shop", "254708374149");
    till["TransactionType"] = json!("Standing Order Customer Pay Marchant");
    till["ReceiverPartyIdentifierType"] = json!("2");
    assert_eq!(post(&sb, &tok, path, &till).0, 200);
    rx.wait("/ratiba", WAIT).unwrap();

    let entries = sb.daraja().ledger();
    assert_eq!(entries.len(), 6);
    assert!(entries.iter().all(|e| e.kind == "ratiba" && !e.paid));
    let codes: Vec<_> = entries
        .iter()
        .map(|e| e.result_code.clone().unwrap())
        .collect();
    assert_eq!(codes, ["0", "0", "1032", "1050", "0", "0"]);
    assert_eq!(entries[0].id, ref_id);
    assert_eq!(entries[0].reference, "Rent");
    assert_eq!(entries[0].amount_cents, 450_000);
}

// ---------------------------------------------------------------- Bill Manager

fn optin_body(rx: &Receiver, path: &str) -> Value {
    json!({"shortcode": "718003", "email": "billing@example.com", "officialContact": "0710000000",
           "sendReminders": 1, "logo": "https://example.com/logo.png", "callbackurl": rx.url(path)})
}

fn invoice_body(reference: &str, amount: Value) -> Value {
    json!({
        "externalReference": reference,
        "billedFullName": "John Doe",
        "billedPhoneNumber": "0708374149",
        "billedPeriod": "August 2021",
        "invoiceName": "Jentrys",
        "dueDate": "2021-10-12",
        "accountReference": format!("ACC-{reference}"),
        "amount": amount,
        "invoiceItems": [{"itemName": "food", "amount": "700"}, {"itemName": "water", "amount": "100"}],
    })
}

fn bill(sb: &Sandbox, tok: &str, call: &str, body: &Value) -> (u16, Value) {
    post(sb, tok, &format!("/v1/billmanager-invoice/{call}"), body)
}

#[test]
fn bill_manager_invoices_payments_cancellation_and_reconciliation() {
    let sb = start(Settings {
        bill_manager_retry_gap: Duration::from_millis(20),
        ..fast()
    });
    let rx = Receiver::start();
    let tok = token(&sb);

    // Invoicing needs an opt-in first.
    assert_error(
        &bill(
            &sb,
            &tok,
            "single-invoicing",
            &invoice_body("INV-1", json!("800")),
        ),
        400,
        "400.003.02",
        "Opt in",
    );
    assert_error(
        &bill(&sb, &tok, "change-optin-details", &optin_body(&rx, "/bill")),
        400,
        "400.003.02",
        "Opt in",
    );
    let (s, opt) = bill(&sb, &tok, "optin", &optin_body(&rx, "/bill/nack/2"));
    assert_eq!(s, 200, "{opt}");
    assert_eq!(opt["rescode"], "200");
    assert_eq!(opt["resmsg"], "Success");
    let app_key = opt["app_key"].as_str().unwrap().to_string();
    assert!(app_key.starts_with("AG_"));
    let mut bad = optin_body(&rx, "/bill");
    bad["email"] = json!("not-an-email");
    assert_error(
        &bill(&sb, &tok, "optin", &bad),
        400,
        "400.002.02",
        "Invalid email",
    );
    let mut bad = optin_body(&rx, "/bill");
    bad["sendReminders"] = json!(2);
    assert_error(
        &bill(&sb, &tok, "optin", &bad),
        400,
        "400.002.02",
        "Invalid sendReminders",
    );

    // Invoices: single, duplicates, bulk (at most 1000).
    let (s, one) = bill(
        &sb,
        &tok,
        "single-invoicing",
        &invoice_body("INV-1", json!("800")),
    );
    assert_eq!(s, 200, "{one}");
    assert_eq!(one["rescode"], "200");
    assert_error(
        &bill(
            &sb,
            &tok,
            "single-invoicing",
            &invoice_body("INV-1", json!("800")),
        ),
        400,
        "400.002.02",
        "Invalid externalReference",
    );
    let mut bad = invoice_body("INV-X", json!("800"));
    bad["dueDate"] = json!("12/10/2021");
    assert_error(
        &bill(&sb, &tok, "single-invoicing", &bad),
        400,
        "400.002.02",
        "Invalid dueDate",
    );
    let mut bad = invoice_body("INV-X", json!("800"));
    bad["invoiceItems"] = json!([{"itemName": "food"}]);
    assert_error(
        &bill(&sb, &tok, "single-invoicing", &bad),
        400,
        "400.002.02",
        "Invalid amount",
    );
    let bulk = json!([
        invoice_body("INV-2", json!(500)),
        invoice_body("INV-3", json!(300)),
        invoice_body("INV-4", json!(100)),
    ]);
    let (s, many) = bill(&sb, &tok, "bulk-invoicing", &bulk);
    assert_eq!(s, 200, "{many}");
    assert_eq!(many["rescode"], "200");
    let too_many: Vec<Value> = (0..1001)
        .map(|i| invoice_body(&format!("B-{i}"), json!(10)))
        .collect();
    assert_error(
        &bill(&sb, &tok, "bulk-invoicing", &Value::Array(too_many)),
        400,
        "400.002.02",
        "1000",
    );
    // A batch with one bad invoice creates none; a batch of 1000 is fine.
    let mixed = json!([
        invoice_body("INV-5", json!(1)),
        invoice_body("INV-2", json!(1))
    ]);
    assert_error(
        &bill(&sb, &tok, "bulk-invoicing", &mixed),
        400,
        "400.002.02",
        "Invalid externalReference",
    );
    let thousand: Vec<Value> = (0..1000)
        .map(|i| invoice_body(&format!("K-{i}"), json!(10)))
        .collect();
    assert_eq!(
        bill(&sb, &tok, "bulk-invoicing", &Value::Array(thousand)).1["rescode"],
        "200"
    );
    assert_error(
        &bill(
            &sb,
            &tok,
            "bulk-invoicing",
            &invoice_body("INV-6", json!(1)),
        ),
        400,
        "400.002.05",
        "Invalid request payload",
    );
    assert_eq!(sb.daraja().invoices().len(), 1004);

    // The customer pays INV-1: the notification is redelivered until acknowledged with
    // rescode 200 (the receiver refuses the first two).
    let (s, paid) = control(
        &sb,
        "POST",
        "/billmanager/pay",
        Some(json!({"externalReference": "INV-1"})),
    );
    assert_eq!(s, 200, "{paid}");
    let receipt = paid["transactionId"].as_str().unwrap().to_string();
    assert_eq!(paid["invoice"]["status"], "paid");
    assert!(rx.wait_count("/bill/nack/2", 3, WAIT));
    assert!(sb.wait_callbacks_idle(WAIT));
    let notes = rx.bodies("/bill/nack/2");
    assert_eq!(
        notes.len(),
        3,
        "two refusals, then the acknowledged delivery"
    );
    let n = &notes[2];
    assert_eq!(n["transactionId"], json!(receipt));
    assert_eq!(n["paidAmount"], "800");
    assert_eq!(n["msisdn"], "254708374149");
    assert_eq!(n["accountReference"], "ACC-INV-1");
    assert_eq!(n["shortCode"], "718003");
    assert_eq!(n["dateCreated"].as_str().unwrap().len(), 10);
    assert!(notes.iter().all(|x| x == n));

    // change-optin-details: a new callback URL that never acknowledges: 1 + 5 deliveries.
    let (s, changed) = bill(
        &sb,
        &tok,
        "change-optin-details",
        &optin_body(&rx, "/bill/never"),
    );
    assert_eq!(s, 200, "{changed}");
    assert_eq!(changed["rescode"], "200");
    let mut other_code = optin_body(&rx, "/bill");
    other_code["shortcode"] = json!("718004");
    assert_error(
        &bill(&sb, &tok, "change-optin-details", &other_code),
        400,
        "400.002.02",
        "Invalid shortcode",
    );
    assert!(sb
        .pay_invoice("INV-2", Some(20_000), Some("254711111111"))
        .is_ok());
    assert!(rx.wait_count("/bill/never", 6, WAIT));
    assert!(sb.wait_callbacks_idle(WAIT));
    assert_eq!(rx.count("/bill/never"), 6);
    let inv2 = sb
        .daraja()
        .invoices()
        .into_iter()
        .find(|i| i.external_reference == "INV-2")
        .unwrap();
    assert_eq!(inv2.status, InvoiceStatus::PartiallyPaid);
    assert_eq!(inv2.paid_cents, 20_000);
    assert_eq!(inv2.payments[0].msisdn, "254711111111");

    // Payments the control API refuses.
    for (body, part) in [
        (json!({"externalReference": "NOPE"}), "no invoice"),
        (json!({"externalReference": "INV-1"}), "paid"),
        (
            json!({"externalReference": "INV-2", "amount": 400}),
            "amount",
        ),
        (json!({"amount": 1}), "externalReference"),
    ] {
        let (s, e) = control(&sb, "POST", "/billmanager/pay", Some(body));
        assert!(s == 409 || s == 400, "{s} {e}");
        assert!(e["error"].as_str().unwrap().contains(part), "{e}");
    }

    // Cancelling: a paid (or part-paid) invoice answers rescode 409; an unpaid one 200.
    let (s, refused) = bill(
        &sb,
        &tok,
        "cancel-single-invoice",
        &json!({"externalReference": "INV-1"}),
    );
    assert_eq!(s, 200);
    assert_eq!(refused["rescode"], "409");
    assert!(refused["resmsg"]
        .as_str()
        .unwrap()
        .contains("cannot be cancelled"));
    let (_, ok) = bill(
        &sb,
        &tok,
        "cancel-single-invoice",
        &json!({"externalReference": "INV-3"}),
    );
    assert_eq!(ok["rescode"], "200");
    assert_error(
        &bill(
            &sb,
            &tok,
            "cancel-single-invoice",
            &json!({"externalReference": "NOPE"}),
        ),
        400,
        "400.002.02",
        "Invalid externalReference",
    );
    let (_, mixed) = bill(
        &sb,
        &tok,
        "cancel-bulk-invoices",
        &json!([{"externalReference": "INV-2"}, {"externalReference": "INV-4"}]),
    );
    assert_eq!(mixed["rescode"], "409", "{mixed}");
    assert_eq!(mixed["errors"][0]["externalReference"], "INV-2");
    let (_, fine) = bill(
        &sb,
        &tok,
        "cancel-bulk-invoices",
        &json!([{"externalReference": "K-0"}, {"externalReference": "K-1"}]),
    );
    assert_eq!(fine["rescode"], "200");
    let statuses: Vec<_> = sb
        .daraja()
        .invoices()
        .into_iter()
        .take(4)
        .map(|i| i.status)
        .collect();
    assert_eq!(
        statuses,
        [
            InvoiceStatus::Paid,
            InvoiceStatus::PartiallyPaid,
            InvoiceStatus::Cancelled,
            InvoiceStatus::Cancelled
        ]
    );
    // A cancelled invoice cannot be paid.
    assert!(sb
        .pay_invoice("INV-3", None, None)
        .unwrap_err()
        .contains("cancelled"));

    // Reconciliation acknowledges a payment.
    let recon = json!({"paymentDate": "2021-10-01", "paidAmount": "800", "accountReference": "ACC-INV-1",
                       "transactionId": receipt, "phoneNumber": "0708374149", "fullName": "John Doe",
                       "invoiceName": "Jentrys", "externalReference": "INV-1"});
    let (s, ack) = bill(&sb, &tok, "reconciliation", &recon);
    assert_eq!(s, 200, "{ack}");
    assert_eq!(ack["rescode"], "200");
    let mut wrong = recon.clone();
    wrong["transactionId"] = json!("TXXXXXXXXX");
    assert_error(
        &bill(&sb, &tok, "reconciliation", &wrong),
        400,
        "400.002.02",
        "Invalid transactionId",
    );
    let mut wrong = recon.clone();
    wrong["externalReference"] = json!("INV-2");
    assert_error(
        &bill(&sb, &tok, "reconciliation", &wrong),
        400,
        "400.002.02",
        "Invalid externalReference",
    );
    let (_, listed) = control(&sb, "GET", "/billmanager/invoices", None);
    let first = &listed["invoices"][0];
    assert_eq!(first["externalReference"], "INV-1");
    assert_eq!(first["payments"][0]["reconciled"], true);
    assert_eq!(first["payments"][0]["notification"], "scheduled");

    // The payments are C2B payments to the shortcode: ledger, status and pull see them.
    let entries = sb.daraja().ledger();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.kind == "bill_payment" && e.paid));
    assert_eq!(entries[0].receipt.as_deref(), Some(receipt.as_str()));
    assert_eq!(entries[0].conversation_id, "INV-1");
    assert_eq!(entries[0].credit_party, "718003");
    let (_, page) = pull_query(&sb, &tok, "718003", "0");
    assert_eq!(page["Response"].as_array().unwrap().len(), 2);
    assert_eq!(page["Response"][0]["billreference"], "ACC-INV-1");
}

// ---------------------------------------------------------------- callback drop

#[test]
fn dropped_callbacks_still_pay_and_reconcile_from_the_ledger() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);

    let (s, t) = control(
        &sb,
        "POST",
        "/settings",
        Some(json!({"callback_drop_percent": 30, "callback_drop_seed": 7})),
    );
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["callback_drop_percent"], 30);
    assert_eq!(t["callback_drop_seed"], 7);
    let kinds: Vec<_> = t["callback_drop_kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"stk") && kinds.contains(&"c2b") && kinds.contains(&"b2c"));
    assert!(!kinds.contains(&"status") && !kinds.contains(&"balance"));

    // Ten STK pushes: exactly three callbacks never come, every payment still happens.
    let before = sb.daraja().balances().working_cents;
    let mut checkouts = Vec::new();
    for i in 0..10 {
        let (s, ack) = post(
            &sb,
            &tok,
            "/mpesa/stkpush/v1/processrequest",
            &stk_body(&rx, "254708374149", json!(10 + i)),
        );
        assert_eq!(s, 200, "{ack}");
        checkouts.push(ack["CheckoutRequestID"].as_str().unwrap().to_string());
    }
    assert!(rx.wait_count("/stk", 7, WAIT));
    assert!(sb.wait_callbacks_idle(WAIT));
    assert!(sb.daraja().wait_ledger_final(WAIT));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(rx.count("/stk"), 7);
    assert_eq!(sb.daraja().counters().callbacks_dropped, 3);
    let paid: i64 = (10..20).map(|a| a * 100).sum();
    assert_eq!(sb.daraja().balances().working_cents, before + paid);

    let delivered: HashSet<String> = rx
        .bodies("/stk")
        .iter()
        .map(|b| {
            b["Body"]["stkCallback"]["CheckoutRequestID"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let entries = ledger(&sb);
    assert_eq!(entries.len(), 10);
    let mut dropped = Vec::new();
    for (e, checkout) in entries.iter().zip(&checkouts) {
        assert_eq!(e["kind"], "stk");
        assert_eq!(e["id"], json!(checkout));
        assert_eq!(e["status"], "final");
        assert_eq!(e["result_code"], "0");
        assert_eq!(e["paid"], true);
        assert!(e["receipt"].is_string());
        let fate = e["callback"].as_str().unwrap();
        assert_eq!(fate == "dropped", !delivered.contains(checkout), "{e}");
        if fate == "dropped" {
            dropped.push(checkout.clone());
        }
    }
    assert_eq!(dropped.len(), 3);
    // STK query reports the truth for a dropped one.
    let (s, q) = stk_query(&sb, &tok, &dropped[0]);
    assert_eq!(s, 200, "{q}");
    assert_eq!(q["ResultCode"], "0");
    assert!(matches!(
        sb.daraja().stk_state(&dropped[0]),
        Some(StkState::Done { result_code: 0, .. })
    ));

    // The same seed, in another sandbox, drops the same positions.
    let twin = start(fast());
    let twin_rx = Receiver::start();
    let twin_tok = token(&twin);
    twin.daraja().set_callback_drop(30, 7);
    for i in 0..10 {
        post(
            &twin,
            &twin_tok,
            "/mpesa/stkpush/v1/processrequest",
            &stk_body(&twin_rx, "254708374149", json!(10 + i)),
        );
    }
    let fates = |sb: &Sandbox| -> Vec<CallbackFate> {
        sb.daraja().ledger().iter().map(|e| e.callback).collect()
    };
    assert_eq!(fates(&sb), fates(&twin));

    // Transaction status results are never dropped by default, even at 100 %.
    control(
        &sb,
        "POST",
        "/settings",
        Some(json!({"callback_drop_percent": 100})),
    );
    let receipt = entries[0]["receipt"].as_str().unwrap();
    for _ in 0..3 {
        post(
            &sb,
            &tok,
            "/mpesa/transactionstatus/v1/query",
            &status_body(&rx, Some(receipt), None),
        );
    }
    assert!(rx.wait_count("/status", 3, WAIT));
    let status = rx.wait("/status", WAIT).unwrap()["Result"].clone();
    assert_eq!(result_params(&status)["ReceiptNo"], json!(receipt));

    // C2B at 100 %: no confirmation, yet the payment is in the ledger and Pull
    // Transactions finds it.
    register_c2b(&sb, &tok, &rx, "600981");
    simulate(&sb, &tok, "600981", 55, "DROPPED");
    assert!(sb.daraja().wait_background_idle(WAIT));
    assert!(sb.wait_callbacks_idle(WAIT));
    assert!(
        rx.wait_count("/validate", 1, WAIT),
        "validation is never dropped"
    );
    assert_eq!(rx.count("/confirm"), 0);
    let c2b = sb.daraja().ledger().pop().unwrap();
    assert_eq!(c2b.kind, "c2b");
    assert_eq!(c2b.callback, CallbackFate::Dropped);
    assert!(c2b.paid);
    let (_, page) = pull_query(&sb, &tok, "600981", "0");
    assert_eq!(page["Response"][0]["transactionId"], json!(c2b.id));
    assert_eq!(page["Response"][0]["billreference"], "DROPPED");

    // Only the listed kinds: B2C results dropped, STK callbacks delivered.
    let (s, t) = control(
        &sb,
        "POST",
        "/settings",
        Some(json!({"callback_drop_percent": 100, "callback_drop_kinds": ["b2c"]})),
    );
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["callback_drop_kinds"], json!(["b2c"]));
    let stk_before = rx.count("/stk");
    post(
        &sb,
        &tok,
        "/mpesa/stkpush/v1/processrequest",
        &stk_body(&rx, "254708374149", json!(1)),
    );
    let (_, b2c_ack) = post(
        &sb,
        &tok,
        "/mpesa/b2c/v3/paymentrequest",
        &b2c_body(
            &rx,
            "drop-b2c-1",
            &credential("Safaricom999!*!"),
            "254708374149",
            json!(100),
        ),
    );
    assert_eq!(b2c_ack["ResponseCode"], "0");
    assert!(rx.wait_count("/stk", stk_before + 1, WAIT));
    assert!(sb.wait_callbacks_idle(WAIT));
    assert_eq!(rx.count("/b2c"), 0);
    let b2c = sb.daraja().ledger().pop().unwrap();
    assert_eq!(
        (b2c.kind, b2c.callback, b2c.paid),
        ("b2c", CallbackFate::Dropped, true)
    );
    // ... and transaction status by OriginatorConversationID tells the outcome.
    post(
        &sb,
        &tok,
        "/mpesa/transactionstatus/v1/query",
        &merge(
            status_body(&rx, None, Some("drop-b2c-1")),
            json!({"ResultURL": rx.url("/status-b2c")}),
        ),
    );
    let status = rx.wait("/status-b2c", WAIT).unwrap()["Result"].clone();
    assert_eq!(status["ResultCode"], 0);
    assert_eq!(
        result_params(&status)["ReceiptNo"],
        json!(b2c.receipt.unwrap())
    );

    // Status results can be dropped too, when listed.
    control(
        &sb,
        "POST",
        "/settings",
        Some(json!({"callback_drop_kinds": ["status"], "callback_drop_percent": 100})),
    );
    let status_before = rx.count("/status");
    post(
        &sb,
        &tok,
        "/mpesa/transactionstatus/v1/query",
        &status_body(&rx, Some(receipt), None),
    );
    assert!(sb.wait_callbacks_idle(WAIT));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(rx.count("/status"), status_before);

    // Off again.
    control(
        &sb,
        "POST",
        "/settings",
        Some(json!({"callback_drop_percent": 0})),
    );
    post(
        &sb,
        &tok,
        "/mpesa/transactionstatus/v1/query",
        &status_body(&rx, Some(receipt), None),
    );
    assert!(rx.wait_count("/status", status_before + 1, WAIT));
}

#[test]
fn ledger_tells_every_outcome_once() {
    let sb = start(Settings {
        callback_delay: Duration::from_millis(300),
        ..fast()
    });
    let rx = Receiver::start();
    let tok = token(&sb);
    for phone in [
        "254708374149",
        daraja::STK_PHONE_CANCELLED,
        daraja::STK_PHONE_INSUFFICIENT,
    ] {
        post(
            &sb,
            &tok,
            "/mpesa/stkpush/v1/processrequest",
            &stk_body(&rx, phone, json!(5)),
        );
    }
    // Pending until the callback is due.
    let pending = ledger(&sb);
    assert_eq!(pending.len(), 3);
    assert!(pending
        .iter()
        .any(|e| e["status"] == "pending" && e["result_code"].is_null() && e["paid"] == false));
    post(
        &sb,
        &tok,
        "/mpesa/b2c/v3/paymentrequest",
        &b2c_body(
            &rx,
            "ledger-1",
            &credential("Safaricom999!*!"),
            "254708374149",
            json!(100),
        ),
    );
    register_c2b(&sb, &tok, &rx, "600981");
    simulate(&sb, &tok, "600981", 10, "OK");
    let reject = json!({"ShortCode": "600982", "ResponseType": "Completed",
                        "ConfirmationURL": rx.url("/confirm"), "ValidationURL": rx.url("/reject")});
    assert_eq!(post(&sb, &tok, "/mpesa/c2b/v1/registerurl", &reject).0, 200);
    simulate(&sb, &tok, "600982", 10, "NO");
    assert!(sb.daraja().wait_background_idle(WAIT));
    assert!(sb.daraja().wait_ledger_final(WAIT));
    assert!(sb.wait_callbacks_idle(WAIT));

    let entries = ledger(&sb);
    assert_eq!(entries.len(), 6);
    let ids: HashSet<_> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 6, "ids are unique");
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["seq"], i);
        assert_eq!(e["status"], "final", "{e}");
        assert!(e["result_code"].is_string());
        assert_eq!(e["paid"], e["result_code"] == "0");
        assert_eq!(e["receipt"].is_string(), e["paid"] == true, "{e}");
    }
    let codes: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["result_code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("stk", "0"),
            ("stk", "1032"),
            ("stk", "1"),
            ("b2c", "0"),
            ("c2b", "0"),
            ("c2b", "C2B00012")
        ]
    );
    assert_eq!(entries[5]["callback"], "not_sent");
    assert_eq!(entries[3]["id"], "ledger-1");
    assert_eq!(entries[4]["reference"], "OK");
    let receipts: HashSet<_> = entries
        .iter()
        .filter_map(|e| e["receipt"].as_str())
        .collect();
    assert_eq!(receipts.len(), 3, "nothing paid twice");
}

#[test]
fn control_settings_are_checked() {
    let sb = start(fast());
    let (s, t) = control(&sb, "GET", "/settings", None);
    assert_eq!(s, 200);
    assert_eq!(
        t,
        json!({
            "callback_drop_percent": 0,
            "callback_drop_seed": 0,
            "callback_drop_kinds": daraja::DROPPABLE_BY_DEFAULT,
            "pull_page_size": 100,
            "ratiba_key_case": "camel",
            "bill_manager_retries": 5,
            "bill_manager_retry_gap_ms": 1000,
        })
    );
    for bad in [
        json!({"callback_drop_percent": 101}),
        json!({"callback_drop_percent": -1}),
        json!({"callback_drop_kinds": ["stk", "nope"]}),
        json!({"callback_drop_kinds": "stk"}),
        json!({"pull_page_size": 0}),
        json!({"ratiba_key_case": "UPPER"}),
        json!({"no_such_setting": 1}),
    ] {
        let (s, e) = control(&sb, "POST", "/settings", Some(bad.clone()));
        assert_eq!(s, 400, "{bad} → {e}");
        assert!(e["error"].is_string());
    }
    let (s, _) = control(&sb, "POST", "/settings", None);
    assert_eq!(s, 400);
    // Nothing changed by the refused calls.
    assert_eq!(control(&sb, "GET", "/settings", None).1, t);
    let (s, t) = control(
        &sb,
        "POST",
        "/settings",
        Some(
            json!({"bill_manager_retries": 2, "bill_manager_retry_gap_ms": 10,
                    "ratiba_key_case": "Mixed"}),
        ),
    );
    assert_eq!(s, 200);
    assert_eq!(t["bill_manager_retries"], 2);
    assert_eq!(t["ratiba_key_case"], "mixed");
    let tunables = sb.daraja().tunables();
    assert_eq!(tunables.bill_manager_retry_gap, Duration::from_millis(10));
    assert_eq!(tunables.ratiba_key_case, KeyCase::Mixed);
    assert_eq!(control(&sb, "GET", "/nope", None).0, 404);
    // Control calls are not provider requests.
    assert_eq!(sb.request_count(), 0);
}
