//! Safaricom Daraja (M-Pesa). Placeholder: filled in by the Daraja work.

use serde::Deserialize;

use crate::client::Client;
use crate::error::Result;

/// Daraja credentials and settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DarajaConfig {
    /// Consumer key.
    pub consumer_key: String,
}

impl DarajaConfig {
    /// Reads `TUMA_DARAJA_*` variables; `None` when Daraja is not configured.
    pub fn from_env() -> Result<Option<Self>> {
        Ok(None)
    }
    pub(crate) fn validate(&self, _allow_insecure_http: bool) -> Result<()> {
        Ok(())
    }
}

/// Per-client Daraja state (token cache).
pub(crate) struct DarajaState {}

impl DarajaState {
    pub(crate) fn new(_config: Option<&DarajaConfig>) -> Result<Self> {
        Ok(DarajaState {})
    }
}

/// Daraja operations of a [`Client`].
pub struct Daraja<'a> {
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
