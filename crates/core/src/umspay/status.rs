//! The answers of UMS Pay: the STK push result and the typed transaction status.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::json::{as_code, as_f64};

/// UMS Pay accepted an STK push: the customer's phone shows the M-Pesa prompt now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StkPush {
    /// UMS Pay's id of the payment (`UMSPID…`): query its status with it; webhooks carry it
    /// as `TransactionID`.
    pub transaction_request_id: String,
    /// UMS Pay's message, e.g. `Request processed successfully`.
    pub message: String,
    /// The number the prompt went to, normalised (`2547…`/`2541…`).
    pub msisdn: String,
    /// The amount asked for, in KES.
    pub amount: u64,
    /// Your reference, as sent.
    pub reference: String,
}

/// Where a payment stands, from a status query. Serialised with a `status` tag:
/// `pending`, `completed`, `failed`, `cancelled`, `timeout`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TransactionStatus {
    /// The customer has not answered the prompt yet.
    Pending(PendingPayment),
    /// Paid (`TransactionCode` 0).
    Completed(CompletedPayment),
    /// Failed for another reason (1: insufficient balance, 2001, 1025, 9999, 1019, 1001…).
    Failed(FailedPayment),
    /// The customer cancelled the prompt (1032).
    Cancelled(FailedPayment),
    /// The customer could not be reached (1037, "DS timeout").
    Timeout(FailedPayment),
}

/// A payment that went through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletedPayment {
    /// UMS Pay's id of the payment.
    pub transaction_request_id: String,
    /// The M-Pesa receipt, e.g. `SFG3H2K1LM`.
    pub receipt: String,
    /// The amount paid, in KES.
    pub amount: f64,
    /// The number that paid (`2547…`).
    pub msisdn: String,
    /// When, as UMS Pay wrote it (e.g. `06/23/24 03:30 PM`, East Africa Time).
    pub date: String,
    /// Your reference.
    pub reference: String,
    /// The linked account that received the money, when given.
    pub account_id: Option<String>,
    /// UMS Pay's description.
    pub description: String,
}

/// A payment that did not go through (failed, cancelled or timed out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedPayment {
    /// UMS Pay's id of the payment.
    pub transaction_request_id: String,
    /// The M-Pesa result code, e.g. `1`, `1032`, `1037`.
    pub code: String,
    /// The description, e.g. `Request cancelled by user`.
    pub description: String,
    /// The amount asked for, when given.
    pub amount: Option<f64>,
    /// The number asked, when given.
    pub msisdn: Option<String>,
    /// Your reference, when given.
    pub reference: Option<String>,
    /// When, as UMS Pay wrote it, when given.
    pub date: Option<String>,
}

/// A payment still waiting for the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingPayment {
    /// UMS Pay's id of the payment.
    pub transaction_request_id: String,
    /// The description, when given.
    pub description: String,
    /// The amount asked for, when given.
    pub amount: Option<f64>,
    /// The number asked, when given.
    pub msisdn: Option<String>,
    /// Your reference, when given.
    pub reference: Option<String>,
}

impl TransactionStatus {
    /// True for every state but `Pending`: the status will not change any more.
    pub fn is_final(&self) -> bool {
        !matches!(self, TransactionStatus::Pending(_))
    }

    /// True when paid.
    pub fn is_completed(&self) -> bool {
        matches!(self, TransactionStatus::Completed(_))
    }

    /// The completed payment, if paid.
    pub fn completed(&self) -> Option<&CompletedPayment> {
        match self {
            TransactionStatus::Completed(c) => Some(c),
            _ => None,
        }
    }

