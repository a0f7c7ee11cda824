//! What a child of `fork()` inherits from its parent and must neither use nor close: the
//! parent's pooled sockets and TLS sessions (closing them in the child could end the
//! parent's sessions), its queued jobs. They are set aside here, reachable for the life of
//! the process, so that leak checkers (valgrind) report them as reachable, not lost.

use std::any::Any;
use std::sync::Mutex;

static INHERITED: Mutex<Vec<Box<dyn Any + Send>>> = Mutex::new(Vec::new());

/// Keeps `inherited` untouched (never dropped) for the rest of the process.
pub(crate) fn set_aside<T: Any + Send>(inherited: T) {
    INHERITED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(Box::new(inherited));
}
