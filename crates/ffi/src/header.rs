//! Generates `include/tuma.h` (and the PHP FFI variant) with the pinned cbindgen, and
//! fails when the committed files differ. `TUMA_UPDATE_HEADER=1` rewrites them instead
//! (`make header`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const C_HEADER: &str = "../../include/tuma.h";
const PHP_HEADER: &str = "../../bindings/php/src/Tuma/tuma_ffi.h";

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Rust declarations of the named functions, for cbindgen to print like any other.
fn named_source() -> String {
    let mut src = String::from("use std::ffi::c_char;\n");
    let mut add = |doc: String, name: &str, args: &str| {
        let _ = write!(
            src,
            "{doc}\n#[no_mangle]\npub unsafe extern \"C\" fn {name}({args}) -> tuma_result {{ loop {{}} }}\n"
        );
    };
    for (name, op) in crate::OPERATIONS {
        let mut doc = format!(
            "/// Runs `{op}`: `tuma_client_call(client, \"{op}\", request_json, result_json_out)`."
        );
        let extra = crate::OPERATION_DOCS
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, d)| *d);
        for line in extra.lines() {
            let _ = write!(doc, "\n///{line}");
        }
        add(
            doc,
            name,
            "client: *const tuma_client, request_json: *const c_char, result_json_out: *mut *mut c_char",
        );
    }
    for (name, kind) in crate::CALLBACKS {
        add(
            format!("/// Parses a `{kind}` callback: `tuma_parse_callback(\"{kind}\", body, body_len, result_json_out)`."),
            name,
            "body: *const u8, body_len: usize, result_json_out: *mut *mut c_char",
        );
    }
    for (name, util) in crate::UTILITIES {
        add(
            format!("/// Runs the `{util}` utility: `tuma_utility(\"{util}\", request_json, result_json_out)`."),
            name,
            "request_json: *const c_char, result_json_out: *mut *mut c_char",
        );
    }
    src
}

fn version_defines() -> String {
    let v = env!("CARGO_PKG_VERSION");
    format!(
        "\n#define TUMA_VERSION \"{v}\"\n#define TUMA_VERSION_MAJOR {}\n#define TUMA_VERSION_MINOR {}\n#define TUMA_VERSION_PATCH {}\n",
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
    )
}

const PREAMBLE: &str = "/*
 * libtuma: the C ABI of tuma (M-Pesa through Daraja and UMS Pay, SMS and airtime through
 * Statum). See docs/c-abi.md.
 *
 * - Requests and results are JSON text (UTF-8, NUL-terminated). Every function returning
 *   tuma_result gives TUMA_RESULT_OK (0) on success; out-parameters are written only on
 *   success.
 * - Every string libtuma returns is freed with tuma_string_free(); nothing else is freed
 *   by the caller except handles (tuma_client_free()).
 * - On failure, tuma_last_error_json() gives the full detail for the calling thread.
 * - A tuma_client is thread-safe: one client may be used from several threads at once.
 *   It must not be freed while a call is using it.
 * - After fork(), the child may go on using a client made before it: libtuma gives the
 *   child its own connections (HTTP and Redis) and leaves the parent's alone.
 */";

fn generate(php: bool) -> String {
    let dir = crate_dir();
    let mut config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    // One file per generation: the tests run in parallel.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let named = std::env::temp_dir().join(format!("tuma-ffi-named-{}-{n}.rs", std::process::id()));
    std::fs::write(&named, named_source()).expect("write named prototypes");
    if php {
        // PHP's FFI::cdef reads declarations only: no preprocessor lines, no extern "C".
        config.cpp_compat = false;
        config.sys_includes.clear();
        config.documentation = false;
        config.autogen_warning = Some(
            "/* Generated from crates/ffi for PHP FFI::cdef (no preprocessor lines): do not edit (run `make header`). */"
                .into(),
        );
    } else {
        config.header = Some(PREAMBLE.into());
        config.include_guard = Some("TUMA_H".into());
        config.after_includes = Some(version_defines());
    }
    let mut builder = cbindgen::Builder::new().with_config(config);
    for file in ["lib.rs", "error.rs", "ffi.rs"] {
        builder = builder.with_src(dir.join("src").join(file));
    }
    let bindings = builder
        .with_src(&named)
        .generate()
        .expect("cbindgen generates the header");
    let _ = std::fs::remove_file(&named);
    let mut out = Vec::new();
    bindings.write(&mut out);
    let text = String::from_utf8(out).expect("UTF-8 header");
    if php {
        keep_c17_branches(&text)
    } else {
        text
    }
}

