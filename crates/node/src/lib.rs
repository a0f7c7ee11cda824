//! Node.js binding of tuma (the npm package `tuma`), built with napi-rs.
//!
//! The native layer is deliberately thin: a [`NativeClient`] built from a configuration
//! JSON document, a generic [`NativeClient::call`] that runs any operation of
//! [`tuma::ops`] on the client's worker pool ([`tuma::Client::submit`]: elastic, bounded by
//! `http.max_threads` and `http.max_queued`; never the event loop, and not the small libuv
//! pool, which long HTTP calls would starve), and synchronous helpers for callbacks and
//! local utilities. Requests and results cross the boundary as JSON strings; the JavaScript
//! wrapper (`tuma.js`) turns them into camelCase objects and typed errors.
//!
//! Errors are JavaScript `Error`s whose `message` is the core error's text and whose
//! properties are the fields of [`tuma::ops::error_json`] (`kind`, `fate`, `provider`,
//! `status`, `code`, `request_id`, `field`, `retry_after_ms`, `outcome_unknown`,
//! `recovery`); the wrapper maps them, once, onto its `TumaError` classes.
//!
//! Every promise [`NativeClient::call`] returns is settled, whatever happens: with the
//! result, with the core's error, with the pool's `busy` error when the call could not be
//! queued, or with an internal error when the call panicked (caught on the worker).

#![deny(missing_docs)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::{Buffer, Either, JsObjectValue, JsValue, Null, Object, ToNapiValue};
use napi::{Env, Status};
use napi_derive::napi;
use serde_json::Value;

/// The `User-Agent` suffix of requests made through this binding.
const USER_AGENT_SUFFIX: &str = "node";

/// A tuma client: one connection pool and token cache, shared by every call made on it.
/// Cheap to share across concurrent calls.
#[napi]
pub struct NativeClient {
    inner: Arc<tuma::Client>,
}

/// Threads of a client's worker pool.
#[napi(object)]
pub struct WorkerThreads {
    /// Alive now (busy or idle: an idle thread exits after a minute).
    pub alive: u32,
    /// The most there ever were at once (at most `http.max_threads`).
    pub peak: u32,
}

#[napi]
impl NativeClient {
    /// Builds a client from a configuration JSON document (snake_case keys, the form of
    /// `tuma::Config`).
    #[napi(constructor)]
    pub fn new(env: Env, config_json: String) -> napi::Result<Self> {
        let config = tuma::Config::from_json(&config_json).map_err(|e| js_error(&env, &e))?;
        Self::build(&env, config)
    }

    /// Builds a client from the `TUMA_*` environment variables.
    #[napi(factory)]
    pub fn from_env(env: Env) -> napi::Result<Self> {
        let config = tuma::Config::from_env().map_err(|e| js_error(&env, &e))?;
        Self::build(&env, config)
    }

    /// Runs the operation `operation` (one of `operations()`) with a JSON request document;
    /// resolves to the JSON result document. Runs on the client's worker pool (a thread per
    /// call in flight, reused, up to `http.max_threads`; then a queue of `http.max_queued`):
    /// the event loop is never blocked and `UV_THREADPOOL_SIZE` does not limit how many
    /// calls overlap. A full pool rejects at once with a `busy` error (nothing sent). With a
    /// `gate`, the call runs guarded by it (see [`NativeGate`]).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        operation: String,
        request_json: String,
        gate: Option<&NativeGate>,
    ) -> napi::Result<Object<'env>> {
        let (deferred, promise) = env.create_deferred::<String, Resolver>()?;
        let pending = Arc::new(Pending {
            deferred: Mutex::new(Some(deferred)),
            operation: operation.clone(),
        });
        let job_pending = Arc::clone(&pending);
        let client = Arc::clone(&self.inner);
        let gate = gate.map(|g| Arc::clone(&g.inner));
        let job = Box::new(move || {
            let outcome = match catch_unwind(AssertUnwindSafe(|| match &gate {
                Some(gate) => gate.run(|| run_call(&client, &operation, &request_json)),
                None => run_call(&client, &operation, &request_json),
            })) {
                Ok(Ok(result)) => Outcome::Done(result),
                Ok(Err(error)) => Outcome::Failed(error),
                Err(panic) => Outcome::Internal(format!("it panicked: {}", panic_text(&*panic))),
            };
            job_pending.settle(outcome);
        });
        if let Err(busy) = self.inner.submit(job) {
            // Refused before it started (the job was dropped unrun): nothing was sent.
            pending.settle(Outcome::Failed(busy));
        }
        Ok(promise)
    }

    /// Threads of this client's worker pool: alive now, and the most at once.
    #[napi]
    pub fn worker_threads(&self) -> WorkerThreads {
        let (alive, peak) = self.inner.worker_threads();
        WorkerThreads {
            alive: u32::try_from(alive).unwrap_or(u32::MAX),
            peak: u32::try_from(peak).unwrap_or(u32::MAX),
        }
    }
}

