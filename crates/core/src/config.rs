//! Client configuration: credentials and base URL per provider, timeouts, retries.

use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// Statum's production base URL.
pub const STATUM_PRODUCTION_URL: &str = "https://api.statum.co.ke/api/v2/";

/// Everything a [`crate::Client`] needs. Each provider part is optional: configure the ones
/// you use. Deserialisable from JSON (the form the C, Python and Node bindings pass).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Statum credentials (SMS, airtime, account).
    pub statum: Option<StatumConfig>,
    /// Daraja (M-Pesa) credentials.
    pub daraja: Option<crate::daraja::DarajaConfig>,
    /// UMS Pay credentials.
    pub umspay: Option<crate::umspay::UmsPayConfig>,
    /// Timeouts, retries and transport settings.
    pub http: HttpConfig,
    /// Where shared state lives: the process (default) or a Redis shared by a fleet.
    pub store: Option<crate::store::StoreConfig>,
}

/// Statum credentials: the consumer key and secret from the dashboard.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatumConfig {
    /// Consumer key.
    pub consumer_key: String,
    /// Consumer secret (never printed).
    pub consumer_secret: Secret,
    /// Base URL; defaults to production, [`STATUM_PRODUCTION_URL`].
    #[serde(default = "default_statum_url")]
    pub base_url: String,
}

fn default_statum_url() -> String {
    STATUM_PRODUCTION_URL.to_string()
}

impl StatumConfig {
    /// Production Statum with these credentials.
    pub fn new(consumer_key: impl Into<String>, consumer_secret: impl Into<Secret>) -> Self {
        StatumConfig {
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
            base_url: default_statum_url(),
        }
    }

    /// The same credentials against another base URL (a sandbox, a proxy).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }
}

/// Timeouts, retries and transport settings shared by every provider.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Time allowed to open a connection (TCP and TLS), in milliseconds. Default 10 000.
    pub connect_timeout_ms: u64,
    /// Time allowed for a whole call, in milliseconds. Default 30 000.
    pub timeout_ms: u64,
    /// Retries of a safe request (token, query, a request never sent). Default 2.
    pub max_retries: u32,
    /// First backoff before a retry, in milliseconds (doubled each time, with jitter). Default 200.
    pub retry_initial_backoff_ms: u64,
    /// Largest backoff, in milliseconds. Default 5 000.
    pub retry_max_backoff_ms: u64,
    /// Allows plain `http://` base URLs on hosts other than loopback. Default false.
    pub allow_insecure_http: bool,
    /// Appended to the `User-Agent` in parentheses, e.g. the binding: `python`.
    pub user_agent_suffix: Option<String>,
    /// Extra trusted root certificates (PEM, one or more), added to the built-in Mozilla
    /// roots: a corporate TLS-inspecting proxy's CA, or a test CA.
    pub extra_root_certificates_pem: Option<String>,
    /// Most worker threads of the asynchronous bindings (Python's `AsyncClient`, Node):
    /// calls in flight at once. Default [`HttpConfig::default_max_threads`]: 1,024, or half
    /// the process's open-files limit when that is lower.
    pub max_threads: usize,
    /// Most calls waiting for a worker beyond `max_threads`; one more is refused with a
    /// `busy` error, not sent. Default 100 000.
    pub max_queued: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout_ms: 10_000,
            timeout_ms: 30_000,
            max_retries: 2,
            retry_initial_backoff_ms: 200,
            retry_max_backoff_ms: 5_000,
            allow_insecure_http: false,
            user_agent_suffix: None,
            extra_root_certificates_pem: None,
            max_threads: HttpConfig::default_max_threads(),
            max_queued: 100_000,
        }
    }
}

/// Half `soft_limit` open files, between 64 and 1,024 (1,024 when unlimited or unknown).
fn threads_for_open_files(soft_limit: Option<u64>) -> usize {
    const MOST: usize = 1024;
    const LEAST: usize = 64;
    soft_limit.map_or(MOST, |open_files| {
        usize::try_from(open_files / 2)
            .unwrap_or(MOST)
            .clamp(LEAST, MOST)
    })
}

/// The process's soft limit of open files; `None` when unlimited or unknown.
fn open_files_soft_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes the local struct it is given, nothing else.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0
            && limit.rlim_cur != libc::RLIM_INFINITY
        {
            // rlim_t is u64 on Linux, not on every unix.
            #[allow(clippy::unnecessary_cast)]
            return Some(limit.rlim_cur as u64);
        }
    }
    None
}

impl HttpConfig {
    /// The default `max_threads`: 1,024, or half the process's soft limit of open files
    /// when that is lower (512 under the common 1,024), and at least 64.
    ///
    /// Each call in flight holds a connection, so a file descriptor, and a burst leaves
    /// that many connections pooled: half the limit leaves the other half to the program.
    /// Read when the configuration is made; Node raises its own soft limit to the hard one
    /// at start-up, Python does not (`resource.setrlimit`).
    pub fn default_max_threads() -> usize {
        threads_for_open_files(open_files_soft_limit())
    }

