//! Bill Manager, under `/v1/billmanager-invoice/`: opt-in, invoices (single and bulk, at
//! most 1000 a call), cancellation (refused with `rescode` 409 once paid), and the
//! reconciliation acknowledgement. A test makes a customer pay an invoice
//! (`Daraja::pay_invoice` or `POST /_sandbox/daraja/billmanager/pay`); the
//! payment notification then goes to the opt-in `callbackurl`, redelivered until the reply
//! is `{"rescode": "200", ...}` (at most `bill_manager_retries` more times).

use std::sync::Arc;

use rand::Rng as _;
use serde_json::{json, Map, Value};

use crate::callbacks::Accept;
use crate::daraja::ledger::{CallbackFate, LedgerRecord};
use crate::daraja::routes::BillOp;
use crate::daraja::{error, invalid, money, receipt, time, Body, Daraja, Result, Txn};
use crate::http::Response;
use crate::Shared;

/// Most invoices per bulk call (daraja.md: "up to 1000 per call").
pub(crate) const BULK_LIMIT: usize = 1000;

/// Where an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    /// Nothing paid yet.
    Unpaid,
    /// Paid in part.
    PartiallyPaid,
    /// Paid in full.
    Paid,
    /// Cancelled before any payment.
    Cancelled,
}

impl InvoiceStatus {
    /// `unpaid`, `partially_paid`, `paid`, `cancelled`.
    pub fn name(self) -> &'static str {
        match self {
            InvoiceStatus::Unpaid => "unpaid",
            InvoiceStatus::PartiallyPaid => "partially_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Cancelled => "cancelled",
        }
    }
}

/// One payment of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoicePayment {
    /// The M-Pesa receipt (`transactionId` of the notification).
    pub transaction_id: String,
    pub amount_cents: i64,
    pub msisdn: String,
    /// Whether the merchant acknowledged it on `reconciliation`.
    pub reconciled: bool,
    /// What became of its notification.
    pub notification: CallbackFate,
}

/// A Bill Manager invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub external_reference: String,
    pub account_reference: String,
    pub billed_full_name: String,
    /// As sent (`07XXXXXXXX` or `2547XXXXXXXX`).
    pub billed_phone_number: String,
    pub invoice_name: String,
    pub amount_cents: i64,
    pub paid_cents: i64,
    pub status: InvoiceStatus,
    pub payments: Vec<InvoicePayment>,
}

impl Invoice {
    /// The invoice as the control API lists it.
    pub fn to_json(&self) -> Value {
        let payments: Vec<Value> = self
            .payments
            .iter()
            .map(|p| {
                json!({
                    "transactionId": p.transaction_id,
                    "amount_cents": p.amount_cents,
                    "msisdn": p.msisdn,
                    "reconciled": p.reconciled,
                    "notification": p.notification.name(),
                })
            })
            .collect();
        json!({
            "externalReference": self.external_reference,
            "accountReference": self.account_reference,
            "billedFullName": self.billed_full_name,
            "billedPhoneNumber": self.billed_phone_number,
            "invoiceName": self.invoice_name,
            "amount_cents": self.amount_cents,
            "paid_cents": self.paid_cents,
            "status": self.status.name(),
            "payments": payments,
        })
    }
}

/// The opted-in biller.
#[derive(Debug, Clone)]
pub(crate) struct OptIn {
    pub shortcode: String,
    pub callback_url: String,
    pub app_key: String,
}

#[derive(Default)]
pub(crate) struct BillManager {
    pub optin: Option<OptIn>,
    pub invoices: Vec<Invoice>,
}

impl BillManager {
    fn find(&self, external_reference: &str) -> Option<usize> {
        self.invoices
            .iter()
            .position(|i| i.external_reference == external_reference)
    }
}

/// Bill Manager's answer: HTTP 200 with `rescode` / `resmsg` (and `Status_Message`).
fn answer(rescode: &str, resmsg: &str, status_message: Option<&str>) -> Response {
    let mut body = json!({"rescode": rescode, "resmsg": resmsg});
    if let Some(m) = status_message {
        body["Status_Message"] = json!(m);
    }
    Response::json(200, &body)
}

/// 400.003.02: invoicing and changes need an opt-in first.
fn not_opted_in() -> Response {
    error(
        400,
        "400.003.02",
        "Bad Request - Opt in to Bill Manager first",
    )
}

/// `AG_YYYYMMDD_` and 16 hex-ish characters, the shape of the portal's sample app key.
fn app_key() -> String {
    let mut rng = rand::thread_rng();
    let tail: String = (0..16)
        .map(|_| char::from_digit(rng.gen_range(0..36), 36).unwrap_or('0'))
        .collect::<String>()
        .to_ascii_uppercase();
    format!("AG_{}_{tail}", time::eat_now().date())
}

