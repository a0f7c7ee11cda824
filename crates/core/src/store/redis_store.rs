//! The Redis store: state shared by every process pointed at the same Redis.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::{Connection, Script};

use super::{holder_id, now_ms, Claim, IndexChange, StateStore, StoreConfig, StoredToken};
use crate::error::{Error, Result};

/// After a failure, calls fail fast for this long instead of each waiting for a connect.
const COOL_DOWN: Duration = Duration::from_millis(500);

/// Idle connections kept for reuse.
const MAX_IDLE: usize = 8;

/// A store on Redis (`redis://` or `rediss://`) with a small pool of connections: a call
/// takes an idle connection (or opens one) and gives it back, so no call waits behind
/// another's round trip. Every call, the host lookup and the connect included, is bounded
/// by the configured timeout. After `fork()`, a child opens its own connections and leaves
/// the inherited ones untouched.
pub struct RedisStore {
    info: redis::ConnectionInfo,
    lookup: std::sync::RwLock<crate::http::LookupFn>,
    prefix: String,
    timeout: Duration,
    conn: Mutex<Slot>,
    compare_and_delete: Script,
    sliding_window: Script,
    claim: Script,
    complete: Script,
}

struct Slot {
    /// The fork generation the idle connections belong to.
    generation: u64,
    idle: Vec<Connection>,
    down_until: Option<Instant>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn store_error(what: &str, e: &redis::RedisError) -> Error {
    let reason = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connection_refusal() {
        "connection refused".to_string()
    } else {
        // The category only: redis errors may quote the URL.
        format!("{:?}", e.kind())
    };
    Error::store(format!("{what}: {reason}"))
}

impl RedisStore {
    /// Prepares a store; the connection opens on first use.
    pub fn open(config: &StoreConfig) -> Result<RedisStore> {
        use redis::IntoConnectionInfo;
        let info = config
            .url
            .expose()
            .into_connection_info()
            .map_err(|e| Error::Config {
                field: "store.url".into(),
                rule: format!("is not a usable Redis URL ({:?})", e.kind()),
            })?;
        Ok(RedisStore {
            info,
            lookup: std::sync::RwLock::new(crate::http::system_lookup),
            prefix: config.key_prefix.clone(),
            timeout: Duration::from_millis(config.timeout_ms),
            conn: Mutex::new(Slot {
                generation: crate::fork::generation(),
                idle: Vec::new(),
                down_until: None,
            }),
            compare_and_delete: Script::new(
                "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
            ),
            // A callback claim: `lease:<holder>` while held, anything else once done (an
            // id marked by an older version holds "1": done too).
            claim: Script::new(
                r#"
local v = redis.call('GET', KEYS[1])
local mine = 'lease:' .. ARGV[1]
if (not v) or v == mine then
  redis.call('SET', KEYS[1], mine, 'PX', ARGV[2])
  return 'claimed'
end
if string.sub(v, 1, 6) == 'lease:' then return 'in_progress' end
return 'done'
"#,
            ),
            complete: Script::new(
                r#"
local v = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
if v == 'lease:' .. ARGV[1] then return 1 end
return 0
"#,
            ),
            // A sliding-window log: members are unique request ids scored by time (ms,
            // Redis' own clock, so every worker agrees).
            sliding_window: Script::new(
                r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + 1000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now
if wait < 1 then wait = 1 end
return wait
"#,
            ),
        })
    }

    fn key(&self, kind: &str, name: &str) -> String {
        format!("{}{kind}:{name}", self.prefix)
    }

