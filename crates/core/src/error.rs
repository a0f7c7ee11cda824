//! The one error type of tuma.

use std::fmt;
use std::time::Duration;

/// Which provider an error came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Statum: SMS, airtime, account.
    Statum,
    /// Safaricom Daraja: M-Pesa.
    Daraja,
    /// UMS Pay: M-Pesa STK through Umeskia.
    Umspay,
}

impl Provider {
    /// Lower-case name: `statum`, `daraja`, `umspay`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Statum => "statum",
            Provider::Daraja => "daraja",
            Provider::Umspay => "umspay",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What became of the request of a failed call: the one question a caller must answer
/// before trying a payment again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Nothing was written to the provider (bad input, configuration, a token fetch, the
    /// rate limiter, the store, a connection that never opened): safe to send again.
    NotSent,
    /// The provider answered with one of its documented refusals: it did not process the
    /// request (see docs/money-truth.md for the table per provider).
    Refused,
    /// The request may have been read and processed: for a money-moving call, the money
    /// may have moved. Recover with [`Error::recovery`] before trying again.
    Unknown,
}

impl Fate {
    /// `not_sent`, `refused` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::NotSent => "not_sent",
            Fate::Refused => "refused",
            Fate::Unknown => "unknown",
        }
    }
}

/// What identifies a money-moving request on the caller's side and the provider's, carried
/// by every error of a money call once its input was valid: enough to query the status,
/// match a late callback or resend safely (see [`Recovery::advice`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Recovery {
    /// The operation, e.g. `daraja.stk_push`.
    pub operation: String,
    /// The phone paid or charged, normalised (`2547…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The amount in whole shillings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// The shortcode that pays or is paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortcode: Option<String>,
    /// B2B: the shortcode paid (`PartyB`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiver: Option<String>,
    /// STK push and B2B: the `AccountReference` sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_reference: Option<String>,
    /// STK push: the `Timestamp` sent (Kenyan time, `YYYYMMDDHHmmss`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// UMS Pay: the merchant `reference` sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// B2C, B2B, reversal: the `OriginatorConversationID` sent (resending with the same id
    /// is refused by Daraja as a duplicate, so it can never pay twice).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub originator_conversation_id: Option<String>,
    /// Reversal: the M-Pesa receipt being reversed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// Daraja STK: the `CheckoutRequestID`, when an answer carried one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_request_id: Option<String>,
    /// Daraja: the `ConversationID`, when an answer carried one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// UMS Pay: the `transaction_request_id`, when an answer carried one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_request_id: Option<String>,
    /// Statum or Daraja: the provider's request id, when an answer carried one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// What to do now, in one sentence (depends on the operation and the [`Fate`]).
    pub advice: String,
}

impl Recovery {
    /// A recovery record for `operation`; fill the fields that apply.
    pub(crate) fn new(operation: &str) -> Self {
        Recovery {
            operation: operation.to_string(),
            ..Recovery::default()
        }
    }

    /// The recipe of this operation for this fate (docs/money-truth.md has the long form).
    fn advice_for(&self, fate: Fate) -> String {
        let op = self.operation.as_str();
        match fate {
            Fate::NotSent => "nothing was sent: it is safe to send the request again".into(),
            Fate::Refused => {
                "the provider refused the request and did not process it: fix the cause before sending again".into()
            }
            Fate::Unknown => match op {
                "daraja.stk_push" => "do not push again yet: wait for the callback (matched by the payment journal on phone and amount) or, with a checkout_request_id, ask daraja.stk_query".into(),
                "daraja.b2c" => "do not send a new payment: ask daraja.transaction_status with original_conversation_id = originator_conversation_id, or resend with the same originator_conversation_id (Daraja refuses a duplicate)".into(),
                "daraja.b2b" => "do not send a new payment: wait for the result on your ResultURL, or ask daraja.transaction_status with the conversation id when one came back".into(),
                "daraja.reversal" => "do not send a new reversal: wait for the result on your ResultURL, or ask daraja.transaction_status with transaction_id (a second reversal of it is refused with R000001)".into(),
                "umspay.stk_push" => "do not push again yet: wait for the webhook (matched by the payment journal on phone and amount) or, with a transaction_request_id, ask umspay.transaction_status".into(),
                "statum.airtime" => "do not top up again for at least 5 minutes: wait for the airtime webhook (Statum refuses a similar request within 5 minutes) and check the Statum dashboard".into(),
                _ => "the request may have been processed: check its status before sending it again".into(),
            },
        }
    }
}

