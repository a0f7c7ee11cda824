//! Statum emulator: SMS, airtime and account details under `{sandbox}/statum/api/v2`.
//!
//! Written from Statum's public documents: HTTP Basic auth with `consumerKey:consumerSecret`,
//! the `{status_code, description, request_id}` envelope (HTTP status always equal to
//! `status_code`), Laravel-style `422` validation errors, `402` when the wallet is short,
//! and the airtime result webhook (`request_id`, `charge`, `account_balance`, `result_code`,
//! `result_desc`) posted to the account's callback URL.
//!
//! The sandbox is stricter than the documents strictly require where they allow it: phone
//! numbers must be in international form without `+` (`2547XXXXXXXX` / `2541XXXXXXXX`) and
//! the airtime `amount` must be a JSON string holding a whole number of shillings.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use rand::Rng as _;
use serde_json::{json, Map, Value};

use crate::http::{Request, Response};
use crate::Shared;

/// Airtime to this number is accepted (HTTP 200) but fails: the webhook carries
/// `result_code` `"400"`, "Top up failed: the number cannot receive airtime"; nothing is charged.
pub const AIRTIME_FAILS_CANNOT_RECEIVE: &str = "254700000001";
/// Airtime to this number fails with "Top up failed: the subscriber line is inactive".
pub const AIRTIME_FAILS_INACTIVE_LINE: &str = "254700000002";
/// Airtime to this number fails with "Top up failed: the carrier network did not respond".
pub const AIRTIME_FAILS_CARRIER_DOWN: &str = "254700000003";
/// SMS to this number is refused synchronously with HTTP 400 (do-not-disturb list); nothing is charged.
pub const SMS_FAILS_DND: &str = "254700000009";

/// Minimum airtime top-up in KES (inclusive).
pub const AIRTIME_MIN: u64 = 5;
/// Maximum airtime top-up in KES (inclusive).
pub const AIRTIME_MAX: u64 = 10_000;

/// The failure description for a failing airtime test number, if it is one.
pub fn airtime_failure(phone: &str) -> Option<&'static str> {
    match phone {
        AIRTIME_FAILS_CANNOT_RECEIVE => Some("Top up failed: the number cannot receive airtime"),
        AIRTIME_FAILS_INACTIVE_LINE => Some("Top up failed: the subscriber line is inactive"),
        AIRTIME_FAILS_CARRIER_DOWN => Some("Top up failed: the carrier network did not respond"),
        _ => None,
    }
}

/// Settings of the Statum emulator.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Consumer key expected in the Basic auth header.
    pub consumer_key: String,
    /// Consumer secret expected in the Basic auth header.
    pub consumer_secret: String,
    /// Wallet balance at start, KES.
    pub initial_balance: f64,
    /// Reseller discount on airtime, percent: a top-up of `a` costs `a × (1 − d/100)`.
    pub airtime_discount_percent: f64,
    /// Wallet charge per SMS, KES.
    pub sms_cost: f64,
    /// Registered (approved) sender ids; case sensitive.
    pub sender_ids: Vec<String>,
    /// Account callback URL for airtime results (a dashboard setting on the real service).
    pub callback_url: Option<String>,
    /// Delay before the airtime webhook is posted.
    pub callback_delay: Duration,
    /// Extra delivery attempts when the receiver does not answer 200.
    pub callback_retries: u32,
    /// Pause between delivery attempts.
    pub callback_retry_gap: Duration,
    /// When set, an airtime request with the same phone and amount as one accepted within
    /// this window is refused with HTTP 400 (Statum's older docs mention a 5-minute rule).
    /// Off by default.
    pub duplicate_window: Option<Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            consumer_key: "sandbox-statum-key".into(),
            consumer_secret: "sandbox-statum-secret".into(),
            initial_balance: 1000.0,
            airtime_discount_percent: 3.0,
            sms_cost: 0.8,
            sender_ids: vec!["TUMA".into(), "Statum".into()],
            callback_url: None,
            callback_delay: Duration::from_millis(50),
            callback_retries: 2,
            callback_retry_gap: Duration::from_millis(100),
            duplicate_window: None,
        }
    }
}

