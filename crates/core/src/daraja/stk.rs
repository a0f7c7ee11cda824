//! M-Pesa Express: STK push and STK query.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::codes::{stk_outcome, Outcome};
use super::{check_response_code, required, text, Daraja};
use crate::error::{Error, Provider, Recovery, Result};
use crate::http::Safety;
use crate::journal::{Journal, JournalEntry};
use crate::{phone, validate};

/// Longest `AccountReference`.
pub const ACCOUNT_REFERENCE_MAX: usize = 12;
/// Longest `TransactionDesc`.
pub const TRANSACTION_DESC_MAX: usize = 13;

/// PayBill or Buy Goods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StkTransactionType {
    /// `CustomerPayBillOnline`: `PartyB` is the paybill (the shortcode).
    #[default]
    PayBill,
    /// `CustomerBuyGoodsOnline`: `BusinessShortCode` is the store number and `PartyB` the till.
    BuyGoods,
}

impl StkTransactionType {
    /// Daraja's name of the transaction type.
    pub fn as_daraja(self) -> &'static str {
        match self {
            StkTransactionType::PayBill => "CustomerPayBillOnline",
            StkTransactionType::BuyGoods => "CustomerBuyGoodsOnline",
        }
    }

    pub(crate) fn parse(field: &str, value: &str) -> Result<Self> {
        match value.trim() {
            "pay_bill" | "paybill" | "CustomerPayBillOnline" => Ok(StkTransactionType::PayBill),
            "buy_goods" | "till" | "CustomerBuyGoodsOnline" => Ok(StkTransactionType::BuyGoods),
            _ => Err(Error::invalid(field, "must be `pay_bill` or `buy_goods`")),
        }
    }
}

crate::request::choice!(StkTransactionType, ["pay_bill", "buy_goods"]);

/// `Password` of STK push and query: base64(shortcode + passkey + timestamp).
pub fn stk_password(shortcode: &str, passkey: &str, timestamp: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{shortcode}{passkey}{timestamp}"))
}

crate::request::request! {
    /// The state of an STK push.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StkQueryRequest {
        /// The `CheckoutRequestID` the push returned.
        pub checkout_request_id: String,
    }

    /// A payment to verify before shipping goods: its id, its raw callback, or both.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ConfirmStkPaymentRequest {
        /// The `CheckoutRequestID` the push returned.
        pub checkout_request_id: Option<String>,
        /// The raw STK callback body that claims the payment.
        pub callback: Option<String>,
    }

    /// An STK push: ask `phone` to pay `amount` KES.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StkPushRequest {
        /// The payer's phone, any accepted Kenyan form.
        pub phone: String,
        /// Whole shillings, 1 to 250 000.
        pub amount: u64,
        /// Shown to the payer; 1 to 12 characters (the paybill account number).
        pub account_reference: String,
        /// Up to 13 characters; defaults to `Payment`.
        #[serde(default)]
        pub transaction_desc: Option<String>,
        /// Where the result is POSTed; defaults to `daraja.callback_url`.
        #[serde(default)]
        pub callback_url: Option<String>,
        /// PayBill (default) or Buy Goods.
        #[serde(default)]
        pub transaction_type: StkTransactionType,
        /// The till for Buy Goods; defaults to `daraja.till_number`.
        #[serde(default)]
        pub till_number: Option<String>,
    }
}

impl StkPushRequest {
    /// A PayBill push with the default description and callback URL.
    pub fn new(
        phone: impl Into<String>,
        amount: u64,
        account_reference: impl Into<String>,
    ) -> Self {
        StkPushRequest {
            phone: phone.into(),
            amount,
            account_reference: account_reference.into(),
            transaction_desc: None,
            callback_url: None,
            transaction_type: StkTransactionType::PayBill,
            till_number: None,
        }
    }
}

/// Daraja's answer to an STK push: the prompt was sent; the result comes on the callback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StkPushResponse {
    /// Daraja's id of the request.
    pub merchant_request_id: String,
    /// The id to match the callback and to query (`ws_CO_...`).
    pub checkout_request_id: String,
    /// `"0"`: accepted for processing.
    pub response_code: String,
    /// Human-readable description.
    pub response_description: String,
    /// The message for the customer.
    pub customer_message: String,
}

