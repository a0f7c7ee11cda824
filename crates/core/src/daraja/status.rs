//! Transaction status: ask where any M-Pesa transaction stands (answer on `ResultURL`).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Daraja, InitiatorResponse};
use crate::error::{Error, Result};
use crate::http::Safety;
use crate::validate;

/// What `party_a` is (`IdentifierType`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierType {
    /// "1": a phone number (older docs).
    Msisdn,
    /// "2": a till number (older docs).
    Till,
    /// "4": an organisation shortcode (the default; the only one the portal documents).
    #[default]
    Shortcode,
}

impl IdentifierType {
    /// Daraja's code.
    pub fn as_daraja(self) -> &'static str {
        match self {
            IdentifierType::Msisdn => "1",
            IdentifierType::Till => "2",
            IdentifierType::Shortcode => "4",
        }
    }
    pub(crate) fn parse(field: &str, value: &str) -> Result<Self> {
        match value.trim() {
            "msisdn" | "1" => Ok(IdentifierType::Msisdn),
            "till" | "2" => Ok(IdentifierType::Till),
            "shortcode" | "4" => Ok(IdentifierType::Shortcode),
            _ => Err(Error::invalid(
                field,
                "must be `shortcode`, `till` or `msisdn`",
            )),
        }
    }
}

crate::request::choice!(IdentifierType, ["shortcode", "till", "msisdn"]);

crate::request::request! {
    /// A transaction status query: by M-Pesa receipt and/or by the original request's
    /// `OriginatorConversationID`.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct TransactionStatusRequest {
        /// The M-Pesa receipt (`TransactionID`).
        #[serde(default)]
        pub transaction_id: Option<String>,
        /// The `OriginatorConversationID` of the original request.
        #[serde(default)]
        pub original_conversation_id: Option<String>,
        /// The organisation asking (`PartyA`); defaults to `daraja.shortcode`.
        #[serde(default)]
        pub shortcode: Option<String>,
        /// What `shortcode` is (default `shortcode`, "4").
        #[serde(default)]
        pub identifier_type: IdentifierType,
        /// 2 to 100 characters; defaults to `Transaction status`.
        #[serde(default)]
        pub remarks: Option<String>,
        /// Optional, 1 to 100 characters.
        #[serde(default)]
        pub occasion: Option<String>,
        /// Where the result is POSTed; defaults to `daraja.result_url`.
        #[serde(default)]
        pub result_url: Option<String>,
        /// Where a queue timeout is POSTed; defaults to `daraja.timeout_url`.
        #[serde(default)]
        pub timeout_url: Option<String>,
    }
}

impl TransactionStatusRequest {
    /// A query by M-Pesa receipt, with defaults.
    pub fn by_receipt(transaction_id: impl Into<String>) -> Self {
        TransactionStatusRequest {
            transaction_id: Some(transaction_id.into()),
            original_conversation_id: None,
            shortcode: None,
            identifier_type: IdentifierType::Shortcode,
            remarks: None,
            occasion: None,
            result_url: None,
            timeout_url: None,
        }
    }

    /// A query by the `OriginatorConversationID` of the original request, with defaults.
    pub fn by_originator_id(original_conversation_id: impl Into<String>) -> Self {
        TransactionStatusRequest {
            original_conversation_id: Some(original_conversation_id.into()),
            transaction_id: None,
            ..TransactionStatusRequest::by_receipt("")
        }
    }
}

/// An M-Pesa receipt: 1 to 20 letters and digits.
pub(crate) fn receipt(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() || v.len() > 20 || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid(
            field,
            "must be an M-Pesa receipt: 1 to 20 letters and digits",
        ));
    }
    Ok(v.to_ascii_uppercase())
}

impl Daraja<'_> {
    /// Asks for the status of a transaction; the answer arrives on the `ResultURL`
    /// (see [`super::ResultDetails::TransactionStatus`]).
    pub fn transaction_status(
        &self,
        request: &TransactionStatusRequest,
    ) -> Result<InitiatorResponse> {
        let config = self.config()?;
        let receipt = request
            .transaction_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|t| receipt("transaction_id", t))
            .transpose()?;
        let original = request
            .original_conversation_id
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|o| validate::text("original_conversation_id", o, 1, 100))
            .transpose()?;
        if receipt.is_none() && original.is_none() {
            return Err(Error::invalid(
                "transaction_id",
                "is required (or give original_conversation_id)",
            ));
        }
        let party_a = match request.identifier_type {
            IdentifierType::Msisdn => crate::phone::parse_for(
                "shortcode",
                request.shortcode.as_deref().unwrap_or(&config.shortcode),
            )?
            .as_str()
            .to_string(),
            _ => {
                super::shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?
            }
        };
        let remarks = validate::text(
            "remarks",
            request.remarks.as_deref().unwrap_or("Transaction status"),
            2,
            100,
        )?;
        let occasion = request
            .occasion
            .as_deref()
            .map(|o| validate::text("occasion", o, 1, 100))
            .transpose()?;
        let envelope = self.envelope(
            config,
            request.result_url.as_deref(),
            request.timeout_url.as_deref(),
        )?;
        let mut body = json!({
            "CommandID": "TransactionStatusQuery",
            "PartyA": party_a,
            "IdentifierType": request.identifier_type.as_daraja(),
            "Remarks": remarks,
        });
        if let Some(r) = receipt {
            body["TransactionID"] = r.into();
        }
        if let Some(o) = original {
            body["OriginalConversationID"] = o.into();
        }
        if let Some(o) = occasion {
            body["Occasion"] = o.into();
        }
        let v = self.send_initiator(
            envelope,
            "Initiator",
            body,
            "mpesa/transactionstatus/v1/query",
            Safety::Safe,
            "daraja.transaction_status",
            None,
        )?;
        InitiatorResponse::from_value(&v)
    }
}
