//! UMS Pay. Placeholder: filled in by the UMS Pay work.

use serde::Deserialize;

use crate::client::Client;
use crate::error::Result;

/// UMS Pay credentials and settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UmsPayConfig {
    /// Account email.
    pub email: String,
}

impl UmsPayConfig {
    /// Reads `TUMA_UMSPAY_*` variables; `None` when UMS Pay is not configured.
    pub fn from_env() -> Result<Option<Self>> {
        Ok(None)
    }
    pub(crate) fn validate(&self, _allow_insecure_http: bool) -> Result<()> {
        Ok(())
    }
}

/// Per-client UMS Pay state (rate limiter).
pub(crate) struct UmsPayState {}

impl UmsPayState {
    pub(crate) fn new(_config: Option<&UmsPayConfig>) -> Self {
        UmsPayState {}
    }
}

/// UMS Pay operations of a [`Client`].
pub struct UmsPay<'a> {
    #[allow(dead_code)]
    pub(crate) client: &'a Client,
}

/// JSON entry points for the bindings (see [`crate::ops`]).
pub(crate) mod ops {
    use serde_json::Value;

    use crate::client::Client;
    use crate::error::Result;
    use crate::ops::Args;

    /// Operation names handled here.
    pub const OPERATIONS: &[&str] = &[];
    /// Callback kinds handled here.
    pub const CALLBACKS: &[&str] = &[];
    /// Local utilities handled here.
    pub const UTILITIES: &[&str] = &[];

    /// Runs `name` if it is one of this provider's operations.
    pub fn call(_client: &Client, _name: &str, _args: &Args<'_>) -> Option<Result<Value>> {
        None
    }
    /// Parses a callback of `kind` if it is one of this provider's.
    pub fn parse_callback(_kind: &str, _body: &[u8]) -> Option<Result<Value>> {
        None
    }
    /// Runs a local utility if it is one of this provider's.
    pub fn utility(_name: &str, _args: &Args<'_>) -> Option<Result<Value>> {
        None
    }
}
