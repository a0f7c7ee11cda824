//! B2B: pay a paybill or a till from the business shortcode.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Daraja, InitiatorResponse};
use crate::error::{Error, Result};
use crate::http::Safety;
use crate::{phone, validate};

/// Pay a paybill or a till.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum B2bCommand {
    /// `BusinessPayBill` (the default): `party_b` is a paybill, `account_reference` required.
    #[default]
    BusinessPayBill,
    /// `BusinessBuyGoods`: `party_b` is a till.
    BusinessBuyGoods,
}

impl B2bCommand {
    /// Daraja's `CommandID`.
    pub fn as_daraja(self) -> &'static str {
        match self {
            B2bCommand::BusinessPayBill => "BusinessPayBill",
            B2bCommand::BusinessBuyGoods => "BusinessBuyGoods",
        }
    }
    pub(crate) fn parse(field: &str, value: &str) -> Result<Self> {
        match value.trim() {
            "business_pay_bill" | "BusinessPayBill" => Ok(B2bCommand::BusinessPayBill),
            "business_buy_goods" | "BusinessBuyGoods" => Ok(B2bCommand::BusinessBuyGoods),
            _ => Err(Error::invalid(
                field,
                "must be `business_pay_bill` or `business_buy_goods`",
            )),
        }
    }
}

crate::request::choice!(B2bCommand, ["business_pay_bill", "business_buy_goods"]);

crate::request::request! {
    /// A B2B payment.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct B2bRequest {
        /// The receiving paybill or till.
        pub party_b: String,
        /// Whole shillings.
        pub amount: u64,
        /// `business_pay_bill` (default) or `business_buy_goods`.
        #[serde(default)]
        pub command_id: B2bCommand,
        /// The paybill account, up to 13 characters (required for pay bill).
        #[serde(default)]
        pub account_reference: Option<String>,
        /// Optional phone of the customer paid for.
        #[serde(default)]
        pub requester: Option<String>,
        /// 2 to 100 characters.
        pub remarks: String,
        /// Optional, 1 to 100 characters (sent as `Occassion`).
        #[serde(default)]
        pub occasion: Option<String>,
        /// The paying shortcode (`PartyA`); defaults to `daraja.shortcode`.
        #[serde(default)]
        pub shortcode: Option<String>,
        /// Where the result is POSTed; defaults to `daraja.result_url`.
        #[serde(default)]
        pub result_url: Option<String>,
        /// Where a queue timeout is POSTed; defaults to `daraja.timeout_url`.
        #[serde(default)]
        pub timeout_url: Option<String>,
    }
}

impl Daraja<'_> {
    /// Pays a paybill or a till from the shortcode. The result arrives on the `ResultURL`.
    /// Moves money: never resent once it may have reached Safaricom.
    pub fn b2b(&self, request: &B2bRequest) -> Result<InitiatorResponse> {
        let config = self.config()?;
        let party_b = super::shortcode_arg("party_b", Some(&request.party_b), "")?;
        let amount = validate::amount("amount", request.amount, 1, crate::limits::BUSINESS_MAX)?;
        let reference = match (request.command_id, request.account_reference.as_deref()) {
            (_, Some(r)) => Some(validate::text("account_reference", r, 1, 13)?),
            (B2bCommand::BusinessPayBill, None) => {
                return Err(Error::invalid(
                    "account_reference",
                    "is required for business_pay_bill",
                ))
            }
            (B2bCommand::BusinessBuyGoods, None) => None,
        };
        let requester = request
            .requester
            .as_deref()
            .map(|p| phone::parse_for("requester", p))
            .transpose()?;
        let remarks = validate::text("remarks", &request.remarks, 2, 100)?;
        let occasion = request
            .occasion
            .as_deref()
            .map(|o| validate::text("occasion", o, 1, 100))
            .transpose()?;
        let shortcode =
            super::shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let envelope = self.envelope(
            config,
            request.result_url.as_deref(),
            request.timeout_url.as_deref(),
        )?;
        let mut body = json!({
            "CommandID": request.command_id.as_daraja(),
            "SenderIdentifierType": "4",
            "RecieverIdentifierType": "4",
            "Amount": amount,
            "PartyA": shortcode,
            "PartyB": party_b,
            "Remarks": remarks,
        });
        if let Some(r) = reference {
            body["AccountReference"] = r.into();
        }
        if let Some(p) = requester {
            body["Requester"] = p.as_str().into();
        }
        if let Some(o) = occasion {
            body["Occassion"] = o.into();
        }
        self.send_business_payment(
            envelope,
            body,
            "mpesa/b2b/v1/paymentrequest",
            BusinessPayment {
                operation: "daraja.b2b",
                amount,
                shortcode,
                receiver: party_b,
                reference,
            },
        )
    }

    /// Sends a B2B-shaped payment (B2B, a B2C top-up, a tax remittance) once, and journals
    /// it under the answer's `OriginatorConversationID` (accepted, or of unknown outcome
    /// with an id), so that the reconciler can settle it when its result is lost.
    pub(super) fn send_business_payment(
        &self,
        envelope: super::InitiatorEnvelope<'_>,
        body: serde_json::Value,
        path: &str,
        payment: BusinessPayment<'_>,
    ) -> Result<InitiatorResponse> {
        let BusinessPayment {
            operation,
            amount,
            shortcode,
            receiver,
            reference,
        } = payment;
        let sent = self
            .send_initiator(
                envelope,
                "Initiator",
                body,
                path,
                Safety::OnceOnly,
                operation,
                Some(crate::Recovery {
                    amount: Some(amount),
                    shortcode: Some(shortcode.clone()),
                    receiver: Some(receiver.clone()),
                    account_reference: reference.map(str::to_string),
                    ..crate::Recovery::new(operation)
                }),
            )
            .and_then(|v| InitiatorResponse::from_value(&v));
        let entry = crate::JournalEntry {
            operation: operation.into(),
            amount,
            shortcode,
            reference: reference.unwrap_or_default().to_string(),
            receiver: Some(receiver),
            ..crate::JournalEntry::default()
        };
        crate::journal::initiator_sent(self.client, sent, entry)
    }
}

/// What [`Daraja::send_business_payment`] records of a payment.
pub(super) struct BusinessPayment<'a> {
    pub operation: &'static str,
    pub amount: u64,
    pub shortcode: String,
    pub receiver: String,
    pub reference: Option<&'a str>,
}
