//! Result codes, their fixed messages, and the per-thread last error.

use std::cell::RefCell;
use std::ffi::{c_char, CStr};

use serde_json::{json, Value};

/// The outcome of a libtuma call. Numbers are stable and grouped by origin: `0` success,
/// `1xx` the caller's input, `2xx` the provider, `3xx` the transport, `9xx` internal.
/// A retired number is never reused. Full detail of a failure is in
/// `tuma_last_error_json`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum tuma_result {
    /// Success.
    Ok = 0,
    /// A required pointer parameter was NULL.
    NullParameter = 100,
    /// A string parameter was not valid UTF-8.
    InvalidUtf8 = 101,
    /// A JSON parameter could not be parsed as JSON.
    MalformedJson = 102,
    /// The request broke a rule (missing or wrong-typed field, bad phone number, unknown
    /// operation...); the last error's `field` names the input at fault.
    InvalidInput = 103,
    /// The client configuration is incomplete or wrong.
    Config = 104,
    /// The provider refused the credentials.
    Authentication = 200,
    /// The provider answered with an error (see `code` and `request_id`): a documented
    /// refusal (`fate` `"refused"`) or an answer that may follow processing, such as a 5xx
    /// (`fate` `"unknown"`).
    Api = 201,
    /// The provider asked to slow down (see `retry_after_ms`).
    RateLimited = 202,
    /// The provider's answer could not be understood; the outcome is unknown.
    Decode = 203,
    /// A callback body is not what the provider sends.
    InvalidCallback = 204,
    /// A connection-level failure (see `fate`: a connection that never opened sent
    /// nothing).
    Network = 300,
    /// The call ran out of time (see `fate`).
    Timeout = 301,
    /// The shared state store (Redis) failed or did not answer in time (a money call was
    /// then not sent; a callback's claim is not known: answer the provider non-200).
    Store = 302,
    /// A bug in libtuma: a panic was caught at the boundary.
    Panic = 900,
    /// A bug in libtuma: an error it does not know how to classify.
    Internal = 901,
}

impl tuma_result {
    /// Every code, in numeric order (a function, not a constant, so that cbindgen leaves
    /// it out of the header). `tuma_result_message` looks codes up here: a test compares
    /// this list with the enum as cbindgen prints it (`src/header.rs`), and
    /// [`tuma_result::position`] does not compile until a new variant is placed.
    pub(crate) fn all() -> [tuma_result; 16] {
        [
            tuma_result::Ok,
            tuma_result::NullParameter,
            tuma_result::InvalidUtf8,
            tuma_result::MalformedJson,
            tuma_result::InvalidInput,
            tuma_result::Config,
            tuma_result::Authentication,
            tuma_result::Api,
            tuma_result::RateLimited,
            tuma_result::Decode,
            tuma_result::InvalidCallback,
            tuma_result::Network,
            tuma_result::Timeout,
            tuma_result::Store,
            tuma_result::Panic,
            tuma_result::Internal,
        ]
    }

    /// Where this code sits in [`tuma_result::all`]. The match is exhaustive, so a new
    /// variant fails to compile until it is given a place (and then a test fails until
    /// `all()` holds it there).
    #[cfg(test)]
    fn position(self) -> usize {
        match self {
            tuma_result::Ok => 0,
            tuma_result::NullParameter => 1,
            tuma_result::InvalidUtf8 => 2,
            tuma_result::MalformedJson => 3,
            tuma_result::InvalidInput => 4,
            tuma_result::Config => 5,
            tuma_result::Authentication => 6,
            tuma_result::Api => 7,
            tuma_result::RateLimited => 8,
            tuma_result::Decode => 9,
            tuma_result::InvalidCallback => 10,
            tuma_result::Network => 11,
            tuma_result::Timeout => 12,
            tuma_result::Store => 13,
            tuma_result::Panic => 14,
            tuma_result::Internal => 15,
        }
    }

    /// The code for a core error, from its stable `kind()`.
    pub fn from_error(error: &tuma::Error) -> tuma_result {
        match error.kind() {
            "invalid_input" => tuma_result::InvalidInput,
            "config" => tuma_result::Config,
            "authentication" => tuma_result::Authentication,
            "api" => tuma_result::Api,
            "rate_limited" => tuma_result::RateLimited,
            "decode" => tuma_result::Decode,
            "invalid_callback" => tuma_result::InvalidCallback,
            "network" => tuma_result::Network,
            "timeout" => tuma_result::Timeout,
            "store" => tuma_result::Store,
            _ => tuma_result::Internal,
        }
    }

