//! Kenyan time (EAT, UTC+3, no daylight saving): the one place the offset is written.
//!
//! The host's timezone is never read: times are computed from the UNIX clock plus three
//! hours, so a server running in UTC or New York still sends Nairobi time.

use std::time::{SystemTime, UNIX_EPOCH};

/// East Africa Time's offset from UTC, in seconds.
pub const EAT_OFFSET_SECONDS: i64 = 3 * 3600;

/// The current Kenyan time as `YYYYMMDDHHmmss`, the form of Daraja's `Timestamp`.
pub fn timestamp() -> String {
    timestamp_at(SystemTime::now())
}

/// The Kenyan time of `at` as `YYYYMMDDHHmmss`.
pub fn timestamp_at(at: SystemTime) -> String {
    let secs = match at.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    let local = secs + EAT_OFFSET_SECONDS;
    let days = local.div_euclid(86_400);
    let rest = local.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rest / 3600,
        (rest % 3600) / 60,
        rest % 60
    )
}

/// Today's day number in Kenyan time and the seconds left in it (daily quotas reset at
/// Nairobi midnight).
pub(crate) fn day() -> (u64, u64) {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .saturating_add(EAT_OFFSET_SECONDS as u64);
    (secs / 86_400, 86_400 - secs % 86_400)
}

/// True when `value` is a well-formed `YYYYMMDDHHmmss`.
pub(crate) fn is_timestamp(value: &str) -> bool {
    if value.len() != 14 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let n = |r: std::ops::Range<usize>| value[r].parse::<u32>().unwrap_or(99);
    (1..=12).contains(&n(4..6))
        && (1..=31).contains(&n(6..8))
        && n(8..10) < 24
        && n(10..12) < 60
        && n(12..14) < 60
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn known_instants() {
        let at = |s: u64| timestamp_at(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "19700101030000");
        // 2019-12-19 07:21:15 UTC is 10:21:15 in Nairobi.
        assert_eq!(at(1_576_740_075), "20191219102115");
        // 2024-02-29 22:30:00 UTC crosses midnight into 1 March in Nairobi (leap year).
        assert_eq!(at(1_709_245_800), "20240301013000");
        // 2023-12-31 21:00:00 UTC is new year in Nairobi.
        assert_eq!(at(1_704_056_400), "20240101000000");
        assert!(is_timestamp(&timestamp()));
        assert!(!is_timestamp("20241301000000"));
    }
}