    /// Opens a connection by `deadline`: the host name looked up within the time left (no
    /// unbounded blocking lookup), then each address tried with what remains.
    fn connect(&self, deadline: Instant) -> redis::RedisResult<Connection> {
        let left = || deadline.saturating_duration_since(Instant::now());
        let resolve = *self.lookup.read().unwrap_or_else(|p| p.into_inner());
        let lookup = |host: &str, port: u16| {
            crate::http::lookup_bounded_with(&format!("{host}:{port}"), Some(left()), resolve)
                .map_err(|e| match e {
                    crate::http::LookupError::Timeout => redis::RedisError::from(
                        std::io::Error::new(std::io::ErrorKind::TimedOut, "lookup timed out"),
                    ),
                    crate::http::LookupError::Failed(io) => redis::RedisError::from(io),
                })
        };
        let ready = |c: Connection| -> redis::RedisResult<Connection> {
            c.set_read_timeout(Some(self.timeout))?;
            c.set_write_timeout(Some(self.timeout))?;
            Ok(c)
        };
        let named = |host: &str| host.parse::<std::net::IpAddr>().is_err();
        match self.info.addr() {
            redis::ConnectionAddr::Tcp(host, port) if named(host) => {
                let mut last = None;
                for addr in lookup(host, *port)? {
                    if left().is_zero() {
                        break;
                    }
                    let at = redis::ConnectionAddr::Tcp(addr.ip().to_string(), addr.port());
                    match redis::Client::open(self.info.clone().set_addr(at))
                        .and_then(|c| c.get_connection_with_timeout(left()))
                    {
                        Ok(c) => return ready(c),
                        Err(e) => last = Some(e),
                    }
                }
                Err(last.unwrap_or_else(|| {
                    std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out").into()
                }))
            }
            redis::ConnectionAddr::TcpTls { host, port, .. } if named(host) => {
                // TLS needs the name for the certificate: look it up within the time left
                // first (a resolver that never answers fails here, in time), then connect.
                lookup(host, *port)?;
                ready(redis::Client::open(self.info.clone())?.get_connection_with_timeout(left())?)
            }
            _ => {
                ready(redis::Client::open(self.info.clone())?.get_connection_with_timeout(left())?)
            }
        }
    }

    /// Runs `f` on a pooled connection (opened first when none is idle), all by the
    /// configured timeout.
    fn with<T>(
        &self,
        what: &str,
        f: impl FnOnce(&mut Connection) -> redis::RedisResult<T>,
    ) -> Result<T> {
        let deadline = Instant::now() + self.timeout;
        let pooled = {
            let mut slot = self.conn.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(until) = slot.down_until {
                if Instant::now() < until {
                    return Err(Error::store(format!(
                        "{what}: unavailable (recent failure)"
                    )));
                }
            }
            let generation = crate::fork::generation();
            if slot.generation != generation {
                // A child of fork(): the parent's connections are neither used nor closed.
                crate::fork::set_aside(std::mem::take(&mut slot.idle));
                slot.generation = generation;
            }
            slot.idle.pop()
        };
        let mut con = match pooled {
            Some(c) => c,
            None => match self.connect(deadline) {
                Ok(c) => c,
                Err(e) => {
                    self.cool_down();
                    log::warn!("tuma: Redis store unavailable ({what})");
                    return Err(store_error(what, &e));
                }
            },
        };
        match f(&mut con) {
            Ok(v) => {
                let mut slot = self.conn.lock().unwrap_or_else(|p| p.into_inner());
                slot.down_until = None;
                if slot.idle.len() < MAX_IDLE && slot.generation == crate::fork::generation() {
                    slot.idle.push(con);
                }
                Ok(v)
            }
            Err(e) => {
                // The connection may hold a late reply: it is not reused.
                drop(con);
                if e.is_timeout() || e.is_io_error() || e.is_connection_dropped() {
                    self.cool_down();
                }
                log::warn!("tuma: Redis store call failed ({what})");
                Err(store_error(what, &e))
            }
        }
    }

    /// Adds an index change to a pipeline: a sorted set scored by Unix milliseconds, kept
    /// for the journal's ttl, members older than that dropped as new ones arrive (checked on
    /// about one add in sixteen: the index only grows by what a ttl holds).
    fn index_commands(&self, pipe: &mut redis::Pipeline, change: IndexChange<'_>, ttl_ms: u64) {
        match change {
            IndexChange::Add {
                index,
                member,
                score,
            } => {
                let k = self.key("journal", index);
                pipe.cmd("ZADD").arg(&k).arg(score).arg(member).ignore();
                if score % 16 == 0 {
                    pipe.cmd("ZREMRANGEBYSCORE")
                        .arg(&k)
                        .arg("-inf")
                        .arg(format!("({}", now_ms().saturating_sub(ttl_ms)))
                        .ignore();
                }
                pipe.cmd("PEXPIRE").arg(&k).arg(ttl_ms).ignore();
            }
            IndexChange::Remove { index, member } => {
                pipe.cmd("ZREM")
                    .arg(self.key("journal", index))
                    .arg(member)
                    .ignore();
            }
        }
    }

    /// After a failure that says Redis is unreachable or slow, calls fail fast for a while.
    fn cool_down(&self) {
        let mut slot = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        slot.down_until = Some(Instant::now() + COOL_DOWN);
    }

    /// Pretends the pooled connections were inherited from another process (for tests).
    #[doc(hidden)]
    pub fn simulate_fork(&self) {
        self.conn
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .generation = u64::MAX;
    }

