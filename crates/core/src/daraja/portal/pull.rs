//! Pull Transactions: register a shortcode once, then fetch the C2B payments it received in
//! a period (the last 48 hours), every page of them.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::super::{shortcode_arg, text, Daraja};
use super::{datetime_dashed, get_ci, not_accepted, text_ci};
use crate::error::{Error, Provider, Result};
use crate::http::Safety;
use crate::{phone, validate};

/// The default bound on the pages one [`Daraja::pull_transactions`] call fetches.
pub const PULL_MAX_PAGES: u32 = 100;
/// The most pages a call may be allowed to fetch.
const PULL_PAGES_LIMIT: u32 = 10_000;

crate::request::request! {
    /// Registers a shortcode for Pull Transactions (once per shortcode).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PullRegisterRequest {
        /// The shortcode; defaults to `daraja.shortcode`.
        #[serde(default)]
        pub shortcode: Option<String>,
        /// The phone on the shortcode's KYC (`NominatedNumber`).
        pub nominated_number: String,
        /// The URL Safaricom records with the registration (`CallBackURL`).
        pub callback_url: String,
    }

    /// The C2B payments a shortcode received in a period, every page of them.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PullTransactionsRequest {
        /// The shortcode; defaults to `daraja.shortcode`.
        #[serde(default)]
        pub shortcode: Option<String>,
        /// `YYYY-MM-DD HH:mm:ss`, Kenyan time; defaults to 48 hours before now.
        #[serde(default)]
        pub start_date: Option<String>,
        /// `YYYY-MM-DD HH:mm:ss`, Kenyan time; defaults to now.
        #[serde(default)]
        pub end_date: Option<String>,
        /// The most pages to fetch (1 to 10 000; default 100): a guard against a provider
        /// that never ends. When reached, the result says `complete: false`.
        #[serde(default)]
        pub max_pages: Option<u32>,
    }
}

/// Daraja's answer to a Pull Transactions registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRegisterResponse {
    /// `ResponseRefID`.
    pub response_ref_id: String,
    /// `"1000"` registered, `"1001"` already registered.
    pub response_status: String,
    /// True when the shortcode was registered before (`"1001"`).
    pub already_registered: bool,
    /// `ShortCode`.
    pub short_code: String,
    /// `ResponseDescription`.
    pub response_description: String,
}

/// One C2B payment, as Pull Transactions lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullTransaction {
    /// The M-Pesa receipt (`transactionId`).
    pub transaction_id: String,
    /// `trxDate` as sent (e.g. `2020-08-05T10:13:00Z`).
    pub trx_date: String,
    /// The payer (`msisdn`), as text.
    pub msisdn: String,
    /// `transactiontype` (e.g. `c2b-pay-bill-debit`).
    pub transaction_type: String,
    /// The account number the payer typed (`billreference`).
    pub bill_reference: String,
    /// `amount`, in KES.
    pub amount: Option<f64>,
    /// `organizationname`.
    pub organization_name: String,
}

/// Every C2B payment of a period, gathered page by page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullTransactions {
    /// The shortcode asked about.
    pub shortcode: String,
    /// The period's start, as sent.
    pub start_date: String,
    /// The period's end, as sent.
    pub end_date: String,
    /// Every payment, in the provider's order, each once.
    pub transactions: Vec<PullTransaction>,
    /// How many pages were fetched.
    pub pages: u32,
    /// True when the last page was reached (a short or empty page); false when
    /// `max_pages` ran out first, or the provider repeated a page: ask again for the rest.
    pub complete: bool,
}

/// `YYYYMMDDHHmmss` (Kenyan time) as `YYYY-MM-DD HH:mm:ss`.
fn dashed(compact: &str) -> String {
    format!(
        "{}-{}-{} {}:{}:{}",
        &compact[0..4],
        &compact[4..6],
        &compact[6..8],
        &compact[8..10],
        &compact[10..12],
        &compact[12..14]
    )
}

