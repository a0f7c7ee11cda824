//! `tuma-bench`: the benchmark suite behind `make bench`. Every figure is a ratio of two
//! things measured side by side in the same run, the median of several rounds with the
//! spread (min–max), written to BENCHMARKS.md.
//!
//! ```text
//! tuma-bench run [--out BENCHMARKS.md] [--rounds N] [--quick] [--only 1,inflight,…]
//!                [--c-bench PATH] [--python PATH] [--node PATH] [--node-addon PATH]
//! tuma-bench responder [--port N] [--delay-ms N] [--token-ttl S] [--tls]
//! tuma-bench memory CONFIG_JSON CALLS      (child process: RSS of one client)
//! tuma-bench serve CONFIG_JSON             (child process: calls in slices on request)
//! ```
//!
//! Modules: this file is the command line and the order of the sections; `commands` the
//! subcommands other than `run`; `children` the child programs (C, Python, Node) and how
//! they are driven; `report` the document; `sections::*` one module per family of
//! sections; `responder`, `clients`, `stats`, `pin`, `tls` the pieces they share.

mod children;
mod clients;
mod commands;
mod pin;
mod report;
mod responder;
mod sections;
mod stats;
mod tls;

use std::path::PathBuf;
use std::time::Instant;

use children::Children;
use report::Report;

/// What `run` was given.
#[derive(Default)]
pub(crate) struct Opts {
    pub(crate) out: PathBuf,
    pub(crate) rounds: usize,
    pub(crate) quick: bool,
    pub(crate) c_bench: Option<PathBuf>,
    pub(crate) python: Option<PathBuf>,
    pub(crate) node: Option<PathBuf>,
    pub(crate) node_addon: Option<PathBuf>,
    pub(crate) command: String,
    /// Sections to run (`1,2,store`); all when empty.
    pub(crate) only: Vec<String>,
}

impl Opts {
    pub(crate) fn wants(&self, section: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|s| s == section)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("memory") => commands::memory_child(&args[1..]),
        Some("responder") => commands::standalone_responder(&args[1..]),
        Some("serve") => commands::serve_child(&args[1..]),
        Some("run") => run(parse_opts(&args[1..])),
        None => run(parse_opts(&[])),
        Some(other) => {
            eprintln!("tuma-bench: unknown command `{other}` (run, responder, memory, serve)");
            std::process::exit(2);
        }
    }
}

fn parse_opts(args: &[String]) -> Opts {
    let mut o = Opts {
        out: PathBuf::from("BENCHMARKS.md"),
        rounds: 5,
        command: "make bench".into(),
        ..Opts::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "--out" => o.out = val().into(),
            "--rounds" => o.rounds = val().parse().unwrap_or(5).max(3),
            "--quick" => o.quick = true,
            "--c-bench" => o.c_bench = Some(val().into()),
            "--python" => o.python = Some(val().into()),
            "--node" => o.node = Some(val().into()),
            "--node-addon" => o.node_addon = Some(val().into()),
            "--command" => o.command = val(),
            "--only" => o.only = val().split(',').map(|s| s.trim().to_string()).collect(),
            other => {
                eprintln!("tuma-bench run: unknown option `{other}`");
                std::process::exit(2);
            }
        }
    }
    o
}

fn run(opts: Opts) {
    let started = Instant::now();
    let mut report = Report {
        md: String::new(),
        misses: Vec::new(),
    };
    let children = Children { opts: &opts };
    let r = opts.rounds;
    let scale = if opts.quick { 4 } else { 1 };

    let mut ceiling = "not measured (section 1 not run)".to_string();
    if opts.wants("1") {
        eprintln!("bench: 1. Rust sequential");
        ceiling = sections::sequential::section_rust(&mut report, 2 * r + 1, scale);
    }
    if opts.wants("2") {
        eprintln!("bench: 2. C");
        sections::sequential::section_c(&mut report, &children, 2 * r + 1, scale);
    }
    if opts.wants("3") {
        eprintln!("bench: 3. Python");
        sections::bindings::section_python(&mut report, &children, 3, scale);
    }
    if opts.wants("4") {
        eprintln!("bench: 4. Node");
        sections::bindings::section_node(&mut report, &children, 3, scale);
    }
    if opts.wants("5") {
        eprintln!("bench: 5. tokens");
        sections::safety::section_tokens(&mut report, &children, scale);
    }
    if opts.wants("6") {
        eprintln!("bench: 6. slow provider");
        sections::safety::section_timeout(&mut report, &children);
    }
    if opts.wants("7") {
        eprintln!("bench: 7. threads");
        sections::threads::section_threads(&mut report, &children, 3, scale);
    }
    if opts.wants("8") {
        eprintln!("bench: 8. TLS");
        sections::tls::section_tls(&mut report, r, scale);
    }
    if opts.wants("9") {
        eprintln!("bench: 9. memory");
        sections::memory::section_memory(&mut report, &children, scale);
    }
    if opts.wants("inflight") {
        eprintln!("bench: calls in flight");
        sections::inflight::section_inflight(&mut report, &children);
    }
    if opts.wants("store") {
        eprintln!("bench: store");
        sections::store::section_store(&mut report, scale);
    }

    let doc = report::document(&opts, &report, &ceiling, started.elapsed().as_secs_f64());
    std::fs::write(&opts.out, doc).expect("write BENCHMARKS.md");
    eprintln!(
        "bench: wrote {} in {:.0} s",
        opts.out.display(),
        started.elapsed().as_secs_f64()
    );
}
