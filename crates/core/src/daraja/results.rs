//! Callbacks: the STK callback, the `Result` POSTed to a `ResultURL` (B2C, B2B, status,
//! balance, reversal) and the queue-timeout notice, parsed from raw bytes into typed values.
//!
//! Parsing is lenient where Daraja is inconsistent (codes as numbers or strings,
//! `ResultParameter` as one object or a list, `Value` missing, number or string) and strict
//! where a callback could not be acted on (no ids, no result code).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::codes::{result_outcome, stk_outcome, Outcome};
use crate::error::{Error, Provider, Result};
use crate::json::{as_code, as_f64};

/// An item of an STK callback's `CallbackMetadata`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StkMetadataItem {
    /// `Name` (`Amount`, `MpesaReceiptNumber`, `Balance`, `TransactionDate`, `PhoneNumber`).
    pub name: String,
    /// `Value` as sent, when present.
    pub value: Option<Value>,
}

/// The result of an STK push, POSTed to its `CallBackURL` (`Body.stkCallback`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StkCallback {
    /// Daraja's id of the push.
    pub merchant_request_id: String,
    /// The id returned by the push (`ws_CO_...`): match it to your order.
    pub checkout_request_id: String,
    /// `"0"` when paid; see [`super::stk_outcome`].
    pub result_code: String,
    /// Daraja's description.
    pub result_desc: String,
    /// The named outcome of `result_code`.
    pub outcome: Outcome,
    /// Where the payment stands, in the vocabulary shared by every provider.
    pub status: crate::PaymentStatus,
    /// Amount paid, in KES (success only).
    pub amount: Option<f64>,
    /// The M-Pesa receipt (success only).
    pub mpesa_receipt_number: Option<String>,
    /// `YYYYMMDDHHmmss`, Kenyan time (success only).
    pub transaction_date: Option<String>,
    /// The paying phone (success only).
    pub phone_number: Option<String>,
    /// `Balance`, when Daraja gives a value (it rarely does).
    pub balance: Option<String>,
    /// Every metadata item as sent.
    pub metadata: Vec<StkMetadataItem>,
}

impl StkCallback {
    /// True when the payer paid.
    pub fn is_success(&self) -> bool {
        self.outcome.is_success()
    }
}

/// A `Key`/`Value` pair of `ResultParameters` or `ReferenceData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultParameter {
    /// `Key`.
    pub key: String,
    /// `Value` as sent (number or string), when present.
    pub value: Option<Value>,
}

/// The typed result of a B2C payment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct B2cResult {
    /// `TransactionAmount`.
    pub transaction_amount: Option<f64>,
    /// `TransactionReceipt`.
    pub transaction_receipt: Option<String>,
    /// `B2CRecipientIsRegisteredCustomer` (`Y`/`N`).
    pub recipient_is_registered_customer: Option<bool>,
    /// `B2CChargesPaidAccountAvailableFunds`.
    pub charges_paid_account_available_funds: Option<f64>,
    /// `ReceiverPartyPublicName` (`2547... - NAME`).
    pub receiver_party_public_name: Option<String>,
    /// `TransactionCompletedDateTime` (`06.07.2024 22:48:52`).
    pub transaction_completed_date_time: Option<String>,
    /// `B2CUtilityAccountAvailableFunds`.
    pub utility_account_available_funds: Option<f64>,
    /// `B2CWorkingAccountAvailableFunds`.
    pub working_account_available_funds: Option<f64>,
}

/// The typed result of a B2B payment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct B2bResult {
    /// `Amount`.
    pub amount: Option<f64>,
    /// `DebitAccountBalance`.
    pub debit_account_balance: Option<String>,
    /// `DebitPartyAffectedAccountBalance`.
    pub debit_party_affected_account_balance: Option<String>,
    /// `TransCompletedTime`.
    pub trans_completed_time: Option<String>,
    /// `DebitPartyCharges` (may be empty).
    pub debit_party_charges: Option<String>,
    /// `ReceiverPartyPublicName`.
    pub receiver_party_public_name: Option<String>,
    /// `Currency`.
    pub currency: Option<String>,
    /// `InitiatorAccountCurrentBalance`.
    pub initiator_account_current_balance: Option<String>,
    /// `DebitAccountCurrentBalance`.
    pub debit_account_current_balance: Option<String>,
    /// `BillReferenceNumber` from `ReferenceData`.
    pub bill_reference_number: Option<String>,
}

