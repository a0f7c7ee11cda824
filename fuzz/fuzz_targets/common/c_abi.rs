//! Shared by the `c_abi_*` fuzz targets: libtuma's exported functions declared as a C
//! program sees them (`extern "C"`, the signatures of include/tuma.h), the checks every
//! call must pass, and the edge cases each target runs once before fuzzing.
//!
//! The C ABI crate (crates/ffi) is compiled into the targets as the `tuma_ffi` library of
//! fuzz/Cargo.toml, so these declarations resolve to its `#[no_mangle]` functions, with
//! coverage. libfuzzer-sys aborts on any panic, even one that libtuma's guard would catch:
//! a panic is a finding here, not only one that crosses the boundary.
#![allow(non_camel_case_types, dead_code)]

use std::collections::HashMap;
use std::ffi::{c_char, CStr};
use std::ptr;
use std::sync::OnceLock;

use serde_json::Value;
// Links the C ABI in: the declarations below are its symbols.
use tuma_ffi as _;

/// The opaque handle (`tuma_client` in include/tuma.h).
#[repr(C)]
pub struct tuma_client {
    _private: [u8; 0],
}

pub type OpFn = unsafe extern "C" fn(*const tuma_client, *const c_char, *mut *mut c_char) -> u32;
pub type CallbackFn = unsafe extern "C" fn(*const u8, usize, *mut *mut c_char) -> u32;
pub type UtilityFn = unsafe extern "C" fn(*const c_char, *mut *mut c_char) -> u32;
pub type ListFn = unsafe extern "C" fn(*mut *mut c_char) -> u32;

extern "C" {
    pub fn tuma_version() -> *const c_char;
    pub fn tuma_result_message(result: u32) -> *const c_char;
    pub fn tuma_client_new(config_json: *const c_char, client_out: *mut *mut tuma_client) -> u32;
    pub fn tuma_client_from_env(client_out: *mut *mut tuma_client) -> u32;
    pub fn tuma_client_free(client: *mut tuma_client);
    pub fn tuma_client_call(
        client: *const tuma_client,
        operation: *const c_char,
        request_json: *const c_char,
        result_json_out: *mut *mut c_char,
    ) -> u32;
    pub fn tuma_parse_callback(
        kind: *const c_char,
        body: *const u8,
        body_len: usize,
        result_json_out: *mut *mut c_char,
    ) -> u32;
    pub fn tuma_utility(
        name: *const c_char,
        request_json: *const c_char,
        result_json_out: *mut *mut c_char,
    ) -> u32;
    pub fn tuma_operations(names_json_out: *mut *mut c_char) -> u32;
    pub fn tuma_callback_kinds(names_json_out: *mut *mut c_char) -> u32;
    pub fn tuma_utilities(names_json_out: *mut *mut c_char) -> u32;
    pub fn tuma_error_kinds(kinds_json_out: *mut *mut c_char) -> u32;
    pub fn tuma_last_error_json(error_json_out: *mut *mut c_char) -> u32;
    pub fn tuma_last_error_clear();
    pub fn tuma_string_free(string: *mut c_char);
}

macro_rules! named {
    ($list:ident, $ty:ty, $args:tt, [$($name:ident),* $(,)?]) => {
        extern "C" {
            $(pub fn $name $args -> u32;)*
        }
        /// Every named function of this kind, as declared here.
        pub const $list: &[(&str, $ty)] = &[$((stringify!($name), $name as $ty)),*];
    };
}

