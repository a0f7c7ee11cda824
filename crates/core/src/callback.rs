//! Every callback kind, parsed into its provider's typed value: what
//! [`Client::receive_callback`](crate::Client::receive_callback) claims and the bindings'
//! parsers return. Each provider type names the id it is de-duplicated on.

use serde::Serialize;

use crate::daraja::{
    B2bExpressCallback, BillPayment, C2bPayment, QueueTimeout, RatibaCallback, ResultCallback,
    StkCallback,
};
use crate::error::{Error, Result};
use crate::statum::{AirtimeResult, StatumResult};
use crate::umspay::WebhookEvent;

/// A parsed callback of any kind. Serialised as the inner value (no tag).
// One value per callback received, moved once: boxing the large result would only add an
// allocation (and change the public variant's type).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Callback {
    /// `statum.result`: an SMS delivery report.
    StatumResult(StatumResult),
    /// `statum.airtime_result`: an airtime top-up's result.
    StatumAirtimeResult(AirtimeResult),
    /// `daraja.stk_callback`: an STK push's result.
    DarajaStkCallback(StkCallback),
    /// `daraja.result`: a B2C, B2B, reversal, status or balance result (ResultURL).
    DarajaResult(ResultCallback),
    /// `daraja.c2b_validation`: a C2B payment asking to be accepted.
    DarajaC2bValidation(C2bPayment),
    /// `daraja.c2b_confirmation`: a completed C2B payment.
    DarajaC2bConfirmation(C2bPayment),
    /// `daraja.queue_timeout`: a request that timed out in Daraja's queue.
    DarajaQueueTimeout(QueueTimeout),
    /// `umspay.webhook`: a UMS Pay payment event.
    UmsPayWebhook(WebhookEvent),
    /// `daraja.b2b_express_callback`: a B2B Express Checkout's outcome.
    DarajaB2bExpressCallback(B2bExpressCallback),
    /// `daraja.ratiba_callback`: a standing order request's outcome (M-Pesa Ratiba).
    DarajaRatibaCallback(RatibaCallback),
    /// `daraja.bill_payment`: a Bill Manager payment notification.
    DarajaBillPayment(BillPayment),
}

/// Every callback kind, in the order the bindings list them, with its binding type name.
pub const KINDS: &[(&str, &str)] = &[
    ("statum.result", "StatumResult"),
    ("statum.airtime_result", "StatumAirtimeResult"),
    ("daraja.stk_callback", "StkCallback"),
    ("daraja.result", "DarajaResult"),
    ("daraja.c2b_validation", "C2bPayment"),
    ("daraja.c2b_confirmation", "C2bPayment"),
    ("daraja.queue_timeout", "QueueTimeout"),
    ("umspay.webhook", "UmsPayWebhookEvent"),
    ("daraja.b2b_express_callback", "B2bExpressCallback"),
    ("daraja.ratiba_callback", "RatibaCallback"),
    ("daraja.bill_payment", "BillPayment"),
];

impl Callback {
    /// Parses a raw callback body of `kind` (see [`KINDS`]).
    pub fn parse(kind: &str, body: &[u8]) -> Result<Callback> {
        Ok(match kind {
            "statum.result" => Callback::StatumResult(crate::statum::parse_result(body)?),
            "statum.airtime_result" => {
                Callback::StatumAirtimeResult(crate::statum::parse_airtime_result(body)?)
            }
            "daraja.stk_callback" => {
                Callback::DarajaStkCallback(crate::daraja::parse_stk_callback(body)?)
            }
            "daraja.result" => Callback::DarajaResult(crate::daraja::parse_result(body)?),
            "daraja.c2b_validation" => {
                Callback::DarajaC2bValidation(crate::daraja::parse_c2b_validation(body)?)
            }
            "daraja.c2b_confirmation" => {
                Callback::DarajaC2bConfirmation(crate::daraja::parse_c2b_confirmation(body)?)
            }
            "daraja.queue_timeout" => {
                Callback::DarajaQueueTimeout(crate::daraja::parse_queue_timeout(body)?)
            }
            "umspay.webhook" => Callback::UmsPayWebhook(crate::umspay::parse_webhook(body)?),
            "daraja.b2b_express_callback" => {
                Callback::DarajaB2bExpressCallback(crate::daraja::parse_b2b_express_callback(body)?)
            }
            "daraja.ratiba_callback" => {
                Callback::DarajaRatibaCallback(crate::daraja::parse_ratiba_callback(body)?)
            }
            "daraja.bill_payment" => {
                Callback::DarajaBillPayment(crate::daraja::parse_bill_payment(body)?)
            }
            other => {
                return Err(Error::invalid(
                    "kind",
                    format!(
                        "unknown callback kind `{}`",
                        other.chars().take(64).collect::<String>()
                    ),
                ))
            }
        })
    }

    /// The id a redelivery of this callback shares with the first delivery; `None` when
    /// the callback carries none.
    pub fn dedup_id(&self) -> Option<String> {
        let id = match self {
            Callback::StatumResult(r) => Some(r.request_id.clone()),
            Callback::StatumAirtimeResult(r) => Some(r.request_id.clone()),
            Callback::DarajaStkCallback(c) => Some(c.checkout_request_id.clone()),
            Callback::DarajaResult(r) => r.dedup_id(),
            Callback::DarajaC2bValidation(p) | Callback::DarajaC2bConfirmation(p) => {
                Some(p.trans_id.clone())
            }
            Callback::DarajaQueueTimeout(t) => t.dedup_id(),
            Callback::UmsPayWebhook(w) => w.dedup_id(),
            Callback::DarajaB2bExpressCallback(c) => c.dedup_id(),
            Callback::DarajaRatibaCallback(c) => c.dedup_id(),
            Callback::DarajaBillPayment(p) => p.dedup_id(),
        };
        id.filter(|id| !id.is_empty())
    }
}
