//! Daraja against the local sandbox: every operation, every STK outcome through a real
//! callback, the token cache (expiry, invalid-token resend, single flight), money safety
//! under injected faults, input checks before sending, and Kenyan timestamps.

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tuma::daraja::*;
use tuma::{Client, Config, HttpConfig};
use tuma_sandbox::daraja::{self as sd, TEST_CERTIFICATE_PEM};
use tuma_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};

mod common;
use common::Callbacks;

const STK_PATH: &str = "/daraja/mpesa/stkpush/v1/processrequest";

fn sandbox_with(settings: sd::Settings) -> Sandbox {
    Sandbox::start(SandboxConfig {
        daraja: settings,
        ..SandboxConfig::default()
    })
    .unwrap()
}

fn sandbox() -> Sandbox {
    sandbox_with(sd::Settings::default())
}

fn daraja_config(sb: &Sandbox, cb: &str) -> DarajaConfig {
    let s = sb.daraja().settings();
    let mut d = DarajaConfig::new(
        s.consumer_key.clone(),
        s.consumer_secret.clone(),
        Environment::Sandbox,
        s.shortcode.clone(),
    );
    d.base_url = Some(sb.daraja_url());
    d.passkey = Some(s.passkey.clone().into());
    d.till_number = Some(s.till_number.clone());
    d.initiator_name = Some(s.initiator_name.clone());
    d.initiator_password = Some(s.initiator_password.clone().into());
    d.certificate_pem = Some(TEST_CERTIFICATE_PEM.to_string());
    d.callback_url = Some(format!("{cb}/stk"));
    d.result_url = Some(format!("{cb}/result"));
    d.timeout_url = Some(format!("{cb}/timeout"));
    d
}

fn client_from(d: DarajaConfig) -> Client {
    Client::new(Config {
        daraja: Some(d),
        http: HttpConfig {
            retry_initial_backoff_ms: 10,
            retry_max_backoff_ms: 50,
            ..HttpConfig::default()
        },
        ..Config::default()
    })
    .unwrap()
}

fn client(sb: &Sandbox, cb: &Callbacks) -> Client {
    client_from(daraja_config(sb, &cb.url))
}

fn b2c_shortcode(sb: &Sandbox) -> Option<String> {
    Some(sb.daraja().settings().b2c_shortcode.clone())
}

fn payments(sb: &Sandbox, operation: &str) -> usize {
    sb.processed_payments()
        .iter()
        .filter(|p| p.provider == "daraja" && p.operation == operation)
        .count()
}

fn paid_receipt(sb: &Sandbox, c: &Client, cb: &Callbacks) -> (String, StkCallback) {
    let sent = c
        .daraja()
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 100, "INV-1"))
        .unwrap();
    let body = cb.wait("/stk", &sent.checkout_request_id);
    let parsed = parse_stk_callback(&body).unwrap();
    assert!(parsed.is_success());
    let _ = sb;
    (parsed.mpesa_receipt_number.clone().unwrap(), parsed)
}

#[test]
fn stk_push_every_outcome_through_the_callback() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let cases = [
        (sd::STK_PHONE_SUCCESS, "0", Outcome::Success),
        (sd::STK_PHONE_CANCELLED, "1032", Outcome::CancelledByUser),
        (sd::STK_PHONE_TIMEOUT, "1037", Outcome::Timeout),
        (sd::STK_PHONE_INSUFFICIENT, "1", Outcome::InsufficientFunds),
        (sd::STK_PHONE_WRONG_PIN, "2001", Outcome::WrongPin),
    ];
    let mut sent = Vec::new();
    for (phone, _, _) in &cases {
        // Local form on purpose: the client normalises it.
        let local = format!("0{}", &phone[3..]);
        let r = c
            .daraja()
            .stk_push(&StkPushRequest::new(local, 10, "ORDER-7"))
            .unwrap();
        assert_eq!(r.response_code, "0");
        assert!(r.checkout_request_id.starts_with("ws_CO_"));
        sent.push(r);
    }
    for ((phone, code, outcome), r) in cases.iter().zip(&sent) {
        let body = cb.wait("/stk", &r.checkout_request_id);
        let parsed = parse_stk_callback(&body).unwrap();
        assert_eq!(parsed.checkout_request_id, r.checkout_request_id);
        assert_eq!(parsed.merchant_request_id, r.merchant_request_id);
        assert_eq!(&parsed.result_code, code, "{phone}");
        assert_eq!(parsed.outcome, *outcome, "{phone}");
        if *code == "0" {
            assert_eq!(parsed.amount, Some(10.0));
            assert_eq!(parsed.phone_number.as_deref(), Some(*phone));
            assert!(parsed.mpesa_receipt_number.is_some());
            assert_eq!(parsed.transaction_date.as_deref().map(str::len), Some(14));
        } else {
            assert!(parsed.metadata.is_empty());
        }
        // The query agrees with the callback.
        let q = c.daraja().stk_query(&r.checkout_request_id).unwrap();
        assert!(!q.pending);
        assert_eq!(&q.result_code, code);
        assert_eq!(q.outcome, *outcome);
        // And the JSON form parses the same bytes.
        let v = tuma::ops::parse_callback("daraja.stk_callback", &body).unwrap();
        assert_eq!(v["result_code"], *code);
    }
    assert_eq!(payments(&sb, "stk_push"), 5);
    assert_eq!(sb.daraja().token_requests(), 1);
}

