//! The OAuth token: fetched once, cached per client, shared by every thread, refreshed
//! shortly before it expires, and fetched by exactly one thread at a time (single flight).

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;

use super::config::DarajaConfig;
use crate::error::{Error, Provider, Result};
use crate::http::{HttpRequest, Safety, Transport};
use crate::secret::Secret;
use crate::store::{StateStore, StoredToken};

/// Path of the token endpoint.
pub(crate) const TOKEN_PATH: &str = "oauth/v1/generate?grant_type=client_credentials";

/// A token handed to a caller, with the generation that lets it be dropped precisely.
#[derive(Clone)]
pub(crate) struct Token {
    pub value: Secret,
    pub generation: u64,
}

struct Cached {
    token: Token,
    refresh_at: Instant,
    /// When the provider stops accepting it: a refresh that fails before then keeps it.
    expires_at: Instant,
}

/// After a failed early refresh, how long the still-valid token is used before the next
/// attempt (so an outage does not turn every call into a token fetch).
const REFRESH_RETRY: Duration = Duration::from_secs(5);

#[derive(Default)]
struct Slot {
    cached: Option<Cached>,
    fetching: bool,
    /// Number of the latest fetch started.
    flight: u64,
    /// Number of tokens stored so far.
    generation: u64,
    /// The error of a failed fetch, for the threads that waited on it.
    failure: Option<(u64, Error)>,
}

/// The token cache of one set of credentials, shared through the process-wide registry
/// by every client made with them.
#[derive(Default)]
pub(crate) struct TokenCache {
    slot: Mutex<Slot>,
    done: Condvar,
}

/// Where tokens are shared beyond this process (a Redis store), and under which keys.
pub(crate) struct FleetTokens {
    pub store: Arc<dyn StateStore>,
    pub key: String,
}

/// Per-client Daraja state: the (shared) token cache and the precomputed `SecurityCredential`.
pub(crate) struct DarajaState {
    cache: Arc<TokenCache>,
    fleet: Option<FleetTokens>,
    /// The `SecurityCredential`, given or computed once from the initiator password.
    pub credential: Option<Secret>,
    /// The STK timestamp and password of the current second: every push within one second
    /// carries the same pair, so it is built once per second.
    pub stk_password: std::sync::Mutex<Option<StkPassword>>,
}

/// An STK `Timestamp` and the `Password` made from it.
#[derive(Clone)]
pub(crate) struct StkPassword {
    pub unix_seconds: u64,
    pub timestamp: String,
    pub password: Secret,
}

impl DarajaState {
    /// State for `config`: the token cache shared by every client with the same credentials
    /// (and, with a Redis store, by every process); computes the `SecurityCredential` when a
    /// password is set.
    pub(crate) fn new(config: Option<&DarajaConfig>, store: &Arc<dyn StateStore>) -> Result<Self> {
        let credential = match config {
            Some(c) => match (&c.security_credential, &c.initiator_password) {
                (Some(given), _) => Some(given.clone()),
                (None, Some(password)) => {
                    let cert = c
                        .certificate_pem
                        .as_deref()
                        .unwrap_or_else(|| super::credential::default_certificate(c.environment));
                    let made = super::credential::security_credential_with(
                        password.expose(),
                        cert.as_bytes(),
                    )
                    .map_err(|e| Error::config("daraja.initiator_password", e.to_string()))?;
                    Some(Secret::new(made))
                }
                (None, None) => None,
            },
            None => None,
        };
        let (cache, fleet) = match config {
            Some(c) => {
                let base = c.effective_base_url();
                let cache = crate::registry::shared(
                    &["daraja", base, &c.consumer_key, c.consumer_secret.expose()],
                    TokenCache::default,
                );
                let fleet = store.is_fleet_wide().then(|| FleetTokens {
                    store: store.clone(),
                    // Public material only: no secret in a key name.
                    key: format!(
                        "daraja:{}",
                        crate::store::fingerprint(&["daraja", base, &c.consumer_key])
                    ),
                });
                (cache, fleet)
            }
            None => (Arc::new(TokenCache::default()), None),
        };
        Ok(DarajaState {
            stk_password: std::sync::Mutex::new(None),
            cache,
            fleet,
            credential,
        })
    }

    /// A valid token (see [`TokenCache::token`]).
    pub(crate) fn token(
        &self,
        transport: &Transport,
        config: &DarajaConfig,
        deadline: Instant,
    ) -> Result<Token> {
        self.cache.token(deadline, || match &self.fleet {
            Some(fleet) => fetch_fleet_wide(transport, config, fleet, deadline),
            None => fetch(transport, config, deadline),
        })
    }

