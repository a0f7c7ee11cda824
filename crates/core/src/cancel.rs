//! Cancelling a call from another thread (the Python binding's asyncio cancellation) with
//! one guarantee: a call cancelled before its money-moving request was written never
//! writes it, and the canceller learns which of the two happened.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use crate::http::{HttpRequest, Safety};

const OPEN: u8 = 0;
const CANCELLED: u8 = 1;
const SENT: u8 = 2;

/// The gate a call passes before writing a money-moving request. Run the call inside
/// [`SendGate::run`] on its worker thread; call [`SendGate::cancel`] from anywhere.
#[derive(Debug, Default)]
pub struct SendGate {
    state: AtomicU8,
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<SendGate>>> = const { RefCell::new(None) };
}

impl SendGate {
    /// A gate for one call.
    pub fn new() -> Arc<SendGate> {
        Arc::new(SendGate::default())
    }

    /// Cancels the call. True when no money-moving request had been written: none will be
    /// (the call fails without sending, or stops before its next request). False when one
    /// may already be on its way: the call goes on to its end and its outcome (result or
    /// error with recovery ids) is what tells what happened.
    pub fn cancel(&self) -> bool {
        match self
            .state
            .compare_exchange(OPEN, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => true,
            Err(state) => state == CANCELLED,
        }
    }

    /// True once [`SendGate::cancel`] stopped the call in time.
    pub fn is_cancelled(&self) -> bool {
        self.state.load(Ordering::Acquire) == CANCELLED
    }

    /// True once a money-moving request was let through.
    pub fn sent(&self) -> bool {
        self.state.load(Ordering::Acquire) == SENT
    }

    /// Runs `call` on this thread with this gate guarding its requests.
    pub fn run<T>(self: &Arc<Self>, call: impl FnOnce() -> T) -> T {
        struct Reset(Option<Arc<SendGate>>);
        impl Drop for Reset {
            fn drop(&mut self) {
                let previous = self.0.take();
                CURRENT.with(|c| *c.borrow_mut() = previous);
            }
        }
        let previous = CURRENT.with(|c| c.borrow_mut().replace(self.clone()));
        let _reset = Reset(previous);
        call()
    }
}

/// True when the call running on this thread was cancelled (loops that wait between
/// requests, like `wait_for_status`, stop at once).
pub(crate) fn cancelled() -> bool {
    CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|gate| gate.state.load(Ordering::Acquire) == CANCELLED)
    })
}

/// Called before every attempt: true when the call was cancelled and `req` must not be
/// written. A money-moving request that passes closes the gate for good.
pub(crate) fn cancelled_before(req: &HttpRequest<'_>) -> bool {
    CURRENT.with(|c| {
        let current = c.borrow();
        let Some(gate) = current.as_ref() else {
            return false;
        };
        match req.safety {
            Safety::OnceOnly => {
                match gate
                    .state
                    .compare_exchange(OPEN, SENT, Ordering::AcqRel, Ordering::Acquire)
                {
                    Ok(_) => false,
                    Err(state) => state == CANCELLED,
                }
            }
            Safety::Safe | Safety::Query => gate.state.load(Ordering::Acquire) == CANCELLED,
        }
    })
}
