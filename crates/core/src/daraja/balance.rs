//! Account balance (answer on `ResultURL`).

use serde_json::json;

use super::status::IdentifierType;
use super::{Daraja, InitiatorResponse};
use crate::error::Result;
use crate::http::Safety;
use crate::validate;

crate::request::request! {
    /// An account balance query.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct AccountBalanceRequest {
        /// The shortcode (`PartyA`); defaults to `daraja.shortcode`.
        #[serde(default)]
        pub shortcode: Option<String>,
        /// What `shortcode` is: only `shortcode` ("4"), the one value the portal documents for
        /// this API; anything else is refused before sending.
        #[serde(default)]
        pub identifier_type: IdentifierType,
        /// 2 to 100 characters; defaults to `Account balance`.
        #[serde(default)]
        pub remarks: Option<String>,
        /// Where the result is POSTed; defaults to `daraja.result_url`.
        #[serde(default)]
        pub result_url: Option<String>,
        /// Where a queue timeout is POSTed; defaults to `daraja.timeout_url`.
        #[serde(default)]
        pub timeout_url: Option<String>,
    }
}

impl Daraja<'_> {
    /// Asks for the shortcode's balances; they arrive on the `ResultURL`
    /// (see [`super::ResultDetails::AccountBalance`]).
    pub fn account_balance(&self, request: &AccountBalanceRequest) -> Result<InitiatorResponse> {
        let config = self.config()?;
        if request.identifier_type != IdentifierType::Shortcode {
            return Err(crate::Error::invalid(
                "identifier_type",
                "must be `shortcode` (\"4\"): the only IdentifierType the portal documents for account balance",
            ));
        }
        let party_a =
            super::shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let remarks = validate::text(
            "remarks",
            request.remarks.as_deref().unwrap_or("Account balance"),
            2,
            100,
        )?;
        let envelope = self.envelope(
            config,
            request.result_url.as_deref(),
            request.timeout_url.as_deref(),
        )?;
        let body = json!({
            "CommandID": "AccountBalance",
            "PartyA": party_a,
            "IdentifierType": request.identifier_type.as_daraja(),
            "Remarks": remarks,
        });
        let v = self.send_initiator(
            envelope,
            "Initiator",
            body,
            "mpesa/accountbalance/v1/query",
            Safety::Safe,
            "daraja.account_balance",
            None,
        )?;
        InitiatorResponse::from_value(&v)
    }
}