#[test]
fn stk_buy_goods_uses_the_till_and_query_reports_pending() {
    let sb = sandbox_with(sd::Settings {
        callback_delay: Duration::from_secs(3),
        ..sd::Settings::default()
    });
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let mut req = StkPushRequest::new(sd::STK_PHONE_SUCCESS, 5, "TILL-1");
    req.transaction_type = StkTransactionType::BuyGoods;
    req.transaction_desc = Some("Groceries".into());
    let r = c.daraja().stk_push(&req).unwrap();
    let q = c.daraja().stk_query(&r.checkout_request_id).unwrap();
    assert!(q.pending, "{q:?}");
    let body = cb.wait("/stk", &r.checkout_request_id);
    assert!(parse_stk_callback(&body).unwrap().is_success());
    let q = c.daraja().stk_query(&r.checkout_request_id).unwrap();
    assert!(!q.pending);
    assert_eq!(q.outcome, Outcome::Success);
}

#[test]
fn c2b_register_simulate_and_callbacks() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let reg = c
        .daraja()
        .c2b_register_urls(&C2bRegisterRequest {
            shortcode: Some("600981".into()),
            response_type: C2bResponseType::Completed,
            confirmation_url: format!("{}/c2b/confirmation", cb.url),
            validation_url: format!("{}/c2b/validation", cb.url),
        })
        .unwrap();
    assert_eq!(reg.response_code, "0");
    assert!(!reg.originator_conversation_id.is_empty());
    let registered = sb.daraja().c2b_registration("600981").unwrap();
    assert_eq!(registered.version, 2);
    let sim = c
        .daraja()
        .c2b_simulate(&C2bSimulateRequest {
            shortcode: Some("600981".into()),
            command_id: C2bCommand::PayBill,
            amount: 250,
            phone: "0708374149".into(),
            bill_ref_number: Some("ACC-42".into()),
        })
        .unwrap();
    assert_eq!(sim.response_code, "0");
    let validation = parse_c2b_validation(&cb.wait("/c2b/validation", "ACC-42")).unwrap();
    assert_eq!(validation.bill_ref_number, "ACC-42");
    assert_eq!(validation.trans_amount, 250.0);
    assert_eq!(validation.business_short_code, "600981");
    assert!(
        validation.msisdn.contains('*'),
        "v2 masks: {}",
        validation.msisdn
    );
    let confirmation =
        parse_c2b_confirmation(&cb.wait("/c2b/confirmation", &validation.trans_id)).unwrap();
    assert_eq!(confirmation.trans_id, validation.trans_id);
    assert_eq!(payments(&sb, "c2b_simulate"), 1);
    let v = tuma::ops::parse_callback(
        "daraja.c2b_confirmation",
        &cb.wait("/c2b/confirmation", &validation.trans_id),
    )
    .unwrap();
    assert_eq!(v["trans_id"], validation.trans_id.as_str());
}

