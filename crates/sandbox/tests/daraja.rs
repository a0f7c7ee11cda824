//! Daraja emulator tests: plain HTTP against a running sandbox, with a tiny callback receiver.

mod common;

use std::collections::HashMap;
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use base64::Engine as _;
use common::*;
use serde_json::{json, Value};
use tuma_sandbox::daraja::{self, Balances, Settings, StkState};
use tuma_sandbox::Sandbox;

// ---------------------------------------------------------------- tests

#[test]
fn token_issue_errors_expiry_and_invalidation() {
    let sb = start(Settings {
        token_ttl: Duration::from_millis(1500),
        ..fast()
    });
    let good = basic("sandbox-daraja-key", "sandbox-daraja-secret");
    let (s, body) = token_call(&sb, "Bearer x", "client_credentials");
    assert_eq!((s, body["errorCode"].as_str()), (400, Some("400.008.01")));
    let (s, body) = token_call(&sb, &good, "password");
    assert_eq!((s, body["errorCode"].as_str()), (400, Some("400.008.02")));
    let (s, body) = token_call(
        &sb,
        &basic("sandbox-daraja-key", "wrong"),
        "client_credentials",
    );
    assert_eq!(s, 400);
    assert!(body["errorCode"].is_string() && body["requestId"].is_string());

    let (s, body) = token_call(&sb, &good, "client_credentials");
    assert_eq!(s, 200);
    assert_eq!(body["access_token"].as_str().unwrap().len(), 28);
    assert_eq!(body["expires_in"], json!("0"));
    assert_eq!(sb.daraja().token_requests(), 4);

    let tok = body["access_token"].as_str().unwrap().to_string();
    let qr = json!({"MerchantName": "Shop", "RefNo": "INV1", "Amount": 10, "TrxCode": "BG", "CPI": "174380", "Size": "100"});
    assert_eq!(post(&sb, &tok, "/mpesa/qrcode/v1/generate", &qr).0, 200);
    assert_error(
        &post(&sb, "nonsense", "/mpesa/qrcode/v1/generate", &qr),
        404,
        "404.001.03",
        "Invalid Access Token",
    );
    thread::sleep(Duration::from_millis(1600));
    assert_error(
        &post(&sb, &tok, "/mpesa/qrcode/v1/generate", &qr),
        404,
        "404.001.03",
        "Invalid Access Token",
    );

    let tok = token(&sb);
    sb.daraja().expire_tokens();
    assert_error(
        &post(&sb, &tok, "/mpesa/qrcode/v1/generate", &qr),
        404,
        "404.001.03",
        "Invalid Access Token",
    );

    // Defaults: "3599" as a string; as a number when asked; invalidation of older tokens.
    let sb = start(Settings {
        expires_in_as_string: false,
        new_token_invalidates_previous: true,
        ..fast()
    });
    let (_, body) = token_call(&sb, &good, "client_credentials");
    assert_eq!(body["expires_in"], json!(3599));
    let first = body["access_token"].as_str().unwrap().to_string();
    let second = token(&sb);
    assert_error(
        &post(&sb, &first, "/mpesa/qrcode/v1/generate", &qr),
        404,
        "404.001.03",
        "",
    );
    assert_eq!(post(&sb, &second, "/mpesa/qrcode/v1/generate", &qr).0, 200);
    let (_, body) = token_call(&start(fast()), &good, "client_credentials");
    assert_eq!(body["expires_in"], json!("3599"));
}

#[test]
fn request_level_errors() {
    let sb = start(fast());
    let tok = token(&sb);
    assert_error(
        &post(&sb, &tok, "/mpesa/nothing/v1/here", &json!({})),
        404,
        "404.001.01",
        "",
    );
    let mut resp = agent()
        .get(&format!(
            "{}/mpesa/stkpush/v1/processrequest",
            sb.daraja_url()
        ))
        .header("Authorization", &format!("Bearer {tok}"))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let body: Value = resp.body_mut().read_json().unwrap();
    assert_eq!(body["errorCode"], "405.001");
    assert_error(
        &post_raw(
            &sb,
            &tok,
            "/mpesa/stkpush/v1/processrequest",
            "application/json",
            "{not json",
        ),
        400,
        "400.002.05",
        "",
    );
    // A missing JSON content type reads as an empty body.
    let push = json!({"BusinessShortCode": 174379});
    assert_error(
        &post_raw(
            &sb,
            &tok,
            "/mpesa/stkpush/v1/processrequest",
            "text/plain",
            &push.to_string(),
        ),
        400,
        "400.002.02",
        "Invalid BusinessShortCode",
    );
}

