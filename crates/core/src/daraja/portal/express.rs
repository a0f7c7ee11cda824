//! B2B Express Checkout (USSD push to till): a vendor prompts a merchant's nominated
//! operator to pay from the merchant's till into the vendor's paybill. The outcome is
//! POSTed to the request's `callbackUrl` (callback kind `daraja.b2b_express_callback`).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::super::{shortcode_arg, Daraja};
use super::{bad, not_accepted};
use crate::error::{Recovery, Result};
use crate::http::Safety;
use crate::json::{as_code, as_f64};
use crate::{limits, validate};

crate::request::request! {
    /// A B2B Express Checkout: prompts the merchant's operator to pay the vendor's paybill.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct B2bExpressCheckoutRequest {
        /// The merchant's till that pays (`primaryShortCode`).
        pub primary_short_code: String,
        /// The vendor's paybill that is paid (`receiverShortCode`); defaults to
        /// `daraja.shortcode`.
        #[serde(default)]
        pub receiver_short_code: Option<String>,
        /// Whole shillings.
        pub amount: u64,
        /// The payment's reference, 1 to 100 characters (`paymentRef`).
        pub payment_ref: String,
        /// Where the outcome is POSTed (`callbackUrl`).
        pub callback_url: String,
        /// The vendor's name shown in the prompt, 1 to 100 characters (`partnerName`).
        pub partner_name: String,
        /// Your unique id of this request (`RequestRefID`, the callback's `requestId`);
        /// generated when absent. Keep it to match the callback.
        #[serde(default)]
        pub request_ref_id: Option<String>,
    }
}

/// Daraja's acknowledgement of a B2B Express Checkout, with the `RequestRefID` sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct B2bExpressCheckoutResponse {
    /// The id this request was sent with (yours or generated): the callback's `requestId`.
    pub request_ref_id: String,
    /// `"0"`: the USSD prompt was initiated.
    pub code: String,
    /// `USSD Initiated Successfully`.
    pub status: String,
}

/// The outcome of a B2B Express Checkout, POSTed to its `callbackUrl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct B2bExpressCallback {
    /// `"0"` paid, `"4001"` cancelled by the operator, other codes failed.
    pub result_code: String,
    /// Daraja's description.
    pub result_desc: String,
    /// The `RequestRefID` of the request (`requestId`): match it to your order.
    pub request_id: String,
    /// `amount` (sent as a string such as `"71.0"`).
    pub amount: Option<f64>,
    /// `completed`, `cancelled` or `failed`, in the vocabulary shared by every provider.
    pub status: crate::PaymentStatus,
    /// The M-Pesa receipt (`transactionId`, success only).
    pub transaction_id: Option<String>,
    /// `conversationID` (success only).
    pub conversation_id: Option<String>,
    /// `resultType` (success only).
    pub result_type: Option<String>,
    /// Daraja's `status` text (`SUCCESS`), when given.
    pub status_text: Option<String>,
    /// `paymentReference` (on cancellation).
    pub payment_reference: Option<String>,
}

impl B2bExpressCallback {
    /// True when the merchant paid.
    pub fn is_success(&self) -> bool {
        self.result_code == "0"
    }

    /// The id redeliveries share: `requestId` (the request's unique `RequestRefID`).
    pub fn dedup_id(&self) -> Option<String> {
        Some(self.request_id.clone()).filter(|id| !id.is_empty())
    }
}

/// Parses the callback of a B2B Express Checkout.
pub fn parse_b2b_express_callback(body: &[u8]) -> Result<B2bExpressCallback> {
    let map = super::super::results::object(body)?;
    let get = |key: &str| {
        map.get(key)
            .filter(|v| !v.is_null())
            .and_then(as_code)
            .filter(|s| !s.is_empty())
    };
    let result_code = match map.get("resultCode") {
        None | Some(Value::Null) => return Err(bad("`resultCode` is missing")),
        Some(v) => as_code(v)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| bad("`resultCode` is not a code"))?,
    };
    let request_id = get("requestId").ok_or_else(|| bad("`requestId` is missing"))?;
    let transaction_id = get("transactionId");
    if result_code == "0" && transaction_id.is_none() {
        return Err(bad(
            "a successful B2B Express Checkout callback has no `transactionId`",
        ));
    }
    let status = match result_code.as_str() {
        "0" => crate::PaymentStatus::Completed,
        "4001" => crate::PaymentStatus::Cancelled,
        _ => crate::PaymentStatus::Failed,
    };
    Ok(B2bExpressCallback {
        result_desc: get("resultDesc").unwrap_or_default(),
        request_id,
        amount: map.get("amount").and_then(as_f64),
        status,
        transaction_id,
        conversation_id: get("conversationID").or_else(|| get("conversationId")),
        result_type: get("resultType"),
        status_text: get("status"),
        payment_reference: get("paymentReference"),
        result_code,
    })
}

