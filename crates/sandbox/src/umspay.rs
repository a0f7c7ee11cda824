//! UMS Pay emulator: STK push and transaction status under `{sandbox}/umspay/api/v1`.
//!
//! Written from UMS Pay's public documents: credentials (`api_key`, `email`) travel in every
//! JSON body; errors are `{"ResultCode": "...", "errorMessage": "..."}` sent with **HTTP 200**
//! (as the vendor's server code did), so a client must read the body whatever the status;
//! success of a push is `{"success": "200", "message", "transaction_request_id"}`; a push
//! stays `Pending` for [`Settings::pending_for`], then takes the outcome chosen by the test
//! number it was sent to. Rate limits (10/s and 5,000/day per API key) answer HTTP 429.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::Rng as _;
use serde_json::{json, Map, Value};

use crate::http::{Request, Response};
use crate::Shared;

/// A push to this number fails: `Failed`, code `1` (insufficient M-Pesa balance).
pub const MSISDN_INSUFFICIENT_BALANCE: &str = "254700000001";
/// A push to this number is cancelled by the customer: `Cancelled`, code `1032`.
pub const MSISDN_CANCELLED: &str = "254700001032";
/// A push to this number times out: `Timeout`, code `1037` (user cannot be reached).
pub const MSISDN_TIMEOUT: &str = "254700001037";

/// The one published wording for ResultCode "400" on a push (seed 004).
const ACCOUNT_NOT_ACTIVE: &str = "Your UMS Pay account is not active! Activate your account by paying the subscription fee of Ksh 500";

/// Smallest amount accepted, KES.
pub const MIN_AMOUNT: u64 = 10;
/// Largest amount accepted, KES (M-Pesa's own per-transaction ceiling).
pub const MAX_AMOUNT: u64 = 250_000;

/// The final outcome of an STK push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Paid (`TransactionCode` `0`).
    Completed,
    /// Insufficient balance (`1`).
    Failed,
    /// Cancelled by the customer (`1032`).
    Cancelled,
    /// The customer could not be reached (`1037`).
    Timeout,
}

impl Outcome {
    /// The outcome a push to `msisdn` will have.
    pub fn for_msisdn(msisdn: &str) -> Outcome {
        match msisdn {
            MSISDN_INSUFFICIENT_BALANCE => Outcome::Failed,
            MSISDN_CANCELLED => Outcome::Cancelled,
            MSISDN_TIMEOUT => Outcome::Timeout,
            _ => Outcome::Completed,
        }
    }

    /// The M-Pesa result code.
    pub fn code(self) -> u32 {
        match self {
            Outcome::Completed => 0,
            Outcome::Failed => 1,
            Outcome::Cancelled => 1032,
            Outcome::Timeout => 1037,
        }
    }

    /// The `TransactionStatus` word.
    pub fn status(self) -> &'static str {
        match self {
            Outcome::Completed => "Completed",
            Outcome::Failed => "Failed",
            Outcome::Cancelled => "Cancelled",
            Outcome::Timeout => "Timeout",
        }
    }

    /// M-Pesa's description of the result.
    pub fn description(self) -> &'static str {
        match self {
            Outcome::Completed => "The service request is processed successfully.",
            Outcome::Failed => "The balance is insufficient for the transaction.",
            Outcome::Cancelled => "Request cancelled by user",
            Outcome::Timeout => "DS timeout user cannot be reached",
        }
    }
}

/// Settings of the UMS Pay emulator.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The account's API key.
    pub api_key: String,
    /// The account's login email (compared case-insensitively).
    pub email: String,
    /// The linked account id expected in `account_id`.
    pub account_id: String,
    /// False makes every push fail with ResultCode "400" (subscription not paid).
    pub account_active: bool,
    /// How long a push stays `Pending` before its outcome.
    pub pending_for: Duration,
    /// The account's webhook URL (a dashboard setting on the real service).
    pub webhook_url: Option<String>,
    /// Extra webhook delivery attempts when the receiver does not answer 200 (the vendor's
    /// server code posted once, so 0 by default).
    pub webhook_retries: u32,
    /// Pause between webhook delivery attempts.
    pub webhook_retry_gap: Duration,
    /// Requests admitted per API key in any rolling second.
    pub rate_per_second: u32,
    /// Requests admitted per API key per (East Africa Time) day.
    pub daily_quota: u32,
    /// Follow the docs' prose instead of the observed payloads (default false): every
    /// webhook carries an `event` field and a `payment.initiated` webhook is sent when a
    /// push is accepted. No observed payload has either (statum_umspay.md §2.6).
    pub event_field: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            api_key: "sandbox-umspay-key".into(),
            email: "dev@tuma.test".into(),
            account_id: "UMPAY-SANDBOX".into(),
            account_active: true,
            pending_for: Duration::from_millis(150),
            webhook_url: None,
            webhook_retries: 0,
            webhook_retry_gap: Duration::from_millis(100),
            rate_per_second: 10,
            daily_quota: 5000,
            event_field: false,
        }
    }
}