    pub(crate) fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }
    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

impl Config {
    /// Parses a JSON configuration document.
    pub fn from_json(json: &str) -> Result<Config> {
        serde_json::from_str(json).map_err(|e| Error::config("config", json_error(&e)))
    }

    /// Reads the configuration from `TUMA_*` environment variables:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `TUMA_STATUM_CONSUMER_KEY`, `TUMA_STATUM_CONSUMER_SECRET`, `TUMA_STATUM_BASE_URL` | Statum |
    /// | `TUMA_DARAJA_*` | Daraja, see [`crate::daraja::DarajaConfig::from_env`] |
    /// | `TUMA_UMSPAY_*` | UMS Pay, see [`crate::umspay::UmsPayConfig::from_env`] |
    /// | `TUMA_CONNECT_TIMEOUT_MS`, `TUMA_TIMEOUT_MS`, `TUMA_MAX_RETRIES` | transport |
    /// | `TUMA_MAX_THREADS`, `TUMA_MAX_QUEUED` | the bindings' worker pool |
    /// | `TUMA_ALLOW_INSECURE_HTTP` | `1` allows plain http to non-loopback hosts |
    /// | `TUMA_EXTRA_ROOT_CERTIFICATES_FILE` | a PEM file of extra trusted roots (corporate proxy CA) |
    /// | `TUMA_STORE_URL`, `TUMA_STORE_PREFIX`, `TUMA_STORE_TIMEOUT_MS` | shared state store (`memory` or `redis://…`) |
    ///
    /// A provider is configured when its key variable is set; a key without its secret is
    /// an error.
    pub fn from_env() -> Result<Config> {
        let mut config = Config::default();
        if let Some(key) = env("TUMA_STATUM_CONSUMER_KEY") {
            let secret = env("TUMA_STATUM_CONSUMER_SECRET").ok_or_else(|| {
                Error::config(
                    "TUMA_STATUM_CONSUMER_SECRET",
                    "must be set when TUMA_STATUM_CONSUMER_KEY is",
                )
            })?;
            let mut statum = StatumConfig::new(key, secret);
            if let Some(url) = env("TUMA_STATUM_BASE_URL") {
                statum.base_url = url;
            }
            config.statum = Some(statum);
        }
        config.daraja = crate::daraja::DarajaConfig::from_env()?;
        config.umspay = crate::umspay::UmsPayConfig::from_env()?;
        if let Some(v) = env_u64("TUMA_CONNECT_TIMEOUT_MS")? {
            config.http.connect_timeout_ms = v;
        }
        if let Some(v) = env_u64("TUMA_TIMEOUT_MS")? {
            config.http.timeout_ms = v;
        }
        if let Some(v) = env_u64("TUMA_MAX_RETRIES")? {
            config.http.max_retries = v.min(10) as u32;
        }
        if let Some(v) = env_u64("TUMA_MAX_THREADS")? {
            config.http.max_threads = usize::try_from(v).unwrap_or(usize::MAX);
        }
        if let Some(v) = env_u64("TUMA_MAX_QUEUED")? {
            config.http.max_queued = usize::try_from(v).unwrap_or(usize::MAX);
        }
        if let Some(url) = env("TUMA_STORE_URL") {
            let mut store = crate::store::StoreConfig::new(url);
            if let Some(prefix) = env("TUMA_STORE_PREFIX") {
                store.key_prefix = prefix;
            }
            if let Some(ms) = env_u64("TUMA_STORE_TIMEOUT_MS")? {
                store.timeout_ms = ms;
            }
            config.store = Some(store);
        }
        if let Some(path) = env("TUMA_EXTRA_ROOT_CERTIFICATES_FILE") {
            let pem = std::fs::read_to_string(&path).map_err(|e| {
                Error::config(
                    "TUMA_EXTRA_ROOT_CERTIFICATES_FILE",
                    format!("cannot be read: {}", e.kind()),
                )
            })?;
            config.http.extra_root_certificates_pem = Some(pem);
        }
        if let Some(v) = env("TUMA_ALLOW_INSECURE_HTTP") {
            config.http.allow_insecure_http = matches!(v.as_str(), "1" | "true" | "yes");
        }
        Ok(config)
    }

    /// Checks every configured part; [`crate::Client::new`] calls it.
    pub fn validate(&self) -> Result<()> {
        let h = &self.http;
        if h.connect_timeout_ms == 0 {
            return Err(Error::config(
                "http.connect_timeout_ms",
                "must be greater than 0",
            ));
        }
        if h.timeout_ms <= h.connect_timeout_ms {
            return Err(Error::config(
                "http.timeout_ms",
                "must be greater than http.connect_timeout_ms",
            ));
        }
        if h.max_retries > 10 {
            return Err(Error::config("http.max_retries", "must be at most 10"));
        }
        if h.max_threads == 0 || h.max_threads > 100_000 {
            return Err(Error::config(
                "http.max_threads",
                "must be between 1 and 100000",
            ));
        }
        if let Some(pem) = &h.extra_root_certificates_pem {
            crate::http::extra_roots(pem)?;
        }
        if let Some(s) = &self.statum {
            require("statum.consumer_key", &s.consumer_key)?;
            require("statum.consumer_secret", s.consumer_secret.expose())?;
            check_base_url("statum.base_url", &s.base_url, h.allow_insecure_http)?;
        }
        if let Some(d) = &self.daraja {
            d.validate(h.allow_insecure_http)?;
        }
        if let Some(u) = &self.umspay {
            u.validate(h.allow_insecure_http)?;
        }
        if let Some(store) = &self.store {
            store.validate()?;
        }
        Ok(())
    }
}

pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn env_u64(name: &str) -> Result<Option<u64>> {
    env(name)
        .map(|v| {
            v.parse()
                .map_err(|_| Error::config(name, "must be a whole number"))
        })
        .transpose()
}

/// Errors with `field` when `value` is empty or blank.
pub(crate) fn require(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::config(field, "is required"));
    }
    Ok(())
}

/// A base URL must be https, or plain http on loopback (or with `allow_insecure_http`).
pub(crate) fn check_base_url(field: &str, url: &str, allow_insecure_http: bool) -> Result<()> {
    if url.starts_with("https://") && url.len() > "https://".len() {
        return Ok(());
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(Error::config(field, "must be an https:// URL"));
    };
    // The host is what follows any `user:password@` in the authority: in
    // `http://127.0.0.1:1@evil.example/` it is evil.example.
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    let loopback = host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback || allow_insecure_http {
        Ok(())
    } else {
        Err(Error::config(
            field,
            "must use https:// (plain http is allowed only for loopback hosts or with http.allow_insecure_http)",
        ))
    }
}

/// serde's message with every quoted value blanked out: serde echoes offending values
/// (`invalid type: string "..."`), and a value may be a secret.
///
/// A field name (`` unknown field `nope` ``, `` missing field `consumer_key` ``) is kept:
/// it names the setting at fault and is never a value.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let mut out = String::new();
    let mut quote: Option<(char, bool)> = None;
    for c in text.chars() {
        match quote {
            Some((q, _)) if c == q => {
                out.push(c);
                quote = None;
            }
            Some((_, true)) => out.push(c),
            Some((_, false)) => {}
            None => {
                out.push(c);
                if c == '"' || c == '`' {
                    let names_a_field = c == '`' && out.trim_end_matches('`').ends_with("field ");
                    if !names_a_field {
                        out.push('…');
                    }
                    quote = Some((c, names_a_field));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert!(check_base_url("u", "https://api.statum.co.ke/api/v2/", false).is_ok());
        assert!(check_base_url("u", "http://127.0.0.1:8080/x", false).is_ok());
        assert!(check_base_url("u", "http://localhost/x", false).is_ok());
        assert!(check_base_url("u", "http://[::1]:9/x", false).is_ok());
        assert!(check_base_url("u", "http://example.com/x", false).is_err());
        assert!(check_base_url("u", "http://example.com/x", true).is_ok());
        assert!(check_base_url("u", "ftp://example.com", true).is_err());
        assert!(check_base_url("u", "https://", false).is_err());
        // Userinfo that looks like a loopback host:port does not make the host loopback.
        assert!(check_base_url("u", "http://127.0.0.1:1@example.com/", false).is_err());
        assert!(check_base_url("u", "http://localhost@example.com/", false).is_err());
        assert!(check_base_url("u", "http://user:pw@127.0.0.1:9/", false).is_ok());
    }

    #[test]
    fn json_errors_name_fields_but_never_values() {
        let e = Config::from_json(
            r#"{"statum": {"consumer_key": "k", "consumer_secret": "s3cr3t", "nope": 1}}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("`nope`"), "{e}");
        let e = Config::from_json(r#"{"statum": {"consumer_key": "k"}}"#).unwrap_err();
        assert!(e.to_string().contains("`consumer_secret`"), "{e}");
        let e = Config::from_json(r#"{"statum": {"consumer_key": "k", "consumer_secret": 5}}"#)
            .unwrap_err();
        assert!(e.to_string().contains("integer `…`"), "{e}");
        let e = Config::from_json(r#"{"http": {"timeout_ms": "s3cr3t"}}"#).unwrap_err();
        assert!(!e.to_string().contains("s3cr3t"), "{e}");
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let c = StatumConfig::new("key", "very-secret-value");
        assert!(!format!("{c:?}").contains("very-secret-value"));
    }

    #[test]
    fn default_max_threads_follows_the_open_files_limit() {
        assert_eq!(threads_for_open_files(Some(1024)), 512);
        assert_eq!(threads_for_open_files(Some(256)), 128);
        assert_eq!(threads_for_open_files(Some(20)), 64);
        assert_eq!(threads_for_open_files(Some(2048)), 1024);
        assert_eq!(threads_for_open_files(Some(1 << 20)), 1024);
        assert_eq!(threads_for_open_files(None), 1024);
        assert_eq!(
            HttpConfig::default().max_threads,
            threads_for_open_files(open_files_soft_limit())
        );
    }
}
