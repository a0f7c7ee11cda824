//! Pull Transactions: register a shortcode, then page through the C2B payments it received
//! in a period, from the record of completed transactions (so a payment whose confirmation
//! was dropped is still there).

use serde_json::{json, Value};

use crate::daraja::ids::uuid;
use crate::daraja::state::PullRegistration;
use crate::daraja::{invalid, money, time, Body, Daraja, Result};
use crate::http::Response;

/// `organizationname` of every row.
const ORGANIZATION_NAME: &str = "Tuma Sandbox Organisation";

/// `POST /pulltransactions/v1/register`.
pub(crate) fn register(d: &Daraja, b: &Body) -> Result<Response> {
    let shortcode = b.digits("ShortCode", 5, 7)?;
    b.one_of("RequestType", &["Pull"])?;
    b.any_phone("NominatedNumber")?;
    b.url("CallBackURL")?;
    let mut st = d.state.lock().unwrap();
    let (status, description, ref_id) = match st.pull_registrations.get(&shortcode) {
        Some(r) => (
            "1001",
            "Shortcode already registered",
            r.response_ref_id.clone(),
        ),
        None => {
            let ref_id = uuid();
            st.pull_registrations.insert(
                shortcode.clone(),
                PullRegistration {
                    response_ref_id: ref_id.clone(),
                },
            );
            ("1000", "Shortcode registered successfully", ref_id)
        }
    };
    Ok(Response::json(
        200,
        &json!({
            "ResponseRefID": ref_id,
            "ResponseStatus": status,
            "ShortCode": shortcode,
            "ResponseDescription": description,
        }),
    ))
}

/// A `YYYY-MM-DD HH:mm:ss` Kenyan time field, as Unix seconds.
fn date_field(b: &Body, field: &str) -> Result<i64> {
    match b.get(field) {
        Some(Value::String(s)) => time::parse_eat_dashed(s.trim()).ok_or_else(|| invalid(field)),
        _ => Err(invalid(field)),
    }
}

/// `transactiontype` of a row, from the CommandID / TransactionType it was paid with.
fn transaction_type(command: &str) -> &'static str {
    if command.contains("BuyGoods") {
        "c2b-buy-goods-debit"
    } else {
        "c2b-pay-bill-debit"
    }
}

/// `POST` (or `GET` with the same JSON body) `/pulltransactions/v1/query`.
pub(crate) fn query(d: &Daraja, b: &Body) -> Result<Response> {
    let shortcode = b.digits("ShortCode", 5, 7)?;
    let start = date_field(b, "StartDate")?;
    let end = date_field(b, "EndDate")?;
    if end < start {
        return Err(invalid("EndDate"));
    }
    let offset: usize = b
        .digits("OffSetValue", 1, 9)?
        .parse()
        .map_err(|_| invalid("OffSetValue"))?;
    let page_size = d.tunables().pull_page_size.max(1);
    let rows: Vec<Value> = {
        let st = d.state.lock().unwrap();
        let mut found: Vec<_> = st
            .txns
            .iter()
            .filter(|(_, t)| matches!(t.kind, "c2b" | "stk" | "bill_payment"))
            .filter(|(_, t)| t.credit_party == shortcode)
            .filter_map(|(r, t)| {
                let at = time::parse_eat_compact(&t.time)?;
                (start..=end).contains(&at).then_some((r, t, at))
            })
            .collect();
        found.sort_by_key(|(_, t, _)| t.seq);
        found
            .into_iter()
            .skip(offset)
            .take(page_size)
            .map(|(r, t, at)| {
                json!({
                    "transactionId": r,
                    "trxDate": time::civil_from_unix(at).iso_z(),
                    "msisdn": t.debit_party.parse::<u64>().map_or_else(|_| json!(t.debit_party), |n| json!(n)),
                    "transactiontype": transaction_type(&t.command),
                    "billreference": t.reference,
                    "amount": money(t.amount_cents),
                    "organizationname": ORGANIZATION_NAME,
                })
            })
            .collect()
    };
    let (code, message) = if rows.is_empty() {
        ("1001", "No transactions found for the period")
    } else {
        ("1000", "Success")
    };
    Ok(Response::json(
        200,
        &json!({
            "ResponseRefID": uuid(),
            "ResponseCode": code,
            "ResponseMessage": message,
            "Response": rows,
        }),
    ))
}
