//! Bill Manager: opt in, send invoices (one, or a list split into calls of at most 1000),
//! cancel them, acknowledge payments (reconciliation), and the payment notifications
//! pushed to the opt-in `callbackurl` (callback kind `daraja.bill_payment`, answered with
//! [`bill_payment_ack`]).
//!
//! Answers are HTTP 200 with `rescode` (`"200"` success) and `resmsg`; field errors use
//! Daraja's error body and go through the same refusal rule as every Daraja call.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::super::{shortcode_arg, Daraja};
use super::{bad, date_dashed, get_ci, local_phone, not_accepted, text_ci};
use crate::error::{ApiError, Error, Fate, Provider, Result};
use crate::http::Safety;
use crate::request::{Args, FieldKind, FieldType, Request};
use crate::{limits, phone, validate};

/// The most invoices (or cancellations) one Bill Manager call takes; longer lists are sent
/// in several calls.
pub const BILL_BULK_LIMIT: usize = 1000;

crate::request::request! {
    /// A Bill Manager opt-in (or a change of its details).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BillOptInRequest {
        /// The paybill that bills (`shortcode`); defaults to `daraja.shortcode`.
        #[serde(default)]
        pub shortcode: Option<String>,
        /// The biller's e-mail address.
        pub email: String,
        /// The biller's official phone (`officialContact`).
        pub official_contact: String,
        /// Whether Bill Manager sends payment reminders (`sendReminders` 1 or 0).
        pub send_reminders: bool,
        /// Optional logo shown on invoices.
        #[serde(default)]
        pub logo: Option<String>,
        /// Where payment notifications are POSTed (`callbackurl`).
        pub callback_url: String,
    }

    /// One line of an invoice.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BillInvoiceItem {
        /// What is billed, 1 to 100 characters (`itemName`).
        pub item_name: String,
        /// Whole shillings.
        pub amount: u64,
    }

    /// An invoice sent to a customer by SMS.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BillInvoiceRequest {
        /// Your unique id of the invoice, 1 to 100 characters (`externalReference`).
        pub external_reference: String,
        /// The customer's name, 1 to 100 characters (`billedFullName`).
        pub billed_full_name: String,
        /// The customer's phone (`billedPhoneNumber`).
        pub billed_phone_number: String,
        /// The period billed, e.g. `August 2021`, 1 to 100 characters (`billedPeriod`).
        pub billed_period: String,
        /// The invoice's name, 1 to 100 characters (`invoiceName`).
        pub invoice_name: String,
        /// `YYYY-MM-DD` (`dueDate`).
        pub due_date: String,
        /// The account number the customer pays to, 1 to 100 characters
        /// (`accountReference`).
        pub account_reference: String,
        /// Whole shillings.
        pub amount: u64,
        /// Optional lines (`invoiceItems`).
        #[serde(default)]
        pub invoice_items: Option<Vec<BillInvoiceItem>>,
    }

    /// A list of invoices: sent in calls of at most 1000.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BillInvoicesRequest {
        /// The invoices (at least one; `external_reference`s unique).
        pub invoices: Vec<BillInvoiceRequest>,
    }

    /// An invoice to cancel (refused once it is partly or fully paid).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BillCancelInvoiceRequest {
        /// The invoice's `externalReference`.
        pub external_reference: String,
    }

    /// Invoices to cancel: sent in calls of at most 1000.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BillCancelInvoicesRequest {
        /// The invoices (at least one).
        pub invoices: Vec<BillCancelInvoiceRequest>,
    }

    /// The acknowledgement of a payment Bill Manager notified (reconciliation).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct BillReconciliationRequest {
        /// The payment's date as notified (`paymentDate`, e.g. the notification's
        /// `dateCreated`).
        pub payment_date: String,
        /// Whole shillings paid (`paidAmount`).
        pub paid_amount: u64,
        /// The invoice's account number (`accountReference`).
        pub account_reference: String,
        /// The payment's M-Pesa receipt (`transactionId`).
        pub transaction_id: String,
        /// The payer's phone (`phoneNumber`).
        pub phone_number: String,
        /// The payer's name (`fullName`).
        pub full_name: String,
        /// The invoice's name (`invoiceName`).
        pub invoice_name: String,
        /// The invoice's `externalReference`.
        pub external_reference: String,
    }
}