    /// Drops a token the provider refused, here and in the fleet store.
    pub(crate) fn invalidate(&self, token: &Token) {
        self.cache.invalidate(token.generation);
        if let Some(fleet) = &self.fleet {
            if let Err(e) = fleet.store.drop_token_if(&fleet.key, token.value.expose()) {
                log::warn!("tuma: could not drop the refused Daraja token from the store: {e}");
            }
        }
    }
}

impl TokenCache {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A valid token: the cached one, or a new one fetched by exactly one thread while the
    /// others wait for it.
    fn token(
        &self,
        deadline: Instant,
        fetch: impl FnOnce() -> Result<(Secret, Duration)>,
    ) -> Result<Token> {
        let mut fetch = Some(fetch);
        let mut slot = self.lock();
        loop {
            if let Some(c) = &slot.cached {
                if Instant::now() < c.refresh_at {
                    return Ok(c.token.clone());
                }
            }
            if slot.fetching {
                let flight = slot.flight;
                while slot.fetching && slot.flight == flight {
                    let Some(left) = deadline
                        .checked_duration_since(Instant::now())
                        .filter(|d| !d.is_zero())
                    else {
                        // Another thread's fetch outlasted this call.
                        return Err(Error::timeout(Provider::Daraja, crate::Fate::NotSent));
                    };
                    slot = self
                        .done
                        .wait_timeout(slot, left)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
                if let Some((failed, e)) = &slot.failure {
                    if *failed == flight {
                        return Err(e.clone());
                    }
                }
                continue;
            }
            slot.fetching = true;
            slot.flight += 1;
            let flight = slot.flight;
            drop(slot);
            // Reset `fetching` even if the fetch panics, so no waiter hangs.
            let guard = FlightGuard { state: self };
            let result = match fetch.take() {
                Some(f) => f(),
                None => Err(Error::config(
                    "daraja",
                    "internal: token fetch attempted twice",
                )),
            };
            std::mem::forget(guard);
            slot = self.lock();
            slot.fetching = false;
            let out = match result {
                Ok((value, lifetime)) => {
                    slot.generation += 1;
                    let token = Token {
                        value,
                        generation: slot.generation,
                    };
                    let now = Instant::now();
                    slot.cached = Some(Cached {
                        token: token.clone(),
                        refresh_at: now + refresh_after(lifetime),
                        expires_at: now + lifetime,
                    });
                    slot.failure = None;
                    Ok(token)
                }
                Err(e) => {
                    let now = Instant::now();
                    let slot = &mut *slot;
                    match slot.cached.as_mut().filter(|c| now < c.expires_at) {
                        // An early refresh failed: the token is still good, keep using it.
                        Some(c) => {
                            log::warn!("tuma: Daraja token refresh failed, using the current token until it expires: {e}");
                            c.refresh_at = (now + REFRESH_RETRY).min(c.expires_at);
                            slot.failure = None;
                            Ok(c.token.clone())
                        }
                        None => {
                            slot.failure = Some((flight, e.clone()));
                            Err(e)
                        }
                    }
                }
            };
            self.done.notify_all();
            return out;
        }
    }

    /// Drops the cached token if it is still the one of `generation` (the provider refused
    /// it); a newer token fetched meanwhile by another thread is kept.
    fn invalidate(&self, generation: u64) {
        let mut slot = self.lock();
        if slot
            .cached
            .as_ref()
            .is_some_and(|c| c.token.generation == generation)
        {
            slot.cached = None;
        }
    }
}

struct FlightGuard<'a> {
    state: &'a TokenCache,
}

impl Drop for FlightGuard<'_> {
    fn drop(&mut self) {
        let mut slot = self.state.lock();
        slot.fetching = false;
        self.state.done.notify_all();
    }
}

/// How long to use a token that lives `lifetime`: refresh a minute early, or a tenth of the
/// lifetime early for short-lived tokens.
fn refresh_after(lifetime: Duration) -> Duration {
    let margin = Duration::from_secs(60).min(lifetime / 10);
    lifetime.saturating_sub(margin)
}

