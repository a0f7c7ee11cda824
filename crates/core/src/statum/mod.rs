//! Statum: SMS, airtime and account details (`https://api.statum.co.ke/api/v2/`).
//!
//! Authentication is HTTP Basic with the consumer key and secret. Every answer carries
//! `status_code`, `description` and `request_id`; a `status_code` other than 200, or an HTTP
//! status outside 2xx, becomes an [`Error`].

mod webhook;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub use webhook::{parse_airtime_result, parse_result, AirtimeResult, StatumResult};

use crate::client::Client;
use crate::config::StatumConfig;
use crate::error::{ApiError, Error, Fate, Provider, Result};
use crate::http::{HttpRequest, Safety};
use crate::phone;
use crate::validate;

/// Longest sender id: GSM's limit for alphanumeric senders.
pub const SENDER_ID_MAX: usize = 11;
/// Longest message accepted in the GSM 7-bit alphabet: six concatenated segments (6 × 153
/// septets; the extension characters such as `€` and `{` take two). Statum publishes no limit: six segments is tuma's
/// bound on what one call may cost.
pub const MESSAGE_MAX: usize = 918;
/// Longest message accepted when it needs Unicode (UCS-2): six segments of 67 characters.
pub const MESSAGE_MAX_UNICODE: usize = 402;

crate::request::request! {
    /// One SMS.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct SendSmsRequest {
        /// A sender id registered with Statum, 1 to 11 characters.
        pub sender_id: String,
        /// The recipient, any accepted Kenyan form.
        pub phone: String,
        /// The text: up to 918 GSM characters, or 402 when it needs Unicode.
        pub message: String,
    }

    /// An airtime top-up.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct AirtimeRequest {
        /// The phone topped up, any accepted Kenyan form.
        pub phone: String,
        /// Whole shillings, 5 to 10,000.
        pub amount: u64,
    }
}

impl SendSmsRequest {
    /// An SMS from `sender_id` to `phone`.
    pub fn new(
        sender_id: impl Into<String>,
        phone: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        SendSmsRequest {
            sender_id: sender_id.into(),
            phone: phone.into(),
            message: message.into(),
        }
    }
}

impl AirtimeRequest {
    /// `amount` KES of airtime for `phone`.
    pub fn new(phone: impl Into<String>, amount: u64) -> Self {
        AirtimeRequest {
            phone: phone.into(),
            amount,
        }
    }
}

/// The GSM 03.38 basic character set (one septet each).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table (two septets each).
const GSM_EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// The length of `message` in its SMS encoding and the limit for that encoding: septets
/// against [`MESSAGE_MAX`] when every character is in the GSM alphabet, else UTF-16 units
/// against [`MESSAGE_MAX_UNICODE`].
pub fn message_length(message: &str) -> (usize, usize) {
    let mut septets = 0;
    for c in message.chars() {
        match gsm_septets(c) {
            Some(n) => septets += n,
            None => return (message.encode_utf16().count(), MESSAGE_MAX_UNICODE),
        }
    }
    (septets, MESSAGE_MAX)
}

/// Septets of `c` in the GSM 7-bit alphabet, `None` outside it. ASCII is decided without a
/// search (this runs for every character of every SMS).
fn gsm_septets(c: char) -> Option<usize> {
    match c {
        '^' | '{' | '}' | '\\' | '[' | '~' | ']' | '|' => Some(2),
        '`' => None,
        ' '..='~' | '\n' | '\r' => Some(1),
        c if c.is_ascii() => (c == '\u{c}').then_some(2),
        c if GSM_BASIC.contains(c) => Some(1),
        c if GSM_EXTENDED.contains(c) => Some(2),
        _ => None,
    }
}

/// Statum's synchronous answer to SMS and airtime requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatumResponse {
    /// 200 on success (Statum sends a number; a numeric string is read too).
    #[serde(deserialize_with = "crate::json::de_u16")]
    pub status_code: u16,
    /// Human-readable description.
    pub description: String,
    /// Statum's id of the request; the webhook carries it too.
    pub request_id: String,
}

/// The answer to `account-details`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountDetails {
    /// 200 on success (Statum sends a number; a numeric string is read too).
    #[serde(deserialize_with = "crate::json::de_u16")]
    pub status_code: u16,
    /// Human-readable description.
    pub description: String,
    /// Statum's id of the request.
    pub request_id: String,
    /// The organisation and its wallet.
    pub organization: Organization,
}

