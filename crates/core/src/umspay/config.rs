//! UMS Pay settings: credentials, base URL and the client-side rate limits.

use serde::Deserialize;

use crate::config::{check_base_url, env, require};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// UMS Pay's production base URL.
pub const UMSPAY_PRODUCTION_URL: &str = "https://api.umspay.co.ke/api/v1";

/// UMS Pay's published limit: requests per second per API key.
pub const DEFAULT_RATE_PER_SECOND: u32 = 10;

/// UMS Pay's published limit: requests per day per API key.
pub const DEFAULT_DAILY_QUOTA: u32 = 5_000;

/// UMS Pay credentials and settings.
///
/// The API key travels inside every JSON body (UMS Pay has no auth header); it is a
/// [`Secret`], so it never shows in `Debug` output, errors or logs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UmsPayConfig {
    /// API key (dashboard: Settings → API). Never printed.
    pub api_key: Secret,
    /// The email the UMS Pay account is registered with.
    pub email: String,
    /// The linked account id (dashboard: Linked Accounts), sent as `account_id` with pushes.
    pub account_id: String,
    /// Base URL; defaults to production, [`UMSPAY_PRODUCTION_URL`].
    #[serde(default = "default_url")]
    pub base_url: String,
    /// Requests per second the client allows itself (all threads of a client together,
    /// status queries included). Default 10, UMS Pay's limit per API key. Calls over the
    /// rate wait; they do not fail.
    #[serde(default = "default_rate")]
    pub rate_per_second: u32,
    /// Requests per day (East Africa Time) the client allows itself. Default 5 000, UMS Pay's
    /// limit per API key. Beyond it, calls fail with [`Error::RateLimited`] before sending.
    #[serde(default = "default_quota")]
    pub daily_quota: u32,
    /// Use the legacy, misspelled push endpoint `/intiatestk` instead of `/initiatestkpush`
    /// (for the old `api.umeskiasoftwares.com` host). Default false.
    #[serde(default)]
    pub legacy_endpoints: bool,
}

fn default_url() -> String {
    UMSPAY_PRODUCTION_URL.to_string()
}
fn default_rate() -> u32 {
    DEFAULT_RATE_PER_SECOND
}
fn default_quota() -> u32 {
    DEFAULT_DAILY_QUOTA
}

impl UmsPayConfig {
    /// Production UMS Pay with these credentials and the published rate limits.
    pub fn new(
        api_key: impl Into<Secret>,
        email: impl Into<String>,
        account_id: impl Into<String>,
    ) -> Self {
        UmsPayConfig {
            api_key: api_key.into(),
            email: email.into(),
            account_id: account_id.into(),
            base_url: default_url(),
            rate_per_second: DEFAULT_RATE_PER_SECOND,
            daily_quota: DEFAULT_DAILY_QUOTA,
            legacy_endpoints: false,
        }
    }

    /// The same settings against another base URL (a sandbox, a proxy).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Reads `TUMA_UMSPAY_API_KEY`, `TUMA_UMSPAY_EMAIL`, `TUMA_UMSPAY_ACCOUNT_ID` and the
    /// optional `TUMA_UMSPAY_BASE_URL`, `TUMA_UMSPAY_RATE_PER_SECOND`,
    /// `TUMA_UMSPAY_DAILY_QUOTA`. `None` when `TUMA_UMSPAY_API_KEY` is not set; the key
    /// without the email or account id is an error.
    pub fn from_env() -> Result<Option<Self>> {
        let Some(key) = env("TUMA_UMSPAY_API_KEY") else {
            return Ok(None);
        };
        let needed = |name: &str| {
            env(name).ok_or_else(|| Error::config(name, "must be set when TUMA_UMSPAY_API_KEY is"))
        };
        let mut config = UmsPayConfig::new(
            key,
            needed("TUMA_UMSPAY_EMAIL")?,
            needed("TUMA_UMSPAY_ACCOUNT_ID")?,
        );
        if let Some(url) = env("TUMA_UMSPAY_BASE_URL") {
            config.base_url = url;
        }
        if let Some(v) = env("TUMA_UMSPAY_RATE_PER_SECOND") {
            config.rate_per_second = v.parse().map_err(|_| {
                Error::config("TUMA_UMSPAY_RATE_PER_SECOND", "must be a whole number")
            })?;
        }
        if let Some(v) = env("TUMA_UMSPAY_DAILY_QUOTA") {
            config.daily_quota = v
                .parse()
                .map_err(|_| Error::config("TUMA_UMSPAY_DAILY_QUOTA", "must be a whole number"))?;
        }
        Ok(Some(config))
    }

    /// Checks the settings; [`crate::Client::new`] calls it.
    pub fn validate(&self, allow_insecure_http: bool) -> Result<()> {
        require("umspay.api_key", self.api_key.expose())?;
        require("umspay.email", &self.email)?;
        require("umspay.account_id", &self.account_id)?;
        if !self.email.contains('@') {
            return Err(Error::config("umspay.email", "must be an email address"));
        }
        check_base_url("umspay.base_url", &self.base_url, allow_insecure_http)?;
        if self.rate_per_second == 0 || self.rate_per_second > 1_000 {
            return Err(Error::config(
                "umspay.rate_per_second",
                "must be between 1 and 1000",
            ));
        }
        if self.daily_quota == 0 {
            return Err(Error::config(
                "umspay.daily_quota",
                "must be greater than 0",
            ));
        }
        Ok(())
    }
}
