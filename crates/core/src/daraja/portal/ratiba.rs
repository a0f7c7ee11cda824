//! M-Pesa Ratiba: standing orders. Creating one asks the customer to confirm with their PIN
//! and sets up a debit mandate; the outcome is POSTed to `CallBackURL` (callback kind
//! `daraja.ratiba_callback`), with keys in whatever letter case the portal fancies.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::super::{shortcode_arg, Daraja, ResultParameter};
use super::{bad, date_compact, get_ci, not_accepted, text_ci};
use crate::error::{Error, Recovery, Result};
use crate::http::Safety;
use crate::{limits, phone, validate};

/// How often a standing order pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatibaFrequency {
    /// `1`: once.
    OneOff,
    /// `2`.
    Daily,
    /// `3`.
    Weekly,
    /// `4`.
    Monthly,
    /// `5`: every two months.
    BiMonthly,
    /// `6`.
    Quarterly,
    /// `7`.
    HalfYearly,
    /// `8`.
    Yearly,
}

impl RatibaFrequency {
    const ALL: [(RatibaFrequency, &'static str, &'static str); 8] = [
        (RatibaFrequency::OneOff, "one_off", "1"),
        (RatibaFrequency::Daily, "daily", "2"),
        (RatibaFrequency::Weekly, "weekly", "3"),
        (RatibaFrequency::Monthly, "monthly", "4"),
        (RatibaFrequency::BiMonthly, "bi_monthly", "5"),
        (RatibaFrequency::Quarterly, "quarterly", "6"),
        (RatibaFrequency::HalfYearly, "half_yearly", "7"),
        (RatibaFrequency::Yearly, "yearly", "8"),
    ];

    /// Daraja's `Frequency` code, `"1"` to `"8"`.
    pub fn as_daraja(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or("1", |(_, _, code)| code)
    }

    pub(crate) fn parse(field: &str, value: &str) -> Result<Self> {
        let v = value.trim();
        Self::ALL
            .iter()
            .find(|(_, name, code)| *name == v || *code == v)
            .map(|(f, _, _)| *f)
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    "must be `one_off`, `daily`, `weekly`, `monthly`, `bi_monthly`, `quarterly`, `half_yearly` or `yearly` (or Daraja's code 1 to 8)",
                )
            })
    }
}

crate::request::choice!(
    required RatibaFrequency,
    ["one_off", "daily", "weekly", "monthly", "bi_monthly", "quarterly", "half_yearly", "yearly"]
);

/// Whom a standing order pays: a paybill or a till.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatibaTransactionType {
    /// `Standing Order Customer Pay Bill` (the default), receiver type `4`.
    #[default]
    PayBill,
    /// `Standing Order Customer Pay Marchant` (sic), receiver type `2` (a till).
    BuyGoods,
}

impl RatibaTransactionType {
    /// Daraja's `TransactionType`.
    pub fn as_daraja(self) -> &'static str {
        match self {
            RatibaTransactionType::PayBill => "Standing Order Customer Pay Bill",
            RatibaTransactionType::BuyGoods => "Standing Order Customer Pay Marchant",
        }
    }

    /// Daraja's `ReceiverPartyIdentifierType`: `4` paybill, `2` till.
    pub fn receiver_type(self) -> &'static str {
        match self {
            RatibaTransactionType::PayBill => "4",
            RatibaTransactionType::BuyGoods => "2",
        }
    }

    pub(crate) fn parse(field: &str, value: &str) -> Result<Self> {
        match value.trim() {
            "pay_bill" | "paybill" | "Standing Order Customer Pay Bill" => {
                Ok(RatibaTransactionType::PayBill)
            }
            "buy_goods" | "till" | "Standing Order Customer Pay Marchant" => {
                Ok(RatibaTransactionType::BuyGoods)
            }
            _ => Err(Error::invalid(field, "must be `pay_bill` or `buy_goods`")),
        }
    }
}

crate::request::choice!(RatibaTransactionType, ["pay_bill", "buy_goods"]);

