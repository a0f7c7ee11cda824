//! Behaviour of the UMS Pay emulator, driven over HTTP with a plain `ureq` client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};
use tuma_sandbox::umspay::{self, Settings};
use tuma_sandbox::{Sandbox, SandboxConfig};

const KEY: &str = "sandbox-umspay-key";
const EMAIL: &str = "dev@tuma.test";
const ACCOUNT: &str = "UMPAY-SANDBOX";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into()
}

fn start(settings: Settings) -> Sandbox {
    Sandbox::start(SandboxConfig {
        umspay: settings,
        ..Default::default()
    })
    .expect("sandbox starts")
}

type Answer = (u16, Option<String>, Value);

fn read(mut resp: ureq::http::Response<ureq::Body>) -> Answer {
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, retry_after, body)
}

fn post(sb: &Sandbox, path: &str, body: &Value) -> Answer {
    read(
        agent()
            .post(format!("{}{path}", sb.umspay_url()))
            .send_json(body)
            .expect("request"),
    )
}

fn push_body(msisdn: &str, amount: Value, reference: &str) -> Value {
    json!({
        "api_key": KEY,
        "email": EMAIL,
        "account_id": ACCOUNT,
        "amount": amount,
        "msisdn": msisdn,
        "reference": reference,
    })
}

/// Initiates a push that must succeed; returns the transaction id.
fn push(sb: &Sandbox, msisdn: &str, amount: u64, reference: &str) -> String {
    let (status, _, body) = post(
        sb,
        "/initiatestkpush",
        &push_body(msisdn, json!(amount), reference),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], "200", "{body}");
    assert_eq!(body["message"], "Request processed successfully");
    let id = body["transaction_request_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("UMSPID"), "{id}");
    assert_eq!(id.len(), 25, "{id}");
    assert!(id[6..].bytes().all(|b| b.is_ascii_digit()), "{id}");
    id
}

fn status_of(sb: &Sandbox, id: &str) -> Value {
    let (status, _, body) = post(
        sb,
        "/transactionstatus",
        &json!({"api_key": KEY, "email": EMAIL, "transaction_request_id": id}),
    );
    assert_eq!(status, 200);
    body
}

