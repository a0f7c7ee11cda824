//! The in-process store: one per process, shared by every client in it.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::{holder_id, now_ms, Claim, IndexChange, StateStore, StoredToken};
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
    /// Callback ids: the lease holder (`None` once done) and when the entry expires.
    claims: HashMap<String, (Option<String>, Instant)>,
    /// Payment journal records and lists, with their expiry.
    records: HashMap<String, (String, Instant)>,
    lists: HashMap<String, (VecDeque<String>, Instant)>,
    /// Payment journal indexes (members by score).
    indexes: HashMap<String, Index>,
    /// Expiries in the order they were set, to forget old entries without a scan.
    expiries: VecDeque<(Instant, Entry)>,
}

/// An index: members ordered by score, and each member's score.
#[derive(Debug, Default)]
struct Index {
    scores: HashMap<String, u64>,
    order: BTreeSet<(u64, String)>,
}

impl Index {
    fn remove(&mut self, member: &str) -> bool {
        match self.scores.remove(member) {
            Some(score) => self.order.remove(&(score, member.to_string())),
            None => false,
        }
    }

    /// Files `member` under `score`, after forgetting members scored before `cutoff`.
    fn add(&mut self, member: &str, score: u64, cutoff: u64) {
        while let Some((s, m)) = self.order.first() {
            if *s >= cutoff {
                break;
            }
            self.scores.remove(m);
            self.order.pop_first();
        }
        if let Some(old) = self.scores.insert(member.to_string(), score) {
            self.order.remove(&(old, member.to_string()));
        }
        self.order.insert((score, member.to_string()));
    }
}

/// Which map an expiry belongs to.
#[derive(Debug)]
enum Entry {
    Claim(String),
    Record(String),
    List(String),
}

/// Most entries (claims, records, lists) kept at once: a bound against floods of forged
/// callbacks; the oldest go first.
const MAX_ENTRIES: usize = 1_000_000;

impl Inner {
    /// Forgets what has expired, and the oldest entries beyond [`MAX_ENTRIES`].
    fn expire(&mut self, now: Instant) {
        while let Some((at, _)) = self.expiries.front() {
            let full = self.claims.len() + self.records.len() + self.lists.len() > MAX_ENTRIES;
            if *at > now && !full {
                break;
            }
            let Some((at, entry)) = self.expiries.pop_front() else {
                break;
            };
            // Only remove an entry whose expiry is still this one (it may have been renewed).
            match entry {
                Entry::Claim(k) => {
                    if self
                        .claims
                        .get(&k)
                        .is_some_and(|(_, until)| *until <= at || full)
                    {
                        self.claims.remove(&k);
                    }
                }
                Entry::Record(k) => {
                    if self
                        .records
                        .get(&k)
                        .is_some_and(|(_, until)| *until <= at || full)
                    {
                        self.records.remove(&k);
                    }
                }
                Entry::List(k) => {
                    if self
                        .lists
                        .get(&k)
                        .is_some_and(|(_, until)| *until <= at || full)
                    {
                        self.lists.remove(&k);
                    }
                }
            }
        }
    }

    fn put_record(&mut self, key: &str, value: &str, until: Instant) {
        self.records
            .insert(key.to_string(), (value.to_string(), until));
        self.expires(until, Entry::Record(key.to_string()));
    }

    fn index_change(&mut self, change: IndexChange<'_>, ttl: Duration) {
        match change {
            IndexChange::Add {
                index,
                member,
                score,
            } => {
                let cutoff = now_ms().saturating_sub(ttl.as_millis() as u64);
                self.indexes
                    .entry(index.to_string())
                    .or_default()
                    .add(member, score, cutoff);
            }
            IndexChange::Remove { index, member } => {
                if let Some(i) = self.indexes.get_mut(index) {
                    i.remove(member);
                }
            }
        }
    }

