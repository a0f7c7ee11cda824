//! Safaricom Daraja (M-Pesa): M-Pesa Express (STK push), C2B, B2C, B2B, transaction
//! status, account balance, reversal and Dynamic QR, the other portal APIs (B2C account
//! top-up, Business to Pochi, tax remittance, B2B Express Checkout, Pull Transactions,
//! M-Pesa Ratiba, Bill Manager), plus every callback they produce.
//!
//! Start with [`crate::Client::daraja`]. The OAuth token is fetched once per client,
//! shared by all threads and refreshed before it expires; a token the provider refuses is
//! dropped and the call is sent once more with a fresh one (safe: the provider refused the
//! request unprocessed). Every input is checked before any request is sent. A money-moving
//! call (STK push, C2B simulate, B2C, B2B, reversal) is never resent once it may have
//! reached Safaricom: [`crate::Error::outcome_unknown`] then says to check the status.
//!
//! ```no_run
//! use tuma::daraja::{DarajaConfig, Environment, StkPushRequest};
//! use tuma::{Client, Config};
//!
//! let mut daraja = DarajaConfig::new("key", "secret", Environment::Sandbox, "174379");
//! daraja.passkey = Some("passkey".into());
//! daraja.callback_url = Some("https://shop.example/mpesa/stk".into());
//! let client = Client::new(Config { daraja: Some(daraja), ..Config::default() })?;
//! let sent = client
//!     .daraja()
//!     .stk_push(&StkPushRequest::new("0708 374 149", 10, "INV-001"))?;
//! println!("waiting for {}", sent.checkout_request_id);
//! # Ok::<(), tuma::Error>(())
//! ```

mod b2b;
mod b2c;
mod balance;
mod c2b;
mod codes;
mod config;
mod credential;
mod portal;
mod qr;
mod results;
mod reversal;
mod status;
mod stk;
pub(crate) mod token;
pub mod utilities;
mod verify;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::kenya_time::{timestamp, timestamp_at};
pub use b2b::{B2bCommand, B2bRequest};
pub use b2c::{B2cCommand, B2cRequest, B2cResponse};
pub use balance::AccountBalanceRequest;
pub use c2b::{
    c2b_accept, c2b_confirmation_ack, c2b_reject, parse_c2b_confirmation, parse_c2b_validation,
    C2bCommand, C2bPayment, C2bRegisterRequest, C2bRegisterResponse, C2bRejection, C2bResponseType,
    C2bSimulateRequest,
};
pub use codes::{result_meaning, result_outcome, stk_meaning, stk_outcome, Outcome};
pub use config::{DarajaConfig, Environment, PRODUCTION_URL, SANDBOX_URL};
pub use credential::{
    default_certificate, security_credential, security_credential_with,
    LEGACY_SANDBOX_CERTIFICATE_PEM, PRODUCTION_CERTIFICATE_PEM, SANDBOX_CERTIFICATE_PEM,
};
pub use portal::{
    bill_payment_ack, parse_b2b_express_callback, parse_bill_payment, parse_ratiba_callback,
    B2PochiRequest, B2bExpressCallback, B2bExpressCheckoutRequest, B2bExpressCheckoutResponse,
    B2cTopupCommand, B2cTopupRequest, BillCancelInvoiceRequest, BillCancelInvoicesRequest,
    BillError, BillInvoiceChunk, BillInvoiceItem, BillInvoiceRequest, BillInvoicesRequest,
    BillInvoicesResponse, BillManagerResponse, BillOptInRequest, BillPayment,
    BillReconciliationRequest, PullRegisterRequest, PullRegisterResponse, PullTransaction,
    PullTransactions, PullTransactionsRequest, RatibaCallback, RatibaFrequency, RatibaRequest,
    RatibaResponse, RatibaTransactionType, RemitTaxRequest, BILL_BULK_LIMIT, KRA_SHORTCODE,
    PULL_MAX_PAGES,
};
pub use qr::{DynamicQr, DynamicQrRequest, QrTrxCode};
pub use results::{
    parse_queue_timeout, parse_result, parse_stk_callback, B2bResult, B2cResult, BalanceAccount,
    BalanceResult, QueueTimeout, ResultCallback, ResultDetails, ResultParameter, ReversalResult,
    StatusResult, StkCallback, StkMetadataItem,
};
pub use reversal::ReversalRequest;
pub use status::{IdentifierType, TransactionStatusRequest};
pub use stk::{
    stk_password, ConfirmStkPaymentRequest, StkPushRequest, StkPushResponse, StkQueryRequest,
    StkQueryResponse, StkTransactionType,
};
pub(crate) use token::DarajaState;

use crate::client::Client;
use crate::error::{ApiError, Error, Fate, Provider, Result};
use crate::http::{HttpRequest, Safety};

