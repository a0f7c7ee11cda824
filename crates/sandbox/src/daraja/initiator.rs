//! Requests that need an initiator and answer on `ResultURL`: B2C, B2B, transaction status,
//! account balance and reversal.

use std::sync::atomic::Ordering;

use serde_json::{json, Value};

use super::{
    conversation_id, error, invalid, money, money_number, receipt, request_id, time, Body, Daraja,
    Result, State, Txn, B2C_PHONE_NOT_REGISTERED,
};
use crate::http::Response;
use crate::Shared;

const QUEUE_TIMEOUT_REFERENCE: &str =
    "http://internalsandbox.safaricom.co.ke/mpesa/b2cresults/v1/submit";
const DONE: &str = "The service request is processed successfully.";
const BAD_INITIATOR: &str = "The initiator information is invalid.";
const INSUFFICIENT: &str = "The balance is insufficient for the transaction.";

/// A result code as Daraja writes it: a number when numeric, unless the API's samples use
/// strings (`as_string`); alphanumeric codes are always strings.
fn code(c: &str, as_string: bool) -> Value {
    match c.parse::<i64>() {
        Ok(n) if !as_string => Value::from(n),
        _ => Value::String(c.to_string()),
    }
}

fn reference_item() -> Value {
    json!({"ReferenceItem": {"Key": "QueueTimeoutURL", "Value": QUEUE_TIMEOUT_REFERENCE}})
}

fn params(items: &[(&str, Value)]) -> Value {
    let list: Vec<Value> = items
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    json!({"ResultParameter": list})
}

/// The fields every `Result` callback has.
struct Outcome {
    code: &'static str,
    desc: &'static str,
    transaction_id: String,
    parameters: Option<Value>,
    reference: Value,
}

