//! Behaviour of the Statum emulator, driven over HTTP with a plain `ureq` client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};
use tuma_sandbox::statum::{self, Settings};
use tuma_sandbox::{Sandbox, SandboxConfig};

const KEY: &str = "sandbox-statum-key";
const SECRET: &str = "sandbox-statum-secret";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into()
}

fn basic(key: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"))
    )
}

fn start(settings: Settings) -> Sandbox {
    Sandbox::start(SandboxConfig {
        statum: settings,
        ..Default::default()
    })
    .expect("sandbox starts")
}

fn read(mut resp: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

fn post_with(sb: &Sandbox, path: &str, auth: Option<String>, body: &Value) -> (u16, Value) {
    let mut req = agent().post(format!("{}{path}", sb.statum_url()));
    if let Some(a) = auth {
        req = req.header("Authorization", &a);
    }
    read(
        req.header("Accept", "application/json")
            .send_json(body)
            .expect("request"),
    )
}

fn post(sb: &Sandbox, path: &str, body: &Value) -> (u16, Value) {
    post_with(sb, path, Some(basic(KEY, SECRET)), body)
}

fn get(sb: &Sandbox, path: &str) -> (u16, Value) {
    read(
        agent()
            .get(format!("{}{path}", sb.statum_url()))
            .header("Authorization", &basic(KEY, SECRET))
            .call()
            .expect("request"),
    )
}

fn assert_ok(status: u16, body: &Value) -> String {
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status_code"], 200);
    assert_eq!(body["description"], "Operation successful.");
    let id = body["request_id"].as_str().expect("request_id").to_string();
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    id
}

fn errors_for<'a>(body: &'a Value, field: &str) -> Vec<&'a str> {
    body["validation_errors"][field]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// A tiny webhook receiver: answers the scripted statuses in turn (then 200) and reports
/// each received body with the status it was answered.
struct Hook {
    url: String,
    rx: mpsc::Receiver<(u16, Value)>,
}

impl Hook {
    fn start(script: Vec<u16>) -> Hook {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut n = 0;
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let status = script.get(n).copied().unwrap_or(200);
                n += 1;
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
                let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                );
                let _ = stream.flush();
                if tx.send((status, value)).is_err() {
                    return;
                }
            }
        });
        Hook { url, rx }
    }

    fn next(&self) -> (u16, Value) {
        self.rx
            .recv_timeout(Duration::from_secs(2))
            .expect("a webhook arrives")
    }
}

#[test]
fn sms_success_charges_the_wallet() {
    let sb = start(Settings::default());
    let (status, body) = post(
        &sb,
        "/sms",
        &json!({"sender_id": "TUMA", "phone_number": "254712345678", "message": "Hello"}),
    );
    assert_ok(status, &body);
    assert!((sb.statum().balance() - 999.2).abs() < 1e-9);
    // SMS moves no money to a third party: no ledger entry.
    assert!(sb.processed_payments().is_empty());

    let (status, details) = get(&sb, "/account-details");
    assert_eq!(status, 200);
    assert_eq!(details["status_code"], 200);
    assert_eq!(
        details["organization"]["details"]["available_balance"],
        json!(999.2)
    );
    let accounts = details["organization"]["accounts"].as_array().unwrap();
    assert!(accounts
        .iter()
        .any(|a| a["account"] == "TUMA" && a["service_name"] == "sms"));
    assert!(details["request_id"].is_string());
}

#[test]
fn wrong_or_missing_credentials_are_401() {
    let sb = start(Settings::default());
    let body = json!({"sender_id": "TUMA", "phone_number": "254712345678", "message": "Hi"});
    for auth in [
        Some(basic(KEY, "wrong")),
        Some(basic("wrong", SECRET)),
        Some(format!("Bearer {}", SECRET)),
        Some("Basic !!!not-base64".to_string()),
        None,
    ] {
        let (status, resp) = post_with(&sb, "/sms", auth.clone(), &body);
        assert_eq!(status, 401, "{auth:?}");
        assert_eq!(resp["status_code"], 401);
        assert_eq!(resp["description"], "Unauthorized. Invalid credentials.");
        assert!(resp["request_id"].is_string());
    }
    let (status, _) = read(
        agent()
            .get(format!("{}/account-details", sb.statum_url()))
            .call()
            .unwrap(),
    );
    assert_eq!(status, 401);
    assert!((sb.statum().balance() - 1000.0).abs() < 1e-9);
}