/// The send gate of one call (`tuma::cancel::SendGate`), for `AbortSignal`: pass it to
/// `NativeClient.call`, then `cancel()` from the event loop.
#[napi]
pub struct NativeGate {
    inner: Arc<tuma::cancel::SendGate>,
}

#[napi]
impl NativeGate {
    /// A gate for one call.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        NativeGate {
            inner: tuma::cancel::SendGate::new(),
        }
    }

    /// True when no money-moving request of the call had been written: none will be (the
    /// call stops before its next request). False when one may be on its way: the call
    /// runs to its end and its outcome tells what happened.
    #[napi]
    pub fn cancel(&self) -> bool {
        self.inner.cancel()
    }
}

impl NativeClient {
    fn build(env: &Env, mut config: tuma::Config) -> napi::Result<Self> {
        if config.http.user_agent_suffix.is_none() {
            config.http.user_agent_suffix = Some(USER_AGENT_SUFFIX.to_string());
        }
        let client = tuma::Client::new(config).map_err(|e| js_error(env, &e))?;
        Ok(NativeClient {
            inner: Arc::new(client),
        })
    }
}

/// What settles a call's promise on the JavaScript thread.
type Resolver = Box<dyn FnOnce(Env) -> napi::Result<String> + Send>;

/// How a call ended.
enum Outcome {
    /// The result document.
    Done(String),
    /// The core's error (or the pool's `busy`).
    Failed(tuma::Error),
    /// Not an outcome of the call itself: a panic caught on the worker, or a job dropped
    /// unrun. What happened to the request is not known.
    Internal(String),
}

/// A call's promise, settled exactly once: by the job on its worker, by the pool's refusal,
/// or, should the job ever be dropped without running, when the last reference goes.
struct Pending {
    deferred: Mutex<Option<napi::JsDeferred<String, Resolver>>>,
    operation: String,
}

impl Pending {
    fn settle(&self, outcome: Outcome) {
        let deferred = self
            .deferred
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let Some(deferred) = deferred else {
            return;
        };
        let operation = self.operation.clone();
        deferred.resolve(Box::new(move |env| match outcome {
            Outcome::Done(result) => Ok(result),
            Outcome::Failed(error) => Err(js_error(&env, &error)),
            Outcome::Internal(what) => Err(internal_error(&env, &operation, &what)),
        }));
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.settle(Outcome::Internal("it was dropped before it ran".into()));
    }
}

/// One network call, run on a worker thread.
fn run_call(client: &tuma::Client, operation: &str, request_json: &str) -> tuma::Result<String> {
    let request = parse_request(request_json)?;
    #[cfg(debug_assertions)]
    if let Some(outcome) = test_hooks::run(operation, &request) {
        return outcome;
    }
    let result = tuma::ops::call(client, operation, &request)?;
    Ok(result.to_string())
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic".to_string()
    }
}

/// Parses a callback body of the given kind (one of `callbackKinds()`); returns the
/// parsed event as JSON.
#[napi]
pub fn parse_callback(
    env: Env,
    kind: String,
    body: Either<Buffer, String>,
) -> napi::Result<String> {
    let bytes: &[u8] = match &body {
        Either::A(buffer) => buffer,
        Either::B(text) => text.as_bytes(),
    };
    let event = tuma::ops::parse_callback(&kind, bytes).map_err(|e| js_error(&env, &e))?;
    Ok(event.to_string())
}

/// Runs a local utility (one of `utilities()`; no network) with a JSON request document.
#[napi]
pub fn utility(env: Env, name: String, request_json: String) -> napi::Result<String> {
    let result = parse_request(&request_json)
        .and_then(|request| tuma::ops::utility(&name, &request))
        .map_err(|e| js_error(&env, &e))?;
    Ok(result.to_string())
}