impl Daraja<'_> {
    /// Prompts a merchant's nominated operator (USSD) to pay `amount` from the merchant's
    /// till into the vendor's paybill. The outcome arrives on `callback_url`.
    ///
    /// Moves money: never resent once it may have reached Safaricom. After an unknown
    /// outcome, wait for the callback matching `recovery.request_id` (the `RequestRefID`).
    pub fn b2b_express_checkout(
        &self,
        request: &B2bExpressCheckoutRequest,
    ) -> Result<B2bExpressCheckoutResponse> {
        let config = self.config()?;
        let primary = shortcode_arg("primary_short_code", Some(&request.primary_short_code), "")?;
        let receiver = shortcode_arg(
            "receiver_short_code",
            request.receiver_short_code.as_deref(),
            &config.shortcode,
        )?;
        let amount = validate::amount("amount", request.amount, 1, limits::BUSINESS_MAX)?;
        let payment_ref = validate::text("payment_ref", &request.payment_ref, 1, 100)?;
        validate::callback_url(
            "callback_url",
            &request.callback_url,
            Self::allow_http(config),
        )?;
        let partner = validate::text("partner_name", &request.partner_name, 1, 100)?;
        let request_ref = match request.request_ref_id.as_deref() {
            Some(id) => validate::text("request_ref_id", id, 1, 100)?.to_string(),
            None => super::super::new_originator_conversation_id(),
        };
        let body = json!({
            "primaryShortCode": primary,
            "receiverShortCode": receiver,
            "amount": amount.to_string(),
            "paymentRef": payment_ref,
            "callbackUrl": request.callback_url.trim(),
            "partnerName": partner,
            "RequestRefID": request_ref,
        });
        let recovery = Recovery {
            amount: Some(amount),
            shortcode: Some(primary.clone()),
            receiver: Some(receiver.clone()),
            account_reference: Some(payment_ref.to_string()),
            request_id: Some(request_ref.clone()),
            ..Recovery::new("daraja.b2b_express_checkout")
        };
        let v = self
            .post(
                "v1/ussdpush/get-msisdn",
                &body,
                Safety::OnceOnly,
                "daraja.b2b_express_checkout",
            )
            .map_err(|e| e.with_recovery(recovery.clone()))?;
        let code = v.get("code").and_then(as_code);
        let status = v.get("status").and_then(as_code);
        match code.as_deref() {
            Some(c) if !c.is_empty() && c.bytes().all(|b| b == b'0') => {
                Ok(B2bExpressCheckoutResponse {
                    request_ref_id: request_ref,
                    code: c.to_string(),
                    status: status.unwrap_or_default(),
                })
            }
            _ => Err(not_accepted(&v, code, status, "`code`").with_recovery(recovery)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_of_both_shapes() {
        let ok = br#"{"resultCode":"0","resultDesc":"The service request is processed successfully.","amount":"71.0","requestId":"404e1aec-19e0-4ce3-973d-bd92e94c8021","resultType":"0","conversationID":"AG_20230426_2010434680d9f5a73766","transactionId":"RDQ01NFT1Q","status":"SUCCESS"}"#;
        let cb = parse_b2b_express_callback(ok).unwrap();
        assert!(cb.is_success());
        assert_eq!(cb.amount, Some(71.0));
        assert_eq!(cb.transaction_id.as_deref(), Some("RDQ01NFT1Q"));
        assert_eq!(cb.status, crate::PaymentStatus::Completed);
        assert_eq!(
            cb.dedup_id().as_deref(),
            Some("404e1aec-19e0-4ce3-973d-bd92e94c8021")
        );
        let cancelled = br#"{"resultCode":4001,"resultDesc":"User cancelled transaction","requestId":"c8e3b0ea","amount":"71.0","paymentReference":"MAndbubry3hi"}"#;
        let cb = parse_b2b_express_callback(cancelled).unwrap();
        assert_eq!(cb.status, crate::PaymentStatus::Cancelled);
        assert_eq!(cb.payment_reference.as_deref(), Some("MAndbubry3hi"));
        for bad in [
            &b"{}"[..],
            br#"{"resultCode":"0"}"#,
            br#"{"resultCode":"0","requestId":"r"}"#,
            br#"{"resultCode":{},"requestId":"r"}"#,
            b"[]",
        ] {
            assert_eq!(
                parse_b2b_express_callback(bad).unwrap_err().kind(),
                "invalid_callback"
            );
        }
    }
}
