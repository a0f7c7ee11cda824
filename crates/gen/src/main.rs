//! `tuma-gen`: writes the bindings' generated files from the core's operation table;
//! `tuma-gen --check` fails when a committed file differs (`make gen`, `make gen-check`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read =
        |path: &str| std::fs::read_to_string(root.join(path)).map_err(|e| format!("{path}: {e}"));
    let outputs = match tuma_gen::generate(&tuma_gen::Table::current(), &read) {
        Ok(outputs) => outputs,
        Err(e) => {
            eprintln!("tuma-gen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = 0;
    for output in outputs {
        if read(output.path).ok().as_deref() == Some(output.text.as_str()) {
            continue;
        }
        stale += 1;
        if check {
            eprintln!("tuma-gen: {} is not what the table generates", output.path);
        } else if let Err(e) = std::fs::write(root.join(output.path), &output.text) {
            eprintln!("tuma-gen: {}: {e}", output.path);
            return ExitCode::FAILURE;
        } else {
            println!("wrote {}", output.path);
        }
    }
    if check && stale > 0 {
        eprintln!("tuma-gen: run `make gen` and commit the result");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
