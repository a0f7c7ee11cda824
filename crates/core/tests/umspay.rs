//! UMS Pay against the sandbox: every outcome, typed errors, the rate limiter, 429s,
//! webhooks, input checks and secrecy of the API key.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tuma::umspay::{
    error_kind, parse_webhook, TransactionStatus, UmsPayConfig, UmsPayErrorKind, WebhookEventKind,
};
use tuma::{ops, Client, Config, Error, HttpConfig};
use tuma_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};

const KEY: &str = "sandbox-umspay-key";
const EMAIL: &str = "dev@tuma.test";
const ACCOUNT: &str = "UMPAY-SANDBOX";
const PAYS: &str = "0712 345 678";
const FAILS: &str = "254700000001";
const CANCELS: &str = "254700001032";
const TIMES_OUT: &str = "254700001037";
const PUSH_PATH: &str = "/umspay/api/v1/initiatestkpush";
const STATUS_PATH: &str = "/umspay/api/v1/transactionstatus";

fn sandbox_with(configure: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut config = SandboxConfig::default();
    configure(&mut config);
    Sandbox::start(config).expect("sandbox starts")
}

fn config_for(sandbox: &Sandbox, key: &str) -> UmsPayConfig {
    UmsPayConfig::new(key, EMAIL, ACCOUNT).with_base_url(sandbox.umspay_url())
}