#[test]
fn sms_validation_errors_are_422() {
    let sb = start(Settings::default());
    let (status, body) = post(
        &sb,
        "/sms",
        &json!({"sender_id": "TUMA", "phone_number": "+254712345678", "message": "Hi"}),
    );
    assert_eq!(status, 422);
    assert_eq!(body["status_code"], 422);
    assert_eq!(body["description"], "Validation failed.");
    assert_eq!(
        errors_for(&body, "phone_number"),
        ["The phone number must be between 10 and 12 digits."]
    );
    assert!(body["request_id"].is_string());

    // Local form passes the length rule but not the documented international format.
    let (status, body) = post(
        &sb,
        "/sms",
        &json!({"sender_id": "TUMA", "phone_number": "0712345678", "message": "Hi"}),
    );
    assert_eq!(status, 422);
    assert!(errors_for(&body, "phone_number")[0].contains("international format"));

    // Sender ids are case sensitive and must be registered.
    let (status, body) = post(
        &sb,
        "/sms",
        &json!({"sender_id": "tuma", "phone_number": "254712345678", "message": "Hi"}),
    );
    assert_eq!(status, 422);
    assert_eq!(
        errors_for(&body, "sender_id"),
        ["The selected sender id is invalid."]
    );

    let (status, body) = post(
        &sb,
        "/sms",
        &json!({"sender_id": "TUMA", "phone_number": "254712345678", "message": ""}),
    );
    assert_eq!(status, 422);
    assert_eq!(
        errors_for(&body, "message"),
        ["The message field is required."]
    );

    let (status, body) = post(&sb, "/sms", &json!({}));
    assert_eq!(status, 422);
    for field in ["sender_id", "phone_number", "message"] {
        assert_eq!(errors_for(&body, field).len(), 1, "{field}: {body}");
    }

    // A body that is not JSON at all.
    let (status, body) = read(
        agent()
            .post(format!("{}/sms", sb.statum_url()))
            .header("Authorization", &basic(KEY, SECRET))
            .header("Content-Type", "application/json")
            .send("sender_id=TUMA")
            .unwrap(),
    );
    assert_eq!(status, 400);
    assert_eq!(body["status_code"], 400);

    // Nothing was charged by any of these.
    assert!((sb.statum().balance() - 1000.0).abs() < 1e-9);
}

#[test]
fn airtime_amount_must_be_an_integer_string_in_range() {
    let sb = start(Settings {
        initial_balance: 20_000.0,
        ..Default::default()
    });
    let phone = "254712345678";
    let cases = [
        (json!(50), "The amount must be a string."),
        (json!("50.5"), "The amount must be an integer."),
        (json!("fifty"), "The amount must be an integer."),
        (json!("4"), "The amount must be between 5 and 10000."),
        (json!("10001"), "The amount must be between 5 and 10000."),
        (json!(null), "The amount field is required."),
    ];
    for (amount, message) in cases {
        let (status, body) = post(
            &sb,
            "/airtime",
            &json!({"phone_number": phone, "amount": amount}),
        );
        assert_eq!(status, 422, "{amount}");
        assert_eq!(errors_for(&body, "amount"), [message], "{amount}");
    }
    assert!(sb.processed_payments().is_empty());
    for amount in ["5", "10000"] {
        let (status, body) = post(
            &sb,
            "/airtime",
            &json!({"phone_number": phone, "amount": amount}),
        );
        assert_ok(status, &body);
    }
    assert_eq!(sb.processed_payments().len(), 2);
}