/// Gets the token through the fleet store: a token another process stored, or, under the
/// fleet-wide lock, a new one that is then stored for everyone. The store failing or
/// staying locked too long never blocks the call: it falls back to fetching directly.
fn fetch_fleet_wide(
    transport: &Transport,
    config: &DarajaConfig,
    fleet: &FleetTokens,
    deadline: Instant,
) -> Result<(Secret, Duration)> {
    let stored = |t: StoredToken| {
        let left = t.expires_at_ms.saturating_sub(crate::store::now_ms());
        (t.token, Duration::from_millis(left))
    };
    let lock_key = format!("{}:refresh", fleet.key);
    loop {
        match fleet.store.get_token(&fleet.key) {
            Ok(Some(t)) => return Ok(stored(t)),
            Ok(None) => {}
            Err(e) => {
                log::warn!(
                    "tuma: token store unavailable, fetching the Daraja token directly: {e}"
                );
                return fetch(transport, config, deadline);
            }
        }
        match fleet.store.try_lock(&lock_key, transport.timeout()) {
            Ok(Some(holder)) => {
                // Another process may have stored one between our read and the lock.
                let result = match fleet.store.get_token(&fleet.key) {
                    Ok(Some(t)) => Ok(stored(t)),
                    _ => fetch(transport, config, deadline).inspect(|(token, lifetime)| {
                        // Everyone refreshes together, at the refresh time.
                        let keep = refresh_after(*lifetime);
                        let record = StoredToken {
                            token: token.clone(),
                            expires_at_ms: crate::store::now_ms() + keep.as_millis() as u64,
                        };
                        if let Err(e) = fleet.store.put_token(&fleet.key, &record) {
                            log::warn!("tuma: could not share the Daraja token: {e}");
                        }
                    }),
                };
                let _ = fleet.store.unlock(&lock_key, &holder);
                return result;
            }
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(None) => {
                log::warn!("tuma: the fleet token refresh is taking too long, fetching directly");
                return fetch(transport, config, deadline);
            }
            Err(e) => {
                log::warn!(
                    "tuma: token store unavailable, fetching the Daraja token directly: {e}"
                );
                return fetch(transport, config, deadline);
            }
        }
    }
}

fn fetch(
    transport: &Transport,
    config: &DarajaConfig,
    deadline: Instant,
) -> Result<(Secret, Duration)> {
    let basic = STANDARD.encode(format!(
        "{}:{}",
        config.consumer_key,
        config.consumer_secret.expose()
    ));
    let url = crate::json::join_url(config.effective_base_url(), TOKEN_PATH);
    let req = HttpRequest {
        provider: Provider::Daraja,
        method: "GET",
        url: &url,
        headers: vec![
            ("Authorization", format!("Basic {basic}").into()),
            ("Accept", "application/json".into()),
        ],
        body: None,
        safety: Safety::Safe,
        op: "daraja.token",
        deadline,
    };
    let resp = transport.send(&req)?;
    interpret_token(resp.status, &resp.body, resp.retry_after, config)
}

