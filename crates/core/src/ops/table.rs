//! The table: every operation and utility declared once — its name, request struct, result
//! type, whether it moves money, and the one line that runs it. The JSON dispatcher, the
//! lists the bindings read, and [`describe`] (what the binding generator reads) all come
//! from these declarations.
//!
//! Adding an operation: write its request struct with `request!` next to the provider
//! method, add one entry below, then run `make gen` to regenerate the bindings.

use serde_json::{json, Value};

use super::{unknown, Output};
use crate::client::Client;
use crate::error::{ErrorKind, Result};
use crate::request::{FieldInfo, NoArguments, Request};
use crate::{daraja, statum, umspay};

/// One network operation, as declared in the table.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// `provider.method`, e.g. `daraja.b2c`.
    pub name: &'static str,
    /// What it does (its doc comment).
    pub doc: &'static str,
    /// The Rust request type, as written in the table.
    pub request: &'static str,
    /// The request's fields.
    pub fields: fn() -> Vec<FieldInfo>,
    /// The result's type name in the bindings.
    pub result: &'static str,
    /// True when the result may be null.
    pub nullable: bool,
    /// True when it moves money: never resent once it may have reached the provider, and
    /// its errors carry recovery ids.
    pub money: bool,
}

/// One local utility (no network), as declared in the table.
#[derive(Debug, Clone, Copy)]
pub struct Utility {
    /// `group.name`, e.g. `phone.normalize`.
    pub name: &'static str,
    /// What it does.
    pub doc: &'static str,
    /// The Rust request type, as written in the table.
    pub request: &'static str,
    /// The request's fields.
    pub fields: fn() -> Vec<FieldInfo>,
}

/// True when a type as written starts with `Option` (a result that may be null).
const fn starts_with_option(ty: &str) -> bool {
    let (ty, prefix) = (ty.as_bytes(), b"Option");
    if ty.len() < prefix.len() {
        return false;
    }
    let mut i = 0;
    while i < prefix.len() {
        if ty[i] != prefix[i] {
            return false;
        }
        i += 1;
    }
    true
}