/// The rows of one page: a list under `Response` (what integrations read) or
/// `Transaction` (the portal's empty case, `"[[]]"`, a list in a string); nested lists are
/// flattened.
fn rows_of(v: &Value) -> Result<Option<Vec<PullTransaction>>> {
    let Some(map) = v.as_object() else {
        return Ok(None);
    };
    let list = ["Response", "Transaction", "Transactions"]
        .iter()
        .find_map(|k| get_ci(map, k));
    let Some(list) = list else {
        return Ok(None);
    };
    let parsed;
    let list = match list {
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s).map_err(|_| undecodable(v))?;
            &parsed
        }
        other => other,
    };
    let Value::Array(items) = list else {
        return Err(undecodable(v));
    };
    let mut rows = Vec::new();
    let mut push = |item: &Value| -> Result<()> {
        let row = item.as_object().ok_or_else(|| undecodable(v))?;
        rows.push(row_of(row).ok_or_else(|| undecodable(v))?);
        Ok(())
    };
    for item in items {
        match item {
            Value::Array(inner) => inner.iter().try_for_each(&mut push)?,
            other => push(other)?,
        }
    }
    Ok(Some(rows))
}

fn row_of(row: &Map<String, Value>) -> Option<PullTransaction> {
    let s = |k: &str| text_ci(row, k).unwrap_or_default();
    Some(PullTransaction {
        transaction_id: text_ci(row, "transactionId").filter(|t| !t.is_empty())?,
        trx_date: s("trxDate"),
        msisdn: s("msisdn"),
        transaction_type: s("transactiontype"),
        bill_reference: s("billreference"),
        amount: get_ci(row, "amount").and_then(crate::json::as_f64),
        organization_name: s("organizationname"),
    })
}

fn undecodable(v: &Value) -> Error {
    Error::decode(
        Provider::Daraja,
        200,
        "the transactions list is not a list of transactions with a `transactionId`",
        &v.to_string(),
    )
}

