//! UMS Pay (Umeskia): M-Pesa STK push without a Daraja shortcode of your own
//! (`https://api.umspay.co.ke/api/v1`).
//!
//! Every request is a JSON POST carrying `api_key` and `email` in the body. UMS Pay answers
//! in two shapes, often with HTTP 200 either way: success
//! (`{"success": "200", "message", "transaction_request_id"}`, also the legacy spelling
//! `tranasaction_request_id`; for a status query `{"ResultCode": "200", "TransactionStatus", …}`)
//! and error (`{"ResultCode": "400", "errorMessage"}`). The body decides, not the HTTP status.
//!
//! # Errors
//!
//! Provider refusals are [`Error::Api`] whose [`Error::code`] is a stable name chosen here
//! (the provider's own `ResultCode` stays in the message, e.g. `… (ResultCode 400)`), so
//! that the cases you must tell apart are distinct in every language:
//!
//! | `code` | case |
//! |---|---|
//! | `account_inactive` | the UMS Pay account is not active (subscription not paid) |
//! | `transaction_not_found` | the `transaction_request_id` does not exist |
//! | `account_not_found` | the configured `account_id` does not exist |
//! | `invalid_request` | UMS Pay refused a field (ResultCode 102) |
//! | anything else | the provider's `ResultCode` as it sent it |
//!
//! [`error_kind`] reads them back as a [`UmsPayErrorKind`]. A wrong API key or email is
//! [`Error::Authentication`]; HTTP 429 (or ResultCode 429) is [`Error::RateLimited`] with the
//! `Retry-After`.
//!
//! # Rate limits
//!
//! UMS Pay allows 10 requests per second and 5 000 per day per API key. A client keeps under
//! both by itself: all its threads share one limiter that makes calls *wait* for a slot
//! (status polls included) and fails with [`Error::RateLimited`] before sending once the
//! day's quota ([`UmsPayConfig::daily_quota`]) is used up. An STK push that meets a 429 is
//! never resent automatically.

mod config;
mod limiter;
mod status;
mod webhook;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

pub use config::{
    UmsPayConfig, DEFAULT_DAILY_QUOTA, DEFAULT_RATE_PER_SECOND, UMSPAY_PRODUCTION_URL,
};
pub use status::{CompletedPayment, FailedPayment, PendingPayment, StkPush, TransactionStatus};
pub use webhook::{parse_webhook, WebhookEvent, WebhookEventKind};

use crate::client::Client;
use crate::error::{ApiError, Error, Fate, Provider, Result};
use crate::http::{HttpRequest, Safety};
use crate::store::StateStore;
use crate::{phone, validate};

/// Longest `reference` accepted: UMS Pay passes it to Daraja as the STK `AccountReference`,
/// which holds at most 12 characters (specs: statum_umspay.md §2.3, daraja.md STK table).
pub const REFERENCE_MAX: usize = 12;
/// Longest `transaction_request_id` accepted (UMS Pay's are 25 characters).
pub const TRANSACTION_ID_MAX: usize = 100;

/// First pause between status polls in [`UmsPay::wait_for_status`].
const POLL_FIRST: Duration = Duration::from_millis(250);
/// Longest pause between status polls.
const POLL_MAX: Duration = Duration::from_secs(2);

/// What an UMS Pay refusal was about: see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UmsPayErrorKind {
    /// The UMS Pay account is not active (code `account_inactive`).
    AccountInactive,
    /// No transaction has this `transaction_request_id` (code `transaction_not_found`).
    TransactionNotFound,
    /// The configured `account_id` does not exist (code `account_not_found`).
    AccountNotFound,
    /// UMS Pay refused a field (code `invalid_request`).
    InvalidRequest,
    /// Another refusal; [`Error::code`] holds the provider's `ResultCode`.
    Other,
}