/// `invoice_items`: absent or null is none; otherwise a list of items.
impl FieldType for Option<Vec<BillInvoiceItem>> {
    fn read(args: &Args<'_>, name: &'static str) -> Result<Self> {
        // `opt_str` tells absent (or null) from present; a present list is not a string.
        match args.opt_str(name) {
            Ok(None) => Ok(None),
            Ok(Some(_)) => Err(Error::invalid(name, "must be a list")),
            Err(_) => args.list(name, BillInvoiceItem::from_json).map(Some),
        }
    }
    fn kind() -> FieldKind {
        <Vec<BillInvoiceItem> as FieldType>::kind()
    }
    fn required() -> bool {
        false
    }
}

/// An invoice a cancellation could not cancel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillError {
    /// The invoice's `externalReference`.
    pub external_reference: String,
    /// Why (`Partially or fully paid invoices cannot be cancelled.`).
    pub resmsg: String,
}

/// Bill Manager's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillManagerResponse {
    /// `"200"` success; `"409"` when a bulk cancellation met paid invoices (see `errors`).
    pub rescode: String,
    /// `resmsg`.
    pub resmsg: String,
    /// `Status_Message`, when given.
    pub status_message: Option<String>,
    /// `app_key` (opt-in only).
    pub app_key: Option<String>,
    /// The invoices a bulk cancellation left alone, and why.
    pub errors: Vec<BillError>,
}

/// What became of one call of a list of invoices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillInvoiceChunk {
    /// The call's position, from 0.
    pub index: usize,
    /// The position in the list of its first invoice.
    pub first: usize,
    /// How many invoices it held.
    pub count: usize,
    /// `accepted`; else the error's fate: `refused` (nothing of it was created: fix and
    /// send it again), `unknown` (it may have been created: check before sending it
    /// again) or `not_sent` (safe to send again; later calls are not sent after an
    /// `unknown` or `not_sent` one).
    pub outcome: String,
    /// `rescode` of an accepted call.
    pub rescode: Option<String>,
    /// `resmsg` of an accepted call, or why a call was not sent.
    pub resmsg: Option<String>,
    /// The error, as JSON (kind, message, fate, code...), when it failed.
    pub error: Option<Value>,
}

/// What became of a list of invoices, call by call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillInvoicesResponse {
    /// How many invoices the list held.
    pub invoices: usize,
    /// How many of them were accepted.
    pub accepted: usize,
    /// True when every call was accepted.
    pub all_accepted: bool,
    /// One entry per call of at most 1000 invoices, in order.
    pub chunks: Vec<BillInvoiceChunk>,
}

/// A payment of an invoice, POSTed by Bill Manager to the opt-in `callbackurl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillPayment {
    /// The M-Pesa receipt (`transactionId`).
    pub transaction_id: String,
    /// `paidAmount`, in KES.
    pub paid_amount: f64,
    /// The payer (`msisdn`).
    pub msisdn: String,
    /// `dateCreated`.
    pub date_created: String,
    /// The invoice's account number (`accountReference`).
    pub account_reference: String,
    /// The paybill paid (`shortCode`).
    pub short_code: String,
}

impl BillPayment {
    /// The id redeliveries share (Bill Manager retries up to 5 times): `transactionId`.
    pub fn dedup_id(&self) -> Option<String> {
        Some(self.transaction_id.clone()).filter(|id| !id.is_empty())
    }
}