#[test]
fn b2c_result_is_typed_and_duplicates_are_refused() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let mut req = B2cRequest::new("254708374149", 1500, "Salary advance");
    req.shortcode = b2c_shortcode(&sb);
    req.occasion = Some("June".into());
    let sent = c.daraja().b2c(&req).unwrap();
    assert_eq!(sent.originator_conversation_id.len(), 36);
    let result = parse_result(&cb.wait("/result", &sent.originator_conversation_id)).unwrap();
    assert!(result.is_success(), "{result:?}");
    assert_eq!(
        result.originator_conversation_id,
        sent.originator_conversation_id
    );
    let ResultDetails::B2c(d) = &result.details else {
        panic!("{:?}", result.details)
    };
    assert_eq!(d.transaction_amount, Some(1500.0));
    assert!(d.transaction_receipt.is_some());
    assert_eq!(sb.daraja().counters().bad_credentials, 0);

    // Your own id goes through, and a repeat of it is refused: never paid twice.
    req.originator_conversation_id = Some("order-991-payout".into());
    let mine = c.daraja().b2c(&req).unwrap();
    assert_eq!(mine.originator_conversation_id, "order-991-payout");
    let again = c.daraja().b2c(&req).unwrap_err();
    assert_eq!(again.kind(), "api");
    assert_eq!(again.code(), Some("500.002.1001"));
    assert_eq!(payments(&sb, "b2c"), 2);

    // An unregistered recipient: the failure comes as a result with a named outcome.
    let mut bad = B2cRequest::new(sd::B2C_PHONE_NOT_REGISTERED, 100, "Refund");
    bad.shortcode = b2c_shortcode(&sb);
    let sent = c.daraja().b2c(&bad).unwrap();
    let r = parse_result(&cb.wait("/result", &sent.originator_conversation_id)).unwrap();
    assert_eq!(r.outcome, Outcome::CreditPartyNotRegistered);
}

#[test]
fn security_credential_round_trip_through_the_sandbox() {
    let sb = sandbox();
    let cb = Callbacks::start();
    // Right password, sandbox's certificate: the sandbox decrypts it with its key.
    let good = client(&sb, &cb);
    let r = good
        .daraja()
        .account_balance(&AccountBalanceRequest::default())
        .unwrap();
    let res = parse_result(&cb.wait("/result", &r.conversation_id)).unwrap();
    assert!(res.is_success());
    assert_eq!(sb.daraja().counters().bad_credentials, 0);
    // A precomputed credential works the same.
    let mut pre = daraja_config(&sb, &cb.url);
    pre.initiator_password = None;
    pre.security_credential = Some(
        security_credential_with(
            &sb.daraja().settings().initiator_password,
            TEST_CERTIFICATE_PEM.as_bytes(),
        )
        .unwrap()
        .into(),
    );
    let r = client_from(pre)
        .daraja()
        .account_balance(&AccountBalanceRequest::default())
        .unwrap();
    assert!(parse_result(&cb.wait("/result", &r.conversation_id))
        .unwrap()
        .is_success());
    // Wrong password, or Safaricom's certificate instead of the sandbox's: result 2001.
    for (password, pem) in [
        ("not-the-password", Some(TEST_CERTIFICATE_PEM.to_string())),
        (
            sb.daraja().settings().initiator_password.as_str(),
            Some(SANDBOX_CERTIFICATE_PEM.to_string()),
        ),
    ] {
        let mut cfg = daraja_config(&sb, &cb.url);
        cfg.initiator_password = Some(password.into());
        cfg.certificate_pem = pem;
        let r = client_from(cfg)
            .daraja()
            .account_balance(&AccountBalanceRequest::default())
            .unwrap();
        let res = parse_result(&cb.wait("/result", &r.conversation_id)).unwrap();
        assert_eq!(res.result_code, "2001");
        assert_eq!(res.outcome, Outcome::InitiatorInvalid);
    }
    assert_eq!(sb.daraja().counters().bad_credentials, 2);
}

