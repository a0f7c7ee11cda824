//! What UMS Pay clients with the same API key share: the rate limiter and the fleet-wide limits.

use super::*;

/// Per-client UMS Pay state: the rate limiter shared by every thread.
///
/// The limiter is shared through the process-wide registry by every client made with the
/// same base URL and api key; with a Redis store the rate and the daily quota are also
/// enforced across processes.
pub(crate) struct UmsPayState {
    pub(super) limiter: Option<Arc<limiter::RateLimiter>>,
    fleet: Option<FleetLimits>,
}

/// The fleet-wide limits kept in a Redis store.
struct FleetLimits {
    store: Arc<dyn StateStore>,
    key: String,
    rate: u32,
    quota: u32,
}

/// Fleet-wide windows are a little longer than a second: requests leave different
/// processes at slightly different distances from UMS Pay.
const FLEET_WINDOW: Duration = Duration::from_millis(1_150);

impl UmsPayState {
    pub(crate) fn new(config: Option<&UmsPayConfig>, store: &Arc<dyn StateStore>) -> Self {
        let Some(c) = config else {
            return UmsPayState {
                limiter: None,
                fleet: None,
            };
        };
        let rate = c.rate_per_second.to_string();
        let quota = c.daily_quota.to_string();
        let limiter = crate::registry::shared(
            &[
                "umspay",
                &c.base_url,
                c.api_key.expose(),
                &c.email,
                &rate,
                &quota,
            ],
            || limiter::RateLimiter::new(c.rate_per_second, c.daily_quota),
        );
        let fleet = store.is_fleet_wide().then(|| FleetLimits {
            store: store.clone(),
            // UMS Pay limits per API key (seed 004): the key name holds a one-way hash of
            // it, never the key itself.
            key: format!(
                "umspay:{}",
                crate::store::fingerprint(&["umspay", &c.base_url, c.api_key.expose()])
            ),
            rate: c.rate_per_second,
            quota: c.daily_quota,
        });
        UmsPayState {
            limiter: Some(limiter),
            fleet,
        }
    }

    /// Waits for a fleet-wide slot and counts the request against the fleet's daily quota.
    /// A store failure falls back to the process-local limits (logged).
    pub(super) fn acquire_fleet(&self, deadline: Instant) -> Result<()> {
        let Some(fleet) = &self.fleet else {
            return Ok(());
        };
        match fleet.store.count_today(&format!("{}:day", fleet.key)) {
            Ok(n) if n > u64::from(fleet.quota) => {
                return Err(Error::rate_limited(
                    Provider::Umspay,
                    Some(Duration::from_secs(crate::kenya_time::day().1)),
                    format!(
                        "daily quota used up across the fleet: {} requests today (East Africa Time); not sent",
                        fleet.quota
                    ),
                    Fate::NotSent,
                ))
            }
            Ok(_) => {}
            Err(e) => {
                log::warn!("tuma: UMS Pay fleet quota unavailable, using local limits: {e}");
                return Ok(());
            }
        }
        loop {
            match fleet
                .store
                .acquire_slot(&format!("{}:rate", fleet.key), fleet.rate, FLEET_WINDOW)
            {
                Ok(wait) if wait.is_zero() => return Ok(()),
                Ok(wait) if Instant::now() + wait >= deadline => {
                    return Err(Error::rate_limited(
                        Provider::Umspay,
                        Some(wait),
                        format!(
                            "no free slot of the fleet's {} per second before the call's deadline; not sent",
                            fleet.rate
                        ),
                        Fate::NotSent,
                    ))
                }
                Ok(wait) => std::thread::sleep(wait.min(Duration::from_millis(250))),
                Err(e) => {
                    log::warn!(
                        "tuma: UMS Pay fleet rate limit unavailable, using local limits: {e}"
                    );
                    return Ok(());
                }
            }
        }
    }
}
