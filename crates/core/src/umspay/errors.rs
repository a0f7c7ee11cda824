//! How a UMS Pay failure is classified, and the fuzzing entry point for its status parser.

use super::*;

/// What an UMS Pay refusal was about: see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UmsPayErrorKind {
    /// The UMS Pay account is not active (code `account_inactive`).
    AccountInactive,
    /// No transaction has this `transaction_request_id` (code `transaction_not_found`).
    TransactionNotFound,
    /// The configured `account_id` does not exist (code `account_not_found`).
    AccountNotFound,
    /// UMS Pay refused a field (code `invalid_request`).
    InvalidRequest,
    /// Another refusal; [`Error::code`] holds the provider's `ResultCode`.
    Other,
}

impl UmsPayErrorKind {
    /// The `code` an [`Error::Api`] of this kind carries (`other` for `Other`).
    pub fn as_str(self) -> &'static str {
        match self {
            UmsPayErrorKind::AccountInactive => "account_inactive",
            UmsPayErrorKind::TransactionNotFound => "transaction_not_found",
            UmsPayErrorKind::AccountNotFound => "account_not_found",
            UmsPayErrorKind::InvalidRequest => "invalid_request",
            UmsPayErrorKind::Other => "other",
        }
    }
}

/// Classifies an error from UMS Pay; `None` for errors that are not UMS Pay refusals.
pub fn error_kind(error: &Error) -> Option<UmsPayErrorKind> {
    match error {
        Error::Api(e) if e.provider == Provider::Umspay => Some(match e.code.as_deref() {
            Some("account_inactive") => UmsPayErrorKind::AccountInactive,
            Some("transaction_not_found") => UmsPayErrorKind::TransactionNotFound,
            Some("account_not_found") => UmsPayErrorKind::AccountNotFound,
            Some("invalid_request") => UmsPayErrorKind::InvalidRequest,
            _ => UmsPayErrorKind::Other,
        }),
        _ => None,
    }
}

/// Decodes a status answer (for the fuzz targets).
#[doc(hidden)]
pub fn fuzz_parse_status(map: &Map<String, Value>) -> Result<TransactionStatus, String> {
    status::parse_status(map, "UMSPID0000000000000000000")
}
