//! The reconciler against the sandbox: callbacks the sandbox drops (STK, B2C, C2B) are
//! settled by queries, every payment of the sandbox's ledger ends with its final outcome in
//! the journal, nothing is paid twice, and two reconcilers sharing a Redis store never ask
//! about the same payment.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::json;
use tuma::daraja::{B2cRequest, C2bRegisterRequest, C2bSimulateRequest, StkPushRequest};
use tuma::store::StoreConfig;
use tuma::{
    Client, Config, HttpConfig, OutcomeSource, PaymentStatus, Provider, ReconcileAction,
    ReconcileReport, ReconcileRequest,
};
use tuma_sandbox::daraja::{
    LedgerEntry, B2C_PHONE_NOT_REGISTERED, STK_PHONE_CANCELLED, STK_PHONE_INSUFFICIENT,
    STK_PHONE_SUCCESS, STK_PHONE_TIMEOUT, STK_PHONE_WRONG_PIN,
};
use tuma_sandbox::receiver::WebhookReceiver;
use tuma_sandbox::redis_server::RedisServer;
use tuma_sandbox::{Sandbox, SandboxConfig};

const WAIT: Duration = Duration::from_secs(15);

fn http() -> HttpConfig {
    HttpConfig {
        timeout_ms: 10_000,
        connect_timeout_ms: 2_000,
        ..HttpConfig::default()
    }
}

/// The application's callback endpoint: every delivery goes through `receive_callback`
/// (which records outcomes in the journal) and its claim is completed.
struct Feeder {
    stop: Arc<AtomicBool>,
    handled: Arc<AtomicUsize>,
    thread: Option<thread::JoinHandle<HashMap<String, usize>>>,
}

impl Feeder {
    fn start(client: Client, hooks: WebhookReceiver) -> Feeder {
        let stop = Arc::new(AtomicBool::new(false));
        let handled = Arc::new(AtomicUsize::new(0));
        let (s, h) = (stop.clone(), handled.clone());
        let thread = thread::spawn(move || {
            let mut kinds: HashMap<String, usize> = HashMap::new();
            while !s.load(Ordering::SeqCst) {
                let Some(d) = hooks.next("/", Duration::from_millis(50)) else {
                    continue;
                };
                let kind = match d.path.as_str() {
                    "/stk" => "daraja.stk_callback",
                    "/result" => "daraja.result",
                    "/timeout" => "daraja.queue_timeout",
                    "/c2b/confirmation" => "daraja.c2b_confirmation",
                    "/umspay" => "umspay.webhook",
                    _ => {
                        h.fetch_add(1, Ordering::SeqCst);
                        continue;
                    }
                };
                let received = client.receive_callback(kind, &d.body).unwrap();
                if let Some(claim) = &received.claim {
                    client.complete_callback(claim).unwrap();
                }
                *kinds.entry(kind.to_string()).or_default() += 1;
                h.fetch_add(1, Ordering::SeqCst);
            }
            kinds
        });
        Feeder {
            stop,
            handled,
            thread: Some(thread),
        }
    }

    /// Waits until the sandbox has nothing left to deliver and every delivery was handled.
    fn settle(&self, sandbox: &Sandbox) {
        assert!(sandbox.daraja().wait_background_idle(WAIT));
        assert!(sandbox.daraja().wait_ledger_final(WAIT));
        assert!(sandbox.wait_callbacks_idle(WAIT));
        let mut last = usize::MAX;
        loop {
            thread::sleep(Duration::from_millis(200));
            let now = self.handled.load(Ordering::SeqCst);
            if now == last {
                return;
            }
            last = now;
        }
    }

    fn stop(mut self) -> HashMap<String, usize> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.take().unwrap().join().unwrap()
    }
}

fn sandbox_dropping(percent: u8, seed: u64, kinds: &[&str], hooks: &WebhookReceiver) -> Sandbox {
    let mut config = SandboxConfig::default();
    config.daraja.callback_drop_percent = percent;
    config.daraja.callback_drop_seed = seed;
    config.daraja.callback_drop_kinds = kinds.iter().map(|k| k.to_string()).collect();
    config.umspay.webhook_url = Some(format!("{}/umspay", hooks.base_url));
    config.umspay.pending_for = Duration::from_millis(100);
    Sandbox::start(config).unwrap()
}

