//! Statum against the sandbox: every call, every validation rule, errors, webhooks, threads.

use std::sync::Arc;
use std::time::Duration;

use tuma::{Client, Config, Error, HttpConfig, StatumConfig};
use tuma_sandbox::receiver::WebhookReceiver;
use tuma_sandbox::{Sandbox, SandboxConfig};

const KEY: &str = "sandbox-statum-key";
const SECRET: &str = "sandbox-statum-secret";

fn sandbox_with(configure: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut config = SandboxConfig::default();
    configure(&mut config);
    Sandbox::start(config).expect("sandbox starts")
}

fn client_for(sandbox: &Sandbox, key: &str, secret: &str) -> Client {
    Client::new(Config {
        statum: Some(StatumConfig::new(key, secret).with_base_url(sandbox.statum_url())),
        http: HttpConfig {
            timeout_ms: 5_000,
            connect_timeout_ms: 1_000,
            retry_initial_backoff_ms: 10,
            ..HttpConfig::default()
        },
        ..Config::default()
    })
    .expect("valid config")
}

#[test]
fn sms_airtime_and_account_details_succeed() {
    let sandbox = sandbox_with(|_| {});
    let client = client_for(&sandbox, KEY, SECRET);
    let statum = client.statum();

    let before = statum.account_details().unwrap();
    assert_eq!(before.status_code, 200);
    assert!(!before.organization.name.is_empty());
    assert!(!before.organization.accounts.is_empty());

    let sms = statum
        .send_sms(&tuma::statum::SendSmsRequest::new(
            "TUMA",
            "0712 345 678",
            "Hello from tuma",
        ))
        .unwrap();
    assert_eq!(sms.status_code, 200);
    assert_eq!(sms.request_id.len(), 32);

    let airtime = statum
        .airtime(&tuma::statum::AirtimeRequest::new("+254722000111", 100))
        .unwrap();
    assert_eq!(airtime.status_code, 200);
    assert_ne!(airtime.request_id, sms.request_id);

    let after = statum.account_details().unwrap();
    let spent = before.organization.details.available_balance
        - after.organization.details.available_balance;
    // Airtime costs 100 minus the 3% discount; the SMS costs a little on top.
    assert!((97.0..100.0).contains(&spent), "spent {spent}");
    assert_eq!(sandbox.requests_to("/statum/api/v2/airtime"), 1);
}

#[test]
fn wrong_credentials_are_an_authentication_error() {
    let sandbox = sandbox_with(|_| {});
    let client = client_for(&sandbox, KEY, "not-the-secret");
    let err = client.statum().account_details().unwrap_err();
    assert_eq!(err.kind(), "authentication", "{err}");
    assert_eq!(err.status(), Some(401));
    assert!(!err.to_string().contains("not-the-secret"));
    assert!(!format!("{err:?}").contains("not-the-secret"));
}

