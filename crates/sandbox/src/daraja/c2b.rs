//! C2B: URL registration and simulated customer payments with validation and confirmation.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::ledger::{CallbackFate, LedgerRecord};
use super::notify::Notifier;
use super::{
    error, invalid, money, receipt, request_id, time, Body, C2bRegistration, Daraja, Pending,
    Result, State, Stats, Txn, C2B_PHONE_NO_NAMES,
};
use crate::callbacks::CallbackSender;
use crate::http::Response;
use crate::Shared;

/// Words Daraja refuses in C2B URLs, in any letter case.
const FORBIDDEN_URL_WORDS: &[&str] = &[
    "m-pesa",
    "mpesa",
    "safaricom",
    "exe",
    "exec",
    "cmd",
    "sql",
    "query",
    "ngrok",
    "mockbin",
    "requestbin",
];

/// A C2B URL: none of the refused words; https in production (daraja.md C2B: "https in
/// production (http allowed in sandbox)"), where http is still allowed for loopback hosts.
fn c2b_url(d: &Daraja, b: &Body, field: &str) -> Result<String> {
    let url = if d.settings.production_like {
        b.https_url(field)?
    } else {
        b.url(field)?
    };
    let lower = url.to_ascii_lowercase();
    if FORBIDDEN_URL_WORDS.iter().any(|w| lower.contains(w)) {
        return Err(invalid(field));
    }
    Ok(url)
}

/// `POST /mpesa/c2b/v{1,2}/registerurl`.
pub(super) fn register(d: &Daraja, b: &Body, version: u8) -> Result<Response> {
    let shortcode = b.digits("ShortCode", 5, 7)?;
    let response_type = b.one_of("ResponseType", &["Completed", "Cancelled"])?;
    let confirmation_url = c2b_url(d, b, "ConfirmationURL")?;
    let validation_url = c2b_url(d, b, "ValidationURL")?;
    let mut st = d.state.lock().unwrap();
    // daraja.md C2B: "Production registration is one-time: a second call fails with
    // 500.003.1001 'Urls are already registered'". The sandbox host allows re-registering.
    if d.settings.production_like && st.registrations.contains_key(&shortcode) {
        return Err(error(500, "500.003.1001", "Urls are already registered"));
    }
    st.registrations.insert(
        shortcode,
        C2bRegistration {
            version,
            response_type,
            confirmation_url,
            validation_url,
        },
    );
    drop(st);
    Ok(Response::json(
        200,
        &json!({
            "OriginatorCoversationID": request_id(),
            "ResponseCode": "0",
            "ResponseDescription": "Success",
        }),
    ))
}

