//! Node.js binding of tuma (the npm package `tuma`), built with napi-rs.
//!
//! The native layer is deliberately thin: a [`NativeClient`] built from a configuration
//! JSON document, a generic [`NativeClient::call`] that runs any operation of
//! [`tuma::ops`] on tuma's own worker threads (never on the event loop, and not on the
//! small libuv pool, which long HTTP calls would starve), and synchronous helpers for
//! callbacks and local utilities. Requests and results cross the boundary as JSON strings; the JavaScript
//! wrapper (`tuma.js`) turns them into camelCase objects and typed errors.
//!
//! Errors are thrown as JavaScript `Error`s whose message is the JSON document of
//! [`tuma::ops::error_json`] (`kind`, `message`, `provider`, `status`, `code`, ...); the
//! wrapper maps that document, once, onto its `TumaError` classes.

#![deny(missing_docs)]

use std::sync::Arc;

mod workers;

use napi::bindgen_prelude::{Buffer, Either, Object};
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

#[napi]
impl NativeClient {
    /// Builds a client from a configuration JSON document (snake_case keys, the form of
    /// `tuma::Config`).
    #[napi(constructor)]
    pub fn new(config_json: String) -> napi::Result<Self> {
        let config = tuma::Config::from_json(&config_json).map_err(to_napi)?;
        Self::build(config)
    }

    /// Builds a client from the `TUMA_*` environment variables.
    #[napi(factory)]
    pub fn from_env() -> napi::Result<Self> {
        let config = tuma::Config::from_env().map_err(to_napi)?;
        Self::build(config)
    }

    /// Runs the operation `operation` (one of `operations()`) with a JSON request document;
    /// resolves to the JSON result document. Runs on tuma's worker threads (one per call in
    /// flight, reused): the event loop is never blocked and `UV_THREADPOOL_SIZE` does not
    /// limit how many calls overlap.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        operation: String,
        request_json: String,
    ) -> napi::Result<Object<'env>> {
        let (deferred, promise) = env.create_deferred::<String, Resolver>()?;
        let client = Arc::clone(&self.inner);
        workers::spawn(move || match run_call(&client, &operation, &request_json) {
            Ok(result) => deferred.resolve(Box::new(move |_env| Ok(result))),
            Err(error) => deferred.reject(error),
        });
        Ok(promise)
    }
}

impl NativeClient {
    fn build(mut config: tuma::Config) -> napi::Result<Self> {
        if config.http.user_agent_suffix.is_none() {
            config.http.user_agent_suffix = Some(USER_AGENT_SUFFIX.to_string());
        }
        let client = tuma::Client::new(config).map_err(to_napi)?;
        Ok(NativeClient {
            inner: Arc::new(client),
        })
    }
}

/// What settles a call's promise on the JavaScript thread.
type Resolver = Box<dyn FnOnce(Env) -> napi::Result<String> + Send>;

/// One network call, run on a worker thread.
fn run_call(client: &tuma::Client, operation: &str, request_json: &str) -> napi::Result<String> {
    let request = parse_request(request_json).map_err(to_napi)?;
    let result = tuma::ops::call(client, operation, &request).map_err(to_napi)?;
    Ok(result.to_string())
}

/// Parses a callback body of the given kind (one of `callbackKinds()`); returns the
/// parsed event as JSON.
#[napi]
pub fn parse_callback(kind: String, body: Either<Buffer, String>) -> napi::Result<String> {
    let bytes: &[u8] = match &body {
        Either::A(buffer) => buffer,
        Either::B(text) => text.as_bytes(),
    };
    let event = tuma::ops::parse_callback(&kind, bytes).map_err(to_napi)?;
    Ok(event.to_string())
}

/// Runs a local utility (one of `utilities()`; no network) with a JSON request document.
#[napi]
pub fn utility(name: String, request_json: String) -> napi::Result<String> {
    let request = parse_request(&request_json).map_err(to_napi)?;
    let result = tuma::ops::utility(&name, &request).map_err(to_napi)?;
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

/// The one conversion of a core error: a JS `Error` whose message is the JSON detail.
fn to_napi(error: tuma::Error) -> napi::Error {
    napi::Error::new(Status::GenericFailure, tuma::ops::error_json(&error))
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
    fn errors_cross_as_the_core_error_json() {
        let err = to_napi(tuma::Error::InvalidInput {
            field: "phone".into(),
            rule: "is required".into(),
        });
        let detail: Value = serde_json::from_str(&err.reason).unwrap();
        assert_eq!(detail["kind"], "invalid_input");
        assert_eq!(detail["field"], "phone");
    }

    #[test]
    fn the_name_lists_are_the_cores() {
        assert_eq!(operations().len(), tuma::ops::operations().len());
        assert!(callback_kinds().iter().any(|k| k == "statum.result"));
        assert!(utilities().iter().any(|u| u == "phone.normalize"));
    }
}
