//! The one HTTP layer: a shared `ureq` agent, timeouts, and retries only where safe.

use std::borrow::Cow;
use std::io::ErrorKind;
use std::thread;
use std::time::{Duration, Instant};

use rand::Rng;

use crate::config::HttpConfig;
use crate::error::{Error, Fate, Provider, Result};

/// Largest response body read (1 MiB): provider answers are small.
const MAX_BODY: u64 = 1 << 20;
/// ureq's input buffer per connection, and so the largest response header (16 KiB, Node's
/// default limit); any body is read through it in pieces. Both buffers are zero-filled when a
/// connection opens and kept while it is pooled.
const BUFFER: usize = 16 * 1024;
/// ureq's output buffer per connection: holds the request head (tuma's own headers and the
/// URL); bodies are written through it in pieces.
const OUTPUT_BUFFER: usize = 4 * 1024;

/// Whether a request may be sent more than once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Safety {
    /// Reading or idempotent (token fetch, queries): retried on transient failures.
    Safe,
    /// Moves money or sends something: resent only when it certainly never left.
    OnceOnly,
    /// Reading, but retried by its caller (UMS Pay status queries go through the rate
    /// limiter once per attempt): the transport resends it only when it never left.
    Query,
}

/// One outgoing request.
pub(crate) struct HttpRequest<'a> {
    pub provider: Provider,
    pub method: &'static str,
    pub url: &'a str,
    /// Header name and value; values may hold secrets and are never logged.
    pub headers: Vec<(&'static str, Cow<'a, str>)>,
    /// The serialised body, borrowed so that a resend does not copy it.
    pub body: Option<&'a [u8]>,
    pub safety: Safety,
    /// Short name for logs, e.g. `statum.sms`.
    pub op: &'a str,
    /// When the whole call must be over: attempts, retries and their pauses included.
    pub deadline: Instant,
}

/// A provider's answer, whatever its status.
#[derive(Debug)]
pub(crate) struct HttpResponse {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<Duration>,
}

/// The HTTP transport shared by all threads of a client: one agent, one keep-alive pool.
///
/// Fork-safe: the agent belongs to the process that made it. A child of `fork()` (gunicorn
/// `--preload`, uWSGI, PHP-FPM preloading) that uses the client gets a new agent, so it
/// never writes on the parent's pooled sockets or TLS sessions; the inherited pool is left
/// untouched (closing it in the child could end the parent's TLS sessions).
pub(crate) struct Transport {
    /// The agent and the fork generation it belongs to.
    agent: std::sync::RwLock<(u64, ureq::Agent)>,
    agent_config: ureq::config::Config,
    config: HttpConfig,
    user_agent: String,
}