fn client_with(umspay: UmsPayConfig) -> Client {
    Client::new(Config {
        umspay: Some(umspay),
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

fn client_for(sandbox: &Sandbox) -> Client {
    client_with(config_for(sandbox, KEY))
}

#[test]
fn every_outcome_through_wait_for_status() {
    let sandbox = sandbox_with(|c| c.umspay.pending_for = Duration::from_millis(400));
    let client = client_for(&sandbox);
    let umspay = client.umspay();

    let paid = umspay
        .stk_push(&tuma::umspay::StkPushRequest::new(1500, PAYS, "ORDER-1"))
        .unwrap();
    assert!(paid.transaction_request_id.starts_with("UMSPID"));
    assert_eq!(paid.msisdn, "254712345678");
    assert_eq!(paid.message, "Request processed successfully");
    let early = umspay
        .transaction_status(&paid.transaction_request_id)
        .unwrap();
    assert_eq!(early.state(), "pending");
    assert!(!early.is_final());
    assert_eq!(
        umspay
            .confirm_payment(&paid.transaction_request_id)
            .unwrap(),
        None
    );

    let status = umspay
        .wait_for_status(&paid.transaction_request_id, Duration::from_secs(10))
        .unwrap();
    let TransactionStatus::Completed(done) = &status else {
        panic!("expected completed, got {status:?}");
    };
    assert_eq!(done.transaction_request_id, paid.transaction_request_id);
    assert!(!done.receipt.is_empty());
    assert_eq!(done.amount, 1500.0);
    assert_eq!(done.msisdn, "254712345678");
    assert_eq!(done.reference, "ORDER-1");
    assert!(!done.date.is_empty());
    assert_eq!(status.code(), Some("0"));
    let confirmed = umspay
        .confirm_payment(&paid.transaction_request_id)
        .unwrap()
        .expect("completed payments are confirmed");
    assert_eq!(&confirmed, done);

    for (phone, state, code) in [
        (FAILS, "failed", "1"),
        (CANCELS, "cancelled", "1032"),
        (TIMES_OUT, "timeout", "1037"),
    ] {
        let push = umspay
            .stk_push(&tuma::umspay::StkPushRequest::new(10, phone, "ORDER-2"))
            .unwrap();
        let status = umspay
            .wait_for_status(&push.transaction_request_id, Duration::from_secs(10))
            .unwrap();
        assert_eq!(status.state(), state, "{status:?}");
        assert_eq!(status.code(), Some(code));
        assert!(status.is_final() && !status.is_completed());
        if let TransactionStatus::Failed(f)
        | TransactionStatus::Cancelled(f)
        | TransactionStatus::Timeout(f) = &status
        {
            assert!(!f.description.is_empty());
            assert_eq!(f.msisdn.as_deref(), Some(phone));
        }
        assert_eq!(
            umspay
                .confirm_payment(&push.transaction_request_id)
                .unwrap(),
            None
        );
    }
    assert_eq!(sandbox.requests_to(PUSH_PATH), 4);
    assert_eq!(sandbox.processed_payments().len(), 4);
}

#[test]
fn wait_for_status_gives_the_last_pending_status_at_its_timeout() {
    let sandbox = sandbox_with(|c| c.umspay.pending_for = Duration::from_secs(30));
    let client = client_for(&sandbox);
    let push = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(100, PAYS, "SLOW"))
        .unwrap();
    let start = Instant::now();
    let status = client
        .umspay()
        .wait_for_status(&push.transaction_request_id, Duration::from_millis(1_200))
        .unwrap();
    let took = start.elapsed();
    assert_eq!(status.state(), "pending");
    assert_eq!(status.transaction_request_id(), push.transaction_request_id);
    assert!(took >= Duration::from_millis(1_200), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    // Backoff: at once, +250, +375, +562 (then the deadline): a handful of polls, not a flood.
    let polls = sandbox.requests_to(STATUS_PATH);
    assert!((3..=6).contains(&polls), "{polls} polls");
}

#[test]
fn unknown_transaction_and_inactive_account_are_distinct_typed_errors() {
    let sandbox = sandbox_with(|c| c.umspay.account_active = false);
    let client = client_for(&sandbox);
    let umspay = client.umspay();

    let err = umspay
        .transaction_status("UMSPID0101202400000012345")
        .unwrap_err();
    assert_eq!(err.kind(), "api", "{err}");
    assert_eq!(err.code(), Some("transaction_not_found"));
    assert_eq!(error_kind(&err), Some(UmsPayErrorKind::TransactionNotFound));
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(err.to_string().contains("ResultCode 400"), "{err}");
    // Not a passing failure: wait_for_status gives it back at once.
    let start = Instant::now();
    let err = umspay
        .wait_for_status("UMSPID0101202400000012345", Duration::from_secs(5))
        .unwrap_err();
    assert_eq!(error_kind(&err), Some(UmsPayErrorKind::TransactionNotFound));
    assert!(start.elapsed() < Duration::from_secs(1));

    let err = umspay
        .stk_push(&tuma::umspay::StkPushRequest::new(100, PAYS, "ORDER-9"))
        .unwrap_err();
    assert_eq!(err.code(), Some("account_inactive"), "{err}");
    assert_eq!(error_kind(&err), Some(UmsPayErrorKind::AccountInactive));
    assert_eq!(err.status(), Some(200), "UMS Pay refuses with HTTP 200");
    assert!(!err.outcome_unknown());
    assert!(sandbox.processed_payments().is_empty());
    let json = ops::error_json(&err);
    assert_eq!(json["code"], "account_inactive");
    assert_eq!(json["provider"], "umspay");

    sandbox.umspay().set_account_active(true);
    assert!(umspay
        .stk_push(&tuma::umspay::StkPushRequest::new(100, PAYS, "ORDER-9"))
        .is_ok());

    let wrong_account = client_with(
        UmsPayConfig::new(KEY, EMAIL, "NO-SUCH-ACCOUNT").with_base_url(sandbox.umspay_url()),
    );
    let err = wrong_account
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(100, PAYS, "X"))
        .unwrap_err();
    // statum_umspay.md §2.3: ResultCode "400" is "account missing or not active", one
    // refusal for both (the published wording is the inactive one).
    assert_eq!(
        error_kind(&err),
        Some(UmsPayErrorKind::AccountInactive),
        "{err}"
    );
    assert_eq!(err.fate(), tuma::Fate::Refused);
}

#[test]
fn a_wrong_api_key_is_an_authentication_error_that_never_shows_the_key() {
    let sandbox = sandbox_with(|_| {});
    let client = client_with(config_for(&sandbox, "wrong-key-4f9a2c"));
    let err = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(100, PAYS, "ORDER-1"))
        .unwrap_err();
    assert_eq!(err.kind(), "authentication", "{err}");
    assert_eq!(error_kind(&err), None);
    for text in [
        err.to_string(),
        format!("{err:?}"),
        ops::error_json(&err).to_string(),
    ] {
        assert!(!text.contains("wrong-key-4f9a2c"), "{text}");
    }
    assert!(sandbox.processed_payments().is_empty());
}

#[test]
fn thirty_calls_from_eight_threads_stay_under_the_rate_limit() {
    let sandbox = sandbox_with(|c| c.umspay.pending_for = Duration::from_millis(50));
    let client = client_for(&sandbox);
    let first = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(50, PAYS, "SEED"))
        .unwrap();
    let start = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let client = client.clone();
            let id = first.transaction_request_id.clone();
            std::thread::spawn(move || {
                let mut ok = 0;
                // 8 threads share 30 calls: threads 0..6 make 4, threads 6 and 7 make 3.
                let calls = if t < 6 { 4 } else { 3 };
                for i in 0..calls {
                    let result = if (t + i) % 2 == 0 {
                        client
                            .umspay()
                            .stk_push(&tuma::umspay::StkPushRequest::new(
                                10 + i as u64,
                                PAYS,
                                format!("T{t}-{i}"),
                            ))
                            .map(|_| ())
                    } else {
                        client.umspay().transaction_status(&id).map(|_| ())
                    };
                    result.expect("no call fails");
                    ok += 1;
                }
                ok
            })
        })
        .collect();
    let done: u32 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    let took = start.elapsed();
    assert_eq!(done, 30);
    assert_eq!(sandbox.umspay().too_many_requests(), 0);
    let peak = sandbox.umspay().max_requests_in_any_second();
    assert!((1..=10).contains(&peak), "peak {peak} in one second");
    // 31 requests at 10 per second cannot take less than 3 windows.
    assert!(took >= Duration::from_secs(2), "{took:?}");
    assert_eq!(client.umspay().requests_today(), 31);
}

