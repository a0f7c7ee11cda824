//! Result codes, their fixed messages, and the per-thread last error.

use std::cell::RefCell;
use std::ffi::{c_char, CStr};

use serde_json::{json, Value};

/// The outcome of a libtuma call. Numbers are stable and grouped by origin: `0` success,
/// `1xx` the caller's input, `2xx` the provider, `3xx` the transport and local resources,
/// `9xx` internal. A new code takes the next free number of its group; a retired number is
/// never reused. Every error kind of the core has its own code (`tuma_error_kinds` lists
/// them). Full detail of a failure is in `tuma_last_error_json`.
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
    /// The provider refused access with valid credentials (HTTP 403: not allowed this
    /// operation or this resource; see `fate`).
    Authorization = 205,
    /// A connection-level failure (see `fate`: a connection that never opened sent
    /// nothing).
    Network = 300,
    /// The call ran out of time (see `fate`).
    Timeout = 301,
    /// The shared state store (Redis) failed or did not answer in time (a money call was
    /// then not sent; a callback's claim is not known: answer the provider non-200).
    Store = 302,
    /// Too many calls in flight on the client's worker pool: refused before it started,
    /// nothing was sent (`fate` `"not_sent"`). libtuma's own calls run on the caller's
    /// thread and never give it; it is the code of the core's `busy` kind.
    Busy = 303,
    /// A bug in libtuma: a panic was caught at the boundary.
    Panic = 900,
    /// A bug in libtuma: an error it does not know how to classify. Not given today: every
    /// error kind of the core has its own code, checked when libtuma is compiled.
    Internal = 901,
}

impl tuma_result {
    /// Every code, in numeric order (a function, not a constant, so that cbindgen leaves
    /// it out of the header). `tuma_result_message` looks codes up here: a test compares
    /// this list with the enum as cbindgen prints it (`src/header.rs`), and
    /// [`tuma_result::position`] does not compile until a new variant is placed.
    pub(crate) fn all() -> [tuma_result; 18] {
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
            tuma_result::Authorization,
            tuma_result::Network,
            tuma_result::Timeout,
            tuma_result::Store,
            tuma_result::Busy,
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
            tuma_result::Authorization => 11,
            tuma_result::Network => 12,
            tuma_result::Timeout => 13,
            tuma_result::Store => 14,
            tuma_result::Busy => 15,
            tuma_result::Panic => 16,
            tuma_result::Internal => 17,
        }
    }

    /// The code of a core error kind. The match is exhaustive on purpose: a kind added to
    /// `tuma::ErrorKind` does not compile here until it has its own code (and then the
    /// tests in this file, `src/header.rs` and docs/c-abi.md want it listed everywhere).
    pub fn from_kind(kind: tuma::ErrorKind) -> tuma_result {
        use tuma::ErrorKind as K;
        match kind {
            K::InvalidInput => tuma_result::InvalidInput,
            K::Config => tuma_result::Config,
            K::Authentication => tuma_result::Authentication,
            K::Authorization => tuma_result::Authorization,
            K::Api => tuma_result::Api,
            K::RateLimited => tuma_result::RateLimited,
            K::Network => tuma_result::Network,
            K::Timeout => tuma_result::Timeout,
            K::Decode => tuma_result::Decode,
            K::InvalidCallback => tuma_result::InvalidCallback,
            K::Store => tuma_result::Store,
            K::Busy => tuma_result::Busy,
        }
    }

    /// The code for a core error: that of its [`tuma::ErrorKind`].
    pub fn from_error(error: &tuma::Error) -> tuma_result {
        tuma_result::from_kind(error.error_kind())
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
            tuma_result::Authorization => {
                c"the provider refused access (HTTP 403): valid credentials, not allowed this"
            }
            tuma_result::Network => c"network error",
            tuma_result::Timeout => c"the provider did not answer in time",
            tuma_result::Store => {
                c"the shared state store (Redis) failed or did not answer in time"
            }
            tuma_result::Busy => {
                c"too many calls in flight: the call was not started (nothing was sent)"
            }
            tuma_result::Panic => c"internal error: a panic was caught in libtuma",
            tuma_result::Internal => c"internal error in libtuma",
        }
    }
}

