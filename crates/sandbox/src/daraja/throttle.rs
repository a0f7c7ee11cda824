//! Daraja's throttling: spike arrest and quota, both answered with HTTP 500.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{error, Daraja, Result};

/// What the throttling settings have admitted so far.
#[derive(Default)]
pub(crate) struct Throttle {
    /// Admitted requests of the last second.
    admitted: VecDeque<Instant>,
    /// Start of the current quota window.
    window_start: Option<Instant>,
    /// Admitted requests in the current quota window.
    window_count: u32,
}

impl Daraja {
    /// Daraja's throttling: spike arrest (`Settings::rate_per_second`, `500.003.02`), then
    /// quota (`Settings::quota`, `500.003.03`), both answered with HTTP 500 (daraja.md:
    /// "not HTTP 429"). Refused requests are not processed and do not use up the budget.
    pub(crate) fn throttle(&self) -> Result<()> {
        let s = &self.settings;
        if s.rate_per_second.is_none() && s.quota.is_none() {
            return Ok(());
        }
        let now = Instant::now();
        let mut t = self.throttle.lock().unwrap();
        if let Some(rate) = s.rate_per_second {
            while t
                .admitted
                .front()
                .is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(1))
            {
                t.admitted.pop_front();
            }
            if t.admitted.len() >= rate as usize {
                self.stats.spike_arrests.fetch_add(1, Ordering::SeqCst);
                return Err(error(
                    500,
                    "500.003.02",
                    "Spike arrest violation: too many requests per second",
                ));
            }
        }
        if let Some(quota) = s.quota {
            let expired = t
                .window_start
                .is_none_or(|start| now.duration_since(start) >= s.quota_window);
            if expired {
                t.window_start = Some(now);
                t.window_count = 0;
            }
            if t.window_count >= quota {
                self.stats.quota_violations.fetch_add(1, Ordering::SeqCst);
                return Err(error(
                    500,
                    "500.003.03",
                    "Quota violation: request allowance exceeded",
                ));
            }
        }
        t.admitted.push_back(now);
        t.window_count += 1;
        Ok(())
    }
}