#[test]
fn stk_push_success_and_cancel() {
    let sb = start(Settings {
        callback_delay: Duration::from_millis(300),
        ..Settings::default()
    });
    let rx = Receiver::start();
    let tok = token(&sb);

    let (s, ok) = post(
        &sb,
        &tok,
        "/mpesa/stkpush/v1/processrequest",
        &stk_body(&rx, daraja::STK_PHONE_SUCCESS, json!(5)),
    );
    assert_eq!(s, 200, "{ok}");
    assert_eq!(ok["ResponseCode"], "0");
    assert!(ok["MerchantRequestID"].is_string() && ok["CustomerMessage"].is_string());
    let checkout = ok["CheckoutRequestID"].as_str().unwrap().to_string();
    assert!(checkout.starts_with("ws_CO_"));
    assert_eq!(sb.daraja().stk_state(&checkout), Some(StkState::Pending));
    assert_error(
        &stk_query(&sb, &tok, &checkout),
        500,
        "500.001.1001",
        "being processed",
    );

    let (_, cancel) = post(
        &sb,
        &tok,
        "/mpesa/stkpush/v1/processrequest",
        &stk_body(&rx, daraja::STK_PHONE_CANCELLED, json!(7)),
    );
    let cancel_id = cancel["CheckoutRequestID"].as_str().unwrap().to_string();

    let mut callbacks = [
        rx.wait("/stk", WAIT).unwrap(),
        rx.wait("/stk", WAIT).unwrap(),
    ];
    callbacks.sort_by_key(|c| c["Body"]["stkCallback"]["ResultCode"].as_i64());
    let success = &callbacks[0]["Body"]["stkCallback"];
    assert_eq!(success["ResultCode"], json!(0));
    assert_eq!(success["CheckoutRequestID"], json!(checkout));
    assert_eq!(success["MerchantRequestID"], ok["MerchantRequestID"]);
    let items: HashMap<String, Value> = success["CallbackMetadata"]["Item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["Name"].as_str().unwrap().to_string(),
                i.get("Value").cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    assert_eq!(items["Amount"].as_f64(), Some(5.0));
    assert_eq!(items["MpesaReceiptNumber"].as_str().unwrap().len(), 10);
    assert!(items["TransactionDate"].is_u64());
    assert_eq!(items["PhoneNumber"], json!(254_708_374_149u64));

    let cancelled = &callbacks[1]["Body"]["stkCallback"];
    assert_eq!(cancelled["ResultCode"], json!(1032));
    assert_eq!(cancelled["CheckoutRequestID"], json!(cancel_id));
    assert!(cancelled.get("CallbackMetadata").is_none());

    let (s, q) = stk_query(&sb, &tok, &checkout);
    assert_eq!(s, 200, "{q}");
    assert_eq!(
        (q["ResponseCode"].clone(), q["ResultCode"].clone()),
        (json!("0"), json!("0"))
    );
    let (_, q) = stk_query(&sb, &tok, &cancel_id);
    assert_eq!(q["ResultCode"], json!("1032"));
    assert_error(
        &stk_query(&sb, &tok, "ws_CO_000"),
        400,
        "400.002.02",
        "Invalid CheckoutRequestID",
    );

    let ledger = sb.processed_payments();
    assert_eq!(ledger.len(), 2);
    assert_eq!(ledger[0].operation, "stk_push");
    assert_eq!(
        ledger[0].identity,
        format!("254708374149:5:INV-001:{checkout}")
    );
}

#[test]
fn stk_push_field_checks() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let path = "/mpesa/stkpush/v1/processrequest";
    let phone = daraja::STK_PHONE_SUCCESS;

    // A timestamp made with the UTC clock (3 h behind Kenya), with a matching password.
    let mut utc = stk_body(&rx, phone, json!(1));
    let ts = stamp(0);
    utc["Timestamp"] = json!(ts);
    utc["Password"] = json!(stk_password(&ts));
    assert_error(
        &post(&sb, &tok, path, &utc),
        400,
        "400.002.02",
        "Invalid Timestamp",
    );

    let cases: Vec<(&str, Value, &str)> = vec![
        ("Amount", json!(1.5), "Invalid Amount"),
        ("Amount", json!(0), "Invalid Amount"),
        ("Amount", json!(250_001), "Invalid Amount"),
        ("Amount", json!("10"), "Invalid Amount"),
        ("PartyA", json!("0708374149"), "Invalid PartyA"),
        ("PhoneNumber", json!("+254708374149"), "Invalid PhoneNumber"),
        (
            "TransactionType",
            json!("customerpaybillonline"),
            "Invalid TransactionType",
        ),
        (
            "CallBackURL",
            json!("example.com/cb"),
            "Invalid CallBackURL",
        ),
        (
            "AccountReference",
            json!("ABCDEFGHIJKLM"),
            "Invalid AccountReference",
        ),
        (
            "TransactionDesc",
            json!("fourteen chars"),
            "Invalid TransactionDesc",
        ),
        ("Timestamp", json!("2024-01-01 10:00"), "Invalid Timestamp"),
    ];
    for (field, value, message) in cases {
        let mut body = stk_body(&rx, phone, json!(1));
        body[field] = value;
        assert_error(&post(&sb, &tok, path, &body), 400, "400.002.02", message);
    }
    let mut body = stk_body(&rx, phone, json!(1));
    body["Password"] = json!(B64.encode("174379wrong"));
    assert_error(
        &post(&sb, &tok, path, &body),
        500,
        "500.001.1001",
        "Wrong credentials",
    );

    // Buy goods needs the till as PartyB; a paybill PartyB there ends with result 2028.
    let mut body = stk_body(&rx, phone, json!(1.0));
    body["TransactionType"] = json!("CustomerBuyGoodsOnline");
    body["PartyB"] = json!("174380");
    assert_eq!(post(&sb, &tok, path, &body).0, 200);
    let cb = rx.wait("/stk", WAIT).unwrap();
    assert_eq!(cb["Body"]["stkCallback"]["ResultCode"], json!(0));
    body["PartyB"] = json!("174379");
    assert_eq!(post(&sb, &tok, path, &body).0, 200);
    let cb = rx.wait("/stk", WAIT).unwrap();
    assert_eq!(cb["Body"]["stkCallback"]["ResultCode"], json!(2028));
}

