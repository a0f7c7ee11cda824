//! Reversal of a C2B payment (answer on `ResultURL`).

use serde_json::json;

use super::{Daraja, InitiatorResponse};
use crate::error::Result;
use crate::http::Safety;
use crate::validate;

crate::request::request! {
    /// A reversal request.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ReversalRequest {
        /// The M-Pesa receipt of the payment to reverse.
        pub transaction_id: String,
        /// The amount of that payment, whole shillings.
        pub amount: u64,
        /// 2 to 100 characters.
        pub remarks: String,
        /// The shortcode that received the payment (`ReceiverParty`); defaults to
        /// `daraja.shortcode`.
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
    /// Reverses a C2B payment. Moves money: never resent once it may have reached
    /// Safaricom; after an unknown outcome, check with [`Daraja::transaction_status`].
    pub fn reversal(&self, request: &ReversalRequest) -> Result<InitiatorResponse> {
        let config = self.config()?;
        let receipt = super::status::receipt("transaction_id", &request.transaction_id)?;
        let amount = validate::amount("amount", request.amount, 1, crate::limits::BUSINESS_MAX)?;
        let remarks = validate::text("remarks", &request.remarks, 2, 100)?;
        let receiver =
            super::shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let envelope = self.envelope(
            config,
            request.result_url.as_deref(),
            request.timeout_url.as_deref(),
        )?;
        let body = json!({
            "CommandID": "TransactionReversal",
            "TransactionID": receipt,
            "Amount": amount,
            "ReceiverParty": receiver,
            "RecieverIdentifierType": "11",
            "Remarks": remarks,
        });
        let sent = self
            .send_initiator(
                envelope,
                "Initiator",
                body,
                "mpesa/reversal/v1/request",
                Safety::OnceOnly,
                "daraja.reversal",
                Some(crate::Recovery {
                    amount: Some(amount),
                    shortcode: Some(receiver.clone()),
                    transaction_id: Some(receipt.to_string()),
                    ..crate::Recovery::new("daraja.reversal")
                }),
            )
            .and_then(|v| InitiatorResponse::from_value(&v));
        let entry = crate::JournalEntry {
            operation: "daraja.reversal".into(),
            amount,
            shortcode: receiver,
            reference: receipt.to_string(),
            ..crate::JournalEntry::default()
        };
        crate::journal::initiator_sent(self.client, sent, entry)
    }
}