impl Transport {
    pub fn new(config: &HttpConfig) -> Transport {
        let mut builder = ureq::Agent::config_builder();
        // `Config::validate` has checked the bundle: it holds at least one certificate.
        if let Some(extra) = config
            .extra_root_certificates_pem
            .as_deref()
            .and_then(|pem| extra_roots(pem).ok())
        {
            let mut roots: Vec<ureq::tls::Certificate<'static>> =
                webpki_root_certs::TLS_SERVER_ROOT_CERTS
                    .iter()
                    .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
                    .collect();
            roots.extend(extra);
            builder = builder.tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::new_with_certs(&roots))
                    .build(),
            );
        }
        let agent_config = builder
            .http_status_as_error(false)
            .timeout_connect(Some(config.connect_timeout()))
            .timeout_resolve(Some(config.connect_timeout()))
            .timeout_global(Some(config.timeout()))
            .proxy(None)
            .max_redirects(0)
            // A burst of calls in flight leaves as many connections to reuse (ureq keeps 3
            // per host by default: every burst would open new ones, a TLS handshake each).
            .max_idle_connections(config.max_threads.saturating_mul(3))
            .max_idle_connections_per_host(config.max_threads)
            // Provider answers are small (bodies are read in pieces up to MAX_BODY): ureq's
            // default 128 KiB buffers per connection, both ways, were most of what a call
            // in flight held (docs/limits.md).
            .input_buffer_size(BUFFER)
            .output_buffer_size(OUTPUT_BUFFER)
            .max_response_header_size(BUFFER)
            .build();
        let mut user_agent = format!("tuma/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = &config.user_agent_suffix {
            user_agent.push_str(&format!(" ({suffix})"));
        }
        Transport {
            agent: std::sync::RwLock::new((crate::fork::generation(), Self::build(&agent_config))),
            agent_config,
            config: config.clone(),
            user_agent,
        }
    }

    fn build(config: &ureq::config::Config) -> ureq::Agent {
        ureq::Agent::with_parts(
            config.clone(),
            Connector::default(),
            CachingResolver::default(),
        )
    }

    /// A handle on this process's agent (clones share its pool): after a `fork()`, a new
    /// one for the child.
    pub fn agent(&self) -> ureq::Agent {
        let generation = crate::fork::generation();
        {
            let current = self.agent.read().unwrap_or_else(|p| p.into_inner());
            if current.0 == generation {
                return current.1.clone();
            }
        }
        let mut current = self.agent.write().unwrap_or_else(|p| p.into_inner());
        if current.0 != generation {
            log::debug!("tuma: new connection pool after fork");
            let inherited = std::mem::replace(&mut current.1, Self::build(&self.agent_config));
            // The parent's sockets and TLS state: neither used nor closed here.
            crate::fork::set_aside(inherited);
            current.0 = generation;
        }
        current.1.clone()
    }

    /// The fork generation whose agent is in use (for tests).
    #[cfg(test)]
    fn agent_generation(&self) -> u64 {
        self.agent.read().unwrap_or_else(|p| p.into_inner()).0
    }

    /// The overall timeout of one call.
    pub fn timeout(&self) -> Duration {
        self.config.timeout()
    }

    /// The deadline of a call starting now (`http.timeout_ms` from now).
    pub fn deadline(&self) -> Instant {
        Instant::now() + self.config.timeout()
    }

    /// Sends `req`, retrying what is safe to retry, and returns the answer whatever its
    /// status. Nothing is attempted once `req.deadline` has passed, and no attempt may run
    /// beyond it.
    pub fn send(&self, req: &HttpRequest<'_>) -> Result<HttpResponse> {
        let mut attempt = 0u32;
        loop {
            if crate::cancel::cancelled_before(req) {
                return Err(Error::network(
                    req.provider,
                    "cancelled by the caller before sending",
                    Fate::NotSent,
                ));
            }
            let outcome = match req.deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => self.send_once(req, left),
                // Only ever reached on the first attempt: a retry is not started late.
                _ => Err(Error::timeout(req.provider, Fate::NotSent)),
            };
            let retry_wait = match &outcome {
                Ok(resp)
                    if req.safety == Safety::Safe
                        && crate::refusals::transient(req.provider, resp.status, &resp.body) =>
                {
                    Some(resp.retry_after)
                }
                Err(Error::Network {
                    fate: Fate::NotSent,
                    ..
                })
                | Err(Error::Timeout {
                    fate: Fate::NotSent,
                    ..
                }) => Some(None),
                Err(Error::Network { .. }) | Err(Error::Timeout { .. })
                    if req.safety == Safety::Safe =>
                {
                    Some(None)
                }
                _ => None,
            };
            match retry_wait {
                Some(hint)
                    if attempt < self.config.max_retries
                        // A retry must have time left for itself after the pause.
                        && Instant::now() + self.backoff_bound(attempt, hint)
                            < req.deadline =>
                {
                    let wait = self.backoff(attempt, hint);
                    log::debug!(
                        "tuma: {} attempt {} failed, retrying in {} ms",
                        req.op,
                        attempt + 1,
                        wait.as_millis()
                    );
                    thread::sleep(wait);
                    attempt += 1;
                }
                _ => return outcome,
            }
        }
    }

    /// The longest pause [`Transport::backoff`] may choose.
    fn backoff_bound(&self, attempt: u32, hint: Option<Duration>) -> Duration {
        let max = Duration::from_millis(self.config.retry_max_backoff_ms);
        match hint {
            Some(h) => h.min(max),
            None => Duration::from_millis(
                self.config
                    .retry_initial_backoff_ms
                    .saturating_mul(1u64 << attempt.min(16))
                    .min(self.config.retry_max_backoff_ms),
            ),
        }
    }

    fn backoff(&self, attempt: u32, hint: Option<Duration>) -> Duration {
        let max = Duration::from_millis(self.config.retry_max_backoff_ms);
        if let Some(h) = hint {
            return h.min(max);
        }
        let base = self
            .config
            .retry_initial_backoff_ms
            .saturating_mul(1u64 << attempt.min(16));
        let capped = base.min(self.config.retry_max_backoff_ms);
        // Full jitter in [capped/2, capped].
        let jittered = rand::thread_rng().gen_range(capped / 2..=capped.max(1));
        Duration::from_millis(jittered)
    }

    /// One attempt with `left` until the call's deadline. When that is shorter than the
    /// agent's own timeouts, this request gets timeouts that end by the deadline (connect
    /// and resolve a little earlier, so that a connect cut short still reads as not sent).
    fn send_once(&self, req: &HttpRequest<'_>, left: Duration) -> Result<HttpResponse> {
        // The agent's timeouts already end by the deadline unless some of it was used up
        // (token fetch, limiter, retries): only then pay for a per-request configuration.
        let shorten = left + Duration::from_millis(5) < self.config.timeout();
        let early = left
            .saturating_sub(Duration::from_millis(2))
            .max(Duration::from_millis(1));
        let connect = Some(self.config.connect_timeout().min(early));
        macro_rules! bounded {
            ($builder:expr) => {{
                let mut b = $builder.header("User-Agent", &self.user_agent);
                for (k, v) in &req.headers {
                    b = b.header(*k, v.as_ref());
                }
                if shorten {
                    b = b
                        .config()
                        .timeout_global(Some(left))
                        .timeout_connect(connect)
                        .timeout_resolve(connect)
                        .build();
                }
                b
            }};
        }
        let agent = self.agent();
        let result = match req.method {
            "GET" => bounded!(agent.get(req.url)).call(),
            _ => bounded!(agent.post(req.url)).send(req.body.unwrap_or_default()),
        };
        match result {
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                let retry_after = resp
                    .headers()
                    .get(ureq::http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let body = resp
                    .body_mut()
                    .with_config()
                    .limit(MAX_BODY)
                    .read_to_string()
                    .map_err(|e| classify(req.provider, e, true))?;
                log::debug!("tuma: {} {} -> HTTP {}", req.op, req.method, status);
                Ok(HttpResponse {
                    status,
                    body,
                    retry_after,
                })
            }
            Err(e) => {
                let err = classify(req.provider, e, false);
                log::debug!("tuma: {} {} failed: {}", req.op, req.method, err);
                Err(err)
            }
        }
    }
}