#[test]
fn a_429_is_typed_and_the_push_is_not_resent() {
    let sandbox = sandbox_with(|_| {});
    let client = client_for(&sandbox);
    sandbox.inject(FaultRule::new(
        "initiatestkpush",
        Fault::Status {
            status: 429,
            retry_after: Some(1),
        },
        1,
    ));
    let err = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(250, PAYS, "ORDER-429"))
        .unwrap_err();
    assert_eq!(err.kind(), "rate_limited", "{err}");
    assert!(matches!(err, Error::RateLimited { .. }));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(ops::error_json(&err)["retry_after_ms"], 1000);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(sandbox.requests_to(PUSH_PATH), 1, "never resent");
    assert!(sandbox.processed_payments().is_empty());

    // A status query is safe to repeat: its 429 is retried, through the limiter.
    let push = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(250, PAYS, "ORDER-430"))
        .unwrap();
    sandbox.inject(FaultRule::new(
        "transactionstatus",
        Fault::Status {
            status: 429,
            retry_after: Some(1),
        },
        1,
    ));
    let start = Instant::now();
    let status = client
        .umspay()
        .transaction_status(&push.transaction_request_id)
        .unwrap();
    assert_eq!(status.transaction_request_id(), push.transaction_request_id);
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "waited Retry-After"
    );
    assert_eq!(sandbox.requests_to(STATUS_PATH), 2);
    assert_eq!(sandbox.processed_payments().len(), 1);
}

#[test]
fn the_daily_quota_stops_calls_before_sending() {
    let sandbox = sandbox_with(|_| {});
    let mut config = config_for(&sandbox, KEY);
    config.daily_quota = 3;
    let client = client_with(config);
    let push = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(100, PAYS, "Q-1"))
        .unwrap();
    client
        .umspay()
        .transaction_status(&push.transaction_request_id)
        .unwrap();
    client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(100, PAYS, "Q-2"))
        .unwrap();
    let before = sandbox.request_count();
    let err = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(100, PAYS, "Q-3"))
        .unwrap_err();
    assert_eq!(err.kind(), "rate_limited");
    assert!(err.to_string().contains("daily quota used up"), "{err}");
    assert!(err.retry_after().unwrap() <= Duration::from_secs(86_400));
    let err = client
        .umspay()
        .transaction_status(&push.transaction_request_id)
        .unwrap_err();
    assert_eq!(err.kind(), "rate_limited");
    assert_eq!(sandbox.request_count(), before);
    assert_eq!(client.umspay().requests_today(), 3);
}

