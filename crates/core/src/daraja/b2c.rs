//! B2C v3: pay a customer from the B2C shortcode.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{text, Daraja};
use crate::error::{Error, Result};
use crate::http::Safety;
use crate::{phone, validate};

/// The kind of B2C payment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum B2cCommand {
    /// `SalaryPayment` (registered customers only).
    SalaryPayment,
    /// `BusinessPayment` (the default).
    #[default]
    BusinessPayment,
    /// `PromotionPayment`.
    PromotionPayment,
}

impl B2cCommand {
    /// Daraja's `CommandID`.
    pub fn as_daraja(self) -> &'static str {
        match self {
            B2cCommand::SalaryPayment => "SalaryPayment",
            B2cCommand::BusinessPayment => "BusinessPayment",
            B2cCommand::PromotionPayment => "PromotionPayment",
        }
    }
    pub(crate) fn parse(field: &str, value: &str) -> Result<Self> {
        match value.trim() {
            "salary_payment" | "SalaryPayment" => Ok(B2cCommand::SalaryPayment),
            "business_payment" | "BusinessPayment" => Ok(B2cCommand::BusinessPayment),
            "promotion_payment" | "PromotionPayment" => Ok(B2cCommand::PromotionPayment),
            _ => Err(Error::invalid(
                field,
                "must be `salary_payment`, `business_payment` or `promotion_payment`",
            )),
        }
    }
}

crate::request::choice!(
    B2cCommand,
    ["business_payment", "salary_payment", "promotion_payment"]
);

crate::request::request! {
    /// A B2C payment to a customer's phone.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct B2cRequest {
        /// The receiving phone.
        pub phone: String,
        /// Whole shillings, 10 to 250 000.
        pub amount: u64,
        /// `business_payment` (default), `salary_payment` or `promotion_payment`.
        #[serde(default)]
        pub command_id: B2cCommand,
        /// 2 to 100 characters.
        pub remarks: String,
        /// Optional, 1 to 100 characters (sent as `Occassion`).
        #[serde(default)]
        pub occasion: Option<String>,
        /// The B2C shortcode (`PartyA`); defaults to `daraja.shortcode`.
        #[serde(default)]
        pub shortcode: Option<String>,
        /// Where the result is POSTed; defaults to `daraja.result_url`.
        #[serde(default)]
        pub result_url: Option<String>,
        /// Where a queue timeout is POSTed; defaults to `daraja.timeout_url`.
        #[serde(default)]
        pub timeout_url: Option<String>,
        /// Your unique id of this payment; generated when absent. Keep it: Daraja refuses a
        /// repeat, so resending with the same id can never pay twice.
        #[serde(default)]
        pub originator_conversation_id: Option<String>,
    }
}

impl B2cRequest {
    /// A `BusinessPayment` with default URLs and a generated id.
    pub fn new(phone: impl Into<String>, amount: u64, remarks: impl Into<String>) -> Self {
        B2cRequest {
            phone: phone.into(),
            amount,
            command_id: B2cCommand::BusinessPayment,
            remarks: remarks.into(),
            occasion: None,
            shortcode: None,
            result_url: None,
            timeout_url: None,
            originator_conversation_id: None,
        }
    }
}

/// Daraja's answer to a B2C request, with the `OriginatorConversationID` sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct B2cResponse {
    /// The id this request was sent with (yours or generated): store it to reconcile and,
    /// after an unknown outcome, to query the status or resend safely.
    pub originator_conversation_id: String,
    /// M-Pesa's id of the request (`AG_...`).
    pub conversation_id: String,
    /// `"0"`: accepted for processing.
    pub response_code: String,
    /// Human-readable description.
    pub response_description: String,
}

impl Daraja<'_> {
    /// Pays a customer (B2C v3). The result arrives on the `ResultURL`.
    ///
    /// Moves money: never resent once it may have reached Safaricom. On an unknown outcome
    /// the error tells you so; query [`Daraja::transaction_status`] with the
    /// `originator_conversation_id` you passed (or resend with the same id: Daraja refuses
    /// duplicates).
    pub fn b2c(&self, request: &B2cRequest) -> Result<B2cResponse> {
        let config = self.config()?;
        let phone = phone::parse_for("phone", &request.phone)?;
        let amount = validate::amount(
            "amount",
            request.amount,
            crate::limits::B2C_MIN,
            crate::limits::MPESA_MAX,
        )?;
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
        let originator = match request.originator_conversation_id.as_deref() {
            Some(id) => validate::text("originator_conversation_id", id, 1, 100)?.to_string(),
            None => super::new_originator_conversation_id(),
        };
        let mut body = json!({
            "OriginatorConversationID": originator,
            "CommandID": request.command_id.as_daraja(),
            "Amount": amount,
            "PartyA": shortcode,
            "PartyB": phone.as_str(),
            "Remarks": remarks,
        });
        if let Some(o) = occasion {
            body["Occassion"] = o.into();
        }
        let sent = self.send_initiator(
            envelope,
            "InitiatorName",
            body,
            "mpesa/b2c/v3/paymentrequest",
            Safety::OnceOnly,
            "daraja.b2c",
            Some(crate::Recovery {
                phone: Some(phone.as_str().to_string()),
                amount: Some(amount),
                shortcode: Some(shortcode.clone()),
                originator_conversation_id: Some(originator.clone()),
                ..crate::Recovery::new("daraja.b2c")
            }),
        );
        let entry = crate::JournalEntry {
            operation: "daraja.b2c".into(),
            phone: phone.as_str().to_string(),
            amount,
            shortcode,
            reference: remarks.to_string(),
            ..crate::JournalEntry::default()
        };
        b2c_answer(self.client, sent, originator, entry)
    }
}

/// The answer to a B2C-shaped request (B2C, Business to Pochi) sent under `originator`,
/// journaled under that id when accepted or of unknown outcome (the reconciler asks
/// transaction status about it either way).
pub(crate) fn b2c_answer(
    client: &crate::Client,
    sent: Result<serde_json::Value>,
    originator: String,
    entry: crate::JournalEntry,
) -> Result<B2cResponse> {
    let journal = |conversation_id: Option<String>| {
        crate::journal::Journal::of(client).issued(
            crate::Provider::Daraja,
            &originator,
            crate::JournalEntry {
                sent_at_ms: crate::store::now_ms(),
                conversation_id,
                ..entry.clone()
            },
        )
    };
    let v = match sent {
        Ok(v) => v,
        Err(e) => {
            if e.outcome_unknown() {
                journal(e.recovery().and_then(|r| r.conversation_id.clone()));
            }
            return Err(e);
        }
    };
    let conversation_id = text(&v, "ConversationID").unwrap_or_default();
    journal(Some(conversation_id.clone()).filter(|c| !c.is_empty()));
    Ok(B2cResponse {
        originator_conversation_id: text(&v, "OriginatorConversationID")
            .unwrap_or_else(|| originator.clone()),
        conversation_id,
        response_code: text(&v, "ResponseCode").unwrap_or_default(),
        response_description: text(&v, "ResponseDescription").unwrap_or_default(),
    })
}
