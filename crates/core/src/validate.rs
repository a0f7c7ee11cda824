//! Input checks shared by the providers: every error names the field and the rule.

use crate::error::{Error, Result};

/// A whole number of shillings within `min..=max`.
pub(crate) fn amount(field: &str, value: u64, min: u64, max: u64) -> Result<u64> {
    if value == 0 {
        return Err(Error::invalid(field, "must be greater than 0"));
    }
    if value < min {
        return Err(Error::invalid(field, format!("must be at least {min} KES")));
    }
    if value > max {
        return Err(Error::invalid(field, format!("must be at most {max} KES")));
    }
    Ok(value)
}

/// A string of `min..=max` characters with no control characters; returns it trimmed.
pub(crate) fn text<'a>(field: &str, value: &'a str, min: usize, max: usize) -> Result<&'a str> {
    let v = value.trim();
    let n = v.chars().count();
    if n == 0 && min > 0 {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if n < min {
        return Err(Error::invalid(
            field,
            format!("must be at least {min} characters"),
        ));
    }
    if n > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters (got {n})"),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(v)
}

/// An http(s) URL the provider will call back; https only unless `allow_http`.
pub(crate) fn callback_url(field: &str, value: &str, allow_http: bool) -> Result<()> {
    let v = value.trim();
    let rest = if let Some(r) = v.strip_prefix("https://") {
        r
    } else if let Some(r) = v.strip_prefix("http://") {
        if !allow_http {
            return Err(Error::invalid(
                field,
                "must be an https:// URL in production",
            ));
        }
        r
    } else {
        return Err(Error::invalid(field, "must be an http(s):// URL"));
    };
    if rest.is_empty() || rest.starts_with('/') || v.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            field,
            "must be a URL with a host and no spaces",
        ));
    }
    Ok(())
}

/// A URL's scheme and host (and port), its path, query and credentials replaced: what may
/// be shown of a callback URL, whose path usually holds a secret token.
pub(crate) fn url_origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let hidden = if rest.len() > authority.len() || authority.contains('@') {
        "/<redacted>"
    } else {
        ""
    };
    if scheme.is_empty() {
        format!("{host}{hidden}")
    } else {
        format!("{scheme}://{host}{hidden}")
    }
}

#[cfg(test)]
mod origin_tests {
    #[test]
    fn url_origin_hides_paths_and_credentials() {
        use super::url_origin;
        assert_eq!(
            url_origin("https://shop.example/mpesa/stk/9f0c1d7e"),
            "https://shop.example/<redacted>"
        );
        assert_eq!(
            url_origin("https://user:pw@shop.example:8443"),
            "https://shop.example:8443/<redacted>"
        );
        assert_eq!(url_origin("https://shop.example"), "https://shop.example");
    }
}