/// How `MSISDN` appears in validation/confirmation requests for a registration version.
fn hidden_msisdn(version: u8, msisdn: &str) -> String {
    if version == 1 {
        Sha256::digest(msisdn.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    } else {
        format!("{} ***** {}", &msisdn[..4], &msisdn[msisdn.len() - 3..])
    }
}

/// `POST /mpesa/c2b/v{1,2}/simulate`.
pub(super) fn simulate(d: &Daraja, shared: &Shared, b: &Body, _version: u8) -> Result<Response> {
    if d.settings.production_like {
        return Err(error(
            404,
            "404.001.01",
            "Invalid API call as no apiproduct match found",
        ));
    }
    let shortcode = b.digits("ShortCode", 5, 7)?;
    let command = b.one_of(
        "CommandID",
        &["CustomerPayBillOnline", "CustomerBuyGoodsOnline"],
    )?;
    let amount = b.amount("Amount", 1, 250_000, true)?;
    let msisdn = b.phone("Msisdn")?;
    let bill_ref = match b.get("BillRefNumber") {
        None if command == "CustomerBuyGoodsOnline" => String::new(),
        Some(Value::String(s)) if s.chars().count() <= 20 => s.clone(),
        _ => return Err(invalid("BillRefNumber")),
    };

    let trans_id = receipt();
    let registration = d.c2b_registration(&shortcode);
    let (first, middle, last) = if msisdn == C2B_PHONE_NO_NAMES {
        ("", "", "")
    } else {
        ("John", "", "Doe")
    };
    let request = json!({
        "TransactionType": if command == "CustomerPayBillOnline" { "Pay Bill" } else { "Buy Goods" },
        "TransID": trans_id,
        "TransTime": time::eat_now().compact(),
        "TransAmount": format!("{amount}.00"),
        "BusinessShortCode": shortcode,
        "BillRefNumber": bill_ref,
        "InvoiceNumber": "",
        "OrgAccountBalance": "",
        "ThirdPartyTransID": "",
        "MSISDN": hidden_msisdn(registration.as_ref().map_or(2, |r| r.version), &msisdn),
        "FirstName": first,
        "MiddleName": middle,
        "LastName": last,
    });
    let ledger_index = d.state.lock().unwrap().add_ledger(LedgerRecord {
        kind: "c2b",
        command: command.clone(),
        id: trans_id.clone(),
        conversation_id: String::new(),
        reference: bill_ref.clone(),
        amount_cents: amount * 100,
        debit_party: msisdn.clone(),
        credit_party: shortcode.clone(),
        outcome: None,
        receipt: None,
        paid: false,
        final_at: Instant::now(),
        callback: CallbackFate::Pending,
    });
    d.stats.c2b_simulations.fetch_add(1, Ordering::SeqCst);
    shared.record_payment(
        "daraja",
        "c2b_simulate",
        format!("{msisdn}:{amount}:{bill_ref}:{trans_id}"),
    );
    let job = Job {
        agent: d.agent.clone(),
        callbacks: shared.callbacks.clone(),
        notifier: d.notifier.clone(),
        state: d.state.clone(),
        stats: d.stats.clone(),
        pending: d.pending.clone(),
        registration,
        validate: d.settings.external_validation,
        delay: d.settings.callback_delay,
        retries: d.settings.callback_retries,
        retry_gap: d.settings.callback_retry_gap,
        request,
        trans_id,
        amount_cents: amount * 100,
        msisdn,
        shortcode,
        command,
        bill_ref,
        ledger_index,
    };
    d.pending.start();
    thread::spawn(move || job.run());
    Ok(Response::json(
        200,
        &json!({
            "OriginatorCoversationID": request_id(),
            "ResponseCode": "0",
            "ResponseDescription": "Accept the service request successfully.",
        }),
    ))
}

/// One simulated payment's background round trip.
struct Job {
    agent: ureq::Agent,
    callbacks: CallbackSender,
    notifier: Arc<Notifier>,
    state: Arc<Mutex<State>>,
    stats: Arc<Stats>,
    pending: Arc<Pending>,
    registration: Option<C2bRegistration>,
    validate: bool,
    delay: Duration,
    retries: u32,
    retry_gap: Duration,
    request: Value,
    trans_id: String,
    amount_cents: i64,
    msisdn: String,
    shortcode: String,
    command: String,
    bill_ref: String,
    ledger_index: usize,
}

/// What the merchant's validation endpoint said.
enum Verdict {
    Accepted(Option<String>),
    /// The merchant's `ResultCode` and `ResultDesc`.
    Rejected(String, String),
    NoAnswer,
}

impl Job {
    fn run(mut self) {
        thread::sleep(self.delay);
        const CANCELLED: (&str, &str) = (
            "C2B00016",
            "Cancelled: no validation answer and the registered ResponseType is Cancelled",
        );
        let refusal = match &self.registration {
            Some(reg) if self.validate => match self.ask_validation(&reg.validation_url) {
                Verdict::Accepted(third_party) => {
                    if let Some(t) = third_party {
                        self.request["ThirdPartyTransID"] = Value::String(t);
                    }
                    None
                }
                Verdict::Rejected(code, desc) => Some((code, desc)),
                Verdict::NoAnswer if reg.response_type == "Completed" => None,
                Verdict::NoAnswer => Some((CANCELLED.0.to_string(), CANCELLED.1.to_string())),
            },
            _ => None,
        };
        if let Some((code, desc)) = refusal {
            let mut st = self.state.lock().unwrap();
            let rec = &mut st.ledger[self.ledger_index];
            rec.outcome = Some((code, desc));
            rec.final_at = Instant::now();
            rec.callback = CallbackFate::NotSent;
        } else {
            let balance = {
                let mut st = self.state.lock().unwrap();
                st.working_cents += self.amount_cents;
                st.add_txn(
                    &self.trans_id,
                    Txn {
                        kind: "c2b",
                        command: self.command.clone(),
                        amount_cents: self.amount_cents,
                        debit_party: self.msisdn.clone(),
                        credit_party: self.shortcode.clone(),
                        reference: self.bill_ref.clone(),
                        originator_id: self.trans_id.clone(),
                        conversation_id: self.trans_id.clone(),
                        time: time::eat_now().compact(),
                        reversed: false,
                        seq: 0,
                    },
                );
                let rec = &mut st.ledger[self.ledger_index];
                rec.outcome = Some((
                    "0".into(),
                    "The service request is processed successfully.".into(),
                ));
                rec.receipt = Some(self.trans_id.clone());
                rec.paid = true;
                rec.final_at = Instant::now();
                st.working_cents
            };
            let fate = if let Some(reg) = &self.registration {
                self.request["OrgAccountBalance"] = Value::String(money(balance));
                self.stats.c2b_confirmations.fetch_add(1, Ordering::SeqCst);
                self.notifier.send(
                    &self.callbacks,
                    "c2b",
                    &reg.confirmation_url,
                    self.request.clone(),
                    Duration::ZERO,
                    self.retries,
                    self.retry_gap,
                    None,
                )
            } else {
                CallbackFate::NotSent
            };
            self.state.lock().unwrap().ledger[self.ledger_index].callback = fate;
        }
        self.pending.finish();
    }

    fn ask_validation(&self, url: &str) -> Verdict {
        self.stats.c2b_validations.fetch_add(1, Ordering::SeqCst);
        let payload = serde_json::to_vec(&self.request).unwrap_or_default();
        let answer = self
            .agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(&payload[..]);
        let Ok(mut resp) = answer else {
            return Verdict::NoAnswer;
        };
        if !resp.status().is_success() {
            return Verdict::NoAnswer;
        }
        let Ok(reply) = resp.body_mut().read_json::<Value>() else {
            return Verdict::NoAnswer;
        };
        let accepted = match reply.get("ResultCode") {
            Some(Value::String(s)) => s.trim() == "0",
            Some(Value::Number(n)) => n.as_f64() == Some(0.0),
            _ => return Verdict::NoAnswer,
        };
        if !accepted {
            let code = match reply.get("ResultCode") {
                Some(Value::String(s)) => s.trim().to_string(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            let desc = reply
                .get("ResultDesc")
                .and_then(Value::as_str)
                .unwrap_or("Rejected")
                .to_string();
            return Verdict::Rejected(code, desc);
        }
        let third = reply
            .get("ThirdPartyTransID")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Verdict::Accepted(third)
    }
}
