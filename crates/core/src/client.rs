//! The client: one per application, shared by every thread.

use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::error::Result;
use crate::http::Transport;
use crate::store::{Claim, StateStore};

/// A tuma client. Cheap to clone (clones share everything); `Send + Sync`.
///
/// One client holds one HTTP agent (a keep-alive connection pool), the Daraja token cache
/// and the UMS Pay rate limiter, all shared by the threads that use it.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub config: Config,
    pub transport: Transport,
    pub store: Arc<dyn StateStore>,
    pub daraja: crate::daraja::DarajaState,
    pub umspay: crate::umspay::UmsPayState,
    /// Statum's `Authorization` header value, built once.
    pub statum_authorization: Option<crate::Secret>,
    /// The worker pool of the asynchronous bindings, made on first use.
    pub pool: std::sync::OnceLock<Arc<crate::pool::WorkerPool>>,
    /// The payment journal's index names for this client's provider accounts.
    pub journal: crate::journal::JournalScope,
}

/// What the providers and the journal reach of a client: its parts, never `inner` itself.
impl Client {
    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }
    pub(crate) fn store(&self) -> &Arc<dyn StateStore> {
        &self.inner.store
    }
    pub(crate) fn journal_scope(&self) -> &crate::journal::JournalScope {
        &self.inner.journal
    }
    pub(crate) fn daraja_state(&self) -> &crate::daraja::DarajaState {
        &self.inner.daraja
    }
    pub(crate) fn umspay_state(&self) -> &crate::umspay::UmsPayState {
        &self.inner.umspay
    }
    pub(crate) fn statum_authorization(&self) -> Option<&crate::Secret> {
        self.inner.statum_authorization.as_ref()
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds a client after checking the configuration.
    pub fn new(config: Config) -> Result<Client> {
        config.validate()?;
        let transport = Transport::new(&config.http);
        let store = match &config.store {
            Some(s) => s.open()?,
            None => crate::store::MemoryStore::global(),
        };
        let daraja = crate::daraja::DarajaState::new(config.daraja.as_ref(), &store)?;
        let umspay = crate::umspay::UmsPayState::new(config.umspay.as_ref(), &store);
        let statum_authorization = config.statum.as_ref().map(crate::statum::authorization);
        let journal = crate::journal::JournalScope::new(&config);
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                transport,
                store,
                daraja,
                umspay,
                statum_authorization,
                pool: std::sync::OnceLock::new(),
                journal,
            }),
        })
    }

    /// Builds a client from `TUMA_*` environment variables (see [`Config::from_env`]).
    pub fn from_env() -> Result<Client> {
        Client::new(Config::from_env()?)
    }

    /// The HTTP agent (and its keep-alive pool) this client sends with, for benchmarks that
    /// compare tuma with a bare request on the very same agent. Not a stable API.
    #[doc(hidden)]
    pub fn http_agent(&self) -> ureq::Agent {
        self.inner.transport.agent()
    }

    /// The configuration this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Runs `job` on this client's worker pool (see [`crate::pool`]): what the asynchronous
    /// bindings run calls on. `Err(Busy)` when the pool is full; the job was not started.
    pub fn submit(&self, job: crate::pool::Job) -> Result<()> {
        let http = &self.inner.config.http;
        self.inner
            .pool
            .get_or_init(|| {
                crate::pool::WorkerPool::new(crate::pool::PoolLimits {
                    max_threads: http.max_threads,
                    max_queued: http.max_queued,
                })
            })
            .submit(job)
    }

    /// Threads of this client's worker pool alive now and at the peak (zeros before the
    /// first [`Client::submit`]).
    pub fn worker_threads(&self) -> (usize, usize) {
        self.inner.pool.get().map_or((0, 0), |p| p.threads())
    }

    /// Statum: SMS, airtime and account details.
    pub fn statum(&self) -> crate::statum::Statum<'_> {
        crate::statum::Statum { client: self }
    }

    /// Safaricom Daraja: M-Pesa.
    pub fn daraja(&self) -> crate::daraja::Daraja<'_> {
        crate::daraja::Daraja { client: self }
    }

    /// UMS Pay: M-Pesa STK push through Umeskia.
    pub fn umspay(&self) -> crate::umspay::UmsPay<'_> {
        crate::umspay::UmsPay { client: self }
    }

    /// True the first time the callback `id` is seen, false for a redelivery: atomically
    /// across every client of this process, or of the whole fleet with a Redis store.
    ///
    /// With Redis unavailable this is an [`crate::Error::Store`] error, never a guess: do
    /// not ship goods until it answers (reply non-200 so the provider redelivers, or
    /// reconcile with a status query).
    pub fn first_time(&self, id: &str) -> Result<bool> {
        if id.trim().is_empty() {
            return Err(crate::Error::InvalidInput {
                field: "id".into(),
                rule: "must not be empty".into(),
            });
        }
        check_id_length("id", id)?;
        self.inner
            .store
            .first_time(&format!("seen:{id}"), self.dedup_ttl())
    }

    fn dedup_ttl(&self) -> Duration {
        Duration::from_secs(
            self.inner
                .config
                .store
                .as_ref()
                .map_or(7 * 24 * 3600, |s| s.dedup_ttl_secs),
        )
    }

    fn callback_lease(&self) -> Duration {
        Duration::from_millis(
            self.inner
                .config
                .store
                .as_ref()
                .map_or(60_000, |s| s.callback_lease_ms),
        )
    }

    /// Parses a callback of `kind` (see [`crate::ops::callback_kinds`]) and *claims* it,
    /// keyed by the callback's own id (Statum `request_id`, STK `CheckoutRequestID`, result
    /// `OriginatorConversationID`, C2B `TransID`, UMS Pay transaction id and event).
    ///
    /// - [`Claim::Claimed`] (`first_time`): process it, then [`Client::complete_callback`]
    ///   (redeliveries are then acknowledged as done) or, when processing failed,
    ///   [`Client::release_callback`] (the next redelivery is processed). A worker that
    ///   dies holding the claim loses it after `store.callback_lease_ms`.
    /// - [`Claim::InProgress`]: another worker is on it: answer non-200 so the provider
    ///   redelivers later.
    /// - [`Claim::Done`]: a redelivery of a processed callback: answer 200, do nothing.
    ///
    /// A store that fails or answers late is an [`crate::Error::Store`], never "done".
    ///
    /// A claimed callback about a payment also records its final outcome in the payment
    /// journal (STK callbacks, ResultURL results, UMS Pay webhooks; a C2B confirmation is
    /// recorded as a payment): see [`Client::reconcile`].
    pub fn receive_callback(&self, kind: &str, body: &[u8]) -> Result<ReceivedCallback> {
        let callback = crate::callback::Callback::parse(kind, body)?;
        let id = callback.dedup_id().ok_or_else(|| {
            crate::Error::invalid("kind", "this callback carries no id to de-duplicate on")
        })?;
        let key = format!("{kind}:{id}");
        check_id_length("callback id", &key)?;
        let holder = crate::store::holder_id();
        let status =
            self.inner
                .store
                .claim(&format!("seen:{key}"), &holder, self.callback_lease())?;
        if status == Claim::Claimed {
            crate::journal::Journal::of(self).record_callback(&callback);
        }
        Ok(ReceivedCallback {
            first_time: status == Claim::Claimed,
            status,
            claim: (status == Claim::Claimed).then(|| format!("{holder}.{key}")),
            id,
            callback,
        })
    }

    /// Marks a claimed callback processed: redeliveries are then [`Claim::Done`] for
    /// `store.dedup_ttl_secs`. Returns false when the lease had expired meanwhile (another
    /// worker may have processed it too).
    pub fn complete_callback(&self, claim: &str) -> Result<bool> {
        let (holder, key) = split_claim(claim)?;
        self.inner
            .store
            .complete(&format!("seen:{key}"), holder, self.dedup_ttl())
    }

    /// Gives a claim back after processing failed, so the provider's next redelivery is
    /// processed; false when the lease had already expired.
    pub fn release_callback(&self, claim: &str) -> Result<bool> {
        let (holder, key) = split_claim(claim)?;
        self.inner.store.release(&format!("seen:{key}"), holder)
    }
}