#[test]
fn a_lower_configured_rate_is_respected() {
    let sandbox = sandbox_with(|_| {});
    let mut config = config_for(&sandbox, KEY);
    config.rate_per_second = 2;
    let client = client_with(config);
    let start = Instant::now();
    for i in 0..5 {
        client
            .umspay()
            .stk_push(&tuma::umspay::StkPushRequest::new(
                10,
                PAYS,
                format!("R-{i}"),
            ))
            .unwrap();
    }
    // Slots 3 and 5 each wait for a window after an earlier answer.
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert!(sandbox.umspay().max_requests_in_any_second() <= 2);
}

/// Accepts HTTP POSTs on a local port and hands their bodies over.
fn webhook_listener() -> (String, mpsc::Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let _ = serve_one(stream, &tx);
            });
        }
    });
    (format!("http://{addr}/umspay/webhook"), rx)
}

fn serve_one(mut stream: TcpStream, tx: &mpsc::Sender<Vec<u8>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    loop {
        let mut length = None;
        let mut close = false;
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        assert!(line.starts_with("POST /umspay/webhook "), "{line}");
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            if line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                }
                if name.eq_ignore_ascii_case("connection") {
                    close = value.trim().eq_ignore_ascii_case("close");
                }
            }
        }
        let mut body = vec![0; length.expect("Content-Length")];
        reader.read_exact(&mut body)?;
        tx.send(body).ok();
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")?;
        if close {
            return Ok(());
        }
    }
}

