//! The report: BENCHMARKS.md's lines, the targets met and missed, and the document's head
//! (the machine, the versions, the summary of targets).

use std::fmt::Write as _;
use std::process::Command;

use serde_json::Value;

use crate::children::bench_dir;
use crate::stats::Summary;
use crate::Opts;

pub(crate) struct Report {
    pub(crate) md: String,
    pub(crate) misses: Vec<String>,
}

impl Report {
    pub(crate) fn line(&mut self, s: impl AsRef<str>) {
        self.md.push_str(s.as_ref());
        self.md.push('\n');
    }

    /// `met` / `MISSED` for a target, remembering misses for the summary.
    pub(crate) fn check(&mut self, what: &str, ok: Option<bool>) -> &'static str {
        match ok {
            Some(true) => "met",
            Some(false) => {
                self.misses.push(what.to_string());
                "**missed**"
            }
            None => "n/a",
        }
    }
}

pub(crate) fn at_least(s: &Summary, target: f64) -> Option<bool> {
    (s.n > 0).then_some(s.median >= target)
}

/// The whole document: the head (written last, when the misses are known) and the sections.
pub(crate) fn document(opts: &Opts, report: &Report, ceiling: &str, seconds: f64) -> String {
    let mut head = String::new();
    let _ = writeln!(head, "# Benchmarks\n");
    let _ = writeln!(
        head,
        "Written by `{}` (`tuma-bench`, source in `bench/`) in {:.0} s. Do not edit by hand.\n",
        opts.command, seconds
    );
    let _ = writeln!(
        head,
        "Numbers on these machines move by about ±15% from run to run, so every result is a \
         **ratio of two things measured side by side in the same round**; each round runs the \
         contenders one after the other in a rotating order. Figures are the **median of the \
         rounds, with the spread (min–max) in parentheses**; rates show the median and ± half \
         the spread. Sequential figures are also given as a fraction of the **ceiling**: a bare \
         keep-alive socket client in Rust (prebuilt request bytes, no HTTP library) against \
         the same responder in the same round.\n"
    );
    let _ = writeln!(head, "{}", machine(opts));
    let _ = writeln!(head, "## Targets\n");
    if report.misses.is_empty() {
        let _ = writeln!(head, "Every target below was met in this run.\n");
    } else {
        let _ = writeln!(head, "Missed in this run:\n");
        for m in &report.misses {
            let _ = writeln!(head, "- {m}");
        }
        let _ = writeln!(head);
    }
    let _ = writeln!(
        head,
        "**Servers.** Every table uses the bench's own *responder* (`bench/src/responder.rs`): \
         HTTP/1.1 keep-alive, one thread per connection, canned Daraja / Statum / UMS Pay \
         answers, counters of requests, connections, TLS handshakes and token fetches. The \
         sandbox (`tuma-sandbox`) validates every request and would be the bottleneck, so no \
         table uses it. The ceiling on this machine was {}.\n",
        ceiling
    );
    format!("{head}{}", report.md)
}

fn machine(opts: &Opts) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or("?".into(), |kb| format!("{:.1} GiB", kb as f64 / 1048576.0));
    let out = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| {
                let s = String::from_utf8_lossy(&o.stdout).to_string()
                    + &String::from_utf8_lossy(&o.stderr);
                s.lines().next().unwrap_or("").trim().to_string()
            })
            .unwrap_or_else(|| "not found".into())
    };
    let kernel = out("uname", &["-sr"]);
    let rustc = out("rustc", &["-V"]);
    let cc = out("cc", &["--version"]);
    let python = opts
        .python
        .as_ref()
        .map_or("not run".into(), |p| out(&p.to_string_lossy(), &["-V"]));
    let node = opts
        .node
        .as_ref()
        .map_or("not run".into(), |p| out(&p.to_string_lossy(), &["-v"]));
    let lock = std::fs::read_to_string(bench_dir().join("../Cargo.lock")).unwrap_or_default();
    let locked = |name: &str| {
        let needle = format!("name = \"{name}\"\nversion = \"");
        lock.find(&needle)
            .map(|i| {
                lock[i + needle.len()..]
                    .split('"')
                    .next()
                    .unwrap_or("?")
                    .to_string()
            })
            .unwrap_or_else(|| "?".into())
    };
    let peers = std::fs::read_to_string(bench_dir().join("python/requirements.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(", ");
    let npm: Value = std::fs::read_to_string(bench_dir().join("node/package.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Value::Null);
    let npm_peers = npm["dependencies"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}=={}", v.as_str().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    format!(
        "| | |\n|---|---|\n| command | `{}` (rounds: {}, quick: {}) |\n| machine | {cpu}, {cores} cores, {mem} RAM, {kernel} |\n| tuma | {} (release build, `[profile.release]` of the workspace) |\n| ureq / rustls | {} / {} |\n| Rust | {rustc} |\n| C compiler | {cc} |\n| Python | {python}; peers (pinned, throwaway venv): {peers} |\n| Node | {node}; peers (pinned, throwaway node_modules): {npm_peers} |\n",
        opts.command,
        opts.rounds,
        opts.quick,
        env!("CARGO_PKG_VERSION"),
        locked("ureq"),
        locked("rustls"),
    )
}
