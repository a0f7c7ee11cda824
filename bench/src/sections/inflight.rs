//! Section "calls in flight" (`--only inflight`): 100, 1,000 and 5,000 STK pushes started at
//! once on one client, against the responder answering after 200 ms. Each contender runs in
//! its own child process (so its threads and RSS are its own), one after the other in the
//! same run; the parent samples the child's `/proc/PID/status` while it runs.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::children::{bench_dir, num, Children};
use crate::clients::{bare_agent, bare_token, config_json, stk_body};
use crate::report::Report;
use crate::responder::{Options, Responder};
use crate::stats::thousands;

const LEVELS: [usize; 3] = [100, 1_000, 5_000];
const DELAY: Duration = Duration::from_millis(200);
/// tuma's default `http.max_threads` under the common soft limit of 1,024 open files.
const LOW_LIMIT_MAX_THREADS: usize = 512;

/// Raises the soft limit of open files to the hard one (children inherit it).
pub fn raise_nofile() -> (libc::rlim_t, libc::rlim_t) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain libc calls on a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
    }
    (lim.rlim_cur, lim.rlim_max)
}

/// What the responder can serve with `n` fresh connections at once: `n` threads of a bare
/// socket client (prebuilt request bytes), all released together, one STK push each.
fn raw_capacity(base: &str, port: u16, n: usize) -> Result<f64, String> {
    let token = bare_token(&bare_agent(), base)?;
    let body = stk_body();
    let request: Arc<Vec<u8>> = Arc::new(
        format!(
            "POST /mpesa/stkpush/v1/processrequest HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
             Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    );
    let barrier = Arc::new(Barrier::new(n + 1));
    let mut handles = Vec::with_capacity(n);
    for _ in 0..n {
        let (request, barrier) = (request.clone(), barrier.clone());
        let h = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || -> Result<(), String> {
                barrier.wait();
                let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
                s.write_all(&request).map_err(|e| e.to_string())?;
                let mut buf = Vec::with_capacity(1024);
                let mut chunk = [0u8; 1024];
                loop {
                    let k = s.read(&mut chunk).map_err(|e| e.to_string())?;
                    if k == 0 {
                        return Err("connection closed before the answer".into());
                    }
                    buf.extend_from_slice(&chunk[..k]);
                    if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                        let len: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            return Ok(());
                        }
                    }
                }
            })
            .map_err(|e| format!("spawn: {e}"))?;
        handles.push(h);
    }
    barrier.wait();
    let start = Instant::now();
    let mut errors = 0;
    for h in handles {
        if !matches!(h.join(), Ok(Ok(()))) {
            errors += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    if errors > 0 {
        return Err(format!("{errors} of {n} raw requests failed"));
    }
    Ok(n as f64 / secs)
}

fn proc_status(pid: u32, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix(':')))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// Runs a child to its end, sampling its thread count and RSS every 2 ms; adds
/// `peak_threads` and `peak_rss_kib` (the larger of the samples and the child's VmHWM) to
/// its JSON answer.
fn sampled(cmd: &mut Command) -> Result<Value, String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{cmd:?}: {e}"))?;
    let pid = child.id();
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let (mut threads, mut rss) = (0u64, 0u64);
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        threads = threads.max(proc_status(pid, "Threads").unwrap_or(0));
        rss = rss.max(proc_status(pid, "VmRSS").unwrap_or(0));
        std::thread::sleep(Duration::from_millis(2));
    };
    let stdout = out_t.join().unwrap_or_default();
    let stderr = err_t.join().unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(6).collect();
        return Err(format!(
            "exit {status}: {}",
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        ));
    }
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or("no JSON output")?;
    let mut v: Value = serde_json::from_str(line).map_err(|e| format!("bad JSON `{line}`: {e}"))?;
    let hwm = v["hwm_kib"].as_u64().unwrap_or(0);
    v["peak_threads"] = json!(threads);
    v["peak_rss_kib"] = json!(rss.max(hwm));
    Ok(v)
}

fn python_cmd(ch: &Children<'_>, args: &[&str]) -> Result<Command, String> {
    let py = ch.opts.python.as_ref().ok_or("no Python venv was given")?;
    let mut cmd = Command::new(py);
    cmd.arg(bench_dir().join("python/bench.py")).args(args);
    Ok(cmd)
}

fn node_cmd(ch: &Children<'_>, args: &[&str]) -> Result<Command, String> {
    let node = ch.opts.node.as_ref().ok_or("no node was given")?;
    let addon = ch
        .opts
        .node_addon
        .as_ref()
        .ok_or("no release Node addon was given")?;
    let addon = std::fs::canonicalize(addon).map_err(|e| format!("{}: {e}", addon.display()))?;
    let mut cmd = Command::new(node);
    cmd.arg(bench_dir().join("node/bench.js"))
        .args(args)
        .env("NAPI_RS_NATIVE_LIBRARY_PATH", addon);
    Ok(cmd)
}

struct Row {
    lang: &'static str,
    name: String,
    /// `http.max_threads` for tuma rows.
    max_threads: Option<usize>,
    /// The async peer of the same language (targets compare against it).
    peer: bool,
    out: Result<Value, String>,
}

