//! M-Pesa Ratiba (standing orders): `POST /standingorder/v1/createStandingOrderExternal`.
//! The customer confirms with a PIN prompt; the outcome is chosen by the STK test phones
//! and POSTed to `CallBackURL` in the key casing of the `ratiba_key_case` setting. Creating
//! a standing order moves no money (the sandbox runs no schedules).

use serde_json::{json, Map, Value};

use crate::daraja::ids::uuid;
use crate::daraja::ledger::LedgerRecord;
use crate::daraja::{
    invalid, receipt, time, Body, Daraja, KeyCase, Result, STK_PHONE_CANCELLED, STK_PHONE_TIMEOUT,
    STK_PHONE_WRONG_PIN,
};
use crate::http::Response;
use crate::Shared;

const PAY_BILL: &str = "Standing Order Customer Pay Bill";
const PAY_MERCHANT: &str = "Standing Order Customer Pay Marchant";

/// A standing order created successfully.
#[derive(Debug, Clone)]
pub(crate) struct StandingOrder {
    pub name: String,
    pub party_a: String,
}

/// A `yyyymmdd` date field, as days since the epoch.
fn ymd(b: &Body, field: &str) -> Result<i64> {
    match b.get(field) {
        Some(Value::String(s)) => time::parse_ymd_compact(s.trim()).ok_or_else(|| invalid(field)),
        Some(Value::Number(n)) => {
            time::parse_ymd_compact(&n.to_string()).ok_or_else(|| invalid(field))
        }
        _ => Err(invalid(field)),
    }
}

/// `2547******149`: the phone with its middle hidden.
fn masked(phone: &str) -> String {
    format!("{}******{}", &phone[..3], &phone[phone.len() - 3..])
}

/// The callback's keys in one casing.
struct Keys {
    header: &'static str,
    body: &'static str,
    data: &'static str,
    name: &'static str,
    value: &'static str,
    pascal_inside: bool,
}

impl Keys {
    fn of(case: KeyCase) -> Keys {
        match case {
            KeyCase::Camel => Keys {
                header: "responseHeader",
                body: "responseBody",
                data: "responseData",
                name: "name",
                value: "value",
                pascal_inside: false,
            },
            KeyCase::Pascal => Keys {
                header: "ResponseHeader",
                body: "ResponseBody",
                data: "ResponseData",
                name: "Name",
                value: "Value",
                pascal_inside: true,
            },
            KeyCase::Mixed => Keys {
                header: "ResponseHeader",
                body: "responseBody",
                data: "ResponseData",
                name: "Name",
                value: "value",
                pascal_inside: false,
            },
        }
    }

    /// A header key (`responseRefID`) in this casing.
    fn inner(&self, camel: &str) -> String {
        if self.pascal_inside {
            let mut c = camel.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        } else {
            camel.to_string()
        }
    }
}

/// The callback body.
fn callback(case: KeyCase, header: &[(&str, &str)], data: &[(&str, &str)]) -> Value {
    let k = Keys::of(case);
    let mut head = Map::new();
    for (key, value) in header {
        head.insert(k.inner(key), json!(value));
    }
    let items: Vec<Value> = data
        .iter()
        .map(|(n, v)| {
            let mut item = Map::new();
            item.insert(k.name.to_string(), json!(n));
            item.insert(k.value.to_string(), json!(v));
            Value::Object(item)
        })
        .collect();
    let mut body = Map::new();
    body.insert(k.data.to_string(), Value::Array(items));
    let mut root = Map::new();
    root.insert(k.header.to_string(), Value::Object(head));
    root.insert(k.body.to_string(), Value::Object(body));
    Value::Object(root)
}

/// `POST /standingorder/v1/createStandingOrderExternal`.
pub(crate) fn create(d: &Daraja, shared: &Shared, b: &Body) -> Result<Response> {
    let name = b.string_len("StandingOrderName", 1, 100)?;
    let start = ymd(b, "StartDate")?;
    let end = ymd(b, "EndDate")?;
    if end < start {
        return Err(invalid("EndDate"));
    }
    let shortcode = b.digits("BusinessShortCode", 5, 7)?;
    let kind = b.one_of("TransactionType", &[PAY_BILL, PAY_MERCHANT])?;
    let receiver_type = b.code_of("ReceiverPartyIdentifierType", &["4", "2"])?;
    // daraja.md: "4" paybill, "2" till; the type must agree with TransactionType.
    if (kind == PAY_BILL) != (receiver_type == "4") {
        return Err(invalid("ReceiverPartyIdentifierType"));
    }
    let amount = b.amount("Amount", 1, 250_000, true)?;
    let party_a = b.phone("PartyA")?;
    let callback_url = b.url("CallBackURL")?;
    b.string_len("AccountReference", 1, 12)?;
    b.opt_string_len("TransactionDesc", 0, 13)?;
    b.code_of("Frequency", &["1", "2", "3", "4", "5", "6", "7", "8"])?;
    let custom_id = b.opt_string_len("CustomStoId", 1, 100)?;

    let response_ref = uuid();
    let request_ref = custom_id.unwrap_or_else(|| response_ref.clone());
    let (code, desc) = match party_a.as_str() {
        STK_PHONE_CANCELLED => ("1032", "Request cancelled by user"),
        STK_PHONE_TIMEOUT => ("1037", "DS timeout user cannot be reached"),
        STK_PHONE_WRONG_PIN => ("2001", "The initiator information is invalid."),
        _ => ("0", "The service request is processed successfully"),
    };
    let case = d.tunables().ratiba_key_case;
    let (body, ledger_index) = {
        let mut st = d.state.lock().unwrap();
        let duplicate = st
            .standing_orders
            .iter()
            .any(|o| o.party_a == party_a && o.name == name);
        let (code, desc) = if code == "0" && duplicate {
            (
                "1050",
                "The customer already has a standing order with this name",
            )
        } else {
            (code, desc)
        };
        let transaction_id = if code == "0" {
            st.standing_orders.push(StandingOrder {
                name: name.clone(),
                party_a: party_a.clone(),
            });
            receipt()
        } else {
            String::new()
        };
        let status = if code == "0" { "OKAY" } else { "ERROR" };
        let body = callback(
            case,
            &[
                ("responseRefID", &response_ref),
                ("requestRefID", &request_ref),
                ("responseCode", code),
                ("responseDescription", desc),
            ],
            &[
                ("TransactionID", &transaction_id),
                ("responseCode", code),
                ("Status", status),
                ("Msisdn", &masked(&party_a)),
            ],
        );
        let mut record = LedgerRecord::decided(
            "ratiba",
            &kind,
            &response_ref,
            &request_ref,
            &name,
            amount * 100,
            (&party_a, &shortcode),
            code,
            desc,
            None,
        );
        record.receipt = (!transaction_id.is_empty()).then_some(transaction_id);
        record.paid = false;
        record.final_at += d.settings.callback_delay;
        (body, st.add_ledger(record))
    };
    shared.record_payment(
        "daraja",
        "ratiba",
        format!("{party_a}:{amount}:{name}:{response_ref}"),
    );
    let fate = d.notify(shared, "ratiba", &callback_url, body);
    d.state.lock().unwrap().ledger[ledger_index].callback = fate;
    Ok(Response::json(
        200,
        &json!({
            "ResponseHeader": {
                "responseRefID": response_ref,
                "responseCode": "200",
                "responseDescription": "Request accepted for processing",
                "ResultDesc": "The service request is processed successfully.",
            },
            "ResponseBody": {
                "responseDescription": "Request accepted for processing",
                "responseCode": "200",
            },
        }),
    ))
}
