//! Every operation by name, with JSON in and JSON out: the one entry point the C, Python
//! and Node bindings use, so that they hold no provider logic and reach every operation.
//!
//! Request documents are JSON objects whose fields are the Rust API's argument names
//! (e.g. `statum.send_sms` takes `{"sender_id", "phone", "message"}`); results are the
//! serialised result types. Unknown fields are refused, so a typo is an error, not a
//! silently ignored argument.

use std::cell::RefCell;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::client::Client;
use crate::error::{Error, Result};

/// Every network operation callable through [`call`].
pub fn operations() -> Vec<&'static str> {
    let mut all = vec![
        "statum.send_sms",
        "statum.airtime",
        "statum.account_details",
        "callbacks.receive",
        "callbacks.complete",
        "callbacks.release",
        "callbacks.first_time",
    ];
    all.extend_from_slice(crate::daraja::ops::OPERATIONS);
    all.extend_from_slice(crate::umspay::ops::OPERATIONS);
    all
}

/// Every callback kind [`parse_callback`] understands.
pub fn callback_kinds() -> Vec<&'static str> {
    let mut all = vec!["statum.result", "statum.airtime_result"];
    all.extend_from_slice(crate::daraja::ops::CALLBACKS);
    all.extend_from_slice(crate::umspay::ops::CALLBACKS);
    all
}

/// Every local utility [`utility`] offers (no network).
pub fn utilities() -> Vec<&'static str> {
    let mut all = vec!["phone.normalize"];
    all.extend_from_slice(crate::daraja::ops::UTILITIES);
    all.extend_from_slice(crate::umspay::ops::UTILITIES);
    all
}

/// Runs the operation `name` with the JSON object `request`.
pub fn call(client: &Client, name: &str, request: &Value) -> Result<Value> {
    dispatch(client, name, request)
}

/// [`call`], with the result as JSON text: what the C ABI hands out, made without building a
/// [`Value`] first.
pub fn call_to_text(client: &Client, name: &str, request: &Value) -> Result<String> {
    dispatch(client, name, request)
}

fn dispatch<O: Output>(client: &Client, name: &str, request: &Value) -> Result<O> {
    let args = Args::new(request)?;
    let out = match name {
        "statum.send_sms" => {
            let (sender_id, phone, message) = (
                args.str("sender_id")?,
                args.str("phone")?,
                args.str("message")?,
            );
            args.finish()?;
            O::from_result(&client.statum().send_sms(&sender_id, &phone, &message)?)
        }
        "statum.airtime" => {
            let (phone, amount) = (args.str("phone")?, args.amount("amount")?);
            args.finish()?;
            O::from_result(&client.statum().airtime(&phone, amount)?)
        }
        "statum.account_details" => {
            args.finish()?;
            O::from_result(&client.statum().account_details()?)
        }
        "callbacks.receive" => {
            let (kind, body) = (args.str("kind")?, args.str("body")?);
            args.finish()?;
            O::from_result(&client.receive_callback(&kind, body.as_bytes())?)
        }
        "callbacks.complete" => {
            let claim = args.str("claim")?;
            args.finish()?;
            let held = client.complete_callback(&claim)?;
            O::from_result(&json!({"completed": true, "lease_held": held}))
        }
        "callbacks.release" => {
            let claim = args.str("claim")?;
            args.finish()?;
            O::from_result(&json!({"released": client.release_callback(&claim)?}))
        }
        "callbacks.first_time" => {
            let id = args.str("id")?;
            args.finish()?;
            O::from_result(&json!({"first_time": client.first_time(&id)?}))
        }
        other => {
            if let Some(r) = crate::daraja::ops::call(client, other, &args) {
                r?
            } else if let Some(r) = crate::umspay::ops::call(client, other, &args) {
                r?
            } else {
                return Err(unknown("operation", other));
            }
        }
    };
    Ok(out)
}

/// Parses a callback body of the given kind into its JSON form.
pub fn parse_callback(kind: &str, body: &[u8]) -> Result<Value> {
    match kind {
        "statum.result" => Ok(to_json(crate::statum::parse_result(body)?)),
        "statum.airtime_result" => Ok(to_json(crate::statum::parse_airtime_result(body)?)),
        other => crate::daraja::ops::parse_callback(other, body)
            .or_else(|| crate::umspay::ops::parse_callback(other, body))
            .unwrap_or_else(|| Err(unknown("callback kind", other))),
    }
}

