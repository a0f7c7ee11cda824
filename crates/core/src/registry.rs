//! The process-wide registry: clients made with the same provider, base URL and
//! credentials share one piece of state (Daraja token cache, UMS Pay limiter), whether they
//! are Rust `Client`s, C handles, or Python and Node objects, and however often they are
//! made. Entries are keyed by a SHA-256 fingerprint of the credentials (never stored
//! as such) and live as long as a client uses them.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

type Entries = HashMap<String, Weak<dyn Any + Send + Sync>>;

/// The shared `T` for `parts`, made with `make` when no live client holds one.
pub(crate) fn shared<T: Any + Send + Sync>(parts: &[&str], make: impl FnOnce() -> T) -> Arc<T> {
    static REGISTRY: OnceLock<Mutex<Entries>> = OnceLock::new();
    let key = format!(
        "{}:{}",
        std::any::type_name::<T>(),
        crate::store::fingerprint(parts)
    );
    let mut entries = REGISTRY
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(existing) = entries.get(&key).and_then(Weak::upgrade) {
        if let Ok(typed) = existing.downcast::<T>() {
            return typed;
        }
    }
    entries.retain(|_, weak| weak.strong_count() > 0);
    let fresh = Arc::new(make());
    let erased: Arc<dyn Any + Send + Sync> = fresh.clone();
    entries.insert(key, Arc::downgrade(&erased));
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn same_parts_share_one_value_while_alive() {
        let a = shared(&["t", "k1"], || AtomicU32::new(1));
        let b = shared(&["t", "k1"], || AtomicU32::new(2));
        assert!(Arc::ptr_eq(&a, &b));
        let c = shared(&["t", "k2"], || AtomicU32::new(3));
        assert_eq!(c.load(Ordering::SeqCst), 3);
        drop((a, b));
        let d = shared(&["t", "k1"], || AtomicU32::new(4));
        assert_eq!(
            d.load(Ordering::SeqCst),
            4,
            "dropped entries are made afresh"
        );
    }
}