impl UmsPayErrorKind {
    /// The `code` an [`Error::Api`] of this kind carries (`other` for `Other`).
    pub fn as_str(self) -> &'static str {
        match self {
            UmsPayErrorKind::AccountInactive => "account_inactive",
            UmsPayErrorKind::TransactionNotFound => "transaction_not_found",
            UmsPayErrorKind::AccountNotFound => "account_not_found",
            UmsPayErrorKind::InvalidRequest => "invalid_request",
            UmsPayErrorKind::Other => "other",
        }
    }
}

/// Classifies an error from UMS Pay; `None` for errors that are not UMS Pay refusals.
pub fn error_kind(error: &Error) -> Option<UmsPayErrorKind> {
    match error {
        Error::Api(e) if e.provider == Provider::Umspay => Some(match e.code.as_deref() {
            Some("account_inactive") => UmsPayErrorKind::AccountInactive,
            Some("transaction_not_found") => UmsPayErrorKind::TransactionNotFound,
            Some("account_not_found") => UmsPayErrorKind::AccountNotFound,
            Some("invalid_request") => UmsPayErrorKind::InvalidRequest,
            _ => UmsPayErrorKind::Other,
        }),
        _ => None,
    }
}

/// Decodes a status answer (for the fuzz targets).
#[doc(hidden)]
pub fn fuzz_parse_status(map: &Map<String, Value>) -> Result<TransactionStatus, String> {
    status::parse_status(map, "UMSPID0000000000000000000")
}

/// Per-client UMS Pay state: the rate limiter shared by every thread.
///
/// The limiter is shared through the process-wide registry by every client made with the
/// same base URL and api key; with a Redis store the rate and the daily quota are also
/// enforced across processes.
pub(crate) struct UmsPayState {
    limiter: Option<Arc<limiter::RateLimiter>>,
    fleet: Option<FleetLimits>,
}

/// The fleet-wide limits kept in a Redis store.
struct FleetLimits {
    store: Arc<dyn StateStore>,
    key: String,
    rate: u32,
    quota: u32,
}

/// Fleet-wide windows are a little longer than a second: requests leave different
/// processes at slightly different distances from UMS Pay.
const FLEET_WINDOW: Duration = Duration::from_millis(1_150);

impl UmsPayState {
    pub(crate) fn new(config: Option<&UmsPayConfig>, store: &Arc<dyn StateStore>) -> Self {
        let Some(c) = config else {
            return UmsPayState {
                limiter: None,
                fleet: None,
            };
        };
        let rate = c.rate_per_second.to_string();
        let quota = c.daily_quota.to_string();
        let limiter = crate::registry::shared(
            &[
                "umspay",
                &c.base_url,
                c.api_key.expose(),
                &c.email,
                &rate,
                &quota,
            ],
            || limiter::RateLimiter::new(c.rate_per_second, c.daily_quota),
        );
        let fleet = store.is_fleet_wide().then(|| FleetLimits {
            store: store.clone(),
            // UMS Pay limits per API key (seed 004): the key name holds a one-way hash of
            // it, never the key itself.
            key: format!(
                "umspay:{}",
                crate::store::fingerprint(&["umspay", &c.base_url, c.api_key.expose()])
            ),
            rate: c.rate_per_second,
            quota: c.daily_quota,
        });
        UmsPayState {
            limiter: Some(limiter),
            fleet,
        }
    }

