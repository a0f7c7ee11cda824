//! Fleet-wide state on a real Redis with real OS processes: one Daraja token for a whole
//! fleet, UMS Pay limits shared by every process, callbacks recognised once fleet-wide,
//! and Redis failing mid-run.
//!
//! Worker processes are this test binary run again with `TUMA_FLEET_ROLE` set (see
//! `fleet_worker`); each makes fresh clients, as PHP-FPM or gunicorn workers would.

#![cfg(feature = "redis-store")]

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use tuma::daraja::{DarajaConfig, Environment, StkPushRequest};
use tuma::store::StoreConfig;
use tuma::umspay::UmsPayConfig;
use tuma::{Client, Config, HttpConfig, Secret};
use tuma_sandbox::redis_server::RedisServer;
use tuma_sandbox::{Sandbox, SandboxConfig};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

/// A fresh client as a worker would make it, from what the parent passes in.
fn worker_client(store_url: &str) -> Client {
    make_client(
        store_url,
        &env("FLEET_DARAJA_URL"),
        &env("FLEET_UMSPAY_URL"),
        &env("FLEET_PREFIX"),
        env("FLEET_QUOTA").parse().ok(),
    )
}

fn make_client(
    store_url: &str,
    daraja_url: &str,
    umspay_url: &str,
    prefix: &str,
    quota: Option<u32>,
) -> Client {
    let mut daraja = DarajaConfig::new(
        "sandbox-daraja-key",
        "sandbox-daraja-secret",
        Environment::Sandbox,
        "174379",
    );
    daraja.base_url = Some(daraja_url.to_string());
    daraja.passkey = Some(Secret::new(tuma_sandbox::daraja::SANDBOX_PASSKEY));
    daraja.callback_url = Some("http://127.0.0.1:9/stk".into());
    let mut umspay = UmsPayConfig::new("sandbox-umspay-key", "dev@tuma.test", "UMPAY-SANDBOX")
        .with_base_url(umspay_url);
    if let Some(q) = quota {
        umspay.daily_quota = q;
    }
    let mut store = StoreConfig::new(store_url);
    store.key_prefix = prefix.to_string();
    Client::new(Config {
        daraja: Some(daraja),
        umspay: Some(umspay),
        store: Some(store),
        http: HttpConfig {
            connect_timeout_ms: 1_000,
            timeout_ms: 5_000,
            retry_initial_backoff_ms: 10,
            ..HttpConfig::default()
        },
        ..Config::default()
    })
    .unwrap()
}

/// The worker side: does nothing unless run by a parent test.
#[test]
fn fleet_worker() {
    let role = env("TUMA_FLEET_ROLE");
    let store = env("FLEET_STORE");
    match role.as_str() {
        "" => {}
        "stk" => {
            let per_thread: usize = env("FLEET_PUSHES").parse().unwrap();
            std::thread::scope(|s| {
                for t in 0..4 {
                    let store = store.clone();
                    s.spawn(move || {
                        for i in 0..per_thread {
                            // A new client per payment, as a PHP script would make.
                            let client = worker_client(&store);
                            let reference = format!("P{}T{t}N{i}", std::process::id() % 10_000);
                            client
                                .daraja()
                                .stk_push(&StkPushRequest::new("0708374149", 10, &reference))
                                .unwrap();
                        }
                    });
                }
            });
        }
        "callback" => {
            let client = worker_client(&store);
            let received = client
                .receive_callback("statum.result", env("FLEET_BODY").as_bytes())
                .unwrap();
            println!("FIRST_TIME={}", received.first_time);
        }
        "umspay" => {
            let client = worker_client(&store);
            let calls: usize = env("FLEET_CALLS").parse().unwrap();
            let (mut sent, mut refused) = (0, 0);
            for i in 0..calls {
                match client.umspay().stk_push(&tuma::umspay::StkPushRequest::new(
                    100,
                    "0712345678",
                    format!("R{i}"),
                )) {
                    Ok(_) => sent += 1,
                    Err(e) if e.kind() == "rate_limited" && e.to_string().contains("daily") => {
                        refused += 1
                    }
                    Err(e) => panic!("unexpected error: {e}"),
                }
            }
            println!("SENT={sent} REFUSED={refused}");
        }
        other => panic!("unknown role {other}"),
    }
}

fn run_workers(n: usize, vars: &[(&str, String)]) -> Vec<Output> {
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..n)
        .map(|_| {
            let mut cmd = Command::new(&exe);
            cmd.args(["--exact", "fleet_worker", "--nocapture", "--test-threads=1"]);
            for (k, v) in vars {
                cmd.env(k, v);
            }
            cmd.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "worker failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out
        })
        .collect()
}

fn base_vars(sandbox: &Sandbox, redis: &RedisServer, prefix: &str) -> Vec<(&'static str, String)> {
    vec![
        ("FLEET_DARAJA_URL", sandbox.daraja_url()),
        ("FLEET_UMSPAY_URL", sandbox.umspay_url()),
        ("FLEET_STORE", redis.url()),
        ("FLEET_PREFIX", prefix.to_string()),
    ]
}

