//! Background webhook delivery: POST a JSON body after a delay, retrying until a 200.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Decides from a reply's HTTP status and body whether a delivery succeeded.
pub type Accept = Arc<dyn Fn(u16, &[u8]) -> bool + Send + Sync>;

/// Sends webhooks from background threads.
#[derive(Clone)]
pub struct CallbackSender {
    agent: ureq::Agent,
    attempts: Arc<AtomicU64>,
    pending: Arc<(Mutex<u64>, Condvar)>,
}

impl Default for CallbackSender {
    fn default() -> Self {
        Self::new()
    }
}

impl CallbackSender {
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .proxy(None)
            .build();
        CallbackSender {
            agent: ureq::Agent::new_with_config(config),
            attempts: Arc::new(AtomicU64::new(0)),
            pending: Arc::new((Mutex::new(0), Condvar::new())),
        }
    }

    /// Delivery attempts so far.
    pub fn attempts(&self) -> u64 {
        self.attempts.load(Ordering::SeqCst)
    }

    /// POSTs `body` to `url` after `delay`; while the answer is not 200, tries again up to
    /// `retries` more times, `retry_gap` apart.
    pub fn post_later(
        &self,
        url: String,
        body: serde_json::Value,
        delay: Duration,
        retries: u32,
        retry_gap: Duration,
    ) {
        self.post(url, body, delay, retries, retry_gap, None);
    }

    /// Like [`CallbackSender::post_later`], with `accepted(status, reply body)` deciding
    /// whether an answer ends the delivery (a failed connection never does).
    pub fn post_later_until(
        &self,
        url: String,
        body: serde_json::Value,
        delay: Duration,
        retries: u32,
        retry_gap: Duration,
        accepted: Accept,
    ) {
        self.post(url, body, delay, retries, retry_gap, Some(accepted));
    }

    fn post(
        &self,
        url: String,
        body: serde_json::Value,
        delay: Duration,
        retries: u32,
        retry_gap: Duration,
        accepted: Option<Accept>,
    ) {
        let this = self.clone();
        *this.pending.0.lock().unwrap() += 1;
        thread::spawn(move || {
            thread::sleep(delay);
            let payload = serde_json::to_vec(&body).unwrap_or_default();
            for attempt in 0..=retries {
                if attempt > 0 {
                    thread::sleep(retry_gap);
                }
                this.attempts.fetch_add(1, Ordering::SeqCst);
                let ok = this
                    .agent
                    .post(&url)
                    .header("Content-Type", "application/json")
                    .send(&payload[..])
                    .map(|mut r| {
                        let status = r.status().as_u16();
                        match &accepted {
                            // Only the status counts: the reply is not even read.
                            None => status == 200,
                            Some(accept) => {
                                let reply = r.body_mut().read_to_vec().unwrap_or_default();
                                accept(status, &reply)
                            }
                        }
                    })
                    .unwrap_or(false);
                if ok {
                    break;
                }
            }
            let (lock, cv) = &*this.pending;
            *lock.lock().unwrap() -= 1;
            cv.notify_all();
        });
    }

    /// Waits until no delivery is pending; false if `timeout` passed first.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.pending;
        let mut n = lock.lock().unwrap();
        while *n > 0 {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            n = cv.wait_timeout(n, deadline - now).unwrap().0;
        }
        true
    }
}
