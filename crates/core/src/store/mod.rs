//! Where a client keeps state that must be shared: Daraja tokens, UMS Pay rate limits and
//! callback de-duplication.
//!
//! Two implementations: [`MemoryStore`] (the default: shared by every client of the
//! process) and [`RedisStore`] (shared by every process that points at the same Redis:
//! PHP-FPM and gunicorn workers, Node cluster, several servers).
//!
//! What happens when Redis is unavailable or slow (every call is bounded by the store's
//! timeout, 250 ms by default):
//!
//! | use | behaviour |
//! |---|---|
//! | Daraja token | availability first: fall back to the client's own cache and fetch, log a warning |
//! | UMS Pay rate and daily quota | fall back to the process-local limiter, log a warning |
//! | callback de-duplication | a typed error: the caller must not ship goods on a guess |
//!
//! No credential secret is ever written to the store and key names carry only public
//! material (provider, base URL, consumer key or account email). Tokens *are* stored: the
//! Redis must be private to your deployment.

mod memory;
#[cfg(feature = "redis-store")]
mod redis_store;

use std::fmt::Debug;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use memory::MemoryStore;
#[cfg(feature = "redis-store")]
pub use redis_store::RedisStore;

use crate::error::{Error, Result};

/// A cached access token and when it stops being usable (Unix milliseconds).
#[derive(Clone, PartialEq, Eq)]
pub struct StoredToken {
    /// The token itself.
    pub token: crate::Secret,
    /// Unix time in milliseconds after which it must not be used.
    pub expires_at_ms: u64,
}

impl Debug for StoredToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredToken")
            .field("token", &"<redacted>")
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