fn config(sandbox: &Sandbox, hooks: &str) -> Config {
    common::full_config(sandbox, &common::sandbox_secrets(sandbox), http(), hooks)
}

const STK_PHONES: &[&str] = &[
    STK_PHONE_SUCCESS,
    STK_PHONE_SUCCESS,
    STK_PHONE_CANCELLED,
    STK_PHONE_SUCCESS,
    STK_PHONE_TIMEOUT,
    STK_PHONE_INSUFFICIENT,
    STK_PHONE_SUCCESS,
    STK_PHONE_WRONG_PIN,
];

fn push_stk(client: &Client, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let phone = STK_PHONES[i % STK_PHONES.len()];
            client
                .daraja()
                .stk_push(&StkPushRequest::new(phone, 10 + i as u64, format!("R{i}")))
                .unwrap()
                .checkout_request_id
        })
        .collect()
}

fn pay_b2c(client: &Client, sandbox: &Sandbox, n: usize, failing_every: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let phone = if (i + 1) % failing_every == 0 {
                B2C_PHONE_NOT_REGISTERED
            } else {
                STK_PHONE_SUCCESS
            };
            let mut r = B2cRequest::new(phone, 100 + i as u64, "Payout");
            r.shortcode = Some(sandbox.daraja().settings().b2c_shortcode.clone());
            client.daraja().b2c(&r).unwrap().originator_conversation_id
        })
        .collect()
}

/// The status the journal must hold for a ledger entry.
fn expected_status(e: &LedgerEntry) -> PaymentStatus {
    let code = e.result_code.as_deref().unwrap_or_default();
    match e.kind {
        "stk" => PaymentStatus::of_stk_code(code),
        _ => PaymentStatus::of_result_code(code),
    }
}

/// One reconciliation of every open payment (no C2B) while a feeder passes the results of
/// its transaction status queries to `receive_callback`.
fn reconcile_fed(client: &Client, hooks: WebhookReceiver) -> ReconcileReport {
    let feeder = Feeder::start(client.clone(), hooks);
    let report = client
        .reconcile(&ReconcileRequest {
            wait_for_results_ms: Some(10_000),
            c2b: Some(false),
            ..ReconcileRequest::new(0)
        })
        .unwrap();
    feeder.stop();
    report
}

fn asked(report: &ReconcileReport) -> HashSet<String> {
    report
        .payments
        .iter()
        .filter(|p| {
            !matches!(
                p.action,
                ReconcileAction::Skipped | ReconcileAction::Found | ReconcileAction::ReceiptFound
            )
        })
        .map(|p| p.id.clone())
        .collect()
}