    /// The state's name: `pending`, `completed`, `failed`, `cancelled`, `timeout`.
    pub fn state(&self) -> &'static str {
        match self {
            TransactionStatus::Pending(_) => "pending",
            TransactionStatus::Completed(_) => "completed",
            TransactionStatus::Failed(_) => "failed",
            TransactionStatus::Cancelled(_) => "cancelled",
            TransactionStatus::Timeout(_) => "timeout",
        }
    }

    /// UMS Pay's id of the payment.
    pub fn transaction_request_id(&self) -> &str {
        match self {
            TransactionStatus::Pending(p) => &p.transaction_request_id,
            TransactionStatus::Completed(c) => &c.transaction_request_id,
            TransactionStatus::Failed(f)
            | TransactionStatus::Cancelled(f)
            | TransactionStatus::Timeout(f) => &f.transaction_request_id,
        }
    }

    /// The M-Pesa result code: `0` when completed, none while pending.
    pub fn code(&self) -> Option<&str> {
        match self {
            TransactionStatus::Pending(_) => None,
            TransactionStatus::Completed(_) => Some("0"),
            TransactionStatus::Failed(f)
            | TransactionStatus::Cancelled(f)
            | TransactionStatus::Timeout(f) => Some(&f.code),
        }
    }
}

fn text(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.get(name).and_then(as_code).filter(|s| !s.is_empty())
}

/// The id of a push from its success shape, under either spelling.
pub(crate) fn push_id(map: &Map<String, Value>) -> Option<String> {
    text(map, "transaction_request_id").or_else(|| text(map, "tranasaction_request_id"))
}