#[test]
fn balance_status_reversal_b2b_and_qr() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let d = c.daraja();

    let r = d
        .account_balance(&AccountBalanceRequest::default())
        .unwrap();
    let res = parse_result(&cb.wait("/result", &r.conversation_id)).unwrap();
    let ResultDetails::AccountBalance(b) = &res.details else {
        panic!("{:?}", res.details)
    };
    let expected = sb.daraja().balances();
    assert_eq!(
        b.account("working").unwrap().available,
        expected.working_cents as f64 / 100.0
    );
    assert_eq!(
        b.account("utility").unwrap().available,
        expected.utility_cents as f64 / 100.0
    );
    assert_eq!(b.account("working").unwrap().currency, "KES");

    let (receipt, _) = paid_receipt(&sb, &c, &cb);
    let r = d
        .transaction_status(&TransactionStatusRequest::by_receipt(receipt.clone()))
        .unwrap();
    let res = parse_result(&cb.wait("/result", &r.conversation_id)).unwrap();
    assert!(res.is_success(), "{res:?}");
    let ResultDetails::TransactionStatus(s) = &res.details else {
        panic!("{:?}", res.details)
    };
    assert_eq!(s.receipt_no.as_deref(), Some(receipt.as_str()));
    assert_eq!(s.amount, Some(100.0));

    let r = d
        .reversal(&ReversalRequest {
            transaction_id: receipt.clone(),
            amount: 100,
            remarks: "Customer refund".into(),
            shortcode: None,
            result_url: None,
            timeout_url: None,
        })
        .unwrap();
    let res = parse_result(&cb.wait("/result", &r.conversation_id)).unwrap();
    assert!(res.is_success(), "{res:?}");
    let ResultDetails::Reversal(v) = &res.details else {
        panic!("{:?}", res.details)
    };
    assert_eq!(v.original_transaction_id.as_deref(), Some(receipt.as_str()));
    assert_eq!(sb.daraja().transaction_reversed(&receipt), Some(true));
    assert_eq!(payments(&sb, "reversal"), 1);

    let r = d
        .b2b(&B2bRequest {
            party_b: "600000".into(),
            amount: 190,
            command_id: B2bCommand::BusinessPayBill,
            account_reference: Some("19008".into()),
            requester: Some("0708374149".into()),
            remarks: "Supplier invoice".into(),
            occasion: None,
            shortcode: None,
            result_url: None,
            timeout_url: None,
        })
        .unwrap();
    let res = parse_result(&cb.wait("/result", &r.conversation_id)).unwrap();
    assert!(res.is_success(), "{res:?}");
    let ResultDetails::B2b(b) = &res.details else {
        panic!("{:?}", res.details)
    };
    assert_eq!(b.amount, Some(190.0));
    assert_eq!(payments(&sb, "b2b"), 1);

    let qr = d
        .dynamic_qr(&DynamicQrRequest {
            merchant_name: "Tuma Shop".into(),
            ref_no: "INV-9".into(),
            amount: 250,
            trx_code: QrTrxCode::BG,
            cpi: "174380".into(),
            size: Some(300),
        })
        .unwrap();
    assert_eq!(&qr.png[..4], b"\x89PNG");
    assert!(!qr.qr_code.is_empty());
}

#[test]
fn token_is_fetched_once_by_sixteen_threads() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let barrier = Arc::new(Barrier::new(16));
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let (c, barrier) = (c.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                c.daraja()
                    .account_balance(&AccountBalanceRequest::default())
                    .unwrap()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().response_code, "0");
    }
    assert_eq!(sb.daraja().token_requests(), 1);
    assert_eq!(sb.requests_to("/daraja/mpesa/accountbalance/v1/query"), 16);
}

#[test]
fn token_expiry_mid_run_and_invalid_token_resend() {
    let sb = sandbox_with(sd::Settings {
        token_ttl: Duration::from_secs(2),
        expires_in_as_string: false,
        ..sd::Settings::default()
    });
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let d = c.daraja();
    d.account_balance(&AccountBalanceRequest::default())
        .unwrap();
    d.account_balance(&AccountBalanceRequest::default())
        .unwrap();
    assert_eq!(sb.daraja().token_requests(), 1, "cached");
    thread::sleep(Duration::from_millis(2100));
    d.account_balance(&AccountBalanceRequest::default())
        .unwrap();
    assert_eq!(sb.daraja().token_requests(), 2, "refreshed before use");

    // The provider drops every token: the money call is refused unprocessed (404.001.03),
    // so it is sent once more with a new token, and paid exactly once.
    sb.daraja().expire_tokens();
    let r = d
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 20, "RETRY-1"))
        .unwrap();
    assert_eq!(sb.daraja().token_requests(), 3);
    assert_eq!(sb.requests_to(STK_PATH), 2);
    assert_eq!(payments(&sb, "stk_push"), 1);
    assert!(parse_stk_callback(&cb.wait("/stk", &r.checkout_request_id))
        .unwrap()
        .is_success());
}

#[test]
fn clients_share_one_token_and_a_refused_token_is_resent_once() {
    // A provider that invalidates a token whenever a new one is issued (as the portal
    // says). Two clients with the same credentials share one token instead of knocking
    // each other's out.
    let sb = sandbox_with(sd::Settings {
        new_token_invalidates_previous: true,
        ..sd::Settings::default()
    });
    let cb = Callbacks::start();
    let a = client(&sb, &cb);
    let b = client(&sb, &cb);
    a.daraja()
        .account_balance(&AccountBalanceRequest::default())
        .unwrap();
    b.daraja()
        .account_balance(&AccountBalanceRequest::default())
        .unwrap();
    assert_eq!(
        sb.daraja().token_requests(),
        1,
        "one token for both clients"
    );
    // Something else (another deployment) takes a token, knocking ours out: the next call
    // is refused unprocessed, and sent once more with a fresh token.
    let basic = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        "sandbox-daraja-key:sandbox-daraja-secret",
    );
    ureq::get(&format!(
        "{}/oauth/v1/generate?grant_type=client_credentials",
        sb.daraja_url()
    ))
    .header("Authorization", &format!("Basic {basic}"))
    .call()
    .unwrap();
    let before = sb.requests_to("/daraja/mpesa/accountbalance/v1/query");
    a.daraja()
        .account_balance(&AccountBalanceRequest::default())
        .unwrap();
    assert_eq!(
        sb.requests_to("/daraja/mpesa/accountbalance/v1/query") - before,
        2
    );
    assert_eq!(sb.daraja().token_requests(), 3);
}

