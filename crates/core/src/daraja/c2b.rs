//! C2B: URL registration, simulation (sandbox), and the validation and confirmation
//! requests M-Pesa POSTs, with the replies to send back.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::config::Environment;
use super::{check_response_code, text, Daraja};
use crate::error::{Error, Provider, Result};
use crate::http::Safety;
use crate::{phone, validate};

/// Words Daraja refuses anywhere in C2B URLs, in any letter case.
pub const FORBIDDEN_URL_WORDS: &[&str] = &[
    "m-pesa",
    "mpesa",
    "safaricom",
    "exe",
    "exec",
    "cmd",
    "sql",
    "query",
    "ngrok",
    "mockbin",
    "requestbin",
];

/// What M-Pesa does when the validation URL does not answer in time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum C2bResponseType {
    /// Complete the payment.
    #[default]
    Completed,
    /// Cancel the payment.
    Cancelled,
}

impl C2bResponseType {
    pub(crate) fn parse(field: &str, value: &str) -> Result<Self> {
        match value.trim() {
            "Completed" | "completed" => Ok(C2bResponseType::Completed),
            "Cancelled" | "cancelled" => Ok(C2bResponseType::Cancelled),
            _ => Err(Error::invalid(field, "must be `Completed` or `Cancelled`")),
        }
    }
    fn as_daraja(self) -> &'static str {
        match self {
            C2bResponseType::Completed => "Completed",
            C2bResponseType::Cancelled => "Cancelled",
        }
    }
}

crate::request::choice!(C2bResponseType, ["Completed", "Cancelled"]);

crate::request::request! {
    /// Registration of the C2B confirmation and validation URLs (v2).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct C2bRegisterRequest {
        /// The shortcode; defaults to `daraja.shortcode`.
        #[serde(default)]
        pub shortcode: Option<String>,
        /// What to do when the validation URL does not answer (default `Completed`).
        #[serde(default)]
        pub response_type: C2bResponseType,
        /// Where confirmations are POSTed.
        pub confirmation_url: String,
        /// Where validation requests are POSTed (only when Safaricom enabled external validation).
        pub validation_url: String,
    }
}

/// Daraja's answer to a URL registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct C2bRegisterResponse {
    /// Daraja's id of the request (`OriginatorCoversationID`, sic).
    pub originator_conversation_id: String,
    /// `"0"` on success.
    pub response_code: String,
    /// Human-readable description.
    pub response_description: String,
}

/// Pay Bill or Buy Goods, for a simulated C2B payment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum C2bCommand {
    /// `CustomerPayBillOnline`.
    #[default]
    PayBill,
    /// `CustomerBuyGoodsOnline`.
    BuyGoods,
}

impl C2bCommand {
    pub(crate) fn parse(field: &str, value: &str) -> Result<Self> {
        match value.trim() {
            "pay_bill" | "CustomerPayBillOnline" => Ok(C2bCommand::PayBill),
            "buy_goods" | "CustomerBuyGoodsOnline" => Ok(C2bCommand::BuyGoods),
            _ => Err(Error::invalid(field, "must be `pay_bill` or `buy_goods`")),
        }
    }
}

crate::request::choice!(C2bCommand, ["pay_bill", "buy_goods"]);

crate::request::request! {
    /// A simulated customer payment (sandbox only).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct C2bSimulateRequest {
        /// The shortcode paid; defaults to `daraja.shortcode`.
        #[serde(default)]
        pub shortcode: Option<String>,
        /// Pay Bill (default) or Buy Goods.
        #[serde(default)]
        pub command_id: C2bCommand,
        /// Whole shillings, 1 to 250 000.
        pub amount: u64,
        /// The paying phone.
        pub phone: String,
        /// The account number (Pay Bill), up to 20 characters.
        #[serde(default)]
        pub bill_ref_number: Option<String>,
    }
}

