//! Statum's webhooks: the generic result and the airtime result.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Provider, Result};
use crate::json::{as_code, as_f64};

/// The generic result Statum POSTs when an asynchronous request completes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatumResult {
    /// The id returned by the original request.
    pub request_id: String,
    /// `"200"` on success.
    pub result_code: String,
    /// Human-readable outcome.
    pub result_desc: String,
}

impl StatumResult {
    /// True when `result_code` is 200.
    pub fn is_success(&self) -> bool {
        self.result_code == "200"
    }
}

/// The airtime result: the generic result plus, on success, the charge and the new wallet
/// balance (a failure may come without them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AirtimeResult {
    /// The id returned by the airtime request.
    pub request_id: String,
    /// What was taken from the wallet (amount minus discount), in KES.
    pub charge: Option<f64>,
    /// Wallet balance after the charge, in KES.
    pub account_balance: Option<f64>,
    /// `"200"` on success.
    pub result_code: String,
    /// Human-readable outcome.
    pub result_desc: String,
}

impl AirtimeResult {
    /// True when `result_code` is 200.
    pub fn is_success(&self) -> bool {
        self.result_code == "200"
    }
}

fn object(body: &[u8]) -> Result<serde_json::Map<String, Value>> {
    let text = std::str::from_utf8(body)
        .map_err(|_| Error::callback(Provider::Statum, "the body is not UTF-8"))?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::callback(
            Provider::Statum,
            "the body is not a JSON object",
        )),
        Err(e) => Err(Error::callback(
            Provider::Statum,
            format!("the body is not JSON: {}", crate::config::json_error(&e)),
        )),
    }
}

fn text_field(map: &serde_json::Map<String, Value>, name: &str) -> Result<String> {
    match map.get(name) {
        Some(v) => as_code(v)
            .ok_or_else(|| Error::callback(Provider::Statum, format!("`{name}` is not a string"))),
        None => Err(Error::callback(
            Provider::Statum,
            format!("`{name}` is missing"),
        )),
    }
}

/// An optional number: absent (or null) is `None`, anything but a number an error.
fn number_field(map: &serde_json::Map<String, Value>, name: &str) -> Result<Option<f64>> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => as_f64(v)
            .map(Some)
            .ok_or_else(|| Error::callback(Provider::Statum, format!("`{name}` is not a number"))),
    }
}

/// Parses the generic result webhook (`request_id`, `result_code`, `result_desc`).
pub fn parse_result(body: &[u8]) -> Result<StatumResult> {
    let map = object(body)?;
    let request_id = text_field(&map, "request_id")?;
    if request_id.is_empty() {
        return Err(Error::callback(Provider::Statum, "`request_id` is empty"));
    }
    Ok(StatumResult {
        request_id,
        result_code: text_field(&map, "result_code")?,
        result_desc: map.get("result_desc").and_then(as_code).unwrap_or_default(),
    })
}

/// Parses the airtime result webhook (adds `charge` and `account_balance`).
pub fn parse_airtime_result(body: &[u8]) -> Result<AirtimeResult> {
    let generic = parse_result(body)?;
    let map = object(body)?;
    Ok(AirtimeResult {
        request_id: generic.request_id,
        charge: number_field(&map, "charge")?,
        account_balance: number_field(&map, "account_balance")?,
        result_code: generic.result_code,
        result_desc: generic.result_desc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_seed_example() {
        let body = br#"{"request_id":"35235f08c981474abd388755ed43a427","charge":48.5,"account_balance":5000,"result_code":"200","result_desc":"You have topped up 254721553678 with Ksh. 50."}"#;
        let r = parse_airtime_result(body).unwrap();
        assert_eq!(r.charge, Some(48.5));
        assert_eq!(r.account_balance, Some(5000.0));
        assert!(r.is_success());
        let failed = parse_airtime_result(
            br#"{"request_id":"r2","result_code":"400","result_desc":"Top up failed"}"#,
        )
        .unwrap();
        assert_eq!((failed.charge, failed.account_balance), (None, None));
        assert!(!failed.is_success());
    }

    #[test]
    fn rejects_malformed_bodies() {
        for body in [
            &b""[..],
            b"[]",
            b"{",
            b"\xff\xfe",
            br#"{"result_code":"200"}"#,
            br#"{"request_id":"a","result_code":"200","charge":"x","account_balance":1}"#,
            br#"{"request_id":"a","result_code":{},"charge":1,"account_balance":1}"#,
        ] {
            assert_eq!(
                parse_airtime_result(body).unwrap_err().kind(),
                "invalid_callback"
            );
        }
    }
}