fn assert_error(answer: &Answer, code: &str, contains: &str) {
    let (status, _, body) = answer;
    assert_eq!(*status, 200, "errors come back with HTTP 200: {body}");
    assert_eq!(body["ResultCode"], code, "{body}");
    let message = body["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains(contains), "{message:?} lacks {contains:?}");
}

/// A tiny webhook receiver that answers 200 and reports each body it received.
struct Hook {
    url: String,
    rx: mpsc::Receiver<Value>,
}

impl Hook {
    fn start() -> Hook {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/ums", listener.local_addr().unwrap());
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':') {
                        if k.eq_ignore_ascii_case("content-length") {
                            len = v.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                );
                let _ = stream.flush();
                let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Hook { url, rx }
    }

    fn next(&self) -> Value {
        self.rx
            .recv_timeout(Duration::from_secs(2))
            .expect("a webhook arrives")
    }
}

#[test]
fn push_is_pending_then_completed() {
    let sb = start(Settings::default());
    let id = push(&sb, "254712345678", 1500, "ORDER-1");
    let ledger = sb.processed_payments();
    assert_eq!(ledger.len(), 1);
    assert_eq!(
        (ledger[0].provider, ledger[0].operation),
        ("umspay", "stk_push")
    );
    assert_eq!(ledger[0].identity, "254712345678:1500:ORDER-1");

    let pending = status_of(&sb, &id);
    assert_eq!(pending["ResultCode"], "200");
    assert_eq!(pending["TransactionStatus"], "Pending");
    assert_eq!(pending["ResultDesc"], "Transaction is pending");
    assert_eq!(pending["TransactionReceipt"], "");

    thread::sleep(Duration::from_millis(200));
    let done = status_of(&sb, &id);
    assert_eq!(done["ResultCode"], "200");
    assert_eq!(done["ResultDesc"], "Success");
    assert_eq!(done["TransactionID"], json!(id));
    assert_eq!(done["TransactionAccountID"], ACCOUNT);
    assert_eq!(done["TransactionStatus"], "Completed");
    assert_eq!(done["TransactionCode"], "0");
    assert_eq!(done["TransactionAmount"], "1500");
    assert_eq!(done["Msisdn"], "254712345678");
    assert_eq!(done["TransactionReference"], "ORDER-1");
    let receipt = done["TransactionReceipt"].as_str().unwrap();
    assert_eq!(receipt.len(), 10);
    assert!(receipt
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    // "MM/DD/YY hh:mm AM"
    let date = done["TransactionDate"].as_str().unwrap();
    assert_eq!(date.len(), 17, "{date}");
    assert_eq!(&date[2..3], "/");
    assert_eq!(&date[5..6], "/");
    assert!(date.ends_with(" AM") || date.ends_with(" PM"), "{date}");
    let mpesa: Value = serde_json::from_str(done["MpesaResponse"].as_str().unwrap()).unwrap();
    assert_eq!(mpesa["Body"]["stkCallback"]["ResultCode"], 0);
}

#[test]
fn test_numbers_choose_the_outcome() {
    let sb = start(Settings {
        pending_for: Duration::from_millis(50),
        ..Default::default()
    });
    let cases = [
        (umspay::MSISDN_CANCELLED, "Cancelled", "1032"),
        (umspay::MSISDN_TIMEOUT, "Timeout", "1037"),
        (umspay::MSISDN_INSUFFICIENT_BALANCE, "Failed", "1"),
        ("254112345678", "Completed", "0"),
    ];
    let ids: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(i, (msisdn, _, _))| push(&sb, msisdn, 100, &format!("REF-{i}")))
        .collect();
    thread::sleep(Duration::from_millis(100));
    for ((msisdn, status, code), id) in cases.iter().zip(&ids) {
        let body = status_of(&sb, id);
        assert_eq!(body["TransactionStatus"], *status, "{msisdn}");
        assert_eq!(body["TransactionCode"], *code, "{msisdn}");
        if *status == "Completed" {
            assert_eq!(body["TransactionReceipt"].as_str().unwrap().len(), 10);
        } else {
            assert_eq!(body["TransactionReceipt"], "", "{msisdn}");
        }
    }
}

#[test]
fn wrong_credentials_are_result_code_102() {
    let sb = start(Settings::default());
    let mut body = push_body("254712345678", json!(100), "R1");
    body["api_key"] = json!("nope");
    assert_error(
        &post(&sb, "/initiatestkpush", &body),
        "102",
        "Invalid API key",
    );
    let mut body = push_body("254712345678", json!(100), "R1");
    body["email"] = json!("someone@else.test");
    assert_error(
        &post(&sb, "/initiatestkpush", &body),
        "102",
        "Invalid API key",
    );
    assert_error(
        &post(
            &sb,
            "/transactionstatus",
            &json!({"api_key": "nope", "email": EMAIL, "transaction_request_id": "UMSPID1"}),
        ),
        "102",
        "Invalid API key",
    );
    assert_eq!(sb.umspay().transaction_count(), 0);
    assert!(sb.processed_payments().is_empty());
}

#[test]
fn inactive_account_cannot_push() {
    let sb = start(Settings {
        account_active: false,
        ..Default::default()
    });
    let answer = post(
        &sb,
        "/initiatestkpush",
        &push_body("254712345678", json!(100), "R1"),
    );
    assert_error(
        &answer,
        "400",
        "Your UMS Pay account is not active! Activate your account by paying the subscription fee of Ksh 500",
    );
    assert!(sb.processed_payments().is_empty());
    sb.umspay().set_account_active(true);
    push(&sb, "254712345678", 100, "R1");
    sb.umspay().set_account_active(false);
    let answer = post(
        &sb,
        "/initiatestkpush",
        &push_body("254712345678", json!(100), "R2"),
    );
    assert_error(&answer, "400", "not active");
}

#[test]
fn invalid_fields_are_named() {
    let sb = start(Settings {
        rate_per_second: 100,
        ..Default::default()
    });
    let cases = [
        (push_body("254712345678", json!(9), "R"), "amount"),
        (push_body("254712345678", json!(10.5), "R"), "amount"),
        (push_body("254712345678", json!("ten"), "R"), "amount"),
        (push_body("254712345678", json!(null), "R"), "amount"),
        (push_body("0712345678", json!(100), "R"), "msisdn"),
        (push_body("+254712345678", json!(100), "R"), "msisdn"),
        (push_body("254612345678", json!(100), "R"), "msisdn"),
        (push_body("254712345678", json!(100), ""), "reference"),
    ];
    for (body, field) in cases {
        let (status, _, answer) = post(&sb, "/initiatestkpush", &body);
        assert_eq!(status, 200);
        assert_eq!(answer["ResultCode"], "102", "{body}");
        assert!(
            answer["errorMessage"].as_str().unwrap().contains(field),
            "{answer} should name {field}"
        );
    }
    let mut no_reference = push_body("254712345678", json!(100), "R");
    no_reference.as_object_mut().unwrap().remove("reference");
    assert_error(
        &post(&sb, "/initiatestkpush", &no_reference),
        "102",
        "reference",
    );
    let mut other_account = push_body("254712345678", json!(100), "R");
    other_account["account_id"] = json!("ACC-OTHER");
    assert_error(
        &post(&sb, "/initiatestkpush", &other_account),
        "400",
        "not active",
    );
    // Not JSON at all.
    let answer = read(
        agent()
            .post(format!("{}/initiatestkpush", sb.umspay_url()))
            .header("Content-Type", "application/json")
            .send("amount=100")
            .unwrap(),
    );
    assert_error(&answer, "102", "JSON");
    assert_eq!(sb.umspay().transaction_count(), 0);

    // A numeric string amount is accepted.
    let (_, _, ok) = post(
        &sb,
        "/initiatestkpush",
        &push_body("254712345678", json!("250"), "R-STR"),
    );
    assert_eq!(ok["success"], "200", "{ok}");
    assert_eq!(
        sb.processed_payments()[0].identity,
        "254712345678:250:R-STR"
    );
}

#[test]
fn unknown_transaction_does_not_exist() {
    let sb = start(Settings::default());
    let answer = post(
        &sb,
        "/transactionstatus",
        &json!({"api_key": KEY, "email": EMAIL, "transaction_request_id": "UMSPID0101202400000012345"}),
    );
    assert_error(
        &answer,
        "400",
        "Transaction with id UMSPID0101202400000012345 does not exist!",
    );
    let answer = post(
        &sb,
        "/transactionstatus",
        &json!({"api_key": KEY, "email": EMAIL}),
    );
    assert_error(&answer, "102", "transaction_request_id");
}

#[test]
fn legacy_aliases_work() {
    let sb = start(Settings {
        pending_for: Duration::from_millis(20),
        ..Default::default()
    });
    let (_, _, body) = post(
        &sb,
        "/intiatestk",
        &push_body("254712345678", json!(100), "LEGACY"),
    );
    assert_eq!(body["success"], "200", "{body}");
    let id = body["transaction_request_id"].as_str().unwrap();
    thread::sleep(Duration::from_millis(40));
    let (_, _, status) = post(
        &sb,
        "/transactionstatus",
        &json!({"api_key": KEY, "email": EMAIL, "tranasaction_request_id": id}),
    );
    assert_eq!(status["ResultCode"], "200", "{status}");
    assert_eq!(status["TransactionStatus"], "Completed");
    assert_eq!(status["TransactionReference"], "LEGACY");
}

#[test]
fn rate_limit_answers_429_beyond_10_per_second() {
    let sb = start(Settings::default());
    let mut answers = Vec::new();
    for i in 0..12 {
        answers.push(post(
            &sb,
            "/initiatestkpush",
            &push_body("254712345678", json!(100), &format!("R{i}")),
        ));
    }
    let limited: Vec<&Answer> = answers.iter().filter(|a| a.0 == 429).collect();
    assert_eq!(limited.len(), 2);
    for (_, retry_after, body) in &limited {
        assert_eq!(retry_after.as_deref(), Some("1"));
        assert_eq!(
            *body,
            json!({"ResultCode": "429", "errorMessage": "Too many requests"})
        );
    }
    // Refused requests were not processed.
    assert_eq!(sb.umspay().transaction_count(), 10);
    assert_eq!(sb.processed_payments().len(), 10);
    assert_eq!(sb.umspay().too_many_requests(), 2);
    assert!(sb.umspay().max_requests_in_any_second() >= 12);

    // Both endpoints count against the same key.
    let (status, _, _) = post(
        &sb,
        "/transactionstatus",
        &json!({"api_key": KEY, "email": EMAIL, "transaction_request_id": "x"}),
    );
    assert_eq!(status, 429);

    // Another key has its own budget.
    let mut other = push_body("254712345678", json!(100), "R");
    other["api_key"] = json!("other-key");
    assert_error(
        &post(&sb, "/initiatestkpush", &other),
        "102",
        "Invalid API key",
    );

    thread::sleep(Duration::from_millis(1050));
    push(&sb, "254712345678", 100, "AFTER");
}

#[test]
fn daily_quota_answers_429() {
    let sb = start(Settings {
        daily_quota: 3,
        ..Default::default()
    });
    for i in 0..3 {
        push(&sb, "254712345678", 100, &format!("D{i}"));
    }
    let (status, retry_after, body) = post(
        &sb,
        "/initiatestkpush",
        &push_body("254712345678", json!(100), "D3"),
    );
    assert_eq!(status, 429);
    assert_eq!(body["ResultCode"], "429");
    assert!(body["errorMessage"]
        .as_str()
        .unwrap()
        .contains("Daily limit"));
    let secs: u64 = retry_after.unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&secs));
    assert_eq!(sb.umspay().transaction_count(), 3);
    assert_eq!(sb.umspay().too_many_requests(), 1);
}