/// The typed result of a transaction status query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusResult {
    /// `ReceiptNo`.
    pub receipt_no: Option<String>,
    /// `TransactionStatus` (`Completed`, `Cancelled`, `Declined`, `Expired`...).
    pub transaction_status: Option<String>,
    /// `Amount`.
    pub amount: Option<f64>,
    /// `DebitPartyName`.
    pub debit_party_name: Option<String>,
    /// `CreditPartyName`.
    pub credit_party_name: Option<String>,
    /// `OriginatorConversationID` of the queried transaction.
    pub originator_conversation_id: Option<String>,
    /// `ConversationID` of the queried transaction.
    pub conversation_id: Option<String>,
    /// `InitiatedTime`.
    pub initiated_time: Option<String>,
    /// `FinalisedTime`.
    pub finalised_time: Option<String>,
    /// `DebitAccountType`.
    pub debit_account_type: Option<String>,
    /// `DebitPartyCharges`.
    pub debit_party_charges: Option<String>,
    /// `TransactionReason`.
    pub transaction_reason: Option<String>,
    /// `ReasonType`.
    pub reason_type: Option<String>,
}

/// One account of an account balance result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceAccount {
    /// `Working Account`, `Utility Account`, `Charges Paid Account`...
    pub name: String,
    /// `KES`.
    pub currency: String,
    /// First amount: available.
    pub available: f64,
    /// Second amount: uncleared.
    pub uncleared: f64,
    /// Third amount: reserved.
    pub reserved: f64,
    /// Fourth amount (unlabelled by the portal).
    pub fourth: f64,
}

/// The typed result of an account balance query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BalanceResult {
    /// The accounts parsed from `AccountBalance`.
    pub accounts: Vec<BalanceAccount>,
    /// `BOCompletedTime`.
    pub completed_time: Option<String>,
}

impl BalanceResult {
    /// The account whose name starts with `name` (`Working`, `Utility`...), any letter case.
    pub fn account(&self, name: &str) -> Option<&BalanceAccount> {
        let n = name.to_ascii_lowercase();
        self.accounts
            .iter()
            .find(|a| a.name.to_ascii_lowercase().starts_with(&n))
    }
}

/// The typed result of a reversal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReversalResult {
    /// `OriginalTransactionID`.
    pub original_transaction_id: Option<String>,
    /// `Amount`.
    pub amount: Option<f64>,
    /// `DebitAccountBalance`.
    pub debit_account_balance: Option<String>,
    /// `TransCompletedTime`.
    pub trans_completed_time: Option<String>,
    /// `Charge`.
    pub charge: Option<f64>,
    /// `CreditPartyPublicName`.
    pub credit_party_public_name: Option<String>,
    /// `DebitPartyPublicName`.
    pub debit_party_public_name: Option<String>,
}

/// What a `Result` is about, recognised from its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResultDetails {
    /// A B2C payment.
    B2c(B2cResult),
    /// A B2B payment.
    B2b(B2bResult),
    /// A transaction status query.
    TransactionStatus(StatusResult),
    /// An account balance query.
    AccountBalance(BalanceResult),
    /// A reversal.
    Reversal(ReversalResult),
    /// No parameters (typical of failures) or unrecognised ones: see `parameters`.
    Unknown,
}

