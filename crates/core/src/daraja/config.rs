//! Daraja configuration: credentials, environment, shortcodes, initiator, default URLs.

use serde::{Deserialize, Serialize};

use crate::config::{check_base_url, env, require};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Daraja's sandbox base URL.
pub const SANDBOX_URL: &str = "https://sandbox.safaricom.co.ke";
/// Daraja's production base URL.
pub const PRODUCTION_URL: &str = "https://api.safaricom.co.ke";

/// Which Daraja environment the credentials belong to.
///
/// It picks the default base URL and certificate, and the rules that differ: C2B simulate
/// exists only outside production, and plain `http://` callback URLs are refused in
/// production.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// `https://sandbox.safaricom.co.ke`.
    Sandbox,
    /// `https://api.safaricom.co.ke` (the default).
    #[default]
    Production,
}

impl Environment {
    /// The environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => SANDBOX_URL,
            Environment::Production => PRODUCTION_URL,
        }
    }

    /// Parses `sandbox` or `production` (any letter case).
    pub fn parse(value: &str) -> Option<Environment> {
        match value.trim().to_ascii_lowercase().as_str() {
            "sandbox" => Some(Environment::Sandbox),
            "production" | "live" => Some(Environment::Production),
            _ => None,
        }
    }
}

/// Daraja credentials and settings (the `daraja` part of [`crate::Config`]).
///
/// JSON form: `{"consumer_key", "consumer_secret", "environment", "base_url", "shortcode",
/// "passkey", "till_number", "initiator_name", "initiator_password", "security_credential",
/// "certificate_pem", "callback_url", "result_url", "timeout_url"}`; only `consumer_key`,
/// `consumer_secret` and `shortcode` are required.
/// `Debug` shows no secret: the credentials are [`Secret`]s and the callback URLs (which
/// hold a secret token when you follow the callback recipe) show their scheme and host only.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DarajaConfig {
    /// Consumer key of the Daraja app.
    pub consumer_key: String,
    /// Consumer secret of the Daraja app (never printed).
    pub consumer_secret: Secret,
    /// `sandbox` or `production` (default).
    #[serde(default)]
    pub environment: Environment,
    /// Overrides the environment's base URL (a proxy, the local sandbox).
    #[serde(default)]
    pub base_url: Option<String>,
    /// The business shortcode: the paybill, or for Buy Goods the store (head office) number.
    /// Also the default `PartyA` of B2C, B2B, status, balance and reversal requests.
    pub shortcode: String,
    /// The M-Pesa Express passkey of `shortcode` (needed for STK push and query).
    #[serde(default)]
    pub passkey: Option<Secret>,
    /// The till number for Buy Goods STK pushes (`PartyB`).
    #[serde(default)]
    pub till_number: Option<String>,
    /// The initiator's user name (B2C, B2B, status, balance, reversal).
    #[serde(default)]
    pub initiator_name: Option<String>,
    /// The initiator's password; encrypted into the `SecurityCredential` once.
    #[serde(default)]
    pub initiator_password: Option<Secret>,
    /// A precomputed `SecurityCredential` (used as is, instead of `initiator_password`).
    #[serde(default)]
    pub security_credential: Option<Secret>,
    /// The certificate (PEM, or base64 DER) to encrypt the initiator password with, instead
    /// of the one shipped for the environment.
    #[serde(default)]
    pub certificate_pem: Option<String>,
    /// Default `CallBackURL` of STK pushes.
    #[serde(default)]
    pub callback_url: Option<String>,
    /// Default `ResultURL` of initiator requests.
    #[serde(default)]
    pub result_url: Option<String>,
    /// Default `QueueTimeOutURL` of initiator requests.
    #[serde(default)]
    pub timeout_url: Option<String>,
}

impl std::fmt::Debug for DarajaConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = |u: &Option<String>| u.as_deref().map(crate::validate::url_origin);
        f.debug_struct("DarajaConfig")
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &self.consumer_secret)
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("shortcode", &self.shortcode)
            .field("passkey", &self.passkey)
            .field("till_number", &self.till_number)
            .field("initiator_name", &self.initiator_name)
            .field("initiator_password", &self.initiator_password)
            .field("security_credential", &self.security_credential)
            .field(
                "certificate_pem",
                &self.certificate_pem.as_ref().map(|_| "<pem>"),
            )
            .field("callback_url", &url(&self.callback_url))
            .field("result_url", &url(&self.result_url))
            .field("timeout_url", &url(&self.timeout_url))
            .finish()
    }
}

