//! At most once, under fire: over a thousand money-moving calls across Daraja (STK, B2C,
//! B2B, reversal), Statum airtime and UMS Pay, each meeting a fault drawn from a fixed
//! seed. The sandbox's ledger proves that no payment was processed twice, that a call
//! reported as certainly not processed was not, and that a success was processed once.

mod common;

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use tuma::HttpConfig;
use tuma_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};

const CALLS: usize = 1_080;
const TIMEOUT_MS: u64 = 250;

fn faults() -> Vec<Option<Fault>> {
    let status = |status, retry_after| {
        Some(Fault::Status {
            status,
            retry_after,
        })
    };
    let mut menu = vec![None; 3];
    for _ in 0..3 {
        menu.extend([
            None,
            None,
            status(500, None),
            status(502, None),
            status(503, None),
            status(503, Some(1)),
            status(429, Some(1)),
            Some(Fault::HtmlPage),
            Some(Fault::TruncatedJson),
            Some(Fault::CloseBeforeRead),
            Some(Fault::CloseAfterProcessing),
            // Stand-ins, replaced per provider (see `for_provider`): a 5xx with the
            // provider's or a gateway's JSON after the work was done, and a documented
            // refusal in place of the work.
            Some(reply(0, "5xx-after-processing", true)),
            Some(reply(0, "documented-refusal", false)),
        ]);
    }
    // Slow faults are rarer, to keep the run short.
    menu.extend([
        Some(Fault::Latency(Duration::from_millis(TIMEOUT_MS + 150))),
        Some(Fault::Trickle(Duration::from_millis(60))),
    ]);
    menu
}

fn reply(status: u16, body: &str, processed: bool) -> Fault {
    Fault::Reply {
        status,
        body: body.into(),
        processed,
    }
}