/// The `Result` POSTed to a `ResultURL`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultCallback {
    /// `ResultType`: `"0"` completed, `"1"` more messages follow.
    pub result_type: String,
    /// `"0"` on success; may be alphanumeric (`R000002`). See [`super::result_outcome`].
    pub result_code: String,
    /// Daraja's description.
    pub result_desc: String,
    /// The named outcome of `result_code`.
    pub outcome: Outcome,
    /// `completed` or `failed`, in the vocabulary shared by every provider.
    pub status: crate::PaymentStatus,
    /// The originator's id of the request (for B2C, the one you sent).
    pub originator_conversation_id: String,
    /// M-Pesa's id of the request (`AG_...`).
    pub conversation_id: String,
    /// `TransactionID`, when given.
    pub transaction_id: Option<String>,
    /// The typed parameters, recognised by their keys.
    pub details: ResultDetails,
    /// Every `ResultParameter` as sent.
    pub parameters: Vec<ResultParameter>,
    /// Every `ReferenceItem` as sent.
    pub reference_data: Vec<ResultParameter>,
}

impl ResultCallback {
    /// The id redeliveries share: `OriginatorConversationID` (else `ConversationID`), with
    /// the result type when it is not 0 (type 1 means more messages follow; the final one
    /// must not look like its redelivery).
    pub fn dedup_id(&self) -> Option<String> {
        let id = [&self.originator_conversation_id, &self.conversation_id]
            .into_iter()
            .find(|id| !id.is_empty())?;
        Some(match self.result_type.as_str() {
            "0" | "" => id.clone(),
            other => format!("{id}:type{other}"),
        })
    }

    /// True on success.
    pub fn is_success(&self) -> bool {
        self.outcome.is_success()
    }

    /// The value of a parameter by key, as text.
    pub fn parameter(&self, key: &str) -> Option<String> {
        self.parameters
            .iter()
            .find(|p| p.key == key)
            .and_then(|p| p.value.as_ref())
            .and_then(as_code)
    }
}

/// The notice POSTed to a `QueueTimeOutURL` when a request timed out in M-Pesa's queue.
/// Its shape is not documented: a `Result` object or flat fields are accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueTimeout {
    /// The originator's id of the request, when given.
    pub originator_conversation_id: Option<String>,
    /// M-Pesa's id of the request, when given.
    pub conversation_id: Option<String>,
    /// `ResultCode`, when given.
    pub result_code: Option<String>,
    /// `ResultDesc`, when given.
    pub result_desc: Option<String>,
    /// The whole body as received.
    pub raw: Value,
}

fn bad(message: impl Into<String>) -> Error {
    Error::callback(Provider::Daraja, message)
}

/// The body as a JSON object, or an `InvalidCallback` error.
pub(crate) fn object(body: &[u8]) -> Result<Map<String, Value>> {
    let text = std::str::from_utf8(body).map_err(|_| bad("the body is not UTF-8"))?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(bad("the body is not a JSON object")),
        Err(e) => Err(bad(format!(
            "the body is not JSON: {}",
            crate::config::json_error(&e)
        ))),
    }
}

fn code_of(map: &Map<String, Value>, key: &str) -> Result<String> {
    match map.get(key) {
        Some(v) => as_code(v)
            .filter(|c| !c.is_empty())
            .ok_or_else(|| bad(format!("`{key}` is not a code"))),
        None => Err(bad(format!("`{key}` is missing"))),
    }
}

fn opt_text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(as_code)
}

/// A field that must be a non-empty string (or number).
fn need_text(map: &Map<String, Value>, key: &str) -> Result<String> {
    opt_text(map, key)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad(format!("`{key}` is missing")))
}

/// Turns a one-object-or-list of `{Key|Name, Value}` into pairs.
fn pairs(v: Option<&Value>, name_key: &str) -> Result<Vec<ResultParameter>> {
    let items: Vec<&Value> = match v {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(o @ Value::Object(_)) => vec![o],
        Some(_) => {
            return Err(bad(format!(
                "a `{name_key}` list is neither an object nor a list"
            )))
        }
    };
    items
        .into_iter()
        .map(|item| {
            let obj = item
                .as_object()
                .ok_or_else(|| bad(format!("a `{name_key}` item is not an object")))?;
            let key = obj
                .get(name_key)
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("an item has no `{name_key}`")))?;
            Ok(ResultParameter {
                key: key.to_string(),
                value: obj.get("Value").filter(|v| !v.is_null()).cloned(),
            })
        })
        .collect()
}