/// Every network operation `NativeClient.call` accepts, e.g. `statum.send_sms`.
#[napi]
pub fn operations() -> Vec<String> {
    names(tuma::ops::operations())
}

/// Every callback kind `parseCallback` understands, e.g. `statum.result`.
#[napi]
pub fn callback_kinds() -> Vec<String> {
    names(tuma::ops::callback_kinds())
}

/// Every local utility `utility` offers, e.g. `phone.normalize`.
#[napi]
pub fn utilities() -> Vec<String> {
    names(tuma::ops::utilities())
}

/// Every error kind of the core (`tuma::ErrorKind::ALL`), e.g. `invalid_input`, `busy`.
#[napi]
pub fn error_kinds() -> Vec<String> {
    tuma::ErrorKind::ALL
        .iter()
        .map(|kind| kind.as_str().to_string())
        .collect()
}

/// The version of the tuma core this addon was built from.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

fn names(list: Vec<&'static str>) -> Vec<String> {
    list.into_iter().map(str::to_string).collect()
}

/// Parses a request document; an empty string means "no arguments".
fn parse_request(json: &str) -> tuma::Result<Value> {
    if json.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(json).map_err(|e| tuma::Error::InvalidInput {
        field: "request".into(),
        rule: format!("is not valid JSON ({e})"),
    })
}

/// The one conversion of a core error: a JS `Error` whose `message` is the error's text and
/// whose other fields (those of `tuma::ops::error_json`, snake_case) are properties.
fn js_error(env: &Env, error: &tuma::Error) -> napi::Error {
    let detail = tuma::ops::error_json(error);
    error_object(env, &detail).unwrap_or_else(|_| fallback_error(&detail))
}

/// A call that ended in no outcome of its own (a panic caught on the worker): a JS `Error`
/// with `code` `ERR_TUMA_INTERNAL` and the conservative fate, `unknown`.
fn internal_error(env: &Env, operation: &str, what: &str) -> napi::Error {
    let detail = serde_json::json!({
        "message": format!(
            "tuma: internal error in `{operation}`: {what}; the request may have been sent, so \
             check its status before sending it again"
        ),
        "code": "ERR_TUMA_INTERNAL",
        "operation": operation,
        "fate": "unknown",
        "outcome_unknown": true,
    });
    error_object(env, &detail).unwrap_or_else(|_| fallback_error(&detail))
}

fn error_object(env: &Env, detail: &Value) -> napi::Result<napi::Error> {
    let message = detail["message"].as_str().unwrap_or("tuma error");
    let mut object = env.create_error(napi::Error::new(Status::GenericFailure, message))?;
    if let Value::Object(fields) = detail {
        for (key, value) in fields {
            if key != "message" {
                object.set_named_property(key, Json(value))?;
            }
        }
    }
    if detail.get("code").is_none() {
        // Not napi's `GenericFailure`: the provider's code, when there is one, else null.
        object.set_named_property("code", Null)?;
    }
    Ok(napi::Error::from(object.to_unknown()))
}

/// Only when the engine cannot even build an error object (an environment tearing down).
fn fallback_error(detail: &Value) -> napi::Error {
    let message = detail["message"].as_str().unwrap_or("tuma error");
    napi::Error::new(Status::GenericFailure, message)
}

/// A JSON value converted to the JavaScript value it denotes.
struct Json<'a>(&'a Value);

impl ToNapiValue for Json<'_> {
    unsafe fn to_napi_value(
        env: napi::sys::napi_env,
        val: Self,
    ) -> napi::Result<napi::sys::napi_value> {
        // SAFETY: each arm delegates to napi's own conversion, with the `env` napi gave us.
        unsafe {
            match val.0 {
                Value::Null => Null::to_napi_value(env, Null),
                Value::Bool(b) => bool::to_napi_value(env, *b),
                // Amounts and statuses are integers far below 2^53.
                Value::Number(n) => f64::to_napi_value(env, n.as_f64().unwrap_or(f64::NAN)),
                Value::String(s) => <&str>::to_napi_value(env, s.as_str()),
                Value::Array(items) => {
                    Vec::<Json<'_>>::to_napi_value(env, items.iter().map(Json).collect())
                }
                Value::Object(fields) => {
                    let js_env = Env::from_raw(env);
                    let mut object = Object::new(&js_env)?;
                    for (key, value) in fields {
                        object.set_named_property(key, Json(value))?;
                    }
                    Object::to_napi_value(env, object)
                }
            }
        }
    }
}