#[test]
fn bad_inputs_are_refused_before_any_request() {
    let sandbox = sandbox_with(|_| {});
    let client = client_for(&sandbox, KEY, SECRET);
    let statum = client.statum();
    let long_message = "x".repeat(919);
    type Case<'a> = (&'a str, Box<dyn Fn() -> Result<(), Error> + 'a>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "phone",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new("TUMA", "", "hi"))
                    .map(|_| ())
            }),
            "must not be empty",
        ),
        (
            "phone",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TUMA",
                        "0812345678",
                        "hi",
                    ))
                    .map(|_| ())
            }),
            "not a Kenyan mobile",
        ),
        (
            "phone",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TUMA",
                        "071234567",
                        "hi",
                    ))
                    .map(|_| ())
            }),
            "9 digits",
        ),
        (
            "phone",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TUMA",
                        "07123456789",
                        "hi",
                    ))
                    .map(|_| ())
            }),
            "9 digits",
        ),
        (
            "phone",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TUMA",
                        "+1 202 555 0100",
                        "hi",
                    ))
                    .map(|_| ())
            }),
            "9 digits",
        ),
        (
            "phone",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TUMA",
                        "07l2345678",
                        "hi",
                    ))
                    .map(|_| ())
            }),
            "only digits",
        ),
        (
            "phone",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TUMA",
                        "0150345678",
                        "hi",
                    ))
                    .map(|_| ())
            }),
            "not a Kenyan mobile",
        ),
        (
            "phone",
            Box::new(|| {
                statum
                    .airtime(&tuma::statum::AirtimeRequest::new("0612345678", 50))
                    .map(|_| ())
            }),
            "not a Kenyan mobile",
        ),
        (
            "phone",
            Box::new(|| {
                statum
                    .airtime(&tuma::statum::AirtimeRequest::new("254+712345678", 50))
                    .map(|_| ())
            }),
            "only digits",
        ),
        (
            "sender_id",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new("", "0712345678", "hi"))
                    .map(|_| ())
            }),
            "must not be empty",
        ),
        (
            "sender_id",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "   ",
                        "0712345678",
                        "hi",
                    ))
                    .map(|_| ())
            }),
            "must not be empty",
        ),
        (
            "sender_id",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TWELVE_CHARS",
                        "0712345678",
                        "hi",
                    ))
                    .map(|_| ())
            }),
            "at most 11",
        ),
        (
            "sender_id",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TU\u{7}MA",
                        "0712345678",
                        "hi",
                    ))
                    .map(|_| ())
            }),
            "control characters",
        ),
        (
            "message",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new("TUMA", "0712345678", ""))
                    .map(|_| ())
            }),
            "must not be empty",
        ),
        (
            "message",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TUMA",
                        "0712345678",
                        " \n ",
                    ))
                    .map(|_| ())
            }),
            "must not be empty",
        ),
        (
            "message",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TUMA",
                        "0712345678",
                        &long_message,
                    ))
                    .map(|_| ())
            }),
            "at most 918",
        ),
        (
            "message",
            Box::new(|| {
                statum
                    .send_sms(&tuma::statum::SendSmsRequest::new(
                        "TUMA",
                        "0712345678",
                        "a\u{0}b",
                    ))
                    .map(|_| ())
            }),
            "control characters",
        ),
        (
            "amount",
            Box::new(|| {
                statum
                    .airtime(&tuma::statum::AirtimeRequest::new("0712345678", 0))
                    .map(|_| ())
            }),
            "greater than 0",
        ),
        (
            "amount",
            Box::new(|| {
                statum
                    .airtime(&tuma::statum::AirtimeRequest::new("0712345678", 4))
                    .map(|_| ())
            }),
            "at least 5",
        ),
        (
            "amount",
            Box::new(|| {
                statum
                    .airtime(&tuma::statum::AirtimeRequest::new("0712345678", 10_001))
                    .map(|_| ())
            }),
            "at most 10000",
        ),
        (
            "amount",
            Box::new(|| {
                statum
                    .airtime(&tuma::statum::AirtimeRequest::new("0712345678", u64::MAX))
                    .map(|_| ())
            }),
            "at most 10000",
        ),
    ];
    assert!(cases.len() >= 20);
    for (field, call, rule) in &cases {
        let err = call().unwrap_err();
        assert_eq!(err.kind(), "invalid_input", "{err}");
        assert_eq!(err.field(), Some(*field), "{err}");
        assert!(
            err.to_string().contains(rule),
            "`{err}` should mention `{rule}`"
        );
    }
    // The JSON path (used by every binding) refuses what the Rust types cannot express.
    let json_cases = [
        (
            serde_json::json!({"phone": "0712345678", "amount": -5}),
            "amount",
            "greater than 0",
        ),
        (
            serde_json::json!({"phone": "0712345678", "amount": 10.5}),
            "amount",
            "whole number",
        ),
        (
            serde_json::json!({"phone": "0712345678", "amount": "ten"}),
            "amount",
            "must be a number",
        ),
        (
            serde_json::json!({"phone": "0712345678"}),
            "amount",
            "is required",
        ),
        (
            serde_json::json!({"phone": 712345678, "amount": 10}),
            "phone",
            "must be a string",
        ),
        (
            serde_json::json!({"phone": "0712345678", "amount": 10, "amout": 1}),
            "amout",
            "not a field",
        ),
    ];
    for (request, field, rule) in json_cases {
        let err = tuma::ops::call(&client, "statum.airtime", &request).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
        assert!(
            err.to_string().contains(rule),
            "`{err}` should mention `{rule}`"
        );
    }
    assert_eq!(
        sandbox.request_count(),
        0,
        "no request may reach the sandbox"
    );
}

#[test]
fn missing_credentials_are_named() {
    let err = Client::new(Config {
        statum: Some(StatumConfig::new("", "secret")),
        ..Config::default()
    })
    .unwrap_err();
    assert_eq!(err.field(), Some("statum.consumer_key"));
    let err = Client::new(Config {
        statum: Some(StatumConfig::new("key", "")),
        ..Config::default()
    })
    .unwrap_err();
    assert_eq!(err.field(), Some("statum.consumer_secret"));
    let unconfigured = Client::new(Config::default()).unwrap();
    let err = unconfigured.statum().account_details().unwrap_err();
    assert_eq!(err.kind(), "config");
    let err = Client::new(Config {
        statum: Some(StatumConfig::new("key", "secret").with_base_url("http://statum.example/api")),
        ..Config::default()
    })
    .unwrap_err();
    assert_eq!(err.field(), Some("statum.base_url"));
}

