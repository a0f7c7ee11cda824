//! Helpers for receiving callbacks safely: duplicate detection and URL-token checks.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Ids with the time first seen, and the same in arrival order for eviction.
type SeenIds = (HashMap<String, Instant>, VecDeque<(String, Instant)>);

/// Remembers the ids of callbacks already seen, so a redelivery is recognised.
///
/// Prefer [`crate::Client::receive_callback`]: it *claims* a callback (a failed processing
/// can give it back, a dead worker loses it) and works fleet-wide with a Redis store. This
/// type only marks ids, in one process, with no way back.
///
/// Providers deliver callbacks more than once (Statum asks integrators to be idempotent on
/// `request_id`). Call [`Deduplicator::first_time`] with the callback's id and act only
/// when it returns true. Memory is bounded: ids are forgotten after `ttl` or when more than
/// `capacity` are held (oldest first). This is per process; several workers need a shared
/// store.
pub struct Deduplicator {
    ttl: Duration,
    capacity: usize,
    seen: Mutex<SeenIds>,
}

impl Default for Deduplicator {
    fn default() -> Self {
        Deduplicator::new(Duration::from_secs(7 * 24 * 3600), 100_000)
    }
}

impl Deduplicator {
    /// Remembers ids for `ttl`, at most `capacity` of them.
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Deduplicator {
            ttl,
            capacity: capacity.max(1),
            seen: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    /// True the first time `id` is seen (within the ttl), false for a redelivery.
    pub fn first_time(&self, id: &str) -> bool {
        let now = Instant::now();
        let mut guard = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let (map, order) = &mut *guard;
        while let Some((old, at)) = order.front() {
            if now.duration_since(*at) > self.ttl || map.len() > self.capacity {
                if map.get(old) == Some(at) {
                    map.remove(old);
                }
                order.pop_front();
            } else {
                break;
            }
        }
        if let Some(at) = map.get(id) {
            if now.duration_since(*at) <= self.ttl {
                return false;
            }
        }
        map.insert(id.to_string(), now);
        order.push_back((id.to_string(), now));
        true
    }

    /// Number of ids currently remembered.
    pub fn len(&self) -> usize {
        self.seen.lock().map(|g| g.0.len()).unwrap_or(0)
    }

    /// True when no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Compares a token taken from a callback URL with the expected one in constant time.
///
/// Providers do not sign callbacks: put a long random token in the callback URL you give
/// them (`https://shop.example/mpesa/callback/<token>`) and check it on arrival.
pub fn verify_url_token(expected: &str, received: &str) -> bool {
    let (a, b) = (expected.as_bytes(), received.as_bytes());
    // Every difference is kept whole: a length difference of 256 must not fold to zero.
    let mut diff = (a.len() ^ b.len()) | usize::from(a.is_empty());
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

/// The addresses Safaricom sends Daraja callbacks from (published list, plus two that
/// integrations also report). Callbacks are not signed: use this as one defence among
/// others (a secret token in the URL, and a status query before shipping goods).
pub const SAFARICOM_CALLBACK_IPS: &[&str] = &[
    "196.201.214.200",
    "196.201.214.206",
    "196.201.213.114",
    "196.201.214.207",
    "196.201.214.208",
    "196.201.213.44",
    "196.201.212.127",
    "196.201.212.138",
    "196.201.212.129",
    "196.201.212.136",
    "196.201.212.74",
    "196.201.212.69",
    "196.201.212.128",
    "196.201.212.132",
];

/// True when `ip` (e.g. the peer address of a callback request, or the first hop your
/// proxy reports) is one of [`SAFARICOM_CALLBACK_IPS`]. IPv4-mapped IPv6 forms match too.
pub fn is_safaricom_callback_ip(ip: &str) -> bool {
    let ip = ip.trim();
    let v4 = ip
        .parse::<std::net::IpAddr>()
        .ok()
        .and_then(|addr| match addr {
            std::net::IpAddr::V4(v4) => Some(v4),
            std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped(),
        });
    match v4 {
        Some(v4) => SAFARICOM_CALLBACK_IPS
            .iter()
            .any(|known| known.parse::<std::net::Ipv4Addr>().ok() == Some(v4)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn safaricom_ip_check() {
        assert!(is_safaricom_callback_ip("196.201.214.200"));
        assert!(is_safaricom_callback_ip("::ffff:196.201.212.69"));
        assert!(!is_safaricom_callback_ip("196.201.214.201"));
        assert!(!is_safaricom_callback_ip("127.0.0.1"));
        assert!(!is_safaricom_callback_ip("not an ip"));
    }

    use super::*;

    #[test]
    fn recognises_redeliveries() {
        let d = Deduplicator::default();
        assert!(d.first_time("a"));
        assert!(!d.first_time("a"));
        assert!(d.first_time("b"));
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn forgets_after_the_ttl_and_beyond_capacity() {
        let d = Deduplicator::new(Duration::from_millis(20), 10);
        assert!(d.first_time("a"));
        std::thread::sleep(Duration::from_millis(30));
        assert!(d.first_time("a"));
        let small = Deduplicator::new(Duration::from_secs(60), 2);
        for id in ["1", "2", "3", "4"] {
            assert!(small.first_time(id));
        }
        assert!(small.len() <= 3);
    }

    #[test]
    fn url_token_check() {
        assert!(verify_url_token("s3cret-token", "s3cret-token"));
        assert!(!verify_url_token("s3cret-token", "s3cret-tokem"));
        assert!(!verify_url_token("s3cret-token", "s3cret"));
        assert!(!verify_url_token("", ""));
        // Lengths 256 apart, the longer the shorter plus NUL bytes: a length difference
        // folded into a u8 would read as equal.
        let expected = "t".repeat(44);
        let received = format!("{expected}{}", "\0".repeat(256));
        assert!(!verify_url_token(&expected, &received));
        assert!(!verify_url_token(&received, &expected));
    }
}
