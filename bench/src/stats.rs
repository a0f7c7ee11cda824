//! Medians, spreads and the rounds that alternate what is compared.

use std::collections::BTreeMap;

/// The median and the range of a few measurements.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Summary {
    /// Summary of `values` (NaN when empty).
    pub fn of(values: &[f64]) -> Summary {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return Summary {
                median: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
                n: 0,
            };
        }
        v.sort_by(f64::total_cmp);
        let mid = v.len() / 2;
        let median = if v.len() % 2 == 1 {
            v[mid]
        } else {
            (v[mid - 1] + v[mid]) / 2.0
        };
        Summary {
            median,
            min: v[0],
            max: v[v.len() - 1],
            n: v.len(),
        }
    }

    /// `1.23 (1.10–1.30)` with `digits` decimals.
    pub fn ratio(&self, digits: usize) -> String {
        if self.n == 0 {
            return "n/a".into();
        }
        format!(
            "{:.d$} ({:.d$}–{:.d$})",
            self.median,
            self.min,
            self.max,
            d = digits
        )
    }

    /// `8,120/s (±6%)`: the median rate and half the spread relative to it.
    pub fn rate(&self) -> String {
        if self.n == 0 {
            return "n/a".into();
        }
        let spread = if self.median > 0.0 {
            (self.max - self.min) / 2.0 / self.median * 100.0
        } else {
            0.0
        };
        format!("{}/s (±{:.0}%)", thousands(self.median), spread)
    }
}

/// `12345.6` → `12,346`.
pub fn thousands(x: f64) -> String {
    let n = x.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// One named measurement returning calls per second (or another figure).
pub type Measure<'a> = Box<dyn FnMut() -> Result<f64, String> + 'a>;

/// The results of [`rounds`]: per name, one value per round (in round order), and the
/// first error of an entry that failed.
#[derive(Default)]
pub struct Rounds {
    pub values: BTreeMap<String, Vec<f64>>,
    pub errors: BTreeMap<String, String>,
    pub rounds: usize,
}

impl Rounds {
    /// The summary of an entry.
    pub fn summary(&self, name: &str) -> Summary {
        Summary::of(self.values.get(name).map_or(&[][..], Vec::as_slice))
    }

    /// Per-round ratios `num / den` summarised (side by side in the same round).
    pub fn ratio(&self, num: &str, den: &str) -> Summary {
        let (Some(a), Some(b)) = (self.values.get(num), self.values.get(den)) else {
            return Summary::of(&[]);
        };
        let r: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
        Summary::of(&r)
    }

    /// The error an entry failed with, if it did.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }
}

/// Runs every entry once per round, rotating the order each round so that none always
/// runs first (or last). An entry that fails is dropped from later rounds.
pub fn rounds(count: usize, mut entries: Vec<(&str, Measure<'_>)>) -> Rounds {
    let mut out = Rounds {
        rounds: count,
        ..Rounds::default()
    };
    let n = entries.len();
    for round in 0..count {
        for i in 0..n {
            let idx = (i + round) % n;
            let (name, f) = &mut entries[idx];
            if out.errors.contains_key(*name) {
                continue;
            }
            match f() {
                Ok(v) => out.values.entry(name.to_string()).or_default().push(v),
                Err(e) => {
                    eprintln!("bench: {name} failed: {e}");
                    out.errors.insert(name.to_string(), e);
                }
            }
        }
    }
    out
}

/// Runs `calls` calls and returns the seconds they took.
pub type Chunk<'a> = Box<dyn FnMut(usize) -> Result<f64, String> + 'a>;

/// Like [`rounds`], but each round interleaves the entries in `chunks` slices of `calls`
/// calls (rotating the order), so that a change of load on a shared machine hits every
/// entry alike. Each entry's figure is its calls per second over the round.
pub fn interleaved(
    count: usize,
    chunks: usize,
    calls: usize,
    mut entries: Vec<(&str, Chunk<'_>)>,
) -> Rounds {
    let mut out = Rounds {
        rounds: count,
        ..Rounds::default()
    };
    let n = entries.len();
    for round in 0..count {
        let mut secs = vec![0.0f64; n];
        for (i, (name, f)) in entries.iter_mut().enumerate() {
            if out.errors.contains_key(*name) {
                continue;
            }
            if let Err(e) = f((calls / 2).max(1)) {
                eprintln!("bench: {name} failed: {e}");
                out.errors.insert(name.to_string(), e);
            }
            secs[i] = 0.0;
        }
        for c in 0..chunks {
            for i in 0..n {
                let idx = (i + c + round) % n;
                let (name, f) = &mut entries[idx];
                if out.errors.contains_key(*name) {
                    continue;
                }
                match f(calls) {
                    Ok(s) => secs[idx] += s,
                    Err(e) => {
                        eprintln!("bench: {name} failed: {e}");
                        out.errors.insert(name.to_string(), e);
                    }
                }
            }
        }
        for (i, (name, _)) in entries.iter().enumerate() {
            if !out.errors.contains_key(*name) {
                out.values
                    .entry(name.to_string())
                    .or_default()
                    .push((chunks * calls) as f64 / secs[i]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread() {
        let s = Summary::of(&[3.0, 1.0, 2.0]);
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        assert_eq!(Summary::of(&[1.0, 2.0, 3.0, 10.0]).median, 2.5);
        assert_eq!(s.ratio(2), "2.00 (1.00–3.00)");
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(Summary::of(&[]).ratio(2), "n/a");
    }

    #[test]
    fn rounds_rotate_and_pair_ratios() {
        let log = std::cell::RefCell::new(Vec::new());
        let r = rounds(
            2,
            vec![
                (
                    "a",
                    Box::new(|| {
                        log.borrow_mut().push("a");
                        Ok(10.0)
                    }),
                ),
                (
                    "b",
                    Box::new(|| {
                        log.borrow_mut().push("b");
                        Ok(5.0)
                    }),
                ),
                ("bad", Box::new(|| Err("nope".into()))),
            ],
        );
        assert_eq!(r.ratio("a", "b").median, 2.0);
        assert_eq!(r.error("bad"), Some("nope"));
        assert_eq!(log.into_inner(), ["a", "b", "b", "a"]);
    }
}
