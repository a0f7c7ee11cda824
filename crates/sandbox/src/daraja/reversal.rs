//! Reversal of a completed transaction (not of B2C or B2Pochi payments).

use serde_json::json;

use super::results::{
    account, failure, finish, params, reference_item, Answer, Outcome, Payment, BAD_INITIATOR, DONE,
};
use super::{conversation_id, money_number, receipt, request_id, time, Body, Daraja, Result, Txn};
use crate::http::Response;
use crate::Shared;

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
    let mut credit_party = String::new();
    let outcome = {
        let mut st = d.state.lock().unwrap();
        let original = st.txns.get(&transaction_id).cloned();
        if let Some(t) = &original {
            credit_party = t.debit_party.clone();
        }
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
            Some(t) if t.kind == "b2c" || t.kind == "b2pochi" => {
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
                st.add_txn_by_originator(
                    &r,
                    Txn {
                        kind: "reversal",
                        command: "TransactionReversal".into(),
                        amount_cents: t.amount_cents,
                        debit_party: t.credit_party.clone(),
                        credit_party: t.debit_party.clone(),
                        reference: transaction_id.clone(),
                        originator_id: originator.clone(),
                        conversation_id: conversation.clone(),
                        time: now.compact(),
                        reversed: false,
                        seq: 0,
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
    let payment = Payment {
        kind: "reversal",
        identity: format!("{transaction_id}:{amount}:{originator}"),
        command: "TransactionReversal".into(),
        reference: transaction_id,
        amount_cents: amount * 100,
        debit_party: receiver,
        credit_party,
    };
    let answer = Answer {
        kind: "reversal",
        result_url: &result_url,
        originator: &originator,
        conversation: &conversation,
        strings: false,
    };
    Ok(finish(d, shared, Some(payment), answer, outcome))
}