impl Daraja<'_> {
    /// Registers a shortcode for Pull Transactions. Registering again is harmless: the
    /// answer says `already_registered`.
    pub fn pull_register(&self, request: &PullRegisterRequest) -> Result<PullRegisterResponse> {
        let config = self.config()?;
        let shortcode =
            shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let nominated = phone::parse_for("nominated_number", &request.nominated_number)?;
        validate::callback_url(
            "callback_url",
            &request.callback_url,
            Self::allow_http(config),
        )?;
        let body = json!({
            "ShortCode": shortcode,
            "RequestType": "Pull",
            "NominatedNumber": nominated.as_str(),
            "CallBackURL": request.callback_url.trim(),
        });
        let v = self.post(
            "pulltransactions/v1/register",
            &body,
            Safety::Safe,
            "daraja.pull_register",
        )?;
        let status = text(&v, "ResponseStatus").or_else(|| text(&v, "ResponseCode"));
        match status.as_deref() {
            Some(s @ ("1000" | "1001")) => Ok(PullRegisterResponse {
                response_ref_id: text(&v, "ResponseRefID").unwrap_or_default(),
                already_registered: s == "1001",
                response_status: s.to_string(),
                short_code: text(&v, "ShortCode").unwrap_or(shortcode),
                response_description: text(&v, "ResponseDescription").unwrap_or_default(),
            }),
            _ => Err(not_accepted(
                &v,
                status,
                text(&v, "ResponseDescription"),
                "`ResponseStatus`",
            )),
        }
    }

    /// Every C2B payment the shortcode received between `start_date` and `end_date`: the
    /// pages are followed (`OffSetValue` 0, then the rows received so far) until a short or
    /// empty page (`ResponseCode` 1001: nothing more), at most `max_pages` of them.
    pub fn pull_transactions(&self, request: &PullTransactionsRequest) -> Result<PullTransactions> {
        let config = self.config()?;
        let shortcode =
            shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let now = SystemTime::now();
        let start = match request.start_date.as_deref() {
            Some(s) => datetime_dashed("start_date", s)?.to_string(),
            None => dashed(&crate::kenya_time::timestamp_at(
                now - Duration::from_secs(48 * 3600),
            )),
        };
        let end = match request.end_date.as_deref() {
            Some(s) => datetime_dashed("end_date", s)?.to_string(),
            None => dashed(&crate::kenya_time::timestamp_at(now)),
        };
        if end < start {
            return Err(Error::invalid("end_date", "must not be before start_date"));
        }
        let max_pages = request.max_pages.unwrap_or(PULL_MAX_PAGES);
        if !(1..=PULL_PAGES_LIMIT).contains(&max_pages) {
            return Err(Error::invalid(
                "max_pages",
                format!("must be 1 to {PULL_PAGES_LIMIT}"),
            ));
        }
        let mut result = PullTransactions {
            shortcode,
            start_date: start,
            end_date: end,
            transactions: Vec::new(),
            pages: 0,
            complete: false,
        };
        let mut seen: HashSet<String> = HashSet::new();
        let mut offset: usize = 0;
        let mut largest: usize = 0;
        while result.pages < max_pages {
            let body = json!({
                "ShortCode": result.shortcode,
                "StartDate": result.start_date,
                "EndDate": result.end_date,
                "OffSetValue": offset.to_string(),
            });
            let v = self.post(
                "pulltransactions/v1/query",
                &body,
                Safety::Safe,
                "daraja.pull_transactions",
            )?;
            result.pages += 1;
            let code = text(&v, "ResponseCode");
            let rows = match code.as_deref() {
                // Nothing (more) in the period.
                Some("1001") => {
                    result.complete = true;
                    break;
                }
                Some("1000") => rows_of(&v)?.ok_or_else(|| {
                    Error::decode(
                        Provider::Daraja,
                        200,
                        "the answer has no transactions list",
                        &v.to_string(),
                    )
                })?,
                _ => {
                    return Err(not_accepted(
                        &v,
                        code,
                        text(&v, "ResponseMessage"),
                        "`ResponseCode`",
                    ))
                }
            };
            if rows.is_empty() {
                result.complete = true;
                break;
            }
            let count = rows.len();
            let before = result.transactions.len();
            result.transactions.extend(
                rows.into_iter()
                    .filter(|r| seen.insert(r.transaction_id.clone())),
            );
            if result.transactions.len() == before {
                // The provider sent a page already seen: following it would loop.
                log::warn!(
                    "tuma: daraja.pull_transactions: a page repeated earlier rows; stopping"
                );
                break;
            }
            offset += count;
            largest = largest.max(count);
            if count < largest {
                result.complete = true;
                break;
            }
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_in_every_documented_shape() {
        let flat = json!({"ResponseCode": "1000", "Response": [{"transactionId": "A1", "trxDate": "2020-08-05T10:13:00Z", "msisdn": 254708374149u64, "transactiontype": "c2b-pay-bill-debit", "billreference": "X", "amount": "10.00", "organizationname": "Org"}]});
        let rows = rows_of(&flat).unwrap().unwrap();
        assert_eq!(rows[0].msisdn, "254708374149");
        assert_eq!(rows[0].amount, Some(10.0));
        let nested = json!({"Response": [[{"transactionId": "A1"}, {"transactionId": "A2"}]]});
        assert_eq!(rows_of(&nested).unwrap().unwrap().len(), 2);
        let portal_empty = json!({"ResponseCode": "1001", "Transaction": "[[]]"});
        assert!(rows_of(&portal_empty).unwrap().unwrap().is_empty());
        assert!(rows_of(&json!({"ResponseCode": "1000"})).unwrap().is_none());
        assert!(rows_of(&json!({"Response": [{"amount": 1}]})).is_err());
        assert!(rows_of(&json!({"Response": "nope"})).is_err());
        assert_eq!(dashed("20240623153045"), "2024-06-23 15:30:45");
    }
}