/// Resolves cbindgen's remaining conditionals the way a pre-C23 C compiler would (only
/// `#ifndef __cplusplus` holds), leaving no preprocessor line for PHP.
fn keep_c17_branches(text: &str) -> String {
    let mut taken: Vec<bool> = Vec::new();
    let mut out = String::new();
    for line in text.lines() {
        let directive = line.trim_start();
        if directive.starts_with("#if") {
            taken.push(directive.starts_with("#ifndef __cplusplus"));
        } else if directive.starts_with("#else") {
            if let Some(t) = taken.last_mut() {
                *t = !*t;
            }
        } else if directive.starts_with("#endif") {
            taken.pop();
        } else if taken.iter().all(|t| *t) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn check_or_update(relative: &str, fresh: &str) {
    let path: PathBuf = crate_dir().join(relative);
    if std::env::var_os("TUMA_UPDATE_HEADER").is_some_and(|v| v == "1") {
        std::fs::write(&path, fresh).expect("write header");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is out of date: run `make header` (TUMA_UPDATE_HEADER=1 cargo test -p tuma-ffi header) and commit it",
        Path::new(relative).display()
    );
}

#[test]
fn header_is_up_to_date() {
    check_or_update(C_HEADER, &generate(false));
}

#[test]
fn php_header_is_up_to_date() {
    let fresh = generate(true);
    assert!(
        !fresh.lines().any(|l| l.starts_with('#')),
        "the PHP variant must hold no preprocessor line"
    );
    check_or_update(PHP_HEADER, &fresh);
}

#[test]
fn header_version_matches_cargo_toml() {
    let header = std::fs::read_to_string(crate_dir().join(C_HEADER)).expect("include/tuma.h");
    let define = header
        .lines()
        .find_map(|l| l.strip_prefix("#define TUMA_VERSION \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("#define TUMA_VERSION in include/tuma.h");
    // The workspace Cargo.toml holds the version every crate inherits.
    let manifest = std::fs::read_to_string(crate_dir().join("../../Cargo.toml")).unwrap();
    let version = manifest
        .lines()
        .skip_while(|l| l.trim() != "[workspace.package]")
        .find_map(|l| l.trim().strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .expect("version in [workspace.package]");
    assert_eq!(define, version);
    assert_eq!(define, env!("CARGO_PKG_VERSION"));
}

#[test]
fn header_declares_every_named_function() {
    let header = generate(false);
    for (name, _) in crate::OPERATIONS
        .iter()
        .chain(crate::CALLBACKS)
        .chain(crate::UTILITIES)
    {
        assert!(
            header.contains(&format!(" {name}(")),
            "{name} missing from the header"
        );
    }
    for code in crate::tuma_result::all() {
        assert!(header.contains(&format!("= {},", code as u32)), "{code:?}");
    }
    assert!(header.contains("TUMA_RESULT_NULL_PARAMETER = 100"));
}

#[test]
fn every_result_code_of_the_header_has_its_message() {
    // The enum as cbindgen prints it is the truth; `tuma_result::all()` (which
    // `tuma_result_message` searches) is a hand-written list that must match it.
    let header = generate(false);
    let printed: Vec<u32> = header
        .lines()
        .filter_map(|l| l.trim().strip_prefix("TUMA_RESULT_"))
        .filter_map(|rest| rest.split_once(" = "))
        .map(|(_, n)| n.trim_end_matches(',').parse().expect("a result number"))
        .collect();
    let listed: Vec<u32> = crate::tuma_result::all()
        .iter()
        .map(|c| *c as u32)
        .collect();
    assert_eq!(
        printed, listed,
        "tuma_result::all() must list every code of the enum"
    );
    for code in printed {
        let message = unsafe { std::ffi::CStr::from_ptr(crate::tuma_result_message(code)) };
        assert_ne!(message, c"unknown result code", "code {code}");
    }
}

/// The doc comment the header prints above `function` (without the comment markers).
fn header_doc_of(header: &str, function: &str) -> String {
    let at = header
        .find(&format!("\ntuma_result {function}("))
        .unwrap_or_else(|| panic!("{function} in the header"));
    let start = header[..at].rfind("/**").expect("a doc comment");
    header[start..at].to_string()
}

#[test]
fn every_error_kind_is_in_the_header_and_the_docs() {
    let header = generate(false);
    let docs =
        std::fs::read_to_string(crate_dir().join("../../docs/c-abi.md")).expect("docs/c-abi.md");
    let last_error_doc = header_doc_of(&header, "tuma_last_error_json");
    let kinds = tuma::ErrorKind::ALL
        .iter()
        .map(|k| (k.as_str(), crate::tuma_result::from_kind(*k)))
        .chain(crate::error::OWN_KINDS);
    for (kind, code) in kinds {
        let name = format!("TUMA_RESULT_{}", kind.to_uppercase());
        let number = code as u32;
        assert!(
            header.contains(&format!("  {name} = {number},")),
            "include/tuma.h has no {name} = {number} for the kind `{kind}`"
        );
        assert!(
            last_error_doc.contains(&format!("`{kind}`")),
            "the doc of tuma_last_error_json does not list the kind `{kind}`"
        );
        let row = format!("| {number} | `{name}` | `{kind}`");
        assert!(
            docs.lines().any(|l| l.starts_with(&row)),
            "docs/c-abi.md has no result-code row starting `{row}`"
        );
    }
    assert!(header.contains(" tuma_error_kinds("));
}
