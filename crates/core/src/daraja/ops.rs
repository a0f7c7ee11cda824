//! JSON entry points for the bindings (see [`crate::ops`]).
//!
//! | operation | request fields |
//! |---|---|
//! | `daraja.stk_push` | `phone`, `amount`, `account_reference`, `transaction_desc`?, `callback_url`?, `transaction_type`? (`pay_bill`/`buy_goods`), `till_number`? |
//! | `daraja.stk_query` | `checkout_request_id` |
//! | `daraja.confirm_stk_payment` | `checkout_request_id`? and/or `callback`? (the raw callback body): the query's answer when paid, else `null` |
//! | `daraja.c2b_register_urls` | `confirmation_url`, `validation_url`, `response_type`? (`Completed`/`Cancelled`), `shortcode`? |
//! | `daraja.c2b_simulate` | `phone`, `amount`, `bill_ref_number`?, `command_id`? (`pay_bill`/`buy_goods`), `shortcode`? |
//! | `daraja.b2c` | `phone`, `amount`, `remarks`, `command_id`?, `occasion`?, `shortcode`?, `result_url`?, `timeout_url`?, `originator_conversation_id`? |
//! | `daraja.b2b` | `party_b`, `amount`, `remarks`, `command_id`? (`business_pay_bill`/`business_buy_goods`), `account_reference`?, `requester`?, `occasion`?, `shortcode`?, `result_url`?, `timeout_url`? |
//! | `daraja.transaction_status` | `transaction_id`? and/or `original_conversation_id`?, `identifier_type`?, `remarks`?, `occasion`?, `shortcode`?, `result_url`?, `timeout_url`? |
//! | `daraja.account_balance` | `identifier_type`?, `remarks`?, `shortcode`?, `result_url`?, `timeout_url`? |
//! | `daraja.reversal` | `transaction_id`, `amount`, `remarks`, `shortcode`?, `result_url`?, `timeout_url`? |
//! | `daraja.dynamic_qr` | `merchant_name`, `ref_no`, `amount`, `trx_code` (`BG`/`WA`/`PB`/`SM`/`SB`), `cpi`, `size`? |
//!
//! Utilities: `daraja.stk_password {shortcode, passkey, timestamp?}` → `{password,
//! timestamp}`; `daraja.timestamp {}` → `{timestamp}`; `daraja.security_credential
//! {password, certificate_pem?, environment?}` → `{security_credential}`; `daraja.c2b_accept
//! {third_party_trans_id?}`, `daraja.c2b_reject {reason}` (a code `C2B00011`… or a name
//! `invalid_msisdn`…) and `daraja.c2b_confirmation_ack {}` → the reply body to send.

use serde_json::{json, Value};

use super::*;
use crate::client::Client;
use crate::error::Result;
use crate::ops::{to_json, Args, Output};

/// Operation names handled here.
pub const OPERATIONS: &[&str] = &[
    "daraja.stk_push",
    "daraja.stk_query",
    "daraja.confirm_stk_payment",
    "daraja.c2b_register_urls",
    "daraja.c2b_simulate",
    "daraja.b2c",
    "daraja.b2b",
    "daraja.transaction_status",
    "daraja.account_balance",
    "daraja.reversal",
    "daraja.dynamic_qr",
];
/// Callback kinds handled here.
pub const CALLBACKS: &[&str] = &[
    "daraja.stk_callback",
    "daraja.result",
    "daraja.c2b_validation",
    "daraja.c2b_confirmation",
    "daraja.queue_timeout",
];
/// Local utilities handled here.
pub const UTILITIES: &[&str] = &[
    "daraja.stk_password",
    "daraja.timestamp",
    "daraja.security_credential",
    "daraja.c2b_accept",
    "daraja.c2b_reject",
    "daraja.c2b_confirmation_ack",
];

/// Runs `name` if it is one of this provider's operations.
pub fn call<O: Output>(client: &Client, name: &str, args: &Args<'_>) -> Option<Result<O>> {
    if !OPERATIONS.contains(&name) {
        return None;
    }
    Some(run(client, name, args))
}