/// Parses a Bill Manager payment notification.
pub fn parse_bill_payment(body: &[u8]) -> Result<BillPayment> {
    let map = super::super::results::object(body)?;
    let s = |k: &str| text_ci(&map, k).unwrap_or_default();
    let transaction_id = text_ci(&map, "transactionId")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| bad("`transactionId` is missing"))?;
    let paid_amount = match get_ci(&map, "paidAmount") {
        None => return Err(bad("`paidAmount` is missing")),
        Some(v) => crate::json::as_f64(v).ok_or_else(|| bad("`paidAmount` is not a number"))?,
    };
    Ok(BillPayment {
        transaction_id,
        paid_amount,
        msisdn: s("msisdn"),
        date_created: s("dateCreated"),
        account_reference: s("accountReference"),
        short_code: s("shortCode"),
    })
}

/// The reply Bill Manager expects to a payment notification (anything else is redelivered).
pub fn bill_payment_ack() -> Value {
    json!({"rescode": "200", "resmsg": "Success"})
}

/// Reads Bill Manager's answer; `"200"` (and, when `partial_ok`, `"409"`) is an answer,
/// `"409"` otherwise a refusal (a paid invoice was not cancelled), anything else unknown.
fn answer(v: &Value, partial_ok: bool) -> Result<BillManagerResponse> {
    let empty = serde_json::Map::new();
    let map = v.as_object().unwrap_or(&empty);
    let rescode = text_ci(map, "rescode");
    let resmsg = text_ci(map, "resmsg");
    match rescode.as_deref() {
        Some("200") => {}
        Some("409") if partial_ok => {}
        Some("409") => {
            // Documented: "409 when cancelling a paid invoice". Nothing was cancelled.
            return Err(Error::Api(ApiError {
                provider: Provider::Daraja,
                status: 200,
                code: Some("409".into()),
                message: resmsg.unwrap_or_default(),
                request_id: None,
                fate: Fate::Refused,
                recovery: None,
            }));
        }
        _ => return Err(not_accepted(v, rescode, resmsg, "`rescode`")),
    }
    let errors = match get_ci(map, "errors") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_object)
            .map(|e| BillError {
                external_reference: text_ci(e, "externalReference").unwrap_or_default(),
                resmsg: text_ci(e, "resmsg").unwrap_or_default(),
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(BillManagerResponse {
        rescode: rescode.unwrap_or_default(),
        resmsg: resmsg.unwrap_or_default(),
        status_message: text_ci(map, "Status_Message"),
        app_key: text_ci(map, "app_key"),
        errors,
    })
}

/// An invoice checked, as Bill Manager's JSON.
fn invoice_body(inv: &BillInvoiceRequest) -> Result<Value> {
    let reference = validate::text("external_reference", &inv.external_reference, 1, 100)?;
    let name = validate::text("billed_full_name", &inv.billed_full_name, 1, 100)?;
    let phone = phone::parse_for("billed_phone_number", &inv.billed_phone_number)?;
    let period = validate::text("billed_period", &inv.billed_period, 1, 100)?;
    let invoice_name = validate::text("invoice_name", &inv.invoice_name, 1, 100)?;
    let due = date_dashed("due_date", &inv.due_date)?;
    let account = validate::text("account_reference", &inv.account_reference, 1, 100)?;
    let amount = validate::amount("amount", inv.amount, 1, limits::BUSINESS_MAX)?;
    let mut body = json!({
        "externalReference": reference,
        "billedFullName": name,
        "billedPhoneNumber": local_phone(&phone),
        "billedPeriod": period,
        "invoiceName": invoice_name,
        "dueDate": due,
        "accountReference": account,
        "amount": amount.to_string(),
    });
    if let Some(items) = &inv.invoice_items {
        let items = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let prefix = |e: Error| prefixed(e, &format!("invoice_items[{i}]."));
                let name = validate::text("item_name", &item.item_name, 1, 100).map_err(prefix)?;
                let amount = validate::amount("amount", item.amount, 1, limits::BUSINESS_MAX)
                    .map_err(prefix)?;
                Ok(json!({"itemName": name, "amount": amount.to_string()}))
            })
            .collect::<Result<Vec<Value>>>()?;
        body["invoiceItems"] = Value::Array(items);
    }
    Ok(body)
}