#[test]
fn c2b_validation_accept_reject_and_unreachable() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let register = |v: u8, shortcode: &str, response_type: &str, validation: String| {
        post(
            &sb,
            &tok,
            &format!("/mpesa/c2b/v{v}/registerurl"),
            &json!({"ShortCode": shortcode, "ResponseType": response_type,
                    "ConfirmationURL": rx.url(&format!("/confirm/{shortcode}")), "ValidationURL": validation}),
        )
    };
    let simulate = |shortcode: &str| {
        post(
            &sb,
            &tok,
            "/mpesa/c2b/v1/simulate",
            &json!({"ShortCode": shortcode, "CommandID": "CustomerPayBillOnline", "Amount": 100,
                    "Msisdn": 254708374149u64, "BillRefNumber": "ACC-9"}),
        )
    };

    let (s, reg) = register(2, "600981", "Completed", rx.url("/validate"));
    assert_eq!(s, 200, "{reg}");
    assert_eq!(reg["ResponseCode"], "0");
    assert_eq!(reg["ResponseDescription"], "Success");
    assert!(reg["OriginatorCoversationID"].is_string());
    assert_error(
        &register(2, "600981", "completed", rx.url("/validate")),
        400,
        "400.002.02",
        "Invalid ResponseType",
    );
    assert_error(
        &register(2, "600981", "Completed", rx.url("/mpesa/validate")),
        400,
        "400.002.02",
        "Invalid ValidationURL",
    );

    let before = sb.daraja().balances().working_cents;
    let (s, sim) = simulate("600981");
    assert_eq!(s, 200, "{sim}");
    assert_eq!(sim["ResponseCode"], "0");
    let validation = rx.wait("/validate", WAIT).unwrap();
    assert_eq!(validation["TransactionType"], "Pay Bill");
    assert_eq!(validation["TransAmount"], "100.00");
    assert_eq!(validation["BusinessShortCode"], "600981");
    assert_eq!(validation["BillRefNumber"], "ACC-9");
    assert_eq!(validation["MSISDN"], "2547 ***** 149");
    assert_eq!(validation["OrgAccountBalance"], "");
    let confirmation = rx.wait("/confirm/600981", WAIT).unwrap();
    assert_eq!(confirmation["TransID"], validation["TransID"]);
    assert_eq!(confirmation["ThirdPartyTransID"], "tp-77");
    assert!(!confirmation["OrgAccountBalance"]
        .as_str()
        .unwrap()
        .is_empty());
    assert_eq!(sb.daraja().balances().working_cents, before + 10_000);

    // v1 registration: MSISDN is a SHA-256 hex digest; a rejection stops the confirmation.
    register(1, "600982", "Completed", rx.url("/validate/reject"));
    simulate("600982");
    let validation = rx.wait("/validate/reject", WAIT).unwrap();
    let msisdn = validation["MSISDN"].as_str().unwrap();
    assert_eq!(msisdn.len(), 64);
    assert!(msisdn.bytes().all(|b| b.is_ascii_hexdigit()));

    // Unreachable validation URL: ResponseType decides.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!(
            "http://127.0.0.1:{}/validate",
            l.local_addr().unwrap().port()
        )
    };
    register(2, "600983", "Completed", closed.clone());
    register(2, "600984", "Cancelled", closed);
    simulate("600983");
    simulate("600984");
    assert!(rx.wait("/confirm/600983", WAIT).is_some());
    assert!(sb.daraja().wait_background_idle(WAIT));
    assert!(sb.wait_callbacks_idle(WAIT));
    assert_eq!(rx.count("/confirm/600982"), 0);
    assert_eq!(rx.count("/confirm/600984"), 0);
    assert_eq!(sb.daraja().counters().c2b_simulations, 4);

    // Production refuses simulate.
    let prod = start(Settings {
        production_like: true,
        ..fast()
    });
    let ptok = token(&prod);
    let (s, body) = post(
        &prod,
        &ptok,
        "/mpesa/c2b/v2/simulate",
        &json!({"ShortCode": "600981", "CommandID": "CustomerPayBillOnline", "Amount": 1, "Msisdn": "254708374149", "BillRefNumber": "x"}),
    );
    assert!(s >= 400 && body["errorCode"].is_string(), "{s} {body}");
}

