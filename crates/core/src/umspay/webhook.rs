//! UMS Pay's webhook: the POST it sends to the account's webhook URL.
//!
//! UMS Pay signs nothing (see [`crate::webhook`] for the defences that exist): treat a
//! webhook as a hint and confirm it with [`super::UmsPay::confirm_payment`] before you ship.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Provider, Result};
use crate::json::{as_code, as_f64};

/// Which event a webhook reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookEventKind {
    /// `payment.initiated`: the prompt was sent.
    #[serde(rename = "payment.initiated")]
    Initiated,
    /// `payment.completed`: paid.
    #[serde(rename = "payment.completed")]
    Completed,
    /// `payment.failed`: failed, cancelled or timed out (see `response_code`).
    #[serde(rename = "payment.failed")]
    Failed,
}

impl WebhookEventKind {
    /// The event's name, e.g. `payment.completed`.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEventKind::Initiated => "payment.initiated",
            WebhookEventKind::Completed => "payment.completed",
            WebhookEventKind::Failed => "payment.failed",
        }
    }
}

/// A UMS Pay webhook, typed. Fields the body did not carry are `None`; fields this library
/// does not know are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEvent {
    /// The event: from the body's `event` field when present; otherwise `ResponseCode` 0 is
    /// completed, another code failed, no code initiated.
    pub event: WebhookEventKind,
    /// UMS Pay's id of the payment (`TransactionID`), the `transaction_request_id` of the push.
    pub transaction_request_id: String,
    /// `ResponseCode`: 0 paid, else the M-Pesa result code (1, 1032, 1037, 2001…).
    pub response_code: Option<i64>,
    /// Where the payment stands, in the vocabulary shared by every provider (`pending`
    /// without a `ResponseCode`).
    pub status: crate::PaymentStatus,
    /// `ResponseDescription`.
    pub response_description: Option<String>,
    /// `MerchantRequestID` (Daraja's id).
    pub merchant_request_id: Option<String>,
    /// `CheckoutRequestID` (Daraja's `ws_CO_…` id).
    pub checkout_request_id: Option<String>,
    /// `TransactionAmount`, in KES.
    pub amount: Option<f64>,
    /// `TransactionReceipt`, the M-Pesa receipt (on success only).
    pub receipt: Option<String>,
    /// `TransactionDate`, `YYYYMMDDHHmmss` East Africa Time.
    pub date: Option<String>,
    /// `TransactionReference`, your reference.
    pub reference: Option<String>,
    /// `Msisdn`, the payer's number.
    pub msisdn: Option<String>,
    /// Every other field of the body, as sent.
    pub extra: Map<String, Value>,
}

impl WebhookEvent {
    /// The id redeliveries share: the transaction id and the event.
    pub fn dedup_id(&self) -> Option<String> {
        (!self.transaction_request_id.is_empty())
            .then(|| format!("{}:{}", self.transaction_request_id, self.event.as_str()))
    }

    /// True for `payment.completed`. Still confirm with a status query before shipping.
    pub fn is_completed(&self) -> bool {
        self.event == WebhookEventKind::Completed
    }
}

const KNOWN: &[&str] = &[
    "event",
    "ResponseCode",
    "ResponseDescription",
    "MerchantRequestID",
    "CheckoutRequestID",
    "TransactionID",
    "TransactionAmount",
    "TransactionReceipt",
    "TransactionDate",
    "TransactionReference",
    "Msisdn",
];

fn bad(message: impl Into<String>) -> Error {
    Error::callback(Provider::Umspay, message)
}

fn opt_text(map: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => as_code(v)
            .map(|s| Some(s).filter(|s| !s.is_empty()))
            .ok_or_else(|| bad(format!("`{name}` is not a string"))),
    }
}