macro_rules! operations {
    ($(
        $(#[doc = $doc:literal])*
        $name:literal: $req:ty => $res:ty as $result:literal, money: $money:literal,
        |$client:ident, $r:ident| $body:expr;
    )*) => {
        /// Every network operation, in the order the bindings list them.
        pub static OPERATIONS: &[Operation] = &[$(Operation {
            name: $name,
            doc: concat!($($doc, "\n"),*),
            request: stringify!($req),
            fields: <$req as Request>::fields,
            result: $result,
            nullable: starts_with_option(stringify!($res)),
            money: $money,
        }),*];

        pub(super) fn dispatch<O: Output>(client: &Client, name: &str, request: &Value) -> Result<O> {
            match name {
                $($name => {
                    // Its own frame: inlined, every operation's locals would sit in the
                    // dispatcher's frame (5 KiB of stack on every call in flight).
                    #[inline(never)]
                    fn run<O: Output>($client: &Client, request: &Value) -> Result<O> {
                        let $r: $req = Request::from_json(request)?;
                        let result: Result<$res> = $body;
                        Ok(O::from_result(&result?))
                    }
                    run(client, request)
                })*
                other => Err(unknown("operation", other)),
            }
        }
    };
}

macro_rules! utilities {
    ($(
        $(#[doc = $doc:literal])*
        $name:literal: $req:ty, |$r:ident| $body:expr;
    )*) => {
        /// Every local utility, in the order the bindings list them.
        pub static UTILITIES: &[Utility] = &[$(Utility {
            name: $name,
            doc: concat!($($doc, "\n"),*),
            request: stringify!($req),
            fields: <$req as Request>::fields,
        }),*];

        pub(super) fn run_utility(name: &str, request: &Value) -> Result<Value> {
            match name {
                $($name => {
                    let $r: $req = Request::from_json(request)?;
                    let result: Result<Value> = $body;
                    result
                })*
                other => Err(unknown("utility", other)),
            }
        }
    };
}

operations! {
    /// Sends one SMS.
    "statum.send_sms": statum::SendSmsRequest => statum::StatumResponse as "StatumResponse", money: false,
        |c, r| c.statum().send_sms(&r);
    /// Buys airtime for a phone (moves money).
    "statum.airtime": statum::AirtimeRequest => statum::StatumResponse as "StatumResponse", money: true,
        |c, r| c.statum().airtime(&r);
    /// The Statum account: organisation, balance, service accounts.
    "statum.account_details": NoArguments => statum::AccountDetails as "AccountDetails", money: false,
        |c, _r| c.statum().account_details();
    /// Parses a callback and claims it (see the README's callbacks section).
    ///
    /// Request `{"kind", "body"}` (`body`: the raw request body, as a string). Claims the
    /// callback's id for the store's `callback_lease_ms` (60000 by default). Result
    /// `{"first_time", "status", "claim", "id", "callback"}`, by `status`:
    /// - `"claimed"` (`first_time` true, `claim` a token): process it, then
    ///   `callbacks.complete` (redeliveries are then `"done"`), or `callbacks.release` when
    ///   processing failed (the next redelivery is claimed and processed). A worker that
    ///   dies holding a claim loses it after the lease;
    /// - `"in_progress"`: another worker holds the claim: answer non-200 (e.g. 503) so the
    ///   provider delivers it again later;
    /// - `"done"`: a redelivery of a processed callback: answer 200, do nothing.
    ///
    /// `claim` is null unless claimed. A store failure is a `store` error, never a guess:
    /// answer non-200.
    "callbacks.receive": crate::ReceiveCallbackRequest => crate::ReceivedCallback as "ReceivedCallback", money: false,
        |c, r| c.receive_callback(&r.kind, r.body.as_bytes());
    /// Marks a claimed callback processed.
    ///
    /// Request `{"claim"}` (from `callbacks.receive`): redeliveries are `"done"` for the
    /// store's `dedup_ttl_secs`. Result `{"completed": true, "lease_held"}`; `lease_held`
    /// false: the lease had expired before completion, so another worker may have
    /// processed it too.
    "callbacks.complete": crate::ClaimRequest => crate::CompletedCallback as "CompletedCallback", money: false,
        |c, r| c.complete_callback(&r.claim).map(|lease_held| crate::CompletedCallback { completed: true, lease_held });
    /// Gives a claim back after processing failed.
    ///
    /// Request `{"claim"}` (from `callbacks.receive`): the next redelivery is claimed and
    /// processed. Result `{"released"}`: false when the lease had already expired.
    "callbacks.release": crate::ClaimRequest => crate::ReleasedCallback as "ReleasedCallback", money: false,
        |c, r| c.release_callback(&r.claim).map(|released| crate::ReleasedCallback { released });
    /// True the first time an id is seen (fleet-wide with Redis).
    "callbacks.first_time": crate::FirstTimeRequest => crate::FirstTime as "FirstTime", money: false,
        |c, r| c.first_time(&r.id).map(|first_time| crate::FirstTime { first_time });
    /// M-Pesa Express: asks the payer to approve a payment on their phone (moves money).
    "daraja.stk_push": daraja::StkPushRequest => daraja::StkPushResponse as "StkPushResponse", money: true,
        |c, r| c.daraja().stk_push(&r);
    /// The state of an STK push.
    "daraja.stk_query": daraja::StkQueryRequest => daraja::StkQueryResponse as "StkQueryResponse", money: false,
        |c, r| c.daraja().stk_query(&r.checkout_request_id);
    /// Verifies a payment before shipping goods: the query's answer when paid, else null.
    ///
    /// Request `{"checkout_request_id"}` and/or `{"callback"}` (the raw callback body). A
    /// callback claiming success is first checked against the payment journal: a push
    /// recorded there with another amount or phone, or (with a Redis store, or
    /// `store.journal_required`) a push the journal does not hold, fails with an
    /// `invalid_callback` error: someone forged it. So does a callback Daraja does not
    /// confirm, or whose `CheckoutRequestID` Daraja does not know. With the memory store, a
    /// push the journal does not hold (another process may have made it) is verified by the
    /// query alone.
    "daraja.confirm_stk_payment": daraja::ConfirmStkPaymentRequest => Option<daraja::StkQueryResponse> as "StkQueryResponse", money: false,
        |c, r| c.daraja().confirm_stk_payment(r.checkout_request_id.as_deref(), r.callback.as_deref().map(str::as_bytes));
    /// Registers the C2B confirmation and validation URLs.
    "daraja.c2b_register_urls": daraja::C2bRegisterRequest => daraja::C2bRegisterResponse as "C2bResponse", money: false,
        |c, r| c.daraja().c2b_register_urls(&r);
    /// Simulates a customer paying the shortcode (Daraja's sandbox only).
    "daraja.c2b_simulate": daraja::C2bSimulateRequest => daraja::C2bRegisterResponse as "C2bResponse", money: false,
        |c, r| c.daraja().c2b_simulate(&r);
    /// Pays a customer (moves money); the result arrives on the ResultURL.
    "daraja.b2c": daraja::B2cRequest => daraja::B2cResponse as "B2cResponse", money: true,
        |c, r| c.daraja().b2c(&r);
    /// Pays a business (moves money); the result arrives on the ResultURL.
    "daraja.b2b": daraja::B2bRequest => daraja::InitiatorResponse as "InitiatorResponse", money: true,
        |c, r| c.daraja().b2b(&r);
    /// Asks for a transaction's status; the answer arrives on the ResultURL.
    "daraja.transaction_status": daraja::TransactionStatusRequest => daraja::InitiatorResponse as "InitiatorResponse", money: false,
        |c, r| c.daraja().transaction_status(&r);
    /// Asks for the shortcode's balances; the answer arrives on the ResultURL.
    "daraja.account_balance": daraja::AccountBalanceRequest => daraja::InitiatorResponse as "InitiatorResponse", money: false,
        |c, r| c.daraja().account_balance(&r);
    /// Reverses a C2B payment (moves money); the result arrives on the ResultURL.
    "daraja.reversal": daraja::ReversalRequest => daraja::InitiatorResponse as "InitiatorResponse", money: true,
        |c, r| c.daraja().reversal(&r);
    /// A dynamic M-Pesa QR code (a PNG, base64).
    "daraja.dynamic_qr": daraja::DynamicQrRequest => daraja::DynamicQr as "DynamicQr", money: false,
        |c, r| c.daraja().dynamic_qr(&r);
    /// Prompts a payer through UMS Pay (moves money).
    "umspay.stk_push": umspay::StkPushRequest => umspay::StkPush as "UmsPayStkPush", money: true,
        |c, r| c.umspay().stk_push(&r);
    /// A UMS Pay payment's status.
    "umspay.transaction_status": umspay::TransactionStatusRequest => umspay::TransactionStatus as "UmsPayTransactionStatus", money: false,
        |c, r| c.umspay().transaction_status(&r.transaction_request_id);
    /// Polls a UMS Pay payment until it is final or the timeout passes.
    "umspay.wait_for_status": umspay::WaitForStatusRequest => umspay::TransactionStatus as "UmsPayTransactionStatus", money: false,
        |c, r| c.umspay().wait_for_status(&r.transaction_request_id, r.timeout()?);
    /// Verifies a UMS Pay payment before shipping goods: the payment when completed, else null.
    ///
    /// Request `{"transaction_request_id"}` or `{"webhook"}` (the raw webhook body). A
    /// webhook saying "completed" is first checked against the payment journal, as with
    /// `daraja.confirm_stk_payment` (amount, phone and reference), then against UMS Pay; a
    /// disagreement fails with an `invalid_callback` error.
    "umspay.confirm_payment": umspay::ConfirmPaymentRequest => Option<umspay::CompletedPayment> as "UmsPayCompletedPayment", money: false,
        |c, r| c.umspay().confirm(&r);
    /// Tops up a B2C shortcode's Utility account from the Working account (moves money);
    /// the result arrives on the ResultURL.
    "daraja.b2c_topup": daraja::B2cTopupRequest => daraja::InitiatorResponse as "InitiatorResponse", money: true,
        |c, r| c.daraja().b2c_topup(&r);
    /// Pays a customer's Pochi la Biashara wallet (moves money); the result arrives on the
    /// ResultURL.
    "daraja.b2pochi": daraja::B2PochiRequest => daraja::B2cResponse as "B2cResponse", money: true,
        |c, r| c.daraja().b2pochi(&r);
    /// Remits tax to KRA against a PRN (moves money); the result arrives on the ResultURL.
    "daraja.remit_tax": daraja::RemitTaxRequest => daraja::InitiatorResponse as "InitiatorResponse", money: true,
        |c, r| c.daraja().remit_tax(&r);
    /// B2B Express Checkout: prompts a merchant to pay from their till (moves money); the
    /// outcome arrives on the callback URL.
    "daraja.b2b_express_checkout": daraja::B2bExpressCheckoutRequest => daraja::B2bExpressCheckoutResponse as "B2bExpressCheckoutResponse", money: true,
        |c, r| c.daraja().b2b_express_checkout(&r);
    /// Registers a shortcode for Pull Transactions.
    "daraja.pull_register": daraja::PullRegisterRequest => daraja::PullRegisterResponse as "PullRegisterResponse", money: false,
        |c, r| c.daraja().pull_register(&r);
    /// Every C2B payment of a period (all pages).
    "daraja.pull_transactions": daraja::PullTransactionsRequest => daraja::PullTransactions as "PullTransactions", money: false,
        |c, r| c.daraja().pull_transactions(&r);
    /// Creates a standing order (M-Pesa Ratiba: a debit mandate, sent once); the outcome
    /// arrives on the callback URL.
    "daraja.ratiba_create": daraja::RatibaRequest => daraja::RatibaResponse as "RatibaResponse", money: true,
        |c, r| c.daraja().ratiba_create(&r);
    /// Opts the paybill in to Bill Manager.
    "daraja.bill_optin": daraja::BillOptInRequest => daraja::BillManagerResponse as "BillManagerResponse", money: false,
        |c, r| c.daraja().bill_optin(&r);
    /// Changes the Bill Manager opt-in details.
    "daraja.bill_change_optin": daraja::BillOptInRequest => daraja::BillManagerResponse as "BillManagerResponse", money: false,
        |c, r| c.daraja().bill_change_optin(&r);
    /// Sends one Bill Manager invoice (sent once).
    "daraja.bill_invoice": daraja::BillInvoiceRequest => daraja::BillManagerResponse as "BillManagerResponse", money: false,
        |c, r| c.daraja().bill_invoice(&r);
    /// Sends a list of invoices in calls of at most 1000 (each sent once): per-call results.
    "daraja.bill_invoices": daraja::BillInvoicesRequest => daraja::BillInvoicesResponse as "BillInvoicesResponse", money: false,
        |c, r| c.daraja().bill_invoices(&r);
    /// Cancels an unpaid invoice.
    "daraja.bill_cancel_invoice": daraja::BillCancelInvoiceRequest => daraja::BillManagerResponse as "BillManagerResponse", money: false,
        |c, r| c.daraja().bill_cancel_invoice(&r);
    /// Cancels invoices (unpaid ones; paid ones are listed in `errors`).
    "daraja.bill_cancel_invoices": daraja::BillCancelInvoicesRequest => daraja::BillManagerResponse as "BillManagerResponse", money: false,
        |c, r| c.daraja().bill_cancel_invoices(&r);
    /// Acknowledges a payment Bill Manager notified.
    "daraja.bill_reconciliation": daraja::BillReconciliationRequest => daraja::BillManagerResponse as "BillManagerResponse", money: false,
        |c, r| c.daraja().bill_reconciliation(&r);
    /// Settles the journal's payments older than `older_than_ms` that have no final outcome
    /// (STK query, transaction status, UMS Pay status, Pull Transactions for C2B); queries
    /// only, paced, safe from several workers at once (docs/reconcile.md).
    "journal.reconcile": crate::ReconcileRequest => crate::ReconcileReport as "ReconcileReport", money: false,
        |c, r| c.reconcile(&r);
}

utilities! {
    /// Normalises a Kenyan phone number: `{phone, carrier}`.
    "phone.normalize": crate::phone::PhoneRequest,
        |r| crate::phone::Phone::parse(&r.phone).map(|p| json!({"phone": p.as_str(), "carrier": p.carrier()}));
    /// The STK password for a shortcode and passkey: `{password, timestamp}`.
    "daraja.stk_password": daraja::utilities::StkPasswordRequest,
        |r| daraja::utilities::stk_password_utility(&r);
    /// Now in Kenyan time as `YYYYMMDDHHmmss`: `{timestamp}`.
    "daraja.timestamp": NoArguments,
        |_r| Ok(daraja::utilities::timestamp_utility());
    /// Encrypts an initiator password: `{security_credential}`.
    "daraja.security_credential": daraja::utilities::SecurityCredentialRequest,
        |r| daraja::utilities::security_credential_utility(&r);
    /// The C2B validation reply that accepts the payment.
    "daraja.c2b_accept": daraja::utilities::C2bAcceptRequest,
        |r| Ok(daraja::utilities::c2b_accept_utility(&r));
    /// The C2B validation reply that rejects the payment.
    "daraja.c2b_reject": daraja::utilities::C2bRejectRequest,
        |r| daraja::utilities::c2b_reject_utility(&r);
    /// The reply to a C2B confirmation.
    "daraja.c2b_confirmation_ack": NoArguments,
        |_r| Ok(daraja::utilities::c2b_confirmation_ack_utility());
    /// The reply to a Bill Manager payment notification: `{"rescode": "200", "resmsg": "Success"}`.
    "daraja.bill_payment_ack": NoArguments,
        |_r| Ok(daraja::bill_payment_ack());
}

/// The request type's name in the bindings: the Rust name, prefixed with the provider when
/// two providers use the same one (`umspay::StkPushRequest` is `UmsPayStkPushRequest`).
fn binding_type(rust: &str, all: &[&str]) -> String {
    let last = |path: &str| path.rsplit("::").next().unwrap_or(path).trim().to_string();
    let name = last(rust);
    let clashes = all.iter().filter(|other| last(other) == name).count() > 1;
    match rust.split("::").next() {
        Some("umspay") if clashes => format!("UmsPay{name}"),
        Some("statum") if clashes => format!("Statum{name}"),
        _ => name,
    }
}

/// A doc comment as written (each line with the space after `///`), without that space.
fn clean_doc(doc: &str) -> String {
    let lines: Vec<&str> = doc
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end())
        .collect();
    lines.join("\n").trim().to_string()
}

/// The whole table as JSON, for the binding generator and for users: operations (name,
/// doc, money, request type and fields, result type), utilities, callback kinds and error
/// kinds.
pub fn describe() -> Value {
    let all: Vec<&str> = OPERATIONS
        .iter()
        .map(|op| op.request)
        .chain(UTILITIES.iter().map(|u| u.request))
        .collect();
    let split = |name: &'static str| name.split_once('.').unwrap_or(("", name));
    let operations: Vec<Value> = OPERATIONS
        .iter()
        .map(|op| {
            let (group, method) = split(op.name);
            json!({
                "name": op.name,
                "group": group,
                "method": method,
                "doc": clean_doc(op.doc),
                "money": op.money,
                "request": binding_type(op.request, &all),
                "fields": (op.fields)(),
                "result": op.result,
                "nullable": op.nullable,
            })
        })
        .collect();
    let utilities: Vec<Value> = UTILITIES
        .iter()
        .map(|u| {
            let (group, method) = split(u.name);
            json!({
                "name": u.name,
                "group": group,
                "method": method,
                "doc": clean_doc(u.doc),
                "request": binding_type(u.request, &all),
                "fields": (u.fields)(),
            })
        })
        .collect();
    let callbacks: Vec<Value> = crate::callback::KINDS
        .iter()
        .map(|(kind, result)| {
            let (group, method) = split(kind);
            json!({"kind": kind, "group": group, "method": method, "result": result})
        })
        .collect();
    let errors: Vec<Value> = ErrorKind::ALL
        .iter()
        .map(|k| json!({"name": k.as_str(), "description": k.description()}))
        .collect();
    json!({
        "operations": operations,
        "utilities": utilities,
        "callbacks": callbacks,
        "error_kinds": errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_request_types_distinct() {
        let mut names: Vec<&str> = OPERATIONS.iter().map(|o| o.name).collect();
        names.extend(UTILITIES.iter().map(|u| u.name));
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        let d = describe();
        let ops = d["operations"].as_array().unwrap();
        let push = ops.iter().find(|o| o["name"] == "umspay.stk_push").unwrap();
        assert_eq!(push["request"], "UmsPayStkPushRequest");
        assert_eq!(push["money"], true);
        let stk = ops.iter().find(|o| o["name"] == "daraja.stk_push").unwrap();
        assert_eq!(stk["request"], "StkPushRequest");
        assert_eq!(stk["fields"][0]["name"], "phone");
        assert_eq!(stk["fields"][1]["type"], "amount");
        let confirm = ops
            .iter()
            .find(|o| o["name"] == "daraja.confirm_stk_payment")
            .unwrap();
        assert_eq!(confirm["nullable"], true);
    }

    #[test]
    fn utilities_work() {
        use crate::daraja::stk_password;
        let util = |name: &str, v: Value| run_utility(name, &v);
        let v = util(
            "daraja.stk_password",
            json!({"shortcode": "174379", "passkey": "pk", "timestamp": "20240101000000"}),
        )
        .unwrap();
        assert_eq!(
            v["password"],
            stk_password("174379", "pk", "20240101000000")
        );
        let bad_time = json!({"shortcode": "174379", "passkey": "pk", "timestamp": "2024"});
        assert_eq!(
            util("daraja.stk_password", bad_time).unwrap_err().field(),
            Some("timestamp")
        );
        let v = util(
            "daraja.security_credential",
            json!({"password": "x", "environment": "sandbox"}),
        )
        .unwrap();
        assert_eq!(v["security_credential"].as_str().unwrap().len(), 344);
        let junk = json!({"password": "x", "certificate_pem": "junk"});
        assert_eq!(
            util("daraja.security_credential", junk)
                .unwrap_err()
                .field(),
            Some("certificate_pem")
        );
        assert_eq!(
            util("daraja.c2b_reject", json!({"reason": "C2B00013"})).unwrap()["ResultCode"],
            "C2B00013"
        );
        assert_eq!(
            util("daraja.c2b_accept", json!({})).unwrap()["ResultCode"],
            "0"
        );
        assert_eq!(
            util("daraja.c2b_confirmation_ack", Value::Null).unwrap()["ResultCode"],
            0
        );
        assert_eq!(
            util("daraja.c2b_accept", json!({"bogus": 1}))
                .unwrap_err()
                .field(),
            Some("bogus")
        );
        assert_eq!(
            util("daraja.nope", Value::Null).unwrap_err().field(),
            Some("utility")
        );
    }

    #[test]
    fn every_callback_kind_is_routed() {
        for (kind, _) in crate::callback::KINDS {
            let err = crate::callback::Callback::parse(kind, b"{}").unwrap_err();
            assert_eq!(err.kind(), "invalid_callback", "{kind}");
        }
    }
}