/// Parses the STK callback (`{"Body": {"stkCallback": {...}}}`).
pub fn parse_stk_callback(body: &[u8]) -> Result<StkCallback> {
    let map = object(body)?;
    let cb = map
        .get("Body")
        .and_then(|b| b.get("stkCallback"))
        .and_then(Value::as_object)
        .ok_or_else(|| bad("`Body.stkCallback` is missing"))?;
    let result_code = code_of(cb, "ResultCode")?;
    let metadata = match cb.get("CallbackMetadata") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(m)) => pairs(m.get("Item"), "Name")?,
        Some(_) => return Err(bad("`CallbackMetadata` is not an object")),
    };
    let item = |name: &str| {
        metadata
            .iter()
            .find(|i| i.name_is(name))
            .and_then(|i| i.value.as_ref())
    };
    let outcome = stk_outcome(&result_code);
    let amount = item("Amount").and_then(as_f64);
    let receipt = item("MpesaReceiptNumber").and_then(as_code);
    if outcome.is_success() && receipt.is_none() {
        return Err(bad(
            "a successful STK callback has no `MpesaReceiptNumber` in `CallbackMetadata`",
        ));
    }
    Ok(StkCallback {
        merchant_request_id: need_text(cb, "MerchantRequestID")?,
        checkout_request_id: need_text(cb, "CheckoutRequestID")?,
        result_desc: opt_text(cb, "ResultDesc").unwrap_or_default(),
        outcome,
        status: crate::PaymentStatus::of_stk_code(&result_code),
        result_code,
        amount,
        mpesa_receipt_number: receipt,
        transaction_date: item("TransactionDate").and_then(as_code),
        phone_number: item("PhoneNumber").and_then(as_code),
        balance: item("Balance").and_then(as_code),
        metadata: metadata
            .into_iter()
            .map(|p| StkMetadataItem {
                name: p.key,
                value: p.value,
            })
            .collect(),
    })
}

impl ResultParameter {
    fn name_is(&self, name: &str) -> bool {
        self.key == name
    }
}

/// Parses the `Result` POSTed to a `ResultURL` by B2C, B2B, transaction status, account
/// balance or reversal; `details` is typed from the parameters present.
pub fn parse_result(body: &[u8]) -> Result<ResultCallback> {
    let map = object(body)?;
    let r = map
        .get("Result")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("`Result` is missing"))?;
    let result_code = code_of(r, "ResultCode")?;
    let parameters = match r.get("ResultParameters") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(m)) => pairs(m.get("ResultParameter"), "Key")?,
        Some(Value::String(s)) if s.is_empty() => Vec::new(),
        Some(_) => return Err(bad("`ResultParameters` is not an object")),
    };
    let reference_data = match r.get("ReferenceData") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(m)) => pairs(m.get("ReferenceItem"), "Key")?,
        Some(Value::String(s)) if s.is_empty() => Vec::new(),
        Some(_) => return Err(bad("`ReferenceData` is not an object")),
    };
    let originator = opt_text(r, "OriginatorConversationID").unwrap_or_default();
    let conversation = opt_text(r, "ConversationID").unwrap_or_default();
    if originator.is_empty() && conversation.is_empty() {
        return Err(bad(
            "`OriginatorConversationID` and `ConversationID` are both missing",
        ));
    }
    let details = details(&parameters, &reference_data)?;
    Ok(ResultCallback {
        result_type: opt_text(r, "ResultType").unwrap_or_else(|| "0".into()),
        outcome: result_outcome(&result_code),
        status: crate::PaymentStatus::of_result_code(&result_code),
        result_code,
        result_desc: opt_text(r, "ResultDesc").unwrap_or_default(),
        originator_conversation_id: originator,
        conversation_id: conversation,
        transaction_id: opt_text(r, "TransactionID").filter(|t| !t.is_empty()),
        details,
        parameters,
        reference_data,
    })
}