/// The keys of an observed webhook (statum_umspay.md §2.6), receipt only on success.
const OBSERVED_KEYS: [&str; 10] = [
    "ResponseCode",
    "ResponseDescription",
    "MerchantRequestID",
    "CheckoutRequestID",
    "TransactionID",
    "TransactionAmount",
    "TransactionReceipt",
    "TransactionDate",
    "TransactionReference",
    "Msisdn",
];

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn expected_keys(with_receipt: bool) -> Vec<String> {
    let mut k: Vec<String> = OBSERVED_KEYS
        .iter()
        .filter(|k| with_receipt || **k != "TransactionReceipt")
        .map(|k| k.to_string())
        .collect();
    k.sort();
    k
}

#[test]
fn webhook_is_one_observed_payload_per_final_result() {
    let hook = Hook::start();
    let sb = start(Settings {
        webhook_url: Some(hook.url.clone()),
        pending_for: Duration::from_millis(100),
        ..Default::default()
    });
    let id = push(&sb, "254712345678", 1500, "ORDER-9");
    // Nothing at acceptance: the first webhook is the final result.
    let done = hook.next();
    assert_eq!(keys(&done), expected_keys(true), "{done}");
    assert!(done.get("event").is_none(), "{done}");
    assert_eq!(done["ResponseCode"], json!(0));
    assert!(done["ResponseDescription"].is_string());
    assert_eq!(done["TransactionID"], json!(id));
    assert_eq!(done["TransactionAmount"], json!(1500));
    assert_eq!(done["TransactionReference"], "ORDER-9");
    assert_eq!(done["Msisdn"], "254712345678");
    assert!(done["CheckoutRequestID"]
        .as_str()
        .unwrap()
        .starts_with("ws_CO_"));
    assert!(done["MerchantRequestID"].is_string());
    let date = done["TransactionDate"].as_str().unwrap();
    assert_eq!(date.len(), 14);
    assert!(date.bytes().all(|b| b.is_ascii_digit()));
    // The receipt matches what the status endpoint reports.
    let status = status_of(&sb, &id);
    assert_eq!(done["TransactionReceipt"], status["TransactionReceipt"]);
    // Exactly one webhook for the push.
    assert!(hook.rx.recv_timeout(Duration::from_millis(300)).is_err());

    // A cancelled push: one webhook, the raw code, no receipt, no event.
    push(&sb, umspay::MSISDN_CANCELLED, 200, "ORDER-10");
    let failed = hook.next();
    assert_eq!(keys(&failed), expected_keys(false), "{failed}");
    assert_eq!(failed["ResponseCode"], json!(1032));
    assert!(hook.rx.recv_timeout(Duration::from_millis(300)).is_err());

    // No webhook once the URL is cleared.
    sb.umspay().set_webhook_url(None);
    push(&sb, "254712345678", 100, "ORDER-11");
    assert!(hook.rx.recv_timeout(Duration::from_millis(250)).is_err());
}