    /// The fixed, NUL-terminated message of this code.
    pub fn message(self) -> &'static CStr {
        match self {
            tuma_result::Ok => c"success",
            tuma_result::NullParameter => c"a required parameter was NULL",
            tuma_result::InvalidUtf8 => c"a string parameter was not valid UTF-8",
            tuma_result::MalformedJson => c"a JSON parameter was not valid JSON",
            tuma_result::InvalidInput => c"invalid input",
            tuma_result::Config => c"invalid client configuration",
            tuma_result::Authentication => c"the provider refused the credentials",
            tuma_result::Api => c"the provider answered with an error",
            tuma_result::RateLimited => c"rate limited by the provider",
            tuma_result::Decode => {
                c"the provider's answer could not be understood (outcome unknown)"
            }
            tuma_result::InvalidCallback => c"invalid callback body",
            tuma_result::Network => c"network error",
            tuma_result::Timeout => c"the provider did not answer in time",
            tuma_result::Store => {
                c"the shared state store (Redis) failed or did not answer in time"
            }
            tuma_result::Panic => c"internal error: a panic was caught in libtuma",
            tuma_result::Internal => c"internal error in libtuma",
        }
    }
}

/// A failure inside an exported function, before it becomes a code and a last error.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The named pointer parameter was NULL.
    Null(&'static str),
    /// The named string parameter was not UTF-8.
    Utf8(&'static str),
    /// The named JSON parameter did not parse.
    Json(&'static str, serde_json::Error),
    /// The core refused or failed.
    Core(tuma::Error),
}

impl From<tuma::Error> for Failure {
    fn from(e: tuma::Error) -> Self {
        Failure::Core(e)
    }
}

impl Failure {
    /// Records the failure as this thread's last error and returns its code.
    pub(crate) fn record(self) -> tuma_result {
        let (code, detail) = match self {
            Failure::Null(param) => (
                tuma_result::NullParameter,
                local("null_parameter", format!("`{param}` is NULL"), param),
            ),
            Failure::Utf8(param) => (
                tuma_result::InvalidUtf8,
                local(
                    "invalid_utf8",
                    format!("`{param}` is not valid UTF-8"),
                    param,
                ),
            ),
            Failure::Json(param, e) => (
                tuma_result::MalformedJson,
                local(
                    "malformed_json",
                    format!("`{param}` is not valid JSON: {e}"),
                    param,
                ),
            ),
            Failure::Core(e) => (tuma_result::from_error(&e), tuma::ops::error_json(&e)),
        };
        set_last_error(detail);
        code
    }
}

/// A failure of libtuma's own checks: nothing reached the core, so nothing was sent.
fn local(kind: &str, message: String, field: &str) -> Value {
    json!({
        "kind": kind,
        "message": message,
        "field": field,
        "fate": "not_sent",
        "outcome_unknown": false,
    })
}

/// Records a caught panic as this thread's last error.
pub(crate) fn record_panic(payload: &(dyn std::any::Any + Send)) {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    set_last_error(json!({
        "kind": "panic",
        "message": format!("internal error (panic caught in libtuma): {what}"),
        // The panic may have struck after a request was written.
        "fate": "unknown",
        "outcome_unknown": true,
    }));
}

thread_local! {
    static LAST_ERROR: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn set_last_error(detail: Value) {
    let text = detail.to_string();
    LAST_ERROR.with(|l| *l.borrow_mut() = Some(text));
}

/// Forgets this thread's last error.
pub(crate) fn clear_last_error() {
    LAST_ERROR.with(|l| *l.borrow_mut() = None);
}

/// This thread's last error as JSON text, if any.
pub(crate) fn last_error() -> Option<String> {
    LAST_ERROR.with(|l| l.borrow().clone())
}

/// The fixed message of a result code, for `tuma_result_message`.
pub(crate) fn message_of(code: u32) -> *const c_char {
    tuma_result::all()
        .iter()
        .find(|r| **r as u32 == code)
        .map(|r| r.message())
        .unwrap_or(c"unknown result code")
        .as_ptr()
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use super::{message_of, tuma_result};

    #[test]
    fn all_lists_every_code_in_order() {
        let all = tuma_result::all();
        for (i, code) in all.iter().enumerate() {
            assert_eq!(
                code.position(),
                i,
                "{code:?} is out of place in tuma_result::all()"
            );
        }
        assert!(all.windows(2).all(|w| (w[0] as u32) < (w[1] as u32)));
    }

    #[test]
    fn every_code_has_its_message() {
        for code in tuma_result::all() {
            // SAFETY: message_of returns a static NUL-terminated string.
            let text = unsafe { CStr::from_ptr(message_of(code as u32)) };
            assert_eq!(text, code.message(), "{code:?}");
            assert_ne!(text, c"unknown result code", "{code:?}");
        }
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(message_of(12345)) };
        assert_eq!(unknown, c"unknown result code");
    }

    #[test]
    fn store_errors_have_their_code() {
        assert_eq!(tuma_result::Store as u32, 302);
        // SAFETY: as above.
        let text = unsafe { CStr::from_ptr(message_of(302)) };
        assert!(text.to_str().unwrap().contains("store"), "{text:?}");
    }
}