#[test]
fn b2c_results_credentials_and_duplicates() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let path = "/mpesa/b2c/v3/paymentrequest";
    let good = credential("Safaricom999!*!");
    assert_eq!(good.len(), 344);
    let before = sb.daraja().balances();

    let (s, ack) = post(
        &sb,
        &tok,
        path,
        &b2c_body(&rx, "oc-1", &good, "254708374149", json!(100)),
    );
    assert_eq!(s, 200, "{ack}");
    assert_eq!(ack["ResponseCode"], "0");
    assert_eq!(ack["OriginatorConversationID"], "oc-1");
    assert!(ack["ConversationID"].as_str().unwrap().starts_with("AG_"));
    let result = rx.wait("/b2c", WAIT).unwrap()["Result"].clone();
    assert_eq!(result["ResultCode"], json!(0));
    assert_eq!(result["ResultType"], json!(0));
    assert_eq!(result["OriginatorConversationID"], "oc-1");
    assert_eq!(result["ConversationID"], ack["ConversationID"]);
    let p = result_params(&result);
    for key in [
        "TransactionAmount",
        "TransactionReceipt",
        "B2CRecipientIsRegisteredCustomer",
        "B2CChargesPaidAccountAvailableFunds",
        "ReceiverPartyPublicName",
        "TransactionCompletedDateTime",
        "B2CUtilityAccountAvailableFunds",
        "B2CWorkingAccountAvailableFunds",
    ] {
        assert!(p.contains_key(key), "{key} missing in {result}");
    }
    assert_eq!(p["TransactionReceipt"], result["TransactionID"]);
    assert_eq!(
        result["ReferenceData"]["ReferenceItem"]["Key"],
        "QueueTimeoutURL"
    );
    assert_eq!(
        sb.daraja().balances().utility_cents,
        before.utility_cents - 10_000
    );

    // Duplicate OriginatorConversationID: refused, not processed again.
    assert_error(
        &post(
            &sb,
            &tok,
            path,
            &b2c_body(&rx, "oc-1", &good, "254708374149", json!(100)),
        ),
        500,
        "500.002.1001",
        "",
    );

    // Wrong password: accepted synchronously, result 2001 without parameters.
    let bad = credential("not-the-password");
    assert_eq!(
        post(
            &sb,
            &tok,
            path,
            &b2c_body(&rx, "oc-2", &bad, "254708374149", json!(100))
        )
        .0,
        200
    );
    let result = rx.wait("/b2c", WAIT).unwrap()["Result"].clone();
    assert_eq!(result["ResultCode"], json!(2001));
    assert!(result.get("ResultParameters").is_none());
    assert_eq!(
        post(
            &sb,
            &tok,
            path,
            &b2c_body(&rx, "oc-3", "bm90IHJzYQ==", "254708374149", json!(100))
        )
        .0,
        200
    );
    assert_eq!(
        rx.wait("/b2c", WAIT).unwrap()["Result"]["ResultCode"],
        json!(2001)
    );

    // Unregistered recipient and insufficient utility funds.
    post(
        &sb,
        &tok,
        path,
        &b2c_body(
            &rx,
            "oc-4",
            &good,
            daraja::B2C_PHONE_NOT_REGISTERED,
            json!(100),
        ),
    );
    assert_eq!(
        rx.wait("/b2c", WAIT).unwrap()["Result"]["ResultCode"],
        json!(2040)
    );
    sb.daraja().set_balances(Balances {
        working_cents: 0,
        utility_cents: 500,
    });
    post(
        &sb,
        &tok,
        path,
        &b2c_body(&rx, "oc-5", &good, "254708374149", json!("100")),
    );
    assert_eq!(
        rx.wait("/b2c", WAIT).unwrap()["Result"]["ResultCode"],
        json!(1)
    );

    // Field checks.
    for (field, value, msg) in [
        ("Amount", json!(9), "Invalid Amount"),
        ("Amount", json!(10.5), "Invalid Amount"),
        ("CommandID", json!("Payment"), "Invalid CommandID"),
        ("PartyB", json!("+254708374149"), "Invalid PartyB"),
        ("Remarks", json!("x"), "Invalid Remarks"),
        ("Occassion", json!(""), "Invalid Occassion"),
        ("ResultURL", json!("ftp://x"), "Invalid ResultURL"),
    ] {
        let mut body = b2c_body(&rx, "oc-x", &good, "254708374149", json!(100));
        body[field] = value;
        assert_error(&post(&sb, &tok, path, &body), 400, "400.002.02", msg);
    }
    let mut body = b2c_body(&rx, "oc-y", &good, "254708374149", json!(100));
    body.as_object_mut().unwrap().remove("Occassion");
    body["Occasion"] = json!("June");
    assert_eq!(post(&sb, &tok, path, &body).0, 200);

    let b2c: Vec<_> = sb
        .processed_payments()
        .into_iter()
        .filter(|p| p.operation == "b2c")
        .collect();
    assert_eq!(b2c.iter().filter(|p| p.identity == "oc-1").count(), 1);
    assert_eq!(b2c.len(), 6);
}