#[test]
fn thirty_percent_of_callbacks_dropped_then_every_payment_reconciled() {
    let hooks = WebhookReceiver::start().unwrap();
    let base = hooks.base_url.clone();
    let sandbox = sandbox_dropping(30, 7, &["stk", "b2c", "c2b"], &hooks);
    let client = Client::new(config(&sandbox, &base)).unwrap();
    let feeder = Feeder::start(client.clone(), hooks);
    client
        .daraja()
        .c2b_register_urls(&C2bRegisterRequest {
            shortcode: None,
            response_type: Default::default(),
            confirmation_url: format!("{base}/c2b/confirmation"),
            validation_url: format!("{base}/c2b/validation"),
        })
        .unwrap();

    let stk = push_stk(&client, 20);
    let b2c = pay_b2c(&client, &sandbox, 10, 5);
    for i in 0..10u64 {
        client
            .daraja()
            .c2b_simulate(&C2bSimulateRequest {
                shortcode: None,
                command_id: Default::default(),
                amount: 50 + i,
                phone: STK_PHONE_SUCCESS.into(),
                bill_ref_number: Some(format!("C2B-{i}")),
            })
            .unwrap();
    }
    feeder.settle(&sandbox);

    let ledger = sandbox.daraja().ledger();
    let dropped = |kind: &str| {
        ledger
            .iter()
            .filter(|e| e.kind == kind && e.callback.name() == "dropped")
            .count()
    };
    let (stk_dropped, b2c_dropped, c2b_dropped) = (dropped("stk"), dropped("b2c"), dropped("c2b"));
    assert_eq!(
        (stk_dropped, b2c_dropped, c2b_dropped),
        (6, 3, 3),
        "30 % of each kind's callbacks are dropped"
    );
    // Before reconciling, the journal lacks exactly the dropped outcomes.
    let open = |id: &str| {
        client
            .journal_entry(Provider::Daraja, id)
            .unwrap()
            .is_none_or(|e| !e.is_final())
    };
    assert_eq!(
        stk.iter().chain(&b2c).filter(|id| open(id)).count(),
        stk_dropped + b2c_dropped
    );

    let stk_queries = sandbox.requests_to("/daraja/mpesa/stkpushquery/v1/query");
    let started = Instant::now();
    let report = client
        .reconcile(&ReconcileRequest {
            max_queries_per_second: Some(20),
            wait_for_results_ms: Some(10_000),
            not_found_final_after_ms: Some(0),
            ..ReconcileRequest::new(0)
        })
        .unwrap();
    let took = started.elapsed();
    let kinds = feeder.stop();

    assert_eq!(report.errors, 0, "{report:#?}");
    assert_eq!(report.c2b_error, None);
    assert_eq!(report.examined as usize, stk_dropped + b2c_dropped);
    assert_eq!(report.awaiting_result, 0, "{report:#?}");
    assert_eq!(report.pending, 0);
    assert_eq!(report.c2b_found as usize, c2b_dropped);
    assert_eq!(
        report.resolved as usize,
        stk_dropped + b2c_dropped + c2b_dropped
    );
    // One query per open payment, and the Pull Transactions pages (the last one empty).
    assert_eq!(
        sandbox.requests_to("/daraja/mpesa/stkpushquery/v1/query") - stk_queries,
        stk_dropped as u64
    );
    assert_eq!(
        sandbox.requests_to("/daraja/mpesa/transactionstatus/v1/query"),
        b2c_dropped as u64
    );
    let pull_pages = sandbox.requests_to("/daraja/pulltransactions/v1/query");
    assert!((1..=2).contains(&pull_pages), "{pull_pages}");
    assert_eq!(
        u64::from(report.queries),
        (stk_dropped + b2c_dropped) as u64 + pull_pages
    );

    // Every payment of the ledger has its final outcome in the journal, as the ledger says.
    let paid_stk_by_query = ledger
        .iter()
        .filter(|e| e.kind == "stk" && e.paid && e.callback.name() == "dropped")
        .count();
    assert_eq!(report.receipts_found as usize, paid_stk_by_query);
    for e in &ledger {
        let entry = client
            .journal_entry(Provider::Daraja, &e.id)
            .unwrap()
            .unwrap_or_else(|| panic!("{} {} is not in the journal", e.kind, e.id));
        let outcome = entry
            .outcome
            .as_ref()
            .unwrap_or_else(|| panic!("{} {} has no final outcome", e.kind, e.id));
        assert!(e.is_final);
        assert_eq!(outcome.status, expected_status(e), "{e:?} {outcome:?}");
        assert_eq!(outcome.status == PaymentStatus::Completed, e.paid, "{e:?}");
        assert_eq!(outcome.receipt, e.receipt, "{e:?} {outcome:?}");
        assert_eq!(entry.amount as i64 * 100, e.amount_cents);
        let by_callback = e.callback.name() == "scheduled";
        let expected_source = match (e.kind, by_callback) {
            (_, true) => OutcomeSource::Callback,
            ("c2b", false) => OutcomeSource::Pull,
            _ => OutcomeSource::Query,
        };
        assert_eq!(outcome.source, expected_source, "{e:?}");
        // Every code is the ledger's, except a failed B2C settled by transaction status,
        // which only says that no such transaction went through.
        if e.kind == "b2c" && !e.paid && !by_callback {
            assert_eq!(outcome.result_code, "25");
        } else {
            assert_eq!(Some(outcome.result_code.clone()), e.result_code, "{e:?}");
        }
    }

    // Nothing was paid twice: each payment once in the ledger, one request each.
    let ids: HashSet<&str> = ledger.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), ledger.len());
    let count = |kind: &str| ledger.iter().filter(|e| e.kind == kind).count();
    assert_eq!((count("stk"), count("b2c"), count("c2b")), (20, 10, 10));
    assert_eq!(ledger.len(), 40);
    assert_eq!(sandbox.processed_payments().len(), 40);
    assert_eq!(
        sandbox.requests_to("/daraja/mpesa/stkpush/v1/processrequest"),
        20
    );
    assert_eq!(
        sandbox.requests_to("/daraja/mpesa/b2c/v3/paymentrequest"),
        10
    );

    // A second run finds nothing left to do.
    let again = client.reconcile(&ReconcileRequest::new(0)).unwrap();
    assert_eq!(
        (again.examined, again.c2b_found, again.errors),
        (0, 0, 0),
        "{again:#?}"
    );

    println!(
        "30 % drop: {} payments, {} callbacks received ({kinds:?}), {} dropped (STK {stk_dropped}, B2C {b2c_dropped}, C2B {c2b_dropped}); reconcile settled {} ({} STK receipts from Pull Transactions) with {} queries in {} ms (report {} ms)",
        ledger.len(),
        kinds.values().sum::<usize>(),
        stk_dropped + b2c_dropped + c2b_dropped,
        report.resolved,
        report.receipts_found,
        report.queries,
        took.as_millis(),
        report.took_ms,
    );
}

