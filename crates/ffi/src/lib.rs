//! # libtuma: the C ABI of tuma
//!
//! Every operation of the core is reached through its JSON entry point, [`tuma::ops`]: a
//! request is a JSON object, a result is a JSON document, and adding an operation to the
//! core needs no new C type. Each operation also has a named function
//! (`tuma_statum_send_sms`, ...) generated from the one list in `named.rs`.
//!
//! Conventions (after rustls-ffi):
//! - every function returns a [`tuma_result`] (`TUMA_RESULT_OK` is 0), except the
//!   destructors, `tuma_version` and `tuma_result_message`;
//! - out-parameters are written only on success;
//! - every string libtuma hands out is freed with `tuma_string_free`, and nothing else;
//! - the full detail of the last failure on the calling thread is
//!   `tuma_last_error_json`;
//! - no panic crosses the boundary: it becomes `TUMA_RESULT_PANIC`.
#![allow(non_camel_case_types)]

mod error;
mod ffi;
mod named;

use std::ffi::c_char;

pub use error::tuma_result;
pub use ffi::tuma_client;
pub use named::{CALLBACKS, OPERATIONS, OPERATION_DOCS, UTILITIES};

use error::Failure;
use ffi::{
    bytes_param, client_free, client_into_raw, client_ref, guard, guard_or, json_param, out_param,
    str_param, string_free, write_string,
};

/// The library version, e.g. `"0.1.0"` (the same as the header's `TUMA_VERSION`).
/// The string is static: do not free it.
#[no_mangle]
pub extern "C" fn tuma_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The fixed English message of a result code (an unknown code gives
/// `"unknown result code"`). The string is static: do not free it.
#[no_mangle]
pub extern "C" fn tuma_result_message(result: u32) -> *const c_char {
    guard_or(c"internal error".as_ptr(), || error::message_of(result))
}

/// Builds a client from a JSON configuration, e.g.
/// `{"statum": {"consumer_key": "...", "consumer_secret": "...", "base_url": "..."},
/// "http": {"timeout_ms": 30000}}`. On success `*client_out` is a new handle to free
/// with `tuma_client_free`.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `client_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tuma_client_new(
    config_json: *const c_char,
    client_out: *mut *mut tuma_client,
) -> tuma_result {
    guard(|| {
        if client_out.is_null() {
            return Err(Failure::Null("client_out"));
        }
        let text = unsafe { str_param(config_json, "config_json") }?;
        serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| Failure::Json("config_json", e))?;
        let client = tuma::Client::new(tuma::Config::from_json(text)?)?;
        // SAFETY: checked non-NULL above; the caller guarantees it is writable.
        unsafe { *client_out = client_into_raw(client) };
        Ok(())
    })
}

/// Builds a client from the `TUMA_*` environment variables (`TUMA_STATUM_CONSUMER_KEY`,
/// `TUMA_STATUM_CONSUMER_SECRET`, `TUMA_STATUM_BASE_URL`, `TUMA_DARAJA_*`,
/// `TUMA_UMSPAY_*`, `TUMA_TIMEOUT_MS`...). On success `*client_out` is a new handle.
///
/// # Safety
/// `client_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tuma_client_from_env(client_out: *mut *mut tuma_client) -> tuma_result {
    guard(|| {
        if client_out.is_null() {
            return Err(Failure::Null("client_out"));
        }
        let client = tuma::Client::from_env()?;
        // SAFETY: checked non-NULL above; the caller guarantees it is writable.
        unsafe { *client_out = client_into_raw(client) };
        Ok(())
    })
}

/// Releases a client. NULL is ignored. No call may be using the client at that time.
///
/// # Safety
/// `client` is NULL or a handle from `tuma_client_new`/`tuma_client_from_env` that is
/// not used again.
#[no_mangle]
pub unsafe extern "C" fn tuma_client_free(client: *mut tuma_client) {
    guard_or((), || unsafe { client_free(client) })
}

/// Runs the operation named `operation` (e.g. `"statum.send_sms"`, see `tuma_operations`)
/// with the JSON object `request_json`. On success `*result_json_out` is the JSON result,
/// to free with `tuma_string_free`. The client may be shared by several threads.
///
/// # Safety
/// `client` is NULL or a live handle; the strings are NULL or NUL-terminated;
/// `result_json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tuma_client_call(
    client: *const tuma_client,
    operation: *const c_char,
    request_json: *const c_char,
    result_json_out: *mut *mut c_char,
) -> tuma_result {
    guard(|| {
        let out = out_param(result_json_out, "result_json_out")?;
        let client = unsafe { client_ref(client, "client") }?;
        let operation = unsafe { str_param(operation, "operation") }?;
        let request = unsafe { json_param(request_json, "request_json") }?;
        let result = tuma::ops::call_to_text(client, operation, &request)?;
        unsafe { write_string(out, result) };
        Ok(())
    })
}

/// Parses the body of a provider callback of the given `kind` (e.g. `"statum.result"`,
/// see `tuma_callback_kinds`) into JSON. `body` may be NULL when `body_len` is 0. On
/// success `*result_json_out` is the parsed event, to free with `tuma_string_free`.
///
/// # Safety
/// `kind` is NULL or NUL-terminated; `body` is NULL or `body_len` readable bytes;
/// `result_json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tuma_parse_callback(
    kind: *const c_char,
    body: *const u8,
    body_len: usize,
    result_json_out: *mut *mut c_char,
) -> tuma_result {
    guard(|| {
        let out = out_param(result_json_out, "result_json_out")?;
        let kind = unsafe { str_param(kind, "kind") }?;
        let body = unsafe { bytes_param(body, body_len, "body") }?;
        let result = tuma::ops::parse_callback(kind, body)?;
        unsafe { write_string(out, result.to_string()) };
        Ok(())
    })
}

