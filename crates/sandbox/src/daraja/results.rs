//! What the initiator APIs share: the synchronous answer and the `Result` POSTed to
//! `ResultURL`, its parameters, and the ledger entry of the request.

use std::sync::atomic::Ordering;

use serde_json::{json, Value};

use super::ledger::LedgerRecord;
use super::{money, receipt, time, Daraja};
use crate::http::Response;
use crate::Shared;

pub(super) const QUEUE_TIMEOUT_REFERENCE: &str =
    "http://internalsandbox.safaricom.co.ke/mpesa/b2cresults/v1/submit";
pub(super) const DONE: &str = "The service request is processed successfully.";
pub(super) const BAD_INITIATOR: &str = "The initiator information is invalid.";
pub(super) const INSUFFICIENT: &str = "The balance is insufficient for the transaction.";

/// A result code as Daraja writes it: a number when numeric, unless the API's samples use
/// strings (`as_string`); alphanumeric codes are always strings.
fn code(c: &str, as_string: bool) -> Value {
    match c.parse::<i64>() {
        Ok(n) if !as_string => Value::from(n),
        _ => Value::String(c.to_string()),
    }
}

pub(super) fn reference_item() -> Value {
    json!({"ReferenceItem": {"Key": "QueueTimeoutURL", "Value": QUEUE_TIMEOUT_REFERENCE}})
}

pub(super) fn params(items: &[(&str, Value)]) -> Value {
    let list: Vec<Value> = items
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    json!({"ResultParameter": list})
}

/// The fields every `Result` callback has.
pub(super) struct Outcome {
    pub code: &'static str,
    pub desc: &'static str,
    pub transaction_id: String,
    pub parameters: Option<Value>,
    pub reference: Value,
}

/// A money-moving request, for the ledgers.
pub(super) struct Payment {
    /// The ledger and callback kind: `b2c`, `b2pochi`, `b2b`, `tax`, `reversal`.
    pub kind: &'static str,
    /// Its identity in the sandbox-wide ledger (`Sandbox::processed_payments`).
    pub identity: String,
    pub command: String,
    pub reference: String,
    pub amount_cents: i64,
    pub debit_party: String,
    pub credit_party: String,
}

/// How the result is written.
pub(super) struct Answer<'a> {
    /// The callback kind of a query (`status`, `balance`); payments use their own kind.
    pub kind: &'static str,
    pub result_url: &'a str,
    pub originator: &'a str,
    pub conversation: &'a str,
    /// `ResultType` / numeric `ResultCode` as strings (B2B, tax, balance samples).
    pub strings: bool,
}

/// Builds and schedules the `Result` callback, records the request and answers it.
pub(super) fn finish(
    d: &Daraja,
    shared: &Shared,
    payment: Option<Payment>,
    answer: Answer,
    outcome: Outcome,
) -> Response {
    let Answer {
        kind,
        result_url,
        originator,
        conversation,
        strings,
    } = answer;
    let mut result = json!({
        "ResultType": if strings { json!("0") } else { json!(0) },
        "ResultCode": code(outcome.code, strings),
        "ResultDesc": outcome.desc,
        "OriginatorConversationID": originator,
        "ConversationID": conversation,
        "TransactionID": outcome.transaction_id,
    });
    if let Some(p) = outcome.parameters {
        result["ResultParameters"] = p;
    }
    result["ReferenceData"] = outcome.reference;
    d.stats.initiator_requests.fetch_add(1, Ordering::SeqCst);
    let mut ledger_index = None;
    let kind = match payment {
        Some(p) => {
            shared.record_payment("daraja", p.kind, p.identity);
            let paid = outcome.code == "0";
            let record = LedgerRecord::decided(
                p.kind,
                &p.command,
                originator,
                conversation,
                &p.reference,
                p.amount_cents,
                (&p.debit_party, &p.credit_party),
                outcome.code,
                outcome.desc,
                paid.then(|| outcome.transaction_id.clone()),
            );
            ledger_index = Some(d.state.lock().unwrap().add_ledger(record));
            p.kind
        }
        None => kind,
    };
    let fate = d.notify(shared, kind, result_url, json!({"Result": result}));
    if let Some(i) = ledger_index {
        d.state.lock().unwrap().ledger[i].callback = fate;
    }
    Response::json(
        200,
        &json!({
            "ConversationID": conversation,
            "OriginatorConversationID": originator,
            "ResponseCode": "0",
            "ResponseDescription": "Accept the service request successfully.",
        }),
    )
}

pub(super) fn failure(c: &'static str, desc: &'static str, parameters: Option<Value>) -> Outcome {
    Outcome {
        code: c,
        desc,
        transaction_id: receipt(),
        parameters,
        reference: reference_item(),
    }
}

pub(super) fn bo_completed() -> Value {
    json!({"ResultParameter": {"Key": "BOCompletedTime", "Value": time::eat_now().compact_number()}})
}

pub(super) fn account(name: &str, cents: i64) -> String {
    let m = money(cents);
    format!("{name}|KES|{m}|{m}|0.00|0.00")
}

/// `{Amount={CurrencyCode=KES, MinimumAmount=618683, BasicAmount=6186.83}}`.
pub(super) fn basic_amount(cents: i64) -> String {
    format!(
        "{{Amount={{CurrencyCode=KES, MinimumAmount={cents}, BasicAmount={}}}}}",
        money(cents)
    )
}
