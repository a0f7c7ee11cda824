//! No secret ever shows: every operation and every error path is driven with recognisable
//! secret values, and every error message, `Debug` output, error JSON (what the C, Python
//! and Node bindings show) and log line is searched for them.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};
use tuma::{Client, Config, HttpConfig};
use tuma_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};

static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// Raw byte dumps that reached the logger (and were dropped by `tuma::logging::Redacting`).
static DUMPS: AtomicUsize = AtomicUsize::new(0);

/// The application's logger, as the docs recommend it: wrapped in `Redacting`.
struct Application(tuma::logging::Redacting<Capture>);

impl log::Log for Application {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if tuma::logging::is_byte_dump(record.metadata()) {
            DUMPS.fetch_add(1, Ordering::Relaxed);
        }
        self.0.log(record);
    }
    fn flush(&self) {}
}

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        LOG.lock().unwrap().push(format!(
            "{} {} {}",
            record.level(),
            record.target(),
            record.args()
        ));
    }
    fn flush(&self) {}
}

const STATUM_SECRET: &str = "Zq8vK2mX7pL4wR9tN3bY";
const DARAJA_SECRET: &str = "Hj5cQ1sV8dF6gT0kW2nE";
const PASSKEY: &str = "uB7yM4xC9rA2zS6pJ3qL";
const INITIATOR_PASSWORD: &str = "Gk1!Pf8Wn5Ht2Xv7Rd4M";
const UMSPAY_KEY: &str = "eY6tU3iO9pQ1aZ8sD5fK";
const REDIS_PASSWORD: &str = "Lm2Nb7Vc4Xz9Qw1Er6Ty";

fn secrets() -> common::Secrets {
    common::Secrets {
        statum_secret: STATUM_SECRET,
        daraja_secret: DARAJA_SECRET,
        passkey: PASSKEY.into(),
        initiator_password: INITIATOR_PASSWORD.into(),
        umspay_key: UMSPAY_KEY,
    }
}

/// A secret token in the callback URLs (the README's callback recipe).
const URL_TOKEN: &str = "Po3Iu8Yt5Re2Wq7As9Df";

