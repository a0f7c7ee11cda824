//! Section 7: one client shared by 1, 4 and 16 threads against a 20 ms responder.

use std::time::Duration;

use serde_json::json;

use crate::children::{num, Children};
use crate::clients::*;
use crate::report::{at_least, Report};
use crate::responder::{Options, Responder};
use crate::stats::{rounds, thousands, Measure, Rounds, Summary};

/// Section 7: one client shared by 1, 4, 16 threads.
pub(crate) fn section_threads(rep: &mut Report, ch: &Children<'_>, r: usize, scale: usize) {
    rep.line("## 7. One client shared by 1, 4 and 16 threads (20 ms responder)\n");
    let resp = Responder::start(Options {
        delay: Duration::from_millis(20),
        ..Options::default()
    });
    let base = resp.url("");
    let config = config_json(&base, json!({}));
    let client = tuma_client(&base, json!({}));
    let per = 40 / scale.min(2);
    let pers = per.to_string();
    let mut entries: Vec<(String, Measure<'_>)> = Vec::new();
    for t in [1usize, 4, 16] {
        let ts = t.to_string();
        let client = &client;
        entries.push((
            format!("Rust {t}"),
            Box::new(move || threaded_rate(client, t, per)),
        ));
        let (c1, p1, t1) = (config.clone(), pers.clone(), ts.clone());
        entries.push((
            format!("C {t}"),
            Box::new(move || num(&ch.c(&["threads", &c1, &t1, &p1])?, "calls_per_sec")),
        ));
        let (c2, p2, t2) = (config.clone(), pers.clone(), ts.clone());
        entries.push((
            format!("Python {t}"),
            Box::new(move || num(&ch.python(&["threads", &c2, &t2, &p2])?, "calls_per_sec")),
        ));
    }
    let names: Vec<String> = entries.iter().map(|(n, _)| n.clone()).collect();
    let res: Rounds = rounds(
        r,
        entries
            .into_iter()
            .zip(names.iter())
            .map(|((_, m), n)| (n.as_str(), m))
            .collect(),
    );
    rep.line(format!(
        "Each thread makes {per} `send_sms` calls on the one shared client; the responder answers \
         every request after 20 ms, so the ideal is threads / 20 ms. {} rounds. C uses pthreads on \
         one `tuma_client`, Python `threading` on one `tuma.Client` (Node: see section 4).\n",
        res.rounds
    ));
    rep.line("| language | 1 thread | 4 threads | 16 threads (target ≥ 0.9) | |");
    rep.line("|---|---|---|---|---|");
    for lang in ["Rust", "C", "Python"] {
        let mut cells = Vec::new();
        let mut last = Summary::of(&[]);
        let mut error = None;
        for t in [1usize, 4, 16] {
            let name = format!("{lang} {t}");
            if let Some(e) = res.error(&name) {
                error = Some(e.to_string());
            }
            let ideal = t as f64 / 0.020;
            let frac = Summary::of(
                &res.values
                    .get(&name)
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .map(|v| v / ideal)
                    .collect::<Vec<_>>(),
            );
            cells.push(format!(
                "{} ({}/s)",
                frac.ratio(2),
                thousands(res.summary(&name).median)
            ));
            last = frac;
        }
        if let Some(e) = error {
            rep.line(format!("| {lang} | not run: {e} | | | |"));
            continue;
        }
        let verdict = rep.check(
            &format!(
                "7. {lang} 16 threads ≥ 0.9 of ideal (got {:.2})",
                last.median
            ),
            at_least(&last, 0.9),
        );
        rep.line(format!(
            "| {lang} | {} | {} | {} | {verdict} |",
            cells[0], cells[1], cells[2]
        ));
    }
    let c = resp.counts();
    rep.line(format!(
        "\nFigures are fractions of ideal (calls/s). The responder saw {} connections for {} \
         requests over the whole section.\n",
        c.connections, c.requests
    ));
}
