//! Sections 1 and 2: sequential calls on one keep-alive connection, client and responder
//! pinned to one CPU: tuma vs a bare ureq request (and the ceiling), C through libtuma vs
//! the Rust core.

use std::process::Command;

use serde_json::json;

use crate::children::{Children, SliceChild};
use crate::clients::*;
use crate::pin;
use crate::report::{at_least, Report};
use crate::responder::{Options, Responder};
use crate::stats::interleaved;

/// Section 1: Rust vs bare ureq, and the ceiling.
pub(crate) fn section_rust(rep: &mut Report, r: usize, scale: usize) -> String {
    let pin = pin::ClientPin::new();
    let resp = Responder::start(Options {
        pin_cpu: pin.cpu(),
        ..Options::default()
    });
    let base = resp.url("");
    let client = tuma_client(&base, json!({}));
    // The same client configuration with a host name instead of the IP literal: the name is
    // looked up through tuma's DNS cache (an IP literal needs no lookup at all).
    let named = tuma_client(&format!("http://localhost:{}", resp.port()), json!({}));
    // The comparison: a bare request on tuma's own keep-alive agent (same timeouts,
    // same resolver). For reference, also ureq's defaults (no timeouts at all).
    let agent = client.http_agent();
    let defaults = bare_agent();
    let token = bare_token(&agent, &base).unwrap_or_default();
    let bearer = format!("Bearer {token}");
    let (sms_url, stk_url) = (
        format!("{base}/statum/sms"),
        format!("{base}/mpesa/stkpush/v1/processrequest"),
    );
    let (sms, stk, basic) = (sms_body(), stk_body(), basic());
    let (chunks, per) = (8, 500 / scale);
    let n = chunks * per;
    let res = interleaved(
        r,
        chunks,
        per,
        vec![
            ("ceiling", ceiling_chunk(resp.port())),
            ("tuma sms", Box::new(|k| timed(k, || tuma_sms(&client)))),
            (
                "tuma sms localhost",
                Box::new(|k| timed(k, || tuma_sms(&named))),
            ),
            (
                "ureq sms",
                Box::new(|k| timed(k, || bare_post(&agent, &sms_url, &basic, &sms).map(|_| ()))),
            ),
            (
                "tuma stk",
                Box::new(|k| {
                    timed(k, || {
                        tuma_stk(&client).map(|_| ()).map_err(|e| e.to_string())
                    })
                }),
            ),
            (
                "ureq stk",
                Box::new(|k| timed(k, || bare_post(&agent, &stk_url, &bearer, &stk).map(|_| ()))),
            ),
            (
                "ureq-defaults sms",
                Box::new(|k| {
                    timed(k, || {
                        bare_post(&defaults, &sms_url, &basic, &sms).map(|_| ())
                    })
                }),
            ),
            (
                "ureq-defaults stk",
                Box::new(|k| {
                    timed(k, || {
                        bare_post(&defaults, &stk_url, &bearer, &stk).map(|_| ())
                    })
                }),
            ),
        ],
    );
    let ceiling = res.summary("ceiling").rate();
    rep.line("## 1. Rust: tuma vs a bare ureq request\n");
    rep.line(format!(
        "Sequential calls on one keep-alive connection, {n} calls per contender per round, interleaved \
         in slices of {per} so that load from other processes hits every contender alike, {} rounds. The bare \
         client POSTs the same prebuilt body with the same headers **on tuma's own keep-alive agent** \
         (`Client::http_agent`: the same pool, timeouts and resolver) and parses the JSON answer; tuma also checks the input, normalises the \
         phone, builds the body (and for STK the timestamp and password), reads its token cache \
         and decodes the answer into typed fields. Server: the responder (plain HTTP). CPUs: {} \
         (see `bench/src/pin.rs`: unpinned, the scheduler's placement of the two alone swings \
         a sequential rate by ±30% on this machine).\n",
        res.rounds,
        pin.describe()
    ));
    rep.line("| call | tuma | bare ureq, same agent | tuma / ureq (target ≥ 0.95) | | tuma / ceiling | ureq / ceiling |");
    rep.line("|---|---|---|---|---|---|---|");
    for (op, t, u) in [
        ("send_sms", "tuma sms", "ureq sms"),
        ("stk_push", "tuma stk", "ureq stk"),
    ] {
        let ratio = res.ratio(t, u);
        let verdict = rep.check(
            &format!("1. Rust {op}: tuma / ureq ≥ 0.95 (got {:.3})", ratio.median),
            at_least(&ratio, 0.95),
        );
        rep.line(format!(
            "| {op} | {} | {} | {} | {verdict} | {} | {} |",
            res.summary(t).rate(),
            res.summary(u).rate(),
            ratio.ratio(3),
            res.ratio(t, "ceiling").ratio(2),
            res.ratio(u, "ceiling").ratio(2),
        ));
    }
    rep.line(format!(
        "\nFor reference, a bare agent with ureq's defaults (no timeouts at all, so no \
         `setsockopt` before each read and write): send_sms {} (tuma / it: {}), stk_push {} \
         (tuma / it: {}). tuma keeps its timeouts: a stalled provider must never hang a call.\n",
        res.summary("ureq-defaults sms").rate(),
        res.ratio("tuma sms", "ureq-defaults sms").ratio(3),
        res.summary("ureq-defaults stk").rate(),
        res.ratio("tuma stk", "ureq-defaults stk").ratio(3),
    ));
    let host = res.ratio("tuma sms localhost", "tuma sms");
    let verdict = rep.check(
        &format!(
            "1. Rust send_sms: host name / IP literal ≥ 0.95 (got {:.3})",
            host.median
        ),
        at_least(&host, 0.95),
    );
    rep.line(
        "Host name: the same `send_sms` with the base URL `http://localhost:PORT` (looked up \
         on a miss, then answered from the client's DNS cache for 60 s) vs \
         `http://127.0.0.1:PORT` (an IP literal: no lookup), in the same rounds and slices.\n",
    );
    rep.line("| call | `localhost` | `127.0.0.1` | localhost / 127.0.0.1 (target ≥ 0.95) | |");
    rep.line("|---|---|---|---|---|");
    rep.line(format!(
        "| send_sms | {} | {} | {} | {verdict} |\n",
        res.summary("tuma sms localhost").rate(),
        res.summary("tuma sms").rate(),
        host.ratio(3),
    ));
    rep.line(format!(
        "Ceiling (bare socket client, same responder): {}.\n",
        res.summary("ceiling").rate()
    ));
    ceiling
}