/// Parses a UMS Pay webhook body (raw bytes as received).
pub fn parse_webhook(body: &[u8]) -> Result<WebhookEvent> {
    let text = std::str::from_utf8(body).map_err(|_| bad("the body is not UTF-8"))?;
    let map = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(bad("the body is not a JSON object")),
        Err(e) => {
            return Err(bad(format!(
                "the body is not JSON: {}",
                crate::config::json_error(&e)
            )))
        }
    };
    let transaction_request_id =
        opt_text(&map, "TransactionID")?.ok_or_else(|| bad("`TransactionID` is missing"))?;
    let response_code = match map.get("ResponseCode") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            as_f64(v)
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
                .ok_or_else(|| bad("`ResponseCode` is not a whole number"))?,
        ),
    };
    let amount = match map.get("TransactionAmount") {
        None | Some(Value::Null) => None,
        Some(v) => Some(as_f64(v).ok_or_else(|| bad("`TransactionAmount` is not a number"))?),
    };
    let event = match map.get("event") {
        None | Some(Value::Null) => match response_code {
            None => WebhookEventKind::Initiated,
            Some(0) => WebhookEventKind::Completed,
            Some(_) => WebhookEventKind::Failed,
        },
        Some(Value::String(s)) => match s.trim() {
            "payment.initiated" => WebhookEventKind::Initiated,
            "payment.completed" => WebhookEventKind::Completed,
            "payment.failed" => WebhookEventKind::Failed,
            other => {
                return Err(bad(format!(
                    "unknown `event` `{}`",
                    other.chars().take(40).collect::<String>()
                )))
            }
        },
        Some(_) => return Err(bad("`event` is not a string")),
    };
    let extra = map
        .iter()
        .filter(|(k, _)| !KNOWN.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(WebhookEvent {
        event,
        transaction_request_id,
        status: match (event, response_code) {
            (_, Some(code)) => crate::PaymentStatus::of_stk_code(&code.to_string()),
            (WebhookEventKind::Completed, None) => crate::PaymentStatus::Completed,
            (WebhookEventKind::Failed, None) => crate::PaymentStatus::Failed,
            (WebhookEventKind::Initiated, None) => crate::PaymentStatus::Pending,
        },
        response_code,
        response_description: opt_text(&map, "ResponseDescription")?,
        merchant_request_id: opt_text(&map, "MerchantRequestID")?,
        checkout_request_id: opt_text(&map, "CheckoutRequestID")?,
        amount,
        receipt: opt_text(&map, "TransactionReceipt")?,
        date: opt_text(&map, "TransactionDate")?,
        reference: opt_text(&map, "TransactionReference")?,
        msisdn: opt_text(&map, "Msisdn")?,
        extra,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBSERVED: &[u8] = br#"{"ResponseCode":0,"ResponseDescription":"The service request is processed successfully.","MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_191220191020363925","TransactionID":"UMSPID0912202313221297248","TransactionAmount":1,"TransactionReceipt":"NLJ7RT61SV","TransactionDate":"20231209132212","TransactionReference":"INV-1","Msisdn":"254712345678","Note":"kept"}"#;

    #[test]
    fn parses_the_observed_payload() {
        let e = parse_webhook(OBSERVED).unwrap();
        assert_eq!(e.event, WebhookEventKind::Completed);
        assert_eq!(e.transaction_request_id, "UMSPID0912202313221297248");
        assert_eq!(e.receipt.as_deref(), Some("NLJ7RT61SV"));
        assert_eq!(e.amount, Some(1.0));
        assert_eq!(e.extra.get("Note"), Some(&Value::from("kept")));
        let j = serde_json::to_value(&e).unwrap();
        assert_eq!(j["event"], "payment.completed");
    }

    #[test]
    fn event_comes_from_the_field_or_the_code() {
        let failed = br#"{"ResponseCode":1032,"TransactionID":"U1"}"#;
        assert_eq!(
            parse_webhook(failed).unwrap().event,
            WebhookEventKind::Failed
        );
        let initiated = br#"{"TransactionID":"U1","Msisdn":254712345678}"#;
        let e = parse_webhook(initiated).unwrap();
        assert_eq!(e.event, WebhookEventKind::Initiated);
        assert_eq!(e.msisdn.as_deref(), Some("254712345678"));
        let named = br#"{"event":"payment.initiated","ResponseCode":"0","TransactionID":"U1"}"#;
        assert_eq!(
            parse_webhook(named).unwrap().event,
            WebhookEventKind::Initiated
        );
    }

    #[test]
    fn rejects_malformed_bodies() {
        for body in [
            &b""[..],
            b"null",
            b"[1]",
            b"{\"TransactionID\":",
            b"\xff\xfe{}",
            br#"{"ResponseCode":0}"#,
            br#"{"TransactionID":""}"#,
            br#"{"TransactionID":{"a":1}}"#,
            br#"{"TransactionID":"U1","ResponseCode":"zero"}"#,
            br#"{"TransactionID":"U1","ResponseCode":0.5}"#,
            br#"{"TransactionID":"U1","TransactionAmount":"ten"}"#,
            br#"{"TransactionID":"U1","event":"payment.refunded"}"#,
            br#"{"TransactionID":"U1","event":7}"#,
        ] {
            let err = parse_webhook(body).unwrap_err();
            assert_eq!(err.kind(), "invalid_callback", "{body:?}");
        }
    }
}
