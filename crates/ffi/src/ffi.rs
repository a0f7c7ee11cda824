//! The panic boundary and every pointer conversion, in one place.

use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use serde_json::Value;

use crate::error::{clear_last_error, record_panic, tuma_result, Failure};

/// An opaque, thread-safe tuma client (a shared `tuma::Client` behind an `Arc`).
///
/// One client may be used from several threads at once; it must outlive every call made
/// with it and is released with `tuma_client_free`, once. A child of `fork()` may use the
/// client it inherited (it gets its own connections) and frees its own copy.
pub struct tuma_client {
    _private: [u8; 0],
}

/// Runs the body of a fallible exported function: clears the thread's last error, catches
/// any panic, and turns a [`Failure`] into its code (recording the detail).
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Failure>) -> tuma_result {
    clear_last_error();
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => tuma_result::Ok,
        Ok(Err(failure)) => failure.record(),
        Err(payload) => {
            record_panic(payload.as_ref());
            tuma_result::Panic
        }
    }
}

/// Runs an infallible exported function, returning `fallback` if it panics.
pub(crate) fn guard_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// Moves a client into a handle.
pub(crate) fn client_into_raw(client: tuma::Client) -> *mut tuma_client {
    Arc::into_raw(Arc::new(client)) as *mut tuma_client
}

/// Borrows the client behind a handle.
///
/// # Safety
/// `ptr` is NULL or a live handle from [`client_into_raw`].
pub(crate) unsafe fn client_ref<'a>(
    ptr: *const tuma_client,
    param: &'static str,
) -> Result<&'a tuma::Client, Failure> {
    if ptr.is_null() {
        return Err(Failure::Null(param));
    }
    // SAFETY: the caller guarantees a live handle made by `client_into_raw`.
    Ok(unsafe { &*(ptr as *const tuma::Client) })
}

/// Releases a handle (NULL is ignored).
///
/// # Safety
/// `ptr` is NULL or a live handle from [`client_into_raw`], not used afterwards.
pub(crate) unsafe fn client_free(ptr: *mut tuma_client) {
    if !ptr.is_null() {
        // SAFETY: the caller gives back the reference `client_into_raw` leaked.
        drop(unsafe { Arc::from_raw(ptr as *const tuma::Client) });
    }
}

/// Reads a NUL-terminated UTF-8 string parameter.
///
/// # Safety
/// `ptr` is NULL or a valid NUL-terminated string that outlives the call.
pub(crate) unsafe fn str_param<'a>(
    ptr: *const c_char,
    param: &'static str,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::Null(param));
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .map_err(|_| Failure::Utf8(param))
}

/// Reads a NUL-terminated UTF-8 JSON parameter.
///
/// # Safety
/// As [`str_param`].
pub(crate) unsafe fn json_param(ptr: *const c_char, param: &'static str) -> Result<Value, Failure> {
    let text = unsafe { str_param(ptr, param) }?;
    serde_json::from_str(text).map_err(|e| Failure::Json(param, e))
}

/// Reads a byte-buffer parameter (NULL is allowed when `len` is 0).
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes that outlive the call.
pub(crate) unsafe fn bytes_param<'a>(
    ptr: *const u8,
    len: usize,
    param: &'static str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::Null(param))
        };
    }
    // SAFETY: the caller guarantees `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Checks an out-parameter before any work is done.
pub(crate) fn out_param(
    out: *mut *mut c_char,
    param: &'static str,
) -> Result<*mut *mut c_char, Failure> {
    if out.is_null() {
        Err(Failure::Null(param))
    } else {
        Ok(out)
    }
}

/// Hands a string to the caller, who frees it with `tuma_string_free`.
///
/// # Safety
/// `out` is a valid, writable pointer (checked non-NULL by [`out_param`]).
pub(crate) unsafe fn write_string(out: *mut *mut c_char, text: String) {
    // JSON text never holds a NUL byte (serde_json escapes control characters); should one
    // appear anyway, the string is cut there rather than failing.
    let c = CString::new(text).unwrap_or_else(|e| {
        let at = e.nul_position();
        let mut bytes = e.into_vec();
        bytes.truncate(at);
        CString::new(bytes).unwrap_or_default()
    });
    // SAFETY: checked non-NULL and writable by the caller.
    unsafe { *out = c.into_raw() };
}

/// Frees a string made by [`write_string`] (NULL is ignored).
///
/// # Safety
/// `ptr` is NULL or a string from libtuma not freed before.
pub(crate) unsafe fn string_free(ptr: *mut c_char) {
    if !ptr.is_null() {
        // SAFETY: the caller gives back a pointer from `CString::into_raw`.
        drop(unsafe { CString::from_raw(ptr) });
    }
}
