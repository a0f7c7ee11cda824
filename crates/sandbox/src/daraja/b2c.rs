//! Paying customers from the Utility account: B2C (v3 and legacy v1) and Business to Pochi
//! (same fields as B2C v3, `CommandID` `BusinessPayToPochi`; answer, result keys and codes
//! as B2C).

use serde_json::json;

use super::results::{
    failure, finish, params, reference_item, Answer, Outcome, Payment, BAD_INITIATOR, DONE,
    INSUFFICIENT,
};
use super::{
    conversation_id, error, money_number, receipt, request_id, time, Body, Daraja, Result, Txn,
    B2C_PHONE_NOT_REGISTERED,
};
use crate::http::Response;
use crate::Shared;

/// One of the two customer-payment APIs.
struct Product {
    /// The ledger and callback kind, `b2c` or `b2pochi`.
    kind: &'static str,
    /// 3 (B2C v3, Pochi: the caller picks `OriginatorConversationID`) or 1 (legacy B2C).
    version: u8,
    commands: &'static [&'static str],
}

/// `POST /mpesa/b2c/v3/paymentrequest` (version 3) and `/mpesa/b2c/v1/paymentrequest`.
pub(super) fn b2c(d: &Daraja, shared: &Shared, b: &Body, version: u8) -> Result<Response> {
    let product = Product {
        kind: "b2c",
        version,
        commands: &["SalaryPayment", "BusinessPayment", "PromotionPayment"],
    };
    pay(d, shared, b, product)
}

/// `POST /mpesa/b2pochi/v1/paymentrequest`.
pub(super) fn pochi(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let product = Product {
        kind: "b2pochi",
        version: 3,
        commands: &["BusinessPayToPochi"],
    };
    pay(d, shared, b, product)
}

fn pay(d: &Daraja, shared: &Shared, b: &Body, product: Product) -> Result<Response> {
    let version = product.version;
    let given_originator = if version == 3 {
        Some(b.string_len("OriginatorConversationID", 1, 100)?)
    } else {
        None
    };
    let name = b.string("InitiatorName")?;
    let credential = b.string("SecurityCredential")?;
    let command = b.one_of("CommandID", product.commands)?;
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
            st.add_txn_by_originator(
                &r,
                Txn {
                    kind: product.kind,
                    command: command.clone(),
                    amount_cents: cents,
                    debit_party: party_a.clone(),
                    credit_party: party_b.clone(),
                    reference: originator.clone(),
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
    let payment = Payment {
        kind: product.kind,
        identity,
        command,
        reference: originator.clone(),
        amount_cents: cents,
        debit_party: party_a,
        credit_party: party_b,
    };
    let answer = Answer {
        kind: product.kind,
        result_url: &result_url,
        originator: &originator,
        conversation: &conversation,
        strings: false,
    };
    Ok(finish(d, shared, Some(payment), answer, outcome))
}