fn post(url: &str, body: &[u8]) {
    let rest = url.strip_prefix("http://").unwrap();
    let (addr, path) = rest.split_once('/').unwrap();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST /{path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"));
}

fn receive(rx: &mpsc::Receiver<Vec<u8>>) -> Vec<u8> {
    rx.recv_timeout(Duration::from_secs(5)).expect("a webhook")
}

#[test]
fn webhooks_are_received_parsed_and_confirmed_by_query() {
    let (url, rx) = webhook_listener();
    let sandbox = sandbox_with(|c| {
        c.umspay.webhook_url = Some(url.clone());
        c.umspay.pending_for = Duration::from_millis(200);
    });
    let client = client_for(&sandbox);
    let umspay = client.umspay();

    let paid = umspay
        .stk_push(&tuma::umspay::StkPushRequest::new(700, PAYS, "INV-7"))
        .unwrap();
    // One webhook per final result, in the observed shape: no `event` field; the outcome
    // is read from ResponseCode.
    let completed = &parse_webhook(&receive(&rx)).expect("the sandbox's webhooks parse");
    assert!(completed.extra.get("event").is_none());
    assert_eq!(
        completed.transaction_request_id,
        paid.transaction_request_id
    );
    assert_eq!(completed.event, WebhookEventKind::Completed);
    assert_eq!(completed.status, tuma::PaymentStatus::Completed);
    assert!(completed.is_completed());
    assert_eq!(completed.response_code, Some(0));
    assert_eq!(completed.amount, Some(700.0));
    assert_eq!(completed.msisdn.as_deref(), Some("254712345678"));
    assert_eq!(completed.reference.as_deref(), Some("INV-7"));
    assert!(completed
        .checkout_request_id
        .as_deref()
        .unwrap()
        .starts_with("ws_CO_"));
    assert_eq!(completed.date.as_deref().map(str::len), Some(14));

    // Verify by query before shipping: the query agrees with the webhook.
    let confirmed = umspay.confirm_payment(completed).unwrap().expect("paid");
    assert_eq!(Some(&confirmed.receipt), completed.receipt.as_ref());
    // A forged webhook claiming another amount for the same id is caught.
    let mut forged = completed.clone();
    forged.amount = Some(70_000.0);
    let err = umspay.confirm_payment(&forged).unwrap_err();
    assert_eq!(err.kind(), "invalid_callback", "{err}");
    // A webhook for a payment that is not complete is not confirmed.
    let cancelled = umspay
        .stk_push(&tuma::umspay::StkPushRequest::new(20, CANCELS, "INV-8"))
        .unwrap();
    let failure = parse_webhook(&receive(&rx)).unwrap();
    assert_eq!(failure.event, WebhookEventKind::Failed);
    assert_eq!(failure.status, tuma::PaymentStatus::Cancelled);
    assert_eq!(
        failure.transaction_request_id,
        cancelled.transaction_request_id
    );
    assert_eq!(failure.response_code, Some(1032));
    assert_eq!(failure.receipt, None);
    assert_eq!(umspay.confirm_payment(&failure).unwrap(), None);

    // The same through the JSON entry points.
    let body = serde_json::to_vec(&json!({
        "ResponseCode": 0, "TransactionID": paid.transaction_request_id,
        "TransactionAmount": 700, "Msisdn": "254712345678", "TransactionReference": "INV-7",
        "Surprise": {"kept": true}
    }))
    .unwrap();
    post(&url, &body);
    let received = receive(&rx);
    let value = ops::parse_callback("umspay.webhook", &received).unwrap();
    assert_eq!(value["event"], "payment.completed");
    assert_eq!(value["extra"]["Surprise"]["kept"], true);
    let confirmed = ops::call(
        &client,
        "umspay.confirm_payment",
        &json!({"webhook": String::from_utf8(received).unwrap()}),
    )
    .unwrap();
    assert_eq!(confirmed["reference"], "INV-7");

    // Malformed bodies arriving on the listener are refused, typed.
    for bad in [
        &b"not json"[..],
        b"[]",
        b"{\"ResponseCode\":0}",
        b"{\"TransactionID\":\"U1\",\"ResponseCode\":\"zero\"}",
        b"{\"TransactionID\":\"U1\",\"event\":\"payment.exploded\"}",
        b"\xff\xfe",
    ] {
        post(&url, bad);
        let received = receive(&rx);
        let err = parse_webhook(&received).unwrap_err();
        assert_eq!(err.kind(), "invalid_callback", "{bad:?}");
        let err = ops::parse_callback("umspay.webhook", &received).unwrap_err();
        assert!(matches!(err, Error::InvalidCallback { .. }));
    }
}

#[test]
fn bad_inputs_are_refused_before_any_request() {
    let sandbox = sandbox_with(|_| {});
    let client = client_for(&sandbox);
    let u = client.umspay();
    let long_reference = "R".repeat(101);
    type Case<'a> = (&'a str, Box<dyn Fn() -> Result<(), Error> + 'a>);
    let push = |amount: u64,
                phone: &'static str,
                reference: &'static str|
     -> Box<dyn Fn() -> Result<(), Error>> {
        let client = client.clone();
        Box::new(move || {
            client
                .umspay()
                .stk_push(&tuma::umspay::StkPushRequest::new(amount, phone, reference))
                .map(|_| ())
        })
    };
    let cases: Vec<Case> = vec![
        ("amount", push(0, PAYS, "R")),
        ("amount", push(9, PAYS, "R")),
        ("amount", push(250_001, PAYS, "R")),
        ("phone", push(100, "", "R")),
        ("phone", push(100, "12345", "R")),
        ("phone", push(100, "07123456789", "R")),
        ("phone", push(100, "+1 555 123 4567", "R")),
        ("phone", push(100, "0712-ABC-678", "R")),
        ("reference", push(100, PAYS, "")),
        ("reference", push(100, PAYS, "   ")),
        ("reference", push(100, PAYS, "bad\u{7}ref")),
        (
            "reference",
            Box::new(|| {
                u.stk_push(&tuma::umspay::StkPushRequest::new(
                    100,
                    PAYS,
                    &long_reference,
                ))
                .map(|_| ())
            }),
        ),
        (
            "transaction_request_id",
            Box::new(|| u.transaction_status("").map(|_| ())),
        ),
        (
            "transaction_request_id",
            Box::new(|| u.wait_for_status(" ", Duration::from_secs(1)).map(|_| ())),
        ),
        (
            "transaction_request_id",
            Box::new(|| u.confirm_payment("").map(|_| ())),
        ),
    ];
    for (field, case) in &cases {
        let err = case().unwrap_err();
        assert_eq!(err.kind(), "invalid_input", "{field}: {err}");
        assert_eq!(err.field(), Some(*field), "{err}");
    }
    // The JSON path rejects what a u64 cannot express.
    for (request, field) in [
        (
            json!({"amount": 10.5, "phone": PAYS, "reference": "R"}),
            "amount",
        ),
        (
            json!({"amount": "ten", "phone": PAYS, "reference": "R"}),
            "amount",
        ),
        (
            json!({"amount": -20, "phone": PAYS, "reference": "R"}),
            "amount",
        ),
        (json!({"phone": PAYS, "reference": "R"}), "amount"),
        (
            json!({"amount": 10, "phone": 712345678, "reference": "R"}),
            "phone",
        ),
        (
            json!({"amount": 10, "phone": PAYS, "reference": "R", "msisdn": "x"}),
            "msisdn",
        ),
    ] {
        let err = ops::call(&client, "umspay.stk_push", &request).unwrap_err();
        assert_eq!(err.field(), Some(field), "{request}: {err}");
    }
    let err = ops::call(
        &client,
        "umspay.wait_for_status",
        &json!({"transaction_request_id": "UMSPID1", "timeout_ms": -1}),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("timeout_ms"));
    let err = ops::call(&client, "umspay.confirm_payment", &json!({})).unwrap_err();
    assert_eq!(err.kind(), "invalid_input");
    assert_eq!(sandbox.request_count(), 0, "nothing was sent");
    assert_eq!(u.requests_today(), 0, "nothing was counted");
}

#[test]
fn json_operations_reach_every_call() {
    let sandbox = sandbox_with(|_| {});
    let client = client_for(&sandbox);
    for name in [
        "umspay.stk_push",
        "umspay.transaction_status",
        "umspay.wait_for_status",
        "umspay.confirm_payment",
    ] {
        assert!(ops::operations().contains(&name), "{name}");
    }
    assert!(ops::callback_kinds().contains(&"umspay.webhook"));

    let push = ops::call(
        &client,
        "umspay.stk_push",
        &json!({"amount": 150, "phone": "0712345678", "reference": "OPS-1"}),
    )
    .unwrap();
    assert_eq!(push["msisdn"], "254712345678");
    assert_eq!(push["amount"], 150);
    let id = push["transaction_request_id"].as_str().unwrap().to_string();
    let status = ops::call(
        &client,
        "umspay.wait_for_status",
        &json!({"transaction_request_id": id, "timeout_ms": 5000}),
    )
    .unwrap();
    assert_eq!(status["status"], "completed", "{status}");
    assert_eq!(status["amount"], 150.0);
    let again = ops::call(
        &client,
        "umspay.transaction_status",
        &json!({"transaction_request_id": id}),
    )
    .unwrap();
    assert_eq!(again, status);
    let confirmed = ops::call(
        &client,
        "umspay.confirm_payment",
        &json!({"transaction_request_id": id}),
    )
    .unwrap();
    assert_eq!(confirmed["receipt"], status["receipt"]);

    let failed = ops::call(
        &client,
        "umspay.stk_push",
        &json!({"amount": 20, "phone": FAILS, "reference": "OPS-2"}),
    )
    .unwrap();
    let id = failed["transaction_request_id"].as_str().unwrap();
    ops::call(
        &client,
        "umspay.wait_for_status",
        &json!({"transaction_request_id": id}),
    )
    .unwrap();
    let not_paid = ops::call(
        &client,
        "umspay.confirm_payment",
        &json!({"transaction_request_id": id}),
    )
    .unwrap();
    assert_eq!(not_paid, Value::Null);
    let err = ops::call(
        &client,
        "umspay.transaction_status",
        &json!({"transaction_request_id": "UMSPID-NOPE"}),
    )
    .unwrap_err();
    assert_eq!(ops::error_json(&err)["code"], "transaction_not_found");
}

#[test]
fn the_legacy_endpoint_can_be_chosen() {
    let sandbox = sandbox_with(|_| {});
    let mut config = config_for(&sandbox, KEY);
    config.legacy_endpoints = true;
    let client = client_with(config);
    client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(10, PAYS, "LEGACY"))
        .unwrap();
    assert_eq!(sandbox.requests_to("/umspay/api/v1/intiatestk"), 1);
    assert_eq!(sandbox.requests_to(PUSH_PATH), 0);
}