#[test]
fn airtime_charges_discounted_amount_and_records_ledger() {
    let sb = start(Settings::default());
    let (status, body) = post(
        &sb,
        "/airtime",
        &json!({"phone_number": "254712345678", "amount": "50"}),
    );
    let request_id = assert_ok(status, &body);
    // 50 less 3% = 48.50.
    assert!((sb.statum().balance() - 951.5).abs() < 1e-9);
    let ledger = sb.processed_payments();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].provider, "statum");
    assert_eq!(ledger[0].operation, "airtime");
    assert_eq!(ledger[0].identity, format!("254712345678:50:{request_id}"));

    let (_, details) = get(&sb, "/account-details");
    assert_eq!(
        details["organization"]["details"]["available_balance"],
        json!(951.5)
    );
}

#[test]
fn insufficient_funds_is_402_and_charges_nothing() {
    let sb = start(Settings::default());
    sb.statum().set_balance(10.0);
    let (status, body) = post(
        &sb,
        "/airtime",
        &json!({"phone_number": "254712345678", "amount": "50"}),
    );
    assert_eq!(status, 402);
    assert_eq!(body["status_code"], 402);
    assert_eq!(body["description"], "Insufficient funds.");
    assert!(body["request_id"].is_string());
    assert!((sb.statum().balance() - 10.0).abs() < 1e-9);
    assert!(sb.processed_payments().is_empty());

    sb.statum().set_balance(0.5);
    let (status, _) = post(
        &sb,
        "/sms",
        &json!({"sender_id": "Statum", "phone_number": "254712345678", "message": "Hi"}),
    );
    assert_eq!(status, 402);
    assert!((sb.statum().balance() - 0.5).abs() < 1e-9);
}

#[test]
fn airtime_webhook_is_delivered() {
    let hook = Hook::start(vec![]);
    let sb = start(Settings {
        callback_url: Some(hook.url.clone()),
        ..Default::default()
    });
    let (status, body) = post(
        &sb,
        "/airtime",
        &json!({"phone_number": "254712345678", "amount": "50"}),
    );
    let request_id = assert_ok(status, &body);
    let (answered, payload) = hook.next();
    assert_eq!(answered, 200);
    assert_eq!(
        payload,
        json!({
            "request_id": request_id,
            "charge": 48.5,
            "account_balance": 951.5,
            "result_code": "200",
            "result_desc": "You have topped up 254712345678 with Ksh. 50.",
        })
    );
    assert!(sb.wait_callbacks_idle(Duration::from_secs(2)));
    assert_eq!(sb.callback_attempts(), 1);
}

#[test]
fn airtime_webhook_is_retried_until_200() {
    let hook = Hook::start(vec![500]);
    let sb = start(Settings::default());
    sb.statum().set_callback_url(Some(hook.url.clone()));
    let (status, body) = post(
        &sb,
        "/airtime",
        &json!({"phone_number": "254712345678", "amount": "100"}),
    );
    let request_id = assert_ok(status, &body);
    let (first_status, first) = hook.next();
    let (second_status, second) = hook.next();
    assert_eq!((first_status, second_status), (500, 200));
    assert_eq!(first, second);
    assert_eq!(second["request_id"], json!(request_id));
    assert_eq!(second["charge"], json!(97.0));
    assert!(sb.wait_callbacks_idle(Duration::from_secs(2)));
    assert_eq!(sb.callback_attempts(), 2);
    // No third delivery once the receiver said 200.
    assert!(hook.rx.recv_timeout(Duration::from_millis(200)).is_err());
}