    /// Waits for a fleet-wide slot and counts the request against the fleet's daily quota.
    /// A store failure falls back to the process-local limits (logged).
    fn acquire_fleet(&self, deadline: Instant) -> Result<()> {
        let Some(fleet) = &self.fleet else {
            return Ok(());
        };
        match fleet.store.count_today(&format!("{}:day", fleet.key)) {
            Ok(n) if n > u64::from(fleet.quota) => {
                return Err(Error::rate_limited(
                    Provider::Umspay,
                    Some(Duration::from_secs(crate::kenya_time::day().1)),
                    format!(
                        "daily quota used up across the fleet: {} requests today (East Africa Time); not sent",
                        fleet.quota
                    ),
                    Fate::NotSent,
                ))
            }
            Ok(_) => {}
            Err(e) => {
                log::warn!("tuma: UMS Pay fleet quota unavailable, using local limits: {e}");
                return Ok(());
            }
        }
        loop {
            match fleet
                .store
                .acquire_slot(&format!("{}:rate", fleet.key), fleet.rate, FLEET_WINDOW)
            {
                Ok(wait) if wait.is_zero() => return Ok(()),
                Ok(wait) if Instant::now() + wait >= deadline => {
                    return Err(Error::rate_limited(
                        Provider::Umspay,
                        Some(wait),
                        format!(
                            "no free slot of the fleet's {} per second before the call's deadline; not sent",
                            fleet.rate
                        ),
                        Fate::NotSent,
                    ))
                }
                Ok(wait) => std::thread::sleep(wait.min(Duration::from_millis(250))),
                Err(e) => {
                    log::warn!(
                        "tuma: UMS Pay fleet rate limit unavailable, using local limits: {e}"
                    );
                    return Ok(());
                }
            }
        }
    }
}

/// What [`UmsPay::confirm_payment`] checks: a transaction id, or a webhook whose claims
/// (amount, number, reference) must also agree with the status query.
#[derive(Debug, Clone, Copy)]
pub enum PaymentRef<'a> {
    /// A `transaction_request_id`.
    Id(&'a str),
    /// A parsed webhook.
    Webhook(&'a WebhookEvent),
}

impl<'a> From<&'a str> for PaymentRef<'a> {
    fn from(id: &'a str) -> Self {
        PaymentRef::Id(id)
    }
}
impl<'a> From<&'a String> for PaymentRef<'a> {
    fn from(id: &'a String) -> Self {
        PaymentRef::Id(id)
    }
}
impl<'a> From<&'a WebhookEvent> for PaymentRef<'a> {
    fn from(event: &'a WebhookEvent) -> Self {
        PaymentRef::Webhook(event)
    }
}

crate::request::request! {
    /// A UMS Pay STK push.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StkPushRequest {
        /// Whole shillings, 10 to 250,000.
        pub amount: u64,
        /// The payer, any accepted Kenyan form.
        pub phone: String,
        /// Your reference for the payment, 1 to 12 characters.
        pub reference: String,
    }

    /// A payment's UMS Pay id.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct TransactionStatusRequest {
        /// The `transaction_request_id` the push returned.
        pub transaction_request_id: String,
    }

    /// Polls a payment until it is final.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct WaitForStatusRequest {
        /// The `transaction_request_id` the push returned.
        pub transaction_request_id: String,
        /// How long to wait, in milliseconds: 60,000 unless given, at most 3,600,000.
        pub timeout_ms: Option<u32>,
    }

    /// A payment to confirm: its id, or the raw webhook body that claims it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ConfirmPaymentRequest {
        /// The `transaction_request_id` the push returned.
        pub transaction_request_id: Option<String>,
        /// The raw webhook body (exactly one of the two).
        pub webhook: Option<String>,
    }
}

impl StkPushRequest {
    /// A push asking `phone` to pay `amount` KES, under your `reference`.
    pub fn new(amount: u64, phone: impl Into<String>, reference: impl Into<String>) -> Self {
        StkPushRequest {
            amount,
            phone: phone.into(),
            reference: reference.into(),
        }
    }
}

impl WaitForStatusRequest {
    /// `timeout_ms` when not given: one minute.
    pub const DEFAULT_TIMEOUT_MS: u32 = 60_000;
    /// The longest `timeout_ms` accepted: one hour.
    pub const MAX_TIMEOUT_MS: u32 = 3_600_000;

    /// How long to wait, checked.
    pub fn timeout(&self) -> Result<Duration> {
        let ms = self.timeout_ms.unwrap_or(Self::DEFAULT_TIMEOUT_MS);
        if ms > Self::MAX_TIMEOUT_MS {
            return Err(Error::invalid(
                "timeout_ms",
                format!("must be at most {}", Self::MAX_TIMEOUT_MS),
            ));
        }
        Ok(Duration::from_millis(ms.into()))
    }
}