/// A provider's refusal, as it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The provider that answered.
    pub provider: Provider,
    /// HTTP status of the answer.
    pub status: u16,
    /// The provider's own code (`400.002.02`, `422`, `102`...), when it gave one.
    pub code: Option<String>,
    /// The provider's message.
    pub message: String,
    /// The provider's request id, when it gave one.
    pub request_id: Option<String>,
    /// Refused (a documented refusal) or unknown (any other answer that may follow
    /// processing, e.g. a 5xx).
    pub fate: Fate,
    /// The payment's ids, on a money call.
    pub recovery: Option<Box<Recovery>>,
}

/// The kinds of [`Error`], one per variant: what the bindings map to their exception classes
/// and result codes (each binding tests its mapping by iterating [`ErrorKind::ALL`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// [`Error::InvalidInput`].
    InvalidInput,
    /// [`Error::Config`].
    Config,
    /// [`Error::Authentication`].
    Authentication,
    /// [`Error::Authorization`].
    Authorization,
    /// [`Error::Api`].
    Api,
    /// [`Error::RateLimited`].
    RateLimited,
    /// [`Error::Network`].
    Network,
    /// [`Error::Timeout`].
    Timeout,
    /// [`Error::Decode`].
    Decode,
    /// [`Error::InvalidCallback`].
    InvalidCallback,
    /// [`Error::Store`].
    Store,
    /// [`Error::Busy`].
    Busy,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::InvalidInput,
        ErrorKind::Config,
        ErrorKind::Authentication,
        ErrorKind::Authorization,
        ErrorKind::Api,
        ErrorKind::RateLimited,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Decode,
        ErrorKind::InvalidCallback,
        ErrorKind::Store,
        ErrorKind::Busy,
    ];

    /// The stable lower-case name: `invalid_input`, `config`, `authentication`,
    /// `authorization`, `api`, `rate_limited`, `network`, `timeout`, `decode`,
    /// `invalid_callback`, `store`, `busy`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Config => "config",
            ErrorKind::Authentication => "authentication",
            ErrorKind::Authorization => "authorization",
            ErrorKind::Api => "api",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode",
            ErrorKind::InvalidCallback => "invalid_callback",
            ErrorKind::Store => "store",
            ErrorKind::Busy => "busy",
        }
    }

    /// The kind named `name` (see [`ErrorKind::as_str`]).
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// One sentence on what the kind means, for bindings' docs and messages.
    pub fn description(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "bad input, caught before any request was sent",
            ErrorKind::Config => "the client's configuration is incomplete or wrong",
            ErrorKind::Authentication => "the provider refused the credentials",
            ErrorKind::Authorization => "the credentials are valid but not allowed to do this",
            ErrorKind::Api => "the provider answered with an error",
            ErrorKind::RateLimited => "too many requests",
            ErrorKind::Network => "a connection-level failure",
            ErrorKind::Timeout => "the call ran out of time",
            ErrorKind::Decode => "the provider's answer could not be understood",
            ErrorKind::InvalidCallback => "a callback body that is not what the provider sends",
            ErrorKind::Store => "the shared state store failed or did not answer in time",
            ErrorKind::Busy => {
                "too many calls in flight: the call was not started (nothing was sent)"
            }
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong in tuma. Match on the variant, or on [`Error::kind`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// Bad input, caught before any request: `field` names the input, `rule` what it broke.
    InvalidInput {
        /// The input at fault, e.g. `phone` or `amount`.
        field: String,
        /// The rule it broke.
        rule: String,
    },
    /// The client's configuration is incomplete or wrong (missing credentials, bad URL).
    Config {
        /// The setting at fault, e.g. `statum.consumer_key`.
        field: String,
        /// What is wrong with it.
        rule: String,
    },
    /// The provider refused the credentials.
    Authentication {
        /// The provider that refused.
        provider: Provider,
        /// HTTP status of the answer.
        status: u16,
        /// The provider's message.
        message: String,
        /// Refused, or not sent when the token fetch before a call failed.
        fate: Fate,
        /// The payment's ids, on a money call.
        recovery: Option<Box<Recovery>>,
    },
    /// The provider refused access with these credentials (HTTP 403: valid, but not allowed
    /// this operation or this resource).
    Authorization {
        /// The provider that refused.
        provider: Provider,
        /// HTTP status of the answer.
        status: u16,
        /// The provider's message.
        message: String,
        /// Refused when documented (Statum), else unknown.
        fate: Fate,
        /// The payment's ids, on a money call.
        recovery: Option<Box<Recovery>>,
    },
    /// The provider answered with an error.
    Api(ApiError),
    /// Too many requests: the provider (or the client-side limiter) asked to slow down.
    RateLimited {
        /// The provider concerned.
        provider: Provider,
        /// How long to wait, when known.
        retry_after: Option<Duration>,
        /// The provider's message.
        message: String,
        /// Refused by the provider, or not sent (the client-side limiter, or a token fetch).
        fate: Fate,
        /// The payment's ids, on a money call.
        recovery: Option<Box<Recovery>>,
    },
    /// A connection-level failure.
    Network {
        /// The provider being called.
        provider: Provider,
        /// What failed (no secrets).
        message: String,
        /// Whether the request may have been processed.
        fate: Fate,
        /// The payment's ids, on a money call.
        recovery: Option<Box<Recovery>>,
    },
    /// The call ran out of time.
    Timeout {
        /// The provider being called.
        provider: Provider,
        /// Whether the request may have been processed.
        fate: Fate,
        /// The payment's ids, on a money call.
        recovery: Option<Box<Recovery>>,
    },
    /// The provider's answer could not be understood.
    Decode {
        /// The provider that answered.
        provider: Provider,
        /// HTTP status of the answer.
        status: u16,
        /// What was wrong with it.
        message: String,
        /// The start of the body (at most 200 characters; secrets are never echoed here).
        excerpt: String,
        /// Unknown, or not sent when it was the answer to a token fetch before a call.
        fate: Fate,
        /// The payment's ids, on a money call.
        recovery: Option<Box<Recovery>>,
    },
    /// The shared state store (Redis) failed or did not answer in time.
    Store {
        /// What failed (never the URL or its password).
        message: String,
        /// The payment's ids, when a money call failed on the store before sending.
        recovery: Option<Box<Recovery>>,
    },
    /// Too many calls in flight on this client's worker pool (the bindings' asynchronous
    /// calls): the call was refused before it started, so nothing was sent.
    Busy {
        /// The bound that was reached.
        message: String,
    },
    /// A callback or webhook body that is not what the provider sends.
    InvalidCallback {
        /// The provider whose callback was expected.
        provider: Provider,
        /// What is wrong with it.
        message: String,
    },
}

/// `Result` with tuma's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn invalid(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            rule: rule.into(),
        }
    }

    pub(crate) fn config(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Error::Config {
            field: field.into(),
            rule: rule.into(),
        }
    }

    pub(crate) fn decode(
        provider: Provider,
        status: u16,
        message: impl Into<String>,
        body: &str,
    ) -> Self {
        Error::Decode {
            provider,
            status,
            message: message.into(),
            excerpt: excerpt(body),
            fate: Fate::Unknown,
            recovery: None,
        }
    }

    pub(crate) fn store(message: impl Into<String>) -> Self {
        Error::Store {
            message: message.into(),
            recovery: None,
        }
    }

    pub(crate) fn authentication(
        provider: Provider,
        status: u16,
        message: impl Into<String>,
    ) -> Self {
        Error::Authentication {
            provider,
            status,
            message: message.into(),
            fate: Fate::Refused,
            recovery: None,
        }
    }

    pub(crate) fn authorization(
        provider: Provider,
        status: u16,
        message: impl Into<String>,
    ) -> Self {
        Error::Authorization {
            provider,
            status,
            message: message.into(),
            fate: Fate::Refused,
            recovery: None,
        }
    }

    pub(crate) fn rate_limited(
        provider: Provider,
        retry_after: Option<Duration>,
        message: impl Into<String>,
        fate: Fate,
    ) -> Self {
        Error::RateLimited {
            provider,
            retry_after,
            message: message.into(),
            fate,
            recovery: None,
        }
    }

    pub(crate) fn network(provider: Provider, message: impl Into<String>, fate: Fate) -> Self {
        Error::Network {
            provider,
            message: message.into(),
            fate,
            recovery: None,
        }
    }

    pub(crate) fn timeout(provider: Provider, fate: Fate) -> Self {
        Error::Timeout {
            provider,
            fate,
            recovery: None,
        }
    }

    /// What became of the request. Errors raised before any request (input, configuration,
    /// callbacks) are [`Fate::NotSent`].
    pub fn fate(&self) -> Fate {
        match self {
            Error::InvalidInput { .. }
            | Error::Config { .. }
            | Error::Store { .. }
            | Error::Busy { .. }
            | Error::InvalidCallback { .. } => Fate::NotSent,
            Error::Api(e) => e.fate,
            Error::Authentication { fate, .. }
            | Error::Authorization { fate, .. }
            | Error::RateLimited { fate, .. }
            | Error::Network { fate, .. }
            | Error::Timeout { fate, .. }
            | Error::Decode { fate, .. } => *fate,
        }
    }

    fn fate_mut(&mut self) -> Option<&mut Fate> {
        match self {
            Error::Api(e) => Some(&mut e.fate),
            Error::Authentication { fate, .. }
            | Error::Authorization { fate, .. }
            | Error::RateLimited { fate, .. }
            | Error::Network { fate, .. }
            | Error::Timeout { fate, .. }
            | Error::Decode { fate, .. } => Some(fate),
            _ => None,
        }
    }

    fn recovery_mut(&mut self) -> Option<&mut Option<Box<Recovery>>> {
        match self {
            Error::Api(e) => Some(&mut e.recovery),
            Error::Authentication { recovery, .. }
            | Error::Authorization { recovery, .. }
            | Error::RateLimited { recovery, .. }
            | Error::Network { recovery, .. }
            | Error::Timeout { recovery, .. }
            | Error::Decode { recovery, .. }
            | Error::Store { recovery, .. } => Some(recovery),
            _ => None,
        }
    }

    /// The ids that identify the payment of a failed money call, with advice on how to
    /// recover; `None` for other calls and for errors raised before the input was valid.
    pub fn recovery(&self) -> Option<&Recovery> {
        match self {
            Error::Api(e) => e.recovery.as_deref(),
            Error::Authentication { recovery, .. }
            | Error::Authorization { recovery, .. }
            | Error::RateLimited { recovery, .. }
            | Error::Network { recovery, .. }
            | Error::Timeout { recovery, .. }
            | Error::Decode { recovery, .. }
            | Error::Store { recovery, .. } => recovery.as_deref(),
            _ => None,
        }
    }

    /// Sets the fate of an error raised by a request answer (no effect on the others).
    pub(crate) fn with_fate(mut self, fate: Fate) -> Self {
        if let Some(f) = self.fate_mut() {
            *f = fate;
        }
        self
    }

    /// Marks an error that happened before the request was written (a token fetch, the rate
    /// limiter, the store): whatever it was, nothing of this call was sent.
    pub(crate) fn before_sending(self) -> Self {
        self.with_fate(Fate::NotSent)
    }

    /// Attaches the payment's ids (and the advice for this error's fate).
    pub(crate) fn with_recovery(mut self, mut recovery: Recovery) -> Self {
        let fate = self.fate();
        recovery.advice = recovery.advice_for(fate);
        if recovery.request_id.is_none() {
            recovery.request_id = self.request_id().map(str::to_string);
        }
        if let Some(slot) = self.recovery_mut() {
            *slot = Some(Box::new(recovery));
        }
        self
    }

    pub(crate) fn callback(provider: Provider, message: impl Into<String>) -> Self {
        Error::InvalidCallback {
            provider,
            message: message.into(),
        }
    }

    /// The kind of this error (see [`ErrorKind::ALL`]).
    pub fn error_kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Config { .. } => ErrorKind::Config,
            Error::Authentication { .. } => ErrorKind::Authentication,
            Error::Authorization { .. } => ErrorKind::Authorization,
            Error::Api(_) => ErrorKind::Api,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::Network { .. } => ErrorKind::Network,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::InvalidCallback { .. } => ErrorKind::InvalidCallback,
            Error::Store { .. } => ErrorKind::Store,
            Error::Busy { .. } => ErrorKind::Busy,
        }
    }

    /// The stable lower-case name of [`Error::error_kind`]: what bindings use to pick their
    /// exception class.
    pub fn kind(&self) -> &'static str {
        self.error_kind().as_str()
    }

    /// The provider involved, if any.
    pub fn provider(&self) -> Option<Provider> {
        match self {
            Error::InvalidInput { .. }
            | Error::Config { .. }
            | Error::Store { .. }
            | Error::Busy { .. } => None,
            Error::Authentication { provider, .. }
            | Error::Authorization { provider, .. }
            | Error::RateLimited { provider, .. }
            | Error::Network { provider, .. }
            | Error::Timeout { provider, .. }
            | Error::Decode { provider, .. }
            | Error::InvalidCallback { provider, .. } => Some(*provider),
            Error::Api(e) => Some(e.provider),
        }
    }

    /// The provider's own error code, if it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.code.as_deref(),
            _ => None,
        }
    }

    /// The provider's request id, if it gave one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// The input or setting at fault, for `InvalidInput` and `Config`.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. } | Error::Config { field, .. } => Some(field),
            _ => None,
        }
    }

    /// HTTP status of the provider's answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Authentication { status, .. }
            | Error::Authorization { status, .. }
            | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True when the request may have been processed although the call failed: for a
    /// money-moving call, the payment may have gone through. Check the transaction status
    /// (or wait for the callback) before sending it again.
    pub fn outcome_unknown(&self) -> bool {
        self.fate() == Fate::Unknown
    }

    /// Retry delay the provider asked for, on `RateLimited`.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput { field, rule } => write!(f, "invalid input `{field}`: {rule}"),
            Error::Config { field, rule } => write!(f, "configuration `{field}`: {rule}"),
            Error::Authentication {
                provider,
                status,
                message,
                fate,
                ..
            } => write!(
                f,
                "{provider} refused the credentials (HTTP {status}): {message}{}",
                fate_note(*fate)
            ),
            Error::Authorization {
                provider,
                status,
                message,
                fate,
                ..
            } => write!(
                f,
                "{provider} refused access with these credentials (HTTP {status}): {message}{}",
                fate_note(*fate)
            ),
            Error::Api(e) => {
                write!(f, "{} error (HTTP {}", e.provider, e.status)?;
                if let Some(code) = &e.code {
                    write!(f, ", code {code}")?;
                }
                write!(f, "): {}", e.message)?;
                if let Some(id) = &e.request_id {
                    write!(f, " [request id {id}]")?;
                }
                f.write_str(fate_note(e.fate))
            }
            Error::RateLimited {
                provider,
                retry_after,
                message,
                fate,
                ..
            } => {
                write!(f, "{provider} rate limit: {message}")?;
                if let Some(d) = retry_after {
                    write!(f, " (retry after {} ms)", d.as_millis())?;
                }
                f.write_str(fate_note(*fate))
            }
            Error::Network {
                provider,
                message,
                fate,
                ..
            } => write!(f, "network error calling {provider}: {message}{}", fate_note(*fate)),
            Error::Timeout { provider, fate, .. } => {
                write!(f, "{provider} did not answer in time{}", fate_note(*fate))
            }
            Error::Decode {
                provider,
                status,
                message,
                excerpt,
                fate,
                ..
            } => write!(
                f,
                "unexpected answer from {provider} (HTTP {status}): {message}{}; body starts: {excerpt:?}",
                fate_note(*fate)
            ),
            Error::InvalidCallback { provider, message } => {
                write!(f, "invalid {provider} callback: {message}")
            }
            Error::Store { message, .. } => write!(f, "shared state store: {message}"),
            Error::Busy { message } => write!(f, "too busy: {message} (the call was not sent)"),
        }
    }
}

fn fate_note(fate: Fate) -> &'static str {
    match fate {
        Fate::NotSent => " (the request was not sent)",
        Fate::Refused => "",
        Fate::Unknown => {
            " (unknown outcome: the request may have been processed; check status before retrying)"
        }
    }
}

impl std::error::Error for Error {}

/// The first 200 characters of a body, for error messages.
pub(crate) fn excerpt(body: &str) -> String {
    body.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_name_that_reads_back() {
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_name(kind.as_str()), Some(*kind));
            assert!(!kind.description().is_empty());
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::from(kind.as_str())
            );
        }
        assert_eq!(ErrorKind::from_name("nope"), None);
        let e = Error::authorization(Provider::Statum, 403, "Forbidden");
        assert_eq!(e.error_kind(), ErrorKind::Authorization);
        assert_eq!(
            (e.kind(), e.status(), e.fate()),
            ("authorization", Some(403), Fate::Refused)
        );
    }
}
