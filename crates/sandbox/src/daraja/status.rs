//! Transaction status: answered on `ResultURL` from the record of completed transactions,
//! whatever became of the transactions' own callbacks.

use serde_json::json;

use super::results::{failure, finish, params, Answer, Outcome, BAD_INITIATOR, DONE};
use super::{conversation_id, invalid, money_number, request_id, Body, Daraja, Result};
use crate::http::Response;
use crate::Shared;

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
                    "b2pochi" => ("Utility Account", "Business Pay to Pochi via API"),
                    "b2b" => ("Working Account", "Business Pay Bill via API"),
                    "tax" => ("Working Account", "Pay Tax to KRA via API"),
                    "reversal" => ("Working Account", "Reversal"),
                    "b2b_express" => ("Merchant Account", "B2B Express Checkout"),
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
    let answer = Answer {
        kind: "status",
        result_url: &result_url,
        originator: &originator,
        conversation: &conversation,
        strings: false,
    };
    Ok(finish(d, shared, None, answer, outcome))
}