/// Daraja error codes meaning "invalid access token": the token is dropped and the call
/// sent once more with a fresh one.
pub const INVALID_TOKEN_CODES: &[&str] = &["404.001.03", "401.002.01", "400.003.01", "401.003.01"];
/// Daraja error codes meaning "slow down": spike arrest and quota violation.
pub const RATE_LIMIT_CODES: &[&str] = &["500.003.02", "500.003.03"];

/// The synchronous answer of the initiator APIs (B2B, transaction status, account balance,
/// reversal): the request was accepted and its result will be POSTed to the `ResultURL`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitiatorResponse {
    /// M-Pesa's id of the request (`AG_...`), repeated in the result.
    pub conversation_id: String,
    /// The originator's id of the request, repeated in the result.
    pub originator_conversation_id: String,
    /// `"0"`: accepted for processing.
    pub response_code: String,
    /// Human-readable description.
    pub response_description: String,
}

impl InitiatorResponse {
    fn from_value(v: &Value) -> Result<Self> {
        Ok(InitiatorResponse {
            conversation_id: text(v, "ConversationID").unwrap_or_default(),
            originator_conversation_id: text(v, "OriginatorConversationID")
                .or_else(|| text(v, "OriginatorCoversationID"))
                .unwrap_or_default(),
            response_code: text(v, "ResponseCode").unwrap_or_default(),
            response_description: text(v, "ResponseDescription").unwrap_or_default(),
        })
    }
}

/// Daraja operations of a [`Client`].
pub struct Daraja<'a> {
    pub(crate) client: &'a Client,
}

impl<'a> Daraja<'a> {
    /// The Daraja configuration, or a config error when Daraja is not configured.
    pub(crate) fn config(&self) -> Result<&'a DarajaConfig> {
        self.client
            .inner
            .config
            .daraja
            .as_ref()
            .ok_or_else(|| Error::config("daraja", "Daraja is not configured on this client"))
    }

    /// True when plain `http://` callback URLs are allowed (outside production).
    fn allow_http(config: &DarajaConfig) -> bool {
        config.environment != Environment::Production
    }

    /// The URL given, else the configured default; checked either way.
    fn url(
        config: &DarajaConfig,
        field: &str,
        given: Option<&str>,
        default: &Option<String>,
    ) -> Result<String> {
        let url = given
            .filter(|u| !u.trim().is_empty())
            .or(default.as_deref())
            .ok_or_else(|| {
                Error::invalid(
                    field,
                    format!("is required (or set daraja.{field} in the configuration)"),
                )
            })?;
        crate::validate::callback_url(field, url, Self::allow_http(config))?;
        Ok(url.trim().to_string())
    }

    /// What every initiator request carries (who asks and where the result goes), resolved
    /// and checked before anything is sent.
    fn envelope(
        &self,
        config: &'a DarajaConfig,
        result_url: Option<&str>,
        timeout_url: Option<&str>,
    ) -> Result<InitiatorEnvelope<'a>> {
        let result_url = Self::url(config, "result_url", result_url, &config.result_url)?;
        let timeout_url = Self::url(config, "timeout_url", timeout_url, &config.timeout_url)?;
        let (name, credential) = self.initiator(config)?;
        Ok(InitiatorEnvelope {
            name,
            credential,
            result_url,
            timeout_url,
        })
    }

    /// Sends an initiator request: the envelope goes into `body` (the initiator under
    /// `name_key`: `InitiatorName` for B2C, `Initiator` elsewhere), and an answer whose
    /// `ResponseCode` is not zero is an error.
    /// On a money-moving request, `recovery` describes it and every error carries it.
    #[allow(clippy::too_many_arguments)]
    fn send_initiator(
        &self,
        envelope: InitiatorEnvelope<'_>,
        name_key: &str,
        mut body: Value,
        path: &str,
        safety: Safety,
        op: &str,
        recovery: Option<crate::Recovery>,
    ) -> Result<Value> {
        body[name_key] = envelope.name.into();
        body["SecurityCredential"] = envelope.credential.into();
        body["ResultURL"] = envelope.result_url.into();
        body["QueueTimeOutURL"] = envelope.timeout_url.into();
        let attach = |e: Error, v: Option<&Value>| match &recovery {
            Some(r) => {
                let mut r = r.clone();
                if let Some(v) = v {
                    answer_ids(&mut r, v);
                }
                e.with_recovery(r)
            }
            None => e,
        };
        let v = self
            .post(path, &body, safety, op)
            .map_err(|e| attach(e, None))?;
        check_response_code(&v, 200).map_err(|e| attach(e, Some(&v)))?;
        Ok(v)
    }

    /// The initiator name and `SecurityCredential`, or a config error naming what is missing.
    fn initiator(&self, config: &'a DarajaConfig) -> Result<(&'a str, &'a str)> {
        let name = config
            .initiator_name
            .as_deref()
            .ok_or_else(|| Error::config("daraja.initiator_name", "is required for this call"))?;
        let credential = self
            .client
            .inner
            .daraja
            .credential
            .as_ref()
            .ok_or_else(|| {
                Error::config(
                    "daraja.initiator_password",
                    "is required for this call (or set daraja.security_credential)",
                )
            })?;
        Ok((name, credential.expose()))
    }

    /// POSTs `body` to `path` with the bearer token and returns the JSON answer of a 2xx.
    /// An invalid-token answer drops the token and sends the call once more.
    pub(crate) fn post<B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
        safety: Safety,
        op: &str,
    ) -> Result<Value> {
        let config = self.config()?;
        let state = self.client.daraja_state();
        let transport = &self.client.transport();
        // Serialising plain strings and numbers cannot fail.
        let payload = serde_json::to_vec(body).map_err(|e| Error::config("body", e.to_string()))?;
        let url = crate::json::join_url(config.effective_base_url(), path);
        let deadline = transport.deadline();
        let mut resent = false;
        loop {
            // Whatever befalls the token fetch, this call's request was not written.
            let token = state
                .token(transport, config, deadline)
                .map_err(Error::before_sending)?;
            let req = HttpRequest {
                provider: Provider::Daraja,
                method: "POST",
                url: &url,
                headers: vec![
                    (
                        "Authorization",
                        format!("Bearer {}", token.value.expose()).into(),
                    ),
                    ("Content-Type", "application/json".into()),
                    ("Accept", "application/json".into()),
                ],
                body: Some(&payload),
                safety,
                op,
                deadline,
            };
            let resp = transport.send(&req)?;
            match interpret(resp.status, &resp.body, resp.retry_after) {
                Err(e) if !resent && is_invalid_token(&e) => {
                    log::debug!("tuma: {op}: access token refused, fetching a new one");
                    state.invalidate(&token);
                    resent = true;
                }
                other => return other,
            }
        }
    }
}