#[test]
fn wrong_credentials_are_an_authentication_error_without_secrets() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let mut cfg = daraja_config(&sb, &cb.url);
    cfg.consumer_secret = "wrong-secret-value-123".into();
    let c = client_from(cfg);
    let e = c
        .daraja()
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 10, "X"))
        .unwrap_err();
    assert_eq!(e.kind(), "authentication", "{e}");
    let shown = format!("{e} {e:?} {}", tuma::ops::error_json(&e));
    assert!(!shown.contains("wrong-secret-value-123"));
    assert_eq!(sb.requests_to(STK_PATH), 0);
    assert_eq!(payments(&sb, "stk_push"), 0);
}

#[test]
fn money_call_cut_after_processing_is_not_resent() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    c.daraja()
        .account_balance(&AccountBalanceRequest::default())
        .unwrap();
    sb.inject(FaultRule::new("stkpush", Fault::CloseAfterProcessing, 1));
    let e = c
        .daraja()
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 30, "ONCE-1"))
        .unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    assert_eq!(sb.requests_to(STK_PATH), 1);
    assert_eq!(payments(&sb, "stk_push"), 1);

    sb.inject(FaultRule::new("b2c", Fault::CloseAfterProcessing, 1));
    let mut req = B2cRequest::new("254708374149", 100, "Payout");
    req.shortcode = b2c_shortcode(&sb);
    let e = c.daraja().b2c(&req).unwrap_err();
    assert!(e.outcome_unknown());
    assert_eq!(payments(&sb, "b2c"), 1);

    // Rate limiting is typed, and a refused money call is not resent either.
    sb.inject(FaultRule::new(
        "stkpush",
        Fault::Status {
            status: 429,
            retry_after: Some(1),
        },
        1,
    ));
    let e = c
        .daraja()
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 30, "ONCE-2"))
        .unwrap_err();
    assert_eq!(e.kind(), "rate_limited");
    assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(sb.requests_to(STK_PATH), 2);
    assert_eq!(payments(&sb, "stk_push"), 1);
}

#[test]
fn query_cut_before_read_is_retried() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let (_, paid) = paid_receipt(&sb, &c, &cb);
    sb.inject(FaultRule::new("", Fault::CloseBeforeRead, 1));
    let q = c.daraja().stk_query(&paid.checkout_request_id).unwrap();
    assert_eq!(q.outcome, Outcome::Success);
    sb.inject(FaultRule::new(
        "stkpushquery",
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        1,
    ));
    let q = c.daraja().stk_query(&paid.checkout_request_id).unwrap();
    assert_eq!(q.result_code, "0");
    assert_eq!(sb.requests_to("/daraja/mpesa/stkpushquery/v1/query"), 3);
}

