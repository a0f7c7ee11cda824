//! Link settings of the shared library that users install (`make dist`, `make install`):
//! in the `dist` profile on ELF platforms, `libtuma.so` gets the SONAME `libtuma.so.MAJOR`
//! (`libtuma.so.0` for 0.x), so that programs record the ABI they were linked against and
//! the library can sit next to other versions as `libtuma.so.0.1.0` with the usual
//! symlinks (mk/dist.mk installs them).
//!
//! The other profiles keep a plain `libtuma.so` without a SONAME: the tests, the PHP FFI
//! wrapper and the benchmarks load it by path from the build tree, where no
//! `libtuma.so.0` symlink exists.
//!
//! Only `tuma_*` functions are exported: rustc gives a cdylib a version script of its own
//! listing exactly the crate graph's `#[no_mangle] extern "C"` items (`local: *` for the
//! rest), and every such item of this crate is named `tuma_*`; `make test-dist` checks the
//! dynamic symbol table with readelf.

use std::env;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");

    // OUT_DIR is <target-dir>[/<triple>]/<profile>/build/<package>-<hash>/out: the
    // profile's directory is the fourth ancestor (PROFILE only says "debug" or "release").
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let profile_dir = Path::new(&out_dir)
        .ancestors()
        .nth(3)
        .and_then(Path::file_name)
        .and_then(|name| name.to_str())
        .unwrap_or_default()
        .to_owned();
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = matches!(
        target_os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "illumos"
    );
    if profile_dir != "dist" || !elf {
        return;
    }
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtuma.so.{major}");
}