impl Client {
    /// The payment journal's record of the payment the provider knows as `id`
    /// (`CheckoutRequestID`, B2C/B2B/reversal `OriginatorConversationID` or C2B `TransID`
    /// for Daraja, `transaction_request_id` for UMS Pay): your reference, the phone and
    /// amount, and its final outcome once a callback or a query told it. A push whose
    /// outcome was unknown is found here once its callback was verified (it is matched by
    /// phone and amount).
    pub fn journal_entry(
        &self,
        provider: crate::Provider,
        id: &str,
    ) -> Result<Option<crate::JournalEntry>> {
        crate::journal::Journal::of(self).find(provider, id, "", None)
    }

    /// Finds every payment of the journal older than `older_than_ms` without a final
    /// outcome, asks its provider (STK query, transaction status, UMS Pay status; Pull
    /// Transactions for C2B payments nobody confirmed), and records and returns what it
    /// learnt. Only queries are sent, never a payment. See [`crate::ReconcileRequest`] and
    /// docs/reconcile.md.
    pub fn reconcile(&self, request: &crate::ReconcileRequest) -> Result<crate::ReconcileReport> {
        crate::reconcile::run(self, request)
    }
}

/// Longest callback id (with its kind) kept in the store: a bound against forged floods.
pub const CALLBACK_ID_MAX: usize = 256;