#[test]
fn bad_inputs_are_refused_before_any_request() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let mut prod_cfg = daraja_config(&sb, "https://shop.example");
    prod_cfg.environment = Environment::Production;
    let prod = client_from(prod_cfg);
    let d = c.daraja();
    let stk = |f: &dyn Fn(&mut StkPushRequest)| {
        let mut r = StkPushRequest::new("0708374149", 10, "INV-1");
        f(&mut r);
        d.stk_push(&r).map(|_| ())
    };
    let b2c = |f: &dyn Fn(&mut B2cRequest)| {
        let mut r = B2cRequest::new("0708374149", 100, "Payout");
        f(&mut r);
        d.b2c(&r).map(|_| ())
    };
    let b2b = |f: &dyn Fn(&mut B2bRequest)| {
        let mut r = B2bRequest {
            party_b: "600000".into(),
            amount: 100,
            command_id: B2bCommand::BusinessPayBill,
            account_reference: Some("A1".into()),
            requester: None,
            remarks: "Invoice".into(),
            occasion: None,
            shortcode: None,
            result_url: None,
            timeout_url: None,
        };
        f(&mut r);
        d.b2b(&r).map(|_| ())
    };
    let register = |conf: &str, val: &str| {
        d.c2b_register_urls(&C2bRegisterRequest {
            shortcode: None,
            response_type: C2bResponseType::Completed,
            confirmation_url: conf.into(),
            validation_url: val.into(),
        })
        .map(|_| ())
    };
    let simulate = |amount: u64, phone: &str, bill: Option<&str>| {
        d.c2b_simulate(&C2bSimulateRequest {
            shortcode: None,
            command_id: C2bCommand::PayBill,
            amount,
            phone: phone.into(),
            bill_ref_number: bill.map(str::to_string),
        })
        .map(|_| ())
    };
    let qr = |trx: QrTrxCode, cpi: &str, size: Option<u32>| {
        d.dynamic_qr(&DynamicQrRequest {
            merchant_name: "Shop".into(),
            ref_no: "R1".into(),
            amount: 10,
            trx_code: trx,
            cpi: cpi.into(),
            size,
        })
        .map(|_| ())
    };
    let ok_url = format!("{}/c2b/confirmation", cb.url);
    let cases: Vec<(&str, tuma::Result<()>)> = vec![
        ("phone", stk(&|r| r.phone = "12345".into())),
        ("phone", stk(&|r| r.phone = "+1 202 555 0100".into())),
        ("amount", stk(&|r| r.amount = 0)),
        ("amount", stk(&|r| r.amount = 250_001)),
        ("account_reference", stk(&|r| r.account_reference = "".into())),
        ("account_reference", stk(&|r| r.account_reference = "THIRTEEN-CHAR".into())),
        ("transaction_desc", stk(&|r| r.transaction_desc = Some("fourteen chars".into()))),
        ("callback_url", stk(&|r| r.callback_url = Some("ftp://shop.example/cb".into()))),
        ("till_number", stk(&|r| {
            r.transaction_type = StkTransactionType::BuyGoods;
            r.till_number = Some("12".into());
        })),
        ("checkout_request_id", d.stk_query("  ").map(|_| ())),
        ("validation_url", register(&ok_url, "https://shop.example/mpesa/validate")),
        ("confirmation_url", register("not a url", &ok_url)),
        ("confirmation_url", register("https://abc.ngrok.io/confirm", &ok_url)),
        ("amount", simulate(0, "0708374149", Some("A1"))),
        ("bill_ref_number", simulate(10, "0708374149", None)),
        ("phone", simulate(10, "0808374149", Some("A1"))),
        ("amount", b2c(&|r| r.amount = 9)),
        ("remarks", b2c(&|r| r.remarks = "x".into())),
        ("occasion", b2c(&|r| r.occasion = Some("o".repeat(101)))),
        ("originator_conversation_id", b2c(&|r| r.originator_conversation_id = Some("".into()))),
        ("result_url", b2c(&|r| r.result_url = Some("shop.example/result".into()))),
        ("party_b", b2b(&|r| r.party_b = "12".into())),
        ("account_reference", b2b(&|r| r.account_reference = None)),
        ("account_reference", b2b(&|r| r.account_reference = Some("x".repeat(14)))),
        ("requester", b2b(&|r| r.requester = Some("123".into()))),
        (
            "transaction_id",
            d.transaction_status(&TransactionStatusRequest::by_receipt("")).map(|_| ()),
        ),
        (
            "transaction_id",
            d.transaction_status(&TransactionStatusRequest::by_receipt("AB-12")).map(|_| ()),
        ),
        (
            "amount",
            d.reversal(&ReversalRequest {
                transaction_id: "NLJ41HAY6Q".into(),
                amount: 0,
                remarks: "Refund".into(),
                shortcode: None,
                result_url: None,
                timeout_url: None,
            })
            .map(|_| ()),
        ),
        ("cpi", qr(QrTrxCode::SM, "abc", None)),
        ("size", qr(QrTrxCode::BG, "174380", Some(50))),
        ("shortcode", d.account_balance(&AccountBalanceRequest {
            shortcode: Some("12ab".into()),
            ..AccountBalanceRequest::default()
        }).map(|_| ())),
        (
            "callback_url",
            prod.daraja()
                .stk_push(&{
                    let mut r = StkPushRequest::new("0708374149", 10, "INV");
                    r.callback_url = Some("http://shop.example/cb".into());
                    r
                })
                .map(|_| ()),
        ),
        ("c2b_simulate", prod.daraja().c2b_simulate(&C2bSimulateRequest {
            shortcode: None,
            command_id: C2bCommand::PayBill,
            amount: 10,
            phone: "0708374149".into(),
            bill_ref_number: Some("A1".into()),
        }).map(|_| ())),
        (
            "amount",
            tuma::ops::call(&c, "daraja.stk_push", &json!({"phone": "0708374149", "amount": 1.5, "account_reference": "A"})).map(|_| ()),
        ),
        (
            "colour",
            tuma::ops::call(&c, "daraja.stk_query", &json!({"checkout_request_id": "ws_CO_1", "colour": "red"})).map(|_| ()),
        ),
        (
            "trx_code",
            tuma::ops::call(&c, "daraja.dynamic_qr", &json!({"merchant_name": "S", "ref_no": "R", "amount": 1, "trx_code": "XX", "cpi": "174380"})).map(|_| ()),
        ),
    ];
    assert!(cases.len() >= 20);
    for (field, result) in &cases {
        let e = result.as_ref().expect_err(field);
        assert_eq!(e.kind(), "invalid_input", "{field}: {e}");
        assert_eq!(e.field(), Some(*field), "{e}");
    }
    assert_eq!(sb.request_count(), 0, "nothing may reach the provider");
}