/// How tuma connects: TCP, then rustls for `https`; no proxy (tuma sets none). ureq's
/// default chain (SOCKS and CONNECT proxies, then TLS, each asked in turn) took about 4 KiB
/// more stack on every connect: 4 MiB of resident stacks with 1,000 calls in flight.
#[derive(Debug, Default)]
struct Connector {
    tcp: ureq::unversioned::transport::TcpConnector,
    tls: ureq::unversioned::transport::RustlsConnector,
}

impl ureq::unversioned::transport::Connector<()> for Connector {
    type Out = Box<dyn ureq::unversioned::transport::Transport>;

    fn connect(
        &self,
        details: &ureq::unversioned::transport::ConnectionDetails,
        _chained: Option<()>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        let Some(tcp) = self.tcp.connect(details, None::<()>)? else {
            return Ok(None);
        };
        if !details.needs_tls() {
            return Ok(Some(Box::new(tcp)));
        }
        Ok(self
            .tls
            .connect(details, Some(tcp))?
            .map(|tls| Box::new(tls) as Self::Out))
    }
}

/// How long a host name's addresses are reused (the system resolver reports no TTL; a
/// minute follows DNS changes soon enough and spares every call a lookup).
const DNS_CACHE_TTL: Duration = Duration::from_secs(60);
/// Stack of a lookup thread: `getaddrinfo` needs little.
const LOOKUP_STACK: usize = 128 * 1024;

/// Resolves without a thread per call. ureq's default resolver starts a thread for every
/// lookup when a timeout is set, on every request (pooled connection or not), and panics
/// when that thread cannot be spawned. Here an IP literal needs no lookup, a name's
/// addresses are cached for [`DNS_CACHE_TTL`], and a miss is looked up on a small thread
/// bounded by the resolve timeout (inline when no thread can be started).
#[derive(Debug, Default)]
struct CachingResolver {
    cache:
        std::sync::Mutex<std::collections::HashMap<String, (Vec<std::net::SocketAddr>, Instant)>>,
}