#[test]
fn failing_airtime_numbers_report_failure_and_refund() {
    let hook = Hook::start(vec![]);
    let sb = start(Settings {
        callback_url: Some(hook.url.clone()),
        ..Default::default()
    });
    for number in [
        statum::AIRTIME_FAILS_CANNOT_RECEIVE,
        statum::AIRTIME_FAILS_INACTIVE_LINE,
        statum::AIRTIME_FAILS_CARRIER_DOWN,
    ] {
        let (status, body) = post(
            &sb,
            "/airtime",
            &json!({"phone_number": number, "amount": "50"}),
        );
        let request_id = assert_ok(status, &body);
        let (_, payload) = hook.next();
        assert_eq!(payload["request_id"], json!(request_id));
        assert_eq!(payload["result_code"], "400");
        assert_eq!(payload["charge"], json!(0.0));
        assert_eq!(payload["account_balance"], json!(1000.0));
        assert!(payload["result_desc"]
            .as_str()
            .unwrap()
            .starts_with("Top up failed"));
    }
    assert_eq!(hook.rx.try_recv().ok(), None, "one webhook per top-up only");
    assert!((sb.statum().balance() - 1000.0).abs() < 1e-9);
    assert_eq!(
        statum::airtime_failure(statum::AIRTIME_FAILS_CANNOT_RECEIVE),
        Some("Top up failed: the number cannot receive airtime")
    );
}

#[test]
fn sms_to_the_dnd_number_is_refused() {
    let sb = start(Settings::default());
    let (status, body) = post(
        &sb,
        "/sms",
        &json!({"sender_id": "TUMA", "phone_number": statum::SMS_FAILS_DND, "message": "Hi"}),
    );
    assert_eq!(status, 400);
    assert_eq!(body["status_code"], 400);
    assert!((sb.statum().balance() - 1000.0).abs() < 1e-9);
}

#[test]
fn wrong_method_and_unknown_path() {
    let sb = start(Settings::default());
    let (status, body) = get(&sb, "/sms");
    assert_eq!((status, body["status_code"].clone()), (405, json!(405)));
    let (status, _) = post(&sb, "/account-details", &json!({}));
    assert_eq!(status, 405);
    let (status, body) = post(&sb, "/mpesa/online", &json!({}));
    assert_eq!((status, body["status_code"].clone()), (404, json!(404)));
    let (status, body) = read(
        agent()
            .get(format!("{}/account-details", sb.statum_url()))
            .header("Authorization", &basic(KEY, SECRET))
            .header("Accept", "text/xml")
            .call()
            .unwrap(),
    );
    assert_eq!((status, body["status_code"].clone()), (406, json!(406)));
}

#[test]
fn duplicate_window_refuses_similar_airtime() {
    let sb = start(Settings {
        duplicate_window: Some(Duration::from_secs(300)),
        ..Default::default()
    });
    let body = json!({"phone_number": "254712345678", "amount": "20"});
    let (status, resp) = post(&sb, "/airtime", &body);
    assert_ok(status, &resp);
    let (status, resp) = post(&sb, "/airtime", &body);
    assert_eq!(status, 400);
    assert_eq!(resp["status_code"], 400);
    let (status, resp) = post(
        &sb,
        "/airtime",
        &json!({"phone_number": "254712345678", "amount": "21"}),
    );
    assert_ok(status, &resp);
    assert_eq!(sb.processed_payments().len(), 2);
}

#[test]
fn the_control_api_injects_faults_and_reports_stats() {
    let sandbox = tuma_sandbox::Sandbox::start(Default::default()).unwrap();
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let base = sandbox.base_url();
    let r = agent
        .post(&format!("{base}/_sandbox/faults"))
        .send_json(serde_json::json!({"path_contains": "/account-details", "fault": "status=503", "times": 1}))
        .unwrap();
    assert_eq!(r.status(), 200);
    let url = format!("{}/account-details", sandbox.statum_url());
    let first = agent.get(&url).call().unwrap();
    assert_eq!(first.status(), 503);
    let second = agent.get(&url).call().unwrap();
    assert_eq!(
        second.status(),
        401,
        "the fault is used up; no credentials were sent"
    );
    let mut stats = agent.get(&format!("{base}/_sandbox/stats")).call().unwrap();
    let stats: serde_json::Value = stats.body_mut().read_json().unwrap();
    assert_eq!(stats["requests"], 2, "control calls are not counted");
    let bad = agent
        .post(&format!("{base}/_sandbox/faults"))
        .send_json(serde_json::json!({"fault": "nonsense"}))
        .unwrap();
    assert_eq!(bad.status(), 400);
}
