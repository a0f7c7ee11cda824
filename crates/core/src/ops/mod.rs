//! Every operation by name, with JSON in and JSON out: the one entry point the C, Python
//! and Node bindings use, so that they hold no provider logic and reach every operation.
//!
//! Request documents are JSON objects whose fields are the Rust API's argument names
//! (e.g. `statum.send_sms` takes `{"sender_id", "phone", "message"}`); results are the
//! serialised result types. Unknown fields are refused, so a typo is an error, not a
//! silently ignored argument.

mod table;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::{Error, Result};
pub use crate::request::Args;
pub use table::{describe, Operation, Utility, OPERATIONS, UTILITIES};

/// Every network operation callable through [`call`], in table order.
pub fn operations() -> Vec<&'static str> {
    OPERATIONS.iter().map(|op| op.name).collect()
}

/// Every callback kind [`parse_callback`] understands.
pub fn callback_kinds() -> Vec<&'static str> {
    crate::callback::KINDS
        .iter()
        .map(|(kind, _)| *kind)
        .collect()
}

/// Every local utility [`utility`] offers (no network).
pub fn utilities() -> Vec<&'static str> {
    UTILITIES.iter().map(|u| u.name).collect()
}

/// Runs the operation `name` with the JSON object `request`.
pub fn call(client: &Client, name: &str, request: &Value) -> Result<Value> {
    table::dispatch(client, name, request)
}

/// [`call`], with the result as JSON text: what the C ABI hands out, made without building a
/// [`Value`] first.
pub fn call_to_text(client: &Client, name: &str, request: &Value) -> Result<String> {
    table::dispatch(client, name, request)
}

/// Parses a callback body of the given kind into its JSON form.
pub fn parse_callback(kind: &str, body: &[u8]) -> Result<Value> {
    Ok(to_json(crate::callback::Callback::parse(kind, body)?))
}

/// Runs a local utility (no network), e.g. `phone.normalize` with `{"phone"}`.
pub fn utility(name: &str, request: &Value) -> Result<Value> {
    table::run_utility(name, request)
}
/// The error as a JSON object: `kind`, `message`, `fate` (`not_sent`, `refused`,
/// `unknown`), `outcome_unknown`, and where known `provider`, `status`, `code`,
/// `request_id`, `field`, `retry_after_ms` and `recovery` (the payment's ids, on a money
/// call: see [`crate::Recovery`]).
pub fn error_json(error: &Error) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), error.kind().into());
    m.insert("message".into(), error.to_string().into());
    if let Some(p) = error.provider() {
        m.insert("provider".into(), p.as_str().into());
    }
    if let Some(s) = error.status() {
        m.insert("status".into(), s.into());
    }
    if let Some(c) = error.code() {
        m.insert("code".into(), c.into());
    }
    if let Some(r) = error.request_id() {
        m.insert("request_id".into(), r.into());
    }
    if let Some(f) = error.field() {
        m.insert("field".into(), f.into());
    }
    if let Some(d) = error.retry_after() {
        m.insert("retry_after_ms".into(), (d.as_millis() as u64).into());
    }
    m.insert("fate".into(), error.fate().as_str().into());
    m.insert("outcome_unknown".into(), error.outcome_unknown().into());
    if let Some(r) = error.recovery() {
        m.insert("recovery".into(), to_json(r));
    }
    Value::Object(m)
}

pub(crate) fn unknown(what: &str, name: &str) -> Error {
    Error::invalid(
        what,
        format!(
            "unknown {what} `{}`",
            name.chars().take(64).collect::<String>()
        ),
    )
}

/// What an operation's result becomes: a JSON value or JSON text.
pub(crate) trait Output: Sized {
    fn from_result<T: Serialize + ?Sized>(value: &T) -> Self;
}

impl Output for Value {
    fn from_result<T: Serialize + ?Sized>(value: &T) -> Self {
        serde_json::to_value(value).expect("tuma result types always serialise")
    }
}

impl Output for String {
    fn from_result<T: Serialize + ?Sized>(value: &T) -> Self {
        serde_json::to_string(value).expect("tuma result types always serialise")
    }
}

pub(crate) fn to_json<T: Serialize>(value: T) -> Value {
    serde_json::to_value(value).expect("tuma result types always serialise")
}