fn details(params: &[ResultParameter], refs: &[ResultParameter]) -> Result<ResultDetails> {
    let get = |k: &str| {
        params
            .iter()
            .find(|p| p.key == k)
            .and_then(|p| p.value.as_ref())
    };
    let s = |k: &str| get(k).and_then(as_code);
    let n = |k: &str| get(k).and_then(as_f64);
    let has = |k: &str| params.iter().any(|p| p.key == k);
    if has("AccountBalance") {
        let accounts = match s("AccountBalance") {
            Some(text) => parse_account_balance(&text)?,
            None => Vec::new(),
        };
        return Ok(ResultDetails::AccountBalance(BalanceResult {
            accounts,
            completed_time: s("BOCompletedTime"),
        }));
    }
    if has("TransactionReceipt")
        || has("B2CRecipientIsRegisteredCustomer")
        || has("TransactionAmount")
    {
        return Ok(ResultDetails::B2c(B2cResult {
            transaction_amount: n("TransactionAmount"),
            transaction_receipt: s("TransactionReceipt"),
            recipient_is_registered_customer: s("B2CRecipientIsRegisteredCustomer")
                .map(|v| v.eq_ignore_ascii_case("Y")),
            charges_paid_account_available_funds: n("B2CChargesPaidAccountAvailableFunds"),
            receiver_party_public_name: s("ReceiverPartyPublicName"),
            transaction_completed_date_time: s("TransactionCompletedDateTime"),
            utility_account_available_funds: n("B2CUtilityAccountAvailableFunds"),
            working_account_available_funds: n("B2CWorkingAccountAvailableFunds"),
        }));
    }
    if has("OriginalTransactionID") {
        return Ok(ResultDetails::Reversal(ReversalResult {
            original_transaction_id: s("OriginalTransactionID"),
            amount: n("Amount"),
            debit_account_balance: s("DebitAccountBalance"),
            trans_completed_time: s("TransCompletedTime"),
            charge: n("Charge"),
            credit_party_public_name: s("CreditPartyPublicName"),
            debit_party_public_name: s("DebitPartyPublicName"),
        }));
    }
    if has("TransactionStatus") || has("ReceiptNo") || has("FinalisedTime") || has("DebitPartyName")
    {
        return Ok(ResultDetails::TransactionStatus(StatusResult {
            receipt_no: s("ReceiptNo"),
            transaction_status: s("TransactionStatus"),
            amount: n("Amount"),
            debit_party_name: s("DebitPartyName"),
            credit_party_name: s("CreditPartyName"),
            originator_conversation_id: s("OriginatorConversationID"),
            conversation_id: s("ConversationID"),
            initiated_time: s("InitiatedTime"),
            finalised_time: s("FinalisedTime"),
            debit_account_type: s("DebitAccountType"),
            debit_party_charges: s("DebitPartyCharges"),
            transaction_reason: s("TransactionReason"),
            reason_type: s("ReasonType"),
        }));
    }
    if has("DebitPartyAffectedAccountBalance")
        || has("InitiatorAccountCurrentBalance")
        || has("DebitAccountCurrentBalance")
        || (has("ReceiverPartyPublicName") && has("Amount"))
    {
        return Ok(ResultDetails::B2b(B2bResult {
            amount: n("Amount"),
            debit_account_balance: s("DebitAccountBalance"),
            debit_party_affected_account_balance: s("DebitPartyAffectedAccountBalance"),
            trans_completed_time: s("TransCompletedTime"),
            debit_party_charges: s("DebitPartyCharges"),
            receiver_party_public_name: s("ReceiverPartyPublicName"),
            currency: s("Currency"),
            initiator_account_current_balance: s("InitiatorAccountCurrentBalance"),
            debit_account_current_balance: s("DebitAccountCurrentBalance"),
            bill_reference_number: refs
                .iter()
                .find(|p| p.key == "BillReferenceNumber")
                .and_then(|p| p.value.as_ref())
                .and_then(as_code),
        }));
    }
    Ok(ResultDetails::Unknown)
}

