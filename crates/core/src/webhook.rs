//! Helpers for receiving callbacks safely: URL-token and sender-address checks. Duplicate
//! detection is [`crate::Client::receive_callback`] (claims, fleet-wide with a Redis store).

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