fn is_invalid_token(e: &Error) -> bool {
    e.code().is_some_and(|c| INVALID_TOKEN_CODES.contains(&c))
}

/// A 2xx JSON object as is; anything else as the matching error.
pub(crate) fn interpret(status: u16, body: &str, retry_after: Option<Duration>) -> Result<Value> {
    if (200..300).contains(&status) {
        return match serde_json::from_str::<Value>(body) {
            Ok(v @ Value::Object(_)) if v.get("errorCode").is_none() => Ok(v),
            Ok(Value::Object(_)) => Err(interpret_error(status, body, retry_after)),
            _ => Err(Error::decode(
                Provider::Daraja,
                status,
                "the answer is not a JSON object",
                body,
            )),
        };
    }
    Err(interpret_error(status, body, retry_after))
}

/// The error of a non-2xx answer (or a 2xx carrying Daraja's error body).
pub(crate) fn interpret_error(status: u16, body: &str, retry_after: Option<Duration>) -> Error {
    let parsed: Option<Value> = serde_json::from_str(body).ok().filter(Value::is_object);
    let code = parsed
        .as_ref()
        .and_then(|v| v.get("errorCode"))
        .and_then(crate::json::as_code);
    let message = parsed
        .as_ref()
        .and_then(|v| {
            v.get("errorMessage")
                .or_else(|| v.get("ResponseDescription"))
                .or_else(|| v.get("ResultDesc"))
        })
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let request_id = parsed
        .as_ref()
        .and_then(|v| v.get("requestId"))
        .and_then(crate::json::as_code);
    let fate = crate::refusals::daraja(status, code.as_deref(), &message);
    if status == 429
        || code
            .as_deref()
            .is_some_and(|c| RATE_LIMIT_CODES.contains(&c))
    {
        // A bare 429 is not Daraja's (it throttles with HTTP 500 and a code): refused only
        // with the documented code.
        return Error::rate_limited(
            Provider::Daraja,
            retry_after,
            if message.is_empty() {
                "too many requests".into()
            } else {
                message
            },
            fate,
        );
    }
    match code {
        Some(code) => Error::Api(ApiError {
            provider: Provider::Daraja,
            status,
            code: Some(code),
            message,
            request_id,
            fate,
            recovery: None,
        }),
        None if status == 401 => Error::authentication(
            Provider::Daraja,
            status,
            if message.is_empty() {
                "access refused".into()
            } else {
                message
            },
        )
        .with_fate(fate),
        None if status == 403 => Error::authorization(
            Provider::Daraja,
            status,
            if message.is_empty() {
                "forbidden".into()
            } else {
                message
            },
        )
        .with_fate(fate),
        None => Error::decode(
            Provider::Daraja,
            status,
            "the answer is not Daraja's error body",
            body,
        ),
    }
}

