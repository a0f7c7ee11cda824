//! M-Pesa Express: STK push and STK query.

use std::sync::atomic::Ordering;
use std::time::Instant;

use base64::Engine as _;
use serde_json::{json, Value};

use super::ledger::LedgerRecord;
use super::{
    error, invalid, receipt, request_id, time, Body, Daraja, Result, StkRecord, Txn,
    STK_PHONE_CANCELLED, STK_PHONE_INSUFFICIENT, STK_PHONE_TIMEOUT, STK_PHONE_WRONG_PIN,
};
use crate::http::Response;
use crate::Shared;

const ACCEPTED: &str = "Success. Request accepted for processing";

/// The result an STK push to `phone` ends with.
fn outcome(phone: &str) -> (i64, &'static str) {
    match phone {
        STK_PHONE_CANCELLED => (1032, "Request cancelled by user"),
        STK_PHONE_TIMEOUT => (1037, "DS timeout user cannot be reached"),
        STK_PHONE_INSUFFICIENT => (1, "The balance is insufficient for the transaction"),
        STK_PHONE_WRONG_PIN => (2001, "The initiator information is invalid."),
        _ => (0, "The service request is processed successfully."),
    }
}

/// `POST /mpesa/stkpush/v1/processrequest`.
pub(super) fn push(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let s = &d.settings;
    let shortcode = b.digits("BusinessShortCode", 5, 7)?;
    b.string("Password")?;
    let ts = check_timestamp(d, b)?;
    let kind = b.one_of(
        "TransactionType",
        &["CustomerPayBillOnline", "CustomerBuyGoodsOnline"],
    )?;
    let amount = b.amount("Amount", 1, 250_000, false)?;
    let party_a = b.phone("PartyA")?;
    let party_b = b.digits("PartyB", 5, 7)?;
    let phone = b.phone("PhoneNumber")?;
    // daraja.md: PhoneNumber is the "phone to prompt (same as PartyA)".
    if phone != party_a {
        return Err(invalid("PhoneNumber"));
    }
    // daraja.md: CallBackURL is an "https URL"; http only for loopback hosts (local tests).
    let callback_url = b.https_url("CallBackURL")?;
    let account_ref = b.string_len("AccountReference", 1, 12)?;
    b.opt_string_len("TransactionDesc", 0, 13)?;
    check_stk_password(d, b, &shortcode, &ts)?;

    let product_ok = if kind == "CustomerPayBillOnline" {
        party_b == shortcode
    } else {
        party_b == s.till_number
    };
    let (code, desc) = if product_ok {
        outcome(&phone)
    } else {
        (
            2028,
            "The request is not permitted according to product assignment",
        )
    };

    let now = time::eat_now();
    let checkout_id = format!(
        "ws_CO_{}{:06}",
        now.checkout_stamp(),
        d.next_seq() % 1_000_000
    );
    let merchant_id = request_id();
    let paid_receipt = (code == 0).then(receipt);
    let ledger_index;
    let ready_at = Instant::now() + s.callback_delay;
    {
        let mut st = d.state.lock().unwrap();
        if s.lock_subscriber {
            let busy = st
                .stk
                .values()
                .any(|r| r.phone == phone && Instant::now() < r.ready_at);
            if busy {
                return Err(error(
                    500,
                    "500.001.1001",
                    "Unable to lock subscriber, a transaction is already in process for the current subscriber",
                ));
            }
        }
        st.stk.insert(
            checkout_id.clone(),
            StkRecord {
                merchant_request_id: merchant_id.clone(),
                phone: phone.clone(),
                ready_at,
                result_code: code,
                result_desc: desc.to_string(),
                receipt: paid_receipt.clone(),
            },
        );
        if let Some(r) = &paid_receipt {
            st.working_cents += amount * 100;
            st.add_txn(
                r,
                Txn {
                    kind: "stk",
                    command: kind.clone(),
                    amount_cents: amount * 100,
                    debit_party: party_a.clone(),
                    credit_party: party_b.clone(),
                    reference: account_ref.clone(),
                    originator_id: merchant_id.clone(),
                    conversation_id: checkout_id.clone(),
                    time: now.compact(),
                    reversed: false,
                    seq: 0,
                },
            );
        }
        let mut record = LedgerRecord::decided(
            "stk",
            &kind,
            &checkout_id,
            &merchant_id,
            &account_ref,
            amount * 100,
            (&party_a, &party_b),
            &code.to_string(),
            desc,
            paid_receipt.clone(),
        );
        record.final_at = ready_at;
        ledger_index = st.add_ledger(record);
    }
    d.stats.stk_pushes.fetch_add(1, Ordering::SeqCst);
    shared.record_payment(
        "daraja",
        "stk_push",
        format!("{phone}:{amount}:{account_ref}:{checkout_id}"),
    );

    let mut callback = json!({
        "MerchantRequestID": merchant_id,
        "CheckoutRequestID": checkout_id,
        "ResultCode": code,
        "ResultDesc": desc,
    });
    if let Some(r) = &paid_receipt {
        let phone_number: u64 = phone.parse().unwrap_or(0);
        callback["CallbackMetadata"] = json!({"Item": [
            {"Name": "Amount", "Value": amount as f64},
            {"Name": "MpesaReceiptNumber", "Value": r},
            {"Name": "Balance"},
            {"Name": "TransactionDate", "Value": now.compact_number()},
            {"Name": "PhoneNumber", "Value": phone_number},
        ]});
    }
    let fate = d.notify(
        shared,
        "stk",
        &callback_url,
        json!({"Body": {"stkCallback": callback}}),
    );
    d.state.lock().unwrap().ledger[ledger_index].callback = fate;

    Ok(Response::json(
        200,
        &json!({
            "MerchantRequestID": merchant_id,
            "CheckoutRequestID": checkout_id,
            "ResponseCode": "0",
            "ResponseDescription": ACCEPTED,
            "CustomerMessage": ACCEPTED,
        }),
    ))
}