/// The provider's own shape of the stand-in faults of the menu.
fn for_provider(op: &str, fault: Fault) -> Fault {
    let Fault::Reply {
        status: 0, body, ..
    } = &fault
    else {
        return fault;
    };
    let provider = op.split('.').next().unwrap_or("");
    match (body.as_str(), provider) {
        ("5xx-after-processing", "daraja") => reply(
            500,
            r#"{"requestId":"chaos","errorCode":"500.001.1001","errorMessage":"Internal server error"}"#,
            true,
        ),
        ("5xx-after-processing", "statum") => {
            reply(504, r#"{"message":"Endpoint request timed out"}"#, true)
        }
        ("5xx-after-processing", _) => reply(
            500,
            r#"{"ResultCode":"500","errorMessage":"Server error"}"#,
            true,
        ),
        (_, "daraja") => reply(
            400,
            r#"{"requestId":"chaos","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid Amount"}"#,
            false,
        ),
        (_, "statum") => reply(
            402,
            r#"{"status_code":402,"description":"Insufficient funds.","request_id":"chaos"}"#,
            false,
        ),
        _ => reply(
            200,
            r#"{"ResultCode":"400","errorMessage":"Your UMS Pay account is not active!"}"#,
            false,
        ),
    }
}

/// One money call: operation, request, the path it posts to, and the text that identifies
/// it in the sandbox's ledger.
fn money_call(n: usize) -> (&'static str, serde_json::Value, &'static str, String) {
    match n % 6 {
        0 => {
            let r = format!("S{n}");
            (
                "daraja.stk_push",
                json!({"phone": "0708374149", "amount": 1 + n as u64, "account_reference": r}),
                "/stkpush/",
                format!(":{r}:"),
            )
        }
        1 => {
            let id = format!("chaos-b2c-{n}-x");
            (
                "daraja.b2c",
                json!({"phone": "0708374149", "amount": 10, "remarks": "chaos", "shortcode": "600981", "originator_conversation_id": id}),
                "/b2c/",
                id,
            )
        }
        2 => {
            let r = format!("B{n}");
            (
                "daraja.b2b",
                json!({"party_b": "600000", "amount": 10, "remarks": "chaos", "account_reference": r, "shortcode": "600981"}),
                "/b2b/",
                format!(":{r}:"),
            )
        }
        3 => {
            let t = format!("RC{n:08}");
            (
                "daraja.reversal",
                json!({"transaction_id": t, "amount": 10, "remarks": "chaos", "shortcode": "600981"}),
                "/reversal/",
                format!("{t}:"),
            )
        }
        4 => (
            "statum.airtime",
            json!({"phone": "0712345678", "amount": 5 + n as u64}),
            "/airtime",
            format!("254712345678:{}:", 5 + n),
        ),
        _ => {
            let r = format!("U{n}X");
            (
                "umspay.stk_push",
                json!({"amount": 10, "phone": "0712345678", "reference": r}),
                "initiatestkpush",
                format!(":{r}"),
            )
        }
    }
}

#[test]
fn money_moves_at_most_once_under_random_faults() {
    let mut config = SandboxConfig::default();
    config.statum.initial_balance = 1e9;
    config.umspay.rate_per_second = 100_000;
    config.daraja.callback_delay = Duration::from_secs(3600); // no callback traffic needed
    let sandbox = Sandbox::start(config).unwrap();
    let client = common::full_client(
        &sandbox,
        HttpConfig {
            connect_timeout_ms: 200,
            timeout_ms: TIMEOUT_MS,
            retry_initial_backoff_ms: 5,
            retry_max_backoff_ms: 20,
            ..HttpConfig::default()
        },
    );
    // Warm the token so faults strike the money calls themselves.
    tuma::ops::call(
        &client,
        "daraja.account_balance",
        &json!({"shortcode": "600981"}),
    )
    .unwrap();

    let mut rng = StdRng::seed_from_u64(0x7u64 << 40 | 2026);
    let menu = faults();
    let (mut ok, mut unknown, mut refused, mut not_sent) = (0, 0, 0, 0);
    let mut outcomes = Vec::with_capacity(CALLS);
    for n in 0..CALLS {
        let (op, request, path, identity) = money_call(n);
        let fault = menu[rng.gen_range(0..menu.len())]
            .clone()
            .map(|f| for_provider(op, f));
        if let Some(f) = &fault {
            sandbox.inject(FaultRule::new(path, f.clone(), 1));
        }
        let before = sandbox.requests_to_containing(path);
        let started = Instant::now();
        let result = tuma::ops::call(&client, op, &request);
        let elapsed = started.elapsed();
        sandbox.clear_faults();
        assert!(
            elapsed < Duration::from_millis(TIMEOUT_MS * 3),
            "call {n} ({op}, {fault:?}) took {elapsed:?}"
        );
        let sent = sandbox.requests_to_containing(path) - before;
        assert!(
            sent <= 1,
            "call {n} ({op}, {fault:?}) was sent {sent} times"
        );
        if let Err(e) = &result {
            let recovery = e
                .recovery()
                .unwrap_or_else(|| panic!("call {n} ({op}) error without recovery ids: {e}"));
            assert_eq!(recovery.operation, op);
            let ids = serde_json::to_string(recovery).unwrap();
            let wanted = identity.trim_matches(':').split(':').next().unwrap();
            assert!(
                ids.contains(wanted),
                "call {n} ({op}): recovery {ids} lacks {wanted}"
            );
        }
        match &result {
            Ok(_) => ok += 1,
            Err(e) if e.outcome_unknown() => unknown += 1,
            Err(e) => {
                match e.fate() {
                    tuma::Fate::Refused => refused += 1,
                    _ => not_sent += 1,
                }
                assert!(
                    matches!(e.kind(), "api" | "rate_limited" | "network" | "timeout"),
                    "call {n}: unexpected error kind {}: {e}",
                    e.kind()
                );
            }
        }
        if std::env::var("CHAOS_TRACE").is_ok() {
            println!(
                "{n} {op} {fault:?} {elapsed:?} {:?}",
                result.as_ref().err().map(|e| e.kind())
            );
        }
        outcomes.push((n, op, fault, identity, result));
    }

    let ledger = sandbox.processed_payments();
    for (n, op, fault, identity, result) in &outcomes {
        let processed = ledger
            .iter()
            .filter(|p| p.identity.contains(identity.as_str()))
            .count();
        assert!(
            processed <= 1,
            "call {n} ({op}) processed {processed} times"
        );
        match result {
            Ok(_) => assert_eq!(
                processed, 1,
                "call {n} ({op}) succeeded but was not processed"
            ),
            Err(e) if !e.outcome_unknown() => assert_eq!(
                processed, 0,
                "call {n} ({op}, {fault:?}) said it certainly did not go through, but it did: {e}"
            ),
            Err(_) => {}
        }
    }
    println!("{CALLS} money calls: {ok} succeeded, {unknown} outcome unknown, {refused} refused, {not_sent} not sent");
    assert!(
        ok > 200 && unknown > 100 && refused > 20,
        "every class was exercised"
    );
}

#[test]
fn safe_calls_are_retried_through_transient_faults() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let client = common::full_client(
        &sandbox,
        HttpConfig {
            retry_initial_backoff_ms: 5,
            // Above the 1 s Retry-After of the injected 429s, which are then honoured.
            retry_max_backoff_ms: 1_000,
            ..HttpConfig::default()
        },
    );
    let push = tuma::ops::call(
        &client,
        "umspay.stk_push",
        &json!({"amount": 10, "phone": "0712345678", "reference": "Q1"}),
    )
    .unwrap();
    let id = push["transaction_request_id"].as_str().unwrap().to_string();
    let transient = [
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        Fault::Status {
            status: 502,
            retry_after: None,
        },
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        Fault::Status {
            status: 429,
            retry_after: Some(1),
        },
        Fault::HtmlPage,
        Fault::CloseBeforeRead,
    ];
    let queries: [(&str, serde_json::Value, &str); 3] = [
        ("statum.account_details", json!({}), "/account-details"),
        (
            "umspay.transaction_status",
            json!({"transaction_request_id": id}),
            "/transactionstatus",
        ),
        (
            "daraja.account_balance",
            json!({"shortcode": "600981"}),
            "/accountbalance/",
        ),
    ];
    for fault in &transient {
        for (op, request, path) in &queries {
            let before = sandbox.requests_to_containing(path);
            sandbox.inject(FaultRule::new(path, fault.clone(), 1));
            let result = tuma::ops::call(&client, op, request);
            sandbox.clear_faults();
            assert!(result.is_ok(), "{op} under {fault:?}: {:?}", result.err());
            let tries = sandbox.requests_to_containing(path) - before;
            let expected = if *fault == Fault::CloseBeforeRead {
                1
            } else {
                2
            };
            assert!(tries >= expected, "{op} under {fault:?}: {tries} requests");
        }
    }
    // The token fetch is retried too: the provider drops every token, the next call is
    // refused unprocessed, and the fresh token's first fetch meets a 503.
    sandbox.daraja().expire_tokens();
    sandbox.inject(FaultRule::new(
        "/oauth/",
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        1,
    ));
    let before = sandbox.daraja().token_requests();
    tuma::ops::call(
        &client,
        "daraja.account_balance",
        &json!({"shortcode": "600981"}),
    )
    .unwrap();
    assert_eq!(
        sandbox.daraja().token_requests() - before,
        1,
        "the 503 answered before a token was issued"
    );
    assert_eq!(sandbox.requests_to_containing("/oauth/"), 3);
}