#[test]
fn missing_settings_are_config_errors_naming_the_field() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let mut cfg = daraja_config(&sb, &cb.url);
    cfg.passkey = None;
    cfg.initiator_name = None;
    let c = client_from(cfg);
    let e = c
        .daraja()
        .stk_push(&StkPushRequest::new("0708374149", 10, "A"))
        .unwrap_err();
    assert_eq!(e.field(), Some("daraja.passkey"));
    let e = c
        .daraja()
        .account_balance(&AccountBalanceRequest::default())
        .unwrap_err();
    assert_eq!(e.field(), Some("daraja.initiator_name"));
    let e = Client::new(
        Config::from_json(
            r#"{"daraja": {"consumer_key": "k", "consumer_secret": "", "shortcode": "174379"}}"#,
        )
        .unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("daraja.consumer_secret"));
    assert!(Config::from_json(r#"{"daraja": {"consumer_key": "k"}}"#).is_err());
    let none = Client::new(Config::default()).unwrap();
    assert_eq!(
        none.daraja().stk_query("ws_CO_1").unwrap_err().field(),
        Some("daraja")
    );
    assert_eq!(sb.request_count(), 0);
}

#[test]
fn json_ops_reach_every_daraja_operation() {
    let sb = sandbox();
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let (receipt, paid) = paid_receipt(&sb, &c, &cb);
    let requests = [
        (
            "daraja.stk_push",
            json!({"phone": "0708374149", "amount": 10, "account_reference": "OPS-1", "transaction_type": "pay_bill"}),
        ),
        (
            "daraja.stk_query",
            json!({"checkout_request_id": paid.checkout_request_id}),
        ),
        (
            "daraja.confirm_stk_payment",
            json!({"checkout_request_id": paid.checkout_request_id}),
        ),
        (
            "daraja.c2b_register_urls",
            json!({"confirmation_url": format!("{}/c2b/confirmation", cb.url), "validation_url": format!("{}/c2b/validation", cb.url), "response_type": "Cancelled", "shortcode": "600981"}),
        ),
        (
            "daraja.c2b_simulate",
            json!({"phone": "0708374149", "amount": 10, "bill_ref_number": "OPS", "shortcode": "600981"}),
        ),
        (
            "daraja.b2c",
            json!({"phone": "0708374149", "amount": 100, "remarks": "Ops payout", "command_id": "promotion_payment", "shortcode": "600981"}),
        ),
        (
            "daraja.b2b",
            json!({"party_b": "600000", "amount": 10, "remarks": "Ops", "command_id": "business_buy_goods"}),
        ),
        (
            "daraja.transaction_status",
            json!({"transaction_id": receipt}),
        ),
        ("daraja.account_balance", json!({})),
        (
            "daraja.reversal",
            json!({"transaction_id": receipt, "amount": 100, "remarks": "Ops refund"}),
        ),
        (
            "daraja.dynamic_qr",
            json!({"merchant_name": "Shop", "ref_no": "R1", "amount": 10, "trx_code": "PB", "cpi": "174379", "size": 200}),
        ),
    ];
    let names: Vec<&str> = requests.iter().map(|(n, _)| *n).collect();
    // The portal APIs (top-up, Pochi, tax, B2B Express, Pull, Ratiba, Bill Manager) are
    // driven by tests/portal.rs (`json_ops_reach_every_portal_operation`).
    let portal = [
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
    for op in tuma::ops::operations()
        .iter()
        .filter(|o| o.starts_with("daraja.") && !portal.contains(o))
    {
        assert!(names.contains(op), "{op} has no test");
    }
    for (name, req) in &requests {
        let v = tuma::ops::call(&c, name, req).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(v.is_object(), "{name}: {v}");
        let code = v.get("response_code").and_then(Value::as_str).unwrap_or("");
        assert!(code.chars().all(|ch| ch == '0'), "{name}: {v}");
    }
    for kind in tuma::ops::callback_kinds()
        .iter()
        .filter(|k| k.starts_with("daraja."))
    {
        let e = tuma::ops::parse_callback(kind, b"{not json").unwrap_err();
        assert_eq!(e.kind(), "invalid_callback");
    }
    let v = tuma::ops::utility(
        "daraja.security_credential",
        &json!({"password": "pw", "certificate_pem": TEST_CERTIFICATE_PEM}),
    )
    .unwrap();
    assert_eq!(v["security_credential"].as_str().unwrap().len(), 344);
}

fn date_in_nairobi(secs: u64) -> String {
    let out = std::process::Command::new("date")
        .env("TZ", "UTC")
        .args([
            "-u",
            "-d",
            &format!("@{}", secs + 3 * 3600),
            "+%Y%m%d%H%M%S",
        ])
        .output()
        .expect("date(1)");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Runs in a child process with `TZ=America/New_York` (see the test below).
#[test]
fn kenyan_time_child() {
    if std::env::var("TUMA_TZ_CHILD").is_err() {
        return;
    }
    assert_eq!(std::env::var("TZ").as_deref(), Ok("America/New_York"));
    for secs in [
        0u64,
        951_782_400,
        1_709_245_800,
        1_735_678_799,
        4_102_444_800,
    ] {
        assert_eq!(
            timestamp_at(UNIX_EPOCH + Duration::from_secs(secs)),
            date_in_nairobi(secs),
            "{secs}"
        );
    }
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = timestamp();
    let after = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(now == date_in_nairobi(before) || now == date_in_nairobi(after));
    // The sandbox refuses a timestamp more than 10 minutes off Kenyan time.
    let sb = sandbox();
    let cb = Callbacks::start();
    client(&sb, &cb)
        .daraja()
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 10, "TZ"))
        .unwrap();
    println!("TUMA_TZ_CHILD_OK");
}

#[test]
fn timestamps_are_kenyan_whatever_the_host_timezone() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kenyan_time_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("TZ", "America/New_York")
        .env("TUMA_TZ_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("TUMA_TZ_CHILD_OK"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn callbacks_are_confirmed_by_query_and_forgeries_caught() {
    let sb = sandbox_with(sd::Settings::default());
    let cb = Callbacks::start();
    let c = client(&sb, &cb);
    let d = c.daraja();

    let paid = d
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 100, "VQ-1"))
        .unwrap();
    let body = cb.wait("/stk", &paid.checkout_request_id);
    let confirmed = d.confirm_stk_payment(None, Some(&body)).unwrap();
    assert!(confirmed.is_some_and(|a| a.outcome.is_success()));
    assert!(d
        .confirm_stk_payment(Some(&paid.checkout_request_id), None)
        .unwrap()
        .is_some());

    let cancelled = d
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_CANCELLED, 100, "VQ-2"))
        .unwrap();
    let real = cb.wait("/stk", &cancelled.checkout_request_id);
    assert!(d.confirm_stk_payment(None, Some(&real)).unwrap().is_none());
    // A forged "paid" callback for the cancelled push: the query exposes it.
    let forged = String::from_utf8(body)
        .unwrap()
        .replace(&paid.checkout_request_id, &cancelled.checkout_request_id);
    let err = d
        .confirm_stk_payment(None, Some(forged.as_bytes()))
        .unwrap_err();
    assert_eq!(err.kind(), "invalid_callback");
    // Mismatched ids and no id at all are refused before any query.
    let before = sb.request_count();
    let err = d
        .confirm_stk_payment(Some("ws_CO_other"), Some(forged.as_bytes()))
        .unwrap_err();
    assert_eq!(err.field(), Some("callback"));
    assert_eq!(
        d.confirm_stk_payment(None, None).unwrap_err().field(),
        Some("checkout_request_id")
    );
    assert_eq!(sb.request_count(), before);
}

#[test]
fn clients_made_one_after_another_reuse_the_token() {
    // As a PHP-FPM worker does: a client per request, each dropped before the next.
    let sb = sandbox_with(sd::Settings::default());
    let cb = Callbacks::start();
    for _ in 0..3 {
        let c = client(&sb, &cb);
        c.daraja()
            .account_balance(&AccountBalanceRequest::default())
            .unwrap();
    }
    assert_eq!(sb.daraja().token_requests(), 1);
}