/// Shared state operations. Every method is atomic with respect to every other user of the
/// same store.
pub trait StateStore: Send + Sync + Debug {
    /// The token stored under `key`, if any and not expired.
    fn get_token(&self, key: &str) -> Result<Option<StoredToken>>;
    /// Stores a token until its expiry.
    fn put_token(&self, key: &str, token: &StoredToken) -> Result<()>;
    /// Removes the token under `key` only if it is still `rejected` (so a fresher token
    /// stored by another worker survives).
    fn drop_token_if(&self, key: &str, rejected: &str) -> Result<()>;
    /// Takes the lock `key` for at most `ttl` if nobody holds it; returns the holder id to
    /// release it with.
    fn try_lock(&self, key: &str, ttl: Duration) -> Result<Option<String>>;
    /// Releases a lock taken with [`StateStore::try_lock`] (only if still held by `holder`).
    fn unlock(&self, key: &str, holder: &str) -> Result<()>;
    /// Asks for one request slot under `key`, at most `limit` per `window`. Returns zero
    /// when granted (and counts it), otherwise how long to wait before asking again.
    fn acquire_slot(&self, key: &str, limit: u32, window: Duration) -> Result<Duration>;
    /// Counts one request against today's quota (East Africa Time days) and returns the
    /// count including this one; a caller over its quota must not send.
    fn count_today(&self, key: &str) -> Result<u64>;
    /// Claims the callback `id` for `lease` under the holder id `holder`: [`Claim::Claimed`]
    /// when nobody holds it (or `holder` already does: claiming again with the same holder
    /// is how an ambiguous earlier attempt is resolved), [`Claim::InProgress`] while another
    /// holder's lease runs, [`Claim::Done`] once it was completed.
    fn claim(&self, id: &str, holder: &str, lease: Duration) -> Result<Claim>;
    /// Marks `id` done for `ttl` (redeliveries then see [`Claim::Done`]); true when `holder`
    /// still held the lease (false: it had expired, the work may have been done twice).
    fn complete(&self, id: &str, holder: &str, ttl: Duration) -> Result<bool>;
    /// Gives the lease on `id` back if `holder` still holds it, so that a redelivery is
    /// processed; true when it did.
    fn release(&self, id: &str, holder: &str) -> Result<bool>;
    /// Stores `value` under `key` for `ttl` (the payment journal).
    fn put_record(&self, key: &str, value: &str, ttl: Duration) -> Result<()>;
    /// The value under `key`, if any and not expired.
    fn get_record(&self, key: &str) -> Result<Option<String>>;
    /// Appends `value` to the list under `key` and keeps the list for `ttl`.
    fn push_record(&self, key: &str, value: &str, ttl: Duration) -> Result<()>;
    /// The values of the list under `key`, oldest first.
    fn list_records(&self, key: &str) -> Result<Vec<String>>;
    /// Removes one occurrence of `value` from the list under `key`; true when it was there
    /// (so that of two callers matching the same entry, exactly one gets it).
    fn take_record(&self, key: &str, value: &str) -> Result<bool>;
    /// Stores every `(key, value)` record for `ttl` and applies `index` (the payment
    /// journal's index of open payments), in one round trip where the store allows it. The
    /// default runs [`StateStore::put_record`] and the index call one after the other.
    fn put_records(
        &self,
        records: &[(&str, &str)],
        ttl: Duration,
        index: Option<IndexChange<'_>>,
    ) -> Result<()> {
        for (key, value) in records {
            self.put_record(key, value, ttl)?;
        }
        match index {
            Some(IndexChange::Add {
                index,
                member,
                score,
            }) => self.index_add(index, member, score, ttl),
            Some(IndexChange::Remove { index, member }) => {
                self.index_remove(index, member).map(|_| ())
            }
            None => Ok(()),
        }
    }
    /// Files `member` in the index `index` under `score` (Unix milliseconds; a member
    /// already there is moved) and keeps the index for `ttl`; members scored more than
    /// `ttl` ago are forgotten. The default keeps the index as a list of `score|member`.
    fn index_add(&self, index: &str, member: &str, score: u64, ttl: Duration) -> Result<()> {
        self.index_remove(index, member)?;
        let cutoff = now_ms().saturating_sub(ttl.as_millis() as u64);
        for raw in self.list_records(index)? {
            if parse_index_item(&raw).is_some_and(|(_, s)| s < cutoff) {
                self.take_record(index, &raw)?;
            }
        }
        self.push_record(index, &format!("{score:020}|{member}"), ttl)
    }
    /// Takes `member` out of the index `index`; true when it was there.
    fn index_remove(&self, index: &str, member: &str) -> Result<bool> {
        let mut removed = false;
        for raw in self.list_records(index)? {
            if parse_index_item(&raw).is_some_and(|(m, _)| m == member) {
                removed |= self.take_record(index, &raw)?;
            }
        }
        Ok(removed)
    }
    /// The members of the index `index` scored at most `max_score`, lowest score first, at
    /// most `limit` of them, with their scores.
    fn index_range(&self, index: &str, max_score: u64, limit: usize) -> Result<Vec<(String, u64)>> {
        let mut items: Vec<(String, u64)> = self
            .list_records(index)?
            .iter()
            .filter_map(|raw| parse_index_item(raw))
            .filter(|(_, s)| *s <= max_score)
            .map(|(m, s)| (m.to_string(), s))
            .collect();
        items.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        items.truncate(limit);
        Ok(items)
    }
    /// True the first time `id` is seen within `ttl`, atomically across every user: a
    /// claim completed at once (a mark, with no way back; prefer claims).
    fn first_time(&self, id: &str, ttl: Duration) -> Result<bool> {
        let holder = holder_id();
        match self.claim(id, &holder, ttl)? {
            Claim::Claimed => self.complete(id, &holder, ttl),
            Claim::InProgress | Claim::Done => Ok(false),
        }
    }
    /// True when the store is shared beyond this process (Redis).
    fn is_fleet_wide(&self) -> bool {
        false
    }
}

/// A change to an index of the payment journal, applied with the records it goes with
/// (see [`StateStore::put_records`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexChange<'a> {
    /// Files `member` under `score` (Unix milliseconds).
    Add {
        /// The index.
        index: &'a str,
        /// The member (a journal record's key).
        member: &'a str,
        /// Its score.
        score: u64,
    },
    /// Takes `member` out.
    Remove {
        /// The index.
        index: &'a str,
        /// The member.
        member: &'a str,
    },
}

/// An item of an index kept as a list by the default methods: `score|member`.
fn parse_index_item(raw: &str) -> Option<(&str, u64)> {
    let (score, member) = raw.split_once('|')?;
    Some((member, score.parse().ok()?))
}

