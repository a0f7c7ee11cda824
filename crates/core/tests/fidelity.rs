//! Fidelity: every answer read as the specs say (shared/specs/daraja.md, statum_umspay.md),
//! each test a place where the client used to read or send something the documents do not.

mod common;

use std::time::Duration;

use serde_json::json;
use tuma::daraja::{AccountBalanceRequest, IdentifierType, StkPushRequest};
use tuma::store::StoreConfig;
use tuma::umspay::UmsPayConfig;
use tuma::{Claim, Client, Config, Fate, HttpConfig, PaymentStatus};
use tuma_sandbox::daraja as sd;
use tuma_sandbox::redis_server::RedisServer;
use tuma_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};

use common::Callbacks;

fn slow_callbacks() -> Sandbox {
    let mut config = SandboxConfig::default();
    config.daraja.callback_delay = Duration::from_secs(3600);
    Sandbox::start(config).unwrap()
}

fn client(sandbox: &Sandbox, callbacks: &str) -> Client {
    Client::new(common::full_config(
        sandbox,
        &common::sandbox_secrets(sandbox),
        HttpConfig::default(),
        callbacks,
    ))
    .unwrap()
}

/// daraja.md: classify by `errorCode`, not by status; a pending STK query answers HTTP 500
/// with 500.001.1001 "The transaction is being processed". It is an answer, not a failure
/// to retry: one request per poll.
#[test]
fn a_pending_stk_query_is_asked_once_per_poll() {
    let sandbox = slow_callbacks();
    let client = client(&sandbox, "http://127.0.0.1:9");
    let push = client
        .daraja()
        .stk_push(&StkPushRequest::new(sd::STK_PHONE_SUCCESS, 10, "POLL-1"))
        .unwrap();
    for poll in 1..=3 {
        let before = sandbox.requests_to_containing("/stkpushquery/");
        let answer = client
            .daraja()
            .stk_query(&push.checkout_request_id)
            .unwrap();
        assert!(answer.pending);
        assert_eq!(answer.status, PaymentStatus::Pending);
        assert_eq!(
            sandbox.requests_to_containing("/stkpushquery/") - before,
            1,
            "poll {poll}"
        );
    }
    // Quota violations and other coded 5xx are Daraja's verdict too.
    sandbox.inject(FaultRule::new(
        "/accountbalance/",
        Fault::Reply {
            status: 500,
            body: r#"{"requestId":"q","errorCode":"500.003.03","errorMessage":"Quota Violation"}"#
                .into(),
            processed: false,
        },
        5,
    ));
    let before = sandbox.requests_to_containing("/accountbalance/");
    let e = client
        .daraja()
        .account_balance(&AccountBalanceRequest::default())
        .unwrap_err();
    assert_eq!(e.kind(), "rate_limited");
    assert_eq!(
        sandbox.requests_to_containing("/accountbalance/") - before,
        1
    );
    // A gateway 503 without Daraja's body is still retried.
    sandbox.clear_faults();
    sandbox.inject(FaultRule::new(
        "/accountbalance/",
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        1,
    ));
    let before = sandbox.requests_to_containing("/accountbalance/");
    client
        .daraja()
        .account_balance(&AccountBalanceRequest::default())
        .unwrap();
    assert_eq!(
        sandbox.requests_to_containing("/accountbalance/") - before,
        2
    );
}

/// daraja.md: account balance documents IdentifierType "4" only.
#[test]
fn account_balance_takes_a_shortcode_only() {
    let sandbox = slow_callbacks();
    let client = client(&sandbox, "http://127.0.0.1:9");
    let before = sandbox.request_count();
    for identifier_type in [IdentifierType::Msisdn, IdentifierType::Till] {
        let e = client
            .daraja()
            .account_balance(&AccountBalanceRequest {
                identifier_type,
                ..AccountBalanceRequest::default()
            })
            .unwrap_err();
        assert_eq!(e.field(), Some("identifier_type"), "{e}");
    }
    assert_eq!(sandbox.request_count(), before, "refused before sending");
}

/// statum_umspay.md §2.3: UMS Pay passes `reference` to Daraja as AccountReference (≤ 12).
#[test]
fn umspay_references_fit_daraja_account_references() {
    let sandbox = slow_callbacks();
    let client = client(&sandbox, "http://127.0.0.1:9");
    assert!(client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(
            10,
            "0712345678",
            "ORDER-123456"
        ))
        .is_ok());
    let e = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(
            10,
            "0712345678",
            "ORDER-1234567",
        ))
        .unwrap_err();
    assert_eq!(e.field(), Some("reference"), "{e}");
}

/// seed 004: 10 requests per second and 5,000 per day per API key: two clients with the
/// same key (here a differently written email of the same account) share the fleet limit.
#[test]
fn the_fleet_wide_umspay_limit_is_per_api_key() {
    let redis = RedisServer::start().expect("redis-server is installed (make installs it)");
    let sandbox = slow_callbacks();
    let mut store = StoreConfig::new(redis.url());
    store.key_prefix = format!("fid{}:", std::process::id());
    let make = |email: &str| {
        let mut umspay = UmsPayConfig::new("sandbox-umspay-key", email, "UMPAY-SANDBOX")
            .with_base_url(sandbox.umspay_url());
        umspay.rate_per_second = 1;
        Client::new(Config {
            umspay: Some(umspay),
            store: Some(store.clone()),
            http: HttpConfig {
                connect_timeout_ms: 200,
                timeout_ms: 400,
                ..HttpConfig::default()
            },
            ..Config::default()
        })
        .unwrap()
    };
    let (a, b) = (make("dev@tuma.test"), make("DEV@tuma.test"));
    a.umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(
            10,
            "0712345678",
            "KEY-A",
        ))
        .unwrap();
    let e = b
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(
            10,
            "0712345678",
            "KEY-B",
        ))
        .unwrap_err();
    assert_eq!((e.kind(), e.fate()), ("rate_limited", Fate::NotSent), "{e}");
}