#[test]
fn four_processes_of_four_threads_share_one_daraja_token() {
    let redis = RedisServer::start().expect("redis-server is installed (make installs it)");
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let mut vars = base_vars(&sandbox, &redis, "fleet-token:");
    vars.push(("TUMA_FLEET_ROLE", "stk".into()));
    vars.push(("FLEET_PUSHES", "13".into())); // 4 processes x 4 threads x 13 = 208
    run_workers(4, &vars);
    assert_eq!(
        sandbox.requests_to("/daraja/mpesa/stkpush/v1/processrequest"),
        208
    );
    assert_eq!(
        sandbox.daraja().token_requests(),
        1,
        "one token for the whole fleet"
    );
    let mut ids: Vec<_> = sandbox
        .processed_payments()
        .into_iter()
        .map(|p| p.identity)
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 208, "every payment processed once");
}

#[test]
fn without_redis_each_process_fetches_its_own_token() {
    // The memory store shares within a process only: the cost the Redis store removes.
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let vars = vec![
        ("FLEET_DARAJA_URL", sandbox.daraja_url()),
        ("FLEET_UMSPAY_URL", sandbox.umspay_url()),
        ("FLEET_STORE", "memory".to_string()),
        ("TUMA_FLEET_ROLE", "stk".into()),
        ("FLEET_PUSHES", "2".into()),
    ];
    run_workers(3, &vars);
    assert_eq!(sandbox.daraja().token_requests(), 3, "one per process");
}

#[test]
fn the_same_callback_delivered_to_three_processes_is_new_once() {
    let redis = RedisServer::start().unwrap();
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let mut vars = base_vars(&sandbox, &redis, "fleet-cb:");
    vars.push(("TUMA_FLEET_ROLE", "callback".into()));
    vars.push((
        "FLEET_BODY",
        r#"{"request_id":"9V7NcW1QMvWkQcceMnn3MKfmczdBeE1a","result_code":"200","result_desc":"Success"}"#.into(),
    ));
    let outputs = run_workers(3, &vars);
    let firsts = outputs
        .iter()
        .filter(|o| String::from_utf8_lossy(&o.stdout).contains("FIRST_TIME=true"))
        .count();
    assert_eq!(firsts, 1);
}

#[test]
fn four_processes_share_the_umspay_rate_limit_and_daily_quota() {
    let redis = RedisServer::start().unwrap();
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let mut vars = base_vars(&sandbox, &redis, "fleet-ums:");
    vars.push(("TUMA_FLEET_ROLE", "umspay".into()));
    vars.push(("FLEET_CALLS", "8".into()));
    vars.push(("FLEET_QUOTA", "26".into()));
    let outputs = run_workers(4, &vars);
    let (mut sent, mut refused) = (0, 0);
    for o in &outputs {
        let text = String::from_utf8_lossy(&o.stdout);
        let at = text.find("SENT=").expect("the worker reports its counts");
        let line = text[at..].lines().next().unwrap();
        let nums: Vec<u32> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        sent += nums[0];
        refused += nums[1];
    }
    assert_eq!(sent, 26, "the fleet's quota of 26 is sent");
    assert_eq!(refused, 6, "the rest is refused before sending");
    assert_eq!(sandbox.requests_to("/umspay/api/v1/initiatestkpush"), 26);
    assert_eq!(sandbox.umspay().too_many_requests(), 0);
    assert!(
        sandbox.umspay().max_requests_in_any_second() <= 10,
        "at most 10 in any second, saw {}",
        sandbox.umspay().max_requests_in_any_second()
    );
}

#[test]
fn redis_stopping_mid_run_never_hangs_or_doubles_a_payment() {
    let mut redis = RedisServer::start().unwrap();
    let port = redis.port();
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let client = make_client(
        &redis.url(),
        &sandbox.daraja_url(),
        &sandbox.umspay_url(),
        "fleet-down:",
        None,
    );
    let push = |n: usize| {
        client
            .daraja()
            .stk_push(&StkPushRequest::new("0708374149", 10, format!("D{n}")))
    };
    push(0).unwrap();
    assert!(client.first_time("cb-before").unwrap());

    redis.stop();
    let started = Instant::now();
    // Tokens prefer availability: the local cache keeps payments going.
    push(1).unwrap();
    // De-duplication is explicit: a typed error, never a guess.
    let err = client.first_time("cb-during").unwrap_err();
    assert_eq!(err.kind(), "store");
    // UMS Pay falls back to the local limiter.
    client
        .umspay()
        .stk_push(&tuma::umspay::StkPushRequest::new(
            100,
            "0712345678",
            "OUTAGE-1",
        ))
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    let _restarted = RedisServer::start_on(port).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    push(2).unwrap();
    assert!(client.first_time("cb-after").unwrap());

    let stk: Vec<_> = sandbox
        .processed_payments()
        .into_iter()
        .filter(|p| p.operation == "stk_push")
        .collect();
    assert_eq!(stk.len(), 4, "each payment processed exactly once");
}