#[test]
fn two_reconcilers_on_redis_never_ask_about_the_same_payment() {
    let redis = RedisServer::start().expect("redis-server is installed (make deps-redis)");
    let hooks = WebhookReceiver::start().unwrap();
    let base = hooks.base_url.clone();
    // Every STK and B2C callback dropped: every payment is open.
    let sandbox = sandbox_dropping(100, 0, &["stk", "b2c"], &hooks);
    let client = |prefix: &str| {
        let mut store = StoreConfig::new(redis.url());
        store.key_prefix = prefix.into();
        let mut config = config(&sandbox, &base);
        config.store = Some(store);
        Client::new(config).unwrap()
    };
    let (a, b) = (client("recon:"), client("recon:"));
    let feeder = Feeder::start(a.clone(), hooks);
    let stk = push_stk(&a, 24);
    let b2c = pay_b2c(&b, &sandbox, 6, 3);
    feeder.settle(&sandbox);
    let all: HashSet<String> = stk.iter().chain(&b2c).cloned().collect();

    let request = ReconcileRequest {
        max_queries_per_second: Some(20),
        wait_for_results_ms: Some(10_000),
        not_found_final_after_ms: Some(0),
        c2b: Some(false),
        ..ReconcileRequest::new(0)
    };
    let barrier = Arc::new(Barrier::new(2));
    let started = Instant::now();
    let run = |c: Client| {
        let (barrier, request) = (barrier.clone(), request.clone());
        thread::spawn(move || {
            barrier.wait();
            c.reconcile(&request).unwrap()
        })
    };
    let (ra, rb) = (run(a.clone()), run(b.clone()));
    let (ra, rb) = (ra.join().unwrap(), rb.join().unwrap());
    let took = started.elapsed();
    feeder.stop();

    let (asked_a, asked_b) = (asked(&ra), asked(&rb));
    assert!(
        asked_a.is_disjoint(&asked_b),
        "asked by both: {:?}",
        asked_a.intersection(&asked_b).collect::<Vec<_>>()
    );
    let union: HashSet<String> = asked_a.union(&asked_b).cloned().collect();
    assert_eq!(union, all);
    assert!(
        !asked_a.is_empty() && !asked_b.is_empty(),
        "both workers worked"
    );
    assert_eq!(ra.errors + rb.errors, 0, "{ra:#?} {rb:#?}");
    // The provider saw exactly one query per payment.
    assert_eq!(
        sandbox.requests_to("/daraja/mpesa/stkpushquery/v1/query"),
        24
    );
    assert_eq!(
        sandbox.requests_to("/daraja/mpesa/transactionstatus/v1/query"),
        6
    );
    // 30 queries at 20 per second across both workers take more than a second.
    assert!(took >= Duration::from_millis(900), "{took:?}");
    // Every payment is settled, as the ledger says, seen from a third client.
    let c = client("recon:");
    for e in sandbox.daraja().ledger() {
        let entry = c.journal_entry(Provider::Daraja, &e.id).unwrap().unwrap();
        let outcome = entry.outcome.unwrap();
        assert_eq!(outcome.status, expected_status(&e), "{e:?}");
        assert_eq!(outcome.status == PaymentStatus::Completed, e.paid);
    }
    assert_eq!(sandbox.processed_payments().len(), 30, "nothing paid twice");
    println!(
        "two reconcilers on Redis: {} and {} payments asked, {} skipped each other's, 30 queries in {} ms",
        asked_a.len(),
        asked_b.len(),
        ra.skipped + rb.skipped,
        took.as_millis()
    );
}

