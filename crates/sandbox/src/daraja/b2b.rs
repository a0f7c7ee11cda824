//! Paying businesses from the Working account: B2B pay bill / buy goods, the B2C account
//! top-ups (`BusinessPayToBulk`, `BusinessTransferFromMMFToUtility`) on the same path, and
//! tax remittance to KRA (`/mpesa/b2b/v1/remittax`). Answer and result as B2B for all.

use serde_json::json;

use super::results::{
    account, basic_amount, bo_completed, failure, finish, params, Answer, Outcome, Payment,
    BAD_INITIATOR, DONE, INSUFFICIENT, QUEUE_TIMEOUT_REFERENCE,
};
use super::{
    conversation_id, invalid, money, receipt, request_id, time, Body, Daraja, Result, Txn,
    KRA_SHORTCODE,
};
use crate::http::Response;
use crate::Shared;

/// `POST /mpesa/b2b/v1/paymentrequest` (`BusinessPayBill`, `BusinessBuyGoods`, and the
/// B2C account top-ups `BusinessPayToBulk` and `BusinessTransferFromMMFToUtility`).
pub(super) fn b2b(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let name = b.string("Initiator")?;
    let credential = b.string("SecurityCredential")?;
    let command = b.one_of(
        "CommandID",
        &[
            "BusinessPayBill",
            "BusinessBuyGoods",
            "BusinessPayToBulk",
            "BusinessTransferFromMMFToUtility",
        ],
    )?;
    b.code_of("SenderIdentifierType", &["4"])?;
    b.code_of("RecieverIdentifierType", &["4"])?;
    let amount = b.amount("Amount", 1, 999_999_999, true)?;
    let party_a = b.digits("PartyA", 5, 7)?;
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

    // A top-up to the B2C shortcode, or from the Working to the Utility account of the
    // same organisation, lands in the Utility account.
    let to_utility = (command == "BusinessPayToBulk" && party_b == d.settings.b2c_shortcode)
        || command == "BusinessTransferFromMMFToUtility";
    let order = Order {
        kind: "b2b",
        command,
        amount,
        party_a,
        party_b,
        account_ref,
        to_utility,
        receiver_name: "Sandbox Merchant",
        result_url,
    };
    Ok(pay(d, shared, order, &name, &credential))
}

/// `POST /mpesa/b2b/v1/remittax` (`PayTaxToKRA`; `PartyB` only 572572; `AccountReference`
/// the payment registration number, PRN).
pub(super) fn tax(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let name = b.string("Initiator")?;
    let credential = b.string("SecurityCredential")?;
    let command = b.one_of("CommandID", &["PayTaxToKRA"])?;
    b.code_of("SenderIdentifierType", &["4"])?;
    b.code_of("RecieverIdentifierType", &["4"])?;
    let amount = b.amount("Amount", 1, 999_999_999, true)?;
    let party_a = b.digits("PartyA", 5, 7)?;
    let party_b = b.digits("PartyB", 5, 7)?;
    if party_b != KRA_SHORTCODE {
        return Err(invalid("PartyB"));
    }
    let prn = b.string_len("AccountReference", 1, 20)?;
    b.string_len("Remarks", 1, 100)?;
    b.url("QueueTimeOutURL")?;
    let result_url = b.url("ResultURL")?;

    let order = Order {
        kind: "tax",
        command,
        amount,
        party_a,
        party_b,
        account_ref: prn,
        to_utility: false,
        receiver_name: "Kenya Revenue Authority",
        result_url,
    };
    Ok(pay(d, shared, order, &name, &credential))
}

/// A checked B2B-shaped request.
struct Order {
    kind: &'static str,
    command: String,
    amount: i64,
    party_a: String,
    party_b: String,
    account_ref: String,
    to_utility: bool,
    receiver_name: &'static str,
    result_url: String,
}

fn pay(d: &Daraja, shared: &Shared, o: Order, name: &str, credential: &str) -> Response {
    let originator = request_id();
    let conversation = conversation_id();
    let credential_ok = d.initiator_ok(name, credential);
    let cents = o.amount * 100;
    let outcome = {
        let mut st = d.state.lock().unwrap();
        if !credential_ok {
            failure("2001", BAD_INITIATOR, Some(bo_completed()))
        } else if st.working_cents < cents {
            failure("1", INSUFFICIENT, Some(bo_completed()))
        } else {
            st.working_cents -= cents;
            if o.to_utility {
                st.utility_cents += cents;
            }
            let r = receipt();
            let now = time::eat_now();
            st.add_txn_by_originator(
                &r,
                Txn {
                    kind: o.kind,
                    command: o.command.clone(),
                    amount_cents: cents,
                    debit_party: d.settings.shortcode.clone(),
                    credit_party: o.party_b.clone(),
                    reference: o.account_ref.clone(),
                    originator_id: originator.clone(),
                    conversation_id: conversation.clone(),
                    time: now.compact(),
                    reversed: false,
                    seq: 0,
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
                        json!(format!("{} - {}", o.party_b, o.receiver_name)),
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
                    {"Key": "BillReferenceNumber", "Value": o.account_ref},
                    {"Key": "QueueTimeoutURL", "Value": QUEUE_TIMEOUT_REFERENCE},
                ]}),
            }
        }
    };
    let payment = Payment {
        kind: o.kind,
        identity: format!("{}:{}:{}:{originator}", o.party_b, o.amount, o.account_ref),
        command: o.command,
        reference: o.account_ref,
        amount_cents: cents,
        debit_party: o.party_a,
        credit_party: o.party_b,
    };
    let answer = Answer {
        kind: o.kind,
        result_url: &o.result_url,
        originator: &originator,
        conversation: &conversation,
        strings: true,
    };
    finish(d, shared, Some(payment), answer, outcome)
}