/// The id a parsed callback is de-duplicated on, per kind.
pub(crate) fn callback_id(kind: &str, callback: &Value) -> Option<String> {
    let field = |name: &str| {
        callback
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    match kind {
        "statum.result" | "statum.airtime_result" => field("request_id"),
        "daraja.stk_callback" => field("checkout_request_id"),
        "daraja.result" => {
            let id = field("originator_conversation_id").or_else(|| field("conversation_id"))?;
            // ResultType 1: more messages follow; the final one (0) must not look like
            // its redelivery.
            Some(match field("result_type").as_deref() {
                Some("0") | None => id,
                Some(other) => format!("{id}:type{other}"),
            })
        }
        "daraja.queue_timeout" => {
            field("originator_conversation_id").or_else(|| field("conversation_id"))
        }
        "daraja.c2b_validation" | "daraja.c2b_confirmation" => field("trans_id"),
        "umspay.webhook" => {
            let id = field("transaction_request_id")?;
            Some(match field("event") {
                Some(event) => format!("{id}:{event}"),
                None => id,
            })
        }
        _ => None,
    }
}

/// Runs a local utility (no network): `phone.normalize` takes `{"phone"}` and returns
/// `{"phone", "carrier"}`.
pub fn utility(name: &str, request: &Value) -> Result<Value> {
    let args = Args::new(request)?;
    match name {
        "phone.normalize" => {
            let phone = crate::phone::Phone::parse(&args.str("phone")?)?;
            args.finish()?;
            Ok(json!({"phone": phone.as_str(), "carrier": phone.carrier()}))
        }
        other => crate::daraja::ops::utility(other, &args)
            .or_else(|| crate::umspay::ops::utility(other, &args))
            .unwrap_or_else(|| Err(unknown("utility", other))),
    }
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

fn unknown(what: &str, name: &str) -> Error {
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

/// The fields of a request document, read with typed accessors whose errors name the field.
pub struct Args<'a> {
    map: Option<&'a Map<String, Value>>,
    /// The fields read so far (a handful: a list beats hashing).
    used: RefCell<Vec<&'a str>>,
}

impl<'a> Args<'a> {
    /// Wraps a request document; it must be an object (or null for no arguments).
    pub fn new(value: &'a Value) -> Result<Args<'a>> {
        let map = match value {
            Value::Object(m) => Some(m),
            Value::Null => None,
            _ => return Err(Error::invalid("request", "must be a JSON object")),
        };
        Ok(Args {
            map,
            used: RefCell::new(Vec::new()),
        })
    }

    fn get(&self, field: &'a str) -> Option<&'a Value> {
        let mut used = self.used.borrow_mut();
        if !used.contains(&field) {
            used.push(field);
        }
        self.map.and_then(|m| m.get(field)).filter(|v| !v.is_null())
    }

    /// A required string.
    pub fn str(&self, field: &'a str) -> Result<String> {
        self.opt_str(field)?
            .ok_or_else(|| Error::invalid(field, "is required"))
    }

    /// An optional string.
    pub fn opt_str(&self, field: &'a str) -> Result<Option<String>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid(field, "must be a string")),
        }
    }

    /// A required amount in whole shillings: a JSON number (or a numeric string) that is
    /// positive and has no fraction.
    pub fn amount(&self, field: &'a str) -> Result<u64> {
        self.opt_amount(field)?
            .ok_or_else(|| Error::invalid(field, "is required"))
    }

    /// An optional amount (see [`Args::amount`]).
    pub fn opt_amount(&self, field: &'a str) -> Result<Option<u64>> {
        let Some(v) = self.get(field) else {
            return Ok(None);
        };
        let n = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
        .filter(|f| f.is_finite())
        .ok_or_else(|| Error::invalid(field, "must be a number"))?;
        if n <= 0.0 {
            return Err(Error::invalid(field, "must be greater than 0"));
        }
        if n.fract() != 0.0 {
            return Err(Error::invalid(field, "must be a whole number of shillings"));
        }
        if n > 1e12 {
            return Err(Error::invalid(field, "is too large"));
        }
        Ok(Some(n as u64))
    }

    /// An optional whole number.
    pub fn opt_u64(&self, field: &'a str) -> Result<Option<u64>> {
        match self.get(field) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| Error::invalid(field, "must be a non-negative whole number")),
        }
    }

    /// An optional boolean.
    pub fn opt_bool(&self, field: &'a str) -> Result<Option<bool>> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Error::invalid(field, "must be true or false")),
        }
    }

    /// Fails when the document holds a field no accessor asked for.
    pub fn finish(&self) -> Result<()> {
        let used = self.used.borrow();
        if let Some(m) = self.map {
            if let Some(extra) = m.keys().find(|k| !used.contains(&k.as_str())) {
                return Err(Error::invalid(
                    extra.chars().take(64).collect::<String>(),
                    "is not a field of this request",
                ));
            }
        }
        Ok(())
    }
}