/// An organisation registered with Statum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Organisation name.
    pub name: String,
    /// Wallet balance and contact details.
    pub details: OrganizationDetails,
    /// Service accounts (sender ids and the like).
    #[serde(default)]
    pub accounts: Vec<ServiceAccount>,
}

/// The wallet balance and contact details of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationDetails {
    /// Available wallet balance in KES.
    #[serde(deserialize_with = "crate::json::de_f64")]
    pub available_balance: f64,
    /// Location.
    #[serde(default)]
    pub location: Option<String>,
    /// Website.
    #[serde(default)]
    pub website: Option<String>,
    /// Office email.
    #[serde(default)]
    pub office_email: Option<String>,
    /// Office mobile number.
    #[serde(default)]
    pub office_mobile: Option<String>,
    /// The code to top up the wallet through M-Pesa.
    #[serde(default)]
    pub mpesa_account_top_up_code: Option<String>,
}

/// A service account of an organisation, e.g. an SMS sender id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceAccount {
    /// Account name (for SMS, the sender id).
    pub account: String,
    /// Service: `sms`, `airtime`...
    pub service_name: String,
}

/// Statum operations of a [`Client`].
pub struct Statum<'a> {
    pub(crate) client: &'a Client,
}

impl Statum<'_> {
    /// Sends one SMS from a registered `sender_id` to `phone` (any accepted Kenyan form).
    ///
    /// Checked before sending: the sender id (1–11 characters), the phone, the message
    /// (1–918 characters).
    pub fn send_sms(&self, request: &SendSmsRequest) -> Result<StatumResponse> {
        let sender_id = validate::text("sender_id", &request.sender_id, 1, SENDER_ID_MAX)?;
        let phone = phone::parse_for("phone", &request.phone)?;
        let message = validate::text("message", &request.message, 1, MESSAGE_MAX)?;
        let (length, limit) = message_length(message);
        if length > limit {
            return Err(Error::invalid(
                "message",
                if limit == MESSAGE_MAX {
                    format!("is {length} GSM characters; at most {MESSAGE_MAX} (six SMS segments)")
                } else {
                    format!("needs Unicode and is {length} characters; at most {MESSAGE_MAX_UNICODE} in that encoding (six SMS segments)")
                },
            ));
        }
        let config = self.config()?;
        let body = SmsBody {
            sender_id,
            phone_number: phone.as_str(),
            message,
        };
        let value = self.call(config, "POST", "sms", Some(&body), "statum.sms")?;
        decode(&value)
    }

    /// Tops up `phone` with `amount` KES of airtime (5 to 10 000). The result arrives later
    /// on the webhook (see [`parse_airtime_result`]).
    ///
    /// Airtime moves money: a call that fails after it may have reached Statum is never
    /// resent; the error says so ([`Error::outcome_unknown`]).
    pub fn airtime(&self, request: &AirtimeRequest) -> Result<StatumResponse> {
        let phone = phone::parse_for("phone", &request.phone)?;
        let amount = validate::amount(
            "amount",
            request.amount,
            crate::limits::AIRTIME_MIN,
            crate::limits::AIRTIME_MAX,
        )?;
        let config = self.config()?;
        let body = json!({
            "phone_number": phone.as_str(),
            "amount": amount.to_string(),
        });
        let recovery = || crate::Recovery {
            phone: Some(phone.as_str().to_string()),
            amount: Some(amount),
            ..crate::Recovery::new("statum.airtime")
        };
        let value = self
            .call(config, "POST", "airtime", Some(&body), "statum.airtime")
            .map_err(|e| e.with_recovery(recovery()))?;
        decode(&value).map_err(|e| {
            let mut r = recovery();
            r.request_id = value.get("request_id").and_then(crate::json::as_code);
            e.with_recovery(r)
        })
    }

    /// The organisation, its wallet balance and its service accounts.
    pub fn account_details(&self) -> Result<AccountDetails> {
        let config = self.config()?;
        let value = self.call(
            config,
            "GET",
            "account-details",
            None::<&Value>,
            "statum.account_details",
        )?;
        decode(&value)
    }

    fn config(&self) -> Result<&StatumConfig> {
        self.client
            .inner
            .config
            .statum
            .as_ref()
            .ok_or_else(|| Error::config("statum", "Statum is not configured on this client"))
    }

    fn call<B: Serialize>(
        &self,
        config: &StatumConfig,
        method: &'static str,
        path: &str,
        body: Option<&B>,
        op: &str,
    ) -> Result<Value> {
        let authorization = match self.client.statum_authorization() {
            Some(a) => a.expose(),
            None => {
                return Err(Error::config(
                    "statum",
                    "Statum is not configured on this client",
                ))
            }
        };
        let safety = if method == "GET" {
            Safety::Safe
        } else {
            Safety::OnceOnly
        };
        // Serialising strings and numbers cannot fail.
        let payload = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| Error::config("body", e.to_string()))?;
        let url = crate::json::join_url(&config.base_url, path);
        let req = HttpRequest {
            provider: Provider::Statum,
            method,
            url: &url,
            headers: vec![
                ("Authorization", authorization.into()),
                ("Content-Type", "application/json".into()),
                ("Accept", "application/json".into()),
            ],
            body: payload.as_deref(),
            safety,
            op,
            deadline: self.client.transport().deadline(),
        };
        let resp = self.client.transport().send(&req)?;
        interpret(resp.status, &resp.body, resp.retry_after)
    }
}

