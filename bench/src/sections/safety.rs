//! Sections 5 and 6: what is sent per payment — HTTP requests per STK push with tokens
//! expiring, and money calls sent when the provider is slower than the read timeout.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::children::Children;
use crate::clients::*;
use crate::report::Report;
use crate::responder::{Options, Responder};

/// Section 5: HTTP requests per STK push, tokens included.
pub(crate) fn section_tokens(rep: &mut Report, ch: &Children<'_>, scale: usize) {
    rep.line("## 5. HTTP requests per STK push, token requests included\n");
    let ttl = 1;
    let pushes = 10_000 / scale;
    let resp = Responder::start(Options {
        token_ttl_secs: ttl,
        ..Options::default()
    });
    let client = tuma_client(&resp.url(""), json!({}));
    let start = Instant::now();
    let mut failed = None;
    for _ in 0..pushes {
        if let Err(e) = tuma_stk(&client) {
            failed = Some(e.to_string());
            break;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let c = resp.counts();
    rep.line(format!(
        "The responder hands out tokens with `expires_in` = {ttl} s, so tokens expire during the run. \
         Target: 1.000 request per push plus one per token expiry. Server: the responder.\n"
    ));
    rep.line("| client | pushes | time | token lifetimes elapsed | token requests | push requests | HTTP requests per push | |");
    rep.line("|---|---|---|---|---|---|---|---|");
    let lifetimes = (elapsed / ttl as f64).ceil() as u64;
    let ok = failed.is_none() && c.stk_pushes == pushes as u64 && c.tokens <= lifetimes + 1;
    let verdict = rep.check(
        &format!("5. tuma requests per push = 1 + one per token expiry (got {} tokens for {lifetimes} lifetimes)", c.tokens),
        Some(ok),
    );
    rep.line(format!(
        "| tuma (Rust core; every binding shares it) | {pushes} | {elapsed:.1} s | {lifetimes} | {} | {} | {:.4} | {verdict} |",
        c.tokens,
        c.stk_pushes,
        c.requests as f64 / pushes as f64
    ));
    if let Some(e) = failed {
        rep.line(format!("\ntuma failed: {e}"));
    }
    drop(resp);
    for (name, lang, mode, n) in [
        (
            "mpesakit 2.2.0 (use_session=True)",
            "py",
            "mpesakit-session",
            1000 / scale,
        ),
        (
            "mpesakit 2.2.0 (defaults)",
            "py",
            "mpesakit-default",
            300 / scale,
        ),
        ("mpesa-api 3.0.2", "node", "mpesa-api", 1000 / scale),
    ] {
        let resp = Responder::start(Options {
            token_ttl_secs: ttl,
            ..Options::default()
        });
        let config = config_json(&resp.url(""), json!({}));
        let ns = n.to_string();
        let start = Instant::now();
        let result = if lang == "py" {
            ch.python(&["seq", mode, &config, &ns, "--no-warmup"])
        } else {
            ch.node(&["seq", mode, &config, &ns, "--no-warmup"], &[])
        };
        // Child start-up (imports) is not part of the pushes: use the child's own timing.
        let elapsed = result
            .as_ref()
            .ok()
            .and_then(|v| v.get("seconds").and_then(Value::as_f64))
            .unwrap_or_else(|| start.elapsed().as_secs_f64());
        let c = resp.counts();
        match result {
            Ok(_) => rep.line(format!(
                "| {name} | {n} | {elapsed:.1} s | {} | {} | {} | {:.4} | peer |",
                (elapsed / ttl as f64).ceil(),
                c.tokens,
                c.stk_pushes,
                c.requests as f64 / n as f64
            )),
            Err(e) => rep.line(format!("| {name} | not run: {e} | | | | | | |")),
        }
    }
    rep.line(
        "\nThe bare clients of sections 1–4 (ureq, http.client, undici) fetch no token: they are \
         given one. tuma refreshes a token when 90% of its lifetime has passed (at most 60 s \
         early) and one thread fetches while the others wait.\n",
    );
}

/// Section 6: the provider answers slower than the client's read timeout.
pub(crate) fn section_timeout(rep: &mut Report, ch: &Children<'_>) {
    rep.line(
        "## 6. Money calls sent per payment when the provider is slower than the read timeout\n",
    );
    let delay_ms = 1500;
    let timeout_ms = 500;
    rep.line(format!(
        "The responder answers STK pushes after {delay_ms} ms; the clients' timeout is {timeout_ms} ms \
         where it can be set. One payment each; the count is what the responder received. \
         Target: tuma sends exactly 1 and returns its \"unknown outcome\" error.\n"
    ));
    rep.line("| client | timeout | STK pushes received | what the caller got | |");
    rep.line("|---|---|---|---|---|");
    let http = json!({"timeout_ms": timeout_ms, "connect_timeout_ms": 200});
    let fresh = || {
        Responder::start(Options {
            money_delay: Duration::from_millis(delay_ms),
            ..Options::default()
        })
    };
    // tuma from Rust.
    {
        let resp = fresh();
        let client = tuma_client(&resp.url(""), http.clone());
        let got = match tuma_stk(&client) {
            Ok(_) => "success (unexpected)".to_string(),
            Err(e) => format!(
                "`{}` error, outcome_unknown = {}",
                e.kind(),
                e.outcome_unknown()
            ),
        };
        std::thread::sleep(Duration::from_millis(200));
        let sent = resp.counts().stk_pushes;
        let ok = sent == 1 && got.contains("outcome_unknown = true");
        let verdict = rep.check(
            &format!("6. tuma sends exactly 1 STK push on a read timeout (sent {sent})"),
            Some(ok),
        );
        rep.line(format!(
            "| tuma (Rust) | {timeout_ms} ms | {sent} | {got} | {verdict} |"
        ));
    }
    let config_of = |resp: &Responder| config_json(&resp.url(""), http.clone());
    let peers: [(&str, &str, &str); 4] = [
        ("tuma (Python)", "py", "tuma"),
        ("mpesakit 2.2.0", "py", "mpesakit"),
        ("tuma (Node)", "node", "tuma"),
        ("mpesa-api 3.0.2", "node", "mpesa-api"),
    ];
    for (name, lang, who) in peers {
        let resp = fresh();
        let config = config_of(&resp);
        let ms = timeout_ms.to_string();
        let out = if lang == "py" {
            ch.python(&["timeout", who, &config, &ms])
        } else {
            ch.node(&["timeout", who, &config, &ms], &[])
        };
        std::thread::sleep(Duration::from_millis(200));
        let sent = resp.counts().stk_pushes;
        match out {
            Ok(v) => {
                let got = v["outcome"].as_str().unwrap_or("?").to_string();
                let timeout = v["timeout"].as_str().unwrap_or("?").to_string();
                let verdict = if who == "tuma" {
                    let ok = sent == 1 && got.contains("outcome_unknown");
                    rep.check(
                        &format!(
                            "6. {name} sends exactly 1 STK push on a read timeout (sent {sent})"
                        ),
                        Some(ok),
                    )
                } else {
                    "peer"
                };
                rep.line(format!(
                    "| {name} | {timeout} | {sent} | {got} | {verdict} |"
                ));
            }
            Err(e) => rep.line(format!("| {name} | | | not run: {e} | |")),
        }
    }
    rep.line(
        "\nmpesakit's `MpesaHttpClient` retries every POST (STK push included) on any \
         `httpx.TimeoutException`, up to 3 attempts; its timeout is a fixed 10 s, so the bench \
         passes the same timeout as tuma's through a subclass and turns tenacity's backoff sleep \
         off (the number of attempts is unchanged). mpesa-api sets no timeout at all: it waits as \
         long as the provider takes.\n",
    );
}