/// Parses `Name|Currency|a|b|c|d&Name|...` into accounts.
fn parse_account_balance(text: &str) -> Result<Vec<BalanceAccount>> {
    text.split('&')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| {
            let parts: Vec<&str> = entry.split('|').map(str::trim).collect();
            if parts.len() < 3 {
                return Err(bad(format!(
                    "`AccountBalance` entry {entry:?} is malformed"
                )));
            }
            let amount = |i: usize| -> Result<f64> {
                match parts.get(i) {
                    None | Some(&"") => Ok(0.0),
                    Some(p) => p
                        .parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .ok_or_else(|| {
                            bad(format!("`AccountBalance` amount {p:?} is not a number"))
                        }),
                }
            };
            Ok(BalanceAccount {
                name: parts[0].to_string(),
                currency: parts[1].to_string(),
                available: amount(2)?,
                uncleared: amount(3)?,
                reserved: amount(4)?,
                fourth: amount(5)?,
            })
        })
        .collect()
}

impl QueueTimeout {
    /// The id redeliveries share: `OriginatorConversationID`, else `ConversationID`.
    pub fn dedup_id(&self) -> Option<String> {
        [&self.originator_conversation_id, &self.conversation_id]
            .into_iter()
            .flatten()
            .find(|id| !id.is_empty())
            .cloned()
    }
}