struct Transaction {
    id: String,
    account_id: String,
    amount: u64,
    msisdn: String,
    reference: String,
    started: Instant,
    wall: SystemTime,
    outcome: Outcome,
    receipt: String,
    merchant_request_id: String,
    checkout_request_id: String,
}

#[derive(Default)]
struct KeyUsage {
    /// Every request that arrived in the last second (admitted or not).
    arrivals: VecDeque<Instant>,
    /// Admitted requests in the last second.
    admitted: VecDeque<Instant>,
    /// EAT day number the counter belongs to.
    day: i64,
    day_count: u32,
}

struct State {
    account_active: bool,
    webhook_url: Option<String>,
    transactions: HashMap<String, Transaction>,
    usage: HashMap<String, KeyUsage>,
    max_in_second: u64,
}

/// The UMS Pay emulator's state.
pub struct UmsPay {
    settings: Settings,
    state: Mutex<State>,
    too_many: AtomicU64,
}

/// Calendar fields in East Africa Time (UTC+3), which UMS Pay uses for its timestamps.
struct Eat {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    day_number: i64,
    seconds_left_in_day: u64,
}

fn eat(t: SystemTime) -> Eat {
    let unix = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    let local = unix + 3 * 3600;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Eat {
        year,
        month,
        day,
        hour: (secs / 3600) as u32,
        minute: (secs % 3600 / 60) as u32,
        second: (secs % 60) as u32,
        day_number: days,
        seconds_left_in_day: (86_400 - secs) as u64,
    }
}

impl Eat {
    /// `ddmmYYYYHHMMSS`, as inside transaction ids.
    fn id_stamp(&self) -> String {
        format!(
            "{:02}{:02}{:04}{:02}{:02}{:02}",
            self.day, self.month, self.year, self.hour, self.minute, self.second
        )
    }
    /// `YYYYMMDDHHmmss`, as in webhooks.
    fn compact(&self) -> String {
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
    /// `MM/DD/YY hh:mm AM`, as in the status answer.
    fn us_short(&self) -> String {
        let (h12, ampm) = match self.hour {
            0 => (12, "AM"),
            1..=11 => (self.hour, "AM"),
            12 => (12, "PM"),
            _ => (self.hour - 12, "PM"),
        };
        format!(
            "{:02}/{:02}/{:02} {:02}:{:02} {}",
            self.month,
            self.day,
            self.year.rem_euclid(100),
            h12,
            self.minute,
            ampm
        )
    }
}

fn digits(n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

fn receipt() -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    let tail: String = (0..9)
        .map(|_| char::from(CHARS[rng.gen_range(0..CHARS.len())]))
        .collect();
    format!("T{tail}")
}

/// An error answer: `{"ResultCode", "errorMessage"}` with HTTP 200, as the service sends it.
fn error(code: &str, message: impl Into<String>) -> Response {
    Response::json(
        200,
        &json!({"ResultCode": code, "errorMessage": message.into()}),
    )
}

fn str_field<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, Response> {
    match body.get(field) {
        None | Some(Value::Null) => Err(error("102", format!("{field} is required"))),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(error("102", format!("{field} is required")))
        }
        Some(Value::String(s)) => Ok(s.trim()),
        Some(_) => Err(error("102", format!("{field} must be a string"))),
    }
}

