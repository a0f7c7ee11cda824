//! The in-process store: one per process, shared by every client in it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::{eat_day, holder_id, now_ms, StateStore, StoredToken};
use crate::error::Result;

/// State shared by every client of this process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    tokens: HashMap<String, StoredToken>,
    locks: HashMap<String, (String, Instant)>,
    windows: HashMap<String, VecDeque<Instant>>,
    days: HashMap<String, (u64, u64)>,
    seen: HashMap<String, Instant>,
    seen_order: VecDeque<(String, Instant)>,
}

impl MemoryStore {
    /// The process-wide instance.
    pub fn global() -> Arc<MemoryStore> {
        static GLOBAL: OnceLock<Arc<MemoryStore>> = OnceLock::new();
        GLOBAL
            .get_or_init(|| Arc::new(MemoryStore::default()))
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl StateStore for MemoryStore {
    fn get_token(&self, key: &str) -> Result<Option<StoredToken>> {
        let inner = self.lock();
        Ok(inner
            .tokens
            .get(key)
            .filter(|t| t.expires_at_ms > now_ms())
            .cloned())
    }

    fn put_token(&self, key: &str, token: &StoredToken) -> Result<()> {
        self.lock().tokens.insert(key.to_string(), token.clone());
        Ok(())
    }

    fn drop_token_if(&self, key: &str, rejected: &str) -> Result<()> {
        let mut inner = self.lock();
        if inner
            .tokens
            .get(key)
            .is_some_and(|t| t.token.expose() == rejected)
        {
            inner.tokens.remove(key);
        }
        Ok(())
    }

    fn try_lock(&self, key: &str, ttl: Duration) -> Result<Option<String>> {
        let mut inner = self.lock();
        let now = Instant::now();
        if let Some((_, until)) = inner.locks.get(key) {
            if *until > now {
                return Ok(None);
            }
        }
        let id = holder_id();
        inner.locks.insert(key.to_string(), (id.clone(), now + ttl));
        Ok(Some(id))
    }

    fn unlock(&self, key: &str, holder: &str) -> Result<()> {
        let mut inner = self.lock();
        if inner.locks.get(key).is_some_and(|(h, _)| h == holder) {
            inner.locks.remove(key);
        }
        Ok(())
    }

    fn acquire_slot(&self, key: &str, limit: u32, window: Duration) -> Result<Duration> {
        let mut inner = self.lock();
        let now = Instant::now();
        let log = inner.windows.entry(key.to_string()).or_default();
        while log
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            log.pop_front();
        }
        if log.len() < limit.max(1) as usize {
            log.push_back(now);
            return Ok(Duration::ZERO);
        }
        let oldest = *log.front().expect("log is full, so not empty");
        Ok((oldest + window)
            .saturating_duration_since(now)
            .max(Duration::from_millis(1)))
    }

    fn count_today(&self, key: &str) -> Result<u64> {
        let (today, _) = eat_day();
        let mut inner = self.lock();
        let entry = inner.days.entry(key.to_string()).or_insert((today, 0));
        if entry.0 != today {
            *entry = (today, 0);
        }
        entry.1 += 1;
        Ok(entry.1)
    }

    fn first_time(&self, id: &str, ttl: Duration) -> Result<bool> {
        let mut inner = self.lock();
        let now = Instant::now();
        while let Some((old, at)) = inner.seen_order.front().cloned() {
            if now.duration_since(at) <= ttl && inner.seen_order.len() <= 1_000_000 {
                break;
            }
            if inner.seen.get(&old) == Some(&at) {
                inner.seen.remove(&old);
            }
            inner.seen_order.pop_front();
        }
        if inner
            .seen
            .get(id)
            .is_some_and(|at| now.duration_since(*at) <= ttl)
        {
            return Ok(false);
        }
        inner.seen.insert(id.to_string(), now);
        inner.seen_order.push_back((id.to_string(), now));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_slots_and_dedup() {
        let s = MemoryStore::default();
        let a = s.try_lock("k", Duration::from_secs(5)).unwrap().unwrap();
        assert!(s.try_lock("k", Duration::from_secs(5)).unwrap().is_none());
        s.unlock("k", "someone-else").unwrap();
        assert!(s.try_lock("k", Duration::from_secs(5)).unwrap().is_none());
        s.unlock("k", &a).unwrap();
        assert!(s.try_lock("k", Duration::from_secs(5)).unwrap().is_some());

        for _ in 0..3 {
            assert_eq!(
                s.acquire_slot("r", 3, Duration::from_secs(1)).unwrap(),
                Duration::ZERO
            );
        }
        assert!(s.acquire_slot("r", 3, Duration::from_secs(1)).unwrap() > Duration::ZERO);

        assert!(s.first_time("cb", Duration::from_secs(60)).unwrap());
        assert!(!s.first_time("cb", Duration::from_secs(60)).unwrap());
        assert_eq!(s.count_today("q").unwrap(), 1);
        assert_eq!(s.count_today("q").unwrap(), 2);

        let t = StoredToken {
            token: "tok".into(),
            expires_at_ms: now_ms() + 60_000,
        };
        s.put_token("t", &t).unwrap();
        assert_eq!(s.get_token("t").unwrap(), Some(t.clone()));
        s.drop_token_if("t", "other").unwrap();
        assert!(s.get_token("t").unwrap().is_some());
        s.drop_token_if("t", "tok").unwrap();
        assert!(s.get_token("t").unwrap().is_none());
        assert!(!format!("{t:?}").contains("tok\""));
    }
}
