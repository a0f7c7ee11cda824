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
mod errors;
mod limiter;
mod requests;
mod state;
mod status;
mod webhook;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

pub use config::{
    UmsPayConfig, DEFAULT_DAILY_QUOTA, DEFAULT_RATE_PER_SECOND, UMSPAY_PRODUCTION_URL,
};
pub use errors::{error_kind, fuzz_parse_status, UmsPayErrorKind};
pub use requests::{
    ConfirmPaymentRequest, PaymentRef, StkPushRequest, TransactionStatusRequest,
    WaitForStatusRequest,
};
pub(crate) use state::UmsPayState;
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
        let deadline = self.client.transport().deadline();
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
        self.status_by(transaction_request_id, self.client.transport().deadline())
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
        let http = &self.client.config().http;
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
        let answer = status::parse_status(&map, id)
            .map_err(|problem| self.decode(status, problem, &text))?;
        // A final answer settles the push in the payment journal.
        if let Some(outcome) = crate::journal::JournalOutcome::of_umspay_status(&answer) {
            crate::journal::Journal::of(self.client).settle_quietly(Provider::Umspay, id, outcome);
        }
        Ok(answer)
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
            let poll_deadline = self.client.transport().deadline().min(deadline);
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
        self.client.umspay_state().limiter.as_deref()
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
        let resp = self.client.transport().send(&req);
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
