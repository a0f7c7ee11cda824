//! The initiator APIs of the portal, answered on the `ResultURL` like B2C and B2B: B2C
//! account top-up (`BusinessPayToBulk`, and `BusinessTransferFromMMFToUtility` on the same
//! path), Business to Pochi and tax remittance to KRA.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::super::{shortcode_arg, B2cResponse, Daraja, InitiatorResponse};
use crate::daraja::b2b::BusinessPayment;
use crate::error::{Error, Recovery, Result};
use crate::http::Safety;
use crate::{limits, phone, validate};

/// KRA's shortcode, the only `PartyB` of a tax remittance.
pub const KRA_SHORTCODE: &str = "572572";

/// The kind of B2C account top-up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum B2cTopupCommand {
    /// `BusinessPayToBulk` (the default): from this shortcode's Working account into a B2C
    /// shortcode's Utility account.
    #[default]
    BusinessPayToBulk,
    /// `BusinessTransferFromMMFToUtility`: from the Working to the Utility account of the
    /// same shortcode (enabled by Safaricom on request).
    BusinessTransferFromMmfToUtility,
}

impl B2cTopupCommand {
    /// Daraja's `CommandID`.
    pub fn as_daraja(self) -> &'static str {
        match self {
            B2cTopupCommand::BusinessPayToBulk => "BusinessPayToBulk",
            B2cTopupCommand::BusinessTransferFromMmfToUtility => "BusinessTransferFromMMFToUtility",
        }
    }

    pub(crate) fn parse(field: &str, value: &str) -> Result<Self> {
        match value.trim() {
            "business_pay_to_bulk" | "BusinessPayToBulk" => Ok(B2cTopupCommand::BusinessPayToBulk),
            "business_transfer_from_mmf_to_utility" | "BusinessTransferFromMMFToUtility" => {
                Ok(B2cTopupCommand::BusinessTransferFromMmfToUtility)
            }
            _ => Err(Error::invalid(
                field,
                "must be `business_pay_to_bulk` or `business_transfer_from_mmf_to_utility`",
            )),
        }
    }
}

crate::request::choice!(
    B2cTopupCommand,
    [
        "business_pay_to_bulk",
        "business_transfer_from_mmf_to_utility"
    ]
);