/// The state of a callback id, as a claim found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Claim {
    /// The caller holds the lease: process the callback, then complete or release it.
    Claimed,
    /// Another worker holds an unexpired lease: answer non-200 so the provider redelivers.
    InProgress,
    /// Processed already: acknowledge (HTTP 200) and do nothing.
    Done,
}

impl Claim {
    /// `claimed`, `in_progress` or `done`.
    pub fn as_str(self) -> &'static str {
        match self {
            Claim::Claimed => "claimed",
            Claim::InProgress => "in_progress",
            Claim::Done => "done",
        }
    }
}

/// Configuration of the shared store (`Config::store`; `TUMA_STORE_URL`).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `memory` (the default), or a `redis://` / `rediss://` URL
    /// (`redis://:password@host:6379/0`; the password is never printed).
    pub url: crate::Secret,
    /// Prefix of every key, to share one Redis between applications. Default `tuma:`.
    #[serde(default = "default_prefix")]
    pub key_prefix: String,
    /// Bound on every store call, in milliseconds. Default 250.
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    /// How long callback ids are remembered, in seconds. Default 7 days.
    #[serde(default = "default_dedup_ttl")]
    pub dedup_ttl_secs: u64,
    /// How long a callback claim lasts before a redelivery may take it over (a worker that
    /// died loses it), in milliseconds. Default 60 000.
    #[serde(default = "default_lease")]
    pub callback_lease_ms: u64,
    /// How long the payment journal keeps a push, in seconds. Default 3 days.
    #[serde(default = "default_journal_ttl")]
    pub journal_ttl_secs: u64,
    /// Whether a callback about a push missing from the journal is refused as forged.
    /// Default: yes with Redis (the journal sees every worker's pushes), no with the memory
    /// store (another process, or this one before a restart, may have pushed it: such a
    /// callback is verified by query alone, and found entries are still compared).
    #[serde(default)]
    pub journal_required: Option<bool>,
}

fn default_prefix() -> String {
    "tuma:".into()
}
fn default_timeout() -> u64 {
    250
}
fn default_dedup_ttl() -> u64 {
    7 * 24 * 3600
}
fn default_lease() -> u64 {
    60_000
}
fn default_journal_ttl() -> u64 {
    3 * 24 * 3600
}

impl StoreConfig {
    /// A store at `url` with default prefix and timeout.
    pub fn new(url: impl Into<String>) -> Self {
        StoreConfig {
            url: crate::Secret::new(url),
            key_prefix: default_prefix(),
            timeout_ms: default_timeout(),
            dedup_ttl_secs: default_dedup_ttl(),
            callback_lease_ms: default_lease(),
            journal_ttl_secs: default_journal_ttl(),
            journal_required: None,
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let u = self.url.expose();
        if !(u == "memory" || u.starts_with("redis://") || u.starts_with("rediss://")) {
            return Err(Error::config(
                "store.url",
                "must be `memory` or a redis:// or rediss:// URL",
            ));
        }
        if self.timeout_ms == 0 {
            return Err(Error::config("store.timeout_ms", "must be greater than 0"));
        }
        for (field, value, max) in [
            ("store.dedup_ttl_secs", self.dedup_ttl_secs, 365 * 24 * 3600),
            (
                "store.callback_lease_ms",
                self.callback_lease_ms,
                24 * 3600 * 1000,
            ),
            (
                "store.journal_ttl_secs",
                self.journal_ttl_secs,
                365 * 24 * 3600,
            ),
        ] {
            if value == 0 || value > max {
                return Err(Error::config(field, format!("must be between 1 and {max}")));
            }
        }
        #[cfg(not(feature = "redis-store"))]
        if u != "memory" {
            return Err(Error::config(
                "store.url",
                "this build of tuma has no Redis support (feature `redis-store`)",
            ));
        }
        Ok(())
    }

    /// Opens the store (Redis connects lazily, on first use).
    pub fn open(&self) -> Result<std::sync::Arc<dyn StateStore>> {
        self.validate()?;
        if self.url.expose() == "memory" {
            return Ok(MemoryStore::global());
        }
        #[cfg(feature = "redis-store")]
        {
            Ok(std::sync::Arc::new(RedisStore::open(self)?))
        }
        #[cfg(not(feature = "redis-store"))]
        unreachable!("validate refuses redis URLs without the feature")
    }
}

/// Unix time in milliseconds.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A short, stable, non-reversible name for key material: hex SHA-256, first 24 chars.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    h.finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A random holder id for locks.
pub(crate) fn holder_id() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store with only the required methods: the index methods are the trait's defaults.
    #[derive(Debug, Default)]
    struct Plain(MemoryStore);

