//! Request bodies and Daraja's error answers: the JSON body, field rules that answer
//! 400.002.02 `"Bad Request - Invalid <field>"`, and the error body itself.

use serde_json::{json, Map, Value};

use super::{ids::request_id, Result};
use crate::http::{Request, Response};

/// The JSON body. A request without `Content-Type: application/json` is read as an empty
/// object, so its first required field is reported invalid, as Daraja does; a body that is
/// not JSON is 400.002.05 "Invalid request payload".
pub(crate) fn parse_json(req: &Request) -> Result<Value> {
    let is_json = req
        .header("content-type")
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|ct| ct.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice::<Value>(&req.body).map_err(|_| payload_error())
}

/// 400.002.05 "Invalid request payload": the body is not JSON, or not the JSON type the
/// API takes (an object; a list for the Bill Manager bulk calls).
pub(crate) fn payload_error() -> Response {
    error(400, "400.002.05", "Invalid request payload")
}

/// Daraja's error body with a fresh `requestId`.
pub(crate) fn error(status: u16, code: &str, message: &str) -> Response {
    Response::json(
        status,
        &json!({"requestId": request_id(), "errorCode": code, "errorMessage": message}),
    )
}

/// 400.002.02 "Bad Request - Invalid <field>".
pub(crate) fn invalid(field: &str) -> Response {
    error(400, "400.002.02", &format!("Bad Request - Invalid {field}"))
}

/// Read access to a request body with Daraja's field rules; every failure is the
/// 400.002.02 "Invalid <field>" answer.
pub(crate) struct Body<'a>(pub &'a Map<String, Value>);

impl Body<'_> {
    /// The raw value, if present and not null.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field).filter(|v| !v.is_null())
    }

    /// A required non-empty string.
    pub fn string(&self, field: &str) -> Result<String> {
        match self.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            _ => Err(invalid(field)),
        }
    }

    /// A required string of `min..=max` characters.
    pub fn string_len(&self, field: &str, min: usize, max: usize) -> Result<String> {
        match self.get(field) {
            Some(Value::String(s)) if (min..=max).contains(&s.chars().count()) => Ok(s.clone()),
            _ => Err(invalid(field)),
        }
    }

    /// An optional string; when present it must have `min..=max` characters.
    pub fn opt_string_len(&self, field: &str, min: usize, max: usize) -> Result<Option<String>> {
        match self.get(field) {
            None => Ok(None),
            Some(_) => self.string_len(field, min, max).map(Some),
        }
    }

    /// Digits given as a JSON string or a non-negative integer, `min..=max` long.
    pub fn digits(&self, field: &str, min: usize, max: usize) -> Result<String> {
        let s = match self.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) if n.is_u64() => n.to_string(),
            _ => return Err(invalid(field)),
        };
        if (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(s)
        } else {
            Err(invalid(field))
        }
    }

    /// A Kenyan mobile number `2547XXXXXXXX` / `2541XXXXXXXX` (string or number).
    pub fn phone(&self, field: &str) -> Result<String> {
        let p = self.digits(field, 12, 12)?;
        if p.starts_with("2547") || p.starts_with("2541") {
            Ok(p)
        } else {
            Err(invalid(field))
        }
    }

    /// A Kenyan mobile number in local (`07XXXXXXXX` / `01XXXXXXXX`) or international
    /// (`2547XXXXXXXX` / `2541XXXXXXXX`) form, string or number; answered in the
    /// international form.
    pub fn any_phone(&self, field: &str) -> Result<String> {
        let p = self.digits(field, 10, 12)?;
        let intl = match p.len() {
            10 if p.starts_with("07") || p.starts_with("01") => format!("254{}", &p[1..]),
            12 => p,
            _ => return Err(invalid(field)),
        };
        if intl.starts_with("2547") || intl.starts_with("2541") {
            Ok(intl)
        } else {
            Err(invalid(field))
        }
    }

    /// An e-mail address: `local@domain.tld`, no spaces.
    pub fn email(&self, field: &str) -> Result<String> {
        let s = self.string_len(field, 3, 254)?;
        let ok = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !s.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if ok {
            Ok(s)
        } else {
            Err(invalid(field))
        }
    }

    /// A whole amount in `min..=max`: a JSON number without fraction, or (when
    /// `allow_string`) a string holding one.
    pub fn amount(&self, field: &str, min: i64, max: i64, allow_string: bool) -> Result<i64> {
        let whole = |f: f64| (f.is_finite() && f.fract() == 0.0).then_some(f as i64);
        let v = match self.get(field) {
            Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().and_then(whole)),
            Some(Value::String(s)) if allow_string => {
                let s = s.trim();
                if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    s.parse::<f64>().ok().and_then(whole)
                } else {
                    None
                }
            }
            _ => None,
        };
        match v {
            Some(a) if (min..=max).contains(&a) => Ok(a),
            _ => Err(invalid(field)),
        }
    }

    /// An `http://` or `https://` URL with a host (Daraja's sandbox accepts http).
    pub fn url(&self, field: &str) -> Result<String> {
        let s = self.string(field)?;
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
        match host {
            Some(h) if !h.is_empty() && !s.chars().any(char::is_whitespace) => Ok(s),
            _ => Err(invalid(field)),
        }
    }

    /// An `https://` URL with a host, or an `http://` one whose host is a loopback address
    /// (`localhost`, `127.x.x.x`, `[::1]`) so that local tests can receive callbacks.
    pub fn https_url(&self, field: &str) -> Result<String> {
        let s = self.url(field)?;
        if s.starts_with("https://") || is_loopback_http(&s) {
            Ok(s)
        } else {
            Err(invalid(field))
        }
    }

    /// A required string equal to one of `allowed` (exact case).
    pub fn one_of(&self, field: &str, allowed: &[&str]) -> Result<String> {
        match self.get(field) {
            Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(s.clone()),
            _ => Err(invalid(field)),
        }
    }

    /// A required code given as a string or a number, one of `allowed`.
    pub fn code_of(&self, field: &str, allowed: &[&str]) -> Result<String> {
        let s = match self.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(invalid(field)),
        };
        if allowed.contains(&s.as_str()) {
            Ok(s)
        } else {
            Err(invalid(field))
        }
    }
}

/// True for `http://` URLs whose host is `localhost`, a 127.0.0.0/8 address or `[::1]`.
pub(crate) fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, _)) => {
                return h
                    .parse::<std::net::Ipv6Addr>()
                    .is_ok_and(|a| a.is_loopback())
            }
            None => return false,
        }
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback())
}