#[test]
fn timeouts_hold_against_a_stalled_or_trickling_provider() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let client = common::full_client(
        &sandbox,
        HttpConfig {
            connect_timeout_ms: 100,
            timeout_ms: 300,
            max_retries: 0,
            ..HttpConfig::default()
        },
    );
    for fault in [
        Fault::Latency(Duration::from_secs(5)),
        Fault::Trickle(Duration::from_millis(200)),
    ] {
        sandbox.inject(FaultRule::new("/airtime", fault.clone(), 1));
        let started = Instant::now();
        let err = client
            .statum()
            .airtime(&tuma::statum::AirtimeRequest::new("0712345678", 50))
            .unwrap_err();
        let elapsed = started.elapsed();
        sandbox.clear_faults();
        assert!(
            elapsed < Duration::from_millis(800),
            "{fault:?}: {elapsed:?}"
        );
        assert!(err.outcome_unknown(), "{fault:?}: {err}");
    }
    // Nobody listening at all: refused at once, certainly not sent.
    let dead = tuma::Client::new(tuma::Config {
        statum: Some(tuma::StatumConfig::new("k", "s").with_base_url("http://127.0.0.1:9/api")),
        http: HttpConfig {
            max_retries: 0,
            ..HttpConfig::default()
        },
        ..tuma::Config::default()
    })
    .unwrap();
    let err = dead
        .statum()
        .airtime(&tuma::statum::AirtimeRequest::new("0712345678", 50))
        .unwrap_err();
    assert_eq!(err.kind(), "network");
    assert!(!err.outcome_unknown());
}
