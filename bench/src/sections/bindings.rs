//! Sections 3 and 4: the Python and Node bindings against their languages' own clients and
//! the M-Pesa libraries, sequential and with a few calls in flight.

use std::time::Duration;

use serde_json::json;

use crate::children::{child_rounds, num, Children};
use crate::clients::*;
use crate::report::{at_least, Report};
use crate::responder::{Options, Responder};
use crate::stats::{rounds, Summary};

/// Section 3: Python.
pub(crate) fn section_python(rep: &mut Report, ch: &Children<'_>, r: usize, scale: usize) {
    rep.line("## 3. Python\n");
    if ch.opts.python.is_none() {
        rep.line("Not run: no Python venv was given (`make bench` builds one).\n");
        return;
    }
    let resp = Responder::start(Options::default());
    let base = resp.url("");
    let config = config_json(&base, json!({}));
    let (chunks, per) = (6, 300 / scale);
    let ps = per.to_string();
    let nd = (100 / scale).to_string();
    let labels = [
        ("tuma sms", "tuma-sms"),
        ("http.client sms", "httpclient-sms"),
        ("tuma stk", "tuma-stk"),
        ("http.client stk", "httpclient-stk"),
        ("mpesakit session", "mpesakit-session"),
    ];
    let mut res = child_rounds(r, resp.port(), &labels, || {
        let mut args = vec!["pair", &config, &ps, "6"];
        args.extend(labels.iter().map(|(_, m)| *m));
        ch.python(&args)
    });
    // mpesakit with its defaults opens a connection per request: too slow to interleave.
    for _ in 0..r {
        match ch
            .python(&["seq", "mpesakit-default", &config, &nd])
            .and_then(|v| num(&v, "calls_per_sec"))
        {
            Ok(v) => res
                .values
                .entry("mpesakit default".into())
                .or_default()
                .push(v),
            Err(e) => {
                res.errors.insert("mpesakit default".into(), e);
                break;
            }
        }
    }
    if let Some(e) = res.error("tuma sms") {
        rep.line(format!("Not run: {e}\n"));
        return;
    }
    rep.line(format!(
        "Sequential, one client, one `python` process per round measuring every contender in \
         {chunks} interleaved slices of {per} calls (so that load from other processes hits them \
         alike); mpesakit with its defaults (a new connection per request) runs {nd} calls in a \
         process of its own each round. {} rounds. `http.client` is a keep-alive \
         `HTTPConnection` POSTing the same prebuilt body with the same headers and \
         `json.loads`-ing the answer. mpesakit is pointed at the responder by setting \
         `client.http_client.base_url` (its `MpesaHttpClient` joins every path to that \
         attribute). The ceiling is measured just before each round. Server: the responder \
         (plain HTTP).\n",
        res.rounds
    ));
    rep.line("| contender | calls/s | fraction of ceiling |");
    rep.line("|---|---|---|");
    for name in [
        "tuma sms",
        "http.client sms",
        "tuma stk",
        "http.client stk",
        "mpesakit session",
        "mpesakit default",
    ] {
        match res.error(name) {
            Some(e) => rep.line(format!("| {name} | failed: {e} | |")),
            None => rep.line(format!(
                "| {name} | {} | {} |",
                res.summary(name).rate(),
                res.ratio(name, "ceiling").ratio(2)
            )),
        }
    }
    rep.line("\n| ratio | value | target | |");
    rep.line("|---|---|---|---|");
    for (label, a, b, target) in [
        (
            "tuma / http.client, send_sms",
            "tuma sms",
            "http.client sms",
            1.0,
        ),
        (
            "tuma / http.client, stk_push",
            "tuma stk",
            "http.client stk",
            1.0,
        ),
        (
            "tuma stk_push / mpesakit (use_session=True)",
            "tuma stk",
            "mpesakit session",
            3.0,
        ),
        (
            "tuma stk_push / mpesakit (defaults)",
            "tuma stk",
            "mpesakit default",
            3.0,
        ),
    ] {
        let s = res.ratio(a, b);
        let verdict = rep.check(
            &format!("3. Python {label} ≥ {target} (got {:.2})", s.median),
            at_least(&s, target),
        );
        rep.line(format!(
            "| {label} | {} | ≥ {target} | {verdict} |",
            s.ratio(2)
        ));
    }
    rep.line("");

    // Concurrency: 8 threads on one client against the 20 ms responder.
    let slow = Responder::start(Options {
        delay: Duration::from_millis(20),
        ..Options::default()
    });
    let config = config_json(&slow.url(""), json!({}));
    let per = (40 / scale.min(2)).to_string();
    let res = rounds(
        r,
        vec![(
            "8 threads",
            Box::new(|| {
                num(
                    &ch.python(&["threads", &config, "8", &per])?,
                    "calls_per_sec",
                )
            }),
        )],
    );
    let ideal = 8.0 / 0.020;
    let frac = Summary::of(
        &res.values
            .get("8 threads")
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|v| v / ideal)
            .collect::<Vec<_>>(),
    );
    let verdict = rep.check(
        &format!(
            "3. Python 8 threads ≥ 0.9 of ideal (got {:.2})",
            frac.median
        ),
        at_least(&frac, 0.9),
    );
    rep.line(format!(
        "Concurrent: 8 threads share one `tuma.Client`, {per} `send_sms` each, against the \
         responder answering after 20 ms (ideal: {ideal:.0} calls/s): **{}** calls/s, \
         **{}** of ideal (target ≥ 0.9: {verdict}). The GIL is released during the call.\n",
        res.summary("8 threads").rate(),
        frac.ratio(2)
    ));
}

