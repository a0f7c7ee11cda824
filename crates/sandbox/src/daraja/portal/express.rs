//! B2B Express Checkout: `POST /v1/ussdpush/get-msisdn` (no `/mpesa` prefix). A vendor
//! prompts a merchant's operator to pay from the merchant's till (`primaryShortCode`) into
//! the vendor's paybill (`receiverShortCode`); the sandbox's organisation is the vendor, so
//! a payment lands in its Working account.

use serde_json::{json, Value};

use crate::daraja::ledger::LedgerRecord;
use crate::daraja::{
    conversation_id, error, invalid, receipt, time, Body, Daraja, Result, Txn,
    B2B_EXPRESS_TILL_CANCELLED,
};
use crate::http::Response;
use crate::Shared;

/// `RequestRefID`, or the `RequestRefId` spelling of one portal table.
fn request_ref_id(b: &Body) -> Result<String> {
    let field = if b.get("RequestRefID").is_some() || b.get("RequestRefId").is_none() {
        "RequestRefID"
    } else {
        "RequestRefId"
    };
    match b.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= 100 => Ok(s.clone()),
        _ => Err(invalid("RequestRefID")),
    }
}

/// `POST /v1/ussdpush/get-msisdn`.
pub(crate) fn push(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let primary = b.digits("primaryShortCode", 5, 7)?;
    let receiver = b.digits("receiverShortCode", 5, 7)?;
    let amount = b.amount("amount", 1, 999_999_999, true)?;
    let payment_ref = b.string_len("paymentRef", 1, 100)?;
    let callback_url = b.url("callbackUrl")?;
    b.string_len("partnerName", 1, 100)?;
    let request_ref = request_ref_id(b)?;

    let cents = amount * 100;
    let conversation = conversation_id();
    let now = time::eat_now();
    let cancelled = primary == B2B_EXPRESS_TILL_CANCELLED;
    let (callback, ledger_index) = {
        let mut st = d.state.lock().unwrap();
        // daraja.md: `RequestRefID` is "unique per request"; a repeat is refused before
        // anything happens, like B2C's repeated OriginatorConversationID.
        if !st.express_refs.insert(request_ref.clone()) {
            return Err(error(500, "500.002.1001", "Duplicate RequestRefID"));
        }
        let amount_text = format!("{amount}.0");
        let (callback, record) = if cancelled {
            let desc = "User cancelled transaction";
            let callback = json!({
                "resultCode": "4001",
                "resultDesc": desc,
                "requestId": request_ref,
                "amount": amount_text,
                "paymentReference": payment_ref,
            });
            let record = LedgerRecord::decided(
                "b2b_express",
                "B2BExpressCheckout",
                &request_ref,
                &conversation,
                &payment_ref,
                cents,
                (&primary, &receiver),
                "4001",
                desc,
                None,
            );
            (callback, record)
        } else {
            let desc = "The service request is processed successfully.";
            let r = receipt();
            st.working_cents += cents;
            st.add_txn_by_originator(
                &r,
                Txn {
                    kind: "b2b_express",
                    command: "B2BExpressCheckout".into(),
                    amount_cents: cents,
                    debit_party: primary.clone(),
                    credit_party: receiver.clone(),
                    reference: payment_ref.clone(),
                    originator_id: request_ref.clone(),
                    conversation_id: conversation.clone(),
                    time: now.compact(),
                    reversed: false,
                    seq: 0,
                },
            );
            let callback = json!({
                "resultCode": "0",
                "resultDesc": desc,
                "amount": amount_text,
                "requestId": request_ref,
                "resultType": "0",
                "conversationID": conversation,
                "transactionId": r,
                "status": "SUCCESS",
            });
            let record = LedgerRecord::decided(
                "b2b_express",
                "B2BExpressCheckout",
                &request_ref,
                &conversation,
                &payment_ref,
                cents,
                (&primary, &receiver),
                "0",
                desc,
                Some(r),
            );
            (callback, record)
        };
        let mut record = record;
        record.final_at += d.settings.callback_delay;
        (callback, st.add_ledger(record))
    };
    shared.record_payment(
        "daraja",
        "b2b_express",
        format!("{receiver}:{amount}:{payment_ref}:{request_ref}"),
    );
    let fate = d.notify(shared, "b2b_express", &callback_url, callback);
    d.state.lock().unwrap().ledger[ledger_index].callback = fate;
    Ok(Response::json(
        200,
        &json!({"code": "0", "status": "USSD Initiated Successfully"}),
    ))
}