/// Reads the token answer. Errors never quote the body when it may hold the token, and
/// never hold the consumer secret.
pub(crate) fn interpret_token(
    status: u16,
    body: &str,
    retry_after: Option<Duration>,
    config: &DarajaConfig,
) -> Result<(Secret, Duration)> {
    let safe_excerpt = || {
        let secret = config.consumer_secret.expose();
        if body.contains("access_token")
            || body.to_ascii_lowercase().contains("token")
            || (!secret.is_empty() && body.contains(secret))
        {
            "<withheld: the answer may hold a token>".to_string()
        } else {
            body.to_string()
        }
    };
    let parsed: Option<Value> = serde_json::from_str(body).ok().filter(Value::is_object);
    if (200..300).contains(&status) {
        let Some(v) = parsed else {
            return Err(Error::decode(
                Provider::Daraja,
                status,
                "the token answer is not a JSON object",
                &safe_excerpt(),
            ));
        };
        let token = v
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty());
        let expires = v.get("expires_in").and_then(crate::json::as_f64);
        return match (token, expires) {
            (Some(t), Some(secs)) if secs > 0.0 => {
                Ok((Secret::new(t), Duration::from_secs_f64(secs.min(86_400.0))))
            }
            (Some(t), None) => Ok((Secret::new(t), Duration::from_secs(3599))),
            _ => Err(Error::decode(
                Provider::Daraja,
                status,
                "the token answer has no usable `access_token` / `expires_in`",
                "<withheld: the answer may hold a token>",
            )),
        };
    }
    let err = super::interpret_error(status, body, retry_after);
    match err {
        Error::RateLimited { .. } => Err(err),
        Error::Api(api) if (400..500).contains(&status) => {
            let secret = config.consumer_secret.expose();
            let mut message = api.message.clone();
            if !secret.is_empty() && message.contains(secret) {
                message = "credentials refused".into();
            }
            if message.is_empty() {
                message = "credentials refused".into();
            }
            if let Some(code) = &api.code {
                message = format!("{message} ({code})");
            }
            Err(Error::authentication(Provider::Daraja, status, message))
        }
        Error::Decode { .. } if (400..500).contains(&status) => Err(Error::authentication(
            Provider::Daraja,
            status,
            "credentials refused",
        )),
        Error::Decode { message, .. } => Err(Error::decode(
            Provider::Daraja,
            status,
            message,
            &safe_excerpt(),
        )),
        other => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daraja::Environment;

    fn config() -> DarajaConfig {
        DarajaConfig::new("key", "top-secret", Environment::Sandbox, "174379")
    }

    #[test]
    fn a_failed_early_refresh_keeps_the_valid_token() {
        let cache = TokenCache::default();
        let far = Instant::now() + Duration::from_secs(60);
        // A 10 s token is refreshed after 9 s; make it due for refresh at once.
        let first = cache
            .token(far, || Ok((Secret::new("tok-1"), Duration::from_secs(10))))
            .unwrap();
        cache.lock().cached.as_mut().unwrap().refresh_at = Instant::now();
        let kept = cache
            .token(far, || {
                Err(Error::timeout(Provider::Daraja, crate::Fate::NotSent))
            })
            .unwrap();
        assert_eq!(kept.value.expose(), first.value.expose());
        // The next calls use it without another fetch until the retry pause is over.
        let again = cache
            .token(far, || panic!("no fetch during the retry pause"))
            .unwrap();
        assert_eq!(again.value.expose(), "tok-1");
        // Once it has expired, a failed refresh is an error.
        {
            let mut slot = cache.lock();
            let c = slot.cached.as_mut().unwrap();
            c.refresh_at = Instant::now();
            c.expires_at = Instant::now();
        }
        assert!(cache
            .token(far, || Err(Error::timeout(
                Provider::Daraja,
                crate::Fate::NotSent
            )))
            .is_err());
    }

    #[test]
    fn expires_in_as_string_or_number() {
        let (t, d) = interpret_token(
            200,
            r#"{"access_token":"abc","expires_in":"3599"}"#,
            None,
            &config(),
        )
        .unwrap();
        assert_eq!(t.expose(), "abc");
        assert_eq!(d, Duration::from_secs(3599));
        let (_, d) = interpret_token(
            200,
            r#"{"access_token":"abc","expires_in":120}"#,
            None,
            &config(),
        )
        .unwrap();
        assert_eq!(d, Duration::from_secs(120));
        assert_eq!(
            refresh_after(Duration::from_secs(3599)),
            Duration::from_secs(3539)
        );
        assert_eq!(
            refresh_after(Duration::from_secs(10)),
            Duration::from_secs(9)
        );
    }

    #[test]
    fn errors_never_quote_tokens_or_secrets() {
        let e = interpret_token(200, r#"{"access_token":"leaky-token"}x"#, None, &config())
            .unwrap_err();
        assert_eq!(e.kind(), "decode");
        assert!(!format!("{e} {e:?}").contains("leaky-token"));
        let e = interpret_token(
            200,
            r#"{"access_token":"leaky-token","expires_in":"soon"}"#,
            None,
            &config(),
        );
        assert!(
            e.is_ok(),
            "a bad expires_in falls back to the documented hour"
        );
        let e = interpret_token(
            400,
            r#"{"requestId":"r","errorCode":"400.008.01","errorMessage":"Invalid Authentication passed top-secret"}"#,
            None,
            &config(),
        )
        .unwrap_err();
        assert_eq!(e.kind(), "authentication");
        assert!(!format!("{e} {e:?}").contains("top-secret"));
        let e = interpret_token(400, "", None, &config()).unwrap_err();
        assert_eq!(e.kind(), "authentication");
        let e = interpret_token(
            500,
            r#"{"requestId":"r","errorCode":"500.003.02","errorMessage":"Spike arrest"}"#,
            None,
            &config(),
        )
        .unwrap_err();
        assert_eq!(e.kind(), "rate_limited");
        let e = interpret_token(502, "<html>top-secret token</html>", None, &config()).unwrap_err();
        assert!(!format!("{e:?}").contains("top-secret"));
    }
}
