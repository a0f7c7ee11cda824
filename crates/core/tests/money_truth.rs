//! Money truth: every failed payment says what happened (not sent, refused, or outcome
//! unknown) by the provider's documented refusals only, carries the ids to recover, never
//! outlives its deadline; callbacks are claimed, not marked; the payment journal catches
//! forged callbacks. Everything runs against the sandbox, whose ledger is the truth.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tuma::daraja::StkPushRequest;
use tuma::store::{StateStore, StoreConfig};
use tuma::{Claim, Client, Config, Fate, HttpConfig, Provider};
use tuma_sandbox::daraja as sd;
use tuma_sandbox::redis_server::RedisServer;
use tuma_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};

use common::Callbacks;

fn sandbox() -> Sandbox {
    let mut config = SandboxConfig::default();
    config.statum.initial_balance = 1e9;
    config.umspay.rate_per_second = 100_000;
    Sandbox::start(config).unwrap()
}

fn http(timeout_ms: u64) -> HttpConfig {
    HttpConfig {
        connect_timeout_ms: 200,
        timeout_ms,
        retry_initial_backoff_ms: 5,
        retry_max_backoff_ms: 40,
        ..HttpConfig::default()
    }
}

fn client_with(
    sandbox: &Sandbox,
    http: HttpConfig,
    callbacks: &str,
    store: Option<StoreConfig>,
) -> Client {
    let mut config =
        common::full_config(sandbox, &common::sandbox_secrets(sandbox), http, callbacks);
    config.store = store;
    Client::new(config).unwrap()
}

fn reply(status: u16, body: &str, processed: bool) -> Fault {
    Fault::Reply {
        status,
        body: body.into(),
        processed,
    }
}

/// The text that identifies a call's payment in the sandbox's ledger.
fn in_ledger(sandbox: &Sandbox, identity: &str) -> usize {
    sandbox
        .processed_payments()
        .iter()
        .filter(|p| p.identity.contains(identity))
        .count()
}

struct Row {
    op: &'static str,
    request: Value,
    path: &'static str,
    identity: String,
    fault: Fault,
    fate: Fate,
}

fn stk(n: usize, fault: Fault, fate: Fate) -> Row {
    let r = format!("MT{n}");
    Row {
        op: "daraja.stk_push",
        request: json!({"phone": "0708374149", "amount": 1 + n as u64, "account_reference": r}),
        path: "/stkpush/",
        identity: format!(":{r}:"),
        fault,
        fate,
    }
}

fn b2c(n: usize, fault: Fault, fate: Fate) -> Row {
    let id = format!("mt-b2c-{n}-x");
    Row {
        op: "daraja.b2c",
        request: json!({"phone": "0708374149", "amount": 10, "remarks": "truth", "shortcode": "600981", "originator_conversation_id": id}),
        path: "/b2c/",
        identity: id,
        fault,
        fate,
    }
}

fn airtime(n: usize, fault: Fault, fate: Fate) -> Row {
    let amount = 5 + n as u64;
    Row {
        op: "statum.airtime",
        request: json!({"phone": "0712345678", "amount": amount}),
        path: "/airtime",
        identity: format!("254712345678:{amount}:"),
        fault,
        fate,
    }
}

fn umspay(n: usize, fault: Fault, fate: Fate) -> Row {
    let r = format!("MU{n}X");
    Row {
        op: "umspay.stk_push",
        request: json!({"amount": 10, "phone": "0712345678", "reference": r}),
        path: "initiatestkpush",
        identity: format!(":{r}"),
        fault,
        fate,
    }
}

const DARAJA_INTERNAL: &str =
    r#"{"requestId":"mt","errorCode":"500.001.1001","errorMessage":"Internal server error"}"#;