/// Why a bounded lookup failed.
#[derive(Debug)]
pub(crate) enum LookupError {
    /// No answer within the time allowed.
    Timeout,
    /// The resolver answered with an error, or with no address.
    #[cfg_attr(not(feature = "redis-store"), allow(dead_code))]
    Failed(std::io::Error),
}

/// Looks `host_port` (`name:port`) up, waiting at most `timeout` (`None`: as long as the
/// system resolver takes). The lookup runs on a small thread so that it can be abandoned;
/// when no thread can be started (a pids limit) it runs inline instead of failing.
pub(crate) fn lookup_bounded(
    host_port: &str,
    timeout: Option<Duration>,
) -> std::result::Result<Vec<std::net::SocketAddr>, LookupError> {
    lookup_bounded_with(host_port, timeout, system_lookup)
}

/// The system resolver (`getaddrinfo`).
pub(crate) fn system_lookup(host_port: &str) -> std::io::Result<Vec<std::net::SocketAddr>> {
    use std::net::ToSocketAddrs;
    host_port.to_socket_addrs().map(Iterator::collect)
}

/// A resolver function, replaceable in tests (a resolver that never answers).
pub(crate) type LookupFn = fn(&str) -> std::io::Result<Vec<std::net::SocketAddr>>;

/// [`lookup_bounded`] with the resolver `resolve`.
pub(crate) fn lookup_bounded_with(
    host_port: &str,
    timeout: Option<Duration>,
    resolve: LookupFn,
) -> std::result::Result<Vec<std::net::SocketAddr>, LookupError> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let name = host_port.to_string();
    let spawned = thread::Builder::new()
        .name("tuma-dns".into())
        .stack_size(LOOKUP_STACK)
        .spawn(move || {
            let _ = tx.send(resolve(&name));
        });
    let answer = match (spawned, timeout) {
        (Ok(_), None) => rx.recv().map_err(|_| LookupError::Timeout)?,
        (Ok(_), Some(t)) => rx.recv_timeout(t).map_err(|_| LookupError::Timeout)?,
        (Err(_), _) => resolve(host_port),
    };
    match answer {
        Ok(found) if !found.is_empty() => Ok(found),
        Ok(_) => Err(LookupError::Failed(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no address",
        ))),
        Err(e) => Err(LookupError::Failed(e)),
    }
}

impl CachingResolver {
    fn lookup(
        &self,
        host_port: &str,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<Vec<std::net::SocketAddr>, ureq::Error> {
        let now = Instant::now();
        {
            let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((addrs, until)) = cache.get(host_port) {
                if *until > now {
                    return Ok(addrs.clone());
                }
            }
        }
        let limit = (!timeout.after.is_not_happening()).then(|| *timeout.after);
        let found = match lookup_bounded(host_port, limit) {
            Ok(found) => found,
            Err(LookupError::Timeout) => return Err(ureq::Error::Timeout(timeout.reason)),
            // Whatever the resolver said, no connection was attempted: not sent.
            Err(LookupError::Failed(_)) => return Err(ureq::Error::HostNotFound),
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= 256 {
            cache.retain(|_, (_, until)| *until > now);
        }
        cache.insert(host_port.to_string(), (found.clone(), now + DNS_CACHE_TTL));
        Ok(found)
    }
}

impl ureq::unversioned::resolver::Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> std::result::Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().ok_or(ureq::Error::HostNotFound)?;
        let port = uri
            .port_u16()
            .or(match uri.scheme_str() {
                Some("https") => Some(443),
                Some("http") => Some(80),
                _ => None,
            })
            .ok_or(ureq::Error::HostNotFound)?;
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let mut addrs = self.empty();
        if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
            addrs.push(std::net::SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let found = self.lookup(&format!("{host}:{port}"), timeout)?;
        let family = config.ip_family();
        for addr in family.keep_wanted(found.into_iter()).take(16) {
            addrs.push(addr);
        }
        if addrs.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(addrs)
    }
}

/// The certificates of a PEM bundle of extra roots; an error when it holds none (ureq's
/// parser yields nothing, without an error, for DER or junk input).
pub(crate) fn extra_roots(pem: &str) -> Result<Vec<ureq::tls::Certificate<'static>>> {
    let certs: Vec<_> = ureq::tls::parse_pem(pem.as_bytes())
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::config(
            "http.extra_root_certificates_pem",
            "holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        ));
    }
    Ok(certs)
}