#[test]
fn balance_status_b2b_and_reversal() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);

    let body = merge(
        initiator_common(&rx, "/balance"),
        json!({"CommandID": "AccountBalance", "PartyA": "600981", "IdentifierType": "4"}),
    );
    let (s, ack) = post(&sb, &tok, "/mpesa/accountbalance/v1/query", &body);
    assert_eq!(s, 200, "{ack}");
    let result = rx.wait("/balance", WAIT).unwrap()["Result"].clone();
    assert_eq!(result["ResultCode"], json!("0"));
    let p = result_params(&result);
    let balance = p["AccountBalance"].as_str().unwrap();
    assert!(
        balance.starts_with("Working Account|KES|700000.00|700000.00|0.00|0.00&"),
        "{balance}"
    );
    assert!(
        balance.contains("&Utility Account|KES|228037.00|"),
        "{balance}"
    );
    assert!(p.contains_key("BOCompletedTime"));

    // B2B pay bill debits the working account.
    let body = merge(
        initiator_common(&rx, "/b2b"),
        json!({"CommandID": "BusinessPayBill", "SenderIdentifierType": "4", "RecieverIdentifierType": "4",
               "Amount": 250, "PartyA": "600981", "PartyB": "000001", "AccountReference": "ACC-1234567"}),
    );
    let mut wrong = body.clone();
    wrong
        .as_object_mut()
        .unwrap()
        .remove("RecieverIdentifierType");
    wrong["ReceiverIdentifierType"] = json!("4");
    assert_error(
        &post(&sb, &tok, "/mpesa/b2b/v1/paymentrequest", &wrong),
        400,
        "400.002.02",
        "Invalid RecieverIdentifierType",
    );
    assert_eq!(
        post(&sb, &tok, "/mpesa/b2b/v1/paymentrequest", &body).0,
        200
    );
    let result = rx.wait("/b2b", WAIT).unwrap()["Result"].clone();
    assert_eq!(result["ResultCode"], json!("0"));
    assert!(result_params(&result).contains_key("DebitPartyAffectedAccountBalance"));
    assert_eq!(sb.daraja().balances().working_cents, 70_000_000 - 25_000);

    // A paid STK push gives a receipt that status and reversal know.
    let (_, ok) = post(
        &sb,
        &tok,
        "/mpesa/stkpush/v1/processrequest",
        &stk_body(&rx, "254708374149", json!(40)),
    );
    assert_eq!(ok["ResponseCode"], "0", "{ok}");
    let cb = rx.wait("/stk", WAIT).unwrap();
    let receipt = cb["Body"]["stkCallback"]["CallbackMetadata"]["Item"][1]["Value"]
        .as_str()
        .unwrap()
        .to_string();

    let status = merge(
        initiator_common(&rx, "/status"),
        json!({"CommandID": "TransactionStatusQuery", "TransactionID": receipt, "PartyA": "174379", "IdentifierType": "4"}),
    );
    assert_eq!(
        post(&sb, &tok, "/mpesa/transactionstatus/v1/query", &status).0,
        200
    );
    let result = rx.wait("/status", WAIT).unwrap()["Result"].clone();
    assert_eq!(result["ResultCode"], json!(0));
    let p = result_params(&result);
    assert_eq!(p["ReceiptNo"], json!(receipt));
    assert_eq!(p["TransactionStatus"], "Completed");

    let reversal = |id: &str| {
        merge(
            initiator_common(&rx, "/reversal"),
            json!({"CommandID": "TransactionReversal", "TransactionID": id, "Amount": 40,
                   "ReceiverParty": "174379", "RecieverIdentifierType": "11"}),
        )
    };
    let mut bad = reversal(&receipt);
    bad["RecieverIdentifierType"] = json!("4");
    assert_error(
        &post(&sb, &tok, "/mpesa/reversal/v1/request", &bad),
        400,
        "400.002.02",
        "Invalid RecieverIdentifierType",
    );
    assert_eq!(
        post(&sb, &tok, "/mpesa/reversal/v1/request", &reversal(&receipt)).0,
        200
    );
    let first = rx.wait("/reversal", WAIT).unwrap()["Result"].clone();
    assert_eq!(first["ResultCode"], json!(0));
    assert_eq!(
        result_params(&first)["OriginalTransactionID"],
        json!(receipt)
    );
    assert_eq!(sb.daraja().transaction_reversed(&receipt), Some(true));
    post(&sb, &tok, "/mpesa/reversal/v1/request", &reversal(&receipt));
    assert_eq!(
        rx.wait("/reversal", WAIT).unwrap()["Result"]["ResultCode"],
        json!("R000001")
    );
    post(
        &sb,
        &tok,
        "/mpesa/reversal/v1/request",
        &reversal("NOTAREAL01"),
    );
    assert_eq!(
        rx.wait("/reversal", WAIT).unwrap()["Result"]["ResultCode"],
        json!("R000002")
    );
    let ops: Vec<_> = sb
        .processed_payments()
        .iter()
        .map(|p| p.operation)
        .collect();
    assert_eq!(ops.iter().filter(|o| **o == "reversal").count(), 3);
    assert_eq!(ops.iter().filter(|o| **o == "b2b").count(), 1);
}