/// The fields of `optin` and `change-optin-details`.
fn optin_fields(b: &Body) -> Result<(String, String)> {
    let shortcode = b.digits("shortcode", 5, 7)?;
    b.email("email")?;
    b.any_phone("officialContact")?;
    b.code_of("sendReminders", &["0", "1"])?;
    b.opt_string_len("logo", 0, 100_000)?;
    let callback_url = b.url("callbackurl")?;
    Ok((shortcode, callback_url))
}

/// A checked invoice.
fn invoice(b: &Body) -> Result<Invoice> {
    let external_reference = b.string_len("externalReference", 1, 100)?;
    let billed_full_name = b.string_len("billedFullName", 1, 100)?;
    let billed_phone_number = match b.get("billedPhoneNumber") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(invalid("billedPhoneNumber")),
    };
    b.any_phone("billedPhoneNumber")?;
    b.string_len("billedPeriod", 1, 100)?;
    let invoice_name = b.string_len("invoiceName", 1, 100)?;
    match b.get("dueDate") {
        Some(Value::String(s)) if time::parse_ymd_dashed(s.trim()).is_some() => {}
        _ => return Err(invalid("dueDate")),
    }
    let account_reference = b.string_len("accountReference", 1, 100)?;
    let amount = b.amount("amount", 1, 999_999_999, true)?;
    match b.get("invoiceItems") {
        None => {}
        Some(Value::Array(items)) => {
            for item in items {
                let Value::Object(m) = item else {
                    return Err(invalid("invoiceItems"));
                };
                let item = Body(m);
                item.string_len("itemName", 1, 100)?;
                item.amount("amount", 0, 999_999_999, true)?;
            }
        }
        Some(_) => return Err(invalid("invoiceItems")),
    }
    Ok(Invoice {
        external_reference,
        account_reference,
        billed_full_name,
        billed_phone_number,
        invoice_name,
        amount_cents: amount * 100,
        paid_cents: 0,
        status: InvoiceStatus::Unpaid,
        payments: Vec::new(),
    })
}

/// The calls with an object body.
pub(crate) fn handle(d: &Daraja, op: BillOp, b: &Body) -> Result<Response> {
    match op {
        BillOp::OptIn => {
            let (shortcode, callback_url) = optin_fields(b)?;
            let mut st = d.state.lock().unwrap();
            // A repeated opt-in replaces the details; the app key stays while the
            // shortcode does.
            let key = match &st.bill.optin {
                Some(o) if o.shortcode == shortcode => o.app_key.clone(),
                _ => app_key(),
            };
            st.bill.optin = Some(OptIn {
                shortcode,
                callback_url,
                app_key: key.clone(),
            });
            Ok(Response::json(
                200,
                &json!({"app_key": key, "resmsg": "Success", "rescode": "200"}),
            ))
        }
        BillOp::ChangeOptIn => {
            let (shortcode, callback_url) = optin_fields(b)?;
            let mut st = d.state.lock().unwrap();
            let Some(optin) = st.bill.optin.as_mut() else {
                return Err(not_opted_in());
            };
            if optin.shortcode != shortcode {
                return Err(invalid("shortcode"));
            }
            optin.callback_url = callback_url;
            Ok(answer(
                "200",
                "Success",
                Some("Opt-in details updated successfully"),
            ))
        }
        BillOp::SingleInvoice => {
            let inv = invoice(b)?;
            let mut st = d.state.lock().unwrap();
            if st.bill.optin.is_none() {
                return Err(not_opted_in());
            }
            if st.bill.find(&inv.external_reference).is_some() {
                return Err(invalid("externalReference"));
            }
            st.bill.invoices.push(inv);
            Ok(answer("200", "Success", Some("Invoice sent successfully")))
        }
        BillOp::CancelSingle => {
            let reference = b.string_len("externalReference", 1, 100)?;
            let mut st = d.state.lock().unwrap();
            if st.bill.optin.is_none() {
                return Err(not_opted_in());
            }
            let Some(i) = st.bill.find(&reference) else {
                return Err(invalid("externalReference"));
            };
            let inv = &mut st.bill.invoices[i];
            if inv.paid_cents > 0 {
                return Ok(answer(
                    "409",
                    "Partially or fully paid invoices cannot be cancelled.",
                    None,
                ));
            }
            inv.status = InvoiceStatus::Cancelled;
            Ok(answer(
                "200",
                "Success",
                Some("Invoice cancelled successfully"),
            ))
        }
        BillOp::Reconciliation => reconcile(d, b),
        BillOp::BulkInvoices | BillOp::CancelBulk => Err(super::super::body::payload_error()),
    }
}