/// Runs a local utility (no network) named `name` (e.g. `"phone.normalize"` with
/// `{"phone": "0712345678"}`, see `tuma_utilities`). On success `*result_json_out` is the
/// JSON result, to free with `tuma_string_free`.
///
/// # Safety
/// The strings are NULL or NUL-terminated; `result_json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tuma_utility(
    name: *const c_char,
    request_json: *const c_char,
    result_json_out: *mut *mut c_char,
) -> tuma_result {
    guard(|| {
        let out = out_param(result_json_out, "result_json_out")?;
        let name = unsafe { str_param(name, "name") }?;
        let request = unsafe { json_param(request_json, "request_json") }?;
        let result = tuma::ops::utility(name, &request)?;
        unsafe { write_string(out, result.to_string()) };
        Ok(())
    })
}

/// Every operation name `tuma_client_call` accepts, as a JSON array of strings.
///
/// # Safety
/// `names_json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tuma_operations(names_json_out: *mut *mut c_char) -> tuma_result {
    unsafe { list(names_json_out, tuma::ops::operations) }
}

/// Every callback kind `tuma_parse_callback` accepts, as a JSON array of strings.
///
/// # Safety
/// `names_json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tuma_callback_kinds(names_json_out: *mut *mut c_char) -> tuma_result {
    unsafe { list(names_json_out, tuma::ops::callback_kinds) }
}

/// Every utility name `tuma_utility` accepts, as a JSON array of strings.
///
/// # Safety
/// `names_json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tuma_utilities(names_json_out: *mut *mut c_char) -> tuma_result {
    unsafe { list(names_json_out, tuma::ops::utilities) }
}

/// Every `kind` the last error JSON may hold, with its result code, as a JSON array of
/// objects `{"kind", "result", "origin", "description"}`: first the core's kinds
/// (`origin` `"core"`; each has its own result code), then libtuma's own checks
/// (`origin` `"libtuma"`: `null_parameter`, `invalid_utf8`, `malformed_json`, `panic`).
/// Bindings iterate it to map every kind to their own error type, so that a new kind
/// cannot be missed.
///
/// # Safety
/// `kinds_json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tuma_error_kinds(kinds_json_out: *mut *mut c_char) -> tuma_result {
    guard(|| {
        let out = out_param(kinds_json_out, "kinds_json_out")?;
        unsafe { write_string(out, error::error_kinds().to_string()) };
        Ok(())
    })
}

unsafe fn list(out: *mut *mut c_char, names: fn() -> Vec<&'static str>) -> tuma_result {
    guard(|| {
        let out = out_param(out, "names_json_out")?;
        unsafe { write_string(out, serde_json::Value::from(names()).to_string()) };
        Ok(())
    })
}

/// The full detail of the last failure on the calling thread, as a JSON object. Every
/// fallible call clears it first, so it describes the latest call on this thread.
/// `*error_json_out` is set to NULL when there is none; otherwise free it with
/// `tuma_string_free`. Members:
///
/// - `kind`: one of the core's `invalid_input`, `config`, `authentication`,
///   `authorization`, `api`, `rate_limited`, `network`, `timeout`, `decode`,
///   `invalid_callback`, `store`, `busy`, or for libtuma's own checks `null_parameter`,
///   `invalid_utf8`, `malformed_json`, `panic` (`tuma_error_kinds` lists them all with
///   their result codes);
/// - `message`: English, never holding a secret;
/// - `fate`, always: what became of the request. `"not_sent"`: nothing reached the
///   provider (bad input, configuration, a token fetch, the rate limiter, the store, a
///   connection that never opened): safe to send again. `"refused"`: the provider
///   answered with one of its documented refusals and did not process it. `"unknown"`:
///   it may have been processed; for a payment, the money may have moved;
/// - `outcome_unknown`, always: `true` exactly when `fate` is `"unknown"`;
/// - where known: `provider`, `status`, `code`, `request_id`, `field`, `retry_after_ms`;
/// - `recovery`: an object, on the errors of a money-moving call (`daraja.stk_push`,
///   `daraja.b2c`, `daraja.b2b`, `daraja.reversal`, `statum.airtime`,
///   `umspay.stk_push`) once its input was valid. It always has `operation` and
///   `advice` (what to do now, in one sentence) and, each only when known, `phone`,
///   `amount`, `shortcode`, `receiver`, `account_reference`, `timestamp`, `reference`,
///   `originator_conversation_id`, `transaction_id`, `checkout_request_id`,
///   `conversation_id`, `transaction_request_id`, `request_id`: the ids to query the
///   status with, or to match a late callback with. Never send a payment again while its
///   fate is `"unknown"`: recover first.
///
/// # Safety
/// `error_json_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn tuma_last_error_json(error_json_out: *mut *mut c_char) -> tuma_result {
    if error_json_out.is_null() {
        return tuma_result::NullParameter;
    }
    guard_or(tuma_result::Panic, || {
        match error::last_error() {
            Some(text) => unsafe { write_string(error_json_out, text) },
            // SAFETY: checked non-NULL above.
            None => unsafe { *error_json_out = std::ptr::null_mut() },
        }
        tuma_result::Ok
    })
}

/// Forgets the last failure recorded on the calling thread.
#[no_mangle]
pub extern "C" fn tuma_last_error_clear() {
    guard_or((), error::clear_last_error)
}

/// Frees a string returned by libtuma. NULL is ignored.
///
/// # Safety
/// `string` is NULL or a string from libtuma that was not freed before.
#[no_mangle]
pub unsafe extern "C" fn tuma_string_free(string: *mut c_char) {
    guard_or((), || unsafe { string_free(string) })
}

#[cfg(test)]
mod header;