/// One level: in flight, ideal calls/s, the responder's measured capacity, the rows.
type Level = (usize, f64, Result<f64, String>, Vec<Row>);

pub fn section_inflight(rep: &mut Report, ch: &Children<'_>) {
    rep.line("## Calls in flight: 100, 1,000 and 5,000 STK pushes at once (200 ms responder)\n");
    let (soft, hard) = raise_nofile();
    // The children inherit the raised limit, so their default is the bench's own.
    let default_threads = tuma::HttpConfig::default_max_threads();
    let resp = Responder::start(Options {
        delay: DELAY,
        ..Options::default()
    });
    let base = resp.url("");
    let mut out_rows: Vec<Level> = Vec::new();
    for n in LEVELS {
        eprintln!("bench: inflight {n}");
        let capacity = raw_capacity(&base, resp.port(), n);
        let ideal = match &capacity {
            Ok(c) => (n as f64 / DELAY.as_secs_f64()).min(*c),
            Err(_) => n as f64 / DELAY.as_secs_f64(),
        };
        let ns = n.to_string();
        // The default, then the default under a 1,024 open-files limit (from 1,000 in
        // flight), then as many threads as calls (when more than the default; at most 2,048).
        let mut settings = vec![(default_threads, true)];
        if n >= 1_000 && default_threads != LOW_LIMIT_MAX_THREADS {
            settings.push((LOW_LIMIT_MAX_THREADS, false));
        }
        if n.min(2048) > default_threads {
            settings.push((n.min(2048), false));
        }
        let mut rows = Vec::new();
        let mut run = |lang: &'static str,
                       name: String,
                       max_threads: Option<usize>,
                       peer: bool,
                       cmd: Result<Command, String>| {
            let out = cmd.and_then(|mut c| sampled(&mut c));
            if let Err(e) = &out {
                eprintln!("bench: inflight {n} {name}: {e}");
            }
            rows.push(Row {
                lang,
                name,
                max_threads,
                peer,
                out,
            });
        };
        let label = |threads: usize, default: bool| {
            if default {
                format!("max_threads {threads} (default)")
            } else if threads == LOW_LIMIT_MAX_THREADS {
                format!("max_threads {threads} (the default under `ulimit -n` 1,024)")
            } else {
                format!("max_threads {threads}")
            }
        };
        let cfg = |threads: usize| config_json(&base, json!({ "max_threads": threads }));
        let default_cfg = config_json(&base, json!({}));
        for &(threads, default) in &settings {
            let c = if default {
                default_cfg.clone()
            } else {
                cfg(threads)
            };
            run(
                "Python",
                format!("`tuma.AsyncClient`, {}", label(threads, default)),
                Some(threads),
                false,
                python_cmd(ch, &["inflight", "tuma", &c, &ns]),
            );
        }
        run(
            "Python",
            "`httpx.AsyncClient` (max_connections = in flight)".into(),
            None,
            true,
            python_cmd(ch, &["inflight", "httpx", &default_cfg, &ns]),
        );
        // Not the peer: an asyncio client that does hold N calls at the server at
        // once, for the memory that costs in Python.
        run(
            "Python",
            "`aiohttp.ClientSession` (limit = in flight)".into(),
            None,
            false,
            python_cmd(ch, &["inflight", "aiohttp", &default_cfg, &ns]),
        );
        for &(threads, default) in &settings {
            let c = if default {
                default_cfg.clone()
            } else {
                cfg(threads)
            };
            run(
                "Node",
                format!("tuma, {}", label(threads, default)),
                Some(threads),
                false,
                node_cmd(ch, &["inflight", "tuma", &c, &ns]),
            );
        }
        run(
            "Node",
            "undici `Pool` (connections = in flight)".into(),
            None,
            true,
            node_cmd(ch, &["inflight", "undici", &default_cfg, &ns]),
        );
        out_rows.push((n, ideal, capacity, rows));
    }
    let c = resp.counts();
    rep.line(format!(
        "One client per process, one warm-up call (it fetches the token), then N STK pushes \
         started at once (`asyncio.gather` / `Promise.allSettled`); calls/s = N / time until \
         the last settles. Each contender runs in its own child process, one after the other \
         in this run, one round each (so ±15% applies). **Ideal** = min(N / 200 ms, the \
         responder's capacity), the capacity measured at each level just before by a bare \
         Rust socket client: N threads, one fresh connection and one prebuilt request each, \
         released together. **Peak threads** and **peak RSS** of the child process: \
         `/proc/PID/status` sampled every 2 ms by the parent (RSS: also the child's own \
         `VmHWM`). tuma rows: `http.max_threads` at its default ({default_threads}: 1,024, or half \
         the open-files limit when lower), at {LOW_LIMIT_MAX_THREADS} (the default under \
         the common limit of 1,024 open files) from 1,000 in flight, and equal to the number \
         in flight when that is more than the default (capped at 2,048). The responder: one thread per \
         connection (128 KiB stacks), listen backlog 4096 (kernel `somaxconn` caps it); open \
         files limit {soft} (hard {hard}), raised to the hard limit for the responder and the \
         children.\n"
    ));
    rep.line("| in flight | ideal (capacity) | contender | calls/s | fraction of ideal | peak threads | peak RSS | errors |");
    rep.line("|---|---|---|---|---|---|---|---|");
    for (n, ideal, capacity, rows) in &out_rows {
        let cap = match capacity {
            Ok(c) => format!("{}/s ({}/s)", thousands(*ideal), thousands(*c)),
            Err(e) => format!("{}/s (capacity not measured: {e})", thousands(*ideal)),
        };
        for (i, row) in rows.iter().enumerate() {
            let first = if i == 0 {
                format!("{} | {cap}", thousands(*n as f64))
            } else {
                " | ".to_string()
            };
            match &row.out {
                Ok(v) => {
                    let rate = num(v, "calls_per_sec").unwrap_or(f64::NAN);
                    let errors = v["errors"].as_u64().unwrap_or(0);
                    let err_cell = match v["first_error"].as_str() {
                        Some(e) if errors > 0 => format!("{errors} (`{}`)", e.replace('|', "/")),
                        _ => errors.to_string(),
                    };
                    rep.line(format!(
                        "| {first} | {} {} | {} | {:.2} | {} | {:.0} MiB | {err_cell} |",
                        row.lang,
                        row.name,
                        thousands(rate),
                        rate / ideal,
                        v["peak_threads"],
                        v["peak_rss_kib"].as_f64().unwrap_or(0.0) / 1024.0,
                    ));
                }
                Err(e) => rep.line(format!(
                    "| {first} | {} {} | not run: {} | | | | |",
                    row.lang,
                    row.name,
                    e.replace('|', "/")
                )),
            }
        }
    }
    // Targets at 1,000 in flight.
    rep.line("\nTargets at 1,000 in flight (issue 19), for each tuma row against its language's async peer:\n");
    rep.line("| tuma row | calls/s ≥ 0.9× peer | ≥ 0.8 of ideal | peak RSS ≤ 1.5× peer | threads added ≤ max_threads |");
    rep.line("|---|---|---|---|---|");
    if let Some((_, ideal, _, rows)) = out_rows.iter().find(|r| r.0 == 1_000) {
        for row in rows.iter().filter(|r| r.max_threads.is_some()) {
            let peer = rows.iter().find(|p| p.peer && p.lang == row.lang);
            let (Ok(v), Some(Ok(p))) = (&row.out, peer.map(|p| &p.out)) else {
                rep.line(format!("| {} {} | not run | | | |", row.lang, row.name));
                continue;
            };
            let f = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
            let speed = f(v, "calls_per_sec") / f(p, "calls_per_sec");
            let frac = f(v, "calls_per_sec") / ideal;
            let mem = f(v, "peak_rss_kib") / f(p, "peak_rss_kib");
            let added = f(v, "peak_threads") - f(v, "threads_before");
            let max = row.max_threads.unwrap_or(0) as f64;
            let who = format!("{} {}", row.lang, row.name);
            let c1 = rep.check(
                &format!("inflight: {who} at 1,000 ≥ 0.9× peer calls/s (got {speed:.2})"),
                Some(speed >= 0.9),
            );
            let c2 = rep.check(
                &format!("inflight: {who} at 1,000 ≥ 0.8 of ideal (got {frac:.2})"),
                Some(frac >= 0.8),
            );
            let c3 = rep.check(
                &format!("inflight: {who} at 1,000 peak RSS ≤ 1.5× peer (got {mem:.2})"),
                Some(mem <= 1.5),
            );
            let c4 = rep.check(
                &format!("inflight: {who} at 1,000 threads ≤ max_threads (added {added:.0})"),
                Some(added <= max),
            );
            rep.line(format!(
                "| {who} | {speed:.2} {c1} | {frac:.2} {c2} | {mem:.2} {c3} | {added:.0} of {max:.0} {c4} |"
            ));
        }
        // For reference, no target: Python's tuma rows against aiohttp, which does hold the
        // 1,000 calls at the server at once (httpx completes few per second, so its RSS is
        // that of a client with few calls at the server).
        let aiohttp = rows.iter().find(|r| r.name.starts_with("`aiohttp"));
        if let Some(Ok(a)) = aiohttp.map(|a| &a.out) {
            let f = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
            let mut parts = Vec::new();
            for row in rows
                .iter()
                .filter(|r| r.lang == "Python" && r.max_threads.is_some())
            {
                if let Ok(v) = &row.out {
                    parts.push(format!(
                        "{}: {:.2}× its calls/s, {:.2}× its peak RSS",
                        row.name,
                        f(v, "calls_per_sec") / f(a, "calls_per_sec"),
                        f(v, "peak_rss_kib") / f(a, "peak_rss_kib"),
                    ));
                }
            }
            rep.line(format!(
                "\nFor reference (no target), against `aiohttp.ClientSession` at 1,000 in flight: {}.",
                parts.join("; ")
            ));
        }
    }
    rep.line(format!(
        "\nThreads added = peak threads − the process's threads before its client was built. The \
         responder saw {} connections for {} requests over the whole section.\n",
        c.connections, c.requests
    ));
}