/// Every 8-character window of every form in which a secret could leak: as is, in base64
/// at each of the three byte alignments (so inside a Basic credential too), and in hex.
fn forbidden(tokens: &[String]) -> Vec<String> {
    let mut secrets: Vec<String> = [
        STATUM_SECRET,
        DARAJA_SECRET,
        PASSKEY,
        INITIATOR_PASSWORD,
        UMSPAY_KEY,
        REDIS_PASSWORD,
        URL_TOKEN,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    secrets.extend(tokens.iter().cloned());
    let mut forms = Vec::new();
    for secret in &secrets {
        forms.push(secret.clone());
        forms.push(secret.bytes().map(|b| format!("{b:02x}")).collect());
        for pad in 0..3usize {
            let mut bytes = vec![0u8; pad];
            bytes.extend_from_slice(secret.as_bytes());
            let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
            // Drop the groups that hold filler or depend on what follows the secret.
            let start = if pad == 0 { 0 } else { 4 };
            let end = encoded.len().saturating_sub(4);
            if end > start {
                forms.push(encoded[start..end].to_string());
            }
        }
    }
    let mut windows: Vec<String> = forms
        .iter()
        .flat_map(|f| {
            let chars: Vec<char> = f.chars().collect();
            chars
                .windows(8)
                .map(|w| w.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect();
    windows.sort();
    windows.dedup();
    windows
}

#[test]
fn no_secret_in_errors_debug_output_error_json_or_logs() {
    log::set_boxed_logger(Box::new(Application(tuma::logging::Redacting(Capture)))).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let mut config = SandboxConfig::default();
    config.statum.consumer_secret = STATUM_SECRET.into();
    config.daraja.consumer_secret = DARAJA_SECRET.into();
    config.daraja.passkey = PASSKEY.into();
    config.daraja.initiator_password = INITIATOR_PASSWORD.into();
    config.daraja.callback_delay = Duration::from_secs(3600);
    config.umspay.api_key = UMSPAY_KEY.into();
    let sandbox = Sandbox::start(config).unwrap();
    let http = HttpConfig {
        timeout_ms: 400,
        connect_timeout_ms: 200,
        retry_initial_backoff_ms: 5,
        retry_max_backoff_ms: 20,
        ..HttpConfig::default()
    };
    let mut good_config = common::full_config(
        &sandbox,
        &secrets(),
        http.clone(),
        &format!("http://127.0.0.1:9/cb/{URL_TOKEN}"),
    );
    let mut store =
        tuma::store::StoreConfig::new(format!("redis://:{REDIS_PASSWORD}@127.0.0.1:9/"));
    store.timeout_ms = 100;
    good_config.store = Some(store);
    let good = Client::new(good_config.clone()).unwrap();

    let mut seen: Vec<String> = vec![format!("{good:?}"), format!("{good_config:?}")];
    let mut record = |result: Result<Value, tuma::Error>| {
        if let Err(e) = result {
            seen.push(e.to_string());
            seen.push(format!("{e:?}"));
            seen.push(tuma::ops::error_json(&e).to_string());
        }
    };

    // Every operation, successfully.
    let push = tuma::ops::call(
        &good,
        "daraja.stk_push",
        &json!({"phone": "0708374149", "amount": 5, "account_reference": "SEC1"}),
    );
    let checkout = push
        .as_ref()
        .map(|v| v["checkout_request_id"].as_str().unwrap_or("").to_string())
        .unwrap_or_default();
    record(push);
    let ums = tuma::ops::call(
        &good,
        "umspay.stk_push",
        &json!({"amount": 10, "phone": "0712345678", "reference": "SEC2"}),
    );
    let ums_id = ums
        .as_ref()
        .map(|v| {
            v["transaction_request_id"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default();
    record(ums);
    let calls: Vec<(&str, Value)> = vec![
        (
            "statum.send_sms",
            json!({"sender_id": "TUMA", "phone": "0712345678", "message": "hi"}),
        ),
        (
            "statum.airtime",
            json!({"phone": "0712345678", "amount": 10}),
        ),
        ("statum.account_details", json!({})),
        ("daraja.stk_query", json!({"checkout_request_id": checkout})),
        (
            "daraja.confirm_stk_payment",
            json!({"checkout_request_id": checkout}),
        ),
        (
            "daraja.c2b_register_urls",
            json!({"confirmation_url": "https://example.com/c", "validation_url": "https://example.com/v"}),
        ),
        (
            "daraja.c2b_simulate",
            json!({"phone": "254708374149", "amount": 10, "bill_ref_number": "A1"}),
        ),
        (
            "daraja.b2c",
            json!({"phone": "254708374149", "amount": 10, "remarks": "pay", "shortcode": "600981"}),
        ),
        (
            "daraja.b2b",
            json!({"party_b": "600000", "amount": 10, "remarks": "pay", "account_reference": "A1", "shortcode": "600981"}),
        ),
        (
            "daraja.transaction_status",
            json!({"transaction_id": "OEI2AK4Q16", "shortcode": "600981"}),
        ),
        ("daraja.account_balance", json!({"shortcode": "600981"})),
        (
            "daraja.reversal",
            json!({"transaction_id": "OEI2AK4Q16", "amount": 10, "remarks": "undo", "shortcode": "600981"}),
        ),
        (
            "daraja.dynamic_qr",
            json!({"merchant_name": "Shop", "ref_no": "R1", "amount": 10, "trx_code": "BG", "cpi": "174379"}),
        ),
        (
            "umspay.transaction_status",
            json!({"transaction_request_id": ums_id}),
        ),
        (
            "umspay.wait_for_status",
            json!({"transaction_request_id": ums_id, "timeout_ms": 2000}),
        ),
        (
            "umspay.confirm_payment",
            json!({"transaction_request_id": ums_id}),
        ),
        (
            "daraja.b2c_topup",
            json!({"party_b": "600981", "amount": 10, "account_reference": "A1", "remarks": "top up"}),
        ),
        (
            "daraja.b2pochi",
            json!({"phone": "254708374149", "amount": 10, "remarks": "pay", "shortcode": "600981"}),
        ),
        (
            "daraja.remit_tax",
            json!({"amount": 10, "account_reference": "PRN1", "remarks": "tax"}),
        ),
        (
            "daraja.b2b_express_checkout",
            json!({"primary_short_code": "600100", "amount": 10, "payment_ref": "P1", "callback_url": "https://example.com/e", "partner_name": "Shop"}),
        ),
        (
            "daraja.pull_register",
            json!({"nominated_number": "0708374149", "callback_url": "https://example.com/p"}),
        ),
        ("daraja.pull_transactions", json!({})),
        (
            "daraja.ratiba_create",
            json!({"standing_order_name": "S1", "phone": "0708374149", "amount": 10, "frequency": "monthly", "start_date": "20300101", "end_date": "20301231", "account_reference": "A1", "callback_url": "https://example.com/r"}),
        ),
        (
            "daraja.bill_optin",
            json!({"email": "b@example.com", "official_contact": "0708374149", "send_reminders": true, "callback_url": "https://example.com/b"}),
        ),
        (
            "daraja.bill_change_optin",
            json!({"email": "b@example.com", "official_contact": "0708374149", "send_reminders": false, "callback_url": "https://example.com/b"}),
        ),
        (
            "daraja.bill_invoice",
            json!({"external_reference": "S-1", "billed_full_name": "Jane", "billed_phone_number": "0708374149", "billed_period": "May 2030", "invoice_name": "Fees", "due_date": "2030-05-31", "account_reference": "A1", "amount": 10}),
        ),
        (
            "daraja.bill_invoices",
            json!({"invoices": [{"external_reference": "S-2", "billed_full_name": "Jane", "billed_phone_number": "0708374149", "billed_period": "May 2030", "invoice_name": "Fees", "due_date": "2030-05-31", "account_reference": "A1", "amount": 10}]}),
        ),
        (
            "daraja.bill_cancel_invoice",
            json!({"external_reference": "S-1"}),
        ),
        (
            "daraja.bill_cancel_invoices",
            json!({"invoices": [{"external_reference": "S-2"}]}),
        ),
        (
            "daraja.bill_reconciliation",
            json!({"payment_date": "2030-05-01", "paid_amount": 10, "account_reference": "A1", "transaction_id": "TQ4K7XG2MB", "phone_number": "0708374149", "full_name": "Jane", "invoice_name": "Fees", "external_reference": "S-1"}),
        ),
        ("journal.reconcile", json!({"older_than_ms": 0})),
        // The store is unreachable: a typed error that must not show the Redis password.
        ("callbacks.first_time", json!({"id": "x"})),
        (
            "callbacks.complete",
            json!({"claim": "0123456789abcdef.statum.result:r"}),
        ),
        (
            "callbacks.release",
            json!({"claim": "0123456789abcdef.statum.result:r"}),
        ),
        (
            "callbacks.receive",
            json!({"kind": "statum.result", "body": "{\"request_id\":\"r\",\"result_code\":\"200\",\"result_desc\":\"ok\"}"}),
        ),
    ];
    for op in tuma::ops::operations() {
        assert!(
            op == "daraja.stk_push"
                || op == "umspay.stk_push"
                || calls.iter().any(|(name, _)| *name == op),
            "{op} is not driven by this test"
        );
    }
    for (op, request) in &calls {
        record(tuma::ops::call(&good, op, request));
    }

    // Error paths: wrong credentials, bad input, faults, an unreachable provider.
    let mut wrong = common::full_config(
        &sandbox,
        &common::Secrets {
            statum_secret: "SECRET-statum-4f1c9a-wrong",
            daraja_secret: "SECRET-daraja-7b2e51-wrong",
            passkey: "SECRET-passkey-90d3aa-wrong".into(),
            initiator_password: "SECRET-initiator-6c!-wrong".into(),
            umspay_key: "SECRET-umspay-e85f02-wrong",
        },
        http.clone(),
        "http://127.0.0.1:9",
    );
    wrong.umspay.as_mut().unwrap().base_url = sandbox.umspay_url();
    let wrong = Client::new(wrong).unwrap();
    for (op, request) in &calls {
        record(tuma::ops::call(&wrong, op, request));
    }
    for (op, request) in [
        (
            "statum.airtime",
            json!({"phone": "0812345678", "amount": 10}),
        ),
        (
            "daraja.stk_push",
            json!({"phone": "0708374149", "amount": 0.5, "account_reference": "X"}),
        ),
        (
            "umspay.stk_push",
            json!({"amount": 5, "phone": "0712345678", "reference": ""}),
        ),
        (
            "daraja.b2c",
            json!({"phone": "0708374149", "amount": 10, "remarks": "x", "extra": PASSKEY}),
        ),
    ] {
        record(tuma::ops::call(&good, op, &request));
    }
    for fault in [
        Fault::TruncatedJson,
        Fault::HtmlPage,
        Fault::Status {
            status: 429,
            retry_after: Some(1),
        },
        Fault::CloseAfterProcessing,
        Fault::Latency(Duration::from_millis(600)),
    ] {
        for (op, request, path) in [
            (
                "statum.airtime",
                json!({"phone": "0712345678", "amount": 11}),
                "/airtime",
            ),
            (
                "daraja.b2c",
                json!({"phone": "254708374149", "amount": 10, "remarks": "pay", "shortcode": "600981"}),
                "/b2c/",
            ),
            (
                "umspay.stk_push",
                json!({"amount": 10, "phone": "0712345678", "reference": "F"}),
                "initiatestkpush",
            ),
        ] {
            sandbox.inject(FaultRule::new(path, fault.clone(), 1));
            record(tuma::ops::call(&good, op, &request));
            sandbox.clear_faults();
        }
    }
    let mut tokens: Vec<String> = sandbox.daraja().issued_tokens();
    sandbox.inject(FaultRule::new("/oauth/", Fault::TruncatedJson, 5));
    sandbox.daraja().expire_tokens();
    record(tuma::ops::call(
        &good,
        "daraja.account_balance",
        &json!({"shortcode": "600981"}),
    ));
    sandbox.clear_faults();
    record(Client::from_env().map(|_| Value::Null));
    record(Config::from_json(&format!(r#"{{"statum": {{"consumer_key": "k", "consumer_secret": 5}}, "umspay": {{"api_key": ["{UMSPAY_KEY}"]}}}}"#)).map(|_| Value::Null));
    record(Config::from_json(&format!(r#"{{"statum": {{"consumer_key": "k", "consumer_secret": "{STATUM_SECRET}", "nope": 1}}}}"#)).map(|_| Value::Null));

    tokens.extend(sandbox.daraja().issued_tokens());
    assert!(!tokens.is_empty());
    let logs = LOG.lock().unwrap().clone();
    assert!(!logs.is_empty(), "the logger captured tuma's log lines");
    assert!(
        DUMPS.load(Ordering::Relaxed) > 100,
        "TRACE was on for every crate: the byte dumps reached the logger"
    );
    assert!(seen.len() > 100, "errors were produced: {}", seen.len());
    let windows = forbidden(&tokens);
    assert!(windows.len() > 500, "{}", windows.len());
    for text in seen.iter().chain(logs.iter()) {
        for window in &windows {
            assert!(
                !text.contains(window.as_str()),
                "a secret leaked ({window:?}): {text}"
            );
        }
    }
}
