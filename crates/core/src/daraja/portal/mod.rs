//! Daraja's other portal APIs: B2C account top-up, Business to Pochi, tax remittance, B2B
//! Express Checkout, Pull Transactions, M-Pesa Ratiba (standing orders) and Bill Manager,
//! with the callbacks they produce.
//!
//! The money-moving ones (top-up, Pochi, tax, B2B Express Checkout, Ratiba) follow the same
//! rules as B2C and B2B: sent once (never resent once they may have reached Safaricom),
//! Daraja's documented refusals are refused, anything else that may have been read is
//! unknown, and every error carries a [`crate::Recovery`] with the ids.

mod bill;
mod express;
mod initiator;
mod pull;
mod ratiba;

use serde_json::{Map, Value};

use crate::error::{ApiError, Error, Fate, Provider, Result};
use crate::phone::Phone;

pub use bill::{
    bill_payment_ack, parse_bill_payment, BillCancelInvoiceRequest, BillCancelInvoicesRequest,
    BillError, BillInvoiceChunk, BillInvoiceItem, BillInvoiceRequest, BillInvoicesRequest,
    BillInvoicesResponse, BillManagerResponse, BillOptInRequest, BillPayment,
    BillReconciliationRequest, BILL_BULK_LIMIT,
};
pub use express::{
    parse_b2b_express_callback, B2bExpressCallback, B2bExpressCheckoutRequest,
    B2bExpressCheckoutResponse,
};
pub use initiator::{
    B2PochiRequest, B2cTopupCommand, B2cTopupRequest, RemitTaxRequest, KRA_SHORTCODE,
};
pub use pull::{
    PullRegisterRequest, PullRegisterResponse, PullTransaction, PullTransactions,
    PullTransactionsRequest, PULL_MAX_PAGES,
};
pub use ratiba::{
    parse_ratiba_callback, RatibaCallback, RatibaFrequency, RatibaRequest, RatibaResponse,
    RatibaTransactionType,
};

/// An `InvalidCallback` error for a Daraja portal callback.
fn bad(message: impl Into<String>) -> Error {
    Error::callback(Provider::Daraja, message)
}

/// A key of a JSON object, matched exactly first, then in any letter case (the portal's
/// samples mix `ResponseHeader` / `responseHeader`, `Name` / `name`).
fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key)
        .or_else(|| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
        .filter(|v| !v.is_null())
}

/// A field as text (a string or a number), any letter case of its key.
fn text_ci(map: &Map<String, Value>, key: &str) -> Option<String> {
    get_ci(map, key).and_then(crate::json::as_code)
}

/// The local form of a phone (`07XXXXXXXX`), as the portal's Bill Manager samples write it.
fn local_phone(phone: &Phone) -> String {
    format!("0{}", phone.national())
}

/// Days in `month` of `year` (Gregorian).
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// True when `y`, `m`, `d` (digits) make a real date from year 1900 on.
fn real_date(y: &str, m: &str, d: &str) -> bool {
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && all_digits(m) && all_digits(d)) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<u32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    y >= 1900 && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

/// A `YYYY-MM-DD` date, trimmed.
fn date_dashed<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    let v = value.trim();
    let b = v.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' && real_date(&v[0..4], &v[5..7], &v[8..10]) {
        return Ok(v);
    }
    Err(Error::invalid(field, "must be a date as YYYY-MM-DD"))
}

/// A `yyyymmdd` date, trimmed.
fn date_compact<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    let v = value.trim();
    if v.len() == 8 && v.is_ascii() && real_date(&v[0..4], &v[4..6], &v[6..8]) {
        return Ok(v);
    }
    Err(Error::invalid(field, "must be a date as yyyymmdd"))
}

/// A `YYYY-MM-DD HH:mm:ss` time, trimmed.
fn datetime_dashed<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    let v = value.trim();
    let ok = v.len() == 19
        && v.is_ascii()
        && date_dashed(field, &v[..10]).is_ok()
        && v.as_bytes()[10] == b' '
        && v.as_bytes()[13] == b':'
        && v.as_bytes()[16] == b':'
        && [(11, 23), (14, 59), (17, 59)].iter().all(|&(i, max)| {
            let part = &v[i..i + 2];
            part.bytes().all(|b| b.is_ascii_digit()) && part.parse::<u32>().is_ok_and(|n| n <= max)
        });
    if ok {
        Ok(v)
    } else {
        Err(Error::invalid(
            field,
            "must be a Kenyan time as YYYY-MM-DD HH:mm:ss",
        ))
    }
}

/// An answer that is a 2xx but not an acceptance: Daraja's own code when it gave one, else
/// a decode error. Never a refusal (such answers are not documented as refusals).
fn not_accepted(v: &Value, code: Option<String>, message: Option<String>, what: &str) -> Error {
    match code {
        Some(code) => Error::Api(ApiError {
            provider: Provider::Daraja,
            status: 200,
            code: Some(code),
            message: message.unwrap_or_default(),
            request_id: v.get("requestId").and_then(crate::json::as_code),
            fate: Fate::Unknown,
            recovery: None,
        }),
        None => Error::decode(
            Provider::Daraja,
            200,
            format!("the answer has no {what}"),
            &v.to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert!(date_dashed("d", "2024-02-29").is_ok());
        assert!(date_dashed("d", "2023-02-29").is_err());
        assert!(date_dashed("d", "2024-13-01").is_err());
        assert!(date_dashed("d", "2024-1-01").is_err());
        assert!(date_compact("d", "20241231").is_ok());
        assert!(date_compact("d", "20240431").is_err());
        assert!(date_compact("d", "2024-1-1").is_err());
        assert!(datetime_dashed("d", "2024-06-23 23:59:59").is_ok());
        assert!(datetime_dashed("d", "2024-06-23 24:00:00").is_err());
        assert!(datetime_dashed("d", "2024-06-23T10:00:00").is_err());
        assert_eq!(
            datetime_dashed("start_date", "x").unwrap_err().field(),
            Some("start_date")
        );
    }

    #[test]
    fn keys_in_any_case() {
        let m: Map<String, Value> =
            serde_json::from_str(r#"{"ResponseHeader":{"a":1},"name":"n","Name":"N"}"#).unwrap();
        assert!(get_ci(&m, "responseHeader").is_some());
        assert_eq!(text_ci(&m, "name").as_deref(), Some("n"));
        assert!(text_ci(&m, "NAME").is_some());
        assert_eq!(text_ci(&m, "missing"), None);
    }
}