#[test]
fn the_api_key_never_shows_in_debug_output() {
    let secret = "umspay-key-7c1d9e";
    let config = UmsPayConfig::new(secret, EMAIL, ACCOUNT).with_base_url("http://127.0.0.1:9");
    assert!(!format!("{config:?}").contains(secret));
    let client = client_with(config);
    let debug = format!("{client:?}");
    assert!(!debug.contains(secret), "{debug}");
    assert!(debug.contains(EMAIL), "the rest is still shown: {debug}");
    assert!(!format!("{:?}", client.config()).contains(secret));
    // Nothing listens on port 9: the network error does not carry the body either.
    let err = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(10, PAYS, "X"))
        .unwrap_err();
    assert!(!err.to_string().contains(secret), "{err}");
    assert!(!format!("{err:?}").contains(secret));
}

#[test]
fn configuration_from_json_and_its_checks() {
    let config = Config::from_json(
        r#"{"umspay": {"api_key": "k", "email": "a@b.co", "account_id": "ACC"}}"#,
    )
    .unwrap();
    let u = config.umspay.as_ref().unwrap();
    assert_eq!(u.base_url, "https://api.umspay.co.ke/api/v1");
    assert_eq!((u.rate_per_second, u.daily_quota), (10, 5000));
    assert!(Client::new(config).is_ok());

    for (json, field) in [
        (
            r#"{"api_key": "", "email": "a@b.co", "account_id": "A"}"#,
            "umspay.api_key",
        ),
        (
            r#"{"api_key": "k", "email": "nope", "account_id": "A"}"#,
            "umspay.email",
        ),
        (
            r#"{"api_key": "k", "email": "a@b.co", "account_id": " "}"#,
            "umspay.account_id",
        ),
        (
            r#"{"api_key": "k", "email": "a@b.co", "account_id": "A", "base_url": "http://umspay.example"}"#,
            "umspay.base_url",
        ),
        (
            r#"{"api_key": "k", "email": "a@b.co", "account_id": "A", "rate_per_second": 0}"#,
            "umspay.rate_per_second",
        ),
        (
            r#"{"api_key": "k", "email": "a@b.co", "account_id": "A", "daily_quota": 0}"#,
            "umspay.daily_quota",
        ),
    ] {
        let config = Config::from_json(&format!(r#"{{"umspay": {json}}}"#)).unwrap();
        let err = Client::new(config).unwrap_err();
        assert_eq!(err.field(), Some(field), "{json}: {err}");
    }
    let err = Config::from_json(
        r#"{"umspay": {"api_key": "k", "email": "a@b.co", "account_id": "A", "apikey": "x"}}"#,
    )
    .unwrap_err();
    assert_eq!(err.kind(), "config");

    // A client without UMS Pay says so.
    let client = Client::new(Config::default()).unwrap();
    let err = client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(10, PAYS, "X"))
        .unwrap_err();
    assert_eq!(err.field(), Some("umspay"));
}

#[test]
fn configuration_from_the_environment() {
    // The only test in this binary that touches TUMA_UMSPAY_* variables.
    std::env::set_var("TUMA_UMSPAY_API_KEY", "env-key");
    std::env::remove_var("TUMA_UMSPAY_EMAIL");
    let err = UmsPayConfig::from_env().unwrap_err();
    assert_eq!(err.field(), Some("TUMA_UMSPAY_EMAIL"));
    std::env::set_var("TUMA_UMSPAY_EMAIL", "env@tuma.test");
    std::env::set_var("TUMA_UMSPAY_ACCOUNT_ID", "ENV-ACC");
    std::env::set_var("TUMA_UMSPAY_BASE_URL", "http://127.0.0.1:1/api/v1");
    std::env::set_var("TUMA_UMSPAY_RATE_PER_SECOND", "4");
    let config = UmsPayConfig::from_env().unwrap().unwrap();
    assert_eq!(config.api_key.expose(), "env-key");
    assert_eq!(config.email, "env@tuma.test");
    assert_eq!(config.account_id, "ENV-ACC");
    assert_eq!(config.base_url, "http://127.0.0.1:1/api/v1");
    assert_eq!(config.rate_per_second, 4);
    assert_eq!(config.daily_quota, 5000);
    for name in [
        "TUMA_UMSPAY_API_KEY",
        "TUMA_UMSPAY_EMAIL",
        "TUMA_UMSPAY_ACCOUNT_ID",
        "TUMA_UMSPAY_BASE_URL",
        "TUMA_UMSPAY_RATE_PER_SECOND",
    ] {
        std::env::remove_var(name);
    }
    assert!(UmsPayConfig::from_env().unwrap().is_none());
}
