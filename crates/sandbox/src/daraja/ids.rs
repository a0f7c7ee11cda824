//! Ids, receipts and money formatting.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use rand::Rng as _;
use serde_json::{json, Value};

use super::{time, Daraja};

impl Daraja {
    /// A number for ids, unique across every emulator of the process (several sandboxes
    /// run side by side in one test binary; Daraja's ids are unique, so a client may key a
    /// shared store on them). Starts at a random point, so separate processes differ too.
    pub(crate) fn next_seq(&self) -> u64 {
        static SEQ: OnceLock<AtomicU64> = OnceLock::new();
        SEQ.get_or_init(|| AtomicU64::new(rand::thread_rng().gen_range(0..1_000_000)))
            .fetch_add(1, Ordering::SeqCst)
    }
}

/// An id shaped like Daraja's request and merchant ids: `12345-67890123-1`.
pub(crate) fn request_id() -> String {
    let mut rng = rand::thread_rng();
    format!(
        "{}-{}-1",
        rng.gen_range(10_000..100_000),
        rng.gen_range(10_000_000..100_000_000)
    )
}

/// `AG_YYYYMMDD_` followed by 20 hex digits.
pub(crate) fn conversation_id() -> String {
    let mut rng = rand::thread_rng();
    let hex: String = (0..20)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect();
    format!("AG_{}_{hex}", time::eat_now().date())
}

/// A 10-character M-Pesa receipt such as `TLK3B7XQ2M`.
pub(crate) fn receipt() -> String {
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    let mut s = String::with_capacity(10);
    s.push('T');
    for _ in 0..2 {
        s.push(LETTERS[rng.gen_range(0..LETTERS.len())] as char);
    }
    for _ in 0..7 {
        s.push(ALNUM[rng.gen_range(0..ALNUM.len())] as char);
    }
    s
}

/// `12345.60` from cents.
pub(crate) fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// Cents as a JSON number of shillings.
pub(crate) fn money_number(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

/// A random UUID-shaped id (`8-4-4-4-12` hex digits), as Ratiba's `responseRefID`.
pub(crate) fn uuid() -> String {
    let mut rng = rand::thread_rng();
    let hex = |n: usize, rng: &mut rand::rngs::ThreadRng| -> String {
        (0..n)
            .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
            .collect()
    };
    format!(
        "{}-{}-4{}-{}-{}",
        hex(8, &mut rng),
        hex(4, &mut rng),
        hex(3, &mut rng),
        hex(4, &mut rng),
        hex(12, &mut rng)
    )
}