fn parse_amount(value: Option<&Value>) -> Result<u64, Response> {
    let n = match value {
        None | Some(Value::Null) => return Err(error("102", "amount is required")),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    let Some(n) = n.filter(|n| n.is_finite()) else {
        return Err(error("102", "amount must be a number"));
    };
    if n.fract() != 0.0 {
        return Err(error(
            "102",
            "amount must be a whole number of shillings (no cents)",
        ));
    }
    if n < MIN_AMOUNT as f64 {
        return Err(error(
            "102",
            format!("amount must be at least {MIN_AMOUNT} KES"),
        ));
    }
    if n > MAX_AMOUNT as f64 {
        return Err(error(
            "102",
            format!("amount must not exceed {MAX_AMOUNT} KES"),
        ));
    }
    Ok(n as u64)
}

fn valid_msisdn(m: &str) -> bool {
    let b = m.as_bytes();
    b.len() == 12
        && m.starts_with("254")
        && (b[3] == b'7' || b[3] == b'1')
        && b.iter().all(u8::is_ascii_digit)
}

impl UmsPay {
    /// A fresh emulator with no transactions.
    pub fn new(settings: Settings) -> Self {
        let state = State {
            account_active: settings.account_active,
            webhook_url: settings.webhook_url.clone(),
            transactions: HashMap::new(),
            usage: HashMap::new(),
            max_in_second: 0,
        };
        UmsPay {
            settings,
            state: Mutex::new(state),
            too_many: AtomicU64::new(0),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Activates or deactivates the account (inactive: pushes fail with ResultCode "400").
    pub fn set_account_active(&self, active: bool) {
        self.state().account_active = active;
    }

    /// Sets (or clears) the webhook URL.
    pub fn set_webhook_url(&self, url: Option<String>) {
        self.state().webhook_url = url;
    }

    /// HTTP 429 answers sent so far.
    pub fn too_many_requests(&self) -> u64 {
        self.too_many.load(Ordering::SeqCst)
    }

    /// The most requests (admitted or not) that arrived for one API key within any
    /// rolling second: a client that respects the limit keeps this at or below 10.
    pub fn max_requests_in_any_second(&self) -> u64 {
        self.state().max_in_second
    }

    /// STK pushes accepted so far.
    pub fn transaction_count(&self) -> usize {
        self.state().transactions.len()
    }

    /// Answers one request; `path` is relative to the provider's base URL.
    pub fn handle(&self, shared: &Shared, path: &str, req: &Request) -> Response {
        let path = path.trim_end_matches('/');
        let initiate = match path {
            "/initiatestkpush" | "/intiatestk" => true,
            "/transactionstatus" => false,
            _ => {
                return Response::json(
                    404,
                    &json!({"ResultCode": "404", "errorMessage": "Endpoint not found"}),
                )
            }
        };
        if !req.method.eq_ignore_ascii_case("POST") {
            // statum_umspay.md §2.2: ResultCode "201" "Invalid … request method".
            return error("201", "Invalid request method");
        }
        let parsed = serde_json::from_slice::<Value>(&req.body).ok();
        let key = parsed
            .as_ref()
            .and_then(|v| v.get("api_key"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Err(r) = self.admit(&key) {
            self.too_many.fetch_add(1, Ordering::SeqCst);
            return r;
        }
        let Some(Value::Object(body)) = parsed else {
            return error("102", "Invalid request body: expected a JSON object");
        };
        if let Err(r) = self.check_credentials(&body) {
            return r;
        }
        let result = if initiate {
            self.initiate(shared, &body)
        } else {
            self.status(&body)
        };
        result.unwrap_or_else(|r| r)
    }

    /// Applies the per-second and daily limits of one API key.
    fn admit(&self, key: &str) -> Result<(), Response> {
        let now = Instant::now();
        let today = eat(SystemTime::now());
        let mut state = self.state();
        let usage = state.usage.entry(key.to_string()).or_default();
        let second = Duration::from_secs(1);
        usage.arrivals.push_back(now);
        while usage
            .arrivals
            .front()
            .is_some_and(|t| now.duration_since(*t) >= second)
        {
            usage.arrivals.pop_front();
        }
        while usage
            .admitted
            .front()
            .is_some_and(|t| now.duration_since(*t) >= second)
        {
            usage.admitted.pop_front();
        }
        if usage.day != today.day_number {
            usage.day = today.day_number;
            usage.day_count = 0;
        }
        let arrivals = usage.arrivals.len() as u64;
        let verdict = if usage.day_count >= self.settings.daily_quota {
            Err(Response::json(
                429,
                &json!({
                    "ResultCode": "429",
                    "errorMessage": format!(
                        "Daily limit of {} requests per API key exceeded. Try again tomorrow.",
                        self.settings.daily_quota
                    ),
                }),
            )
            .with_header("Retry-After", &today.seconds_left_in_day.to_string()))
        } else if usage.admitted.len() >= self.settings.rate_per_second as usize {
            Err(Response::json(
                429,
                &json!({"ResultCode": "429", "errorMessage": "Too many requests"}),
            )
            .with_header("Retry-After", "1"))
        } else {
            usage.admitted.push_back(now);
            usage.day_count += 1;
            Ok(())
        };
        state.max_in_second = state.max_in_second.max(arrivals);
        verdict
    }

    fn check_credentials(&self, body: &Map<String, Value>) -> Result<(), Response> {
        let key = str_field(body, "api_key")?;
        let email = str_field(body, "email")?;
        if key != self.settings.api_key || !email.eq_ignore_ascii_case(self.settings.email.trim()) {
            return Err(error("102", "Invalid API key"));
        }
        Ok(())
    }

    fn initiate(&self, shared: &Shared, body: &Map<String, Value>) -> Result<Response, Response> {
        let account_id = str_field(body, "account_id")?;
        // ResultCode "400" is "account missing or not active" (statum_umspay.md §2.3); the
        // only wording published for it is the inactive one (seed 004), used for both.
        if account_id != self.settings.account_id || !self.state().account_active {
            return Err(error("400", ACCOUNT_NOT_ACTIVE));
        }
        let amount = parse_amount(body.get("amount"))?;
        let msisdn = str_field(body, "msisdn")?;
        if !valid_msisdn(msisdn) {
            return Err(error(
                "102",
                "msisdn must be a 12-digit number in the format 2547XXXXXXXX or 2541XXXXXXXX",
            ));
        }
        let reference = str_field(body, "reference")?;

        let wall = SystemTime::now();
        let when = eat(wall);
        let outcome = Outcome::for_msisdn(msisdn);
        let mut state = self.state();
        let id = loop {
            let id = format!("UMSPID{}{}", when.id_stamp(), digits(5));
            if !state.transactions.contains_key(&id) {
                break id;
            }
        };
        let txn = Transaction {
            id: id.clone(),
            account_id: account_id.to_string(),
            amount,
            msisdn: msisdn.to_string(),
            reference: reference.to_string(),
            started: Instant::now(),
            wall,
            outcome,
            receipt: if outcome == Outcome::Completed {
                receipt()
            } else {
                String::new()
            },
            merchant_request_id: format!("{}-{}-1", digits(5), digits(8)),
            checkout_request_id: format!("ws_CO_{}{}", when.id_stamp(), digits(6)),
        };
        let webhook = state.webhook_url.clone();
        if let Some(url) = webhook {
            // Observed: one POST per final STK result, no `event` field (§2.6). The docs'
            // prose (event names, an "initiated" notice) only with `event_field`.
            let mut done = self.webhook_body(&txn);
            if self.settings.event_field {
                let mut initiated = self.webhook_body(&txn);
                initiated.remove("ResponseCode");
                initiated.remove("TransactionReceipt");
                initiated.insert("event".into(), json!("payment.initiated"));
                initiated.insert(
                    "ResponseDescription".into(),
                    json!("Success. Request accepted for processing"),
                );
                shared.callbacks.post_later(
                    url.clone(),
                    Value::Object(initiated),
                    Duration::ZERO,
                    self.settings.webhook_retries,
                    self.settings.webhook_retry_gap,
                );
                let event = if outcome == Outcome::Completed {
                    "payment.completed"
                } else {
                    "payment.failed"
                };
                done.insert("event".into(), json!(event));
            }
            shared.callbacks.post_later(
                url,
                Value::Object(done),
                self.settings.pending_for,
                self.settings.webhook_retries,
                self.settings.webhook_retry_gap,
            );
        }
        state.transactions.insert(id.clone(), txn);
        drop(state);
        shared.record_payment(
            "umspay",
            "stk_push",
            format!("{msisdn}:{amount}:{reference}"),
        );
        Ok(Response::json(
            200,
            &json!({
                "success": "200",
                "message": "Request processed successfully",
                "transaction_request_id": id,
            }),
        ))
    }

    /// The observed webhook payload for the final result of `txn` (without `event`).
    fn webhook_body(&self, txn: &Transaction) -> Map<String, Value> {
        let mut body = Map::new();
        body.insert("ResponseCode".into(), json!(txn.outcome.code()));
        body.insert(
            "ResponseDescription".into(),
            json!(txn.outcome.description()),
        );
        body.insert("MerchantRequestID".into(), json!(txn.merchant_request_id));
        body.insert("CheckoutRequestID".into(), json!(txn.checkout_request_id));
        body.insert("TransactionID".into(), json!(txn.id));
        body.insert("TransactionAmount".into(), json!(txn.amount));
        if txn.outcome == Outcome::Completed {
            body.insert("TransactionReceipt".into(), json!(txn.receipt));
        }
        body.insert("TransactionDate".into(), json!(eat(txn.wall).compact()));
        body.insert("TransactionReference".into(), json!(txn.reference));
        body.insert("Msisdn".into(), json!(txn.msisdn));
        body
    }

    /// The raw Daraja STK callback, as a string, for `MpesaResponse`.
    fn mpesa_response(txn: &Transaction) -> String {
        let mut callback = json!({
            "MerchantRequestID": txn.merchant_request_id,
            "CheckoutRequestID": txn.checkout_request_id,
            "ResultCode": txn.outcome.code(),
            "ResultDesc": txn.outcome.description(),
        });
        if txn.outcome == Outcome::Completed {
            let stamp: u64 = eat(txn.wall).compact().parse().unwrap_or(0);
            let phone: u64 = txn.msisdn.parse().unwrap_or(0);
            callback["CallbackMetadata"] = json!({"Item": [
                {"Name": "Amount", "Value": txn.amount},
                {"Name": "MpesaReceiptNumber", "Value": txn.receipt},
                {"Name": "TransactionDate", "Value": stamp},
                {"Name": "PhoneNumber", "Value": phone},
            ]});
        }
        json!({"Body": {"stkCallback": callback}}).to_string()
    }

    fn status(&self, body: &Map<String, Value>) -> Result<Response, Response> {
        let field = if body.contains_key("transaction_request_id") {
            "transaction_request_id"
        } else if body.contains_key("tranasaction_request_id") {
            "tranasaction_request_id"
        } else {
            "transaction_request_id"
        };
        let id = str_field(body, field)?;
        let state = self.state();
        let Some(txn) = state.transactions.get(id) else {
            return Err(error(
                "400",
                format!("Transaction with id {id} does not exist!"),
            ));
        };
        let pending = txn.started.elapsed() < self.settings.pending_for;
        let (desc, status, code, receipt, mpesa) = if pending {
            (
                "Transaction is pending".to_string(),
                "Pending",
                "Pending".to_string(),
                String::new(),
                String::new(),
            )
        } else {
            let o = txn.outcome;
            let desc = if o == Outcome::Completed {
                "Success".to_string()
            } else {
                o.description().to_string()
            };
            (
                desc,
                o.status(),
                o.code().to_string(),
                txn.receipt.clone(),
                Self::mpesa_response(txn),
            )
        };
        Ok(Response::json(
            200,
            &json!({
                "ResultCode": "200",
                "ResultDesc": desc,
                "TransactionID": txn.id,
                "TransactionAccountID": txn.account_id,
                "TransactionStatus": status,
                "TransactionCode": code,
                "TransactionReceipt": receipt,
                "TransactionAmount": txn.amount.to_string(),
                "Msisdn": txn.msisdn,
                "TransactionDate": eat(txn.wall).us_short(),
                "TransactionReference": txn.reference,
                "MpesaResponse": mpesa,
            }),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eat_calendar_fields() {
        // 2024-06-23 12:30:45 UTC = 15:30:45 EAT.
        let t = UNIX_EPOCH + Duration::from_secs(1_719_145_845);
        let e = eat(t);
        assert_eq!(e.id_stamp(), "23062024153045");
        assert_eq!(e.compact(), "20240623153045");
        assert_eq!(e.us_short(), "06/23/24 03:30 PM");
        // 2023-12-31 21:00:00 UTC = 2024-01-01 00:00 EAT.
        let e = eat(UNIX_EPOCH + Duration::from_secs(1_704_056_400));
        assert_eq!(e.compact(), "20240101000000");
        assert_eq!(e.us_short(), "01/01/24 12:00 AM");
        assert_eq!(e.seconds_left_in_day, 86_400);
    }
}