/// True when TLS refused the server during the handshake (unknown CA, wrong name,
/// incompatible peer): no byte of the request was written then.
fn refused_during_handshake(io: &std::io::Error) -> bool {
    io.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|e| {
            matches!(
                e,
                rustls::Error::InvalidCertificate(_)
                    | rustls::Error::NoCertificatesPresented
                    | rustls::Error::PeerIncompatible(_)
            )
        })
}

/// Maps a ureq error to tuma's, deciding whether the request may have reached the provider.
/// Conservative: only failures that happen before any byte of the request is written count
/// as not sent (see toolchain notes on ureq's error variants).
fn classify(provider: Provider, e: ureq::Error, reading_body: bool) -> Error {
    use ureq::Error as U;
    let not_sent = !reading_body
        && match &e {
            U::Timeout(t) => matches!(t, ureq::Timeout::Resolve | ureq::Timeout::Connect),
            U::Io(io) => {
                matches!(
                    io.kind(),
                    ErrorKind::ConnectionRefused
                        | ErrorKind::HostUnreachable
                        | ErrorKind::NetworkUnreachable
                        | ErrorKind::NetworkDown
                        | ErrorKind::AddrNotAvailable
                ) || refused_during_handshake(io)
                    // EMFILE/ENFILE: no socket could be opened, so nothing was written.
                    || matches!(io.raw_os_error(), Some(23 | 24))
            }
            U::HostNotFound
            | U::BadUri(_)
            | U::Http(_)
            | U::RequireHttpsOnly(_)
            | U::InvalidProxyUrl
            | U::ConnectProxyFailed(_)
            | U::TlsRequired => true,
            _ => false,
        };
    let fate = if not_sent {
        Fate::NotSent
    } else {
        Fate::Unknown
    };
    match e {
        U::Timeout(_) => Error::timeout(provider, fate),
        other => Error::network(provider, other.to_string(), fate),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::unversioned::resolver::Resolver;

    fn timeout(ms: u64) -> ureq::unversioned::transport::NextTimeout {
        ureq::unversioned::transport::NextTimeout {
            after: Duration::from_millis(ms).into(),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        }
    }

    #[test]
    fn out_of_file_descriptors_is_not_sent() {
        for errno in [23, 24] {
            let e = ureq::Error::Io(std::io::Error::from_raw_os_error(errno));
            assert_eq!(classify(Provider::Daraja, e, false).fate(), Fate::NotSent);
        }
        let reset = ureq::Error::Io(std::io::ErrorKind::ConnectionReset.into());
        assert_eq!(
            classify(Provider::Daraja, reset, false).fate(),
            Fate::Unknown
        );
    }

    #[test]
    fn a_forked_child_gets_its_own_pool() {
        let transport = Transport::new(&HttpConfig::default());
        let parent = transport.agent();
        assert_eq!(transport.agent_generation(), crate::fork::generation());
        // As a child of fork() sees it: the agent was made by another process.
        transport.agent.write().unwrap().0 = crate::fork::generation().wrapping_add(1);
        let child = transport.agent();
        assert_eq!(transport.agent_generation(), crate::fork::generation());
        assert!(
            !std::ptr::eq(parent.config(), child.config()),
            "a new agent, not the inherited one"
        );
        // Afterwards the same agent is handed out again.
        assert!(std::ptr::eq(child.config(), transport.agent().config()));
    }

    #[test]
    fn names_are_looked_up_once_per_ttl_and_literals_never() {
        let resolver = CachingResolver::default();
        let config = ureq::config::Config::default();
        let literal: ureq::http::Uri = "http://127.0.0.1:8080/x".parse().unwrap();
        let addrs = resolver.resolve(&literal, &config, timeout(500)).unwrap();
        assert_eq!(addrs[0].port(), 8080);
        assert!(resolver.cache.lock().unwrap().is_empty());
        let named: ureq::http::Uri = "http://localhost:8080/x".parse().unwrap();
        resolver.resolve(&named, &config, timeout(2_000)).unwrap();
        // A second resolve is answered from the cache: it succeeds even with no time at all
        // to look anything up.
        let cached = resolver.resolve(&named, &config, timeout(0)).unwrap();
        assert!(cached.iter().all(|a| a.ip().is_loopback()));
        assert_eq!(resolver.cache.lock().unwrap().len(), 1);
    }
}