#[test]
fn dynamic_qr() {
    let sb = start(fast());
    let tok = token(&sb);
    let body = json!({"MerchantName": "TEST SUPERMARKET", "RefNo": "Invoice Test", "Amount": 1,
                      "TrxCode": "BG", "CPI": "373132", "Size": "300"});
    let (s, qr) = post(&sb, &tok, "/mpesa/qrcode/v1/generate", &body);
    assert_eq!(s, 200, "{qr}");
    assert_eq!(qr["ResponseCode"], "00");
    assert_eq!(qr["ResponseDescription"], "QR Code Successfully Generated.");
    assert!(qr["RequestID"].is_string());
    let png = B64.decode(qr["QRCode"].as_str().unwrap()).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    for (field, value) in [
        ("TrxCode", json!("XX")),
        ("Size", json!(300)),
        ("Amount", json!(0)),
    ] {
        let mut b = body.clone();
        b[field] = value;
        assert_error(
            &post(&sb, &tok, "/mpesa/qrcode/v1/generate", &b),
            400,
            "400.002.02",
            field,
        );
    }
}

// ---------------------------------------------------------------- fidelity (issue 23)

/// daraja.md, initiator table: "B2C payments cannot be reversed through the API".
#[test]
fn b2c_payments_cannot_be_reversed() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let good = credential("Safaricom999!*!");
    let (s, ack) = post(
        &sb,
        &tok,
        "/mpesa/b2c/v3/paymentrequest",
        &b2c_body(&rx, "oc-rev", &good, "254708374149", json!(100)),
    );
    assert_eq!(s, 200, "{ack}");
    let paid = rx.wait("/b2c", WAIT).unwrap()["Result"].clone();
    assert_eq!(paid["ResultCode"], json!(0));
    let receipt = paid["TransactionID"].as_str().unwrap().to_string();
    let after_payment = sb.daraja().balances();

    let reversal = merge(
        initiator_common(&rx, "/reversal"),
        json!({"CommandID": "TransactionReversal", "TransactionID": receipt, "Amount": 100,
               "ReceiverParty": "600981", "RecieverIdentifierType": "11"}),
    );
    let (s, ack) = post(&sb, &tok, "/mpesa/reversal/v1/request", &reversal);
    assert_eq!(s, 200, "accepted synchronously like any reversal: {ack}");
    let result = rx.wait("/reversal", WAIT).unwrap()["Result"].clone();
    assert_eq!(result["ResultCode"], json!("R000002"), "{result}");
    assert!(result.get("ResultParameters").is_none(), "{result}");
    // No money moved, the payment stands.
    assert_eq!(sb.daraja().balances(), after_payment);
    assert_eq!(sb.daraja().transaction_reversed(&receipt), Some(false));
    // Asking again gives the same refusal, never "already reversed".
    post(&sb, &tok, "/mpesa/reversal/v1/request", &reversal);
    assert_eq!(
        rx.wait("/reversal", WAIT).unwrap()["Result"]["ResultCode"],
        json!("R000002")
    );
    assert_eq!(sb.daraja().balances(), after_payment);
}

