//! Callback delivery, with the run-time settings and the drop setting
//! (`callback_drop_percent`): a dropped callback is never sent, while the payment it tells
//! about still happens, so a client must reconcile (STK query, transaction status, Pull
//! Transactions) to learn the outcome.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;

use super::ledger::CallbackFate;
use super::{Daraja, Tunables};
use crate::callbacks::{Accept, CallbackSender};
use crate::Shared;

/// Every callback kind, for `callback_drop_kinds`: `stk` (STK callback), `c2b` (C2B
/// confirmation; validation requests are never dropped), `b2c`, `b2pochi`, `b2b` (pay bill,
/// buy goods, top-ups), `tax`, `reversal` (ResultURL results), `b2b_express` (B2B Express
/// Checkout), `ratiba` (standing order), `bill_payment` (Bill Manager payment
/// notification), `status` and `balance` (ResultURL results of the queries).
pub const CALLBACK_KINDS: &[&str] = &[
    "stk",
    "c2b",
    "b2c",
    "b2pochi",
    "b2b",
    "tax",
    "reversal",
    "b2b_express",
    "ratiba",
    "bill_payment",
    "status",
    "balance",
];

/// The kinds the drop applies to unless told otherwise: every payment outcome, not the
/// transaction status and account balance results (a reconciler relies on those).
pub const DROPPABLE_BY_DEFAULT: &[&str] = &[
    "stk",
    "c2b",
    "b2c",
    "b2pochi",
    "b2b",
    "tax",
    "reversal",
    "b2b_express",
    "ratiba",
    "bill_payment",
];

/// The run-time settings and the drop pattern's position.
pub(crate) struct Notifier {
    tunables: Mutex<Tunables>,
    /// Droppable callbacks seen since the tunables were last set.
    seen: AtomicU64,
    /// Callbacks dropped so far.
    dropped: AtomicU64,
}

/// SplitMix64: spreads a seed over 64 bits.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Whether the `n`-th droppable callback (from 0) is dropped: exactly `percent` of every
/// 100 consecutive ones, evenly spread, the seed shifting the pattern.
pub(crate) fn drops(n: u64, percent: u8, seed: u64) -> bool {
    let p = u64::from(percent.min(100));
    let offset = splitmix64(seed) % 100;
    (n.wrapping_mul(p).wrapping_add(offset)) % 100 < p
}

impl Notifier {
    pub fn new(tunables: Tunables) -> Self {
        Notifier {
            tunables: Mutex::new(tunables),
            seen: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
        }
    }

    pub fn tunables(&self) -> Tunables {
        self.tunables.lock().unwrap().clone()
    }

    pub fn set_tunables(&self, mut t: Tunables) {
        t.callback_drop_percent = t.callback_drop_percent.min(100);
        t.pull_page_size = t.pull_page_size.max(1);
        let mut current = self.tunables.lock().unwrap();
        *current = t;
        self.seen.store(0, Ordering::SeqCst);
    }

    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::SeqCst)
    }

    /// Decides whether the next callback of `kind` is dropped (and counts it).
    fn should_drop(&self, kind: &str) -> bool {
        let t = self.tunables.lock().unwrap();
        if t.callback_drop_percent == 0 || !t.callback_drop_kinds.iter().any(|k| k == kind) {
            return false;
        }
        let n = self.seen.fetch_add(1, Ordering::SeqCst);
        let drop = drops(n, t.callback_drop_percent, t.callback_drop_seed);
        if drop {
            self.dropped.fetch_add(1, Ordering::SeqCst);
        }
        drop
    }

    /// Sends `body` to `url` after `delay` (retrying as given), unless the drop setting
    /// withholds it.
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        &self,
        callbacks: &CallbackSender,
        kind: &str,
        url: &str,
        body: Value,
        delay: Duration,
        retries: u32,
        retry_gap: Duration,
        accept: Option<Accept>,
    ) -> CallbackFate {
        if self.should_drop(kind) {
            return CallbackFate::Dropped;
        }
        match accept {
            None => callbacks.post_later(url.to_string(), body, delay, retries, retry_gap),
            Some(a) => {
                callbacks.post_later_until(url.to_string(), body, delay, retries, retry_gap, a)
            }
        }
        CallbackFate::Scheduled
    }
}

impl Daraja {
    /// Schedules a webhook of `kind` with the configured delay and retries (unless dropped).
    pub(crate) fn notify(
        &self,
        shared: &Shared,
        kind: &str,
        url: &str,
        body: Value,
    ) -> CallbackFate {
        self.notifier.send(
            &shared.callbacks,
            kind,
            url,
            body,
            self.settings.callback_delay,
            self.settings.callback_retries,
            self.settings.callback_retry_gap,
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_exactly_the_percentage() {
        for seed in [0u64, 1, 7, 42, u64::MAX] {
            for percent in [0u8, 1, 10, 30, 33, 50, 99, 100] {
                let n = (0..100).filter(|&i| drops(i, percent, seed)).count();
                assert_eq!(n, usize::from(percent), "seed {seed} percent {percent}");
            }
            // 30 %: 3 of any 10 consecutive.
            for start in 0..50 {
                let n = (start..start + 10).filter(|&i| drops(i, 30, seed)).count();
                assert_eq!(n, 3);
            }
        }
        let a: Vec<bool> = (0..20).map(|i| drops(i, 30, 1)).collect();
        let b: Vec<bool> = (0..20).map(|i| drops(i, 30, 2)).collect();
        assert_eq!(a, (0..20).map(|i| drops(i, 30, 1)).collect::<Vec<_>>());
        assert_ne!(a, b, "the seed shifts the pattern");
    }
}