/// Every row of docs/money-truth.md's table, for every money operation of every provider.
fn rows() -> Vec<Row> {
    use Fate::{Refused, Unknown};
    let daraja_body = |code: &str, message: &str| {
        format!(r#"{{"requestId":"mt","errorCode":"{code}","errorMessage":"{message}"}}"#)
    };
    let mut rows = Vec::new();
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    // Daraja, STK push and B2C: the documented refusals, then what is not one.
    for make in [stk, b2c] {
        for (status, code, message) in [
            (400, "400.002.02", "Bad Request - Invalid Amount"),
            (400, "400.002.05", "Invalid request payload"),
            (404, "404.001.01", "Resource not found"),
            (405, "405.001", "Method not allowed"),
            (500, "500.003.02", "Spike arrest violation"),
            (500, "500.003.03", "Quota violation"),
            (
                500,
                "500.001.1001",
                "Unable to lock subscriber, a transaction is already in process for the current subscriber",
            ),
            (500, "500.001.1001", "Merchant does not exist"),
            (500, "500.001.1001", "Wrong credentials"),
        ] {
            rows.push(make(next(), reply(status, &daraja_body(code, message), false), Refused));
        }
        for fault in [
            reply(500, DARAJA_INTERNAL, true),
            reply(500, DARAJA_INTERNAL, false),
            reply(
                502,
                &daraja_body("500.003.02", "Spike arrest violation"),
                true,
            ),
            reply(
                500,
                &daraja_body("500.003.1001", "Internal Server Error"),
                true,
            ),
            reply(503, r#"{"message":"Service Unavailable"}"#, true),
            reply(401, "", true),
            reply(200, "", true),
            reply(200, "{}", true),
            Fault::HtmlPage,
            Fault::TruncatedJson,
            Fault::CloseAfterProcessing,
            Fault::Status {
                status: 429,
                retry_after: None,
            },
        ] {
            rows.push(make(next(), fault, Unknown));
        }
    }
    rows.push(b2c(
        next(),
        reply(
            500,
            &daraja_body("500.002.1001", "Duplicate OriginatorConversationID"),
            false,
        ),
        Refused,
    ));
    // Statum airtime.
    for (status, body) in [
        (
            400,
            r#"{"status_code":400,"description":"Bad request","request_id":"mt"}"#,
        ),
        (401, r#"{"status_code":401,"description":"Unauthorized"}"#),
        (401, ""),
        (
            402,
            r#"{"status_code":402,"description":"Insufficient funds.","request_id":"mt"}"#,
        ),
        (
            200,
            r#"{"status_code":402,"description":"Insufficient funds.","request_id":"mt"}"#,
        ),
        (403, r#"{"status_code":403,"description":"Forbidden"}"#),
        (
            422,
            r#"{"status_code":422,"description":"Validation failed.","validation_errors":{"phone_number":["bad"]},"request_id":"mt"}"#,
        ),
        (
            429,
            r#"{"status_code":429,"description":"Too many requests"}"#,
        ),
    ] {
        rows.push(airtime(next(), reply(status, body, false), Refused));
    }
    for fault in [
        reply(504, r#"{"message":"Endpoint request timed out"}"#, true),
        reply(
            500,
            r#"{"status_code":500,"description":"Server error","request_id":"mt"}"#,
            true,
        ),
        reply(
            500,
            r#"{"status_code":422,"description":"Validation failed."}"#,
            true,
        ),
        reply(
            200,
            r#"{"status_code":500,"description":"Server error"}"#,
            true,
        ),
        reply(503, "<html>maintenance</html>", false),
        reply(200, r#"{"status_code":200,"description":"ok"}"#, true),
        reply(200, "", true),
        Fault::TruncatedJson,
        Fault::CloseAfterProcessing,
    ] {
        rows.push(airtime(next(), fault, Unknown));
    }
    // UMS Pay STK push.
    for (status, body) in [
        (
            200,
            r#"{"ResultCode":"400","errorMessage":"Your UMS Pay account is not active!"}"#,
        ),
        (
            200,
            r#"{"ResultCode":"102","errorMessage":"amount is required"}"#,
        ),
        (
            200,
            r#"{"ResultCode":"201","errorMessage":"Invalid request method"}"#,
        ),
        (
            400,
            r#"{"ResultCode":"400","errorMessage":"Your UMS Pay account is not active!"}"#,
        ),
        (429, ""),
        (
            200,
            r#"{"ResultCode":"429","errorMessage":"Too many requests"}"#,
        ),
    ] {
        rows.push(umspay(next(), reply(status, body, false), Refused));
    }
    for fault in [
        reply(
            200,
            r#"{"ResultCode":"503","errorMessage":"Upstream M-Pesa error"}"#,
            true,
        ),
        reply(
            500,
            r#"{"ResultCode":"400","errorMessage":"Your UMS Pay account is not active!"}"#,
            true,
        ),
        reply(500, r#"{"message":"Server Error"}"#, true),
        reply(
            200,
            r#"{"success":"200","message":"Request processed successfully"}"#,
            true,
        ),
        reply(401, "", true),
        Fault::HtmlPage,
        Fault::TruncatedJson,
        Fault::CloseAfterProcessing,
    ] {
        rows.push(umspay(next(), fault, Unknown));
    }
    rows
}

#[test]
fn every_documented_refusal_is_refused_and_every_other_answer_is_unknown() {
    let sandbox = sandbox();
    let client = client_with(&sandbox, http(1_000), "http://127.0.0.1:9", None);
    // Warm the token so the faults strike the money requests themselves.
    client
        .daraja()
        .account_balance(&Default::default())
        .unwrap();
    let mut table = String::from("| operation | fault | fate | kind |\n|---|---|---|---|\n");
    for row in rows() {
        sandbox.clear_faults();
        sandbox.inject(FaultRule::new(row.path, row.fault.clone(), 1));
        let before = sandbox.requests_to_containing(row.path);
        let err = tuma::ops::call(&client, row.op, &row.request)
            .expect_err(&format!("{} under {:?} must fail", row.op, row.fault));
        assert_eq!(
            sandbox.requests_to_containing(row.path) - before,
            1,
            "{} under {:?}: a money request is sent exactly once",
            row.op,
            row.fault
        );
        assert_eq!(
            err.fate(),
            row.fate,
            "{} under {:?}: {err}",
            row.op,
            row.fault
        );
        thread::sleep(Duration::from_millis(20));
        let processed = in_ledger(&sandbox, &row.identity);
        if err.fate() != Fate::Unknown {
            assert_eq!(
                processed,
                0,
                "{} under {:?} is {:?} but the ledger holds it",
                row.op,
                row.fault,
                err.fate()
            );
        }
        let json = tuma::ops::error_json(&err);
        assert_eq!(json["fate"], row.fate.as_str());
        assert_eq!(json["outcome_unknown"], row.fate == Fate::Unknown);
        let recovery = err
            .recovery()
            .expect("every money error carries its recovery ids");
        assert_eq!(recovery.operation, row.op);
        assert!(!recovery.advice.is_empty());
        if let Some(id) = err.request_id() {
            assert_eq!(recovery.request_id.as_deref(), Some(id), "{}", row.op);
        }
        assert_eq!(json["recovery"]["operation"], row.op);
        table.push_str(&format!(
            "| {} | {:?} | {} | {} |\n",
            row.op,
            row.fault,
            err.fate().as_str(),
            err.kind()
        ));
    }
    println!("{table}");
}

#[test]
fn money_errors_carry_what_identifies_the_payment() {
    let sandbox = sandbox();
    let client = client_with(&sandbox, http(300), "http://127.0.0.1:9", None);
    let d = client.daraja();

    // STK push: phone, amount, reference, timestamp, shortcode; and any provider id seen.
    sandbox.inject(FaultRule::new(
        "/stkpush/",
        reply(200, r#"{"MerchantRequestID":"m-1","CheckoutRequestID":"ws_CO_seen","ResponseCode":"1","ResponseDescription":"odd"}"#, true),
        1,
    ));
    let e = d
        .stk_push(&StkPushRequest::new("0708 374 149", 42, "ORDER-42"))
        .unwrap_err();
    assert_eq!(e.fate(), Fate::Unknown, "{e}");
    let r = e.recovery().unwrap();
    assert_eq!(r.phone.as_deref(), Some("254708374149"));
    assert_eq!(r.amount, Some(42));
    assert_eq!(r.account_reference.as_deref(), Some("ORDER-42"));
    assert_eq!(
        r.shortcode.as_deref(),
        Some(sandbox.daraja().settings().shortcode.as_str())
    );
    assert_eq!(r.timestamp.as_ref().map(String::len), Some(14));
    assert_eq!(r.checkout_request_id.as_deref(), Some("ws_CO_seen"));
    assert!(r.advice.contains("stk_query"), "{}", r.advice);

    // B2C: the generated OriginatorConversationID survives a timeout.
    sandbox.inject(FaultRule::new(
        "/b2c/",
        Fault::Latency(Duration::from_millis(600)),
        1,
    ));
    let e = d
        .b2c(&tuma::daraja::B2cRequest::new("0708374149", 150, "refund"))
        .unwrap_err();
    assert_eq!(e.kind(), "timeout");
    assert!(e.outcome_unknown());
    let id = e
        .recovery()
        .and_then(|r| r.originator_conversation_id.clone())
        .expect("the generated id is handed over");
    thread::sleep(Duration::from_millis(400));
    assert_eq!(
        in_ledger(&sandbox, &id),
        1,
        "the ledger knows the payment by that id"
    );
    assert!(tuma::ops::error_json(&e)["recovery"]["originator_conversation_id"] == id.as_str());

    // Statum airtime: phone and amount; UMS Pay: reference, phone, amount.
    sandbox.inject(FaultRule::new("/airtime", Fault::CloseAfterProcessing, 1));
    let e = client
        .statum()
        .airtime(&tuma::statum::AirtimeRequest::new("0712 345 678", 77))
        .unwrap_err();
    let r = e.recovery().unwrap();
    assert_eq!(
        (r.phone.as_deref(), r.amount),
        (Some("254712345678"), Some(77))
    );
    sandbox.inject(FaultRule::new(
        "initiatestkpush",
        Fault::CloseAfterProcessing,
        1,
    ));
    let e = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(
            55,
            "0712345678",
            "UMS-55",
        ))
        .unwrap_err();
    let r = e.recovery().unwrap();
    assert_eq!(r.reference.as_deref(), Some("UMS-55"));
    assert_eq!(
        (r.phone.as_deref(), r.amount),
        (Some("254712345678"), Some(55))
    );
    assert_eq!(r.shortcode.as_deref(), Some("UMPAY-SANDBOX"));

    // Bad input is refused before anything, with no recovery (nothing to recover).
    let e = d
        .stk_push(&StkPushRequest::new("0708374149", 0, "X"))
        .unwrap_err();
    assert_eq!((e.fate(), e.recovery()), (Fate::NotSent, None));
}

#[test]
fn a_token_fetch_that_fails_sends_nothing() {
    let sandbox = sandbox();
    for (name, fault) in [
        (
            "captive portal",
            reply(200, "<html><body>Log in to the Wi-Fi</body></html>", false),
        ),
        (
            "token endpoint 5xx",
            reply(503, r#"{"message":"Service Unavailable"}"#, false),
        ),
        (
            "slow token endpoint",
            Fault::Latency(Duration::from_millis(900)),
        ),
    ] {
        // A new client per case: its token is not cached yet.
        let client = client_with(&sandbox, http(400), "http://127.0.0.1:9", None);
        sandbox.clear_faults();
        sandbox.inject(FaultRule::new("/oauth/", fault, 10));
        let before = sandbox.requests_to_containing("/stkpush/");
        let e = client
            .daraja()
            .stk_push(&StkPushRequest::new("0708374149", 9, "TOKEN-1"))
            .unwrap_err();
        assert_eq!(e.fate(), Fate::NotSent, "{name}: {e}");
        assert!(!e.outcome_unknown());
        assert!(
            e.to_string().contains("not sent"),
            "{name}: the cause and the fate: {e}"
        );
        assert!(e.recovery().is_some(), "{name}");
        assert_eq!(
            sandbox.requests_to_containing("/stkpush/"),
            before,
            "{name}"
        );
        let e = client
            .daraja()
            .b2c(&tuma::daraja::B2cRequest::new("0708374149", 10, "refund"))
            .unwrap_err();
        assert_eq!(e.fate(), Fate::NotSent, "{name}: {e}");
        sandbox.clear_faults();
    }
    thread::sleep(Duration::from_millis(100));
    assert_eq!(in_ledger(&sandbox, "TOKEN-1"), 0);
}

#[test]
fn no_call_runs_past_its_deadline() {
    const TIMEOUT: u64 = 400;
    let sandbox = sandbox();
    let slow = |ms| Fault::Latency(Duration::from_millis(ms));
    let ops: Vec<(&str, Value, &str)> = vec![
        (
            "daraja.stk_push",
            json!({"phone": "0708374149", "amount": 3, "account_reference": "DL"}),
            "/stkpush/",
        ),
        (
            "daraja.b2c",
            json!({"phone": "0708374149", "amount": 10, "remarks": "deadline"}),
            "/b2c/",
        ),
        (
            "daraja.b2b",
            json!({"party_b": "600000", "amount": 10, "remarks": "deadline", "account_reference": "DL"}),
            "/b2b/",
        ),
        (
            "daraja.reversal",
            json!({"transaction_id": "RC00000001", "amount": 10, "remarks": "deadline"}),
            "/reversal/",
        ),
        (
            "daraja.stk_query",
            json!({"checkout_request_id": "ws_CO_unknown"}),
            "/stkpushquery/",
        ),
        ("daraja.account_balance", json!({}), "/accountbalance/"),
        (
            "statum.airtime",
            json!({"phone": "0712345678", "amount": 5}),
            "/airtime",
        ),
        (
            "statum.send_sms",
            json!({"sender_id": "TUMA", "phone": "0712345678", "message": "hi"}),
            "/sms",
        ),
        ("statum.account_details", json!({}), "/account-details"),
        (
            "umspay.stk_push",
            json!({"amount": 10, "phone": "0712345678", "reference": "DL"}),
            "initiatestkpush",
        ),
        (
            "umspay.transaction_status",
            json!({"transaction_request_id": "UMSPID0000000000000000000"}),
            "transactionstatus",
        ),
    ];
    // (name, [(path, fault, times)]): an empty path means the operation's own.
    type Rules<'a> = Vec<(&'a str, Fault, u32)>;
    let faults: Vec<(&str, Rules)> = vec![
        ("slow answer", vec![("", slow(TIMEOUT + 300), 1)]),
        (
            "trickled answer",
            vec![("", Fault::Trickle(Duration::from_millis(80)), 1)],
        ),
        (
            "5xx, retried if safe",
            vec![(
                "",
                Fault::Status {
                    status: 503,
                    retry_after: None,
                },
                10,
            )],
        ),
        (
            "429 with Retry-After",
            vec![(
                "",
                Fault::Status {
                    status: 429,
                    retry_after: Some(1),
                },
                10,
            )],
        ),
        (
            "close after processing",
            vec![("", Fault::CloseAfterProcessing, 10)],
        ),
        (
            "slow token, then slow call",
            vec![
                ("/oauth/", slow(TIMEOUT - 150), 1),
                ("", slow(TIMEOUT - 150), 1),
            ],
        ),
        ("token times out", vec![("/oauth/", slow(TIMEOUT + 300), 5)]),
    ];
    let mut table =
        format!("deadline {TIMEOUT} ms\n| operation | fault | ms | fate |\n|---|---|---|---|\n");
    let mut worst = Duration::ZERO;
    for (fault_name, rules) in &faults {
        for (op, request, path) in &ops {
            if fault_name.contains("token") && !op.starts_with("daraja") {
                continue;
            }
            // A new client each time: nothing cached, the token fetch is part of the call.
            let client = client_with(&sandbox, http(TIMEOUT), "http://127.0.0.1:9", None);
            sandbox.clear_faults();
            for (on, fault, times) in rules {
                let on = if on.is_empty() { path } else { on };
                sandbox.inject(FaultRule::new(on, fault.clone(), *times));
            }
            let started = Instant::now();
            let result = tuma::ops::call(&client, op, request);
            let elapsed = started.elapsed();
            worst = worst.max(elapsed);
            let fate = match &result {
                Ok(_) => "ok",
                Err(e) => e.fate().as_str(),
            };
            table.push_str(&format!(
                "| {op} | {fault_name} | {} | {fate} |\n",
                elapsed.as_millis()
            ));
            assert!(
                elapsed <= Duration::from_millis(TIMEOUT + 100),
                "{op} under {fault_name} took {elapsed:?}\n{table}"
            );
        }
    }
    sandbox.clear_faults();
    // UMS Pay: waiting for a rate-limit slot past the deadline is a not-sent rate limit.
    let mut umspay =
        tuma::umspay::UmsPayConfig::new("sandbox-umspay-key", "dev@tuma.test", "UMPAY-SANDBOX")
            .with_base_url(sandbox.umspay_url());
    umspay.rate_per_second = 1;
    let limited = Client::new(Config {
        umspay: Some(umspay),
        http: http(TIMEOUT),
        ..Config::default()
    })
    .unwrap();
    let mut saw_limit = false;
    for i in 0..4 {
        let started = Instant::now();
        let result = limited
            .umspay()
            .stk_push(&tuma::umspay::StkPushRequest::new(
                10,
                "0712345678",
                format!("RL{i}"),
            ));
        let elapsed = started.elapsed();
        worst = worst.max(elapsed);
        table.push_str(&format!(
            "| umspay.stk_push | limiter at 1/s, call {i} | {} | {} |\n",
            elapsed.as_millis(),
            result.as_ref().map_or_else(|e| e.fate().as_str(), |_| "ok")
        ));
        assert!(elapsed <= Duration::from_millis(TIMEOUT + 100), "{table}");
        if let Err(e) = result {
            assert_eq!((e.kind(), e.fate()), ("rate_limited", Fate::NotSent), "{e}");
            saw_limit = true;
        }
    }
    assert!(saw_limit, "{table}");
    println!("{table}worst: {} ms", worst.as_millis());
}

/// Both stores, each in a fresh namespace.
fn stores(redis: &RedisServer, lease_ms: u64) -> Vec<(&'static str, StoreConfig)> {
    let unique = format!("mt{}:", std::process::id());
    let mut memory = StoreConfig::new("memory");
    memory.callback_lease_ms = lease_ms;
    let mut shared = StoreConfig::new(redis.url());
    shared.key_prefix = unique;
    shared.callback_lease_ms = lease_ms;
    vec![("memory", memory), ("redis", shared)]
}

fn statum_result(id: &str) -> Vec<u8> {
    format!(r#"{{"request_id":"{id}","result_code":"200","result_desc":"Delivered"}}"#).into_bytes()
}

#[test]
fn a_callback_whose_processing_failed_is_processed_on_redelivery() {
    let redis = RedisServer::start().expect("redis-server is installed (make installs it)");
    for (name, store) in stores(&redis, 60_000) {
        let client = Client::new(Config {
            store: Some(store),
            ..Config::default()
        })
        .unwrap();
        let id = format!("claim-{name}-{}", std::process::id());
        let body = statum_result(&id);
        let first = client.receive_callback("statum.result", &body).unwrap();
        assert_eq!(
            (first.status, first.first_time),
            (Claim::Claimed, true),
            "{name}"
        );
        let claim = first.claim.clone().unwrap();
        // While it is being processed, a redelivery is neither new nor done.
        let during = client.receive_callback("statum.result", &body).unwrap();
        assert_eq!(
            (during.status, during.claim.as_deref()),
            (Claim::InProgress, None),
            "{name}"
        );
        // Processing fails (the database is down): the claim is given back.
        assert!(client.release_callback(&claim).unwrap(), "{name}");
        let again = client.receive_callback("statum.result", &body).unwrap();
        assert_eq!(
            again.status,
            Claim::Claimed,
            "{name}: the redelivery goes through"
        );
        assert!(
            client
                .complete_callback(again.claim.as_deref().unwrap())
                .unwrap(),
            "{name}"
        );
        let later = client.receive_callback("statum.result", &body).unwrap();
        assert_eq!(
            (later.status, later.first_time),
            (Claim::Done, false),
            "{name}"
        );
        // A stale claim cannot undo a completion.
        assert!(!client.release_callback(&claim).unwrap(), "{name}");
        assert_eq!(
            client
                .receive_callback("statum.result", &body)
                .unwrap()
                .status,
            Claim::Done
        );
        // The JSON entry point carries the same.
        let via_ops = tuma::ops::call(
            &client,
            "callbacks.receive",
            &json!({"kind": "statum.result", "body": String::from_utf8(statum_result(&format!("{id}-ops"))).unwrap()}),
        )
        .unwrap();
        assert_eq!(via_ops["status"], "claimed");
        let done = tuma::ops::call(
            &client,
            "callbacks.complete",
            &json!({"claim": via_ops["claim"]}),
        )
        .unwrap();
        assert_eq!(done, json!({"completed": true, "lease_held": true}));
        let err =
            tuma::ops::call(&client, "callbacks.release", &json!({"claim": "forged"})).unwrap_err();
        assert_eq!(err.field(), Some("claim"));
    }
}

#[test]
fn a_worker_that_dies_holding_a_claim_loses_it() {
    let redis = RedisServer::start().expect("redis-server is installed (make installs it)");
    for (name, store) in stores(&redis, 300) {
        let id = format!("dies-{name}-{}", std::process::id());
        let body = statum_result(&id);
        {
            // This worker claims, then dies before completing or releasing.
            let worker = Client::new(Config {
                store: Some(store.clone()),
                ..Config::default()
            })
            .unwrap();
            let claimed = thread::scope(|s| {
                s.spawn(|| worker.receive_callback("statum.result", &body).unwrap())
                    .join()
                    .unwrap()
            });
            assert_eq!(claimed.status, Claim::Claimed);
        }
        let survivor = Client::new(Config {
            store: Some(store),
            ..Config::default()
        })
        .unwrap();
        let soon = survivor.receive_callback("statum.result", &body).unwrap();
        assert_eq!(soon.status, Claim::InProgress, "{name}: within the lease");
        thread::sleep(Duration::from_millis(400));
        let after = survivor.receive_callback("statum.result", &body).unwrap();
        assert_eq!(
            after.status,
            Claim::Claimed,
            "{name}: the lease ran out, the redelivery goes through"
        );
    }
}

/// A TCP relay to Redis whose answers can be held back: the command is applied at once,
/// its reply arrives late.
struct LateReplies {
    url: String,
    late: Arc<AtomicBool>,
}

impl LateReplies {
    fn start(target: &str, delay: Duration) -> LateReplies {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let late = Arc::new(AtomicBool::new(false));
        let target = target
            .trim_start_matches("redis://")
            .trim_end_matches('/')
            .to_string();
        let flag = late.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let (mut c_in, mut s_out) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                thread::spawn(move || {
                    let _ = std::io::copy(&mut c_in, &mut s_out);
                });
                let (mut s_in, mut c_out) = (server, client);
                let flag = flag.clone();
                thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = s_in.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        if flag.load(Ordering::SeqCst) {
                            thread::sleep(delay);
                        }
                        if c_out.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        LateReplies {
            url: format!("redis://127.0.0.1:{port}/"),
            late,
        }
    }
}

#[test]
fn a_store_write_that_applies_but_answers_late_is_never_a_duplicate() {
    let redis = RedisServer::start().expect("redis-server is installed (make installs it)");
    let relay = LateReplies::start(&redis.url(), Duration::from_millis(400));
    let mut store = StoreConfig::new(relay.url.clone());
    store.timeout_ms = 150;
    store.callback_lease_ms = 1_500;
    store.key_prefix = format!("late{}:", std::process::id());
    let client = Client::new(Config {
        store: Some(store),
        ..Config::default()
    })
    .unwrap();
    let body = statum_result("late-1");
    // Connected first (the connection handshake is not what this test delays).
    client
        .receive_callback("statum.result", &statum_result("late-0"))
        .unwrap();
    relay.late.store(true, Ordering::SeqCst);
    let err = client.receive_callback("statum.result", &body).unwrap_err();
    assert_eq!(
        err.kind(),
        "store",
        "an unanswered claim is an error, not a verdict: {err}"
    );
    relay.late.store(false, Ordering::SeqCst);
    thread::sleep(Duration::from_millis(700)); // past the store's cool-down
    let redelivery = client.receive_callback("statum.result", &body).unwrap();
    assert_eq!(
        redelivery.status,
        Claim::InProgress,
        "the write did apply: held, not done, so the provider is asked to come back"
    );
    thread::sleep(Duration::from_millis(1_000));
    let later = client.receive_callback("statum.result", &body).unwrap();
    assert_eq!(
        later.status,
        Claim::Claimed,
        "once the lease runs out the callback is processed"
    );
}

#[test]
fn forged_callbacks_reusing_a_real_id_are_refused() {
    let sandbox = sandbox();
    let callbacks = Callbacks::start();
    // One process that pushes every payment itself: the journal may be trusted to know them.
    let mut store = StoreConfig::new("memory");
    store.journal_required = Some(true);
    let client = client_with(&sandbox, http(2_000), &callbacks.url, Some(store));
    let d = client.daraja();
    // The attacker's own genuine 1 KES payment...
    let paid = d
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 1, "CHEAP-1"))
        .unwrap();
    let real = String::from_utf8(callbacks.wait("/stk", &paid.checkout_request_id)).unwrap();
    assert!(d
        .confirm_stk_payment(None, Some(real.as_bytes()))
        .unwrap()
        .is_some());
    // ...replayed with a bigger amount, or for another phone.
    let bigger = real
        .replace(r#""Value":1.0"#, r#""Value":5000.0"#)
        .replace(r#""Value":1}"#, r#""Value":5000}"#);
    assert_ne!(bigger, real, "the test edits the amount: {real}");
    let e = d
        .confirm_stk_payment(None, Some(bigger.as_bytes()))
        .unwrap_err();
    assert_eq!(e.kind(), "invalid_callback", "{e}");
    assert!(e.to_string().contains("amount"), "{e}");
    let other_phone = real.replace(&sd::STK_PHONE_SUCCESS[3..], "700000999");
    assert_ne!(other_phone, real);
    let e = d
        .confirm_stk_payment(None, Some(other_phone.as_bytes()))
        .unwrap_err();
    assert_eq!(e.kind(), "invalid_callback", "{e}");
    // An id this application never pushed.
    let invented = real.replace(&paid.checkout_request_id, "ws_CO_000000000000000forged");
    let e = d
        .confirm_stk_payment(None, Some(invented.as_bytes()))
        .unwrap_err();
    assert_eq!(e.kind(), "invalid_callback", "{e}");
    assert!(
        e.to_string()
            .contains("not a payment this application pushed"),
        "{e}"
    );

    // UMS Pay: the same with a webhook.
    sandbox
        .umspay()
        .set_webhook_url(Some(format!("{}/umspay", callbacks.url)));
    let push = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(
            10,
            "0712345678",
            "UMS-REAL",
        ))
        .unwrap();
    // The webhook of the final result (the emulator also announces the prompt).
    let hook = String::from_utf8(callbacks.wait("/umspay", "TransactionReceipt")).unwrap();
    assert!(hook.contains(&push.transaction_request_id), "{hook}");
    let event = tuma::umspay::parse_webhook(hook.as_bytes()).unwrap();
    assert!(client.umspay().confirm_payment(&event).unwrap().is_some());
    let forged = hook.replace(r#""TransactionAmount":10"#, r#""TransactionAmount":9000"#);
    assert_ne!(forged, hook, "the test edits the amount: {hook}");
    let forged = tuma::umspay::parse_webhook(forged.as_bytes()).unwrap();
    let e = client.umspay().confirm_payment(&forged).unwrap_err();
    assert_eq!(e.kind(), "invalid_callback", "{e}");
}

#[test]
fn a_push_with_an_unknown_outcome_is_matched_to_its_late_callback() {
    let sandbox = sandbox();
    let callbacks = Callbacks::start();
    let client = client_with(&sandbox, http(2_000), &callbacks.url, None);
    sandbox.inject(FaultRule::new(
        "/stkpush/",
        reply(500, DARAJA_INTERNAL, true),
        1,
    ));
    let e = client
        .daraja()
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 17, "LATE-17"))
        .unwrap_err();
    assert!(e.outcome_unknown(), "{e}");
    assert_eq!(
        e.recovery().unwrap().checkout_request_id,
        None,
        "no id came back"
    );
    // Safaricom did send the prompt; its callback arrives with an id tuma never saw.
    let body = callbacks.wait("/stk", r#""Value":17"#);
    let confirmed = client
        .daraja()
        .confirm_stk_payment(None, Some(&body))
        .unwrap();
    let id = confirmed.expect("paid").checkout_request_id;
    let entry = client
        .journal_entry(Provider::Daraja, &id)
        .unwrap()
        .expect("the journal tied the callback to the push");
    assert_eq!((entry.reference.as_str(), entry.amount), ("LATE-17", 17));
    assert_eq!(in_ledger(&sandbox, ":LATE-17:"), 1);
}

#[test]
fn the_journal_is_fleet_wide_with_redis() {
    let redis = RedisServer::start().expect("redis-server is installed (make installs it)");
    let sandbox = sandbox();
    let callbacks = Callbacks::start();
    let mut store = StoreConfig::new(redis.url());
    store.key_prefix = format!("journal{}:", std::process::id());
    let pusher = client_with(&sandbox, http(2_000), &callbacks.url, Some(store.clone()));
    let paid = pusher
        .daraja()
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 23, "FLEET-23"))
        .unwrap();
    // The record is in Redis, not in this process's memory.
    let key = format!("daraja:id:{}", paid.checkout_request_id);
    let shared = store.open().unwrap();
    let raw = shared.get_record(&key).unwrap().expect("recorded in Redis");
    assert!(raw.contains("FLEET-23"), "{raw}");
    assert_eq!(
        tuma::store::MemoryStore::global().get_record(&key).unwrap(),
        None
    );
    // Another worker (another client on the same Redis) verifies the callback.
    let verifier = client_with(&sandbox, http(2_000), &callbacks.url, Some(store));
    let body = callbacks.wait("/stk", &paid.checkout_request_id);
    assert!(verifier
        .daraja()
        .confirm_stk_payment(None, Some(&body))
        .unwrap()
        .is_some());
    let entry = verifier
        .journal_entry(Provider::Daraja, &paid.checkout_request_id)
        .unwrap()
        .unwrap();
    assert_eq!((entry.amount, entry.reference.as_str()), (23, "FLEET-23"));
}

#[test]
fn a_callback_pushed_by_another_process_is_verified_by_query_with_a_memory_store() {
    let redis = RedisServer::start().expect("redis-server is installed (make installs it)");
    let sandbox = sandbox();
    let callbacks = Callbacks::start();
    // The push is journaled in Redis, where this process's memory store cannot see it:
    // as if another PHP-FPM worker without a shared store had sent it.
    let mut elsewhere = StoreConfig::new(redis.url());
    elsewhere.key_prefix = format!("other{}:", std::process::id());
    let other_worker = client_with(&sandbox, http(2_000), &callbacks.url, Some(elsewhere));
    let paid = other_worker
        .daraja()
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 31, "OTHER-31"))
        .unwrap();
    let body = callbacks.wait("/stk", &paid.checkout_request_id);
    let this_worker = client_with(&sandbox, http(2_000), &callbacks.url, None);
    assert!(
        this_worker
            .daraja()
            .confirm_stk_payment(None, Some(&body))
            .unwrap()
            .is_some(),
        "a real payment is not refused for want of a shared journal"
    );
    // An id Daraja itself does not know is a forgery, journal or not.
    let invented = String::from_utf8(body.clone())
        .unwrap()
        .replace(&paid.checkout_request_id, "ws_CO_000000000000000forged");
    let e = this_worker
        .daraja()
        .confirm_stk_payment(None, Some(invented.as_bytes()))
        .unwrap_err();
    assert_eq!(e.kind(), "invalid_callback", "{e}");
    // Required by configuration, the same callback is refused.
    let mut strict = StoreConfig::new("memory");
    strict.journal_required = Some(true);
    let strict_worker = client_with(&sandbox, http(2_000), &callbacks.url, Some(strict));
    let e = strict_worker
        .daraja()
        .confirm_stk_payment(None, Some(&body))
        .unwrap_err();
    assert_eq!(e.kind(), "invalid_callback");
}

#[test]
fn a_cancelled_wait_for_status_stops_at_once() {
    let mut config = SandboxConfig::default();
    config.umspay.pending_for = Duration::from_secs(30);
    let sandbox = Sandbox::start(config).unwrap();
    let client = client_with(&sandbox, http(2_000), "http://127.0.0.1:9", None);
    let push = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(
            10,
            "0712345678",
            "WAIT-1",
        ))
        .unwrap();
    let gate = tuma::cancel::SendGate::new();
    let worker = {
        let (gate, client) = (gate.clone(), client.clone());
        thread::spawn(move || {
            let started = Instant::now();
            let result = gate.run(|| {
                client
                    .umspay()
                    .wait_for_status(&push.transaction_request_id, Duration::from_secs(10))
            });
            (result, started.elapsed())
        })
    };
    thread::sleep(Duration::from_millis(400));
    assert!(gate.cancel(), "status queries do not close the gate");
    let polls = sandbox.requests_to_containing("transactionstatus");
    let (result, elapsed) = worker.join().unwrap();
    assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
    let e = result.unwrap_err();
    assert_eq!(e.fate(), Fate::NotSent, "{e}");
    thread::sleep(Duration::from_millis(300));
    assert!(sandbox.requests_to_containing("transactionstatus") <= polls + 1);
}

#[test]
fn a_webhook_for_a_transaction_umspay_does_not_know_is_forged() {
    let sandbox = sandbox();
    let client = client_with(&sandbox, http(2_000), "http://127.0.0.1:9", None);
    let body = json!({
        "ResponseCode": 0, "ResponseDescription": "Success", "TransactionID": "UMSPID0312202600000099999",
        "TransactionAmount": 10, "TransactionReceipt": "TXX0000000", "TransactionReference": "FAKE",
        "Msisdn": "254712345678", "TransactionDate": "20261203101010"
    });
    let event = tuma::umspay::parse_webhook(body.to_string().as_bytes()).unwrap();
    let e = client.umspay().confirm_payment(&event).unwrap_err();
    assert_eq!(e.kind(), "invalid_callback", "{e}");
}