/// An input error with its field put under `prefix` (`invoices[3].`).
fn prefixed(e: Error, prefix: &str) -> Error {
    match e {
        Error::InvalidInput { field, rule } => Error::invalid(format!("{prefix}{field}"), rule),
        other => other,
    }
}

impl Daraja<'_> {
    fn opt_in_body(&self, request: &BillOptInRequest) -> Result<Value> {
        let config = self.config()?;
        let shortcode =
            shortcode_arg("shortcode", request.shortcode.as_deref(), &config.shortcode)?;
        let email = email("email", &request.email)?;
        let contact = phone::parse_for("official_contact", &request.official_contact)?;
        validate::callback_url(
            "callback_url",
            &request.callback_url,
            Self::allow_http(config),
        )?;
        let mut body = json!({
            "shortcode": shortcode,
            "email": email,
            "officialContact": local_phone(&contact),
            "sendReminders": if request.send_reminders { "1" } else { "0" },
            "callbackurl": request.callback_url.trim(),
        });
        if let Some(logo) = request.logo.as_deref() {
            body["logo"] = validate::text("logo", logo, 1, 500_000)?.into();
        }
        Ok(body)
    }

    /// Opts the paybill in to Bill Manager (opting in again replaces the details).
    pub fn bill_optin(&self, request: &BillOptInRequest) -> Result<BillManagerResponse> {
        let body = self.opt_in_body(request)?;
        let v = self.post(
            "v1/billmanager-invoice/optin",
            &body,
            Safety::Safe,
            "daraja.bill_optin",
        )?;
        answer(&v, false)
    }

    /// Changes the Bill Manager opt-in details (e-mail, contact, reminders, logo, URL).
    pub fn bill_change_optin(&self, request: &BillOptInRequest) -> Result<BillManagerResponse> {
        let body = self.opt_in_body(request)?;
        let v = self.post(
            "v1/billmanager-invoice/change-optin-details",
            &body,
            Safety::Safe,
            "daraja.bill_change_optin",
        )?;
        answer(&v, false)
    }

    /// Sends one invoice. Sent once: it is never resent once it may have reached
    /// Safaricom (the customer would get the SMS twice).
    pub fn bill_invoice(&self, request: &BillInvoiceRequest) -> Result<BillManagerResponse> {
        self.config()?;
        let body = invoice_body(request)?;
        let v = self.post(
            "v1/billmanager-invoice/single-invoicing",
            &body,
            Safety::OnceOnly,
            "daraja.bill_invoice",
        )?;
        answer(&v, false)
    }

    /// Sends a list of invoices, in calls of at most 1000, each sent once. Every invoice is
    /// checked before the first call. The result tells what became of each call: calls
    /// go on after a refused one; after one whose outcome is unknown (or that could not be
    /// sent), the rest are not sent (`not_sent`, safe to send again).
    pub fn bill_invoices(&self, request: &BillInvoicesRequest) -> Result<BillInvoicesResponse> {
        self.config()?;
        if request.invoices.is_empty() {
            return Err(Error::invalid("invoices", "must hold at least one invoice"));
        }
        let mut first_seen: HashMap<&str, usize> = HashMap::new();
        let mut bodies = Vec::with_capacity(request.invoices.len());
        for (i, inv) in request.invoices.iter().enumerate() {
            let body = invoice_body(inv).map_err(|e| prefixed(e, &format!("invoices[{i}].")))?;
            if let Some(j) = first_seen.insert(inv.external_reference.trim(), i) {
                return Err(Error::invalid(
                    format!("invoices[{i}].external_reference"),
                    format!("repeats invoices[{j}]: each invoice needs its own"),
                ));
            }
            bodies.push(body);
        }
        let mut chunks = Vec::new();
        let mut accepted = 0;
        let mut halted = false;
        for (index, part) in bodies.chunks(BILL_BULK_LIMIT).enumerate() {
            let mut chunk = BillInvoiceChunk {
                index,
                first: index * BILL_BULK_LIMIT,
                count: part.len(),
                outcome: "not_sent".into(),
                rescode: None,
                resmsg: None,
                error: None,
            };
            if halted {
                chunk.resmsg = Some(
                    "not sent: an earlier call's outcome is unknown or it was not sent".into(),
                );
                chunks.push(chunk);
                continue;
            }
            let result = self
                .post(
                    "v1/billmanager-invoice/bulk-invoicing",
                    part,
                    Safety::OnceOnly,
                    "daraja.bill_invoices",
                )
                .and_then(|v| answer(&v, false));
            match result {
                Ok(a) => {
                    accepted += part.len();
                    chunk.outcome = "accepted".into();
                    chunk.rescode = Some(a.rescode);
                    chunk.resmsg = Some(a.resmsg);
                }
                Err(e) => {
                    let fate = e.fate();
                    halted = fate != Fate::Refused;
                    chunk.outcome = fate.as_str().into();
                    chunk.error = Some(crate::ops::error_json(&e));
                }
            }
            chunks.push(chunk);
        }
        Ok(BillInvoicesResponse {
            invoices: bodies.len(),
            accepted,
            all_accepted: accepted == bodies.len(),
            chunks,
        })
    }

    /// Cancels an invoice. A partly or fully paid one is refused (`api` error, code `409`).
    pub fn bill_cancel_invoice(
        &self,
        request: &BillCancelInvoiceRequest,
    ) -> Result<BillManagerResponse> {
        self.config()?;
        let reference = validate::text("external_reference", &request.external_reference, 1, 100)?;
        let v = self.post(
            "v1/billmanager-invoice/cancel-single-invoice",
            &json!({"externalReference": reference}),
            Safety::Safe,
            "daraja.bill_cancel_invoice",
        )?;
        answer(&v, false)
    }

    /// Cancels invoices, in calls of at most 1000. Unpaid ones are cancelled; paid ones
    /// are listed in `errors` (with `rescode` `"409"`).
    pub fn bill_cancel_invoices(
        &self,
        request: &BillCancelInvoicesRequest,
    ) -> Result<BillManagerResponse> {
        self.config()?;
        if request.invoices.is_empty() {
            return Err(Error::invalid("invoices", "must hold at least one invoice"));
        }
        let items = request
            .invoices
            .iter()
            .enumerate()
            .map(|(i, inv)| {
                validate::text("external_reference", &inv.external_reference, 1, 100)
                    .map(|r| json!({"externalReference": r}))
                    .map_err(|e| prefixed(e, &format!("invoices[{i}].")))
            })
            .collect::<Result<Vec<Value>>>()?;
        let mut total = BillManagerResponse {
            rescode: "200".into(),
            resmsg: "Success".into(),
            status_message: None,
            app_key: None,
            errors: Vec::new(),
        };
        for part in items.chunks(BILL_BULK_LIMIT) {
            let v = self.post(
                "v1/billmanager-invoice/cancel-bulk-invoices",
                part,
                Safety::Safe,
                "daraja.bill_cancel_invoices",
            )?;
            let a = answer(&v, true)?;
            if a.rescode != "200" {
                total.rescode = a.rescode;
                total.resmsg = a.resmsg;
            }
            total.status_message = a.status_message.or(total.status_message);
            total.errors.extend(a.errors);
        }
        Ok(total)
    }

    /// Acknowledges a payment Bill Manager notified (reconciliation).
    pub fn bill_reconciliation(
        &self,
        request: &BillReconciliationRequest,
    ) -> Result<BillManagerResponse> {
        self.config()?;
        let body = json!({
            "paymentDate": validate::text("payment_date", &request.payment_date, 1, 50)?,
            "paidAmount": validate::amount("paid_amount", request.paid_amount, 1, limits::BUSINESS_MAX)?.to_string(),
            "accountReference": validate::text("account_reference", &request.account_reference, 1, 100)?,
            "transactionId": validate::text("transaction_id", &request.transaction_id, 1, 100)?,
            "phoneNumber": local_phone(&phone::parse_for("phone_number", &request.phone_number)?),
            "fullName": validate::text("full_name", &request.full_name, 1, 100)?,
            "invoiceName": validate::text("invoice_name", &request.invoice_name, 1, 100)?,
            "externalReference": validate::text("external_reference", &request.external_reference, 1, 100)?,
        });
        let v = self.post(
            "v1/billmanager-invoice/reconciliation",
            &body,
            Safety::Safe,
            "daraja.bill_reconciliation",
        )?;
        answer(&v, false)
    }
}