    /// Replaces the host-name resolver (for tests: one that never answers).
    #[doc(hidden)]
    pub fn set_resolver(&self, resolve: fn(&str) -> std::io::Result<Vec<std::net::SocketAddr>>) {
        *self.lookup.write().unwrap_or_else(|p| p.into_inner()) = resolve;
    }

    /// Idle pooled connections (for tests).
    #[doc(hidden)]
    pub fn idle_connections(&self) -> usize {
        self.conn
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .idle
            .len()
    }
}

impl StateStore for RedisStore {
    fn is_fleet_wide(&self) -> bool {
        true
    }

    fn get_token(&self, key: &str) -> Result<Option<StoredToken>> {
        let k = self.key("token", key);
        let raw: Option<String> =
            self.with("read token", |c| redis::cmd("GET").arg(&k).query(c))?;
        Ok(raw.and_then(|v| {
            let (expiry, token) = v.split_once('|')?;
            let expires_at_ms = expiry.parse().ok()?;
            (expires_at_ms > now_ms()).then(|| StoredToken {
                token: token.into(),
                expires_at_ms,
            })
        }))
    }

    fn put_token(&self, key: &str, token: &StoredToken) -> Result<()> {
        let ttl = token.expires_at_ms.saturating_sub(now_ms()).max(1);
        let k = self.key("token", key);
        let v = format!("{}|{}", token.expires_at_ms, token.token.expose());
        self.with("store token", |c| {
            redis::cmd("SET")
                .arg(&k)
                .arg(&v)
                .arg("PX")
                .arg(ttl)
                .query::<()>(c)
        })
    }

    fn drop_token_if(&self, key: &str, rejected: &str) -> Result<()> {
        let k = self.key("token", key);
        let current = self.get_token(key)?;
        if let Some(t) = current.filter(|t| t.token.expose() == rejected) {
            let v = format!("{}|{}", t.expires_at_ms, t.token.expose());
            self.with("drop token", |c| {
                self.compare_and_delete.key(&k).arg(&v).invoke::<i64>(c)
            })?;
        }
        Ok(())
    }

    fn try_lock(&self, key: &str, ttl: Duration) -> Result<Option<String>> {
        let k = self.key("lock", key);
        let id = holder_id();
        let ok: Option<String> = self.with("take lock", |c| {
            redis::cmd("SET")
                .arg(&k)
                .arg(&id)
                .arg("NX")
                .arg("PX")
                .arg(ttl.as_millis().max(1) as u64)
                .query(c)
        })?;
        Ok(ok.map(|_| id))
    }

    fn unlock(&self, key: &str, holder: &str) -> Result<()> {
        let k = self.key("lock", key);
        self.with("release lock", |c| {
            self.compare_and_delete.key(&k).arg(holder).invoke::<i64>(c)
        })
        .map(|_| ())
    }

    fn acquire_slot(&self, key: &str, limit: u32, window: Duration) -> Result<Duration> {
        let k = self.key("rate", key);
        let member = holder_id();
        let wait: i64 = self.with("rate limit", |c| {
            self.sliding_window
                .key(&k)
                .arg(limit.max(1))
                .arg(window.as_millis() as u64)
                .arg(&member)
                .invoke(c)
        })?;
        Ok(Duration::from_millis(wait.max(0) as u64))
    }

    fn count_today(&self, key: &str) -> Result<u64> {
        let (day, left) = crate::kenya_time::day();
        let k = self.key("day", &format!("{key}:{day}"));
        let (count,): (u64,) = self.with("daily quota", |c| {
            redis::pipe()
                .atomic()
                .cmd("INCR")
                .arg(&k)
                .cmd("EXPIRE")
                .arg(&k)
                .arg(left + 3600)
                .ignore()
                .query(c)
        })?;
        Ok(count)
    }

    fn claim(&self, id: &str, holder: &str, lease: Duration) -> Result<Claim> {
        let k = self.key("seen", id);
        let state: String = self.with("callback claim", |c| {
            self.claim
                .key(&k)
                .arg(holder)
                .arg(lease.as_millis().max(1) as u64)
                .invoke(c)
        })?;
        Ok(match state.as_str() {
            "claimed" => Claim::Claimed,
            "in_progress" => Claim::InProgress,
            _ => Claim::Done,
        })
    }

    /// One round trip: "done" is set only where nothing (no lease, no completion) is.
    fn first_time(&self, id: &str, ttl: Duration) -> Result<bool> {
        let k = self.key("seen", id);
        let ok: Option<String> = self.with("callback de-duplication", |c| {
            redis::cmd("SET")
                .arg(&k)
                .arg("done")
                .arg("NX")
                .arg("PX")
                .arg(ttl.as_millis().max(1) as u64)
                .query(c)
        })?;
        Ok(ok.is_some())
    }

