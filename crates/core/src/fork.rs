//! Fork detection without a system call per use, and what a child of `fork()` inherits
//! from its parent and must neither use nor close: the parent's pooled sockets and TLS
//! sessions (closing them in the child could end the parent's sessions), its queued jobs.
//! They are set aside here, reachable for the life of the process, so that leak checkers
//! (valgrind) report them as reachable, not lost.

use std::any::Any;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once};

static INHERITED: Mutex<Vec<Box<dyn Any + Send>>> = Mutex::new(Vec::new());

/// Bumped in every child right after `fork()`.
static GENERATION: AtomicU64 = AtomicU64::new(0);
static HOOK: Once = Once::new();

#[cfg(unix)]
extern "C" fn in_child() {
    GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// The process's fork generation: different in a child of `fork()` than in its parent. The
/// first call installs the `pthread_atfork` hook; a call costs one atomic load after that.
pub(crate) fn generation() -> u64 {
    HOOK.call_once(|| {
        #[cfg(unix)]
        // SAFETY: registers a handler that only increments an atomic, which is safe to do
        // in a child of fork() (async-signal-safe); no prepare or parent handler.
        unsafe {
            libc::pthread_atfork(None, None, Some(in_child));
        }
    });
    GENERATION.load(Ordering::Relaxed)
}

/// Keeps `inherited` untouched (never dropped) for the rest of the process.
pub(crate) fn set_aside<T: Any + Send>(inherited: T) {
    INHERITED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Box::new(inherited));
}