/// The state of an STK push, from [`Daraja::stk_query`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StkQueryResponse {
    /// Daraja's id of the push.
    pub merchant_request_id: String,
    /// The id that was queried.
    pub checkout_request_id: String,
    /// True while the payer has not answered (Daraja's "The transaction is being
    /// processed"); `result_code` is then empty.
    pub pending: bool,
    /// The push's result code (`"0"` paid, `"1032"` cancelled...), empty while pending.
    pub result_code: String,
    /// Daraja's description of the result.
    pub result_desc: String,
    /// The named outcome of `result_code` (`other` while pending).
    pub outcome: Outcome,
    /// Where the payment stands, in the vocabulary shared by every provider.
    pub status: crate::PaymentStatus,
    /// `ResponseCode` of the query itself.
    pub response_code: String,
    /// `ResponseDescription` of the query itself.
    pub response_description: String,
}

/// The STK push body, serialised straight from borrowed fields (Daraja's field names).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StkPushBody<'a> {
    business_short_code: &'a str,
    password: &'a str,
    timestamp: &'a str,
    transaction_type: &'a str,
    amount: u64,
    party_a: &'a str,
    party_b: &'a str,
    phone_number: &'a str,
    #[serde(rename = "CallBackURL")]
    callback_url: &'a str,
    account_reference: &'a str,
    transaction_desc: &'a str,
}