#[test]
fn umspay_pushes_without_webhooks_are_settled_by_status_queries() {
    // No webhook receiver: no UMS Pay webhook ever arrives.
    let sandbox = Sandbox::start(SandboxConfig {
        umspay: tuma_sandbox::umspay::Settings {
            pending_for: Duration::from_millis(100),
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    let client = Client::new(config(&sandbox, "http://127.0.0.1:9")).unwrap();
    use tuma_sandbox::umspay::{MSISDN_CANCELLED, MSISDN_INSUFFICIENT_BALANCE, MSISDN_TIMEOUT};
    let phones = [
        "254712345678",
        MSISDN_CANCELLED,
        MSISDN_TIMEOUT,
        MSISDN_INSUFFICIENT_BALANCE,
    ];
    let ids: Vec<String> = phones
        .iter()
        .enumerate()
        .map(|(i, p)| {
            client
                .umspay()
                .stk_push(&tuma::umspay::StkPushRequest::new(
                    100 + i as u64,
                    *p,
                    format!("U{i}"),
                ))
                .unwrap()
                .transaction_request_id
        })
        .collect();

    // Too young: nothing is asked.
    let young = client
        .reconcile(&ReconcileRequest {
            c2b: Some(false),
            ..ReconcileRequest::new(60_000)
        })
        .unwrap();
    assert_eq!((young.examined, young.queries), (0, 0));
    // Still pending at UMS Pay: asked, left open, not asked again during the cool-down.
    let early = client
        .reconcile(&ReconcileRequest {
            c2b: Some(false),
            requery_after_ms: Some(200),
            ..ReconcileRequest::new(0)
        })
        .unwrap();
    assert_eq!(early.pending, 4, "{early:#?}");
    let cooling = client
        .reconcile(&ReconcileRequest {
            c2b: Some(false),
            ..ReconcileRequest::new(0)
        })
        .unwrap();
    assert_eq!((cooling.skipped, cooling.queries), (4, 0), "{cooling:#?}");
    thread::sleep(Duration::from_millis(300));

    // Through the operation table, as the bindings call it.
    let report = tuma::ops::call(
        &client,
        "journal.reconcile",
        &json!({"older_than_ms": 0, "c2b": false, "max_queries_per_second": 10}),
    )
    .unwrap();
    assert_eq!(report["resolved"], 4, "{report:#}");
    assert_eq!(report["payments"][0]["old_status"], "pending");
    let statuses: HashMap<&str, &str> = report["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["new_status"].as_str().unwrap()))
        .collect();
    let expected = ["completed", "cancelled", "timeout", "failed"];
    for (id, status) in ids.iter().zip(expected) {
        assert_eq!(statuses[id.as_str()], status);
    }
    for (id, code) in ids.iter().zip(["0", "1032", "1037", "1"]) {
        let entry = client.journal_entry(Provider::Umspay, id).unwrap().unwrap();
        let outcome = entry.outcome.unwrap();
        assert_eq!(outcome.result_code, code);
        assert_eq!(outcome.source, OutcomeSource::Query);
        assert_eq!(outcome.receipt.is_some(), code == "0");
    }
    let bad = tuma::ops::call(
        &client,
        "journal.reconcile",
        &json!({"older_than_ms": 0, "max_queries_per_second": 0}),
    )
    .unwrap_err();
    assert_eq!(bad.field(), Some("max_queries_per_second"));
}

#[test]
fn callbacks_record_outcomes_and_forged_amounts_do_not() {
    let hooks = WebhookReceiver::start().unwrap();
    let base = hooks.base_url.clone();
    let sandbox = sandbox_dropping(0, 0, &[], &hooks);
    let client = Client::new(config(&sandbox, &base)).unwrap();
    let push = client
        .daraja()
        .stk_push(&StkPushRequest::new(STK_PHONE_SUCCESS, 42, "FORGE"))
        .unwrap();
    let id = push.checkout_request_id;
    let entry = client
        .journal_entry(Provider::Daraja, &id)
        .unwrap()
        .unwrap();
    assert_eq!((entry.amount, entry.outcome), (42, None));
    // A callback claiming another amount is not recorded.
    let forged = json!({"Body": {"stkCallback": {"MerchantRequestID": "m", "CheckoutRequestID": id,
        "ResultCode": 0, "ResultDesc": "ok", "CallbackMetadata": {"Item": [
        {"Name": "Amount", "Value": 4200}, {"Name": "MpesaReceiptNumber", "Value": "FAKE123456"},
        {"Name": "PhoneNumber", "Value": 254708374149u64}]}}}});
    let r = client
        .receive_callback("daraja.stk_callback", forged.to_string().as_bytes())
        .unwrap();
    client
        .release_callback(r.claim.as_deref().unwrap())
        .unwrap();
    let entry = client
        .journal_entry(Provider::Daraja, &id)
        .unwrap()
        .unwrap();
    assert_eq!(entry.outcome, None);
    // The real one is.
    let real = hooks.next("/stk", WAIT).unwrap();
    client
        .receive_callback("daraja.stk_callback", &real.body)
        .unwrap();
    let outcome = client
        .journal_entry(Provider::Daraja, &id)
        .unwrap()
        .unwrap()
        .outcome
        .unwrap();
    assert_eq!(outcome.status, PaymentStatus::Completed);
    assert_eq!(outcome.source, OutcomeSource::Callback);
    let ledger = sandbox.daraja().ledger();
    assert_eq!(outcome.receipt, ledger[0].receipt);
    // A query's later answer does not replace it.
    client.daraja().stk_query(&id).unwrap();
    let again = client
        .journal_entry(Provider::Daraja, &id)
        .unwrap()
        .unwrap()
        .outcome
        .unwrap();
    assert_eq!(again, outcome);
}

#[test]
fn an_unreachable_store_is_an_error_that_shows_no_secret() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let mut config = config(&sandbox, "http://127.0.0.1:9");
    let mut store = StoreConfig::new("redis://:hunter2-secret@127.0.0.1:9/0");
    store.timeout_ms = 100;
    config.store = Some(store);
    let client = Client::new(config).unwrap();
    let e = client.reconcile(&ReconcileRequest::new(0)).unwrap_err();
    assert_eq!(e.kind(), "store");
    let shown = format!("{e} {e:?} {}", tuma::ops::error_json(&e));
    assert!(!shown.contains("hunter2"), "{shown}");
    // Nothing was asked.
    assert_eq!(sandbox.request_count(), 0);
}

#[test]
fn a_push_whose_answer_was_lost_is_settled_by_its_callback_and_a_b2c_by_the_reconciler() {
    use tuma_sandbox::{Fault, FaultRule};
    let hooks = WebhookReceiver::start().unwrap();
    let base = hooks.base_url.clone();
    let sandbox = sandbox_dropping(0, 0, &[], &hooks);
    let client = Client::new(config(&sandbox, &base)).unwrap();
    // Processed, but the answer never comes back: no CheckoutRequestID.
    sandbox.inject(FaultRule::new(
        "/stkpush/v1/processrequest",
        Fault::CloseAfterProcessing,
        1,
    ));
    let e = client
        .daraja()
        .stk_push(&StkPushRequest::new(STK_PHONE_SUCCESS, 77, "LOST-1"))
        .unwrap_err();
    assert!(e.outcome_unknown(), "{e}");
    // Its callback is recognised by phone and amount and records the outcome.
    let delivery = hooks.next("/stk", WAIT).unwrap();
    let received = client
        .receive_callback("daraja.stk_callback", &delivery.body)
        .unwrap();
    let entry = client
        .journal_entry(Provider::Daraja, &received.id)
        .unwrap()
        .unwrap();
    assert_eq!((entry.amount, entry.reference.as_str()), (77, "LOST-1"));
    assert_eq!(entry.outcome.unwrap().status, PaymentStatus::Completed);

    // A B2C whose answer was lost is journaled under the id it was sent with; with its
    // result lost too, the reconciler's transaction status query settles it.
    sandbox.inject(FaultRule::new(
        "/b2c/v3/paymentrequest",
        Fault::CloseAfterProcessing,
        1,
    ));
    let mut r = B2cRequest::new(STK_PHONE_SUCCESS, 300, "Lost answer");
    r.shortcode = Some(sandbox.daraja().settings().b2c_shortcode.clone());
    let e = client.daraja().b2c(&r).unwrap_err();
    assert!(e.outcome_unknown(), "{e}");
    let id = e
        .recovery()
        .unwrap()
        .originator_conversation_id
        .clone()
        .unwrap();
    assert!(
        hooks.next("/result", WAIT).is_some(),
        "the sandbox sent its result"
    );
    // (Dropped here: the application never passes it to receive_callback.)
    let report = reconcile_fed(&client, hooks);
    let row = report.payments.iter().find(|p| p.id == id).unwrap();
    assert_eq!(row.action, ReconcileAction::Resolved, "{report:#?}");
    let outcome = client
        .journal_entry(Provider::Daraja, &id)
        .unwrap()
        .unwrap()
        .outcome
        .unwrap();
    assert_eq!(outcome.status, PaymentStatus::Completed);
    assert_eq!(outcome.source, OutcomeSource::Query);
    let ledger = sandbox.daraja().ledger();
    let paid = ledger.iter().find(|e| e.id == id).unwrap();
    assert_eq!(outcome.receipt, paid.receipt);
    assert_eq!(sandbox.processed_payments().len(), 2, "nothing sent twice");
}

#[test]
fn top_ups_pochi_payments_and_tax_with_their_results_lost_are_settled_by_the_reconciler() {
    use tuma::daraja::{B2PochiRequest, B2cTopupCommand, B2cTopupRequest, RemitTaxRequest};
    let hooks = WebhookReceiver::start().unwrap();
    let base = hooks.base_url.clone();
    let sandbox = sandbox_dropping(0, 0, &[], &hooks);
    let client = Client::new(config(&sandbox, &base)).unwrap();
    let b2c_shortcode = sandbox.daraja().settings().b2c_shortcode.clone();
    let daraja = client.daraja();
    let topup = daraja
        .b2c_topup(&B2cTopupRequest {
            party_b: Some(b2c_shortcode.clone()),
            amount: 1_000,
            command_id: B2cTopupCommand::BusinessPayToBulk,
            account_reference: "FLOAT-1".into(),
            requester: None,
            remarks: "Float top-up".into(),
            shortcode: None,
            result_url: None,
            timeout_url: None,
        })
        .unwrap()
        .originator_conversation_id;
    let pochi = daraja
        .b2pochi(&B2PochiRequest {
            phone: STK_PHONE_SUCCESS.into(),
            amount: 150,
            remarks: "Pochi payout".into(),
            occasion: None,
            shortcode: Some(b2c_shortcode),
            result_url: None,
            timeout_url: None,
            originator_conversation_id: None,
        })
        .unwrap()
        .originator_conversation_id;
    let tax = daraja
        .remit_tax(&RemitTaxRequest {
            amount: 2_500,
            account_reference: "2030PRN0042".into(),
            remarks: "VAT June".into(),
            shortcode: None,
            result_url: None,
            timeout_url: None,
        })
        .unwrap()
        .originator_conversation_id;
    // Their results reach the server, and the application never records them.
    for _ in 0..3 {
        assert!(hooks.next("/result", WAIT).is_some(), "a result was sent");
    }
    let report = reconcile_fed(&client, hooks);
    assert_eq!(report.errors, 0, "{report:#?}");
    for (id, operation) in [
        (&topup, "daraja.b2c_topup"),
        (&pochi, "daraja.b2pochi"),
        (&tax, "daraja.remit_tax"),
    ] {
        let row = report.payments.iter().find(|p| &p.id == id).unwrap();
        assert_eq!(
            (row.operation.as_str(), row.action),
            (operation, ReconcileAction::Resolved),
            "{report:#?}"
        );
        let outcome = client
            .journal_entry(Provider::Daraja, id)
            .unwrap()
            .unwrap()
            .outcome
            .unwrap();
        assert_eq!(
            (outcome.status, outcome.source),
            (PaymentStatus::Completed, OutcomeSource::Query)
        );
    }
    assert_eq!(sandbox.processed_payments().len(), 3, "nothing sent twice");
}
