//! Child programs (C, Python, Node): each prints one JSON object on its last stdout line;
//! and the children driven in slices (`serve`), one line in, the seconds taken out.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::clients::ceiling_measure;
use crate::stats::{Chunk, Rounds};
use crate::Opts;

pub(crate) struct Children<'a> {
    pub(crate) opts: &'a Opts,
}

impl Children<'_> {
    pub(crate) fn c_bench(&self) -> Result<&PathBuf, String> {
        self.opts
            .c_bench
            .as_ref()
            .ok_or_else(|| "the C bench program was not built".to_string())
    }

    pub(crate) fn c(&self, args: &[&str]) -> Result<Value, String> {
        let bin = self
            .opts
            .c_bench
            .as_ref()
            .ok_or("the C bench program was not built")?;
        run_json(Command::new(bin).args(args))
    }

    pub(crate) fn python(&self, args: &[&str]) -> Result<Value, String> {
        let py = self
            .opts
            .python
            .as_ref()
            .ok_or("no Python venv was given")?;
        let script = bench_dir().join("python/bench.py");
        run_json(Command::new(py).arg(script).args(args))
    }

    pub(crate) fn node(&self, args: &[&str], env: &[(&str, &str)]) -> Result<Value, String> {
        let node = self.opts.node.as_ref().ok_or("no node was given")?;
        let addon = self
            .opts
            .node_addon
            .as_ref()
            .ok_or("no release Node addon was given")?;
        let script = bench_dir().join("node/bench.js");
        let mut cmd = Command::new(node);
        cmd.arg("--expose-gc")
            .arg(script)
            .args(args)
            .env("NAPI_RS_NATIVE_LIBRARY_PATH", addon);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run_json(&mut cmd)
    }
}

pub(crate) fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn run_json(cmd: &mut Command) -> Result<Value, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(6).collect();
        return Err(format!(
            "exit {}: {}",
            out.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        ));
    }
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or("no JSON output")?;
    serde_json::from_str(line).map_err(|e| format!("bad JSON `{line}`: {e}"))
}

pub(crate) fn num(v: &Value, key: &str) -> Result<f64, String> {
    v.get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("no `{key}` in {v}"))
}

/// A child process that makes calls in slices on request (`serve` in `bench/c/bench.c` and
/// in this binary): one line `MODE N` in, the seconds taken out.
pub(crate) struct SliceChild {
    child: std::process::Child,
    io: std::cell::RefCell<(
        std::process::ChildStdin,
        std::io::BufReader<std::process::ChildStdout>,
    )>,
}

impl SliceChild {
    pub(crate) fn spawn(cmd: &mut Command) -> Result<SliceChild, String> {
        use std::process::Stdio;
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = std::io::BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(SliceChild {
            child,
            io: std::cell::RefCell::new((stdin, stdout)),
        })
    }

    pub(crate) fn slice(&self, mode: &str, calls: usize) -> Result<f64, String> {
        use std::io::{BufRead, Write};
        let mut io = self.io.borrow_mut();
        let (stdin, stdout) = &mut *io;
        writeln!(stdin, "{mode} {calls}")
            .and_then(|_| stdin.flush())
            .map_err(|e| format!("child stdin: {e}"))?;
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .map_err(|e| format!("child stdout: {e}"))?;
        line.trim()
            .parse()
            .map_err(|_| format!("child answered {line:?} (did it fail?)"))
    }

    pub(crate) fn chunk<'a>(&'a self, mode: &'a str) -> Chunk<'a> {
        Box::new(move |calls| self.slice(mode, calls))
    }
}

impl Drop for SliceChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `count` rounds of one child run that measures several modes interleaved (its JSON has
/// `rates: {mode: calls/s}`), each preceded by the ceiling measured here.
pub(crate) fn child_rounds(
    count: usize,
    port: u16,
    labels: &[(&str, &str)],
    mut child: impl FnMut() -> Result<Value, String>,
) -> Rounds {
    let mut out = Rounds {
        rounds: count,
        ..Rounds::default()
    };
    for _ in 0..count {
        if let Ok(c) = ceiling_measure(port, 3000)() {
            out.values.entry("ceiling".into()).or_default().push(c);
        }
        match child() {
            Ok(v) => {
                for (label, mode) in labels {
                    match v["rates"][*mode].as_f64() {
                        Some(rate) => out.values.entry(label.to_string()).or_default().push(rate),
                        None => {
                            out.errors
                                .insert(label.to_string(), format!("no rate for {mode} in {v}"));
                        }
                    }
                }
            }
            Err(e) => {
                eprintln!("bench: child failed: {e}");
                for (label, _) in labels {
                    out.errors.insert(label.to_string(), e.clone());
                }
                break;
            }
        }
    }
    out
}