/// Parses the notice POSTed to a `QueueTimeOutURL`.
pub fn parse_queue_timeout(body: &[u8]) -> Result<QueueTimeout> {
    let map = object(body)?;
    let inner = match map.get("Result") {
        Some(Value::Object(r)) => r.clone(),
        _ => map.clone(),
    };
    let originator = opt_text(&inner, "OriginatorConversationID").filter(|s| !s.is_empty());
    let conversation = opt_text(&inner, "ConversationID").filter(|s| !s.is_empty());
    if originator.is_none() && conversation.is_none() {
        return Err(bad(
            "`OriginatorConversationID` and `ConversationID` are both missing",
        ));
    }
    Ok(QueueTimeout {
        originator_conversation_id: originator,
        conversation_id: conversation,
        result_code: opt_text(&inner, "ResultCode"),
        result_desc: opt_text(&inner, "ResultDesc"),
        raw: Value::Object(map),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stk_success_and_failures() {
        let ok = br#"{"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_191220191020363925","ResultCode":0,"ResultDesc":"The service request is processed successfully.","CallbackMetadata":{"Item":[{"Name":"Amount","Value":1.00},{"Name":"MpesaReceiptNumber","Value":"NLJ7RT61SV"},{"Name":"Balance"},{"Name":"TransactionDate","Value":20191219102115},{"Name":"PhoneNumber","Value":254708374149}]}}}}"#;
        let cb = parse_stk_callback(ok).unwrap();
        assert!(cb.is_success());
        assert_eq!(cb.amount, Some(1.0));
        assert_eq!(cb.mpesa_receipt_number.as_deref(), Some("NLJ7RT61SV"));
        assert_eq!(cb.transaction_date.as_deref(), Some("20191219102115"));
        assert_eq!(cb.phone_number.as_deref(), Some("254708374149"));
        assert_eq!(cb.balance, None);
        assert_eq!(cb.metadata.len(), 5);
        let cancelled = br#"{"Body":{"stkCallback":{"MerchantRequestID":"m","CheckoutRequestID":"ws_CO_1","ResultCode":"1032","ResultDesc":"Request cancelled by user"}}}"#;
        let cb = parse_stk_callback(cancelled).unwrap();
        assert_eq!(cb.outcome, Outcome::CancelledByUser);
        assert_eq!(cb.result_code, "1032");
        let unknown = br#"{"Body":{"stkCallback":{"MerchantRequestID":"m","CheckoutRequestID":"c","ResultCode":4242,"ResultDesc":"?"}}}"#;
        assert_eq!(parse_stk_callback(unknown).unwrap().outcome, Outcome::Other);
        for bad in [
            &b""[..],
            b"\xff\xfe",
            b"null",
            br#"{"Body":{}}"#,
            br#"{"Body":{"stkCallback":{"MerchantRequestID":"m","CheckoutRequestID":"c"}}}"#,
            br#"{"Body":{"stkCallback":{"MerchantRequestID":"m","ResultCode":0}}}"#,
            br#"{"Body":{"stkCallback":{"MerchantRequestID":"m","CheckoutRequestID":"c","ResultCode":0}}}"#,
            br#"{"Body":{"stkCallback":{"MerchantRequestID":"m","CheckoutRequestID":"c","ResultCode":0,"CallbackMetadata":{"Item":[{"Value":1}]}}}}"#,
            br#"{"Body":{"stkCallback":{"MerchantRequestID":"m","CheckoutRequestID":"c","ResultCode":{}}}}"#,
        ] {
            assert_eq!(
                parse_stk_callback(bad).unwrap_err().kind(),
                "invalid_callback",
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn results_of_every_kind() {
        let b2c = br#"{"Result":{"ResultType":0,"ResultCode":0,"ResultDesc":"ok","OriginatorConversationID":"o1","ConversationID":"AG_1","TransactionID":"NLJ41HAY6Q","ResultParameters":{"ResultParameter":[{"Key":"TransactionAmount","Value":10},{"Key":"TransactionReceipt","Value":"NLJ41HAY6Q"},{"Key":"B2CRecipientIsRegisteredCustomer","Value":"Y"},{"Key":"B2CChargesPaidAccountAvailableFunds","Value":-4510.00},{"Key":"ReceiverPartyPublicName","Value":"254708374149 - John Doe"},{"Key":"TransactionCompletedDateTime","Value":"19.12.2019 11:45:50"},{"Key":"B2CUtilityAccountAvailableFunds","Value":10116.00},{"Key":"B2CWorkingAccountAvailableFunds","Value":"900000.00"}]},"ReferenceData":{"ReferenceItem":{"Key":"QueueTimeoutURL","Value":"https://x"}}}}"#;
        let r = parse_result(b2c).unwrap();
        assert!(r.is_success());
        let ResultDetails::B2c(d) = &r.details else {
            panic!("{:?}", r.details)
        };
        assert_eq!(d.transaction_amount, Some(10.0));
        assert_eq!(d.recipient_is_registered_customer, Some(true));
        assert_eq!(d.working_account_available_funds, Some(900000.0));
        assert_eq!(r.reference_data.len(), 1);

        let balance = br#"{"Result":{"ResultType":"0","ResultCode":"0","ResultDesc":"ok","OriginatorConversationID":"o2","ConversationID":"AG_2","TransactionID":"x","ResultParameters":{"ResultParameter":[{"Key":"AccountBalance","Value":"Working Account|KES|700000.00|700000.00|0.00|0.00&Utility Account|KES|228037.00|228037.00|0.00|0.00"},{"Key":"BOCompletedTime","Value":20200109125710}]}}}"#;
        let r = parse_result(balance).unwrap();
        let ResultDetails::AccountBalance(b) = &r.details else {
            panic!()
        };
        assert_eq!(b.accounts.len(), 2);
        assert_eq!(b.account("utility").unwrap().available, 228037.0);
        assert_eq!(b.completed_time.as_deref(), Some("20200109125710"));

        let status = br#"{"Result":{"ResultType":0,"ResultCode":0,"ResultDesc":"ok","OriginatorConversationID":"o3","ConversationID":"AG_3","TransactionID":"T1","ResultParameters":{"ResultParameter":[{"Key":"ReceiptNo","Value":"NEF61H8J60"},{"Key":"TransactionStatus","Value":"Completed"},{"Key":"Amount","Value":300},{"Key":"DebitPartyName","Value":"600310 - Safaricom333"}]}}}"#;
        let ResultDetails::TransactionStatus(s) = parse_result(status).unwrap().details else {
            panic!()
        };
        assert_eq!(s.transaction_status.as_deref(), Some("Completed"));
        assert_eq!(s.amount, Some(300.0));

        let reversal = br#"{"Result":{"ResultType":0,"ResultCode":0,"ResultDesc":"ok","OriginatorConversationID":"o4","ConversationID":"AG_4","TransactionID":"T2","ResultParameters":{"ResultParameter":[{"Key":"OriginalTransactionID","Value":"NLJ41HAY6Q"},{"Key":"Amount","Value":"100.00"},{"Key":"Charge","Value":0}]}}}"#;
        let ResultDetails::Reversal(v) = parse_result(reversal).unwrap().details else {
            panic!()
        };
        assert_eq!(v.amount, Some(100.0));

        let b2b = br#"{"Result":{"ResultType":"0","ResultCode":"0","ResultDesc":"ok","OriginatorConversationID":"o5","ConversationID":"AG_5","TransactionID":"T3","ResultParameters":{"ResultParameter":[{"Key":"DebitAccountBalance","Value":"{Amount={CurrencyCode=KES, MinimumAmount=618683, BasicAmount=6186.83}}"},{"Key":"Amount","Value":"190.00"},{"Key":"DebitPartyAffectedAccountBalance","Value":"Working Account|KES|346131.83|6186.83|340000.00|0.00"},{"Key":"TransCompletedTime","Value":"20221110110717"},{"Key":"DebitPartyCharges","Value":""},{"Key":"ReceiverPartyPublicName","Value":"000000 - Biller Company"},{"Key":"Currency","Value":"KES"}]},"ReferenceData":{"ReferenceItem":[{"Key":"BillReferenceNumber","Value":"19008"},{"Key":"QueueTimeoutURL","Value":"https://x"}]}}}"#;
        let ResultDetails::B2b(b) = parse_result(b2b).unwrap().details else {
            panic!()
        };
        assert_eq!(b.amount, Some(190.0));
        assert_eq!(b.bill_reference_number.as_deref(), Some("19008"));

        let failed = br#"{"Result":{"ResultType":0,"ResultCode":"R000002","ResultDesc":"not found","OriginatorConversationID":"o6","ConversationID":"AG_6","TransactionID":"T4","ResultParameters":{"ResultParameter":{"Key":"BOCompletedTime","Value":20200109125710}}}}"#;
        let r = parse_result(failed).unwrap();
        assert_eq!(r.outcome, Outcome::OriginalTransactionNotFound);
        assert_eq!(r.details, ResultDetails::Unknown);
        assert_eq!(
            r.parameter("BOCompletedTime").as_deref(),
            Some("20200109125710")
        );

        for bad in [
            &b"{}"[..],
            br#"{"Result":{}}"#,
            br#"{"Result":{"ResultCode":0}}"#,
            br#"{"Result":{"ResultCode":0,"ConversationID":"c","ResultParameters":[1]}}"#,
            br#"{"Result":{"ResultCode":0,"ConversationID":"c","ResultParameters":{"ResultParameter":[{"Value":1}]}}}"#,
            br#"{"Result":{"ResultCode":0,"ConversationID":"c","ResultParameters":{"ResultParameter":{"Key":"AccountBalance","Value":"Working|KES|abc"}}}}"#,
            b"[1,2]",
        ] {
            assert_eq!(parse_result(bad).unwrap_err().kind(), "invalid_callback");
        }
    }

    #[test]
    fn queue_timeouts() {
        let q = parse_queue_timeout(br#"{"Result":{"ResultType":1,"ResultCode":"1","ResultDesc":"The service request has timed out.","OriginatorConversationID":"o","ConversationID":"AG_x"}}"#).unwrap();
        assert_eq!(q.originator_conversation_id.as_deref(), Some("o"));
        assert_eq!(q.result_code.as_deref(), Some("1"));
        let q = parse_queue_timeout(br#"{"OriginatorConversationID":"o2"}"#).unwrap();
        assert_eq!(q.conversation_id, None);
        assert!(parse_queue_timeout(br#"{"Result":{}}"#).is_err());
        assert!(parse_queue_timeout(b"x").is_err());
    }
}
