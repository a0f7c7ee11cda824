//! The client-side rate limiter: a sliding window with held slots plus a daily counter.
//!
//! A slot is taken when a request is about to be sent and stays taken until one window
//! (one second) after its answer arrived. The provider sees a request somewhere between
//! our send and our receipt of the answer, so counting from the answer keeps every
//! server-side rolling second under the rate whatever the network jitter; the price is a
//! little throughput (`rate / (1 s + latency)`). Callers over the rate wait, they do not
//! fail. The daily counter follows East Africa Time days, like UMS Pay.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::{Error, Provider, Result};

pub(crate) struct RateLimiter {
    rate: usize,
    window: Duration,
    daily_quota: u32,
    state: Mutex<State>,
    freed: Condvar,
}

struct State {
    next_id: u64,
    in_flight: Vec<u64>,
    /// When the answers of recent requests arrived, oldest first.
    done: VecDeque<Instant>,
    day: u64,
    day_count: u32,
}

/// A taken slot; dropping it starts the slot's last window.
pub(crate) struct Permit<'a> {
    limiter: &'a RateLimiter,
    id: u64,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut state = self.limiter.lock();
        state.in_flight.retain(|&i| i != self.id);
        state.done.push_back(Instant::now());
        drop(state);
        self.limiter.freed.notify_all();
    }
}

impl RateLimiter {
    pub(crate) fn new(rate_per_second: u32, daily_quota: u32) -> RateLimiter {
        RateLimiter {
            rate: rate_per_second.max(1) as usize,
            window: Duration::from_secs(1),
            daily_quota,
            state: Mutex::new(State {
                next_id: 0,
                in_flight: Vec::new(),
                done: VecDeque::new(),
                day: crate::kenya_time::day().0,
                day_count: 0,
            }),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a free slot and counts the request against today's quota; fails at once
    /// with [`Error::RateLimited`] when the quota is used up, and when no slot frees up
    /// before `deadline` (not sent either way).
    pub(crate) fn acquire(&self, deadline: Instant) -> Result<Permit<'_>> {
        let mut state = self.lock();
        loop {
            let (day, left) = crate::kenya_time::day();
            if state.day != day {
                state.day = day;
                state.day_count = 0;
            }
            if state.day_count >= self.daily_quota {
                return Err(Error::rate_limited(
                    Provider::Umspay,
                    Some(Duration::from_secs(left)),
                    format!(
                        "daily quota used up: {} requests today (East Africa Time); not sent",
                        self.daily_quota
                    ),
                    crate::error::Fate::NotSent,
                ));
            }
            let now = Instant::now();
            while state
                .done
                .front()
                .is_some_and(|t| now.duration_since(*t) >= self.window)
            {
                state.done.pop_front();
            }
            if state.in_flight.len() + state.done.len() < self.rate {
                let id = state.next_id;
                state.next_id += 1;
                state.in_flight.push(id);
                state.day_count += 1;
                return Ok(Permit { limiter: self, id });
            }
            let wait = match state.done.front() {
                Some(oldest) => (*oldest + self.window).saturating_duration_since(now),
                // Every slot is in flight: wait for an answer.
                None => self.window,
            };
            if now >= deadline {
                return Err(Error::rate_limited(
                    Provider::Umspay,
                    Some(wait.max(Duration::from_millis(1))),
                    format!(
                        "no free slot of the {} per second before the call's deadline; not sent",
                        self.rate
                    ),
                    crate::error::Fate::NotSent,
                ));
            }
            let wait = wait.min(deadline - now);
            state = self
                .freed
                .wait_timeout(state, wait.max(Duration::from_millis(1)))
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    /// Requests counted today (East Africa Time).
    pub(crate) fn used_today(&self) -> u32 {
        let state = self.lock();
        if state.day == crate::kenya_time::day().0 {
            state.day_count
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(3600)
    }

    #[test]
    fn gives_up_at_the_deadline_without_sending() {
        let limiter = RateLimiter::new(1, 1000);
        let held = limiter.acquire(far()).unwrap();
        let start = Instant::now();
        let err = limiter
            .acquire(start + Duration::from_millis(100))
            .err()
            .unwrap();
        assert!(start.elapsed() < Duration::from_millis(300));
        assert_eq!(err.kind(), "rate_limited");
        assert_eq!(err.fate(), crate::Fate::NotSent);
        drop(held);
        assert_eq!(limiter.used_today(), 1);
    }

    #[test]
    fn waits_instead_of_failing_and_keeps_the_rate() {
        let limiter = RateLimiter::new(5, 1000);
        let start = Instant::now();
        for _ in 0..12 {
            drop(limiter.acquire(far()).unwrap());
        }
        // 12 requests at 5 per second need at least two full windows.
        assert!(
            start.elapsed() >= Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(limiter.used_today(), 12);
    }

    #[test]
    fn daily_quota_fails_before_sending() {
        let limiter = RateLimiter::new(100, 2);
        drop(limiter.acquire(far()).unwrap());
        drop(limiter.acquire(far()).unwrap());
        let err = limiter.acquire(far()).err().unwrap();
        assert_eq!(err.kind(), "rate_limited");
        assert!(err.retry_after().unwrap() <= Duration::from_secs(86_400));
        assert!(err.to_string().contains("daily quota"));
    }

    #[test]
    fn held_slots_block_until_released() {
        let limiter = std::sync::Arc::new(RateLimiter::new(1, 1000));
        let first = limiter.acquire(far()).unwrap();
        let l2 = limiter.clone();
        let waiter = std::thread::spawn(move || {
            let t = Instant::now();
            drop(l2.acquire(far()).unwrap());
            t.elapsed()
        });
        std::thread::sleep(Duration::from_millis(300));
        drop(first);
        let waited = waiter.join().unwrap();
        // 300 ms held, then one full window after the release.
        assert!(waited >= Duration::from_millis(1250), "{waited:?}");
    }
}