named!(NAMED_OPERATIONS, OpFn, (client: *const tuma_client, request_json: *const c_char, result_json_out: *mut *mut c_char), [
    tuma_statum_send_sms, tuma_statum_airtime, tuma_statum_account_details,
    tuma_callbacks_receive, tuma_callbacks_complete, tuma_callbacks_release, tuma_callbacks_first_time,
    tuma_daraja_stk_push, tuma_daraja_stk_query, tuma_daraja_confirm_stk_payment,
    tuma_daraja_c2b_register_urls, tuma_daraja_c2b_simulate, tuma_daraja_b2c, tuma_daraja_b2b,
    tuma_daraja_transaction_status, tuma_daraja_account_balance, tuma_daraja_reversal,
    tuma_daraja_dynamic_qr, tuma_umspay_stk_push, tuma_umspay_transaction_status,
    tuma_umspay_wait_for_status, tuma_umspay_confirm_payment, tuma_daraja_b2c_topup,
    tuma_daraja_b2pochi, tuma_daraja_remit_tax, tuma_daraja_b2b_express_checkout,
    tuma_daraja_pull_register, tuma_daraja_pull_transactions, tuma_daraja_ratiba_create,
    tuma_daraja_bill_optin, tuma_daraja_bill_change_optin, tuma_daraja_bill_invoice,
    tuma_daraja_bill_invoices, tuma_daraja_bill_cancel_invoice, tuma_daraja_bill_cancel_invoices,
    tuma_daraja_bill_reconciliation, tuma_journal_reconcile,
]);
named!(NAMED_CALLBACKS, CallbackFn, (body: *const u8, body_len: usize, result_json_out: *mut *mut c_char), [
    tuma_parse_statum_result, tuma_parse_statum_airtime_result, tuma_parse_daraja_stk_callback,
    tuma_parse_daraja_result, tuma_parse_daraja_c2b_validation, tuma_parse_daraja_c2b_confirmation,
    tuma_parse_daraja_queue_timeout, tuma_parse_umspay_webhook,
    tuma_parse_daraja_b2b_express_callback, tuma_parse_daraja_ratiba_callback,
    tuma_parse_daraja_bill_payment,
]);
named!(NAMED_UTILITIES, UtilityFn, (request_json: *const c_char, result_json_out: *mut *mut c_char), [
    tuma_phone_normalize, tuma_daraja_stk_password, tuma_daraja_timestamp,
    tuma_daraja_security_credential, tuma_daraja_c2b_accept, tuma_daraja_c2b_reject,
    tuma_daraja_c2b_confirmation_ack, tuma_daraja_bill_payment_ack,
]);

