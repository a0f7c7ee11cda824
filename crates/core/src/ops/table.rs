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
                    let $r: $req = Request::from_json(request)?;
                    let $client = client;
                    let result: Result<$res> = $body;
                    Ok(O::from_result(&result?))
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
    "callbacks.receive": crate::ReceiveCallbackRequest => crate::ReceivedCallback as "ReceivedCallback", money: false,
        |c, r| c.receive_callback(&r.kind, r.body.as_bytes());
    /// Marks a claimed callback processed.
    "callbacks.complete": crate::ClaimRequest => crate::CompletedCallback as "CompletedCallback", money: false,
        |c, r| c.complete_callback(&r.claim).map(|lease_held| crate::CompletedCallback { completed: true, lease_held });
    /// Gives a claim back after processing failed.
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
    "umspay.confirm_payment": umspay::ConfirmPaymentRequest => Option<umspay::CompletedPayment> as "UmsPayCompletedPayment", money: false,
        |c, r| c.umspay().confirm(&r);
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
                "doc": op.doc.trim(),
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
                "doc": u.doc.trim(),
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