impl DarajaConfig {
    /// Credentials for `environment` with the business `shortcode`; every optional setting
    /// unset.
    pub fn new(
        consumer_key: impl Into<String>,
        consumer_secret: impl Into<Secret>,
        environment: Environment,
        shortcode: impl Into<String>,
    ) -> Self {
        DarajaConfig {
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
            environment,
            base_url: None,
            shortcode: shortcode.into(),
            passkey: None,
            till_number: None,
            initiator_name: None,
            initiator_password: None,
            security_credential: None,
            certificate_pem: None,
            callback_url: None,
            result_url: None,
            timeout_url: None,
        }
    }

    /// The base URL in use: `base_url` when set, else the environment's.
    pub fn effective_base_url(&self) -> &str {
        self.base_url
            .as_deref()
            .unwrap_or_else(|| self.environment.base_url())
    }

    /// Reads `TUMA_DARAJA_*` variables; `None` when `TUMA_DARAJA_CONSUMER_KEY` is unset.
    ///
    /// Variables: `CONSUMER_KEY`, `CONSUMER_SECRET`, `ENVIRONMENT` (`sandbox`/`production`),
    /// `BASE_URL`, `SHORTCODE`, `PASSKEY`, `TILL_NUMBER`, `INITIATOR_NAME`,
    /// `INITIATOR_PASSWORD`, `SECURITY_CREDENTIAL`, `CERTIFICATE_PEM` (the text) or
    /// `CERTIFICATE_FILE` (a path), `CALLBACK_URL`, `RESULT_URL`, `TIMEOUT_URL`, each with
    /// the `TUMA_DARAJA_` prefix.
    pub fn from_env() -> Result<Option<Self>> {
        let Some(key) = env("TUMA_DARAJA_CONSUMER_KEY") else {
            return Ok(None);
        };
        let need = |name: &str| {
            env(name)
                .ok_or_else(|| Error::config(name, "must be set when TUMA_DARAJA_CONSUMER_KEY is"))
        };
        let secret = need("TUMA_DARAJA_CONSUMER_SECRET")?;
        let shortcode = need("TUMA_DARAJA_SHORTCODE")?;
        let environment = match env("TUMA_DARAJA_ENVIRONMENT") {
            None => Environment::Production,
            Some(v) => Environment::parse(&v).ok_or_else(|| {
                Error::config("TUMA_DARAJA_ENVIRONMENT", "must be sandbox or production")
            })?,
        };
        let mut c = DarajaConfig::new(key, secret, environment, shortcode);
        c.base_url = env("TUMA_DARAJA_BASE_URL");
        c.passkey = env("TUMA_DARAJA_PASSKEY").map(Secret::new);
        c.till_number = env("TUMA_DARAJA_TILL_NUMBER");
        c.initiator_name = env("TUMA_DARAJA_INITIATOR_NAME");
        c.initiator_password = env("TUMA_DARAJA_INITIATOR_PASSWORD").map(Secret::new);
        c.security_credential = env("TUMA_DARAJA_SECURITY_CREDENTIAL").map(Secret::new);
        c.certificate_pem = env("TUMA_DARAJA_CERTIFICATE_PEM");
        if c.certificate_pem.is_none() {
            if let Some(path) = env("TUMA_DARAJA_CERTIFICATE_FILE") {
                let bytes = std::fs::read(&path).map_err(|e| {
                    Error::config("TUMA_DARAJA_CERTIFICATE_FILE", format!("cannot read: {e}"))
                })?;
                c.certificate_pem = Some(super::credential::certificate_text(&bytes));
            }
        }
        c.callback_url = env("TUMA_DARAJA_CALLBACK_URL");
        c.result_url = env("TUMA_DARAJA_RESULT_URL");
        c.timeout_url = env("TUMA_DARAJA_TIMEOUT_URL");
        Ok(Some(c))
    }