crate::request::request! {
    /// A standing order (M-Pesa Ratiba): the customer confirms it with their PIN.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RatibaRequest {
        /// Its name, 1 to 100 characters, unique per customer (`StandingOrderName`).
        pub standing_order_name: String,
        /// The paying customer's phone (`PartyA`).
        pub phone: String,
        /// Whole shillings per payment, 1 to 250 000.
        pub amount: u64,
        /// `one_off`, `daily`, `weekly`, `monthly`, `bi_monthly`, `quarterly`,
        /// `half_yearly` or `yearly`.
        pub frequency: RatibaFrequency,
        /// First payment date, `yyyymmdd`.
        pub start_date: String,
        /// Last payment date, `yyyymmdd`, not before `start_date`.
        pub end_date: String,
        /// Shown to the customer, 1 to 12 characters (`AccountReference`).
        pub account_reference: String,
        /// Up to 13 characters (`TransactionDesc`); defaults to `Payment`.
        #[serde(default)]
        pub transaction_desc: Option<String>,
        /// Where the outcome is POSTed (`CallBackURL`).
        pub callback_url: String,
        /// `pay_bill` (default) or `buy_goods`.
        #[serde(default)]
        pub transaction_type: RatibaTransactionType,
        /// The paybill or till paid (`BusinessShortCode`); defaults to `daraja.shortcode`
        /// (pay bill) or `daraja.till_number` (buy goods).
        #[serde(default)]
        pub shortcode: Option<String>,
    }
}

/// Daraja's answer to a standing order request (`ResponseHeader`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatibaResponse {
    /// `responseRefID`: the callback's `responseRefID`.
    pub response_ref_id: String,
    /// `"200"`: accepted for processing.
    pub response_code: String,
    /// `responseDescription`.
    pub response_description: String,
    /// `ResultDesc`.
    pub result_desc: String,
}

/// The outcome of a standing order request, POSTed to its `CallBackURL`; keys are matched
/// in any letter case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatibaCallback {
    /// `responseRefID` (as the synchronous answer gave it).
    pub response_ref_id: String,
    /// `requestRefID`, when given.
    pub request_ref_id: Option<String>,
    /// `"0"` created; an error code otherwise (`1032` cancelled, `1037` timeout, `1050`
    /// duplicate name...).
    pub response_code: String,
    /// `responseDescription`.
    pub response_description: String,
    /// `completed` (created), `cancelled`, `timeout` or `failed`.
    pub status: crate::PaymentStatus,
    /// `TransactionID` from the data, when not empty.
    pub transaction_id: Option<String>,
    /// `Status` from the data (`OKAY`, `ERROR`).
    pub result_status: Option<String>,
    /// `Msisdn` from the data (masked).
    pub msisdn: Option<String>,
    /// Every name/value pair of the data, as sent.
    pub data: Vec<ResultParameter>,
}

impl RatibaCallback {
    /// True when the standing order was created.
    pub fn is_success(&self) -> bool {
        self.response_code == "0"
    }

    /// The id redeliveries share: `responseRefID`, with the `TransactionID` when there is
    /// one (so that another payment of the same order is not taken for a redelivery).
    pub fn dedup_id(&self) -> Option<String> {
        if self.response_ref_id.is_empty() {
            return None;
        }
        Some(match &self.transaction_id {
            Some(t) => format!("{}:{t}", self.response_ref_id),
            None => self.response_ref_id.clone(),
        })
    }

    /// A data value by name (any letter case), as text.
    pub fn data_value(&self, name: &str) -> Option<String> {
        self.data
            .iter()
            .find(|p| p.key.eq_ignore_ascii_case(name))
            .and_then(|p| p.value.as_ref())
            .and_then(crate::json::as_code)
    }
}

/// The name/value pairs of a Ratiba callback's data (one object or a list).
fn data_pairs(v: Option<&Value>) -> Result<Vec<ResultParameter>> {
    let items: Vec<&Value> = match v {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(o @ Value::Object(_)) => vec![o],
        Some(_) => return Err(bad("`responseData` is neither an object nor a list")),
    };
    items
        .into_iter()
        .map(|item| {
            let obj = item
                .as_object()
                .ok_or_else(|| bad("a `responseData` item is not an object"))?;
            let key =
                text_ci(obj, "name").ok_or_else(|| bad("a `responseData` item has no `name`"))?;
            Ok(ResultParameter {
                key,
                value: get_ci(obj, "value").cloned(),
            })
        })
        .collect()
}

