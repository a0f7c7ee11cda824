//! Daraja's local helpers (no network), as the JSON utilities expose them: each takes a
//! request struct and returns the JSON document a binding hands back.

use serde_json::{json, Value};

use super::{
    c2b_accept, c2b_confirmation_ack, c2b_reject, config, security_credential,
    security_credential_with, stk_password, timestamp, C2bRejection, Environment,
};
use crate::error::{Error, Result};

crate::request::request! {
    /// The STK password for a shortcode and passkey.
    #[derive(Clone)]
    pub struct StkPasswordRequest {
        /// The paybill or till's business shortcode.
        pub shortcode: String,
        /// The Lipa na M-Pesa Online passkey.
        pub passkey: String,
        /// `YYYYMMDDHHmmss` in Kenyan time; now unless given.
        pub timestamp: Option<String>,
    }

    /// An initiator password to encrypt into a `SecurityCredential`.
    #[derive(Clone)]
    pub struct SecurityCredentialRequest {
        /// The initiator's password.
        pub password: String,
        /// The certificate (PEM) to encrypt with; Safaricom's for `environment` unless given.
        pub certificate_pem: Option<String>,
        /// `sandbox` or `production` (the default).
        pub environment: Option<String>,
    }

    /// Accepts a C2B payment at validation.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct C2bAcceptRequest {
        /// Your id for the payment, echoed back in the confirmation.
        pub third_party_trans_id: Option<String>,
    }

    /// Rejects a C2B payment at validation.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct C2bRejectRequest {
        /// A code `C2B00011`..`C2B00016`, or `invalid_msisdn`, `invalid_account_number`,
        /// `invalid_amount`, `invalid_kyc`, `invalid_shortcode`, `other`.
        pub reason: String,
    }
}

/// `daraja.stk_password`: `{password, timestamp}`.
pub fn stk_password_utility(request: &StkPasswordRequest) -> Result<Value> {
    config::shortcode_rule(&request.shortcode).map_err(|r| Error::invalid("shortcode", r))?;
    let ts = match &request.timestamp {
        Some(t) if crate::kenya_time::is_timestamp(t.trim()) => t.trim().to_string(),
        Some(_) => {
            return Err(Error::invalid(
                "timestamp",
                "must be YYYYMMDDHHmmss (Kenyan time)",
            ))
        }
        None => timestamp(),
    };
    let password = stk_password(request.shortcode.trim(), &request.passkey, &ts);
    Ok(json!({"password": password, "timestamp": ts}))
}

/// `daraja.timestamp`: `{timestamp}`, now in Kenyan time.
pub fn timestamp_utility() -> Value {
    json!({"timestamp": timestamp()})
}

/// `daraja.security_credential`: `{security_credential}`.
pub fn security_credential_utility(request: &SecurityCredentialRequest) -> Result<Value> {
    let environment = match &request.environment {
        Some(e) => Environment::parse(e)
            .ok_or_else(|| Error::invalid("environment", "must be sandbox or production"))?,
        None => Environment::Production,
    };
    let credential = match &request.certificate_pem {
        Some(pem) => {
            security_credential_with(&request.password, pem.as_bytes()).map_err(|e| match e {
                Error::InvalidInput { field, rule } if field == "certificate" => {
                    Error::invalid("certificate_pem", rule)
                }
                other => other,
            })?
        }
        None => security_credential(&request.password, environment)?,
    };
    Ok(json!({"security_credential": credential}))
}

/// `daraja.c2b_accept`: the validation reply accepting the payment.
pub fn c2b_accept_utility(request: &C2bAcceptRequest) -> Value {
    c2b_accept(request.third_party_trans_id.as_deref())
}

/// `daraja.c2b_reject`: the validation reply rejecting the payment.
pub fn c2b_reject_utility(request: &C2bRejectRequest) -> Result<Value> {
    let reason = C2bRejection::parse(&request.reason).ok_or_else(|| {
        Error::invalid(
            "reason",
            "must be a code C2B00011..C2B00016 or invalid_msisdn, invalid_account_number, invalid_amount, invalid_kyc, invalid_shortcode, other",
        )
    })?;
    Ok(c2b_reject(reason))
}

/// `daraja.c2b_confirmation_ack`: the reply to a confirmation.
pub fn c2b_confirmation_ack_utility() -> Value {
    c2b_confirmation_ack()
}