    impl StateStore for Plain {
        fn get_token(&self, key: &str) -> Result<Option<StoredToken>> {
            self.0.get_token(key)
        }
        fn put_token(&self, key: &str, token: &StoredToken) -> Result<()> {
            self.0.put_token(key, token)
        }
        fn drop_token_if(&self, key: &str, rejected: &str) -> Result<()> {
            self.0.drop_token_if(key, rejected)
        }
        fn try_lock(&self, key: &str, ttl: Duration) -> Result<Option<String>> {
            self.0.try_lock(key, ttl)
        }
        fn unlock(&self, key: &str, holder: &str) -> Result<()> {
            self.0.unlock(key, holder)
        }
        fn acquire_slot(&self, key: &str, limit: u32, window: Duration) -> Result<Duration> {
            self.0.acquire_slot(key, limit, window)
        }
        fn count_today(&self, key: &str) -> Result<u64> {
            self.0.count_today(key)
        }
        fn claim(&self, id: &str, holder: &str, lease: Duration) -> Result<Claim> {
            self.0.claim(id, holder, lease)
        }
        fn complete(&self, id: &str, holder: &str, ttl: Duration) -> Result<bool> {
            self.0.complete(id, holder, ttl)
        }
        fn release(&self, id: &str, holder: &str) -> Result<bool> {
            self.0.release(id, holder)
        }
        fn put_record(&self, key: &str, value: &str, ttl: Duration) -> Result<()> {
            self.0.put_record(key, value, ttl)
        }
        fn get_record(&self, key: &str) -> Result<Option<String>> {
            self.0.get_record(key)
        }
        fn push_record(&self, key: &str, value: &str, ttl: Duration) -> Result<()> {
            self.0.push_record(key, value, ttl)
        }
        fn list_records(&self, key: &str) -> Result<Vec<String>> {
            self.0.list_records(key)
        }
        fn take_record(&self, key: &str, value: &str) -> Result<bool> {
            self.0.take_record(key, value)
        }
    }

    #[test]
    fn default_index_methods_behave_like_the_memory_stores() {
        let ttl = Duration::from_secs(60);
        let now = now_ms();
        for store in [
            &Plain::default() as &dyn StateStore,
            &MemoryStore::default(),
        ] {
            store.index_add("i", "b", now + 2, ttl).unwrap();
            store.index_add("i", "a", now + 1, ttl).unwrap();
            store.index_add("i", "b", now + 3, ttl).unwrap();
            store.index_add("i", "stale", 5, ttl).unwrap();
            store
                .put_records(
                    &[("k", "v")],
                    ttl,
                    Some(IndexChange::Add {
                        index: "i",
                        member: "c",
                        score: now + 4,
                    }),
                )
                .unwrap();
            let all = store.index_range("i", u64::MAX, 10).unwrap();
            let names: Vec<&str> = all.iter().map(|(m, _)| m.as_str()).collect();
            assert_eq!(names, ["a", "b", "c"], "{store:?}");
            assert_eq!(all[1].1, now + 3);
            assert_eq!(store.index_range("i", now + 1, 10).unwrap().len(), 1);
            assert!(store.index_remove("i", "a").unwrap());
            store
                .put_records(
                    &[],
                    ttl,
                    Some(IndexChange::Remove {
                        index: "i",
                        member: "b",
                    }),
                )
                .unwrap();
            assert_eq!(store.index_range("i", u64::MAX, 10).unwrap().len(), 1);
            assert_eq!(store.get_record("k").unwrap().as_deref(), Some("v"));
        }
    }
}