/// Section 4: Node.
pub(crate) fn section_node(rep: &mut Report, ch: &Children<'_>, r: usize, scale: usize) {
    rep.line("## 4. Node\n");
    if ch.opts.node.is_none() || ch.opts.node_addon.is_none() {
        rep.line("Not run: no node / release addon was given (`make bench` builds one).\n");
        return;
    }
    let resp = Responder::start(Options::default());
    let base = resp.url("");
    let config = config_json(&base, json!({}));
    let (chunks, per) = (6, 300 / scale);
    let ps = per.to_string();
    let labels = [
        ("tuma sms", "tuma-sms"),
        ("undici sms", "undici-sms"),
        ("tuma stk", "tuma-stk"),
        ("undici stk", "undici-stk"),
        ("mpesa-api", "mpesa-api"),
    ];
    let res = child_rounds(r, resp.port(), &labels, || {
        let mut args = vec!["pair", &config, &ps, "6"];
        args.extend(labels.iter().map(|(_, m)| *m));
        ch.node(&args, &[])
    });
    if let Some(e) = res.error("tuma sms") {
        rep.line(format!("Not run: {e}\n"));
        return;
    }
    rep.line(format!(
        "Sequential (`await` one call at a time), one `node` process per round measuring every \
         contender in {chunks} interleaved slices of {per} calls, {} rounds. undici is a \
         keep-alive `Pool` POSTing the same prebuilt body with the same headers and parsing the \
         JSON answer. mpesa-api builds its requests from the base URL's host name only (no \
         port), so it is pointed at the responder by setting `http.globalAgent.defaultPort` to \
         the responder's port (node's keep-alive global agent); it fetches a token before every \
         call. The ceiling is measured just before each round. Server: the responder (plain \
         HTTP).\n",
        res.rounds
    ));
    rep.line("| contender | calls/s | fraction of ceiling |");
    rep.line("|---|---|---|");
    for name in [
        "tuma sms",
        "undici sms",
        "tuma stk",
        "undici stk",
        "mpesa-api",
    ] {
        match res.error(name) {
            Some(e) => rep.line(format!("| {name} | failed: {e} | |")),
            None => rep.line(format!(
                "| {name} | {} | {} |",
                res.summary(name).rate(),
                res.ratio(name, "ceiling").ratio(2)
            )),
        }
    }
    rep.line("\n| ratio | value | target | |");
    rep.line("|---|---|---|---|");
    for (label, a, b, target) in [
        ("tuma / undici, send_sms", "tuma sms", "undici sms", 0.8),
        ("tuma / undici, stk_push", "tuma stk", "undici stk", 0.8),
        ("tuma stk_push / mpesa-api", "tuma stk", "mpesa-api", 2.0),
    ] {
        let s = res.ratio(a, b);
        let verdict = rep.check(
            &format!("4. Node {label} ≥ {target} (got {:.2})", s.median),
            at_least(&s, target),
        );
        rep.line(format!(
            "| {label} | {} | ≥ {target} | {verdict} |",
            s.ratio(2)
        ));
    }
    rep.line("");

    let slow = Responder::start(Options {
        delay: Duration::from_millis(20),
        ..Options::default()
    });
    let config = config_json(&slow.url(""), json!({}));
    let per = (40 / scale.min(2)).to_string();
    let ideal = 16.0 / 0.020;
    let res = rounds(
        r,
        vec![
            (
                "default pool",
                Box::new(|| {
                    num(
                        &ch.node(&["concurrent", &config, "16", &per], &[])?,
                        "calls_per_sec",
                    )
                }),
            ),
            (
                "UV_THREADPOOL_SIZE=16",
                Box::new(|| {
                    num(
                        &ch.node(
                            &["concurrent", &config, "16", &per],
                            &[("UV_THREADPOOL_SIZE", "16")],
                        )?,
                        "calls_per_sec",
                    )
                }),
            ),
        ],
    );
    rep.line(format!(
        "Concurrent: 16 promises in flight on one client, {per} `sendSms` each, against the \
         responder answering after 20 ms (ideal: {ideal:.0} calls/s). Each call runs on a worker \
         thread of tuma's own pool, so libuv's pool size (4 threads by default, `UV_THREADPOOL_SIZE`) should not matter (see `docs/node.md`).\n"
    ));
    rep.line("| libuv pool | calls/s | fraction of ideal (target ≥ 0.9) | |");
    rep.line("|---|---|---|---|");
    for name in ["default pool", "UV_THREADPOOL_SIZE=16"] {
        let frac = Summary::of(
            &res.values
                .get(name)
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|v| v / ideal)
                .collect::<Vec<_>>(),
        );
        let verdict = rep.check(
            &format!(
                "4. Node 16 promises, {name}: ≥ 0.9 of ideal (got {:.2})",
                frac.median
            ),
            at_least(&frac, 0.9),
        );
        match res.error(name) {
            Some(e) => rep.line(format!("| {name} | failed: {e} | | |")),
            None => rep.line(format!(
                "| {name} | {} | {} | {verdict} |",
                res.summary(name).rate(),
                frac.ratio(2)
            )),
        }
    }
    rep.line("");
}