/// Reads the status answer (already known not to be the error shape). `Err` names what is
/// wrong with it.
pub(crate) fn parse_status(
    map: &Map<String, Value>,
    asked_id: &str,
) -> std::result::Result<TransactionStatus, String> {
    let id = text(map, "TransactionID")
        .or_else(|| push_id(map))
        .unwrap_or_else(|| asked_id.to_string());
    if id != asked_id {
        return Err(format!(
            "the answer is about another transaction ({id}), not {asked_id}"
        ));
    }
    let word = text(map, "TransactionStatus")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let code = text(map, "TransactionCode");
    let numeric = code.as_deref().and_then(|c| c.parse::<i64>().ok());
    let description = text(map, "ResultDesc")
        .or_else(|| text(map, "ResponseDescription"))
        .unwrap_or_default();
    let amount = map.get("TransactionAmount").and_then(as_f64);
    let msisdn = text(map, "Msisdn");
    let reference = text(map, "TransactionReference");
    let date = text(map, "TransactionDate");
    let code_says_pending = code
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("pending"));

    let failed = |code: String| FailedPayment {
        transaction_request_id: id.clone(),
        code,
        description: description.clone(),
        amount,
        msisdn: msisdn.clone(),
        reference: reference.clone(),
        date: date.clone(),
    };
    let by_code = |n: i64| match n {
        1032 => TransactionStatus::Cancelled(failed(n.to_string())),
        1037 => TransactionStatus::Timeout(failed(n.to_string())),
        _ => TransactionStatus::Failed(failed(n.to_string())),
    };

    let status = match word.as_str() {
        "pending" | "processing" | "queued" | "initiated" => {
            TransactionStatus::Pending(PendingPayment {
                transaction_request_id: id.clone(),
                description: description.clone(),
                amount,
                msisdn: msisdn.clone(),
                reference: reference.clone(),
            })
        }
        "completed" | "complete" | "success" | "successful" => match numeric {
            None | Some(0) if !code_says_pending => {
                let receipt = text(map, "TransactionReceipt").ok_or(
                    "`TransactionStatus` is Completed but `TransactionReceipt` is missing",
                )?;
                let amount = amount
                    .ok_or("`TransactionStatus` is Completed but `TransactionAmount` is missing")?;
                TransactionStatus::Completed(CompletedPayment {
                    transaction_request_id: id.clone(),
                    receipt,
                    amount,
                    msisdn: msisdn.clone().unwrap_or_default(),
                    date: date.clone().unwrap_or_default(),
                    reference: reference.clone().unwrap_or_default(),
                    account_id: text(map, "TransactionAccountID"),
                    description: description.clone(),
                })
            }
            Some(n) => by_code(n),
            None => return Err("`TransactionStatus` is Completed but the code is Pending".into()),
        },
        "cancelled" | "canceled" => {
            TransactionStatus::Cancelled(failed(code.clone().unwrap_or_else(|| "1032".into())))
        }
        "timeout" | "timed out" | "expired" => {
            TransactionStatus::Timeout(failed(code.clone().unwrap_or_else(|| "1037".into())))
        }
        "failed" | "failure" => match numeric {
            Some(0) => return Err("`TransactionStatus` is Failed but the code is 0".into()),
            Some(n) => by_code(n),
            None => TransactionStatus::Failed(failed(code.clone().unwrap_or_default())),
        },
        "" if code_says_pending => TransactionStatus::Pending(PendingPayment {
            transaction_request_id: id.clone(),
            description: description.clone(),
            amount,
            msisdn: msisdn.clone(),
            reference: reference.clone(),
        }),
        "" => return Err("`TransactionStatus` is missing".into()),
        other => {
            return Err(format!(
                "unknown `TransactionStatus` `{}`",
                other.chars().take(40).collect::<String>()
            ))
        }
    };
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> std::result::Result<TransactionStatus, String> {
        parse_status(v.as_object().unwrap(), "UMSPID1")
    }

    #[test]
    fn reads_the_documented_example() {
        let s = parse(json!({
            "ResultCode": "200", "ResultDesc": "Success", "TransactionID": "UMSPID1",
            "TransactionAccountID": "ACC-7890", "TransactionStatus": "Completed",
            "TransactionCode": "0", "TransactionReceipt": "REC12345",
            "TransactionAmount": "1500", "Msisdn": "254712345678",
            "TransactionDate": "06/23/24 03:30 PM", "TransactionReference": "ORDER-12345",
            "MpesaResponse": "{}"
        }))
        .unwrap();
        let c = s.completed().unwrap();
        assert_eq!(c.receipt, "REC12345");
        assert_eq!(c.amount, 1500.0);
        assert_eq!(c.account_id.as_deref(), Some("ACC-7890"));
        let j = serde_json::to_value(&s).unwrap();
        assert_eq!(j["status"], "completed");
        assert_eq!(j["receipt"], "REC12345");
    }

    #[test]
    fn classifies_codes_and_words() {
        let base = |status: &str, code: Value| {
            json!({"ResultCode":"200","TransactionID":"UMSPID1","TransactionStatus":status,
                   "TransactionCode":code,"TransactionAmount":"10"})
        };
        assert_eq!(
            parse(base("Pending", json!("Pending"))).unwrap().state(),
            "pending"
        );
        assert_eq!(parse(base("Failed", json!("1"))).unwrap().state(), "failed");
        assert_eq!(
            parse(base("Cancelled", json!("1032"))).unwrap().state(),
            "cancelled"
        );
        // The 2023 server said Failed for 1037 and 1032.
        assert_eq!(
            parse(base("Failed", json!(1037))).unwrap().state(),
            "timeout"
        );
        assert_eq!(
            parse(base("Failed", json!("1032"))).unwrap().state(),
            "cancelled"
        );
        assert_eq!(
            parse(base("Timeout", json!("1037"))).unwrap().state(),
            "timeout"
        );
        assert_eq!(
            parse(base("Failed", json!("2001"))).unwrap().code(),
            Some("2001")
        );
        // Contradictions and unknowns are not guessed at.
        assert!(parse(base("Failed", json!("0"))).is_err());
        assert!(parse(base("Completed", json!("0"))).is_err()); // no receipt
        assert!(parse(base("Weird", json!("0"))).is_err());
        assert!(parse(json!({"TransactionID":"UMSPID2","TransactionStatus":"Pending"})).is_err());
    }

    #[test]
    fn push_id_under_both_spellings() {
        let a = json!({"success":"200","transaction_request_id":"A"});
        let b = json!({"success":"200","tranasaction_request_id":"B"});
        assert_eq!(push_id(a.as_object().unwrap()).as_deref(), Some("A"));
        assert_eq!(push_id(b.as_object().unwrap()).as_deref(), Some("B"));
    }
}