/// A C2B validation or confirmation request POSTed by M-Pesa.
///
/// `msisdn` is opaque: a SHA-256 hash (URLs registered with v1), a masked number
/// (`2547 ***** 126`, v2) or a plain number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct C2bPayment {
    /// `Pay Bill` or `Buy Goods`.
    pub transaction_type: String,
    /// The M-Pesa receipt (`TransID`).
    pub trans_id: String,
    /// `YYYYMMDDHHmmss`, Kenyan time.
    pub trans_time: String,
    /// The amount, in KES.
    pub trans_amount: f64,
    /// The shortcode paid.
    pub business_short_code: String,
    /// The account number typed by the payer (Pay Bill).
    pub bill_ref_number: String,
    /// Invoice number, often empty.
    pub invoice_number: String,
    /// The organisation's new balance (confirmation only; empty in validation).
    pub org_account_balance: String,
    /// Your id given in the validation reply, echoed in the confirmation.
    pub third_party_trans_id: String,
    /// The payer's number: hashed, masked or plain.
    pub msisdn: String,
    /// Payer's first name (may be empty).
    pub first_name: String,
    /// Payer's middle name (may be empty).
    pub middle_name: String,
    /// Payer's last name (may be empty).
    pub last_name: String,
}

/// Why a C2B payment is refused in the validation reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum C2bRejection {
    /// C2B00011: invalid MSISDN.
    InvalidMsisdn,
    /// C2B00012: invalid account number.
    InvalidAccountNumber,
    /// C2B00013: invalid amount.
    InvalidAmount,
    /// C2B00014: invalid KYC details.
    InvalidKyc,
    /// C2B00015: invalid shortcode.
    InvalidShortcode,
    /// C2B00016: other error.
    Other,
}

impl C2bRejection {
    /// The documented code, `C2B00011` to `C2B00016`.
    pub fn code(self) -> &'static str {
        match self {
            C2bRejection::InvalidMsisdn => "C2B00011",
            C2bRejection::InvalidAccountNumber => "C2B00012",
            C2bRejection::InvalidAmount => "C2B00013",
            C2bRejection::InvalidKyc => "C2B00014",
            C2bRejection::InvalidShortcode => "C2B00015",
            C2bRejection::Other => "C2B00016",
        }
    }

    /// Parses a code (`C2B00012`) or a name (`invalid_account_number`).
    pub fn parse(value: &str) -> Option<Self> {
        use C2bRejection::*;
        [
            InvalidMsisdn,
            InvalidAccountNumber,
            InvalidAmount,
            InvalidKyc,
            InvalidShortcode,
            Other,
        ]
        .into_iter()
        .find(|r| {
            r.code().eq_ignore_ascii_case(value.trim())
                || serde_json::to_value(r)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    == Some(value.trim().to_string())
        })
    }
}

/// The validation reply that accepts the payment: `{"ResultCode": "0", "ResultDesc":
/// "Accepted"}`, with your own `ThirdPartyTransID` when given (it comes back in the
/// confirmation).
pub fn c2b_accept(third_party_trans_id: Option<&str>) -> Value {
    let mut v = json!({"ResultCode": "0", "ResultDesc": "Accepted"});
    if let Some(id) = third_party_trans_id.filter(|s| !s.is_empty()) {
        v["ThirdPartyTransID"] = Value::String(id.to_string());
    }
    v
}

/// The validation reply that refuses the payment: `{"ResultCode": "C2B000xx", "ResultDesc":
/// "Rejected"}`.
pub fn c2b_reject(reason: C2bRejection) -> Value {
    json!({"ResultCode": reason.code(), "ResultDesc": "Rejected"})
}

/// The acknowledgement of a confirmation: `{"ResultCode": 0, "ResultDesc": "Success"}`.
pub fn c2b_confirmation_ack() -> Value {
    json!({"ResultCode": 0, "ResultDesc": "Success"})
}

/// Parses a C2B validation request.
pub fn parse_c2b_validation(body: &[u8]) -> Result<C2bPayment> {
    parse_payment(body)
}

/// Parses a C2B confirmation request.
pub fn parse_c2b_confirmation(body: &[u8]) -> Result<C2bPayment> {
    parse_payment(body)
}