#[test]
fn event_field_setting_follows_the_docs_prose() {
    let hook = Hook::start();
    let sb = start(Settings {
        webhook_url: Some(hook.url.clone()),
        pending_for: Duration::from_millis(100),
        event_field: true,
        ..Default::default()
    });
    let id = push(&sb, "254712345678", 1500, "ORDER-9");
    let first = hook.next();
    assert_eq!(first["event"], "payment.initiated");
    assert!(first.get("ResponseCode").is_none());
    assert!(first.get("TransactionReceipt").is_none());
    assert_eq!(first["TransactionID"], json!(id));
    let done = hook.next();
    assert_eq!(done["event"], "payment.completed");
    assert_eq!(done["ResponseCode"], json!(0));

    push(&sb, umspay::MSISDN_CANCELLED, 200, "ORDER-10");
    assert_eq!(hook.next()["event"], "payment.initiated");
    let failed = hook.next();
    assert_eq!(failed["event"], "payment.failed");
    assert_eq!(failed["ResponseCode"], json!(1032));
    assert!(failed.get("TransactionReceipt").is_none());
}

#[test]
fn errors_use_only_published_wording() {
    let sb = start(Settings::default());
    // An unknown account_id: ResultCode "400" with the one published "400" wording
    // (seed 004), nothing invented about the id.
    let mut other_account = push_body("254712345678", json!(100), "R");
    other_account["account_id"] = json!("ACC-OTHER");
    let answer = post(&sb, "/initiatestkpush", &other_account);
    assert_eq!(
        answer.2,
        json!({"ResultCode": "400", "errorMessage": "Your UMS Pay account is not active! Activate your account by paying the subscription fee of Ksh 500"})
    );
    // Wrong method: "201" "Invalid … request method" (statum_umspay.md §2.2).
    let answer = read(
        agent()
            .get(format!("{}/initiatestkpush", sb.umspay_url()))
            .call()
            .unwrap(),
    );
    assert_eq!(
        answer.2,
        json!({"ResultCode": "201", "errorMessage": "Invalid request method"})
    );
    // Unknown transaction: seed 004's own answer.
    let answer = post(
        &sb,
        "/transactionstatus",
        &json!({"api_key": KEY, "email": EMAIL, "transaction_request_id": "UMSPID2306202515304598765"}),
    );
    assert_eq!(
        answer.2,
        json!({"ResultCode": "400", "errorMessage": "Transaction with id UMSPID2306202515304598765 does not exist!"})
    );
    assert!(sb.processed_payments().is_empty());
}

#[test]
fn wrong_method_and_unknown_path() {
    let sb = start(Settings::default());
    let answer = read(
        agent()
            .get(format!("{}/initiatestkpush", sb.umspay_url()))
            .call()
            .unwrap(),
    );
    assert_error(&answer, "201", "method");
    let (status, _, _) = post(&sb, "/stkpush", &json!({}));
    assert_eq!(status, 404);
}
