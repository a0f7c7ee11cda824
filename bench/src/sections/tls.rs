//! Section 8: TLS handshakes per 1,000 calls, and calls/s with TLS vs plain.

use serde_json::json;

use crate::clients::*;
use crate::report::Report;
use crate::responder::{Options, Responder};
use crate::stats::{interleaved, Summary};
use crate::tls;

/// Section 8: TLS.
pub(crate) fn section_tls(rep: &mut Report, r: usize, scale: usize) {
    rep.line("## 8. TLS: handshakes per 1,000 calls, and calls/s with TLS vs plain\n");
    let plain = Responder::start(Options::default());
    let secure = Responder::start(Options {
        tls: true,
        ..Options::default()
    });
    let extra = json!({"extra_root_certificates_pem": tls::CA_PEM});
    // Handshakes: a fresh client per round makes 1,000 calls.
    let mut handshakes = Vec::new();
    for _ in 0..3 {
        let before = secure.counts().handshakes;
        let client = tuma_client(&secure.url(""), extra.clone());
        if let Err(e) = timed(1000, || tuma_sms(&client)) {
            rep.line(format!("Not run: {e}\n"));
            return;
        }
        handshakes.push((secure.counts().handshakes - before) as f64);
    }
    let plain_client = tuma_client(&plain.url(""), json!({}));
    let tls_client = tuma_client(&secure.url(""), extra);
    let (chunks, per) = (6, 500 / scale);
    let res = interleaved(
        r,
        chunks,
        per,
        vec![
            ("plain", Box::new(|k| timed(k, || tuma_sms(&plain_client)))),
            ("tls", Box::new(|k| timed(k, || tuma_sms(&tls_client)))),
        ],
    );
    let hs = Summary::of(&handshakes);
    let ratio = res.ratio("tls", "plain");
    rep.line(format!(
        "The responder serves HTTPS with a certificate for 127.0.0.1 signed by a test CA \
         (`bench/certs`); the client trusts it through `http.extra_root_certificates_pem` (added \
         to the built-in Mozilla roots). Sequential `send_sms` from Rust. Handshakes: a fresh \
         client makes 1,000 calls, 3 times. Rates: {} calls per contender per round, \
         interleaved in slices of {per}, {} rounds.\n",
        chunks * per,
        res.rounds
    ));
    let ok = (hs.n > 0).then(|| handshakes.iter().all(|h| *h == 1.0));
    let verdict = rep.check(
        &format!(
            "8. one TLS handshake per pooled connection (got {:.0} per 1,000 calls)",
            hs.median
        ),
        ok,
    );
    rep.line("| figure | value | |");
    rep.line("|---|---|---|");
    rep.line(format!(
        "| TLS handshakes per 1,000 calls (target: 1, the one pooled connection) | {} | {verdict} |",
        hs.ratio(0)
    ));
    rep.line(format!(
        "| calls/s, plain HTTP | {} | |",
        res.summary("plain").rate()
    ));
    rep.line(format!(
        "| calls/s, HTTPS | {} | |",
        res.summary("tls").rate()
    ));
    rep.line(format!("| HTTPS / plain | {} | |", ratio.ratio(2)));
    rep.line("");
}