/// The lists above must be libtuma's (a new named function needs a line here).
fn check_named_lists() {
    fn names<T>(list: &[(&'static str, T)]) -> Vec<&'static str> {
        list.iter().map(|(n, _)| *n).collect()
    }
    let here = "fuzz/fuzz_targets/common/c_abi.rs must declare every named function";
    assert_eq!(
        names(NAMED_OPERATIONS),
        names(tuma_ffi::OPERATIONS),
        "{here}"
    );
    assert_eq!(names(NAMED_CALLBACKS), names(tuma_ffi::CALLBACKS), "{here}");
    assert_eq!(names(NAMED_UTILITIES), names(tuma_ffi::UTILITIES), "{here}");
}

/// What out-parameters hold before a call: a failing call must leave them alone.
static SENTINEL_BYTE: u8 = 0;
pub fn sentinel() -> *mut c_char {
    ptr::addr_of!(SENTINEL_BYTE) as *mut c_char
}

pub const OK: u32 = 0;
pub const NULL_PARAMETER: u32 = 100;
pub const INVALID_UTF8: u32 = 101;
pub const MALFORMED_JSON: u32 = 102;
pub const PANIC: u32 = 900;

/// Result code of every `kind` the last error may hold, from `tuma_error_kinds`.
pub fn kind_codes() -> &'static HashMap<String, u32> {
    static KINDS: OnceLock<HashMap<String, u32>> = OnceLock::new();
    KINDS.get_or_init(|| {
        check_named_lists();
        let list = take_list(unsafe { list_call(tuma_error_kinds) });
        list.as_array()
            .expect("tuma_error_kinds: an array")
            .iter()
            .map(|k| {
                (
                    k["kind"].as_str().expect("kind").to_string(),
                    k["result"].as_u64().expect("result") as u32,
                )
            })
            .collect()
    })
}

unsafe fn list_call(f: ListFn) -> (u32, *mut c_char) {
    let mut out = sentinel();
    let r = f(&mut out);
    (r, out)
}

fn take_list((r, out): (u32, *mut c_char)) -> Value {
    assert_eq!(r, OK);
    let text = unsafe { CStr::from_ptr(out) }
        .to_str()
        .expect("UTF-8")
        .to_owned();
    unsafe { tuma_string_free(out) };
    serde_json::from_str(&text).expect("JSON")
}

/// The last error of this thread, parsed (None when there is none).
pub fn last_error() -> Option<Value> {
    let mut out = sentinel();
    let r = unsafe { tuma_last_error_json(&mut out) };
    assert_eq!(r, OK, "tuma_last_error_json");
    assert_ne!(
        out,
        sentinel(),
        "tuma_last_error_json writes its out-parameter"
    );
    if out.is_null() {
        return None;
    }
    let text = unsafe { CStr::from_ptr(out) }
        .to_str()
        .expect("the last error is UTF-8")
        .to_owned();
    unsafe { tuma_string_free(out) };
    Some(serde_json::from_str(&text).expect("the last error is JSON"))
}

/// Checks what a call returned: a known code; on success a JSON result (freed here) and
/// no last error; on failure the out-parameter untouched and a last error of that code's
/// kind. `out_given`: whether a non-NULL out-parameter was passed.
pub fn settle(call: &str, r: u32, out: *mut c_char, out_given: bool) -> u32 {
    if r == OK {
        assert!(out_given, "{call}: success without an out-parameter");
        assert!(
            !out.is_null() && out != sentinel(),
            "{call}: success but no result"
        );
        let text = unsafe { CStr::from_ptr(out) }
            .to_str()
            .unwrap_or_else(|_| panic!("{call}: a result that is not UTF-8"))
            .to_owned();
        unsafe { tuma_string_free(out) };
        serde_json::from_str::<Value>(&text)
            .unwrap_or_else(|e| panic!("{call}: a result that is not JSON ({e})"));
        assert!(
            last_error().is_none(),
            "{call}: a success leaves no last error"
        );
        return r;
    }
    assert!(
        !out_given || out == sentinel(),
        "{call}: failed with {r} but wrote its out-parameter"
    );
    failed(call, r)
}

/// Checks a failure: a known code other than a caught panic, and a last error of its kind.
pub fn failed(call: &str, r: u32) -> u32 {
    let error = last_error().unwrap_or_else(|| panic!("{call}: failed with {r} and no last error"));
    assert_ne!(r, PANIC, "{call}: a panic was caught in libtuma: {error}");
    let kind = error["kind"]
        .as_str()
        .unwrap_or_else(|| panic!("{call}: no kind in {error}"));
    assert_eq!(
        kind_codes().get(kind).copied(),
        Some(r),
        "{call}: result {r} with the last error {error}"
    );
    assert!(error["message"].is_string(), "{call}: {error}");
    assert!(
        matches!(
            error["fate"].as_str(),
            Some("not_sent" | "refused" | "unknown")
        ),
        "{call}: {error}"
    );
    let message = unsafe { CStr::from_ptr(tuma_result_message(r)) }.to_bytes();
    assert!(
        !message.is_empty() && message != b"unknown result code",
        "{call}: {r}"
    );
    r
}

/// The out-parameter to pass: the address of `slot` (set to the sentinel), or NULL.
pub fn out_param(slot: &mut *mut c_char, null: bool) -> *mut *mut c_char {
    *slot = sentinel();
    if null {
        ptr::null_mut()
    } else {
        slot
    }
}

/// A NUL-terminated copy of `bytes` (C reads up to the first NUL it holds).
pub fn c_string(bytes: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(bytes.len() + 1);
    v.extend_from_slice(bytes);
    v.push(0);
    v
}

/// Whether libtuma reads this optional C string as UTF-8 (up to its first NUL).
pub fn utf8(s: &Option<Vec<u8>>) -> bool {
    s.as_ref().is_some_and(|v| {
        let end = v.iter().position(|&c| c == 0).unwrap_or(v.len());
        std::str::from_utf8(&v[..end]).is_ok()
    })
}

/// The pointer C gets for an optional string.
pub fn c_ptr(s: &Option<Vec<u8>>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |v| v.as_ptr().cast())
}

/// The input of one fuzz run: a selector, flags, and two byte strings.
pub struct Input {
    pub selector: u8,
    pub flags: u8,
    pub a: Vec<u8>,
    pub b: Vec<u8>,
}

pub const NULL_A: u8 = 1;
pub const NULL_B: u8 = 2;
pub const NULL_OUT: u8 = 4;
pub const NAME_FROM_LIST: u8 = 8;

/// Splits fuzz data: selector, flags, shape, then `a` up to the first 0xFF and `b` after
/// it. `shape` may grow `b`: repeated (a huge input) or wrapped in deep JSON nesting.
pub fn input(data: &[u8]) -> Option<Input> {
    let (&selector, rest) = data.split_first()?;
    let (&flags, rest) = rest.split_first()?;
    let (&shape, rest) = rest.split_first()?;
    let (a, b) = match rest.iter().position(|&c| c == 0xFF) {
        Some(i) => (rest[..i].to_vec(), rest[i + 1..].to_vec()),
        None => (Vec::new(), rest.to_vec()),
    };
    // the top three bits of `shape` pick the growth (3 in 8 inputs grow), the low five its size
    let size = (shape & 0x1F) as usize;
    let b = match shape >> 5 {
        // repeated up to 256 KiB (the one-off edge cases go to 8 MiB)
        1 if !b.is_empty() => b.repeat((size * 8192 / b.len()).clamp(1, (256 << 10) / b.len())),
        // nested: `[` * depth, b, `]` * depth (depth up to 31 744; the edge cases: 100 000)
        2 => nest(&b, size * 1024, b"[", b"]"),
        // nested objects: `{"a":` * depth, b, `}` * depth
        3 => nest(&b, size * 512, b"{\"a\":", b"}"),
        _ => b,
    };
    Some(Input {
        selector,
        flags,
        a,
        b,
    })
}

pub fn nest(inner: &[u8], depth: usize, open: &[u8], close: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(depth * (open.len() + close.len()) + inner.len());
    for _ in 0..depth {
        v.extend_from_slice(open);
    }
    v.extend_from_slice(inner);
    for _ in 0..depth {
        v.extend_from_slice(close);
    }
    v
}

/// Inputs at the edges, for each target's one-off run before fuzzing: invalid UTF-8,
/// deep nesting (100 000 levels, open and balanced), huge documents (8 MiB).
pub fn edge_cases() -> Vec<Vec<u8>> {
    let huge_string = {
        let mut v = b"{\"phone\":\"".to_vec();
        v.extend(std::iter::repeat(b'7').take(8 << 20));
        v.extend_from_slice(b"\"}");
        v
    };
    vec![
        Vec::new(),
        b"{}".to_vec(),
        b"\xff\xfe".to_vec(),
        b"{\"phone\":\"\xc3\x28\"}".to_vec(),
        b"{\"a\":\"\xed\xa0\x80\"}".to_vec(),
        vec![b'['; 100_000],
        nest(b"", 100_000, b"[", b"]"),
        nest(b"1", 100_000, b"{\"a\":", b"}"),
        nest(b"\"x\"", 127, b"[", b"]"),
        nest(b"{}", 127, b"{\"body\":", b"}"),
        huge_string,
        vec![b'a'; 8 << 20],
        {
            let mut v = b"[".to_vec();
            for _ in 0..20_000 {
                v.extend_from_slice(b"1,");
            }
            v.extend_from_slice(b"1]");
            v
        },
    ]
}

/// A client whose providers point at a closed port (nothing leaves the machine; a call
/// that reaches the network fails at once). UMS Pay is left out: `umspay.wait_for_status`
/// would poll a dead host until its own timeout.
pub fn client() -> *const tuma_client {
    struct Handle(*mut tuma_client);
    // SAFETY: a tuma_client is thread-safe (Send + Sync in libtuma).
    unsafe impl Send for Handle {}
    unsafe impl Sync for Handle {}
    static CLIENT: OnceLock<Handle> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let config = c_string(
                br#"{"statum": {"consumer_key": "k", "consumer_secret": "s", "base_url": "http://127.0.0.1:9/"},
                     "daraja": {"consumer_key": "k", "consumer_secret": "s", "environment": "sandbox",
                                "base_url": "http://127.0.0.1:9/", "shortcode": "174379", "passkey": "pk",
                                "callback_url": "https://example.com/stk"},
                     "http": {"max_retries": 0, "connect_timeout_ms": 50, "timeout_ms": 100}}"#,
            );
            let mut out: *mut tuma_client = ptr::null_mut();
            let r = unsafe { tuma_client_new(config.as_ptr().cast(), &mut out) };
            assert_eq!(r, OK, "the fuzz client: {:?}", last_error());
            Handle(out)
        })
        .0
}