    fn complete(&self, id: &str, holder: &str, ttl: Duration) -> Result<bool> {
        let k = self.key("seen", id);
        let held: i64 = self.with("callback completion", |c| {
            self.complete
                .key(&k)
                .arg(holder)
                .arg(ttl.as_millis().max(1) as u64)
                .invoke(c)
        })?;
        Ok(held == 1)
    }

    fn release(&self, id: &str, holder: &str) -> Result<bool> {
        let k = self.key("seen", id);
        let lease = format!("lease:{holder}");
        let deleted: i64 = self.with("callback release", |c| {
            self.compare_and_delete.key(&k).arg(&lease).invoke(c)
        })?;
        Ok(deleted == 1)
    }

    fn put_record(&self, key: &str, value: &str, ttl: Duration) -> Result<()> {
        let k = self.key("journal", key);
        self.with("journal write", |c| {
            redis::cmd("SET")
                .arg(&k)
                .arg(value)
                .arg("PX")
                .arg(ttl.as_millis().max(1) as u64)
                .query::<()>(c)
        })
    }

    fn get_record(&self, key: &str) -> Result<Option<String>> {
        let k = self.key("journal", key);
        self.with("journal read", |c| redis::cmd("GET").arg(&k).query(c))
    }

    fn push_record(&self, key: &str, value: &str, ttl: Duration) -> Result<()> {
        let k = self.key("journal", key);
        self.with("journal write", |c| {
            redis::pipe()
                .atomic()
                .cmd("RPUSH")
                .arg(&k)
                .arg(value)
                .ignore()
                .cmd("PEXPIRE")
                .arg(&k)
                .arg(ttl.as_millis().max(1) as u64)
                .ignore()
                .query::<()>(c)
        })
    }

    fn list_records(&self, key: &str) -> Result<Vec<String>> {
        let k = self.key("journal", key);
        self.with("journal read", |c| {
            redis::cmd("LRANGE").arg(&k).arg(0).arg(-1).query(c)
        })
    }

    fn put_records(
        &self,
        records: &[(&str, &str)],
        ttl: Duration,
        index: Option<IndexChange<'_>>,
    ) -> Result<()> {
        if records.is_empty() && index.is_none() {
            return Ok(());
        }
        let ms = ttl.as_millis().max(1) as u64;
        // One round trip; not a transaction: a record whose index change was lost is only
        // reconciled later (or never needs it), an index member without its record is
        // dropped by the reconciler.
        let mut pipe = redis::pipe();
        for (key, value) in records {
            pipe.cmd("SET")
                .arg(self.key("journal", key))
                .arg(value)
                .arg("PX")
                .arg(ms)
                .ignore();
        }
        if let Some(change) = index {
            self.index_commands(&mut pipe, change, ms);
        }
        self.with("journal write", |c| pipe.query::<()>(c))
    }

    fn index_add(&self, index: &str, member: &str, score: u64, ttl: Duration) -> Result<()> {
        self.put_records(
            &[],
            ttl,
            Some(IndexChange::Add {
                index,
                member,
                score,
            }),
        )
    }

    fn index_remove(&self, index: &str, member: &str) -> Result<bool> {
        let k = self.key("journal", index);
        let removed: i64 = self.with("journal write", |c| {
            redis::cmd("ZREM").arg(&k).arg(member).query(c)
        })?;
        Ok(removed > 0)
    }

    fn index_range(&self, index: &str, max_score: u64, limit: usize) -> Result<Vec<(String, u64)>> {
        let k = self.key("journal", index);
        let items: Vec<(String, f64)> = self.with("journal read", |c| {
            redis::cmd("ZRANGEBYSCORE")
                .arg(&k)
                .arg("-inf")
                .arg(max_score)
                .arg("WITHSCORES")
                .arg("LIMIT")
                .arg(0)
                .arg(limit)
                .query(c)
        })?;
        Ok(items
            .into_iter()
            .map(|(m, s)| (m, s.max(0.0) as u64))
            .collect())
    }

    fn take_record(&self, key: &str, value: &str) -> Result<bool> {
        let k = self.key("journal", key);
        let removed: i64 = self.with("journal write", |c| {
            redis::cmd("LREM").arg(&k).arg(1).arg(value).query(c)
        })?;
        Ok(removed > 0)
    }
}
