//! The Daraja part of the control API, under `/_sandbox/daraja` (not counted as provider
//! requests), for tests in any language:
//!
//! | request | effect |
//! |---|---|
//! | `GET /_sandbox/daraja/settings` | the run-time settings ([`super::Tunables`]) |
//! | `POST /_sandbox/daraja/settings` `{"callback_drop_percent": 30, ...}` | changes the given ones; answers them all |
//! | `GET /_sandbox/daraja/ledger` | `{"entries": [...]}`, see [`super::LedgerEntry::to_json`] |
//! | `GET /_sandbox/daraja/billmanager/invoices` | `{"invoices": [...]}` |
//! | `POST /_sandbox/daraja/billmanager/pay` `{"externalReference": "...", "amount"?: 800, "msisdn"?: "2547..."}` | a customer pays the invoice |

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::{Daraja, KeyCase, Tunables, CALLBACK_KINDS};
use crate::http::{Request, Response};
use crate::Shared;

fn bad(message: &str) -> Response {
    Response::json(400, &json!({"error": message}))
}

fn tunables_json(t: &Tunables) -> Value {
    json!({
        "callback_drop_percent": t.callback_drop_percent,
        "callback_drop_seed": t.callback_drop_seed,
        "callback_drop_kinds": t.callback_drop_kinds,
        "pull_page_size": t.pull_page_size,
        "ratiba_key_case": t.ratiba_key_case.name(),
        "bill_manager_retries": t.bill_manager_retries,
        "bill_manager_retry_gap_ms": t.bill_manager_retry_gap.as_millis() as u64,
    })
}

/// Applies the given fields to `t`; an unknown field or a bad value is an error.
fn apply(t: &mut Tunables, changes: &Map<String, Value>) -> Result<(), String> {
    for (key, value) in changes {
        let number = || {
            value
                .as_u64()
                .ok_or_else(|| format!("{key} must be a non-negative integer"))
        };
        match key.as_str() {
            "callback_drop_percent" => {
                let p = number()?;
                if p > 100 {
                    return Err("callback_drop_percent must be 0 to 100".into());
                }
                t.callback_drop_percent = p as u8;
            }
            "callback_drop_seed" => t.callback_drop_seed = number()?,
            "callback_drop_kinds" => {
                let Some(list) = value.as_array() else {
                    return Err("callback_drop_kinds must be a list of kinds".into());
                };
                let mut kinds = Vec::new();
                for k in list {
                    match k.as_str() {
                        Some(k) if CALLBACK_KINDS.contains(&k) => kinds.push(k.to_string()),
                        _ => {
                            return Err(format!(
                                "unknown callback kind {k}; kinds: {}",
                                CALLBACK_KINDS.join(", ")
                            ))
                        }
                    }
                }
                t.callback_drop_kinds = kinds;
            }
            "pull_page_size" => {
                let n = number()?;
                if n == 0 {
                    return Err("pull_page_size must be at least 1".into());
                }
                t.pull_page_size = n as usize;
            }
            "ratiba_key_case" => {
                t.ratiba_key_case = value
                    .as_str()
                    .and_then(KeyCase::parse)
                    .ok_or("ratiba_key_case must be camel, pascal or mixed")?;
            }
            "bill_manager_retries" => t.bill_manager_retries = number()? as u32,
            "bill_manager_retry_gap_ms" => {
                t.bill_manager_retry_gap = Duration::from_millis(number()?);
            }
            other => return Err(format!("unknown setting {other}")),
        }
    }
    Ok(())
}

impl Daraja {
    /// Answers `/_sandbox/daraja{path}`.
    pub fn control(&self, shared: &Shared, path: &str, req: &Request) -> Response {
        match (req.method.as_str(), path.trim_end_matches('/')) {
            ("GET", "/settings") => Response::json(200, &tunables_json(&self.tunables())),
            ("POST", "/settings") => {
                let Some(Value::Object(changes)) = req.json() else {
                    return bad("the body must be a JSON object of settings");
                };
                let mut t = self.tunables();
                if let Err(e) = apply(&mut t, &changes) {
                    return bad(&e);
                }
                self.set_tunables(t);
                Response::json(200, &tunables_json(&self.tunables()))
            }
            ("GET", "/ledger") => {
                let entries: Vec<Value> = self.ledger().iter().map(|e| e.to_json()).collect();
                Response::json(200, &json!({"entries": entries}))
            }
            ("GET", "/billmanager/invoices") => {
                let invoices: Vec<Value> = self.invoices().iter().map(|i| i.to_json()).collect();
                Response::json(200, &json!({"invoices": invoices}))
            }
            ("POST", "/billmanager/pay") => {
                let Some(Value::Object(body)) = req.json() else {
                    return bad("the body must be a JSON object");
                };
                let Some(reference) = body.get("externalReference").and_then(Value::as_str) else {
                    return bad("externalReference is required");
                };
                let amount = match body.get("amount") {
                    None | Some(Value::Null) => None,
                    Some(v) => match v.as_i64() {
                        Some(a) if a > 0 => Some(a * 100),
                        _ => return bad("amount must be a positive whole number of shillings"),
                    },
                };
                let msisdn = match body.get("msisdn") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(Value::Number(n)) => Some(n.to_string()),
                    Some(_) => return bad("msisdn must be a string"),
                };
                match self.pay_invoice(shared, reference, amount, msisdn.as_deref()) {
                    Ok(receipt) => {
                        let invoice = self
                            .invoices()
                            .into_iter()
                            .find(|i| i.external_reference == reference)
                            .map(|i| i.to_json());
                        Response::json(
                            200,
                            &json!({"ok": true, "transactionId": receipt, "invoice": invoice}),
                        )
                    }
                    Err(e) => Response::json(409, &json!({"error": e})),
                }
            }
            _ => Response::json(404, &json!({"error": "no such control path"})),
        }
    }

    /// Blocks until every ledger entry is final (STK pushes past their due time, C2B
    /// validation round trips done), or `timeout` passes; true when all are final.
    pub fn wait_ledger_final(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.ledger().iter().all(|e| e.is_final) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
