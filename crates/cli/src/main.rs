//! `tuma`: the command-line face of the tuma library.
//!
//! ```text
//! tuma demo                       run every supported call against the embedded sandbox
//! tuma sandbox [--port N]         run the provider emulator until killed
//! tuma call <operation> [JSON]    run any operation (config from TUMA_* variables)
//! tuma reconcile --older-than 60s settle journaled payments whose callbacks never came
//! tuma operations                 list the operations, callback kinds and utilities
//! tuma phone <number>             normalise a Kenyan phone number and guess its carrier
//! ```

mod demo;
mod reconcile;

use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!(
        "usage:\n  tuma demo\n  tuma sandbox [--port N]\n  tuma call <operation> [JSON request]\n  tuma reconcile [--older-than 60s] [--limit N] [--rate N] [--wait 10s] [--result-url URL] [--no-c2b] [--c2b-lookback 24h] [--not-found-after 30m] [--json]\n  tuma operations\n  tuma phone <number>\n\nThe client for `tuma call` and `tuma reconcile` is configured from TUMA_* environment variables (see the README)."
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(),
        Some("sandbox") => run_sandbox(&args[1..]),
        Some("call") if args.len() >= 2 => call(&args[1], args.get(2).map(String::as_str)),
        Some("reconcile") => reconcile::run(&args[1..]),
        Some("operations") => {
            println!("operations:");
            for op in tuma::ops::operations() {
                println!("  {op}");
            }
            println!("callback kinds:");
            for k in tuma::ops::callback_kinds() {
                println!("  {k}");
            }
            println!("utilities:");
            for u in tuma::ops::utilities() {
                println!("  {u}");
            }
            Ok(())
        }
        Some("phone") if args.len() == 2 => tuma::Phone::parse(&args[1])
            .map(|p| println!("{} ({:?})", p, p.carrier()))
            .map_err(|e| e.to_string()),
        _ => return usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run_sandbox(args: &[String]) -> Result<(), String> {
    let port = match args {
        [] => 0,
        [flag, n] if flag == "--port" => n.parse().map_err(|_| "--port takes a number")?,
        _ => return Err("usage: tuma sandbox [--port N]".into()),
    };
    let sandbox = tuma_sandbox::Sandbox::start(tuma_sandbox::SandboxConfig {
        port,
        ..Default::default()
    })
    .map_err(|e| format!("cannot start the sandbox: {e}"))?;
    println!("tuma sandbox listening on {}", sandbox.base_url());
    println!("  Statum:  {}", sandbox.statum_url());
    println!("  Daraja:  {}", sandbox.daraja_url());
    println!("  UMS Pay: {}", sandbox.umspay_url());
    loop {
        std::thread::park();
    }
}

fn call(operation: &str, request: Option<&str>) -> Result<(), String> {
    let request: serde_json::Value = match request {
        Some(text) => {
            serde_json::from_str(text).map_err(|e| format!("request is not JSON: {e}"))?
        }
        None => serde_json::json!({}),
    };
    let client = tuma::Client::from_env().map_err(|e| e.to_string())?;
    match tuma::ops::call(&client, operation, &request) {
        Ok(value) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            );
            Ok(())
        }
        Err(e) => Err(serde_json::to_string_pretty(&tuma::ops::error_json(&e)).unwrap_or_default()),
    }
}