/// daraja.md: "Daraja signals throttling with HTTP 500 and errorCode 500.003.02 (spike
/// arrest) or 500.003.03 (quota), not HTTP 429".
#[test]
fn throttling_is_http_500_spike_arrest_and_quota() {
    let qr = json!({"MerchantName": "Shop", "RefNo": "INV1", "Amount": 10, "TrxCode": "BG", "CPI": "174380", "Size": "100"});
    let path = "/mpesa/qrcode/v1/generate";

    // Spike arrest: 3 per rolling second, the token call included.
    let sb = start(Settings {
        rate_per_second: Some(3),
        ..fast()
    });
    let rx = Receiver::start();
    let tok = token(&sb);
    thread::sleep(Duration::from_millis(1050));
    let answers: Vec<(u16, Value)> = (0..5).map(|_| post(&sb, &tok, path, &qr)).collect();
    assert!(answers.iter().all(|(s, _)| *s != 429));
    assert_eq!(answers.iter().filter(|(s, _)| *s == 200).count(), 3);
    for refused in answers.iter().filter(|(s, _)| *s != 200) {
        assert_error(refused, 500, "500.003.02", "Spike arrest violation");
        assert_eq!(refused.1.as_object().unwrap().len(), 3, "{}", refused.1);
    }
    assert_eq!(sb.daraja().counters().spike_arrests, 2);
    // A refused money request is not processed.
    assert_error(
        &post(
            &sb,
            &tok,
            "/mpesa/stkpush/v1/processrequest",
            &stk_body(&rx, daraja::STK_PHONE_SUCCESS, json!(1)),
        ),
        500,
        "500.003.02",
        "Spike arrest",
    );
    assert_eq!(sb.daraja().counters().stk_pushes, 0);
    assert!(sb.processed_payments().is_empty());
    // After a quiet second the budget is back.
    thread::sleep(Duration::from_millis(1050));
    assert_eq!(post(&sb, &tok, path, &qr).0, 200);

    // Quota: 3 per window (token call included), then 500.003.03 until the window ends.
    let sb = start(Settings {
        quota: Some(3),
        quota_window: Duration::from_millis(1500),
        ..fast()
    });
    let tok = token(&sb);
    assert_eq!(post(&sb, &tok, path, &qr).0, 200);
    assert_eq!(post(&sb, &tok, path, &qr).0, 200);
    let refused = post(&sb, &tok, path, &qr);
    assert_error(&refused, 500, "500.003.03", "Quota violation");
    let (s, body) = token_call(
        &sb,
        &basic("sandbox-daraja-key", "sandbox-daraja-secret"),
        "client_credentials",
    );
    assert_eq!((s, body["errorCode"].as_str()), (500, Some("500.003.03")));
    assert_eq!(sb.daraja().counters().quota_violations, 2);
    thread::sleep(Duration::from_millis(1550));
    assert_eq!(post(&sb, &tok, path, &qr).0, 200);

    // Defaults: no throttling at all.
    let sb = start(fast());
    let tok = token(&sb);
    for _ in 0..20 {
        assert_eq!(post(&sb, &tok, path, &qr).0, 200);
    }
}

/// The docs/sandbox.md recipe: an injected fault with Daraja's own spike-arrest body.
#[test]
fn injected_spike_arrest_uses_darajas_body() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let body = r#"{"requestId":"11728-2929992-1","errorCode":"500.003.02","errorMessage":"Spike arrest violation"}"#;
    let url = format!("{}/mpesa/stkpush/v1/processrequest", sb.daraja_url());
    let mut resp = agent()
        .post(&url)
        .header("Authorization", &format!("Bearer {tok}"))
        .header("X-Sandbox-Fault", &format!("reply=500;body={body}"))
        .send_json(stk_body(&rx, daraja::STK_PHONE_SUCCESS, json!(1)))
        .unwrap();
    assert_eq!(resp.status().as_u16(), 500);
    let got: Value = resp.body_mut().read_json().unwrap();
    assert_eq!(got["errorCode"], "500.003.02");
    assert_eq!(sb.daraja().counters().stk_pushes, 0);

    sb.inject(tuma_sandbox::FaultRule::new(
        "/stkpush/",
        tuma_sandbox::Fault::parse(&format!("reply=500;body={body}")).unwrap(),
        1,
    ));
    let refused = post(
        &sb,
        &tok,
        "/mpesa/stkpush/v1/processrequest",
        &stk_body(&rx, daraja::STK_PHONE_SUCCESS, json!(1)),
    );
    assert_error(&refused, 500, "500.003.02", "Spike arrest violation");
    assert!(sb.processed_payments().is_empty());
}

/// daraja.md STK table: PhoneNumber is the "phone to prompt (same as PartyA)";
/// CallBackURL is an "https URL" (the sandbox allows http for loopback hosts only).
#[test]
fn stk_push_party_a_must_be_the_phone_and_callback_https() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    let path = "/mpesa/stkpush/v1/processrequest";

    let mut body = stk_body(&rx, daraja::STK_PHONE_SUCCESS, json!(1));
    body["PhoneNumber"] = json!(daraja::STK_PHONE_CANCELLED);
    assert_error(
        &post(&sb, &tok, path, &body),
        400,
        "400.002.02",
        "Bad Request - Invalid PhoneNumber",
    );
    for url in [
        "http://shop.example/cb",
        "http://10.0.0.5/cb",
        "http://127.0.0.1.shop.example/cb",
        "http://localhost.shop.example/cb",
    ] {
        let mut body = stk_body(&rx, daraja::STK_PHONE_SUCCESS, json!(1));
        body["CallBackURL"] = json!(url);
        assert_error(
            &post(&sb, &tok, path, &body),
            400,
            "400.002.02",
            "Bad Request - Invalid CallBackURL",
        );
    }
    assert_eq!(sb.daraja().counters().stk_pushes, 0);
    assert!(sb.processed_payments().is_empty());

    // https anywhere; http on loopback hosts (127.0.0.1 via the receiver, localhost, [::1]).
    for url in [
        rx.url("/stk"),
        format!("http://localhost:{}/stk", rx.port),
        "http://[::1]:9/stk".to_string(),
        "https://127.0.0.1:9/stk".to_string(),
    ] {
        let mut body = stk_body(&rx, daraja::STK_PHONE_SUCCESS, json!(1));
        body["CallBackURL"] = json!(url);
        let (s, ok) = post(&sb, &tok, path, &body);
        assert_eq!(s, 200, "{url}: {ok}");
    }
    assert_eq!(sb.daraja().counters().stk_pushes, 4);
}