/// `POST /v1/billmanager-invoice/bulk-invoicing`: all the invoices or none.
pub(crate) fn bulk_invoices(d: &Daraja, list: &[Value]) -> Result<Response> {
    if list.is_empty() || list.len() > BULK_LIMIT {
        return Err(error(
            400,
            "400.002.02",
            "Bad Request - Invalid invoices: send 1 to 1000 invoices per call",
        ));
    }
    let mut invoices = Vec::with_capacity(list.len());
    for item in list {
        let Value::Object(m) = item else {
            return Err(super::super::body::payload_error());
        };
        invoices.push(invoice(&Body(m))?);
    }
    let mut st = d.state.lock().unwrap();
    if st.bill.optin.is_none() {
        return Err(not_opted_in());
    }
    for (i, inv) in invoices.iter().enumerate() {
        let repeated = invoices[..i]
            .iter()
            .any(|o| o.external_reference == inv.external_reference);
        if repeated || st.bill.find(&inv.external_reference).is_some() {
            return Err(invalid("externalReference"));
        }
    }
    st.bill.invoices.extend(invoices);
    Ok(answer("200", "Success", Some("Invoices sent successfully")))
}

/// `POST /v1/billmanager-invoice/cancel-bulk-invoices`: cancels every unpaid invoice
/// listed; paid ones are named in `errors` and the answer's `rescode` is 409.
pub(crate) fn cancel_bulk(d: &Daraja, list: &[Value]) -> Result<Response> {
    if list.is_empty() || list.len() > BULK_LIMIT {
        return Err(error(
            400,
            "400.002.02",
            "Bad Request - Invalid invoices: send 1 to 1000 invoices per call",
        ));
    }
    let mut references = Vec::with_capacity(list.len());
    for item in list {
        let Value::Object(m) = item else {
            return Err(super::super::body::payload_error());
        };
        references.push(Body(m).string_len("externalReference", 1, 100)?);
    }
    let mut st = d.state.lock().unwrap();
    if st.bill.optin.is_none() {
        return Err(not_opted_in());
    }
    let mut indexes = Vec::with_capacity(references.len());
    for r in &references {
        match st.bill.find(r) {
            Some(i) => indexes.push(i),
            None => return Err(invalid("externalReference")),
        }
    }
    let mut refused = Vec::new();
    for i in indexes {
        let inv = &mut st.bill.invoices[i];
        if inv.paid_cents > 0 {
            refused.push(json!({
                "externalReference": inv.external_reference,
                "resmsg": "Partially or fully paid invoices cannot be cancelled.",
            }));
        } else {
            inv.status = InvoiceStatus::Cancelled;
        }
    }
    if refused.is_empty() {
        return Ok(answer(
            "200",
            "Success",
            Some("Invoices cancelled successfully"),
        ));
    }
    Ok(Response::json(
        200,
        &json!({
            "rescode": "409",
            "resmsg": "Partially or fully paid invoices cannot be cancelled.",
            "errors": refused,
        }),
    ))
}

/// `POST /v1/billmanager-invoice/reconciliation`: the merchant acknowledges a payment.
fn reconcile(d: &Daraja, b: &Body) -> Result<Response> {
    match b.get("paymentDate") {
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        _ => return Err(invalid("paymentDate")),
    }
    b.amount("paidAmount", 1, 999_999_999, true)?;
    b.string_len("accountReference", 1, 100)?;
    let transaction_id = b.string_len("transactionId", 1, 100)?;
    b.any_phone("phoneNumber")?;
    b.string_len("fullName", 1, 100)?;
    b.string_len("invoiceName", 1, 100)?;
    let reference = b.string_len("externalReference", 1, 100)?;
    let mut st = d.state.lock().unwrap();
    if st.bill.optin.is_none() {
        return Err(not_opted_in());
    }
    let found = st.bill.invoices.iter_mut().find_map(|inv| {
        let i = inv
            .payments
            .iter()
            .position(|p| p.transaction_id == transaction_id)?;
        Some((inv, i))
    });
    let Some((inv, i)) = found else {
        return Err(invalid("transactionId"));
    };
    if inv.external_reference != reference {
        return Err(invalid("externalReference"));
    }
    inv.payments[i].reconciled = true;
    Ok(answer("200", "Success", None))
}

/// Every invoice, in creation order.
pub(crate) fn invoices(d: &Daraja) -> Vec<Invoice> {
    d.state.lock().unwrap().bill.invoices.clone()
}

