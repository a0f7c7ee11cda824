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

/// Whether a failed request could have been processed by the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// The request certainly never reached the provider: safe to send again.
    NotSent,
    /// The request may have reached the provider and been processed. For a money-moving
    /// call, check the transaction status before trying again.
    MaybeProcessed,
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
    },
    /// A connection-level failure.
    Network {
        /// The provider being called.
        provider: Provider,
        /// What failed (no secrets).
        message: String,
        /// Whether the request may have been processed.
        delivery: Delivery,
    },
    /// The call ran out of time.
    Timeout {
        /// The provider being called.
        provider: Provider,
        /// Whether the request may have been processed.
        delivery: Delivery,
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
    },
    /// The shared state store (Redis) failed or did not answer in time.
    Store {
        /// What failed (never the URL or its password).
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
        }
    }

    pub(crate) fn callback(provider: Provider, message: impl Into<String>) -> Self {
        Error::InvalidCallback {
            provider,
            message: message.into(),
        }
    }

    /// A stable, lower-case name of the variant: `invalid_input`, `config`,
    /// `authentication`, `api`, `rate_limited`, `network`, `timeout`, `decode`,
    /// `invalid_callback`, `store`. Bindings use it to pick their exception class.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidInput { .. } => "invalid_input",
            Error::Config { .. } => "config",
            Error::Authentication { .. } => "authentication",
            Error::Api(_) => "api",
            Error::RateLimited { .. } => "rate_limited",
            Error::Network { .. } => "network",
            Error::Timeout { .. } => "timeout",
            Error::Decode { .. } => "decode",
            Error::InvalidCallback { .. } => "invalid_callback",
            Error::Store { .. } => "store",
        }
    }

    /// The provider involved, if any.
    pub fn provider(&self) -> Option<Provider> {
        match self {
            Error::InvalidInput { .. } | Error::Config { .. } | Error::Store { .. } => None,
            Error::Authentication { provider, .. }
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
            Error::Authentication { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True when the request may have been processed although the call failed: for a
    /// money-moving call, the payment may have gone through. Check the transaction status
    /// (or wait for the callback) before sending it again.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            Error::Network {
                delivery: Delivery::MaybeProcessed,
                ..
            } | Error::Timeout {
                delivery: Delivery::MaybeProcessed,
                ..
            } | Error::Decode { .. }
        )
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
            } => write!(f, "{provider} refused the credentials (HTTP {status}): {message}"),
            Error::Api(e) => {
                write!(f, "{} error (HTTP {}", e.provider, e.status)?;
                if let Some(code) = &e.code {
                    write!(f, ", code {code}")?;
                }
                write!(f, "): {}", e.message)?;
                if let Some(id) = &e.request_id {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
            Error::RateLimited {
                provider,
                retry_after,
                message,
            } => {
                write!(f, "{provider} rate limit: {message}")?;
                if let Some(d) = retry_after {
                    write!(f, " (retry after {} ms)", d.as_millis())?;
                }
                Ok(())
            }
            Error::Network {
                provider,
                message,
                delivery,
            } => write!(f, "network error calling {provider}: {message}{}", fate(*delivery)),
            Error::Timeout { provider, delivery } => {
                write!(f, "{provider} did not answer in time{}", fate(*delivery))
            }
            Error::Decode {
                provider,
                status,
                message,
                excerpt,
            } => write!(
                f,
                "unexpected answer from {provider} (HTTP {status}): {message}; outcome unknown, check status before retrying; body starts: {excerpt:?}"
            ),
            Error::InvalidCallback { provider, message } => {
                write!(f, "invalid {provider} callback: {message}")
            }
            Error::Store { message } => write!(f, "shared state store: {message}"),
        }
    }
}

fn fate(delivery: Delivery) -> &'static str {
    match delivery {
        Delivery::NotSent => " (the request was not sent)",
        Delivery::MaybeProcessed => {
            " (unknown outcome: the request may have been processed; check status before retrying)"
        }
    }
}

impl std::error::Error for Error {}

/// The first 200 characters of a body, for error messages.
pub(crate) fn excerpt(body: &str) -> String {
    body.chars().take(200).collect()
}