/// `Basic base64(key:secret)`, Statum's `Authorization` header value.
pub(crate) fn authorization(config: &StatumConfig) -> crate::Secret {
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        config.consumer_key,
        config.consumer_secret.expose()
    ));
    crate::Secret::new(format!("Basic {credentials}"))
}

/// The SMS body, serialised straight from borrowed fields.
#[derive(Serialize)]
struct SmsBody<'a> {
    sender_id: &'a str,
    phone_number: &'a str,
    message: &'a str,
}

fn decode<T: for<'de> Deserialize<'de>>(value: &Value) -> Result<T> {
    T::deserialize(value).map_err(|e| {
        Error::decode(
            Provider::Statum,
            200,
            format!("unexpected shape: {}", crate::config::json_error(&e)),
            &value.to_string(),
        )
    })
}

/// Turns a Statum answer into its JSON value or the matching error.
pub(crate) fn interpret(
    status: u16,
    body: &str,
    retry_after: Option<std::time::Duration>,
) -> Result<Value> {
    let parsed: Option<Value> = serde_json::from_str(body).ok().filter(Value::is_object);
    let Some(value) = parsed else {
        if status == 401 {
            return Err(Error::authentication(
                Provider::Statum,
                status,
                "credentials refused",
            ));
        }
        if status == 403 {
            return Err(Error::authorization(Provider::Statum, status, "forbidden"));
        }
        if status == 429 {
            return Err(Error::rate_limited(
                Provider::Statum,
                retry_after,
                "too many requests",
                Fate::Refused,
            ));
        }
        return Err(Error::decode(
            Provider::Statum,
            status,
            "the answer is not a JSON object",
            body,
        ));
    };
    let code = match value.get("status_code") {
        Some(Value::Number(n)) => n.as_u64().and_then(|c| u16::try_from(c).ok()),
        Some(Value::String(s)) => s.trim().parse::<u16>().ok(),
        _ => None,
    };
    let effective = code.unwrap_or(status);
    if (200..300).contains(&status) && effective == 200 {
        return Ok(value);
    }
    let description = value
        .get("description")
        .and_then(Value::as_str)
        .or_else(|| value.get("error").and_then(Value::as_str))
        .unwrap_or("")
        .to_string();
    let request_id = value
        .get("request_id")
        .and_then(Value::as_str)
        .map(str::to_string);
    let fate = crate::refusals::statum(status, effective);
    match effective {
        401 => Err(Error::authentication(Provider::Statum, status, description).with_fate(fate)),
        // Statum's SDKs: 403 is an authorization error (valid credentials, not allowed).
        403 => Err(Error::authorization(Provider::Statum, status, description).with_fate(fate)),
        429 => Err(Error::rate_limited(
            Provider::Statum,
            retry_after,
            description,
            fate,
        )),
        _ => {
            let mut message = description;
            let details = field_errors(&value);
            if !details.is_empty() {
                message = format!("{message} ({})", details.join("; "));
            }
            Err(Error::Api(ApiError {
                provider: Provider::Statum,
                status,
                code: Some(effective.to_string()),
                message,
                request_id,
                fate,
                recovery: None,
            }))
        }
    }
}