/// An e-mail address: `local@domain.tld`, no spaces, at most 254 characters.
fn email<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    let v = validate::text(field, value, 3, 254)?;
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(v)
    } else {
        Err(Error::invalid(field, "must be an e-mail address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_items_are_optional_and_checked() {
        let base = json!({
            "external_reference": "INV-1", "billed_full_name": "Jane", "billed_phone_number": "0708374149",
            "billed_period": "August 2021", "invoice_name": "Rent", "due_date": "2021-10-12",
            "account_reference": "ACC-1", "amount": 800,
        });
        let r = BillInvoiceRequest::from_json(&base).unwrap();
        assert_eq!(r.invoice_items, None);
        let body = invoice_body(&r).unwrap();
        assert_eq!(body["billedPhoneNumber"], "0708374149");
        assert_eq!(body["amount"], "800");
        assert!(body.get("invoiceItems").is_none());
        let mut with = base.clone();
        with["invoice_items"] = json!([{"item_name": "Water", "amount": 100}]);
        let r = BillInvoiceRequest::from_json(&with).unwrap();
        assert_eq!(
            invoice_body(&r).unwrap()["invoiceItems"][0]["itemName"],
            "Water"
        );
        with["invoice_items"] = json!([{"item_name": "Water", "amount": 0}]);
        assert_eq!(
            BillInvoiceRequest::from_json(&with).unwrap_err().field(),
            Some("invoice_items[0].amount")
        );
        with["invoice_items"] = json!("nope");
        assert_eq!(
            BillInvoiceRequest::from_json(&with).unwrap_err().field(),
            Some("invoice_items")
        );
        with["invoice_items"] = Value::Null;
        assert!(BillInvoiceRequest::from_json(&with).is_ok());
        let fields = BillInvoiceRequest::fields();
        let items = fields.iter().find(|f| f.name == "invoice_items").unwrap();
        assert!(!items.required);
        assert!(matches!(items.kind, FieldKind::List { .. }));
    }

    #[test]
    fn payments_and_answers() {
        let p = parse_bill_payment(br#"{"transactionId":"TQ4K7XG2MB","paidAmount":"800","msisdn":"254708374149","dateCreated":"2024-06-23","accountReference":"ACC-1","shortCode":"718003"}"#).unwrap();
        assert_eq!(p.paid_amount, 800.0);
        assert_eq!(p.dedup_id().as_deref(), Some("TQ4K7XG2MB"));
        for bad in [
            &b"{}"[..],
            br#"{"transactionId":"T"}"#,
            br#"{"transactionId":"T","paidAmount":"x"}"#,
        ] {
            assert_eq!(
                parse_bill_payment(bad).unwrap_err().kind(),
                "invalid_callback"
            );
        }
        assert_eq!(bill_payment_ack()["rescode"], "200");
        let paid = json!({"rescode": "409", "resmsg": "Partially or fully paid invoices cannot be cancelled."});
        let e = answer(&paid, false).unwrap_err();
        assert_eq!((e.code(), e.fate()), (Some("409"), Fate::Refused));
        assert_eq!(answer(&paid, true).unwrap().rescode, "409");
        let odd = json!({"rescode": "500", "resmsg": "?"});
        assert_eq!(answer(&odd, false).unwrap_err().fate(), Fate::Unknown);
        assert_eq!(answer(&json!({}), false).unwrap_err().kind(), "decode");
        assert!(email("e", "a@b.co").is_ok());
        assert!(email("e", "a b@c.co").is_err());
        assert!(email("e", "ab.co").is_err());
    }
}
