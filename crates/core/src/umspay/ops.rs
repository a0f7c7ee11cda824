//! JSON entry points for the bindings (see [`crate::ops`]).
//!
//! | operation | request | result |
//! |---|---|---|
//! | `umspay.stk_push` | `{"amount", "phone", "reference"}` | [`super::StkPush`] |
//! | `umspay.transaction_status` | `{"transaction_request_id"}` | [`super::TransactionStatus`] (tagged by `status`) |
//! | `umspay.wait_for_status` | `{"transaction_request_id", "timeout_ms"?}` (default 60 000) | [`super::TransactionStatus`] |
//! | `umspay.confirm_payment` | `{"transaction_request_id"}` or `{"webhook": "<raw body>"}` | [`super::CompletedPayment`] or `null` |
//!
//! Callback kind `umspay.webhook` parses a webhook body into [`super::WebhookEvent`].

use std::time::Duration;

use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::ops::{to_json, Args, Output};

/// `timeout_ms` of `umspay.wait_for_status` when not given.
const DEFAULT_WAIT_MS: u64 = 60_000;
/// Longest `timeout_ms` accepted (one hour).
const MAX_WAIT_MS: u64 = 3_600_000;

/// Operation names handled here.
pub const OPERATIONS: &[&str] = &[
    "umspay.stk_push",
    "umspay.transaction_status",
    "umspay.wait_for_status",
    "umspay.confirm_payment",
];
/// Callback kinds handled here.
pub const CALLBACKS: &[&str] = &["umspay.webhook"];
/// Local utilities handled here.
pub const UTILITIES: &[&str] = &[];

/// Runs `name` if it is one of this provider's operations.
pub fn call<O: Output>(client: &Client, name: &str, args: &Args<'_>) -> Option<Result<O>> {
    let run = || -> Result<O> {
        let umspay = client.umspay();
        match name {
            "umspay.stk_push" => {
                let (amount, phone, reference) = (
                    args.amount("amount")?,
                    args.str("phone")?,
                    args.str("reference")?,
                );
                args.finish()?;
                Ok(O::from_result(
                    &umspay.stk_push(amount, &phone, &reference)?,
                ))
            }
            "umspay.transaction_status" => {
                let id = args.str("transaction_request_id")?;
                args.finish()?;
                Ok(O::from_result(&umspay.transaction_status(&id)?))
            }
            "umspay.wait_for_status" => {
                let id = args.str("transaction_request_id")?;
                let ms = args.opt_u64("timeout_ms")?.unwrap_or(DEFAULT_WAIT_MS);
                args.finish()?;
                if ms > MAX_WAIT_MS {
                    return Err(Error::invalid(
                        "timeout_ms",
                        format!("must be at most {MAX_WAIT_MS}"),
                    ));
                }
                Ok(O::from_result(
                    &umspay.wait_for_status(&id, Duration::from_millis(ms))?,
                ))
            }
            "umspay.confirm_payment" => {
                let id = args.opt_str("transaction_request_id")?;
                let webhook = args.opt_str("webhook")?;
                args.finish()?;
                let confirmed = match (id, webhook) {
                    (Some(id), None) => umspay.confirm_payment(&id)?,
                    (None, Some(body)) => {
                        let event = super::parse_webhook(body.as_bytes())?;
                        umspay.confirm_payment(&event)?
                    }
                    _ => {
                        return Err(Error::invalid(
                            "transaction_request_id",
                            "give exactly one of `transaction_request_id` and `webhook`",
                        ))
                    }
                };
                Ok(O::from_result(&confirmed))
            }
            _ => unreachable!("checked against OPERATIONS"),
        }
    };
    OPERATIONS.contains(&name).then(run)
}

/// Parses a callback of `kind` if it is one of this provider's.
pub fn parse_callback(kind: &str, body: &[u8]) -> Option<Result<Value>> {
    (kind == "umspay.webhook").then(|| super::parse_webhook(body).map(to_json))
}

/// Runs a local utility if it is one of this provider's.
pub fn utility(_name: &str, _args: &Args<'_>) -> Option<Result<Value>> {
    None
}
