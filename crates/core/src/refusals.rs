//! The one rule that decides whether a provider's error answer is a refusal (the request
//! was not processed) or leaves the outcome unknown (it may have been processed).
//!
//! Only the answers each provider documents as refusals are refusals; every other answer
//! to a request that may have been read — a 5xx of any shape, HTML, an empty or truncated
//! body, an unexpected 2xx — is [`Fate::Unknown`]. docs/money-truth.md holds the same
//! table, and `tests/money_truth.rs` sends every row through the sandbox.

use crate::error::{Fate, Provider};

/// Daraja error codes documented for 4xx answers: the request was refused as it stood
/// (bad field, malformed body, missing field, bad or expired token, wrong path or method).
pub(crate) const DARAJA_4XX_REFUSALS: &[&str] = &[
    "400.002.02",
    "400.002.05",
    "400.003.01",
    "400.003.02",
    "400.008.01",
    "400.008.02",
    "401.002.01",
    "401.003.01",
    "404.001.01",
    "404.001.03",
    "404.001.04",
    "404.003.01",
    "405.001",
];

/// Daraja 500-codes documented as refusals: spike arrest and quota ("try again later"),
/// and a duplicate `OriginatorConversationID` (this request is refused; the earlier one
/// with that id is what it is).
pub(crate) const DARAJA_5XX_REFUSALS: &[&str] = &["500.003.02", "500.003.03", "500.002.1001"];

/// Messages of `500.001.1001` that are refusals; the same code also means an internal
/// failure, which is not.
pub(crate) const DARAJA_500_001_1001_REFUSALS: &[&str] = &[
    "unable to lock subscriber",
    "merchant does not exist",
    "wrong credentials",
];

/// The fate of a Daraja error answer: HTTP `status`, `errorCode` and `errorMessage`.
pub(crate) fn daraja(status: u16, code: Option<&str>, message: &str) -> Fate {
    let Some(code) = code.map(str::trim) else {
        return Fate::Unknown;
    };
    let refused = if (400..500).contains(&status) {
        DARAJA_4XX_REFUSALS.contains(&code)
    } else if status == 500 {
        DARAJA_5XX_REFUSALS.contains(&code)
            || code == "500.001.1001" && {
                let lower = message.to_ascii_lowercase();
                DARAJA_500_001_1001_REFUSALS
                    .iter()
                    .any(|m| lower.contains(m))
            }
    } else {
        false
    };
    if refused {
        Fate::Refused
    } else {
        Fate::Unknown
    }
}

/// Statum status codes documented as refusals (bad request, credentials, insufficient
/// funds, forbidden, not found, method, format, gone, validation, too many requests).
pub(crate) const STATUM_REFUSALS: &[u16] = &[400, 401, 402, 403, 404, 405, 406, 410, 422, 429];

/// The fate of a Statum error answer: HTTP `status` and the body's `status_code` (or the
/// HTTP status when the body has none). A 5xx is never a refusal, whatever its body says.
pub(crate) fn statum(status: u16, status_code: u16) -> Fate {
    if status < 500 && STATUM_REFUSALS.contains(&status_code) {
        Fate::Refused
    } else {
        Fate::Unknown
    }
}

/// UMS Pay `ResultCode`s documented as refusals: `102` (a missing field, unknown email,
/// invalid API key), `201` (wrong method), `400` (account missing or not active), `429`
/// (rate limit). `503` ("upstream M-Pesa error or storage failure") is not: the prompt may
/// have been sent.
pub(crate) const UMSPAY_REFUSALS: &[&str] = &["102", "201", "400", "429"];

/// The fate of an UMS Pay error answer: HTTP `status` and the body's `ResultCode` (none
/// when the body has none). HTTP 429 is documented (seed 004) whatever the body.
pub(crate) fn umspay(status: u16, result_code: Option<&str>) -> Fate {
    if status == 429 {
        return Fate::Refused;
    }
    match result_code.map(str::trim) {
        Some(code) if status < 500 && UMSPAY_REFUSALS.contains(&code) => Fate::Refused,
        _ => Fate::Unknown,
    }
}

/// True when an answer to a safe request (a token fetch, a query) is worth another attempt:
/// a 429 or a gateway 5xx. A Daraja answer that carries an `errorCode` is Daraja's verdict,
/// not a passing failure: a pending STK query (500.001.1001 "being processed"), a quota
/// (500.003.03) or "Urls are already registered" (500.003.1001) would only be asked again.
pub(crate) fn transient(provider: Provider, status: u16, body: &str) -> bool {
    if !matches!(status, 429 | 500 | 502 | 503 | 504) {
        return false;
    }
    match provider {
        Provider::Daraja => !body.contains("\"errorCode\""),
        Provider::Statum | Provider::Umspay => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daraja_rows() {
        assert_eq!(
            daraja(400, Some("400.002.02"), "Invalid Amount"),
            Fate::Refused
        );
        assert_eq!(
            daraja(404, Some("404.001.03"), "Invalid Access Token"),
            Fate::Refused
        );
        assert_eq!(
            daraja(500, Some("500.003.02"), "Spike arrest"),
            Fate::Refused
        );
        assert_eq!(
            daraja(500, Some("500.002.1001"), "Duplicate"),
            Fate::Refused
        );
        assert_eq!(
            daraja(500, Some("500.001.1001"), "Unable to lock subscriber, a transaction is already in process for the current subscriber"),
            Fate::Refused
        );
        assert_eq!(
            daraja(500, Some("500.001.1001"), "Internal server error"),
            Fate::Unknown
        );
        assert_eq!(daraja(502, Some("500.003.02"), "busy"), Fate::Unknown);
        assert_eq!(
            daraja(500, Some("500.003.1001"), "Internal Server Error"),
            Fate::Unknown
        );
        assert_eq!(daraja(400, Some("400.999.99"), "new"), Fate::Unknown);
        assert_eq!(daraja(400, None, ""), Fate::Unknown);
    }

    #[test]
    fn daraja_verdicts_are_not_retried() {
        let pending = r#"{"requestId":"r","errorCode":"500.001.1001","errorMessage":"The transaction is being processed"}"#;
        assert!(!transient(Provider::Daraja, 500, pending));
        assert!(transient(Provider::Daraja, 503, "<html>busy</html>"));
        assert!(transient(Provider::Daraja, 500, ""));
        assert!(!transient(Provider::Daraja, 400, ""));
        assert!(transient(Provider::Statum, 500, r#"{"status_code":500}"#));
    }

    #[test]
    fn statum_and_umspay_rows() {
        assert_eq!(statum(402, 402), Fate::Refused);
        assert_eq!(statum(200, 422), Fate::Refused);
        assert_eq!(statum(500, 422), Fate::Unknown);
        assert_eq!(statum(200, 500), Fate::Unknown);
        assert_eq!(statum(504, 504), Fate::Unknown);
        assert_eq!(umspay(200, Some("400")), Fate::Refused);
        assert_eq!(umspay(429, None), Fate::Refused);
        assert_eq!(umspay(200, Some("503")), Fate::Unknown);
        assert_eq!(umspay(500, Some("400")), Fate::Unknown);
        assert_eq!(umspay(200, None), Fate::Unknown);
    }
}