fn run<O: Output>(client: &Client, name: &str, a: &Args<'_>) -> Result<O> {
    let d = client.daraja();
    match name {
        "daraja.stk_push" => {
            let req = StkPushRequest {
                phone: a.str("phone")?,
                amount: a.amount("amount")?,
                account_reference: a.str("account_reference")?,
                transaction_desc: a.opt_str("transaction_desc")?,
                callback_url: a.opt_str("callback_url")?,
                transaction_type: match a.opt_str("transaction_type")? {
                    Some(t) => stk::StkTransactionType::parse("transaction_type", &t)?,
                    None => StkTransactionType::PayBill,
                },
                till_number: a.opt_str("till_number")?,
            };
            a.finish()?;
            Ok(O::from_result(&d.stk_push(&req)?))
        }
        "daraja.stk_query" => {
            let id = a.str("checkout_request_id")?;
            a.finish()?;
            Ok(O::from_result(&d.stk_query(&id)?))
        }
        "daraja.confirm_stk_payment" => {
            let id = a.opt_str("checkout_request_id")?;
            let callback = a.opt_str("callback")?;
            a.finish()?;
            Ok(O::from_result(&d.confirm_stk_payment(
                id.as_deref(),
                callback.as_deref().map(str::as_bytes),
            )?))
        }
        "daraja.c2b_register_urls" => {
            let req = C2bRegisterRequest {
                shortcode: a.opt_str("shortcode")?,
                response_type: match a.opt_str("response_type")? {
                    Some(t) => C2bResponseType::parse("response_type", &t)?,
                    None => C2bResponseType::Completed,
                },
                confirmation_url: a.str("confirmation_url")?,
                validation_url: a.str("validation_url")?,
            };
            a.finish()?;
            Ok(O::from_result(&d.c2b_register_urls(&req)?))
        }
        "daraja.c2b_simulate" => {
            let req = C2bSimulateRequest {
                shortcode: a.opt_str("shortcode")?,
                command_id: match a.opt_str("command_id")? {
                    Some(c) => C2bCommand::parse("command_id", &c)?,
                    None => C2bCommand::PayBill,
                },
                amount: a.amount("amount")?,
                phone: a.str("phone")?,
                bill_ref_number: a.opt_str("bill_ref_number")?,
            };
            a.finish()?;
            Ok(O::from_result(&d.c2b_simulate(&req)?))
        }
        "daraja.b2c" => {
            let req = B2cRequest {
                phone: a.str("phone")?,
                amount: a.amount("amount")?,
                command_id: match a.opt_str("command_id")? {
                    Some(c) => B2cCommand::parse("command_id", &c)?,
                    None => B2cCommand::BusinessPayment,
                },
                remarks: a.str("remarks")?,
                occasion: a.opt_str("occasion")?,
                shortcode: a.opt_str("shortcode")?,
                result_url: a.opt_str("result_url")?,
                timeout_url: a.opt_str("timeout_url")?,
                originator_conversation_id: a.opt_str("originator_conversation_id")?,
            };
            a.finish()?;
            Ok(O::from_result(&d.b2c(&req)?))
        }
        "daraja.b2b" => {
            let req = B2bRequest {
                party_b: a.str("party_b")?,
                amount: a.amount("amount")?,
                command_id: match a.opt_str("command_id")? {
                    Some(c) => B2bCommand::parse("command_id", &c)?,
                    None => B2bCommand::BusinessPayBill,
                },
                account_reference: a.opt_str("account_reference")?,
                requester: a.opt_str("requester")?,
                remarks: a.str("remarks")?,
                occasion: a.opt_str("occasion")?,
                shortcode: a.opt_str("shortcode")?,
                result_url: a.opt_str("result_url")?,
                timeout_url: a.opt_str("timeout_url")?,
            };
            a.finish()?;
            Ok(O::from_result(&d.b2b(&req)?))
        }
        "daraja.transaction_status" => {
            let req = TransactionStatusRequest {
                transaction_id: a.opt_str("transaction_id")?,
                original_conversation_id: a.opt_str("original_conversation_id")?,
                shortcode: a.opt_str("shortcode")?,
                identifier_type: identifier(a)?,
                remarks: a.opt_str("remarks")?,
                occasion: a.opt_str("occasion")?,
                result_url: a.opt_str("result_url")?,
                timeout_url: a.opt_str("timeout_url")?,
            };
            a.finish()?;
            Ok(O::from_result(&d.transaction_status(&req)?))
        }
        "daraja.account_balance" => {
            let req = AccountBalanceRequest {
                shortcode: a.opt_str("shortcode")?,
                identifier_type: identifier(a)?,
                remarks: a.opt_str("remarks")?,
                result_url: a.opt_str("result_url")?,
                timeout_url: a.opt_str("timeout_url")?,
            };
            a.finish()?;
            Ok(O::from_result(&d.account_balance(&req)?))
        }
        "daraja.reversal" => {
            let req = ReversalRequest {
                transaction_id: a.str("transaction_id")?,
                amount: a.amount("amount")?,
                remarks: a.str("remarks")?,
                shortcode: a.opt_str("shortcode")?,
                result_url: a.opt_str("result_url")?,
                timeout_url: a.opt_str("timeout_url")?,
            };
            a.finish()?;
            Ok(O::from_result(&d.reversal(&req)?))
        }
        "daraja.dynamic_qr" => {
            let size = match a.opt_u64("size")? {
                Some(s) => Some(
                    u32::try_from(s)
                        .map_err(|_| crate::error::Error::invalid("size", "is too large"))?,
                ),
                None => None,
            };
            let req = DynamicQrRequest {
                merchant_name: a.str("merchant_name")?,
                ref_no: a.str("ref_no")?,
                amount: a.amount("amount")?,
                trx_code: QrTrxCode::parse("trx_code", &a.str("trx_code")?)?,
                cpi: a.str("cpi")?,
                size,
            };
            a.finish()?;
            Ok(O::from_result(&d.dynamic_qr(&req)?))
        }
        _ => unreachable!("checked against OPERATIONS"),
    }
}