crate::request::request! {
    /// A B2C account top-up: moves money from a Working account into a B2C Utility account.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct B2cTopupRequest {
        /// The B2C shortcode whose Utility account is credited (`PartyB`); required for
        /// `business_pay_to_bulk`, defaults to the paying shortcode for
        /// `business_transfer_from_mmf_to_utility`.
        #[serde(default)]
        pub party_b: Option<String>,
        /// Whole shillings.
        pub amount: u64,
        /// `business_pay_to_bulk` (default) or `business_transfer_from_mmf_to_utility`.
        #[serde(default)]
        pub command_id: B2cTopupCommand,
        /// `AccountReference`, 1 to 13 characters.
        pub account_reference: String,
        /// Optional phone of the customer the top-up is for (`Requester`).
        #[serde(default)]
        pub requester: Option<String>,
        /// 2 to 100 characters.
        pub remarks: String,
        /// The paying shortcode (`PartyA`, its Working account is debited); defaults to
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

    /// A Business to Pochi payment: pays a customer's Pochi la Biashara wallet (as B2C).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct B2PochiRequest {
        /// The wallet owner's phone (`PartyB`).
        pub phone: String,
        /// Whole shillings, 10 to 250 000 (B2C's limits).
        pub amount: u64,
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

    /// A tax remittance to KRA (`PartyB` 572572).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RemitTaxRequest {
        /// Whole shillings.
        pub amount: u64,
        /// The KRA payment registration number (PRN), 1 to 20 characters (sent as
        /// `AccountReference`).
        pub account_reference: String,
        /// 2 to 100 characters.
        pub remarks: String,
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
    /// Tops up a B2C shortcode's Utility account from the Working account
    /// (`BusinessPayToBulk`), or moves money from Working to Utility within one shortcode
    /// (`BusinessTransferFromMMFToUtility`). The result (B2B-shaped) arrives on the
    /// `ResultURL`. Moves money: never resent once it may have reached Safaricom.
    pub fn b2c_topup(&self, request: &B2cTopupRequest) -> Result<InitiatorResponse> {
        let config = self.config()?;
        let amount = validate::amount("amount", request.amount, 1, limits::BUSINESS_MAX)?;
        let shortcode =
            shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let party_b = match (request.command_id, request.party_b.as_deref()) {
            (_, Some(p)) => shortcode_arg("party_b", Some(p), "")?,
            (B2cTopupCommand::BusinessTransferFromMmfToUtility, None) => shortcode.clone(),
            (B2cTopupCommand::BusinessPayToBulk, None) => {
                return Err(Error::invalid(
                    "party_b",
                    "is required for business_pay_to_bulk (the B2C shortcode to top up)",
                ))
            }
        };
        let reference = validate::text("account_reference", &request.account_reference, 1, 13)?;
        let requester = request
            .requester
            .as_deref()
            .map(|p| phone::parse_for("requester", p))
            .transpose()?;
        let remarks = validate::text("remarks", &request.remarks, 2, 100)?;
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
            "AccountReference": reference,
            "Remarks": remarks,
        });
        if let Some(p) = requester {
            body["Requester"] = p.as_str().into();
        }
        self.send_business_payment(
            envelope,
            body,
            "mpesa/b2b/v1/paymentrequest",
            BusinessPayment {
                operation: "daraja.b2c_topup",
                amount,
                shortcode,
                receiver: party_b,
                reference: Some(reference),
            },
        )
    }

    /// Pays a customer's Pochi la Biashara wallet (Business to Pochi). Same fields, limits
    /// and result as B2C; the result arrives on the `ResultURL`.
    ///
    /// Moves money: never resent once it may have reached Safaricom. After an unknown
    /// outcome, ask [`Daraja::transaction_status`] with the `originator_conversation_id`,
    /// or resend with the same id (Daraja refuses a duplicate).
    pub fn b2pochi(&self, request: &B2PochiRequest) -> Result<B2cResponse> {
        let config = self.config()?;
        let phone = phone::parse_for("phone", &request.phone)?;
        let amount = validate::amount(
            "amount",
            request.amount,
            limits::B2POCHI_MIN,
            limits::MPESA_MAX,
        )?;
        let remarks = validate::text("remarks", &request.remarks, 2, 100)?;
        let occasion = request
            .occasion
            .as_deref()
            .map(|o| validate::text("occasion", o, 1, 100))
            .transpose()?;
        let shortcode =
            shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let originator = match request.originator_conversation_id.as_deref() {
            Some(id) => validate::text("originator_conversation_id", id, 1, 100)?.to_string(),
            None => super::super::new_originator_conversation_id(),
        };
        let envelope = self.envelope(
            config,
            request.result_url.as_deref(),
            request.timeout_url.as_deref(),
        )?;
        let mut body = json!({
            "OriginatorConversationID": originator,
            "CommandID": "BusinessPayToPochi",
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
            "mpesa/b2pochi/v1/paymentrequest",
            Safety::OnceOnly,
            "daraja.b2pochi",
            Some(Recovery {
                phone: Some(phone.as_str().to_string()),
                amount: Some(amount),
                shortcode: Some(shortcode.clone()),
                originator_conversation_id: Some(originator.clone()),
                ..Recovery::new("daraja.b2pochi")
            }),
        );
        let entry = crate::JournalEntry {
            operation: "daraja.b2pochi".into(),
            phone: phone.as_str().to_string(),
            amount,
            shortcode,
            reference: remarks.to_string(),
            ..crate::JournalEntry::default()
        };
        crate::daraja::b2c::b2c_answer(self.client, sent, originator, entry)
    }

    /// Remits tax to KRA (`PayTaxToKRA` to 572572) against a payment registration number.
    /// The result (B2B-shaped) arrives on the `ResultURL`. Moves money: never resent once
    /// it may have reached Safaricom.
    pub fn remit_tax(&self, request: &RemitTaxRequest) -> Result<InitiatorResponse> {
        let config = self.config()?;
        let amount = validate::amount("amount", request.amount, 1, limits::BUSINESS_MAX)?;
        let prn = validate::text("account_reference", &request.account_reference, 1, 20)?;
        let remarks = validate::text("remarks", &request.remarks, 2, 100)?;
        let shortcode =
            shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let envelope = self.envelope(
            config,
            request.result_url.as_deref(),
            request.timeout_url.as_deref(),
        )?;
        let body = json!({
            "CommandID": "PayTaxToKRA",
            "SenderIdentifierType": "4",
            "RecieverIdentifierType": "4",
            "Amount": amount,
            "PartyA": shortcode,
            "PartyB": KRA_SHORTCODE,
            "AccountReference": prn,
            "Remarks": remarks,
        });
        self.send_business_payment(
            envelope,
            body,
            "mpesa/b2b/v1/remittax",
            BusinessPayment {
                operation: "daraja.remit_tax",
                amount,
                shortcode,
                receiver: KRA_SHORTCODE.to_string(),
                reference: Some(prn),
            },
        )
    }
}