/// UMS Pay operations of a [`Client`].
pub struct UmsPay<'a> {
    pub(crate) client: &'a Client,
}

impl UmsPay<'_> {
    /// Sends an M-Pesa prompt for `amount` KES to `phone` (any accepted Kenyan form; sent as
    /// `2547…`/`2541…`) with your `reference`; returns UMS Pay's `transaction_request_id`.
    ///
    /// Checked before sending: amount 10 to 250 000, the phone, the reference (1 to 12
    /// characters, no control characters). Never resent once it may have reached UMS Pay,
    /// not even after a 429: on [`Error::outcome_unknown`], look the payment up (by waiting
    /// for the webhook) before asking again.
    pub fn stk_push(&self, request: &StkPushRequest) -> Result<StkPush> {
        let amount = validate::amount(
            "amount",
            request.amount,
            crate::limits::UMSPAY_MIN,
            crate::limits::MPESA_MAX,
        )?;
        let msisdn = phone::parse_for("phone", &request.phone)?;
        let reference = validate::text("reference", &request.reference, 1, REFERENCE_MAX)?;
        let config = self.config()?;
        let path = if config.legacy_endpoints {
            "intiatestk"
        } else {
            "initiatestkpush"
        };
        let body = json!({
            "api_key": config.api_key.expose(),
            "email": config.email,
            "amount": amount,
            "msisdn": msisdn.as_str(),
            "reference": reference,
            "account_id": config.account_id,
        });
        let recovery = || crate::Recovery {
            phone: Some(msisdn.as_str().to_string()),
            amount: Some(amount),
            shortcode: Some(config.account_id.clone()),
            reference: Some(reference.to_string()),
            ..crate::Recovery::new("umspay.stk_push")
        };
        let failed =
            |e: Error| crate::journal::failed_push(self.client, Provider::Umspay, e, recovery());
        let deadline = self.client.inner.transport.deadline();
        let (map, status, text) = self
            .send(path, &body, "umspay.stk_push", Safety::OnceOnly, deadline)
            .map_err(failed)?;
        let transaction_request_id = status::push_id(&map)
            .ok_or_else(|| self.decode(status, "the answer has no `transaction_request_id`", &text))
            .map_err(failed)?;
        if let Some(entry) = crate::journal::JournalEntry::from_recovery(&recovery()) {
            crate::journal::Journal::of(self.client).issued(
                Provider::Umspay,
                &transaction_request_id,
                entry,
            );
        }
        Ok(StkPush {
            transaction_request_id,
            message: map
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            msisdn: msisdn.as_str().to_string(),
            amount,
            reference: reference.to_string(),
        })
    }

    /// Asks UMS Pay where the payment `transaction_request_id` stands. Retried (through the
    /// rate limiter) on 429, 5xx and network failures, up to `http.max_retries` times.
    pub fn transaction_status(&self, transaction_request_id: &str) -> Result<TransactionStatus> {
        self.status_by(
            transaction_request_id,
            self.client.inner.transport.deadline(),
        )
    }

    /// [`UmsPay::transaction_status`], all attempts over by `deadline`.
    fn status_by(
        &self,
        transaction_request_id: &str,
        deadline: Instant,
    ) -> Result<TransactionStatus> {
        let id = validate::text(
            "transaction_request_id",
            transaction_request_id,
            1,
            TRANSACTION_ID_MAX,
        )?;
        let config = self.config()?;
        let body = json!({
            "api_key": config.api_key.expose(),
            "email": config.email,
            "transaction_request_id": id,
        });
        let http = &self.client.inner.config.http;
        let mut attempt = 0u32;
        let (map, status, text) = loop {
            let result = self.send(
                "transactionstatus",
                &body,
                "umspay.transaction_status",
                // Retried by this loop, each attempt through the rate limiter.
                Safety::Query,
                deadline,
            );
            let hint = match &result {
                Err(Error::RateLimited { retry_after, .. }) => Some(*retry_after),
                Err(Error::Network { .. }) | Err(Error::Timeout { .. }) => Some(None),
                Err(Error::Decode { status, .. }) if *status >= 500 => Some(None),
                _ => None,
            };
            let max = Duration::from_millis(http.retry_max_backoff_ms);
            let backoff = Duration::from_millis(
                http.retry_initial_backoff_ms
                    .saturating_mul(1 << attempt.min(16)),
            );
            match hint {
                Some(h)
                    if attempt < http.max_retries
                        && h.is_none_or(|d| d <= max)
                        && Instant::now() + h.unwrap_or(backoff).min(max) < deadline =>
                {
                    thread::sleep(h.unwrap_or(backoff).min(max));
                    attempt += 1;
                }
                _ => break result?,
            }
        };
        status::parse_status(&map, id).map_err(|problem| self.decode(status, problem, &text))
    }

    /// Polls the status of `transaction_request_id` until it is final or `timeout` has
    /// passed: first at once, then after 250 ms, pausing 1.5 times longer each time up to 2 s
    /// (all within the rate limit).
    ///
    /// On timeout it returns the last status seen, which is `Pending` (check
    /// [`TransactionStatus::is_final`]). Passing failures (429, network, 5xx) are retried
    /// until the timeout; if no status was ever read, the last such error is returned. Other
    /// errors (unknown transaction, credentials) are returned at once.
    pub fn wait_for_status(
        &self,
        transaction_request_id: &str,
        timeout: Duration,
    ) -> Result<TransactionStatus> {
        let deadline = Instant::now() + timeout;
        let mut pause = POLL_FIRST;
        let mut last: Option<Result<TransactionStatus>> = None;
        loop {
            // A poll never runs past the wait's own deadline.
            let poll_deadline = self.client.inner.transport.deadline().min(deadline);
            if crate::cancel::cancelled() {
                return Err(Error::network(
                    Provider::Umspay,
                    "cancelled by the caller",
                    Fate::NotSent,
                ));
            }
            match self.status_by(transaction_request_id, poll_deadline) {
                Ok(s) if s.is_final() => return Ok(s),
                Ok(s) => last = Some(Ok(s)),
                Err(
                    e @ (Error::RateLimited { .. }
                    | Error::Network { .. }
                    | Error::Timeout { .. }
                    | Error::Decode { .. }),
                ) => {
                    if e.retry_after()
                        .is_some_and(|d| Instant::now() + d > deadline)
                    {
                        return last.unwrap_or(Err(e));
                    }
                    if !matches!(last, Some(Ok(_))) {
                        last = Some(Err(e));
                    }
                }
                Err(e) => return Err(e),
            }
            let now = Instant::now();
            if now >= deadline {
                return last.expect("set by the loop");
            }
            // Pause in slices, so that a cancelled call stops within 100 ms.
            let wake = now + pause.min(deadline - now);
            while !crate::cancel::cancelled() {
                let left = wake.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                thread::sleep(left.min(Duration::from_millis(100)));
            }
            pause = (pause * 3 / 2).min(POLL_MAX);
        }
    }

    /// [`UmsPay::confirm_payment`] for a request naming the payment by id or by its raw
    /// webhook body (exactly one of the two).
    pub fn confirm(&self, request: &ConfirmPaymentRequest) -> Result<Option<CompletedPayment>> {
        match (&request.transaction_request_id, &request.webhook) {
            (Some(id), None) => self.confirm_payment(id.as_str()),
            (None, Some(body)) => self.confirm_payment(&parse_webhook(body.as_bytes())?),
            _ => Err(Error::invalid(
                "transaction_request_id",
                "give exactly one of `transaction_request_id` and `webhook`",
            )),
        }
    }

    /// Verify-by-query: asks UMS Pay about a payment before you ship goods, instead of
    /// trusting a webhook (UMS Pay signs none). `Ok(Some(payment))` when UMS Pay says it is
    /// completed; `Ok(None)` when it is not (pending, failed, cancelled, timed out: call
    /// [`UmsPay::transaction_status`] for which). Given a webhook, its amount, number and
    /// reference must also match the query, else [`Error::InvalidCallback`].
    pub fn confirm_payment<'r>(
        &self,
        payment: impl Into<PaymentRef<'r>>,
    ) -> Result<Option<CompletedPayment>> {
        let payment = payment.into();
        let id = match payment {
            PaymentRef::Id(id) => id,
            PaymentRef::Webhook(w) => &w.transaction_request_id,
        };
        if let PaymentRef::Webhook(w) = payment {
            // Only a webhook that claims a payment must be one this application pushed.
            if w.event == WebhookEventKind::Completed {
                let account = &self.config()?.account_id;
                let claims = match (w.msisdn.as_deref(), w.amount) {
                    (Some(p), Some(a)) if a >= 0.0 && a.fract() == 0.0 => Some((p, a as u64)),
                    _ => None,
                };
                let journal = crate::journal::Journal::of(self.client);
                let entry = journal.find(Provider::Umspay, id, account, claims)?;
                let entry = crate::journal::check(
                    Provider::Umspay,
                    entry,
                    journal.required(),
                    id,
                    account,
                    w.amount,
                    w.msisdn.as_deref(),
                )?;
                if entry
                    .as_ref()
                    .zip(w.reference.as_deref())
                    .is_some_and(|(e, r)| r != e.reference)
                {
                    return Err(Error::callback(
                        Provider::Umspay,
                        "the webhook's reference differs from the push recorded in the payment journal",
                    ));
                }
            }
        }
        let status = match self.transaction_status(id) {
            Ok(status) => status,
            // UMS Pay refusing to know the id while a webhook claims it was paid: forged.
            Err(e)
                if e.fate() == Fate::Refused
                    && error_kind(&e) == Some(UmsPayErrorKind::TransactionNotFound)
                    && matches!(payment, PaymentRef::Webhook(w) if w.is_completed()) =>
            {
                return Err(Error::callback(
                    Provider::Umspay,
                    format!("UMS Pay does not know this transaction ({e})"),
                ))
            }
            Err(e) => return Err(e),
        };
        let TransactionStatus::Completed(paid) = status else {
            return Ok(None);
        };
        if let PaymentRef::Webhook(w) = payment {
            let mismatch = |field: &str| {
                Err(Error::callback(
                    Provider::Umspay,
                    format!("the webhook's `{field}` disagrees with UMS Pay's status query"),
                ))
            };
            if w.amount.is_some_and(|a| (a - paid.amount).abs() > 0.005) {
                return mismatch("TransactionAmount");
            }
            if let (Some(m), false) = (&w.msisdn, paid.msisdn.is_empty()) {
                if *m != paid.msisdn {
                    return mismatch("Msisdn");
                }
            }
            if let (Some(r), false) = (&w.reference, paid.reference.is_empty()) {
                if *r != paid.reference {
                    return mismatch("TransactionReference");
                }
            }
            if let Some(receipt) = &w.receipt {
                if *receipt != paid.receipt {
                    return mismatch("TransactionReceipt");
                }
            }
        }
        Ok(Some(paid))
    }

    /// Requests this client has sent to UMS Pay today (East Africa Time), of the
    /// [`UmsPayConfig::daily_quota`].
    pub fn requests_today(&self) -> u32 {
        self.state().map_or(0, |l| l.used_today())
    }

    fn config(&self) -> Result<&UmsPayConfig> {
        self.client
            .inner
            .config
            .umspay
            .as_ref()
            .ok_or_else(|| Error::config("umspay", "UMS Pay is not configured on this client"))
    }

    fn state(&self) -> Option<&limiter::RateLimiter> {
        self.client.inner.umspay.limiter.as_deref()
    }

    /// A decode error whose excerpt never holds the API key.
    fn decode(&self, status: u16, message: impl Into<String>, body: &str) -> Error {
        let key = self.config().map(|c| c.api_key.expose()).unwrap_or("");
        let body = if key.is_empty() {
            body.to_string()
        } else {
            body.replace(key, "<redacted>")
        };
        Error::decode(Provider::Umspay, status, message, &body)
    }

    /// One POST through the rate limiter; the success object, its HTTP status and text.
    fn send(
        &self,
        path: &str,
        body: &Value,
        op: &str,
        safety: Safety,
        deadline: Instant,
    ) -> Result<(Map<String, Value>, u16, String)> {
        let config = self.config()?;
        let payload = crate::json::to_body(body);
        let url = crate::json::join_url(&config.base_url, path);
        let req = HttpRequest {
            provider: Provider::Umspay,
            method: "POST",
            url: &url,
            headers: vec![
                ("Content-Type", "application/json".into()),
                ("Accept", "application/json".into()),
            ],
            body: Some(&payload),
            safety,
            op,
            deadline,
        };
        // Waiting for a slot, whatever ends it, happens before anything is written.
        let permit = match self.state() {
            Some(l) => Some(l.acquire(deadline).map_err(Error::before_sending)?),
            None => None,
        };
        self.client
            .inner
            .umspay
            .acquire_fleet(deadline)
            .map_err(Error::before_sending)?;
        let resp = self.client.inner.transport.send(&req);
        drop(permit);
        let resp = resp?;
        let map = self.interpret(resp.status, &resp.body, resp.retry_after)?;
        Ok((map, resp.status, resp.body))
    }

    /// Turns an answer into its success object or the matching error, whatever the HTTP
    /// status (UMS Pay sends errors with HTTP 200).
    pub(crate) fn interpret(
        &self,
        status: u16,
        body: &str,
        retry_after: Option<Duration>,
    ) -> Result<Map<String, Value>> {
        let rate_limited = |message: String| {
            Error::rate_limited(Provider::Umspay, retry_after, message, Fate::Refused)
        };
        let Some(map) = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
        else {
            return Err(match status {
                429 => rate_limited("too many requests".into()),
                // No body: UMS Pay documents no such answer, so not a refusal.
                401 => Error::authentication(Provider::Umspay, status, "credentials refused")
                    .with_fate(Fate::Unknown),
                403 => Error::authorization(Provider::Umspay, status, "forbidden")
                    .with_fate(Fate::Unknown),
                _ => self.decode(status, "the answer is not a JSON object", body),
            });
        };
        let text = |name: &str| map.get(name).and_then(crate::json::as_code);
        let result_code = text("ResultCode");
        let success = text("success");
        let message = text("errorMessage")
            .or_else(|| text("message"))
            .or_else(|| text("ResultDesc"))
            .or_else(|| text("error"))
            .unwrap_or_default();
        if status == 429 || result_code.as_deref() == Some("429") {
            let message = if message.is_empty() {
                "too many requests".into()
            } else {
                message
            };
            return Err(rate_limited(message));
        }
        let refused = map.contains_key("errorMessage")
            || result_code.as_deref().is_some_and(|c| c != "200")
            || success.as_deref().is_some_and(|c| c != "200");
        if !refused {
            if (200..300).contains(&status) {
                return Ok(map);
            }
            if status == 401 {
                return Err(Error::authentication(Provider::Umspay, status, message)
                    .with_fate(Fate::Unknown));
            }
            if status == 403 {
                return Err(Error::authorization(Provider::Umspay, status, message)
                    .with_fate(Fate::Unknown));
            }
            if status >= 500 {
                return Err(self.decode(status, "server error", body));
            }
        }
        let fate = crate::refusals::umspay(status, result_code.as_deref().or(success.as_deref()));
        let provider_code = result_code
            .or(success)
            .unwrap_or_else(|| status.to_string());
        let lower = message.to_ascii_lowercase();
        let code = if lower.contains("not active") || lower.contains("inactive") {
            "account_inactive".to_string()
        } else if lower.contains("does not exist") || lower.contains("not found") {
            if lower.contains("transaction") {
                "transaction_not_found".to_string()
            } else if lower.contains("account") {
                "account_not_found".to_string()
            } else {
                provider_code.clone()
            }
        } else if status == 401
            || status == 403
            || (lower.contains("api key") || lower.contains("api_key") || lower.contains("email"))
                && (lower.contains("invalid")
                    || lower.contains("incorrect")
                    || lower.contains("wrong"))
        {
            return Err(Error::authentication(
                Provider::Umspay,
                status,
                format!("{message} (ResultCode {provider_code})"),
            )
            .with_fate(fate));
        } else if provider_code == "102" {
            "invalid_request".to_string()
        } else {
            provider_code.clone()
        };
        let message = if message.is_empty() {
            format!("request refused (ResultCode {provider_code})")
        } else {
            format!("{message} (ResultCode {provider_code})")
        };
        Err(Error::Api(ApiError {
            provider: Provider::Umspay,
            status,
            code: Some(code),
            message,
            request_id: None,
            fate,
            recovery: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn client() -> Client {
        Client::new(Config {
            umspay: Some(
                UmsPayConfig::new("key-123456", "dev@tuma.test", "ACC")
                    .with_base_url("http://127.0.0.1:9"),
            ),
            ..Config::default()
        })
        .unwrap()
    }

    #[test]
    fn interprets_both_shapes_whatever_the_status() {
        let c = client();
        let u = c.umspay();
        let ok = r#"{"success":"200","message":"Request processed successfully","transaction_request_id":"UMSPID1"}"#;
        assert!(u.interpret(200, ok, None).is_ok());
        let inactive = r#"{"ResultCode":"400","errorMessage":"Your UMS Pay account is not active! Activate your account by paying the subscription fee of Ksh 500"}"#;
        let e = u.interpret(200, inactive, None).unwrap_err();
        assert_eq!(e.code(), Some("account_inactive"));
        assert_eq!(error_kind(&e), Some(UmsPayErrorKind::AccountInactive));
        assert!(e.to_string().contains("ResultCode 400"));
        let missing = r#"{"ResultCode":"400","errorMessage":"Transaction with id UMSPID2306202515304598765 does not exist!"}"#;
        let e = u.interpret(400, missing, None).unwrap_err();
        assert_eq!(error_kind(&e), Some(UmsPayErrorKind::TransactionNotFound));
        assert_eq!(e.status(), Some(400));
        let e = u
            .interpret(
                200,
                r#"{"ResultCode":"102","errorMessage":"Invalid API key"}"#,
                None,
            )
            .unwrap_err();
        assert_eq!(e.kind(), "authentication");
        let e = u
            .interpret(
                200,
                r#"{"ResultCode":"102","errorMessage":"amount is required"}"#,
                None,
            )
            .unwrap_err();
        assert_eq!(error_kind(&e), Some(UmsPayErrorKind::InvalidRequest));
        let e = u
            .interpret(429, "", Some(Duration::from_secs(1)))
            .unwrap_err();
        assert_eq!(e.retry_after(), Some(Duration::from_secs(1)));
        let e = u
            .interpret(
                200,
                r#"{"ResultCode":"429","errorMessage":"Daily limit"}"#,
                None,
            )
            .unwrap_err();
        assert_eq!(e.kind(), "rate_limited");
        let e = u
            .interpret(502, "<html>key-123456</html>", None)
            .unwrap_err();
        assert_eq!(e.kind(), "decode");
        assert!(e.outcome_unknown());
        assert!(!e.to_string().contains("key-123456"));
        let e = u
            .interpret(
                200,
                r#"{"success":"500","message":"Something broke"}"#,
                None,
            )
            .unwrap_err();
        assert_eq!(e.code(), Some("500"));
    }
}
