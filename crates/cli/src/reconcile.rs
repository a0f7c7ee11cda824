//! `tuma reconcile`: settles the payment journal's payments whose callbacks never came,
//! with the client configured from `TUMA_*` variables (as `tuma call`). Run it from cron or
//! from several workers at once: with a Redis store (`TUMA_STORE_URL`) they share the
//! journal, claim each payment before asking about it, and share the query pace.

use tuma::{Client, ReconcileReport, ReconcileRequest};

/// `tuma reconcile [flags]`: exit status 1 when a query failed.
pub fn run(args: &[String]) -> Result<(), String> {
    let (request, json) = parse(args)?;
    let client = Client::from_env().map_err(|e| e.to_string())?;
    let report = client.reconcile(&request).map_err(|e| {
        serde_json::to_string_pretty(&tuma::ops::error_json(&e)).unwrap_or_default()
    })?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print!("{}", render(&report));
    }
    match (report.errors, &report.c2b_error) {
        (0, None) => Ok(()),
        (n, c2b) => Err(format!(
            "{n} queries failed{}",
            c2b.as_deref()
                .map(|e| format!("; Pull Transactions: {e}"))
                .unwrap_or_default()
        )),
    }
}

/// The request the flags describe, and whether to print JSON.
pub fn parse(args: &[String]) -> Result<(ReconcileRequest, bool), String> {
    let mut request = ReconcileRequest::new(60_000);
    let mut json = false;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = |what: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} takes {what}"))
        };
        match flag.as_str() {
            "--older-than" => request.older_than_ms = duration_ms(&value("a duration")?)?,
            "--limit" => request.limit = Some(number(&value("a number")?)?),
            "--rate" => request.max_queries_per_second = Some(number(&value("a number")?)?),
            "--wait" => request.wait_for_results_ms = Some(duration_ms(&value("a duration")?)?),
            "--result-url" => request.result_url = Some(value("a URL")?),
            "--no-c2b" => request.c2b = Some(false),
            "--c2b-lookback" => request.c2b_lookback_ms = Some(duration_ms(&value("a duration")?)?),
            "--not-found-after" => {
                request.not_found_final_after_ms = Some(duration_ms(&value("a duration")?)?)
            }
            "--requery-after" => {
                request.requery_after_ms = Some(duration_ms(&value("a duration")?)?)
            }
            "--json" => json = true,
            other => return Err(format!("unknown flag `{other}` (see `tuma` for usage)")),
        }
    }
    Ok((request, json))
}

fn number(text: &str) -> Result<u32, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a whole number"))
}

/// `500ms`, `90s`, `5m`, `2h`, `1d`; a bare number is seconds.
pub fn duration_ms(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 60s, 5m, 2h)"))?;
    let per = match unit {
        "ms" => 1,
        "" | "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(format!("`{text}` is not a duration (e.g. 60s, 5m, 2h)")),
    };
    n.checked_mul(per)
        .and_then(|ms| u32::try_from(ms).ok())
        .ok_or_else(|| format!("`{text}` is too long"))
}

/// The report as a table and a summary line.
pub fn render(report: &ReconcileReport) -> String {
    let mut out = String::new();
    for p in &report.payments {
        let old = p.old_status.map_or("-", |s| s.as_str());
        let detail = match (&p.outcome, &p.error) {
            (_, Some(e)) => format!("error: {e}"),
            (Some(o), None) => format!(
                "code {}{}, by {}",
                if o.result_code.is_empty() {
                    "-"
                } else {
                    &o.result_code
                },
                o.receipt
                    .as_deref()
                    .map(|r| format!(", receipt {r}"))
                    .unwrap_or_default(),
                serde_json::to_value(o.source)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            ),
            (None, None) => String::new(),
        };
        let action = serde_json::to_value(p.action)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:<16} {:<32} KES {:>8}  {:>9} -> {:<9} {:<15} {}\n",
            p.operation,
            p.id,
            p.amount,
            old,
            p.new_status.as_str(),
            action,
            detail
        ));
    }
    let awaiting = if report.awaiting_result > 0 {
        " (their answers arrive on the ResultURL: your receive_callback records them)"
    } else {
        ""
    };
    out.push_str(&format!(
        "reconciled {} open payments in {} ms with {} queries: {} resolved, {} still pending, {} awaiting a transaction status answer{awaiting}, {} skipped, {} errors; {} C2B payments found, {} STK receipts found\n",
        report.examined,
        report.took_ms,
        report.queries,
        report.resolved,
        report.pending,
        report.awaiting_result,
        report.skipped,
        report.errors,
        report.c2b_found,
        report.receipts_found,
    ));
    if let Some(e) = &report.c2b_error {
        out.push_str(&format!("Pull Transactions: {e}\n"));
    }
    if report.payments.is_empty() {
        out.push_str("nothing to reconcile\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags() {
        let (r, json) = parse(&args(&["--older-than", "90s", "--rate", "3", "--json"])).unwrap();
        assert_eq!(r.older_than_ms, 90_000);
        assert_eq!(r.max_queries_per_second, Some(3));
        assert!(json);
        let (r, _) = parse(&[]).unwrap();
        assert_eq!(r.older_than_ms, 60_000);
        let (r, _) = parse(&args(&[
            "--no-c2b",
            "--wait",
            "500ms",
            "--c2b-lookback",
            "2d",
        ]))
        .unwrap();
        assert_eq!(r.c2b, Some(false));
        assert_eq!(r.wait_for_results_ms, Some(500));
        assert_eq!(r.c2b_lookback_ms, Some(172_800_000));
        assert!(parse(&args(&["--older-than"])).is_err());
        assert!(parse(&args(&["--older-than", "soon"])).is_err());
        assert!(parse(&args(&["--colour"])).is_err());
        assert_eq!(duration_ms("5m"), Ok(300_000));
        assert_eq!(duration_ms("60"), Ok(60_000));
        assert!(duration_ms("100d").is_err());
    }
}
