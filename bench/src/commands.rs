//! The subcommands other than `run`: the responder alone (for profiling), and the child
//! processes the sections start (`serve`, `memory`).

use std::time::Duration;

use serde_json::json;

use crate::clients::*;
use crate::responder::{Options, Responder};

pub fn standalone_responder(args: &[String]) {
    let mut options = Options::default();
    let mut port = 0;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it.clone().next().cloned().unwrap_or_default();
        match a.as_str() {
            "--port" => port = v.parse().unwrap_or(0),
            "--delay-ms" => options.delay = Duration::from_millis(v.parse().unwrap_or(0)),
            "--token-ttl" => options.token_ttl_secs = v.parse().unwrap_or(0),
            "--tls" => {
                options.tls = true;
                continue;
            }
            _ => continue,
        }
        it.next();
    }
    let r = Responder::start_on(port, options).expect("bind");
    println!("{}", r.url(""));
    loop {
        std::thread::sleep(Duration::from_secs(5));
        eprintln!("{:?}", r.counts());
    }
}

/// Child process, the Rust twin of `bench/c/bench.c serve`: reads lines `sms N` / `stk N`,
/// makes N calls on one client and answers each line with the seconds they took.
pub fn serve_child(args: &[String]) {
    use std::io::{BufRead, Write};
    let config = args.first().cloned().unwrap_or_default();
    let client =
        tuma::Client::new(tuma::Config::from_json(&config).expect("config")).expect("client");
    // `ureq-sms` / `ureq-stk`: the bare request of section 1 on this client's agent (for
    // profiling one contender at a time).
    let agent = client.http_agent();
    let base = tuma::Config::from_json(&config)
        .ok()
        .and_then(|c| c.daraja.and_then(|d| d.base_url))
        .unwrap_or_default();
    let bearer = format!("Bearer {}", bare_token(&agent, &base).unwrap_or_default());
    let (sms_url, stk_url) = (
        format!("{base}/statum/sms"),
        format!("{base}/mpesa/stkpush/v1/processrequest"),
    );
    let (sms, stk, basic) = (sms_body(), stk_body(), basic());
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line.expect("stdin");
        let mut words = line.split_whitespace();
        let (mode, calls) = (words.next().unwrap_or(""), words.next().unwrap_or("0"));
        let calls: usize = calls.parse().expect("call count");
        let secs = match mode {
            "stk" => timed(calls, || {
                tuma_stk(&client).map(|_| ()).map_err(|e| e.to_string())
            }),
            "ureq-sms" => timed(calls, || {
                bare_post(&agent, &sms_url, &basic, &sms).map(|_| ())
            }),
            "ureq-stk" => timed(calls, || {
                bare_post(&agent, &stk_url, &bearer, &stk).map(|_| ())
            }),
            _ => timed(calls, || tuma_sms(&client)),
        }
        .expect("call");
        writeln!(stdout, "{secs:.9}")
            .and_then(|_| stdout.flush())
            .expect("stdout");
    }
}

/// Child process: RSS before a client, with one, after warm-up and after `calls` calls.
pub fn memory_child(args: &[String]) {
    let config = args.first().cloned().unwrap_or_default();
    let calls: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let start = rss_kib();
    let client =
        tuma::Client::new(tuma::Config::from_json(&config).expect("config")).expect("client");
    let with_client = rss_kib();
    for _ in 0..10_000 {
        tuma_sms(&client).expect("call");
    }
    let warm = rss_kib();
    for _ in 0..calls {
        tuma_sms(&client).expect("call");
    }
    let end = rss_kib();
    println!(
        "{}",
        json!({"start_kib": start, "client_kib": with_client, "warm_kib": warm, "end_kib": end, "calls": calls})
    );
}