/// daraja.md: `ResultType` 1 means more messages follow; the final result (0) is not a
/// redelivery of it.
#[test]
fn a_final_result_after_a_partial_one_is_not_a_duplicate() {
    let client = Client::new(Config::default()).unwrap();
    let result = |result_type: u8| {
        format!(
            r#"{{"Result":{{"ResultType":{result_type},"ResultCode":0,"ResultDesc":"ok","OriginatorConversationID":"fid-partial-{}","ConversationID":"AG_1","TransactionID":"NLJ41HAY6Q"}}}}"#,
            std::process::id()
        )
    };
    let partial = client
        .receive_callback("daraja.result", result(1).as_bytes())
        .unwrap();
    assert_eq!(partial.status, Claim::Claimed);
    client
        .complete_callback(partial.claim.as_deref().unwrap())
        .unwrap();
    let last = client
        .receive_callback("daraja.result", result(0).as_bytes())
        .unwrap();
    assert_eq!(last.status, Claim::Claimed, "the final result is processed");
    assert_eq!(
        serde_json::to_value(&last.callback).unwrap()["status"],
        "completed"
    );
}

/// daraja.md (Dynamic QR): judge success by a present QRCode and an all-zero code when
/// numeric.
#[test]
fn a_qr_answer_with_a_failing_code_is_not_a_qr() {
    let sandbox = slow_callbacks();
    let client = client(&sandbox, "http://127.0.0.1:9");
    let request = json!({"merchant_name": "Shop", "ref_no": "INV-1", "amount": 100, "trx_code": "BG", "cpi": "373132"});
    assert!(tuma::ops::call(&client, "daraja.dynamic_qr", &request).is_ok());
    sandbox.inject(FaultRule::new(
        "/qrcode/",
        Fault::Reply {
            status: 200,
            body: r#"{"ResponseCode":"21","RequestID":"q1","ResponseDescription":"Invalid CPI","QRCode":"iVBORw0KGgo="}"#.into(),
            processed: true,
        },
        1,
    ));
    let e = tuma::ops::call(&client, "daraja.dynamic_qr", &request).unwrap_err();
    assert_eq!(e.kind(), "api", "{e}");
    assert_eq!(e.code(), Some("21"));
}

/// One outcome vocabulary: Daraja's STK callback and query, and UMS Pay's webhook, say
/// completed / failed / cancelled / timeout / pending as UMS Pay's status query does.
#[test]
fn every_provider_speaks_the_same_outcomes() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let callbacks = Callbacks::start();
    let client = client(&sandbox, &callbacks.url);
    for (phone, status) in [
        (sd::STK_PHONE_SUCCESS, "completed"),
        (sd::STK_PHONE_CANCELLED, "cancelled"),
        (sd::STK_PHONE_TIMEOUT, "timeout"),
        (sd::STK_PHONE_INSUFFICIENT, "failed"),
    ] {
        let push = client
            .daraja()
            .stk_push(&StkPushRequest::new(phone, 10, "VOCAB"))
            .unwrap();
        let body = callbacks.wait("/stk", &push.checkout_request_id);
        let received = client
            .receive_callback("daraja.stk_callback", &body)
            .unwrap();
        assert_eq!(
            serde_json::to_value(&received.callback).unwrap()["status"],
            status,
            "{phone}"
        );
        // Rust users get the typed callback, not JSON.
        match &received.callback {
            tuma::Callback::DarajaStkCallback(stk) => {
                assert_eq!(stk.checkout_request_id, push.checkout_request_id)
            }
            other => panic!("an STK callback parsed as {other:?}"),
        }
        let query = client
            .daraja()
            .stk_query(&push.checkout_request_id)
            .unwrap();
        assert_eq!(query.status.as_str(), status, "{phone}");
    }
    sandbox
        .umspay()
        .set_webhook_url(Some(format!("{}/umspay", callbacks.url)));
    for (phone, status) in [
        ("0712345678", "completed"),
        (tuma_sandbox::umspay::MSISDN_CANCELLED, "cancelled"),
        (tuma_sandbox::umspay::MSISDN_TIMEOUT, "timeout"),
        (tuma_sandbox::umspay::MSISDN_INSUFFICIENT_BALANCE, "failed"),
    ] {
        let push = client
            .umspay()
            .stk_push(&tuma::umspay::StkPushRequest::new(10, phone, "VOCAB"))
            .unwrap();
        let final_status = client
            .umspay()
            .wait_for_status(&push.transaction_request_id, Duration::from_secs(5))
            .unwrap();
        assert_eq!(
            serde_json::to_value(&final_status).unwrap()["status"],
            status
        );
        // The final webhook (the one with a ResponseCode) says the same.
        let hook = callbacks.wait_where("/umspay", |body| {
            tuma::umspay::parse_webhook(body).is_ok_and(|e| {
                e.transaction_request_id == push.transaction_request_id && e.response_code.is_some()
            })
        });
        let event = tuma::umspay::parse_webhook(&hook).unwrap();
        assert_eq!(event.status.as_str(), status, "{phone}");
    }
}
