//! Kenyan mobile numbers: normalisation to `2547XXXXXXXX` / `2541XXXXXXXX` and a carrier hint.

use std::fmt;

use crate::error::{Error, Result};

/// The carrier a number was first allocated to. Numbers are portable, so this is a hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    /// Safaricom (M-Pesa).
    Safaricom,
    /// Airtel Kenya.
    Airtel,
    /// Telkom Kenya.
    Telkom,
    /// Any other holder (Equitel, Faiba, ...).
    Other,
}

/// A valid Kenyan mobile number in canonical form `254` + 9 digits.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Parses any accepted form: `0712345678`, `0112345678`, `712345678`, `+254712345678`,
    /// `254712345678`, `00254…`, with spaces, dashes, dots or parentheses.
    pub fn parse(input: &str) -> Result<Phone> {
        parse_for("phone", input)
    }

    /// The canonical form, e.g. `254712345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 9-digit national number, e.g. `712345678`.
    pub fn national(&self) -> &str {
        &self.0[3..]
    }

    /// The carrier the number's prefix was allocated to (a hint: numbers are portable).
    pub fn carrier(&self) -> Carrier {
        carrier_of(self.national())
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.0)
    }
}

/// Normalises `input` to `2547XXXXXXXX`/`2541XXXXXXXX`; errors name `field`.
pub fn normalize(input: &str) -> Result<String> {
    Phone::parse(input).map(|p| p.0)
}

pub(crate) fn parse_for(field: &str, input: &str) -> Result<Phone> {
    let rule = |r: &str| Err(Error::invalid(field, r));
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return rule("must not be empty");
    }
    let mut digits = String::with_capacity(trimmed.len());
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => {}
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => {
                return rule(
                    "must be a Kenyan mobile number such as 0712345678 or 254712345678 (only digits, spaces, dashes and a leading +)",
                )
            }
        }
    }
    if digits.starts_with('0') && !digits.starts_with("00") && digits.len() != 10 {
        return rule(
            "must have 10 digits when it starts with 0 (e.g. 0712345678), or 9 digits after 254",
        );
    }
    let national = if let Some(rest) = digits.strip_prefix("000254") {
        rest
    } else if let Some(rest) = digits.strip_prefix("00254") {
        rest
    } else if digits.len() == 12 && digits.starts_with("254") {
        &digits[3..]
    } else if digits.len() == 10 && digits.starts_with('0') {
        &digits[1..]
    } else {
        &digits[..]
    };
    if national.len() != 9 {
        return rule("must have 9 digits after 254 or 10 digits starting with 0 (e.g. 0712345678)");
    }
    if !is_mobile(national) {
        return rule("is not a Kenyan mobile number (expected 07XX… or 01XX… ranges)");
    }
    Ok(Phone(format!("254{national}")))
}

/// libphonenumber's KE mobile pattern: `7\d{8}` or `1(0[0-8]|[18]\d|2[014]|30|4[0-5])\d{6}`.
fn is_mobile(nsn: &str) -> bool {
    let b = nsn.as_bytes();
    if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    match b[0] {
        b'7' => true,
        b'1' => matches!(
            (b[1], b[2]),
            (b'0', b'0'..=b'8')
                | (b'1', _)
                | (b'8', _)
                | (b'2', b'0' | b'1' | b'4')
                | (b'3', b'0')
                | (b'4', b'0'..=b'5')
        ),
        _ => false,
    }
}

fn carrier_of(nsn: &str) -> Carrier {
    let p: u32 = nsn[..3].parse().unwrap_or(0);
    match p {
        110..=119
        | 140..=145
        | 180..=189
        | 700..=729
        | 740..=743
        | 745
        | 746
        | 748
        | 749
        | 757..=759
        | 768
        | 769
        | 790..=799 => Carrier::Safaricom,
        100..=108 | 730..=739 | 750..=756 | 761 | 762 | 780..=789 => Carrier::Airtel,
        120 | 770..=779 => Carrier::Telkom,
        _ => Carrier::Other,
    }
}

crate::request::request! {
    /// A phone number to normalise.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct PhoneRequest {
        /// Any accepted Kenyan form: `0712…`, `712…`, `+254712…`, `254712…`.
        pub phone: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_documented_form() {
        for input in [
            "0712345678",
            "712345678",
            "+254712345678",
            "254712345678",
            "0712 345 678",
            "0712-345-678",
            "+254 (712) 345-678",
            "00254712345678",
            "000254712345678",
        ] {
            assert_eq!(normalize(input).unwrap(), "254712345678", "{input}");
        }
        assert_eq!(normalize("0110345678").unwrap(), "254110345678");
        assert_eq!(normalize("112345678").unwrap(), "254112345678");
    }

    #[test]
    fn rejects_non_mobile_and_malformed() {
        for input in [
            "",
            "   ",
            "0812345678",
            "071234567",
            "07123456789",
            "2547123456789",
            "0109345678",
            "0150345678",
            "abc",
            "07l2345678",
            "+",
            "254+712345678",
            "0712_345_678",
        ] {
            let err = normalize(input).unwrap_err();
            assert_eq!(err.field(), Some("phone"), "{input}");
        }
    }

    #[test]
    fn carrier_hints_follow_the_allocation_table() {
        let c = |n: &str| Phone::parse(n).unwrap().carrier();
        assert_eq!(c("0712345678"), Carrier::Safaricom);
        assert_eq!(c("0110345678"), Carrier::Safaricom);
        assert_eq!(c("0757345678"), Carrier::Safaricom);
        assert_eq!(c("0733345678"), Carrier::Airtel);
        assert_eq!(c("0100345678"), Carrier::Airtel);
        assert_eq!(c("0771345678"), Carrier::Telkom);
        assert_eq!(c("0120345678"), Carrier::Telkom);
        assert_eq!(c("0763345678"), Carrier::Other);
        assert_eq!(c("0747345678"), Carrier::Other);
    }
}