/// Builds and schedules the `Result` callback, records the request and answers it.
#[allow(clippy::too_many_arguments)]
fn finish(
    d: &Daraja,
    shared: &Shared,
    operation: Option<(&'static str, String)>,
    result_url: &str,
    originator: &str,
    conversation: &str,
    outcome: Outcome,
    strings: bool,
) -> Response {
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
    if let Some((op, identity)) = operation {
        shared.record_payment("daraja", op, identity);
    }
    d.send_later(shared, result_url, json!({"Result": result}));
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

fn failure(c: &'static str, desc: &'static str, parameters: Option<Value>) -> Outcome {
    Outcome {
        code: c,
        desc,
        transaction_id: receipt(),
        parameters,
        reference: reference_item(),
    }
}

fn bo_completed() -> Value {
    json!({"ResultParameter": {"Key": "BOCompletedTime", "Value": time::eat_now().compact_number()}})
}

fn account(name: &str, cents: i64) -> String {
    let m = money(cents);
    format!("{name}|KES|{m}|{m}|0.00|0.00")
}

/// `{Amount={CurrencyCode=KES, MinimumAmount=618683, BasicAmount=6186.83}}`.
fn basic_amount(cents: i64) -> String {
    format!(
        "{{Amount={{CurrencyCode=KES, MinimumAmount={cents}, BasicAmount={}}}}}",
        money(cents)
    )
}

fn record_txn(st: &mut State, receipt: &str, txn: Txn) {
    st.by_originator
        .insert(txn.originator_id.clone(), receipt.to_string());
    st.txns.insert(receipt.to_string(), txn);
}

/// `POST /mpesa/b2c/v3/paymentrequest` (version 3) and `/mpesa/b2c/v1/paymentrequest`.
pub(super) fn b2c(d: &Daraja, shared: &Shared, b: &Body, version: u8) -> Result<Response> {
    let given_originator = if version == 3 {
        Some(b.string_len("OriginatorConversationID", 1, 100)?)
    } else {
        None
    };
    let name = b.string("InitiatorName")?;
    let credential = b.string("SecurityCredential")?;
    b.one_of(
        "CommandID",
        &["SalaryPayment", "BusinessPayment", "PromotionPayment"],
    )?;
    let amount = b.amount("Amount", 10, 250_000, true)?;
    let party_a = b.digits("PartyA", 5, 7)?;
    let party_b = b.phone("PartyB")?;
    b.string_len("Remarks", 2, 100)?;
    b.url("QueueTimeOutURL")?;
    let result_url = b.url("ResultURL")?;
    b.opt_string_len("Occassion", 1, 100)?;

    let originator = match given_originator {
        Some(o) => {
            if !d.state.lock().unwrap().originator_ids.insert(o.clone()) {
                return Err(error(
                    500,
                    "500.002.1001",
                    "Duplicate OriginatorConversationID",
                ));
            }
            o
        }
        None => request_id(),
    };
    let credential_ok = d.initiator_ok(&name, &credential);
    let conversation = conversation_id();
    let cents = amount * 100;
    let outcome = {
        let mut st = d.state.lock().unwrap();
        if !credential_ok {
            failure("2001", BAD_INITIATOR, None)
        } else if party_a != d.settings.b2c_shortcode {
            failure(
                "2028",
                "The request is not permitted according to product assignment.",
                None,
            )
        } else if party_b == B2C_PHONE_NOT_REGISTERED {
            failure(
                "2040",
                "Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.",
                None,
            )
        } else if st.utility_cents < cents {
            failure("1", INSUFFICIENT, None)
        } else {
            st.utility_cents -= cents;
            let r = receipt();
            let now = time::eat_now();
            record_txn(
                &mut st,
                &r,
                Txn {
                    kind: "b2c",
                    amount_cents: cents,
                    debit_party: party_a.clone(),
                    credit_party: party_b.clone(),
                    originator_id: originator.clone(),
                    conversation_id: conversation.clone(),
                    time: now.compact(),
                    reversed: false,
                },
            );
            Outcome {
                code: "0",
                desc: DONE,
                transaction_id: r.clone(),
                parameters: Some(params(&[
                    ("TransactionAmount", json!(amount)),
                    ("TransactionReceipt", json!(r)),
                    ("B2CRecipientIsRegisteredCustomer", json!("Y")),
                    ("B2CChargesPaidAccountAvailableFunds", json!(0.0)),
                    (
                        "ReceiverPartyPublicName",
                        json!(format!("{party_b} - John Doe")),
                    ),
                    ("TransactionCompletedDateTime", json!(now.dotted())),
                    (
                        "B2CUtilityAccountAvailableFunds",
                        money_number(st.utility_cents),
                    ),
                    (
                        "B2CWorkingAccountAvailableFunds",
                        money_number(st.working_cents),
                    ),
                ])),
                reference: reference_item(),
            }
        }
    };
    let identity = if version == 3 {
        originator.clone()
    } else {
        format!("{party_b}:{amount}:{originator}")
    };
    Ok(finish(
        d,
        shared,
        Some(("b2c", identity)),
        &result_url,
        &originator,
        &conversation,
        outcome,
        false,
    ))
}

/// `POST /mpesa/b2b/v1/paymentrequest` (`BusinessPayBill`, `BusinessBuyGoods`, and the
/// B2C account top-up `BusinessPayToBulk`).
pub(super) fn b2b(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let name = b.string("Initiator")?;
    let credential = b.string("SecurityCredential")?;
    let command = b.one_of(
        "CommandID",
        &["BusinessPayBill", "BusinessBuyGoods", "BusinessPayToBulk"],
    )?;
    b.code_of("SenderIdentifierType", &["4"])?;
    b.code_of("RecieverIdentifierType", &["4"])?;
    let amount = b.amount("Amount", 1, 999_999_999, true)?;
    b.digits("PartyA", 5, 7)?;
    let party_b = b.digits("PartyB", 5, 7)?;
    let account_ref = if command == "BusinessBuyGoods" {
        b.opt_string_len("AccountReference", 0, 13)?
            .unwrap_or_default()
    } else {
        b.string_len("AccountReference", 1, 13)?
    };
    if b.get("Requester").is_some() {
        b.phone("Requester")?;
    }
    b.string_len("Remarks", 1, 100)?;
    b.url("QueueTimeOutURL")?;
    let result_url = b.url("ResultURL")?;
    b.opt_string_len("Occassion", 1, 100)?;

    let originator = request_id();
    let conversation = conversation_id();
    let credential_ok = d.initiator_ok(&name, &credential);
    let cents = amount * 100;
    let outcome = {
        let mut st = d.state.lock().unwrap();
        if !credential_ok {
            failure("2001", BAD_INITIATOR, Some(bo_completed()))
        } else if st.working_cents < cents {
            failure("1", INSUFFICIENT, Some(bo_completed()))
        } else {
            st.working_cents -= cents;
            if command == "BusinessPayToBulk" && party_b == d.settings.b2c_shortcode {
                st.utility_cents += cents;
            }
            let r = receipt();
            let now = time::eat_now();
            record_txn(
                &mut st,
                &r,
                Txn {
                    kind: "b2b",
                    amount_cents: cents,
                    debit_party: d.settings.shortcode.clone(),
                    credit_party: party_b.clone(),
                    originator_id: originator.clone(),
                    conversation_id: conversation.clone(),
                    time: now.compact(),
                    reversed: false,
                },
            );
            let working = account("Working Account", st.working_cents);
            Outcome {
                code: "0",
                desc: DONE,
                transaction_id: r,
                parameters: Some(params(&[
                    ("DebitAccountBalance", json!(working)),
                    ("Amount", json!(money(cents))),
                    ("DebitPartyAffectedAccountBalance", json!(working)),
                    ("TransCompletedTime", json!(now.compact_number())),
                    ("DebitPartyCharges", json!("")),
                    (
                        "ReceiverPartyPublicName",
                        json!(format!("{party_b} - Sandbox Merchant")),
                    ),
                    ("Currency", json!("KES")),
                    (
                        "InitiatorAccountCurrentBalance",
                        json!(basic_amount(st.working_cents)),
                    ),
                    (
                        "DebitAccountCurrentBalance",
                        json!(basic_amount(st.working_cents)),
                    ),
                ])),
                reference: json!({"ReferenceItem": [
                    {"Key": "BillReferenceNumber", "Value": account_ref},
                    {"Key": "QueueTimeoutURL", "Value": QUEUE_TIMEOUT_REFERENCE},
                ]}),
            }
        }
    };
    let identity = format!("{party_b}:{amount}:{account_ref}:{originator}");
    Ok(finish(
        d,
        shared,
        Some(("b2b", identity)),
        &result_url,
        &originator,
        &conversation,
        outcome,
        true,
    ))
}

/// `POST /mpesa/transactionstatus/v1/query`.
pub(super) fn status(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let name = b.string("Initiator")?;
    let credential = b.string("SecurityCredential")?;
    b.one_of("CommandID", &["TransactionStatusQuery"])?;
    let transaction_id = b.opt_string_len("TransactionID", 0, 100)?;
    let original = b.opt_string_len("OriginalConversationID", 0, 100)?;
    let transaction_id = transaction_id.filter(|s| !s.trim().is_empty());
    let original = original.filter(|s| !s.trim().is_empty());
    if transaction_id.is_none() && original.is_none() {
        return Err(invalid("TransactionID"));
    }
    let identifier = b.code_of("IdentifierType", &["1", "2", "4"])?;
    if identifier == "1" {
        b.phone("PartyA")?;
    } else {
        b.digits("PartyA", 5, 7)?;
    }
    let result_url = b.url("ResultURL")?;
    b.url("QueueTimeOutURL")?;
    b.string_len("Remarks", 1, 100)?;
    b.opt_string_len("Occasion", 0, 100)?;

    let originator = request_id();
    let conversation = conversation_id();
    let credential_ok = d.initiator_ok(&name, &credential);
    let outcome = {
        let st = d.state.lock().unwrap();
        let found = transaction_id
            .as_ref()
            .and_then(|t| st.txns.get_key_value(t))
            .or_else(|| {
                let r = st.by_originator.get(original.as_ref()?)?;
                st.txns.get_key_value(r)
            });
        match found {
            _ if !credential_ok => failure("2001", BAD_INITIATOR, None),
            // The portal documents no "not found" code for status; R000002 is the
            // reversal's. 25 is the table's "invalid request parameters" (daraja.md).
            None => failure(
                "25",
                "Invalid request parameters: no transaction matches the TransactionID or OriginalConversationID.",
                None,
            ),
            Some((r, t)) => {
                let at: u64 = t.time.parse().unwrap_or(0);
                let (account_type, reason) = match t.kind {
                    "b2c" => ("Utility Account", "Business Payment to Individual via API"),
                    "b2b" => ("Working Account", "Business Pay Bill via API"),
                    "reversal" => ("Working Account", "Reversal"),
                    "stk" => ("Customer", "Pay Bill Online"),
                    _ => ("Customer", "Pay Bill"),
                };
                Outcome {
                    code: "0",
                    desc: DONE,
                    transaction_id: r.clone(),
                    parameters: Some(params(&[
                        (
                            "DebitPartyName",
                            json!(format!("{} - John Doe", t.debit_party)),
                        ),
                        (
                            "CreditPartyName",
                            json!(format!("{} - Sandbox Merchant", t.credit_party)),
                        ),
                        ("OriginatorConversationID", json!(t.originator_id)),
                        ("InitiatedTime", json!(at)),
                        ("DebitAccountType", json!(account_type)),
                        ("DebitPartyCharges", json!("")),
                        ("TransactionReason", json!("")),
                        ("ReasonType", json!(reason)),
                        ("TransactionStatus", json!("Completed")),
                        ("FinalisedTime", json!(at)),
                        ("Amount", money_number(t.amount_cents)),
                        ("ConversationID", json!(t.conversation_id)),
                        ("ReceiptNo", json!(r)),
                    ])),
                    reference: json!({"ReferenceItem": {"Key": "Occasion"}}),
                }
            }
        }
    };
    Ok(finish(
        d,
        shared,
        None,
        &result_url,
        &originator,
        &conversation,
        outcome,
        false,
    ))
}

/// `POST /mpesa/accountbalance/v1/query`.
pub(super) fn balance(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let name = b.string("Initiator")?;
    let credential = b.string("SecurityCredential")?;
    b.one_of("CommandID", &["AccountBalance"])?;
    b.digits("PartyA", 5, 7)?;
    b.code_of("IdentifierType", &["4"])?;
    b.string_len("Remarks", 1, 100)?;
    b.url("QueueTimeOutURL")?;
    let result_url = b.url("ResultURL")?;

    let originator = request_id();
    let conversation = conversation_id();
    let outcome = if !d.initiator_ok(&name, &credential) {
        failure("2001", BAD_INITIATOR, Some(bo_completed()))
    } else {
        let st = d.state.lock().unwrap();
        let balance = [
            account("Working Account", st.working_cents),
            account("Float Account", 0),
            account("Utility Account", st.utility_cents),
            account("Charges Paid Account", 0),
            account("Organization Settlement Account", 0),
        ]
        .join("&");
        Outcome {
            code: "0",
            desc: DONE,
            transaction_id: receipt(),
            parameters: Some(params(&[
                ("AccountBalance", json!(balance)),
                ("BOCompletedTime", json!(time::eat_now().compact_number())),
            ])),
            reference: reference_item(),
        }
    };
    Ok(finish(
        d,
        shared,
        None,
        &result_url,
        &originator,
        &conversation,
        outcome,
        true,
    ))
}

/// `POST /mpesa/reversal/v1/request`.
pub(super) fn reversal(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let name = b.string("Initiator")?;
    let credential = b.string("SecurityCredential")?;
    b.one_of("CommandID", &["TransactionReversal"])?;
    let transaction_id = b.string_len("TransactionID", 1, 100)?;
    let amount = b.amount("Amount", 1, 999_999_999, true)?;
    let receiver = b.digits("ReceiverParty", 5, 7)?;
    b.code_of("RecieverIdentifierType", &["11"])?;
    let result_url = b.url("ResultURL")?;
    b.url("QueueTimeOutURL")?;
    b.string_len("Remarks", 2, 100)?;

    let originator = request_id();
    let conversation = conversation_id();
    let credential_ok = d.initiator_ok(&name, &credential);
    let outcome = {
        let mut st = d.state.lock().unwrap();
        let original = st.txns.get(&transaction_id).cloned();
        match original {
            _ if !credential_ok => failure("2001", BAD_INITIATOR, None),
            None => failure("R000002", "The OriginalTransactionID is invalid.", None),
            Some(t) if t.reversed => failure(
                "R000001",
                "The transaction has already been reversed.",
                None,
            ),
            // daraja.md: "B2C payments cannot be reversed through the API". Refused with
            // the reversal's own code for an OriginalTransactionID it cannot act on;
            // nothing moves and the payment stays unreversed.
            Some(t) if t.kind == "b2c" => {
                failure("R000002", "The OriginalTransactionID is invalid.", None)
            }
            Some(t) => {
                st.working_cents -= t.amount_cents;
                let (account_name, balance) = ("Working Account", st.working_cents);
                if let Some(orig) = st.txns.get_mut(&transaction_id) {
                    orig.reversed = true;
                }
                let r = receipt();
                let now = time::eat_now();
                record_txn(
                    &mut st,
                    &r,
                    Txn {
                        kind: "reversal",
                        amount_cents: t.amount_cents,
                        debit_party: t.credit_party.clone(),
                        credit_party: t.debit_party.clone(),
                        originator_id: originator.clone(),
                        conversation_id: conversation.clone(),
                        time: now.compact(),
                        reversed: false,
                    },
                );
                Outcome {
                    code: "0",
                    desc: DONE,
                    transaction_id: r,
                    parameters: Some(params(&[
                        ("DebitAccountBalance", json!(account(account_name, balance))),
                        ("Amount", money_number(t.amount_cents)),
                        ("TransCompletedTime", json!(now.compact_number())),
                        ("OriginalTransactionID", json!(transaction_id)),
                        ("Charge", json!(0.0)),
                        (
                            "CreditPartyPublicName",
                            json!(format!("{} - John Doe", t.debit_party)),
                        ),
                        (
                            "DebitPartyPublicName",
                            json!(format!("{receiver} - Sandbox Merchant")),
                        ),
                    ])),
                    reference: reference_item(),
                }
            }
        }
    };
    let identity = format!("{transaction_id}:{amount}:{originator}");
    Ok(finish(
        d,
        shared,
        Some(("reversal", identity)),
        &result_url,
        &originator,
        &conversation,
        outcome,
        false,
    ))
}