/// Parses the callback of a standing order request, matching keys in any letter case.
pub fn parse_ratiba_callback(body: &[u8]) -> Result<RatibaCallback> {
    let map = super::super::results::object(body)?;
    let header: &Map<String, Value> = get_ci(&map, "responseHeader")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("`responseHeader` is missing"))?;
    let response_ref_id = text_ci(header, "responseRefID")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("`responseRefID` is missing"))?;
    let response_code = text_ci(header, "responseCode")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("`responseCode` is missing"))?;
    let data = get_ci(&map, "responseBody")
        .and_then(Value::as_object)
        .and_then(|b| get_ci(b, "responseData"))
        .or_else(|| get_ci(&map, "responseData"));
    let mut callback = RatibaCallback {
        response_ref_id,
        request_ref_id: text_ci(header, "requestRefID").filter(|s| !s.is_empty()),
        response_description: text_ci(header, "responseDescription").unwrap_or_default(),
        status: crate::PaymentStatus::of_stk_code(&response_code),
        response_code,
        transaction_id: None,
        result_status: None,
        msisdn: None,
        data: data_pairs(data)?,
    };
    callback.transaction_id = callback
        .data_value("TransactionID")
        .filter(|s| !s.is_empty());
    callback.result_status = callback.data_value("Status").filter(|s| !s.is_empty());
    callback.msisdn = callback.data_value("Msisdn").filter(|s| !s.is_empty());
    Ok(callback)
}