fn parse_payment(body: &[u8]) -> Result<C2bPayment> {
    let map = super::results::object(body)?;
    let get = |k: &str| -> String {
        map.get(k)
            .and_then(crate::json::as_code)
            .unwrap_or_default()
    };
    let need = |k: &str| -> Result<String> {
        let v = get(k);
        if v.is_empty() {
            Err(Error::callback(
                Provider::Daraja,
                format!("`{k}` is missing"),
            ))
        } else {
            Ok(v)
        }
    };
    let trans_id = need("TransID")?;
    let amount_text = need("TransAmount")?;
    let trans_amount = crate::json::as_f64(map.get("TransAmount").unwrap_or(&Value::Null))
        .filter(|a| *a >= 0.0)
        .ok_or_else(|| {
            Error::callback(
                Provider::Daraja,
                format!("`TransAmount` is not an amount: {amount_text:?}"),
            )
        })?;
    let business_short_code = need("BusinessShortCode")?;
    Ok(C2bPayment {
        transaction_type: get("TransactionType"),
        trans_id,
        trans_time: get("TransTime"),
        trans_amount,
        business_short_code,
        bill_ref_number: get("BillRefNumber"),
        invoice_number: get("InvoiceNumber"),
        org_account_balance: get("OrgAccountBalance"),
        third_party_trans_id: get("ThirdPartyTransID"),
        msisdn: get("MSISDN"),
        first_name: get("FirstName"),
        middle_name: get("MiddleName"),
        last_name: get("LastName"),
    })
}

fn c2b_url(field: &str, url: &str, allow_http: bool) -> Result<String> {
    validate::callback_url(field, url, allow_http)?;
    let lower = url.to_ascii_lowercase();
    if let Some(word) = FORBIDDEN_URL_WORDS.iter().find(|w| lower.contains(*w)) {
        return Err(Error::invalid(
            field,
            format!("must not contain `{word}` (Daraja refuses it in C2B URLs)"),
        ));
    }
    Ok(url.trim().to_string())
}