/// Operations of debug builds only, for the Node tests: `_test.panic` panics on the worker
/// (its promise must still settle), `_test.error` fails with a sample error of the kind
/// `{kind}` (each kind must reach its own `TumaError` class). A release build has none.
#[cfg(debug_assertions)]
mod test_hooks {
    use std::time::Duration;

    use serde_json::Value;
    use tuma::{ApiError, Error, ErrorKind, Fate, Provider};

    pub(crate) fn run(operation: &str, request: &Value) -> Option<tuma::Result<String>> {
        match operation {
            "_test.panic" => panic!("deliberate panic (the `_test.panic` hook of debug builds)"),
            "_test.error" => {
                let name = request["kind"].as_str().unwrap_or_default();
                Some(Err(match ErrorKind::from_name(name) {
                    Some(kind) => sample(kind),
                    None => Error::InvalidInput {
                        field: "kind".into(),
                        rule: format!("is not an error kind: `{name}`"),
                    },
                }))
            }
            _ => None,
        }
    }

    /// One error of each kind. No wildcard: a new kind does not compile until it has one.
    fn sample(kind: ErrorKind) -> Error {
        let provider = Provider::Statum;
        let message = format!("a sample {kind} error");
        match kind {
            ErrorKind::InvalidInput => Error::InvalidInput {
                field: "phone".into(),
                rule: "is required".into(),
            },
            ErrorKind::Config => Error::Config {
                field: "statum.consumer_key".into(),
                rule: "is required".into(),
            },
            ErrorKind::Authentication => Error::Authentication {
                provider,
                status: 401,
                message,
                fate: Fate::Refused,
                recovery: None,
            },
            ErrorKind::Authorization => Error::Authorization {
                provider,
                status: 403,
                message,
                fate: Fate::Refused,
                recovery: None,
            },
            ErrorKind::Api => Error::Api(ApiError {
                provider,
                status: 400,
                code: Some("400.002.02".into()),
                message,
                request_id: Some("req-1".into()),
                fate: Fate::Refused,
                recovery: None,
            }),
            ErrorKind::RateLimited => Error::RateLimited {
                provider,
                retry_after: Some(Duration::from_secs(2)),
                message,
                fate: Fate::Refused,
                recovery: None,
            },
            ErrorKind::Network => Error::Network {
                provider,
                message,
                fate: Fate::NotSent,
                recovery: None,
            },
            ErrorKind::Timeout => Error::Timeout {
                provider,
                fate: Fate::Unknown,
                recovery: None,
            },
            ErrorKind::Decode => Error::Decode {
                provider,
                status: 200,
                message,
                excerpt: "<html>".into(),
                fate: Fate::Unknown,
                recovery: None,
            },
            ErrorKind::InvalidCallback => Error::InvalidCallback { provider, message },
            ErrorKind::Store => Error::Store {
                message,
                recovery: None,
            },
            ErrorKind::Busy => Error::Busy { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_and_bad_json_is_invalid_input() {
        assert_eq!(parse_request("").unwrap(), Value::Null);
        assert_eq!(
            parse_request(r#"{"phone":"0712345678"}"#).unwrap()["phone"],
            "0712345678"
        );
        let err = parse_request("{not json").unwrap_err();
        assert_eq!(err.kind(), "invalid_input");
        assert_eq!(err.field(), Some("request"));
    }

    #[test]
    fn the_error_kinds_are_the_cores_and_panics_read_as_text() {
        let kinds = error_kinds();
        assert_eq!(kinds.len(), tuma::ErrorKind::ALL.len());
        assert!(kinds.iter().any(|k| k == "busy"));
        assert!(kinds.iter().any(|k| k == "authorization"));
        let detail = tuma::ops::error_json(&tuma::Error::Busy {
            message: "full".into(),
        });
        assert_eq!(
            fallback_error(&detail).reason,
            detail["message"].as_str().unwrap()
        );
        let caught = catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
        assert_eq!(panic_text(&*caught), "boom 1");
    }

    #[test]
    fn the_name_lists_are_the_cores() {
        assert_eq!(operations().len(), tuma::ops::operations().len());
        assert!(callback_kinds().iter().any(|k| k == "statum.result"));
        assert!(utilities().iter().any(|u| u == "phone.normalize"));
    }
}