/// The field errors of a 422: the lists under `validation_errors`, or, when that is absent,
/// lists of messages at the root beside `status_code` (both shapes are seen). A member that
/// is not a message or a list of messages is not a field.
fn field_errors(value: &Value) -> Vec<String> {
    const ENVELOPE: &[&str] = &[
        "status_code",
        "description",
        "request_id",
        "error",
        "message",
    ];
    let (members, nested) = match value.get("validation_errors").and_then(Value::as_object) {
        Some(errors) => (errors, true),
        None => match value.as_object() {
            Some(root) => (root, false),
            None => return Vec::new(),
        },
    };
    members
        .iter()
        .filter(|(field, _)| nested || !ENVELOPE.contains(&field.as_str()))
        .filter_map(|(field, messages)| {
            let text = match messages {
                Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                }
                Value::String(s) if nested => s.clone(),
                _ => return None,
            };
            Some(format!("{field}: {text}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_gsm_test_agrees_with_the_tables() {
        for c in (0u32..0x2200).filter_map(char::from_u32) {
            let by_table = if GSM_BASIC.contains(c) {
                Some(1)
            } else if GSM_EXTENDED.contains(c) {
                Some(2)
            } else {
                None
            };
            assert_eq!(gsm_septets(c), by_table, "{c:?}");
        }
    }

    #[test]
    fn message_length_follows_the_encoding() {
        assert_eq!(
            message_length("Habari, your order shipped"),
            (26, MESSAGE_MAX)
        );
        assert_eq!(message_length("Price: 10€ {promo}"), (21, MESSAGE_MAX));
        assert_eq!(message_length("Asante 🙏"), (9, MESSAGE_MAX_UNICODE));
        assert_eq!(message_length(&"a".repeat(918)).0, 918);
        let unicode = "ß".repeat(300) + "😀";
        assert_eq!(message_length(&unicode), (302, MESSAGE_MAX_UNICODE));
    }

    #[test]
    fn maps_status_codes_to_errors() {
        let ok = r#"{"status_code":200,"description":"ok","request_id":"abc"}"#;
        assert!(interpret(200, ok, None).is_ok());
        let e = interpret(401, r#"{"status_code":401,"description":"bad"}"#, None).unwrap_err();
        assert_eq!(e.kind(), "authentication");
        let e = interpret(
            403,
            r#"{"status_code":403,"description":"Forbidden"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!((e.kind(), e.fate()), ("authorization", Fate::Refused));
        assert_eq!(
            interpret(403, "", None).unwrap_err().kind(),
            "authorization"
        );
        let e = interpret(
            422,
            r#"{"status_code":422,"description":"Validation failed.","validation_errors":{"phone_number":["too short"]},"request_id":"r1"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(e.code(), Some("422"));
        assert_eq!(e.request_id(), Some("r1"));
        assert!(e.to_string().contains("phone_number: too short"));
        // Field lists at the root, and a stray non-list member that is not a field.
        let e = interpret(
            422,
            r#"{"status_code":422,"description":"Validation failed.","phone_number":["must be 10 to 12 digits"],"request_id":"r2"}"#,
            None,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("phone_number: must be 10 to 12 digits"),
            "{e}"
        );
        let e = interpret(
            422,
            r#"{"status_code":422,"description":"Validation failed.","validation_errors":{"sender_id":["Unauthorized"],"count":2}}"#,
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("sender_id: Unauthorized"), "{e}");
        assert!(!e.to_string().contains("count"), "{e}");
        // A status code sent as a string still reads as success.
        let ok: StatumResponse = decode(
            &interpret(
                200,
                r#"{"status_code":"200","description":"ok","request_id":"x"}"#,
                None,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(ok.status_code, 200);
        let e = interpret(
            200,
            r#"{"status_code":402,"description":"Insufficient funds."}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(e.code(), Some("402"));
        let e = interpret(502, "<html>bad gateway</html>", None).unwrap_err();
        assert_eq!(e.kind(), "decode");
        assert!(e.outcome_unknown());
        let e = interpret(429, "", Some(std::time::Duration::from_secs(2))).unwrap_err();
        assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(2)));
    }
}