impl Daraja<'_> {
    /// Creates a standing order (M-Pesa Ratiba): the customer is asked to confirm with their
    /// PIN, and the outcome arrives on `callback_url`.
    ///
    /// It sets up a debit mandate, so it is treated like a payment: never resent once it
    /// may have reached Safaricom. After an unknown outcome, wait for the callback (or check
    /// with the customer) before asking again; a second order of the same name is refused
    /// for that customer.
    pub fn ratiba_create(&self, request: &RatibaRequest) -> Result<RatibaResponse> {
        let config = self.config()?;
        let name = validate::text("standing_order_name", &request.standing_order_name, 1, 100)?;
        let phone = phone::parse_for("phone", &request.phone)?;
        let amount =
            validate::amount("amount", request.amount, limits::STK_MIN, limits::MPESA_MAX)?;
        let start = date_compact("start_date", &request.start_date)?;
        let end = date_compact("end_date", &request.end_date)?;
        if end < start {
            return Err(Error::invalid("end_date", "must not be before start_date"));
        }
        let reference = validate::text("account_reference", &request.account_reference, 1, 12)?;
        let desc = validate::text(
            "transaction_desc",
            request.transaction_desc.as_deref().unwrap_or("Payment"),
            1,
            13,
        )?;
        validate::callback_url(
            "callback_url",
            &request.callback_url,
            Self::allow_http(config),
        )?;
        let default_code = match request.transaction_type {
            RatibaTransactionType::PayBill => Some(config.shortcode.as_str()),
            RatibaTransactionType::BuyGoods => config.till_number.as_deref(),
        };
        let shortcode = match (request.shortcode.as_deref(), default_code) {
            (Some(s), _) => shortcode_arg("shortcode", Some(s), "")?,
            (None, Some(d)) => shortcode_arg("shortcode", Some(d), "")?,
            (None, None) => {
                return Err(Error::invalid(
                    "shortcode",
                    "is required for buy_goods (or set daraja.till_number)",
                ))
            }
        };
        let body = json!({
            "StandingOrderName": name,
            "StartDate": start,
            "EndDate": end,
            "BusinessShortCode": shortcode,
            "TransactionType": request.transaction_type.as_daraja(),
            "ReceiverPartyIdentifierType": request.transaction_type.receiver_type(),
            "Amount": amount.to_string(),
            "PartyA": phone.as_str(),
            "CallBackURL": request.callback_url.trim(),
            "AccountReference": reference,
            "TransactionDesc": desc,
            "Frequency": request.frequency.as_daraja(),
        });
        let recovery = Recovery {
            phone: Some(phone.as_str().to_string()),
            amount: Some(amount),
            shortcode: Some(shortcode.clone()),
            account_reference: Some(reference.to_string()),
            reference: Some(name.to_string()),
            ..Recovery::new("daraja.ratiba_create")
        };
        let v = self
            .post(
                "standingorder/v1/createStandingOrderExternal",
                &body,
                Safety::OnceOnly,
                "daraja.ratiba_create",
            )
            .map_err(|e| e.with_recovery(recovery.clone()))?;
        let empty = Map::new();
        let root = v.as_object().unwrap_or(&empty);
        let header = get_ci(root, "ResponseHeader")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let code = text_ci(header, "responseCode").or_else(|| {
            get_ci(root, "ResponseBody")
                .and_then(Value::as_object)
                .and_then(|b| text_ci(b, "responseCode"))
        });
        let ref_id = text_ci(header, "responseRefID").filter(|s| !s.is_empty());
        match (code.as_deref(), ref_id) {
            (Some("200"), Some(ref_id)) => Ok(RatibaResponse {
                response_ref_id: ref_id,
                response_code: "200".into(),
                response_description: text_ci(header, "responseDescription").unwrap_or_default(),
                result_desc: text_ci(header, "ResultDesc").unwrap_or_default(),
            }),
            (_, ref_id) => {
                let mut r = recovery;
                r.request_id = ref_id.or(r.request_id);
                let message = text_ci(header, "responseDescription")
                    .or_else(|| text_ci(header, "ResultDesc"));
                let code = code.filter(|c| c != "200");
                Err(not_accepted(
                    &v,
                    code,
                    message,
                    "`ResponseHeader.responseCode` and `responseRefID`",
                )
                .with_recovery(r))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_in_every_key_case() {
        let camel = br#"{"responseHeader":{"responseRefID":"r1","requestRefID":"q1","responseCode":"0","responseDescription":"ok"},"responseBody":{"responseData":[{"name":"TransactionID","value":"TQ4K7XG2MB"},{"name":"responseCode","value":"0"},{"name":"Status","value":"OKAY"},{"name":"Msisdn","value":"254******149"}]}}"#;
        let pascal = br#"{"ResponseHeader":{"ResponseRefID":"r1","RequestRefID":"q1","ResponseCode":0,"ResponseDescription":"ok"},"ResponseBody":{"ResponseData":[{"Name":"TransactionID","Value":"TQ4K7XG2MB"},{"Name":"Status","Value":"OKAY"},{"Name":"Msisdn","Value":"254******149"}]}}"#;
        let mixed = br#"{"ResponseHeader":{"responseRefID":"r1","requestRefID":"q1","responseCode":"0","responseDescription":"ok"},"responseBody":{"ResponseData":[{"Name":"TransactionID","value":"TQ4K7XG2MB"},{"Name":"Status","value":"OKAY"},{"Name":"Msisdn","value":"254******149"}]}}"#;
        for body in [&camel[..], pascal, mixed] {
            let cb = parse_ratiba_callback(body).unwrap();
            assert!(cb.is_success());
            assert_eq!(cb.response_ref_id, "r1");
            assert_eq!(cb.request_ref_id.as_deref(), Some("q1"));
            assert_eq!(cb.transaction_id.as_deref(), Some("TQ4K7XG2MB"));
            assert_eq!(cb.result_status.as_deref(), Some("OKAY"));
            assert_eq!(cb.msisdn.as_deref(), Some("254******149"));
            assert_eq!(cb.dedup_id().as_deref(), Some("r1:TQ4K7XG2MB"));
        }
        let failed = br#"{"responseHeader":{"responseRefID":"r2","responseCode":"1032","responseDescription":"cancelled"},"responseBody":{"responseData":[{"name":"TransactionID","value":""},{"name":"Status","value":"ERROR"}]}}"#;
        let cb = parse_ratiba_callback(failed).unwrap();
        assert_eq!(cb.status, crate::PaymentStatus::Cancelled);
        assert_eq!(cb.transaction_id, None);
        assert_eq!(cb.dedup_id().as_deref(), Some("r2"));
        for bad in [
            &b"{}"[..],
            br#"{"responseHeader":{}}"#,
            br#"{"responseHeader":{"responseRefID":"r"}}"#,
            br#"{"responseHeader":{"responseRefID":"r","responseCode":"0"},"responseBody":{"responseData":[1]}}"#,
            br#"{"responseHeader":{"responseRefID":"r","responseCode":"0"},"responseBody":{"responseData":[{"value":1}]}}"#,
        ] {
            assert_eq!(
                parse_ratiba_callback(bad).unwrap_err().kind(),
                "invalid_callback"
            );
        }
    }

    #[test]
    fn frequencies_by_name_or_code() {
        assert_eq!(
            RatibaFrequency::parse("f", "monthly").unwrap(),
            RatibaFrequency::Monthly
        );
        assert_eq!(
            RatibaFrequency::parse("f", "8").unwrap(),
            RatibaFrequency::Yearly
        );
        assert_eq!(RatibaFrequency::HalfYearly.as_daraja(), "7");
        assert!(RatibaFrequency::parse("f", "9").is_err());
    }
}
