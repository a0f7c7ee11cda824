//! The state store: per-call cost of the memory and Redis stores.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::clients::*;
use crate::report::Report;
use crate::stats::Summary;

/// The state store: memory vs Redis.
pub(crate) fn section_store(rep: &mut Report, scale: usize) {
    rep.line("## State store: per-call cost, memory vs Redis\n");
    let redis = match tuma_sandbox::redis_server::RedisServer::start() {
        Ok(r) => r,
        Err(e) => {
            rep.line(format!("Not run: could not start redis-server ({e}).\n"));
            return;
        }
    };
    let version = Command::new("redis-server")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let mut store_cfg = tuma::store::StoreConfig::new(redis.url());
    store_cfg.key_prefix = "bench:".into();
    let stores: Vec<(&str, std::sync::Arc<dyn tuma::store::StateStore>)> = vec![
        ("memory", tuma::store::MemoryStore::global()),
        ("redis", store_cfg.open().expect("redis store")),
    ];
    let redis_config = json!({"store": {"url": redis.url(), "key_prefix": "bench:"}});
    let n = 5000 / scale;
    rep.line(format!(
        "µs per call, sequential, one thread, {n} calls per measurement, 3 rounds (median, \
         min–max). Redis: {version}, started privately by the bench on loopback \
         (`--save '' --appendonly no`).\n"
    ));
    rep.line("| operation | memory store | Redis store | Redis / memory |");
    rep.line("|---|---|---|---|");
    let token = tuma::store::StoredToken {
        token: tuma::Secret::new("bench-token"),
        expires_at_ms: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
            + 3_600_000,
    };
    let mut counter = 0u64;
    type Op<'a> = Box<dyn FnMut(&dyn tuma::store::StateStore, u64) -> tuma::Result<()> + 'a>;
    let ops: Vec<(&str, Op<'_>)> = vec![
        (
            "`store.get_token` (token read)",
            Box::new(|s, _| s.get_token("bench-tok").map(|_| ())),
        ),
        (
            "`store.acquire_slot` (rate limit)",
            Box::new(|s, _| {
                s.acquire_slot("bench-slot", u32::MAX, Duration::from_secs(1))
                    .map(|_| ())
            }),
        ),
        (
            "`store.first_time` (callback claim and completion at once)",
            Box::new(|s, i| {
                s.first_time(&format!("bench-id-{i}"), Duration::from_secs(60))
                    .map(|_| ())
            }),
        ),
        (
            "callback claim, then completion (`store.claim` + `store.complete`)",
            Box::new(|s, i| {
                let id = format!("bench-claim-{i}");
                s.claim(&id, "0123456789abcdef", Duration::from_secs(60))?;
                s.complete(&id, "0123456789abcdef", Duration::from_secs(60))
                    .map(|_| ())
            }),
        ),
        (
            "payment journal, per push: record it, then look it up at verification",
            Box::new(|s, i| {
                let key = format!("daraja:id:ws_CO_bench{i}");
                let entry = format!(
                    r#"{{"operation":"daraja.stk_push","id":"ws_CO_bench{i}","phone":"254708374149","amount":1500,"shortcode":"174379","reference":"ORDER-{i}","sent_at_ms":1764748800000}}"#
                );
                s.put_record(&key, &entry, Duration::from_secs(3 * 24 * 3600))?;
                s.get_record(&key).map(|_| ())
            }),
        ),
    ];
    for (_, s) in &stores {
        if let Err(e) = s.put_token("bench-tok", &token) {
            rep.line(format!("Not run: storing a token failed: {e}\n"));
            return;
        }
    }
    for (label, mut op) in ops {
        let mut cells = Vec::new();
        let mut medians = Vec::new();
        for (_, s) in &stores {
            let mut v = Vec::new();
            for _ in 0..3 {
                let start = Instant::now();
                for _ in 0..n {
                    counter += 1;
                    if let Err(e) = op(s.as_ref(), counter) {
                        eprintln!("bench: store op failed: {e}");
                        break;
                    }
                }
                v.push(start.elapsed().as_secs_f64() * 1e6 / n as f64);
            }
            let sm = Summary::of(&v);
            medians.push(sm.median);
            cells.push(sm.ratio(2));
        }
        rep.line(format!(
            "| {label} | {} | {} | {:.0}× |",
            cells[0],
            cells[1],
            medians[1] / medians[0]
        ));
    }
    // Client::first_time through a client configured with each store.
    let mut cells = Vec::new();
    let mut medians = Vec::new();
    for cfg in [json!({}), redis_config] {
        let mut config: Value =
            serde_json::from_str(&config_json("http://127.0.0.1:9", json!({}))).unwrap();
        if let Some(store) = cfg.get("store") {
            config["store"] = store.clone();
        }
        let client =
            tuma::Client::new(tuma::Config::from_json(&config.to_string()).unwrap()).unwrap();
        let mut v = Vec::new();
        for _ in 0..3 {
            let start = Instant::now();
            for _ in 0..n {
                counter += 1;
                let _ = client.first_time(&format!("bench-client-{counter}"));
            }
            v.push(start.elapsed().as_secs_f64() * 1e6 / n as f64);
        }
        let sm = Summary::of(&v);
        medians.push(sm.median);
        cells.push(sm.ratio(2));
    }
    rep.line(format!(
        "| `Client::first_time` | {} | {} | {:.0}× |",
        cells[0],
        cells[1],
        medians[1] / medians[0]
    ));
    rep.line(
        "\nFor scale: one sequential provider call to the local responder costs a few tens of \
         µs (section 1), a real Daraja call tens of milliseconds. tuma reads the Daraja token \
         from Redis only when its in-process copy is due for a refresh, not on every call.\n",
    );
}