/// daraja.md C2B: "Production registration is one-time: a second call fails with
/// 500.003.1001 'Urls are already registered' ... Sandbox allows re-registering freely."
#[test]
fn production_like_registers_c2b_urls_once() {
    let rx = Receiver::start();
    let register = |sb: &Sandbox, tok: &str, shortcode: &str, confirm: String| {
        post(
            sb,
            tok,
            "/mpesa/c2b/v2/registerurl",
            &json!({"ShortCode": shortcode, "ResponseType": "Completed",
                    "ConfirmationURL": confirm, "ValidationURL": rx.url("/validate")}),
        )
    };
    let prod = start(Settings {
        production_like: true,
        ..fast()
    });
    let tok = token(&prod);
    let (s, ok) = register(&prod, &tok, "600981", rx.url("/confirm/a"));
    assert_eq!(s, 200, "{ok}");
    for confirm in [rx.url("/confirm/a"), rx.url("/confirm/b")] {
        assert_error(
            &register(&prod, &tok, "600981", confirm),
            500,
            "500.003.1001",
            "Urls are already registered",
        );
    }
    assert_eq!(
        prod.daraja()
            .c2b_registration("600981")
            .unwrap()
            .confirmation_url,
        rx.url("/confirm/a")
    );
    // Another shortcode registers once too; production wants https (loopback http aside).
    assert_error(
        &register(&prod, &tok, "600982", "http://shop.example/confirm".into()),
        400,
        "400.002.02",
        "Invalid ConfirmationURL",
    );
    assert_eq!(
        register(&prod, &tok, "600982", "https://shop.example/confirm".into()).0,
        200
    );

    // The sandbox host lets a shortcode re-register; the new URLs replace the old.
    let sb = start(fast());
    let tok = token(&sb);
    assert_eq!(register(&sb, &tok, "600981", rx.url("/confirm/a")).0, 200);
    assert_eq!(register(&sb, &tok, "600981", rx.url("/confirm/b")).0, 200);
    assert_eq!(
        sb.daraja()
            .c2b_registration("600981")
            .unwrap()
            .confirmation_url,
        rx.url("/confirm/b")
    );
    assert_eq!(
        register(&sb, &tok, "600983", "http://shop.example/confirm".into()).0,
        200
    );
}

/// An unknown transaction-status query fails with a non-reversal code (R000002 is the
/// reversal's "OriginalTransactionID invalid").
#[test]
fn transaction_status_of_an_unknown_transaction() {
    let sb = start(fast());
    let rx = Receiver::start();
    let tok = token(&sb);
    for lookup in [
        json!({"TransactionID": "NOTAREAL01"}),
        json!({"OriginalConversationID": "no-such-originator"}),
    ] {
        let body = merge(
            merge(
                initiator_common(&rx, "/status"),
                json!({"CommandID": "TransactionStatusQuery", "PartyA": "600981", "IdentifierType": "4"}),
            ),
            lookup,
        );
        let (s, ack) = post(&sb, &tok, "/mpesa/transactionstatus/v1/query", &body);
        assert_eq!(s, 200, "{ack}");
        let result = rx.wait("/status", WAIT).unwrap()["Result"].clone();
        assert_eq!(result["ResultCode"], json!(25), "{result}");
        assert_eq!(result["ResultType"], json!(0));
        assert!(result.get("ResultParameters").is_none(), "{result}");
    }
}

/// CheckoutRequestIDs are unique across sandboxes running side by side in one process
/// (clients key stores on them, as on Daraja's own ids).
#[test]
fn checkout_ids_are_unique_across_sandboxes() {
    let rx = Receiver::start();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..3 {
        let sb = start(fast());
        let tok = token(&sb);
        for _ in 0..3 {
            let (s, ok) = post(
                &sb,
                &tok,
                "/mpesa/stkpush/v1/processrequest",
                &stk_body(&rx, daraja::STK_PHONE_SUCCESS, json!(1)),
            );
            assert_eq!(s, 200, "{ok}");
            let id = ok["CheckoutRequestID"].as_str().unwrap().to_string();
            assert!(seen.insert(id.clone()), "{id} was given twice");
        }
    }
}
