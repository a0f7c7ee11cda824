//! Section 9: the RSS of one client, and its growth over 100,000 calls.

use std::process::Command;

use serde_json::{json, Value};

use crate::children::{run_json, Children};
use crate::clients::*;
use crate::report::Report;
use crate::responder::{Options, Responder};

/// Section 9: memory.
pub(crate) fn section_memory(rep: &mut Report, ch: &Children<'_>, scale: usize) {
    rep.line("## 9. Memory: one client, and RSS growth over 100,000 calls\n");
    let resp = Responder::start(Options::default());
    let config = config_json(&resp.url(""), json!({}));
    let calls = (100_000 / scale).to_string();
    rep.line(format!(
        "Each language in its own process: RSS before the client exists, with the client built, \
         after 10,000 warm-up `send_sms` calls, and after {calls} more. Target: flat (growth \
         after warm-up under 1 MiB). Node's figures are taken after a forced GC. Server: the \
         responder.\n"
    ));
    rep.line("| language | RSS before client | + client | after warm-up | after the calls | growth after warm-up | |");
    rep.line("|---|---|---|---|---|---|---|");
    let me = std::env::current_exe().expect("current exe");
    let outs: [(&str, Result<Value, String>); 3] = [
        (
            "Rust",
            run_json(Command::new(&me).args(["memory", &config, &calls])),
        ),
        ("Python", ch.python(&["memory", &config, &calls])),
        ("Node", ch.node(&["memory", &config, &calls], &[])),
    ];
    for (lang, out) in outs {
        match out {
            Ok(v) => {
                let g = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
                let growth = g("end_kib") - g("warm_kib");
                let verdict = rep.check(
                    &format!("9. {lang} RSS flat over {calls} calls (grew {growth:.0} KiB)"),
                    Some(growth < 1024.0),
                );
                rep.line(format!(
                    "| {lang} | {:.1} MiB | +{:.1} MiB | {:.1} MiB | {:.1} MiB | {:+.0} KiB | {verdict} |",
                    g("start_kib") / 1024.0,
                    (g("client_kib") - g("start_kib")) / 1024.0,
                    g("warm_kib") / 1024.0,
                    g("end_kib") / 1024.0,
                    growth
                ));
            }
            Err(e) => rep.line(format!("| {lang} | not run: {e} | | | | | |")),
        }
    }
    rep.line("");
}