    /// Checks the settings; every error names the field (`daraja.consumer_key`...).
    pub(crate) fn validate(&self, allow_insecure_http: bool) -> Result<()> {
        require("daraja.consumer_key", &self.consumer_key)?;
        require("daraja.consumer_secret", self.consumer_secret.expose())?;
        require("daraja.shortcode", &self.shortcode)?;
        check_base_url(
            "daraja.base_url",
            self.effective_base_url(),
            allow_insecure_http,
        )?;
        shortcode_rule(&self.shortcode).map_err(|r| Error::config("daraja.shortcode", r))?;
        if let Some(till) = &self.till_number {
            shortcode_rule(till).map_err(|r| Error::config("daraja.till_number", r))?;
        }
        if let Some(p) = &self.passkey {
            require("daraja.passkey", p.expose())?;
        }
        if let Some(n) = &self.initiator_name {
            require("daraja.initiator_name", n)?;
        }
        if let Some(p) = &self.initiator_password {
            require("daraja.initiator_password", p.expose())?;
        }
        if let Some(c) = &self.security_credential {
            require("daraja.security_credential", c.expose())?;
        }
        if let Some(pem) = &self.certificate_pem {
            super::credential::public_key(pem.as_bytes())
                .map_err(|e| Error::config("daraja.certificate_pem", rule_of(&e)))?;
        }
        let allow_http = self.environment != Environment::Production;
        for (field, url) in [
            ("daraja.callback_url", &self.callback_url),
            ("daraja.result_url", &self.result_url),
            ("daraja.timeout_url", &self.timeout_url),
        ] {
            if let Some(u) = url {
                crate::validate::callback_url(field, u, allow_http)
                    .map_err(|e| Error::config(field, rule_of(&e)))?;
            }
        }
        Ok(())
    }
}

fn rule_of(e: &Error) -> String {
    match e {
        Error::InvalidInput { rule, .. } | Error::Config { rule, .. } => rule.clone(),
        other => other.to_string(),
    }
}

/// A shortcode or till: 5 to 7 digits.
pub(crate) fn shortcode_rule(value: &str) -> std::result::Result<(), &'static str> {
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err("must be digits only");
    }
    if !(5..=7).contains(&v.len()) {
        return Err("must be 5 to 7 digits");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        let c: DarajaConfig = serde_json::from_str(
            r#"{"consumer_key":"k","consumer_secret":"s","shortcode":"174379","environment":"sandbox"}"#,
        )
        .unwrap();
        assert_eq!(c.environment, Environment::Sandbox);
        assert_eq!(c.effective_base_url(), SANDBOX_URL);
        assert!(c.validate(false).is_ok());
        let missing = DarajaConfig::new("", "s", Environment::Sandbox, "174379");
        assert_eq!(
            missing.validate(false).unwrap_err().field(),
            Some("daraja.consumer_key")
        );
        let bad = DarajaConfig::new("k", "", Environment::Sandbox, "174379");
        assert_eq!(
            bad.validate(false).unwrap_err().field(),
            Some("daraja.consumer_secret")
        );
        let bad = DarajaConfig::new("k", "s", Environment::Sandbox, "17a");
        assert_eq!(
            bad.validate(false).unwrap_err().field(),
            Some("daraja.shortcode")
        );
        let mut bad = DarajaConfig::new("k", "s", Environment::Production, "174379");
        bad.callback_url = Some("http://example.com/cb".into());
        assert_eq!(
            bad.validate(false).unwrap_err().field(),
            Some("daraja.callback_url")
        );
        let mut bad = DarajaConfig::new("k", "s", Environment::Production, "174379");
        bad.certificate_pem = Some("not a certificate".into());
        assert_eq!(
            bad.validate(false).unwrap_err().field(),
            Some("daraja.certificate_pem")
        );
        assert!(serde_json::from_str::<DarajaConfig>(
            r#"{"consumer_key":"k","consumer_secret":"s","shortcode":"174379","bogus":1}"#
        )
        .is_err());
    }

    #[test]
    fn secrets_stay_hidden() {
        let mut c = DarajaConfig::new("k", "consumer-secret-x", Environment::Sandbox, "174379");
        c.passkey = Some("passkey-x".into());
        c.initiator_password = Some("initiator-x".into());
        let shown = format!("{c:?}");
        assert!(!shown.contains("consumer-secret-x"));
        assert!(!shown.contains("passkey-x"));
        assert!(!shown.contains("initiator-x"));
    }
}