fn identifier(a: &Args<'_>) -> Result<IdentifierType> {
    match a.opt_str("identifier_type")? {
        Some(t) => IdentifierType::parse("identifier_type", &t),
        None => Ok(IdentifierType::Shortcode),
    }
}

/// Parses a callback of `kind` if it is one of this provider's.
pub fn parse_callback(kind: &str, body: &[u8]) -> Option<Result<Value>> {
    Some(match kind {
        "daraja.stk_callback" => parse_stk_callback(body).map(to_json),
        "daraja.result" => parse_result(body).map(to_json),
        "daraja.c2b_validation" => parse_c2b_validation(body).map(to_json),
        "daraja.c2b_confirmation" => parse_c2b_confirmation(body).map(to_json),
        "daraja.queue_timeout" => parse_queue_timeout(body).map(to_json),
        _ => return None,
    })
}

/// Runs a local utility if it is one of this provider's.
pub fn utility(name: &str, a: &Args<'_>) -> Option<Result<Value>> {
    if !UTILITIES.contains(&name) {
        return None;
    }
    Some(run_utility(name, a))
}

fn run_utility(name: &str, a: &Args<'_>) -> Result<Value> {
    use crate::error::Error;
    match name {
        "daraja.stk_password" => {
            let shortcode = a.str("shortcode")?;
            let passkey = a.str("passkey")?;
            let ts = a.opt_str("timestamp")?;
            a.finish()?;
            config::shortcode_rule(&shortcode).map_err(|r| Error::invalid("shortcode", r))?;
            let ts = match ts {
                Some(t) if time::is_timestamp(t.trim()) => t.trim().to_string(),
                Some(_) => {
                    return Err(Error::invalid(
                        "timestamp",
                        "must be YYYYMMDDHHmmss (Kenyan time)",
                    ))
                }
                None => timestamp(),
            };
            Ok(json!({"password": stk_password(shortcode.trim(), &passkey, &ts), "timestamp": ts}))
        }
        "daraja.timestamp" => {
            a.finish()?;
            Ok(json!({"timestamp": timestamp()}))
        }
        "daraja.security_credential" => {
            let password = a.str("password")?;
            let pem = a.opt_str("certificate_pem")?;
            let env = a.opt_str("environment")?;
            a.finish()?;
            let env = match env {
                Some(e) => Environment::parse(&e).ok_or_else(|| {
                    Error::invalid("environment", "must be sandbox or production")
                })?,
                None => Environment::Production,
            };
            let credential = match pem {
                Some(p) => {
                    security_credential_with(&password, p.as_bytes()).map_err(|e| match e {
                        Error::InvalidInput { field, rule } if field == "certificate" => {
                            Error::invalid("certificate_pem", rule)
                        }
                        other => other,
                    })?
                }
                None => security_credential(&password, env)?,
            };
            Ok(json!({"security_credential": credential}))
        }
        "daraja.c2b_accept" => {
            let id = a.opt_str("third_party_trans_id")?;
            a.finish()?;
            Ok(c2b_accept(id.as_deref()))
        }
        "daraja.c2b_reject" => {
            let reason = a.str("reason")?;
            a.finish()?;
            let r = C2bRejection::parse(&reason).ok_or_else(|| {
                Error::invalid(
                    "reason",
                    "must be a code C2B00011..C2B00016 or invalid_msisdn, invalid_account_number, invalid_amount, invalid_kyc, invalid_shortcode, other",
                )
            })?;
            Ok(c2b_reject(r))
        }
        "daraja.c2b_confirmation_ack" => {
            a.finish()?;
            Ok(c2b_confirmation_ack())
        }
        _ => unreachable!("checked against UTILITIES"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn util(name: &str, v: Value) -> Result<Value> {
        let args = Args::new(&v)?;
        utility(name, &args).unwrap()
    }

    #[test]
    fn utilities_work() {
        let v = util(
            "daraja.stk_password",
            json!({"shortcode": "174379", "passkey": "pk", "timestamp": "20240101000000"}),
        )
        .unwrap();
        assert_eq!(
            v["password"],
            stk_password("174379", "pk", "20240101000000")
        );
        assert_eq!(
            util(
                "daraja.stk_password",
                json!({"shortcode": "174379", "passkey": "pk", "timestamp": "2024"})
            )
            .unwrap_err()
            .field(),
            Some("timestamp")
        );
        let v = util(
            "daraja.security_credential",
            json!({"password": "x", "environment": "sandbox"}),
        )
        .unwrap();
        assert_eq!(v["security_credential"].as_str().unwrap().len(), 344);
        assert_eq!(
            util(
                "daraja.security_credential",
                json!({"password": "x", "certificate_pem": "junk"})
            )
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
        assert!(utility("daraja.nope", &Args::new(&Value::Null).unwrap()).is_none());
    }

    #[test]
    fn every_callback_kind_is_routed() {
        for kind in CALLBACKS {
            let r = parse_callback(kind, b"{}").expect("routed");
            assert_eq!(r.unwrap_err().kind(), "invalid_callback");
        }
        assert!(parse_callback("daraja.nope", b"{}").is_none());
    }
}
