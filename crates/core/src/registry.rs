//! The process-wide registry: clients made with the same provider, base URL and
//! credentials share one piece of state (Daraja token cache, UMS Pay limiter), whether they
//! are Rust `Client`s, C handles, or Python, Node and PHP objects, and however often they
//! are made. Entries are keyed by a SHA-256 fingerprint of the credentials (never stored
//! as such).
//!
//! An entry outlives its clients by [`IDLE_TTL`]: a PHP-FPM worker that makes a client per
//! request, one after the other, still reuses the token of the previous request.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long an entry no client uses is kept.
pub(crate) const IDLE_TTL: Duration = Duration::from_secs(3600);
/// Most entries kept; beyond, the least recently used idle ones go first.
const MAX_ENTRIES: usize = 1024;

struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    last_used: Instant,
}

/// The shared `T` for `parts`, made with `make` when none is held.
pub(crate) fn shared<T: Any + Send + Sync>(parts: &[&str], make: impl FnOnce() -> T) -> Arc<T> {
    static REGISTRY: OnceLock<Mutex<HashMap<String, Entry>>> = OnceLock::new();
    let key = format!(
        "{}:{}",
        std::any::type_name::<T>(),
        crate::store::fingerprint(parts)
    );
    let now = Instant::now();
    let mut entries = REGISTRY
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(entry) = entries.get_mut(&key) {
        if let Ok(typed) = entry.value.clone().downcast::<T>() {
            entry.last_used = now;
            return typed;
        }
    }
    // Forget what no client holds and nobody asked for within the TTL.
    entries.retain(|_, e| {
        Arc::strong_count(&e.value) > 1 || now.duration_since(e.last_used) < IDLE_TTL
    });
    if entries.len() >= MAX_ENTRIES {
        let mut idle: Vec<(String, Instant)> = entries
            .iter()
            .filter(|(_, e)| Arc::strong_count(&e.value) == 1)
            .map(|(k, e)| (k.clone(), e.last_used))
            .collect();
        idle.sort_by_key(|(_, at)| *at);
        for (k, _) in idle.into_iter().take(entries.len() + 1 - MAX_ENTRIES) {
            entries.remove(&k);
        }
    }
    let fresh = Arc::new(make());
    entries.insert(
        key,
        Entry {
            value: fresh.clone(),
            last_used: now,
        },
    );
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn same_parts_share_one_value_even_after_every_client_is_gone() {
        let a = shared(&["t", "k1"], || AtomicU32::new(1));
        let b = shared(&["t", "k1"], || AtomicU32::new(2));
        assert!(Arc::ptr_eq(&a, &b));
        let c = shared(&["t", "k2"], || AtomicU32::new(3));
        assert_eq!(c.load(Ordering::SeqCst), 3);
        a.store(7, Ordering::SeqCst);
        drop((a, b));
        // A client per request: the next one still finds the state of the previous one.
        let d = shared(&["t", "k1"], || AtomicU32::new(4));
        assert_eq!(d.load(Ordering::SeqCst), 7);
    }
}