fn check_id_length(field: &str, id: &str) -> Result<()> {
    if id.len() > CALLBACK_ID_MAX {
        return Err(crate::Error::invalid(
            field,
            format!("is longer than {CALLBACK_ID_MAX} bytes"),
        ));
    }
    Ok(())
}

/// A claim token: `<holder>.<kind>:<id>`, the holder being 16 hex digits.
fn split_claim(claim: &str) -> Result<(&str, &str)> {
    claim
        .split_once('.')
        .filter(|(holder, key)| {
            holder.len() == 16
                && holder.bytes().all(|b| b.is_ascii_hexdigit())
                && !key.is_empty()
                && key.len() <= CALLBACK_ID_MAX
        })
        .ok_or_else(|| {
            crate::Error::invalid("claim", "is not a claim returned by receive_callback")
        })
}

/// A parsed callback and its claim.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReceivedCallback {
    /// True when this call claimed it: process it, then complete or release the claim.
    /// False for a redelivery (`status` says whether it is done or in progress elsewhere).
    pub first_time: bool,
    /// `claimed`, `in_progress` (answer non-200: another worker holds it) or `done`
    /// (answer 200, do nothing).
    pub status: Claim,
    /// The token to pass to [`Client::complete_callback`] or [`Client::release_callback`];
    /// `None` unless claimed.
    pub claim: Option<String>,
    /// The id it was de-duplicated on.
    pub id: String,
    /// The parsed callback.
    pub callback: crate::callback::Callback,
}

/// [`Client::complete_callback`]'s answer, as the JSON operation returns it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CompletedCallback {
    /// Always true.
    pub completed: bool,
    /// False when the lease had expired meanwhile (another worker may have processed it).
    pub lease_held: bool,
}

/// [`Client::release_callback`]'s answer, as the JSON operation returns it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReleasedCallback {
    /// False when the lease had already expired.
    pub released: bool,
}

/// [`Client::first_time`]'s answer, as the JSON operation returns it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FirstTime {
    /// True the first time the id is seen.
    pub first_time: bool,
}

crate::request::request! {
    /// A raw callback body to parse and claim.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ReceiveCallbackRequest {
        /// The callback kind, e.g. `daraja.stk_callback` (see `callback_kinds()`).
        pub kind: String,
        /// The raw request body, as received.
        pub body: String,
    }

    /// A claim token returned by `callbacks.receive`.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ClaimRequest {
        /// The `claim` of a received callback.
        pub claim: String,
    }

    /// An id to mark seen.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct FirstTimeRequest {
        /// The callback's id (at most 256 bytes).
        pub id: String,
    }
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}
    #[test]
    fn client_is_send_and_sync() {
        assert_send_sync::<super::Client>();
    }
}