/// libtuma's own error kinds (its checks before the core, and a caught panic) with their
/// codes: what the last error's `kind` may be besides the core's [`tuma::ErrorKind`]s.
pub(crate) const OWN_KINDS: [(&str, tuma_result); 4] = [
    ("null_parameter", tuma_result::NullParameter),
    ("invalid_utf8", tuma_result::InvalidUtf8),
    ("malformed_json", tuma_result::MalformedJson),
    ("panic", tuma_result::Panic),
];

/// Every error kind with its code, for `tuma_error_kinds`: the core's, in the order of
/// `tuma::ErrorKind::ALL`, then libtuma's own.
pub(crate) fn error_kinds() -> Value {
    let core = tuma::ErrorKind::ALL.iter().map(|kind| {
        json!({
            "kind": kind.as_str(),
            "result": tuma_result::from_kind(*kind) as u32,
            "origin": "core",
            "description": kind.description(),
        })
    });
    let own = OWN_KINDS.iter().map(|(kind, code)| {
        json!({
            "kind": kind,
            "result": *code as u32,
            "origin": "libtuma",
            "description": code.message().to_str().unwrap_or_default(),
        })
    });
    Value::Array(core.chain(own).collect())
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
    use std::collections::HashSet;
    use std::ffi::CStr;

    use super::{
        error_kinds, last_error, message_of, record_panic, tuma_result, Failure, OWN_KINDS,
    };

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

    #[test]
    fn every_core_kind_has_its_own_code_and_message() {
        let mut codes = HashSet::new();
        for kind in tuma::ErrorKind::ALL {
            let code = tuma_result::from_kind(*kind);
            assert!(
                codes.insert(code as u32),
                "{kind:?} shares its code {code:?} with another kind"
            );
            assert!(
                tuma_result::all().contains(&code),
                "{kind:?}: {code:?} is not listed"
            );
            assert!(
                !matches!(
                    code,
                    tuma_result::Ok | tuma_result::Panic | tuma_result::Internal
                ),
                "{kind:?} maps to {code:?}"
            );
            // SAFETY: message_of returns a static NUL-terminated string.
            let text = unsafe { CStr::from_ptr(message_of(code as u32)) };
            assert!(
                text.to_bytes().len() > 10 && text != c"unknown result code",
                "{kind:?}: {text:?}"
            );
        }
        // libtuma's own kinds have codes of their own too.
        for (kind, code) in OWN_KINDS {
            assert!(tuma::ErrorKind::from_name(kind).is_none(), "{kind}");
            assert!(codes.insert(code as u32), "{kind}: {code:?} is taken");
        }
        assert_eq!(
            tuma_result::from_kind(tuma::ErrorKind::Authorization) as u32,
            205
        );
        assert_eq!(tuma_result::from_kind(tuma::ErrorKind::Busy) as u32, 303);
    }

    #[test]
    fn own_kinds_are_what_the_failures_record() {
        let record: [fn() -> tuma_result; 3] = [
            || Failure::Null("p").record(),
            || Failure::Utf8("p").record(),
            || {
                let e = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
                Failure::Json("p", e).record()
            },
        ];
        for (record, (kind, want)) in record.into_iter().zip(OWN_KINDS) {
            assert_eq!(record(), want);
            let detail = last_error().expect("a last error");
            assert!(detail.contains(&format!("\"kind\":\"{kind}\"")), "{detail}");
        }
        record_panic(&"boom");
        let detail = last_error().expect("a last error");
        assert_eq!(OWN_KINDS[3], ("panic", tuma_result::Panic));
        assert!(detail.contains("\"kind\":\"panic\""), "{detail}");
    }

    #[test]
    fn error_kinds_lists_every_kind_with_its_code() {
        let list = error_kinds();
        let list = list.as_array().expect("an array");
        assert_eq!(list.len(), tuma::ErrorKind::ALL.len() + OWN_KINDS.len());
        for (entry, kind) in list.iter().zip(tuma::ErrorKind::ALL) {
            assert_eq!(entry["kind"], kind.as_str());
            assert_eq!(entry["origin"], "core");
            assert_eq!(entry["result"], tuma_result::from_kind(*kind) as u32);
            assert!(!entry["description"].as_str().unwrap().is_empty());
        }
        for (entry, (kind, code)) in list[tuma::ErrorKind::ALL.len()..].iter().zip(OWN_KINDS) {
            assert_eq!(entry["kind"], kind);
            assert_eq!(entry["origin"], "libtuma");
            assert_eq!(entry["result"], code as u32);
        }
    }
}