    fn expires(&mut self, at: Instant, entry: Entry) {
        // Expiries are mostly set in time order; an out-of-order one is only removed later.
        self.expiries.push_back((at, entry));
    }
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
        let (today, _) = crate::kenya_time::day();
        let mut inner = self.lock();
        let entry = inner.days.entry(key.to_string()).or_insert((today, 0));
        if entry.0 != today {
            *entry = (today, 0);
        }
        entry.1 += 1;
        Ok(entry.1)
    }

    fn claim(&self, id: &str, holder: &str, lease: Duration) -> Result<Claim> {
        let mut inner = self.lock();
        let now = Instant::now();
        inner.expire(now);
        match inner.claims.get(id) {
            Some((None, until)) if *until > now => return Ok(Claim::Done),
            Some((Some(h), until)) if *until > now && h != holder => return Ok(Claim::InProgress),
            _ => {}
        }
        let until = now + lease;
        inner
            .claims
            .insert(id.to_string(), (Some(holder.to_string()), until));
        inner.expires(until, Entry::Claim(id.to_string()));
        Ok(Claim::Claimed)
    }

    fn first_time(&self, id: &str, ttl: Duration) -> Result<bool> {
        let mut inner = self.lock();
        let now = Instant::now();
        inner.expire(now);
        if inner.claims.get(id).is_some_and(|(_, until)| *until > now) {
            return Ok(false);
        }
        let until = now + ttl;
        inner.claims.insert(id.to_string(), (None, until));
        inner.expires(until, Entry::Claim(id.to_string()));
        Ok(true)
    }

    fn complete(&self, id: &str, holder: &str, ttl: Duration) -> Result<bool> {
        let mut inner = self.lock();
        let now = Instant::now();
        inner.expire(now);
        let held =
            matches!(inner.claims.get(id), Some((Some(h), until)) if h == holder && *until > now);
        let until = now + ttl;
        inner.claims.insert(id.to_string(), (None, until));
        inner.expires(until, Entry::Claim(id.to_string()));
        Ok(held)
    }

    fn release(&self, id: &str, holder: &str) -> Result<bool> {
        let mut inner = self.lock();
        let now = Instant::now();
        let held =
            matches!(inner.claims.get(id), Some((Some(h), until)) if h == holder && *until > now);
        if held {
            inner.claims.remove(id);
        }
        Ok(held)
    }

    fn put_record(&self, key: &str, value: &str, ttl: Duration) -> Result<()> {
        let mut inner = self.lock();
        let now = Instant::now();
        inner.expire(now);
        inner.put_record(key, value, now + ttl);
        Ok(())
    }

    fn put_records(
        &self,
        records: &[(&str, &str)],
        ttl: Duration,
        index: Option<IndexChange<'_>>,
    ) -> Result<()> {
        let mut inner = self.lock();
        let now = Instant::now();
        inner.expire(now);
        for (key, value) in records {
            inner.put_record(key, value, now + ttl);
        }
        if let Some(change) = index {
            inner.index_change(change, ttl);
        }
        Ok(())
    }

    fn index_add(&self, index: &str, member: &str, score: u64, ttl: Duration) -> Result<()> {
        let change = IndexChange::Add {
            index,
            member,
            score,
        };
        self.lock().index_change(change, ttl);
        Ok(())
    }

    fn index_remove(&self, index: &str, member: &str) -> Result<bool> {
        Ok(self
            .lock()
            .indexes
            .get_mut(index)
            .is_some_and(|i| i.remove(member)))
    }

    fn index_range(&self, index: &str, max_score: u64, limit: usize) -> Result<Vec<(String, u64)>> {
        let inner = self.lock();
        Ok(inner.indexes.get(index).map_or_else(Vec::new, |i| {
            i.order
                .iter()
                .take_while(|(s, _)| *s <= max_score)
                .take(limit)
                .map(|(s, m)| (m.clone(), *s))
                .collect()
        }))
    }

    fn get_record(&self, key: &str) -> Result<Option<String>> {
        let inner = self.lock();
        let now = Instant::now();
        Ok(inner
            .records
            .get(key)
            .filter(|(_, until)| *until > now)
            .map(|(v, _)| v.clone()))
    }

    fn push_record(&self, key: &str, value: &str, ttl: Duration) -> Result<()> {
        let mut inner = self.lock();
        let now = Instant::now();
        inner.expire(now);
        let until = now + ttl;
        let list = inner
            .lists
            .entry(key.to_string())
            .or_insert_with(|| (VecDeque::new(), until));
        if list.1 <= now {
            list.0.clear();
        }
        list.0.push_back(value.to_string());
        list.1 = until;
        inner.expires(until, Entry::List(key.to_string()));
        Ok(())
    }

    fn list_records(&self, key: &str) -> Result<Vec<String>> {
        let inner = self.lock();
        let now = Instant::now();
        Ok(inner
            .lists
            .get(key)
            .filter(|(_, until)| *until > now)
            .map(|(l, _)| l.iter().cloned().collect())
            .unwrap_or_default())
    }

    fn take_record(&self, key: &str, value: &str) -> Result<bool> {
        let mut inner = self.lock();
        let Some((list, _)) = inner.lists.get_mut(key) else {
            return Ok(false);
        };
        match list.iter().position(|v| v == value) {
            Some(i) => {
                list.remove(i);
                Ok(true)
            }
            None => Ok(false),
        }
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

    #[test]
    fn indexes_order_move_and_forget() {
        let s = MemoryStore::default();
        let ttl = Duration::from_secs(60);
        let now = now_ms();
        s.index_add("i", "b", now + 2, ttl).unwrap();
        s.index_add("i", "a", now + 1, ttl).unwrap();
        s.index_add("i", "c", now + 3, ttl).unwrap();
        let names = |v: Vec<(String, u64)>| v.into_iter().map(|(m, _)| m).collect::<Vec<_>>();
        assert_eq!(
            names(s.index_range("i", u64::MAX, 10).unwrap()),
            ["a", "b", "c"]
        );
        assert_eq!(names(s.index_range("i", now + 2, 10).unwrap()), ["a", "b"]);
        assert_eq!(names(s.index_range("i", u64::MAX, 1).unwrap()), ["a"]);
        // Moving a member keeps one copy.
        s.index_add("i", "a", now + 4, ttl).unwrap();
        assert_eq!(
            names(s.index_range("i", u64::MAX, 10).unwrap()),
            ["b", "c", "a"]
        );
        assert!(s.index_remove("i", "b").unwrap());
        assert!(!s.index_remove("i", "b").unwrap());
        // Records and an index change in one call.
        s.put_records(
            &[("k1", "v1"), ("k2", "v2")],
            ttl,
            Some(IndexChange::Remove {
                index: "i",
                member: "c",
            }),
        )
        .unwrap();
        assert_eq!(s.get_record("k2").unwrap().as_deref(), Some("v2"));
        assert_eq!(names(s.index_range("i", u64::MAX, 10).unwrap()), ["a"]);
        // Members older than the ttl are forgotten on the next add.
        s.index_add("i", "old", 1, ttl).unwrap();
        s.index_add("i", "new", now, ttl).unwrap();
        assert_eq!(
            names(s.index_range("i", u64::MAX, 10).unwrap()),
            ["new", "a"]
        );
        assert!(s.index_range("none", u64::MAX, 10).unwrap().is_empty());
    }
}
