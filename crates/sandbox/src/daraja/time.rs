//! Kenyan clock (EAT, UTC+3, no daylight saving) without a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds East Africa Time is ahead of UTC.
pub(crate) const EAT_OFFSET_SECS: i64 = 3 * 3600;

/// A calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub y: i64,
    pub mo: u32,
    pub d: u32,
    pub h: u32,
    pub mi: u32,
    pub s: u32,
}

/// Seconds since the Unix epoch, now.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The current time in Kenya.
pub(crate) fn eat_now() -> Civil {
    civil_from_unix(unix_now() + EAT_OFFSET_SECS)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar time of `secs` seconds after the epoch (no zone applied).
pub(crate) fn civil_from_unix(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(mo <= 2);
    Civil {
        y,
        mo,
        d,
        h: (rem / 3600) as u32,
        mi: (rem % 3600 / 60) as u32,
        s: (rem % 60) as u32,
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Civil {
    /// `YYYYMMDDHHmmss`.
    pub fn compact(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.y, self.mo, self.d, self.h, self.mi, self.s
        )
    }

    /// `YYYYMMDDHHmmss` as a number, the way STK callbacks carry `TransactionDate`.
    pub fn compact_number(&self) -> u64 {
        self.compact().parse().unwrap_or(0)
    }

    /// `DD.MM.YYYY HH:mm:ss`, as in B2C's `TransactionCompletedDateTime`.
    pub fn dotted(&self) -> String {
        format!(
            "{:02}.{:02}.{:04} {:02}:{:02}:{:02}",
            self.d, self.mo, self.y, self.h, self.mi, self.s
        )
    }

    /// `DDMMYYYYHHmmss`, as inside `ws_CO_` checkout ids.
    pub fn checkout_stamp(&self) -> String {
        format!(
            "{:02}{:02}{:04}{:02}{:02}{:02}",
            self.d, self.mo, self.y, self.h, self.mi, self.s
        )
    }

    /// `YYYYMMDD`.
    pub fn date(&self) -> String {
        format!("{:04}{:02}{:02}", self.y, self.mo, self.d)
    }

    /// `YYYY-MM-DD`.
    pub fn dashed_date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.mo, self.d)
    }

    /// `YYYY-MM-DDTHH:mm:ssZ` (meaningful for a UTC time).
    pub fn iso_z(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.y, self.mo, self.d, self.h, self.mi, self.s
        )
    }
}

/// Whether year-month-day is a real calendar date.
pub(crate) fn valid_date(y: i64, mo: u32, d: u32) -> bool {
    (1..=12).contains(&mo) && d >= 1 && d <= days_in_month(y, mo)
}

/// Parses `yyyymmdd` (Ratiba's dates) into days since the epoch; `None` when malformed.
pub(crate) fn parse_ymd_compact(s: &str) -> Option<i64> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y = i64::from(s[0..4].parse::<u32>().ok()?);
    let (mo, d) = (s[4..6].parse().ok()?, s[6..8].parse().ok()?);
    valid_date(y, mo, d).then(|| days_from_civil(y, mo, d))
}

/// Parses `YYYY-MM-DD` (Bill Manager's `dueDate`); `None` when malformed.
pub(crate) fn parse_ymd_dashed(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if s.len() != 10 || !s.is_ascii() || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    parse_ymd_compact(&format!("{}{}{}", &s[0..4], &s[5..7], &s[8..10]))
}

/// Parses a `YYYY-MM-DD HH:mm:ss` Kenyan time (Pull Transactions' dates) into Unix
/// seconds; `None` when malformed.
pub(crate) fn parse_eat_dashed(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if s.len() != 19 || !s.is_ascii() || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    parse_ymd_dashed(&s[0..10])?;
    let compact = format!(
        "{}{}{}{}{}{}",
        &s[0..4],
        &s[5..7],
        &s[8..10],
        &s[11..13],
        &s[14..16],
        &s[17..19]
    );
    parse_eat_compact(&compact)
}

/// Parses a `YYYYMMDDHHmmss` Kenyan timestamp into Unix seconds; `None` when malformed.
pub(crate) fn parse_eat_compact(s: &str) -> Option<i64> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |a: usize, b: usize| s[a..b].parse::<u32>().ok();
    let y = i64::from(num(0, 4)?);
    let (mo, d, h, mi, sec) = (
        num(4, 6)?,
        num(6, 8)?,
        num(8, 10)?,
        num(10, 12)?,
        num(12, 14)?,
    );
    if !(1..=12).contains(&mo)
        || d == 0
        || d > days_in_month(y, mo)
        || h > 23
        || mi > 59
        || sec > 59
    {
        return None;
    }
    let local = days_from_civil(y, mo, d) * 86_400
        + i64::from(h) * 3600
        + i64::from(mi) * 60
        + i64::from(sec);
    Some(local - EAT_OFFSET_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for secs in [0i64, 951_782_400, 1_700_000_000, 4_102_444_799] {
            let c = civil_from_unix(secs + EAT_OFFSET_SECS);
            assert_eq!(parse_eat_compact(&c.compact()), Some(secs));
        }
        assert_eq!(civil_from_unix(951_782_400).compact(), "20000229000000");
        assert!(parse_eat_compact("20230229120000").is_none());
        assert!(parse_eat_compact("2024-01-01T00:").is_none());
        assert_eq!(
            parse_eat_dashed("2000-02-29 00:00:00"),
            parse_eat_compact("20000229000000")
        );
        assert!(parse_eat_dashed("2023-02-29 00:00:00").is_none());
        assert!(parse_eat_dashed("2023-02-28T00:00:00").is_none());
        assert_eq!(parse_ymd_compact("19700102"), Some(1));
        assert_eq!(parse_ymd_dashed("1970-01-02"), Some(1));
        assert!(parse_ymd_compact("20231301").is_none());
        assert_eq!(civil_from_unix(0).iso_z(), "1970-01-01T00:00:00Z");
    }
}