/// Section 2: C through libtuma vs the Rust core.
pub(crate) fn section_c(rep: &mut Report, ch: &Children<'_>, r: usize, scale: usize) {
    rep.line("## 2. C: libtuma from a C program vs the Rust core\n");
    // The children are spawned while this thread is pinned: they inherit its CPU.
    let pin = pin::ClientPin::new();
    let resp = Responder::start(Options {
        pin_cpu: pin.cpu(),
        ..Options::default()
    });
    let base = resp.url("");
    let config = config_json(&base, json!({}));
    let c_child = ch
        .c_bench()
        .and_then(|bin| SliceChild::spawn(Command::new(bin).args(["serve", &config])));
    let rust_child = std::env::current_exe()
        .map_err(|e| e.to_string())
        .and_then(|exe| SliceChild::spawn(Command::new(exe).args(["serve", &config])));
    let (c_child, rust_child) = match (c_child, rust_child) {
        (Ok(c), Ok(rs)) => (c, rs),
        (Err(e), _) | (_, Err(e)) => {
            rep.line(format!("Not run: {e}\n"));
            return;
        }
    };
    let (chunks, per) = (8, 500 / scale);
    let n = chunks * per;
    let res = interleaved(
        r,
        chunks,
        per,
        vec![
            ("ceiling", ceiling_chunk(resp.port())),
            ("rust sms", rust_child.chunk("sms")),
            ("c sms", c_child.chunk("sms")),
            ("rust stk", rust_child.chunk("stk")),
            ("c stk", c_child.chunk("stk")),
        ],
    );
    rep.line(format!(
        "`bench/c/bench.c` calls `tuma_statum_send_sms` / `tuma_daraja_stk_push` (JSON request in, \
         JSON result out, result string freed) in a loop, linked against the release `libtuma.so`; \
         the Rust side calls `Client::statum().send_sms` / `daraja().stk_push`. Both run as child \
         processes of the bench, each holding one client, and are driven in slices of {per} calls \
         (the parent writes `sms N` on the child's stdin and reads back the seconds taken), \
         interleaved in rotating order, {n} calls per contender per round, {} rounds. The Rust \
         side runs in a process of its own too, like the C program: the responder lives in the \
         bench process, and a client thread in that same process would hand over to the \
         responder's thread without switching address spaces, which favoured the Rust figure in \
         earlier versions of this table. Server: the responder (plain HTTP). CPUs: {} (both \
         children inherit the client's CPU; see `bench/src/pin.rs`).\n",
        res.rounds,
        pin.describe()
    ));
    rep.line("| call | C (libtuma) | Rust core | C / Rust (target ≥ 0.95) | | C / ceiling |");
    rep.line("|---|---|---|---|---|---|");
    for (op, c, rs) in [
        ("send_sms", "c sms", "rust sms"),
        ("stk_push", "c stk", "rust stk"),
    ] {
        let ratio = res.ratio(c, rs);
        let verdict = rep.check(
            &format!("2. C {op}: C / Rust ≥ 0.95 (got {:.3})", ratio.median),
            at_least(&ratio, 0.95),
        );
        rep.line(format!(
            "| {op} | {} | {} | {} | {verdict} | {} |",
            res.summary(c).rate(),
            res.summary(rs).rate(),
            ratio.ratio(3),
            res.ratio(c, "ceiling").ratio(2),
        ));
    }
    rep.line("");
}