#[test]
fn insufficient_balance_is_a_provider_error() {
    let sandbox = sandbox_with(|c| c.statum.initial_balance = 20.0);
    let client = client_for(&sandbox, KEY, SECRET);
    let err = client
        .statum()
        .airtime(&tuma::statum::AirtimeRequest::new("0712345678", 1000))
        .unwrap_err();
    match &err {
        Error::Api(api) => {
            assert_eq!(api.status, 402);
            assert_eq!(api.code.as_deref(), Some("402"));
            assert!(api.request_id.is_some());
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert!(!err.outcome_unknown());
    let details = client.statum().account_details().unwrap();
    assert_eq!(details.organization.details.available_balance, 20.0);
}

#[test]
fn provider_validation_errors_carry_code_and_message() {
    let sandbox = sandbox_with(|_| {});
    let client = client_for(&sandbox, KEY, SECRET);
    // A sender id the account has not registered passes local checks; Statum refuses it.
    let err = client
        .statum()
        .send_sms(&tuma::statum::SendSmsRequest::new(
            "NOTMINE",
            "0712345678",
            "hello",
        ))
        .unwrap_err();
    assert_eq!(err.kind(), "api", "{err}");
    assert_eq!(err.code(), Some("422"));
    assert!(err.to_string().contains("sender_id"), "{err}");
    assert!(err.request_id().is_some());
}

#[test]
fn html_and_truncated_answers_are_decode_errors_and_airtime_is_not_resent() {
    use tuma_sandbox::{Fault, FaultRule};
    let sandbox = sandbox_with(|_| {});
    let client = client_for(&sandbox, KEY, SECRET);
    sandbox.inject(FaultRule::new("/airtime", Fault::TruncatedJson, 1));
    let err = client
        .statum()
        .airtime(&tuma::statum::AirtimeRequest::new("0712345678", 50))
        .unwrap_err();
    assert_eq!(err.kind(), "decode");
    assert!(err.outcome_unknown());
    sandbox.inject(FaultRule::new("/airtime", Fault::CloseAfterProcessing, 1));
    let err = client
        .statum()
        .airtime(&tuma::statum::AirtimeRequest::new("0712345678", 60))
        .unwrap_err();
    assert!(err.outcome_unknown(), "{err}");
    assert_eq!(
        sandbox.requests_to("/statum/api/v2/airtime"),
        2,
        "never resent"
    );
    assert_eq!(sandbox.processed_payments().len(), 2);
    // A query is safe: a 503 is retried and the call succeeds.
    sandbox.inject(FaultRule::new(
        "/account-details",
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        1,
    ));
    client.statum().account_details().unwrap();
    assert_eq!(sandbox.requests_to("/statum/api/v2/account-details"), 2);
}

#[test]
fn airtime_webhooks_success_failure_and_duplicates() {
    let hooks = WebhookReceiver::refusing_first(1).unwrap();
    let sandbox = sandbox_with(|c| {
        c.statum.callback_url = Some(format!("{}/statum", hooks.base_url));
        c.statum.callback_delay = Duration::from_millis(10);
        c.statum.callback_retry_gap = Duration::from_millis(20);
    });
    let client = client_for(&sandbox, KEY, SECRET);
    let ok = client
        .statum()
        .airtime(&tuma::statum::AirtimeRequest::new("0712345678", 50))
        .unwrap();
    let deliveries = hooks.collect("/statum", Duration::from_millis(400));
    assert_eq!(deliveries.len(), 2, "the refused delivery is retried");
    let first = tuma::statum::parse_airtime_result(&deliveries[0].body).unwrap();
    let second = tuma::statum::parse_airtime_result(&deliveries[1].body).unwrap();
    assert_eq!(first.request_id, ok.request_id);
    assert!(first.is_success());
    assert!(
        first.charge.is_some_and(|c| (c - 48.5).abs() < 1e-9),
        "charge {:?}",
        first.charge
    );
    let claim = |body: &[u8]| {
        client
            .receive_callback("statum.airtime_result", body)
            .unwrap()
    };
    let first_claim = claim(&deliveries[0].body);
    assert!(first_claim.first_time);
    assert_eq!(second.request_id, first.request_id);
    assert!(
        !claim(&deliveries[1].body).first_time,
        "a redelivery is recognised"
    );

    let failed = client
        .statum()
        .airtime(&tuma::statum::AirtimeRequest::new(
            tuma_sandbox::statum::AIRTIME_FAILS_CANNOT_RECEIVE,
            50,
        ))
        .unwrap();
    let delivery = hooks.next("/statum", Duration::from_secs(2)).unwrap();
    let result = tuma::statum::parse_airtime_result(&delivery.body).unwrap();
    assert_eq!(result.request_id, failed.request_id);
    assert!(!result.is_success());
    let generic = tuma::statum::parse_result(&delivery.body).unwrap();
    assert_eq!(generic.result_code, result.result_code);

    for malformed in [
        &b"not json"[..],
        b"{}",
        br#"{"request_id": 5}"#,
        b"\xc3\x28",
    ] {
        let err = tuma::statum::parse_airtime_result(malformed).unwrap_err();
        assert_eq!(err.kind(), "invalid_callback");
    }
}

#[test]
fn one_client_shared_by_eight_threads() {
    let sandbox = sandbox_with(|c| c.statum.initial_balance = 1_000_000.0);
    let client = Arc::new(client_for(&sandbox, KEY, SECRET));
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let client = client.clone();
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                for i in 0..10 {
                    let r = client
                        .statum()
                        .send_sms(&tuma::statum::SendSmsRequest::new(
                            "TUMA",
                            "0712345678",
                            format!("thread {t} message {i}"),
                        ))
                        .unwrap();
                    ids.push(r.request_id);
                }
                ids
            })
        })
        .collect();
    let mut ids: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 80);
    assert_eq!(sandbox.requests_to("/statum/api/v2/sms"), 80);
}