/// Fails with `Error::Api` when `ResponseCode` is not zero, and with a decode error (outcome
/// unknown) when it is missing.
pub(crate) fn check_response_code(v: &Value, status: u16) -> Result<()> {
    // The common case, "0" or 0, without building a string.
    let accepted = match v.get("ResponseCode") {
        Some(Value::String(s)) => {
            let s = s.trim();
            !s.is_empty() && s.bytes().all(|b| b == b'0')
        }
        Some(Value::Number(n)) => n.as_u64() == Some(0),
        _ => false,
    };
    if accepted {
        return Ok(());
    }
    let Some(code) = text(v, "ResponseCode") else {
        // Every synchronous answer carries one: a 2xx without it is not an acceptance.
        return Err(Error::decode(
            Provider::Daraja,
            status,
            "the answer has no `ResponseCode`",
            &v.to_string(),
        ));
    };
    if code.chars().all(|c| c == '0') && !code.is_empty() {
        return Ok(());
    }
    Err(Error::Api(ApiError {
        provider: Provider::Daraja,
        status,
        code: Some(code),
        message: text(v, "ResponseDescription")
            .or_else(|| text(v, "errorMessage"))
            .unwrap_or_default(),
        request_id: text(v, "requestId"),
        // A non-zero ResponseCode in a 2xx answer is not a documented refusal.
        fate: Fate::Unknown,
        recovery: None,
    }))
}

/// The initiator and the result URLs of an initiator request.
struct InitiatorEnvelope<'a> {
    name: &'a str,
    credential: &'a str,
    result_url: String,
    timeout_url: String,
}

/// Copies the provider ids an (unexpected) answer carried into a recovery record.
pub(crate) fn answer_ids(r: &mut crate::Recovery, v: &Value) {
    r.checkout_request_id = text(v, "CheckoutRequestID").or(r.checkout_request_id.take());
    r.conversation_id = text(v, "ConversationID").or(r.conversation_id.take());
    r.request_id = text(v, "requestId")
        .or_else(|| text(v, "MerchantRequestID"))
        .or(r.request_id.take());
    if let Some(id) = text(v, "OriginatorConversationID") {
        r.originator_conversation_id = Some(id);
    }
}

/// A field as a string, whether Daraja sent a string or a number.
pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(crate::json::as_code)
}

/// A required field of a synchronous answer, as a string.
pub(crate) fn required(v: &Value, key: &str) -> Result<String> {
    text(v, key).ok_or_else(|| {
        Error::decode(
            Provider::Daraja,
            200,
            format!("the answer has no `{key}`"),
            &v.to_string(),
        )
    })
}

/// A shortcode argument: the one given, else the configured one.
pub(crate) fn shortcode_arg(field: &str, given: Option<&str>, default: &str) -> Result<String> {
    let v = given.unwrap_or(default).trim();
    config::shortcode_rule(v).map_err(|r| Error::invalid(field, r))?;
    Ok(v.to_string())
}

/// A random id in the UUID v4 form, for `OriginatorConversationID`.
pub fn new_originator_conversation_id() -> String {
    use rand::Rng;
    let mut b: [u8; 16] = rand::thread_rng().gen();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_become_typed_errors() {
        let e = interpret(
            400,
            r#"{"requestId":"abc-1","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid Amount"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(e.kind(), "api");
        assert_eq!(e.code(), Some("400.002.02"));
        assert_eq!(e.request_id(), Some("abc-1"));
        assert_eq!(e.status(), Some(400));
        for code in RATE_LIMIT_CODES {
            let body = format!(r#"{{"requestId":"x","errorCode":"{code}","errorMessage":"busy"}}"#);
            assert_eq!(
                interpret(500, &body, None).unwrap_err().kind(),
                "rate_limited"
            );
        }
        let e = interpret(429, "", Some(Duration::from_secs(3))).unwrap_err();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        let e = interpret(
            404,
            r#"{"requestId":"x","errorCode":"404.001.03","errorMessage":"Invalid Access Token"}"#,
            None,
        )
        .unwrap_err();
        assert!(is_invalid_token(&e));
        let e = interpret(502, "<html>bad</html>", None).unwrap_err();
        assert_eq!(e.kind(), "decode");
        assert!(e.outcome_unknown());
        let e = interpret(200, "not json", None).unwrap_err();
        assert_eq!(e.kind(), "decode");
        let ok = interpret(200, r#"{"ResponseCode":"0"}"#, None).unwrap();
        assert!(check_response_code(&ok, 200).is_ok());
        let v: Value = serde_json::json!({"ResponseCode": "1", "ResponseDescription": "nope"});
        assert_eq!(check_response_code(&v, 200).unwrap_err().code(), Some("1"));
    }

    #[test]
    fn originator_ids_are_uuid_like_and_unique() {
        let a = new_originator_conversation_id();
        let b = new_originator_conversation_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }
}