/// `POST /mpesa/stkpushquery/v1/query`.
pub(super) fn query(d: &Daraja, b: &Body) -> Result<Response> {
    let shortcode = b.digits("BusinessShortCode", 5, 7)?;
    b.string("Password")?;
    let ts = check_timestamp(d, b)?;
    let checkout_id = b.string("CheckoutRequestID")?;
    check_stk_password(d, b, &shortcode, &ts)?;
    let st = d.state.lock().unwrap();
    let Some(rec) = st.stk.get(&checkout_id) else {
        return Err(invalid("CheckoutRequestID"));
    };
    if Instant::now() < rec.ready_at {
        return Err(error(
            500,
            "500.001.1001",
            "The transaction is being processed",
        ));
    }
    Ok(Response::json(
        200,
        &json!({
            "ResponseCode": "0",
            "ResponseDescription": "The service request has been accepted successsfully",
            "MerchantRequestID": rec.merchant_request_id,
            "CheckoutRequestID": checkout_id,
            "ResultCode": Value::String(rec.result_code.to_string()),
            "ResultDesc": rec.result_desc,
        }),
    ))
}

/// Checks a `YYYYMMDDHHmmss` Kenyan timestamp is within the tolerance of now.
fn check_timestamp(d: &Daraja, b: &Body) -> Result<String> {
    let ts = match b.get("Timestamp") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        _ => return Err(invalid("Timestamp")),
    };
    let Some(at) = time::parse_eat_compact(&ts) else {
        return Err(invalid("Timestamp"));
    };
    let tolerance = d.settings.timestamp_tolerance.as_secs() as i64;
    if (at - time::unix_now()).abs() > tolerance {
        return Err(invalid("Timestamp"));
    }
    Ok(ts)
}

/// Checks `Password` = base64(shortcode + passkey + timestamp) for the STK shortcode.
fn check_stk_password(d: &Daraja, b: &Body, shortcode: &str, ts: &str) -> Result<()> {
    let password = b.string("Password")?;
    if shortcode != d.settings.shortcode {
        return Err(error(500, "500.001.1001", "Merchant does not exist"));
    }
    let expected = base64::engine::general_purpose::STANDARD
        .encode(format!("{shortcode}{}{ts}", d.settings.passkey));
    if password.trim() != expected {
        return Err(error(500, "500.001.1001", "Wrong credentials"));
    }
    Ok(())
}