impl Daraja<'_> {
    /// Registers the C2B confirmation and validation URLs (v2: M-Pesa then sends masked
    /// phone numbers). In production this works once per shortcode.
    pub fn c2b_register_urls(&self, request: &C2bRegisterRequest) -> Result<C2bRegisterResponse> {
        let config = self.config()?;
        let shortcode =
            super::shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let allow_http = config.environment != Environment::Production;
        let confirmation = c2b_url("confirmation_url", &request.confirmation_url, allow_http)?;
        let validation = c2b_url("validation_url", &request.validation_url, allow_http)?;
        let body = json!({
            "ShortCode": shortcode,
            "ResponseType": request.response_type.as_daraja(),
            "ConfirmationURL": confirmation,
            "ValidationURL": validation,
        });
        let v = self.post(
            "mpesa/c2b/v2/registerurl",
            &body,
            Safety::Safe,
            "daraja.c2b_register_urls",
        )?;
        check_response_code(&v, 200)?;
        Ok(C2bRegisterResponse {
            originator_conversation_id: text(&v, "OriginatorCoversationID")
                .or_else(|| text(&v, "OriginatorConversationID"))
                .unwrap_or_default(),
            response_code: text(&v, "ResponseCode").unwrap_or_default(),
            response_description: text(&v, "ResponseDescription").unwrap_or_default(),
        })
    }

    /// Simulates a customer paying the shortcode (sandbox only: refused in production).
    /// The validation and confirmation requests then arrive on the registered URLs.
    pub fn c2b_simulate(&self, request: &C2bSimulateRequest) -> Result<C2bRegisterResponse> {
        let config = self.config()?;
        if config.environment == Environment::Production {
            return Err(Error::invalid(
                "c2b_simulate",
                "is available only in the sandbox environment; in production the customer pays from the phone",
            ));
        }
        let shortcode =
            super::shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let amount = validate::amount(
            "amount",
            request.amount,
            crate::limits::STK_MIN,
            crate::limits::MPESA_MAX,
        )?;
        let phone = phone::parse_for("phone", &request.phone)?;
        let bill_ref = match (&request.command_id, request.bill_ref_number.as_deref()) {
            (C2bCommand::PayBill, None) => {
                return Err(Error::invalid(
                    "bill_ref_number",
                    "is required for pay_bill",
                ))
            }
            (_, Some(r)) => Value::String(validate::text("bill_ref_number", r, 0, 20)?.into()),
            (C2bCommand::BuyGoods, None) => Value::Null,
        };
        let mut body = Map::new();
        body.insert("ShortCode".into(), shortcode.into());
        body.insert(
            "CommandID".into(),
            match request.command_id {
                C2bCommand::PayBill => "CustomerPayBillOnline",
                C2bCommand::BuyGoods => "CustomerBuyGoodsOnline",
            }
            .into(),
        );
        body.insert("Amount".into(), amount.into());
        body.insert("Msisdn".into(), phone.as_str().into());
        if !bill_ref.is_null() {
            body.insert("BillRefNumber".into(), bill_ref);
        }
        let v = self.post(
            "mpesa/c2b/v2/simulate",
            &Value::Object(body),
            Safety::OnceOnly,
            "daraja.c2b_simulate",
        )?;
        check_response_code(&v, 200)?;
        Ok(C2bRegisterResponse {
            originator_conversation_id: text(&v, "OriginatorCoversationID")
                .or_else(|| text(&v, "OriginatorConversationID"))
                .unwrap_or_default(),
            response_code: text(&v, "ResponseCode").unwrap_or_default(),
            response_description: text(&v, "ResponseDescription").unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_payments_and_builds_replies() {
        let body = br#"{"TransactionType":"Pay Bill","TransID":"RKTQDM7W6S","TransTime":"20191122063845","TransAmount":"10","BusinessShortCode":"600638","BillRefNumber":"invoice008","InvoiceNumber":"","OrgAccountBalance":"","ThirdPartyTransID":"","MSISDN":"2547 ***** 126","FirstName":"John","MiddleName":"","LastName":"Doe"}"#;
        let p = parse_c2b_validation(body).unwrap();
        assert_eq!(p.trans_id, "RKTQDM7W6S");
        assert_eq!(p.trans_amount, 10.0);
        assert_eq!(p.msisdn, "2547 ***** 126");
        let p = parse_c2b_confirmation(
            br#"{"TransID":"X1","TransAmount":5.00,"BusinessShortCode":600638,"MSISDN":254708374149}"#,
        )
        .unwrap();
        assert_eq!(p.business_short_code, "600638");
        assert_eq!(p.msisdn, "254708374149");
        for bad in [
            &b"not json"[..],
            b"[]",
            br#"{"TransAmount":"10","BusinessShortCode":"600638"}"#,
            br#"{"TransID":"X","TransAmount":"ten","BusinessShortCode":"600638"}"#,
            br#"{"TransID":"X","TransAmount":"10"}"#,
        ] {
            assert_eq!(
                parse_c2b_validation(bad).unwrap_err().kind(),
                "invalid_callback"
            );
        }
        assert_eq!(
            c2b_accept(None),
            json!({"ResultCode": "0", "ResultDesc": "Accepted"})
        );
        assert_eq!(c2b_accept(Some("my-1"))["ThirdPartyTransID"], "my-1");
        assert_eq!(
            c2b_reject(C2bRejection::InvalidAccountNumber),
            json!({"ResultCode": "C2B00012", "ResultDesc": "Rejected"})
        );
        assert_eq!(c2b_confirmation_ack()["ResultCode"], 0);
        assert_eq!(C2bRejection::parse("C2B00016"), Some(C2bRejection::Other));
        assert_eq!(
            C2bRejection::parse("invalid_kyc"),
            Some(C2bRejection::InvalidKyc)
        );
        assert_eq!(C2bRejection::parse("nope"), None);
    }

    #[test]
    fn c2b_url_words() {
        assert!(c2b_url("u", "https://shop.example/c2b/confirm", false).is_ok());
        assert!(c2b_url("u", "https://shop.example/MPesa/confirm", false).is_err());
        assert!(c2b_url("u", "https://abc.ngrok.io/confirm", false).is_err());
        assert!(c2b_url("u", "http://shop.example/confirm", false).is_err());
        assert!(c2b_url("u", "http://shop.example/confirm", true).is_ok());
    }
}