/// Whether a notification reply is `{"rescode": "200", ...}` (string or number) on a 2xx.
fn acknowledged(status: u16, reply: &[u8]) -> bool {
    if !(200..300).contains(&status) {
        return false;
    }
    let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(reply) else {
        return false;
    };
    match m.get("rescode") {
        Some(Value::String(s)) => s.trim() == "200",
        Some(Value::Number(n)) => n.as_u64() == Some(200),
        _ => false,
    }
}

/// A customer pays an invoice (the control API's doing; see `Daraja::pay_invoice`).
pub(crate) fn pay(
    d: &Daraja,
    shared: &Shared,
    external_reference: &str,
    amount_cents: Option<i64>,
    msisdn: Option<&str>,
) -> std::result::Result<String, String> {
    let phone_map;
    let msisdn = match msisdn {
        Some(m) => {
            phone_map = Map::from_iter([("msisdn".to_string(), json!(m))]);
            Some(
                Body(&phone_map)
                    .any_phone("msisdn")
                    .map_err(|_| format!("invalid msisdn {m:?}"))?,
            )
        }
        None => None,
    };
    let r = receipt();
    let now = time::eat_now();
    let (notification, url, ledger_index) = {
        let mut st = d.state.lock().unwrap();
        let Some(optin) = st.bill.optin.clone() else {
            return Err("no Bill Manager opt-in".into());
        };
        let Some(i) = st.bill.find(external_reference) else {
            return Err(format!("no invoice {external_reference:?}"));
        };
        let inv = &st.bill.invoices[i];
        if inv.status == InvoiceStatus::Cancelled {
            return Err(format!("invoice {external_reference:?} is cancelled"));
        }
        let outstanding = inv.amount_cents - inv.paid_cents;
        let cents = amount_cents.unwrap_or(outstanding);
        if outstanding <= 0 {
            return Err(format!("invoice {external_reference:?} is paid"));
        }
        if cents <= 0 || cents > outstanding || cents % 100 != 0 {
            return Err(format!(
                "amount must be whole shillings from 1 to the outstanding {}",
                money(outstanding)
            ));
        }
        let phone = match msisdn {
            Some(m) => m,
            None => {
                let billed = Map::from_iter([(
                    "billedPhoneNumber".to_string(),
                    json!(inv.billed_phone_number),
                )]);
                Body(&billed)
                    .any_phone("billedPhoneNumber")
                    .map_err(|_| "the billed phone is not a mobile number".to_string())?
            }
        };
        let account_reference = inv.account_reference.clone();
        let inv = &mut st.bill.invoices[i];
        inv.paid_cents += cents;
        inv.status = if inv.paid_cents >= inv.amount_cents {
            InvoiceStatus::Paid
        } else {
            InvoiceStatus::PartiallyPaid
        };
        inv.payments.push(InvoicePayment {
            transaction_id: r.clone(),
            amount_cents: cents,
            msisdn: phone.clone(),
            reconciled: false,
            notification: CallbackFate::Pending,
        });
        st.working_cents += cents;
        st.add_txn(
            &r,
            Txn {
                kind: "bill_payment",
                command: "CustomerPayBillOnline".into(),
                amount_cents: cents,
                debit_party: phone.clone(),
                credit_party: optin.shortcode.clone(),
                reference: account_reference.clone(),
                originator_id: r.clone(),
                conversation_id: r.clone(),
                time: now.compact(),
                reversed: false,
                seq: 0,
            },
        );
        let record = LedgerRecord::decided(
            "bill_payment",
            "CustomerPayBillOnline",
            &r,
            external_reference,
            &account_reference,
            cents,
            (&phone, &optin.shortcode),
            "0",
            "The service request is processed successfully.",
            Some(r.clone()),
        );
        let index = st.add_ledger(record);
        let paid = if cents % 100 == 0 {
            (cents / 100).to_string()
        } else {
            money(cents)
        };
        let notification = json!({
            "transactionId": r,
            "paidAmount": paid,
            "msisdn": phone,
            "dateCreated": now.dashed_date(),
            "accountReference": account_reference,
            "shortCode": optin.shortcode,
        });
        (notification, optin.callback_url, index)
    };
    let t = d.tunables();
    let accept: Accept = Arc::new(acknowledged);
    let fate = d.notifier.send(
        &shared.callbacks,
        "bill_payment",
        &url,
        notification,
        d.settings.callback_delay,
        t.bill_manager_retries,
        t.bill_manager_retry_gap,
        Some(accept),
    );
    let mut st = d.state.lock().unwrap();
    st.ledger[ledger_index].callback = fate;
    for inv in &mut st.bill.invoices {
        for p in &mut inv.payments {
            if p.transaction_id == r {
                p.notification = fate;
            }
        }
    }
    Ok(r)
}