impl Daraja<'_> {
    /// Sends an M-Pesa Express (STK push) prompt to the payer's phone.
    ///
    /// Checked before sending: the phone, the amount (1–250 000), `account_reference`
    /// (1–12 characters), `transaction_desc` (1–13), the callback URL (https in production),
    /// the passkey and, for Buy Goods, the till. The timestamp is Kenyan time whatever the
    /// host's timezone. Moves money: never resent once it may have reached Safaricom.
    pub fn stk_push(&self, request: &StkPushRequest) -> Result<StkPushResponse> {
        let config = self.config()?;
        let phone = phone::parse_for("phone", &request.phone)?;
        let amount = validate::amount(
            "amount",
            request.amount,
            crate::limits::STK_MIN,
            crate::limits::MPESA_MAX,
        )?;
        let reference = validate::text(
            "account_reference",
            &request.account_reference,
            1,
            ACCOUNT_REFERENCE_MAX,
        )?;
        let desc = validate::text(
            "transaction_desc",
            request.transaction_desc.as_deref().unwrap_or("Payment"),
            1,
            TRANSACTION_DESC_MAX,
        )?;
        let callback = Self::url(
            config,
            "callback_url",
            request.callback_url.as_deref(),
            &config.callback_url,
        )?;
        let party_b = match request.transaction_type {
            StkTransactionType::PayBill => config.shortcode.clone(),
            StkTransactionType::BuyGoods => {
                let till = request
                    .till_number
                    .as_deref()
                    .or(config.till_number.as_deref())
                    .ok_or_else(|| {
                        Error::invalid(
                            "till_number",
                            "is required for buy_goods (or set daraja.till_number)",
                        )
                    })?;
                super::shortcode_arg("till_number", Some(till), "")?
            }
        };
        let (timestamp, password) = self.password()?;
        let body = StkPushBody {
            business_short_code: &config.shortcode,
            password: &password,
            timestamp: &timestamp,
            transaction_type: request.transaction_type.as_daraja(),
            amount,
            party_a: phone.as_str(),
            party_b: &party_b,
            phone_number: phone.as_str(),
            callback_url: &callback,
            account_reference: reference,
            transaction_desc: desc,
        };
        let recovery = || Recovery {
            phone: Some(phone.as_str().to_string()),
            amount: Some(amount),
            shortcode: Some(config.shortcode.clone()),
            account_reference: Some(reference.to_string()),
            timestamp: Some(timestamp.clone()),
            ..Recovery::new("daraja.stk_push")
        };
        let failed = |e: Error, r: Recovery| {
            crate::journal::failed_push(self.client, Provider::Daraja, e, r)
        };
        let v = self
            .post(
                "mpesa/stkpush/v1/processrequest",
                &body,
                Safety::OnceOnly,
                "daraja.stk_push",
            )
            .map_err(|e| failed(e, recovery()))?;
        let answer = check_response_code(&v, 200).and_then(|()| {
            Ok(StkPushResponse {
                merchant_request_id: required(&v, "MerchantRequestID")?,
                checkout_request_id: required(&v, "CheckoutRequestID")?,
                response_code: text(&v, "ResponseCode").unwrap_or_default(),
                response_description: text(&v, "ResponseDescription").unwrap_or_default(),
                customer_message: text(&v, "CustomerMessage").unwrap_or_default(),
            })
        });
        match answer {
            Ok(pushed) => {
                Journal::of(self.client).issued(
                    Provider::Daraja,
                    &pushed.checkout_request_id,
                    JournalEntry {
                        operation: "daraja.stk_push".into(),
                        id: None,
                        phone: phone.as_str().to_string(),
                        amount,
                        shortcode: config.shortcode.clone(),
                        reference: reference.to_string(),
                        sent_at_ms: crate::store::now_ms(),
                        ..JournalEntry::default()
                    },
                );
                Ok(pushed)
            }
            Err(e) => {
                let mut r = recovery();
                super::answer_ids(&mut r, &v);
                Err(failed(e, r))
            }
        }
    }

    /// Asks Daraja where an STK push stands. While the payer has not answered, the answer
    /// has `pending: true` (Daraja's 500.001.1001 "being processed" is turned into that).
    pub fn stk_query(&self, checkout_request_id: &str) -> Result<StkQueryResponse> {
        let config = self.config()?;
        let id = validate::text("checkout_request_id", checkout_request_id, 1, 100)?;
        let (timestamp, password) = self.password()?;
        let body = json!({
            "BusinessShortCode": config.shortcode,
            "Password": password,
            "Timestamp": timestamp,
            "CheckoutRequestID": id,
        });
        let v = match self.post(
            "mpesa/stkpushquery/v1/query",
            &body,
            Safety::Safe,
            "daraja.stk_query",
        ) {
            Ok(v) => v,
            Err(Error::Api(e))
                if e.code.as_deref() == Some("500.001.1001")
                    && e.message.to_ascii_lowercase().contains("being processed") =>
            {
                return Ok(StkQueryResponse {
                    merchant_request_id: String::new(),
                    checkout_request_id: id.to_string(),
                    pending: true,
                    result_code: String::new(),
                    result_desc: e.message,
                    outcome: Outcome::Other,
                    status: crate::PaymentStatus::Pending,
                    response_code: String::new(),
                    response_description: String::new(),
                });
            }
            Err(e) => return Err(e),
        };
        check_response_code(&v, 200)?;
        let result_code = required(&v, "ResultCode")?;
        let answer = StkQueryResponse {
            merchant_request_id: text(&v, "MerchantRequestID").unwrap_or_default(),
            checkout_request_id: text(&v, "CheckoutRequestID").unwrap_or_else(|| id.to_string()),
            pending: false,
            outcome: stk_outcome(&result_code),
            status: crate::PaymentStatus::of_stk_code(&result_code),
            result_code,
            result_desc: text(&v, "ResultDesc").unwrap_or_default(),
            response_code: text(&v, "ResponseCode").unwrap_or_default(),
            response_description: text(&v, "ResponseDescription").unwrap_or_default(),
        };
        // A final answer settles the push in the payment journal.
        if let Some(outcome) = crate::journal::JournalOutcome::of_stk_query(&answer) {
            Journal::of(self.client).settle_quietly(Provider::Daraja, id, outcome);
        }
        Ok(answer)
    }

    /// The Kenyan timestamp and the matching password.
    fn password(&self) -> Result<(String, String)> {
        let config = self.config()?;
        let passkey = config
            .passkey
            .as_ref()
            .ok_or_else(|| Error::config("daraja.passkey", "is required for STK push and query"))?;
        let now = std::time::SystemTime::now();
        let unix_seconds = now
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut cached = self
            .client
            .inner
            .daraja
            .stk_password
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(c) = cached.as_ref().filter(|c| c.unix_seconds == unix_seconds) {
            return Ok((c.timestamp.clone(), c.password.expose().to_string()));
        }
        let timestamp = crate::kenya_time::timestamp_at(now);
        let password = stk_password(&config.shortcode, passkey.expose(), &timestamp);
        *cached = Some(super::token::StkPassword {
            unix_seconds,
            timestamp: timestamp.clone(),
            password: crate::Secret::new(password.clone()),
        });
        Ok((timestamp, password))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_matches_the_documented_form() {
        let p = stk_password(
            "174379",
            "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919",
            "20160216165627",
        );
        assert_eq!(
            p,
            "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMTYwMjE2MTY1NjI3"
        );
    }
}