struct State {
    /// Wallet balance in cents, so that charges add up exactly.
    balance_cents: i64,
    callback_url: Option<String>,
    /// (phone, amount) → when the last airtime request for them was accepted.
    recent_airtime: HashMap<(String, u64), Instant>,
}

/// The Statum emulator's state.
pub struct Statum {
    settings: Settings,
    state: Mutex<State>,
}

fn to_cents(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

fn from_cents(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// A 32-character alphanumeric request id, as in the SMS and airtime examples.
fn alnum_id() -> String {
    rand::thread_rng()
        .sample_iter(&rand::distributions::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

/// A UUID-shaped request id, as in the account-details, 402 and 422 examples.
fn uuid_id() -> String {
    let mut rng = rand::thread_rng();
    let hex: String = (0..32)
        .map(|i| {
            let v = match i {
                12 => 4,
                16 => 8 + rng.gen_range(0..4),
                _ => rng.gen_range(0..16),
            };
            char::from_digit(v, 16).unwrap_or('0')
        })
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn envelope(status: u16, description: &str, request_id: String) -> Response {
    Response::json(
        status,
        &json!({"status_code": status, "description": description, "request_id": request_id}),
    )
}

fn validation_failed(errors: Map<String, Value>) -> Response {
    Response::json(
        422,
        &json!({
            "status_code": 422,
            "description": "Validation failed.",
            "validation_errors": errors,
            "request_id": uuid_id(),
        }),
    )
}

fn add_error(errors: &mut Map<String, Value>, field: &str, message: &str) {
    let entry = errors
        .entry(field.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = entry {
        list.push(Value::String(message.to_string()));
    }
}

/// Reads a required string field; records a validation error and returns `None` otherwise.
fn required_string<'a>(
    body: &'a Map<String, Value>,
    field: &str,
    errors: &mut Map<String, Value>,
) -> Option<&'a str> {
    let label = field.replace('_', " ");
    match body.get(field) {
        None | Some(Value::Null) => {
            add_error(errors, field, &format!("The {label} field is required."));
            None
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            add_error(errors, field, &format!("The {label} field is required."));
            None
        }
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            add_error(errors, field, &format!("The {label} must be a string."));
            None
        }
    }
}

/// Checks a phone number the way the sandbox does: 10–12 digits (the real API's rule),
/// then international form `254` + `7`/`1` + 8 digits (the documented format).
fn check_phone(phone: &str, errors: &mut Map<String, Value>) -> bool {
    let digits = phone.bytes().all(|b| b.is_ascii_digit());
    if !digits || !(10..=12).contains(&phone.len()) {
        add_error(
            errors,
            "phone_number",
            "The phone number must be between 10 and 12 digits.",
        );
        return false;
    }
    let b = phone.as_bytes();
    if phone.len() != 12 || !phone.starts_with("254") || !(b[3] == b'7' || b[3] == b'1') {
        add_error(
            errors,
            "phone_number",
            "The phone number must be in international format without the plus sign, e.g. 254712345678.",
        );
        return false;
    }
    true
}

impl Statum {
    /// A fresh emulator with the wallet at `settings.initial_balance`.
    pub fn new(settings: Settings) -> Self {
        let state = State {
            balance_cents: to_cents(settings.initial_balance),
            callback_url: settings.callback_url.clone(),
            recent_airtime: HashMap::new(),
        };
        Statum {
            settings,
            state: Mutex::new(state),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets (or clears) the account callback URL used for airtime results.
    pub fn set_callback_url(&self, url: Option<String>) {
        self.state().callback_url = url;
    }

    /// The current wallet balance, KES.
    pub fn balance(&self) -> f64 {
        from_cents(self.state().balance_cents)
    }

    /// Sets the wallet balance, KES (rounded to cents).
    pub fn set_balance(&self, balance: f64) {
        self.state().balance_cents = to_cents(balance);
    }

    /// Answers one request; `path` is relative to the provider's base URL.
    pub fn handle(&self, shared: &Shared, path: &str, req: &Request) -> Response {
        let path = path.trim_end_matches('/');
        let expected_method = match path {
            "/sms" | "/airtime" => "POST",
            "/account-details" => "GET",
            _ => {
                return envelope(404, "Not found.", uuid_id());
            }
        };
        if !req.method.eq_ignore_ascii_case(expected_method) {
            return envelope(405, "Method not allowed.", uuid_id())
                .with_header("Allow", expected_method);
        }
        if !self.authorized(req) {
            return envelope(401, "Unauthorized. Invalid credentials.", uuid_id());
        }
        if let Some(accept) = req.header("accept") {
            let a = accept.to_ascii_lowercase();
            if !(a.contains("json") || a.contains("*/*") || a.contains("application/*")) {
                return envelope(
                    406,
                    "Not acceptable. Responses are only available as application/json.",
                    uuid_id(),
                );
            }
        }
        match path {
            "/sms" => self.sms(req),
            "/airtime" => self.airtime(shared, req),
            _ => self.account_details(),
        }
    }

    fn authorized(&self, req: &Request) -> bool {
        let Some(value) = req.header("authorization") else {
            return false;
        };
        let value = value.trim();
        let Some((scheme, token)) = value.split_once(' ') else {
            return false;
        };
        if !scheme.eq_ignore_ascii_case("basic") {
            return false;
        }
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(token.trim()) else {
            return false;
        };
        let expected = format!(
            "{}:{}",
            self.settings.consumer_key, self.settings.consumer_secret
        );
        decoded == expected.as_bytes()
    }

    /// The JSON object body, or the error answer to give. A body that is not declared as
    /// JSON is read as if empty (so every field is missing), as a Laravel app would.
    fn json_body(req: &Request) -> Result<Map<String, Value>, Response> {
        let is_json = req
            .header("content-type")
            .is_some_and(|c| c.to_ascii_lowercase().contains("json"));
        if !is_json {
            return Ok(Map::new());
        }
        if req.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        match serde_json::from_slice::<Value>(&req.body) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(envelope(
                400,
                "Bad request. The request body must be a JSON object.",
                uuid_id(),
            )),
        }
    }

    fn sms(&self, req: &Request) -> Response {
        let body = match Self::json_body(req) {
            Ok(b) => b,
            Err(r) => return r,
        };
        let mut errors = Map::new();
        let sender = required_string(&body, "sender_id", &mut errors);
        let phone = required_string(&body, "phone_number", &mut errors);
        let message = required_string(&body, "message", &mut errors);
        if let Some(sender) = sender {
            if !self.settings.sender_ids.iter().any(|s| s == sender) {
                add_error(
                    &mut errors,
                    "sender_id",
                    "The selected sender id is invalid.",
                );
            }
        }
        if let Some(phone) = phone {
            check_phone(phone, &mut errors);
        }
        let (Some(phone), Some(_message), true) = (phone, message, errors.is_empty()) else {
            return validation_failed(errors);
        };
        if phone == SMS_FAILS_DND {
            return envelope(
                400,
                "Message not sent: the recipient is on the do-not-disturb list.",
                uuid_id(),
            );
        }
        let cost = to_cents(self.settings.sms_cost);
        let mut state = self.state();
        if state.balance_cents < cost {
            return envelope(402, "Insufficient funds.", uuid_id());
        }
        state.balance_cents -= cost;
        drop(state);
        envelope(200, "Operation successful.", alnum_id())
    }

    fn airtime(&self, shared: &Shared, req: &Request) -> Response {
        let body = match Self::json_body(req) {
            Ok(b) => b,
            Err(r) => return r,
        };
        let mut errors = Map::new();
        let phone = required_string(&body, "phone_number", &mut errors);
        if let Some(phone) = phone {
            check_phone(phone, &mut errors);
        }
        let amount = match body.get("amount") {
            None | Some(Value::Null) => {
                add_error(&mut errors, "amount", "The amount field is required.");
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                add_error(&mut errors, "amount", "The amount field is required.");
                None
            }
            Some(Value::String(s)) => {
                if s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
                    add_error(&mut errors, "amount", "The amount must be an integer.");
                    None
                } else {
                    let v: u64 = s.parse().unwrap_or(0);
                    if (AIRTIME_MIN..=AIRTIME_MAX).contains(&v) {
                        Some(v)
                    } else {
                        add_error(
                            &mut errors,
                            "amount",
                            &format!("The amount must be between {AIRTIME_MIN} and {AIRTIME_MAX}."),
                        );
                        None
                    }
                }
            }
            Some(_) => {
                add_error(&mut errors, "amount", "The amount must be a string.");
                None
            }
        };
        let (Some(phone), Some(amount), true) = (phone, amount, errors.is_empty()) else {
            return validation_failed(errors);
        };

        let failure = airtime_failure(phone);
        let cost = to_cents(amount as f64 * (1.0 - self.settings.airtime_discount_percent / 100.0));
        // A failing number is still checked against the wallet (the charge is reserved),
        // then refunded when the carrier refuses it: nothing is charged in the end.
        let charge = if failure.is_some() { 0 } else { cost };
        let mut state = self.state();
        if let Some(window) = self.settings.duplicate_window {
            let now = Instant::now();
            state
                .recent_airtime
                .retain(|_, at| now.duration_since(*at) < window);
            if state
                .recent_airtime
                .contains_key(&(phone.to_string(), amount))
            {
                return envelope(
                    400,
                    "Duplicate request. A similar airtime request was received recently.",
                    uuid_id(),
                );
            }
        }
        if state.balance_cents < cost {
            return envelope(402, "Insufficient funds.", uuid_id());
        }
        state.balance_cents -= charge;
        if self.settings.duplicate_window.is_some() {
            state
                .recent_airtime
                .insert((phone.to_string(), amount), Instant::now());
        }
        let balance_after = state.balance_cents;
        let callback_url = state.callback_url.clone();
        drop(state);

        let request_id = alnum_id();
        shared.record_payment(
            "statum",
            "airtime",
            format!("{phone}:{amount}:{request_id}"),
        );
        if let Some(url) = callback_url {
            let (result_code, result_desc) = match failure {
                Some(desc) => ("400", desc.to_string()),
                None => (
                    "200",
                    format!("You have topped up {phone} with Ksh. {amount}."),
                ),
            };
            let payload = json!({
                "request_id": request_id,
                "charge": from_cents(charge),
                "account_balance": from_cents(balance_after),
                "result_code": result_code,
                "result_desc": result_desc,
            });
            shared.callbacks.post_later(
                url,
                payload,
                self.settings.callback_delay,
                self.settings.callback_retries,
                self.settings.callback_retry_gap,
            );
        }
        envelope(200, "Operation successful.", request_id)
    }

    fn account_details(&self) -> Response {
        let balance = self.balance();
        let mut accounts: Vec<Value> = self
            .settings
            .sender_ids
            .iter()
            .map(|s| json!({"account": s, "service_name": "sms"}))
            .collect();
        accounts.push(json!({"account": "Airtime", "service_name": "airtime"}));
        Response::json(
            200,
            &json!({
                "status_code": 200,
                "description": "Operation successful.",
                "request_id": uuid_id(),
                "organization": {
                    "name": "Tuma Sandbox",
                    "details": {
                        "available_balance": balance,
                        "location": "Nairobi - Westlands",
                        "website": "www.statum.co.ke",
                        "office_email": "sandbox@tuma.test",
                        "office_mobile": "+254700000000",
                        "mpesa_account_top_up_code": "SBX001",
                    },
                    "accounts": accounts,
                }
            }),
        )
    }
}
