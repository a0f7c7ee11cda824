//! `tuma-sandbox`: a local emulator of Statum, Safaricom Daraja and UMS Pay.
//!
//! It is written from the providers' documents, independently of the `tuma` client (it
//! shares no request or response types with it), so that a misreading of the docs in the
//! client is not mirrored here. One server on `127.0.0.1` serves all three providers under
//! their own path prefixes:
//!
//! | provider | base URL |
//! |---|---|
//! | Statum | `{base}/statum/api/v2` |
//! | Daraja | `{base}/daraja` |
//! | UMS Pay | `{base}/umspay/api/v1` |
//!
//! ```no_run
//! let sandbox = tuma_sandbox::Sandbox::start(Default::default()).unwrap();
//! println!("Statum at {}", sandbox.statum_url());
//! ```

pub mod callbacks;
pub mod daraja;
pub mod faults;
pub mod http;
pub mod receiver;
pub mod redis_server;
pub mod statum;
pub mod umspay;

use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub use callbacks::CallbackSender;
pub use faults::{Fault, FaultRule};
use http::{Request, Response, Server};

/// Everything the sandbox can be configured with; every part has usable defaults.
#[derive(Debug, Clone, Default)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub statum: statum::Settings,
    pub daraja: daraja::Settings,
    pub umspay: umspay::Settings,
}

/// One money-moving request the sandbox processed, by its idempotency identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedPayment {
    /// `statum`, `daraja` or `umspay`.
    pub provider: &'static str,
    /// The operation, e.g. `airtime`, `stk_push`, `b2c`.
    pub operation: &'static str,
    /// What identifies this payment (reference, OriginatorConversationID, phone+amount...).
    pub identity: String,
}

/// State shared by the provider emulators.
pub struct Shared {
    requests_total: AtomicU64,
    per_path: Mutex<HashMap<String, u64>>,
    ledger: Mutex<Vec<ProcessedPayment>>,
    /// Background webhook delivery.
    pub callbacks: CallbackSender,
    /// Injected faults.
    pub faults: faults::FaultTable,
}

impl Shared {
    /// Records a processed money-moving request.
    pub fn record_payment(
        &self,
        provider: &'static str,
        operation: &'static str,
        identity: String,
    ) {
        self.ledger.lock().unwrap().push(ProcessedPayment {
            provider,
            operation,
            identity,
        });
    }
}

/// A running sandbox. Stops when dropped.
pub struct Sandbox {
    server: Server,
    shared: Arc<Shared>,
    statum: Arc<statum::Statum>,
    daraja: Arc<daraja::Daraja>,
    umspay: Arc<umspay::UmsPay>,
}

impl Sandbox {
    /// Starts the sandbox on 127.0.0.1.
    pub fn start(config: SandboxConfig) -> io::Result<Sandbox> {
        let shared = Arc::new(Shared {
            requests_total: AtomicU64::new(0),
            per_path: Mutex::new(HashMap::new()),
            ledger: Mutex::new(Vec::new()),
            callbacks: CallbackSender::new(),
            faults: faults::FaultTable::default(),
        });
        let statum = Arc::new(statum::Statum::new(config.statum));
        let daraja = Arc::new(daraja::Daraja::new(config.daraja));
        let umspay = Arc::new(umspay::UmsPay::new(config.umspay));
        let (s, st, d, u) = (
            shared.clone(),
            statum.clone(),
            daraja.clone(),
            umspay.clone(),
        );
        let handler = move |req: &Request| -> Response { route(&s, &st, &d, &u, req) };
        let early = shared.clone();
        let server = Server::start(
            config.port,
            handler,
            Arc::new(move || early.faults.take_early_close()),
        )?;
        Ok(Sandbox {
            server,
            shared,
            statum,
            daraja,
            umspay,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port)
    }
    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.server.port
    }
    /// Base URL to give a Statum client.
    pub fn statum_url(&self) -> String {
        format!("{}/statum/api/v2", self.base_url())
    }
    /// Base URL to give a Daraja client.
    pub fn daraja_url(&self) -> String {
        format!("{}/daraja", self.base_url())
    }
    /// Base URL to give a UMS Pay client.
    pub fn umspay_url(&self) -> String {
        format!("{}/umspay/api/v1", self.base_url())
    }

    /// Requests received so far, all paths together.
    pub fn request_count(&self) -> u64 {
        self.shared.requests_total.load(Ordering::SeqCst)
    }
    /// Requests received so far on one path, e.g. `/statum/api/v2/sms`.
    pub fn requests_to(&self, path: &str) -> u64 {
        self.shared
            .per_path
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }
    /// Requests received so far on every path containing `fragment`.
    pub fn requests_to_containing(&self, fragment: &str) -> u64 {
        self.shared
            .per_path
            .lock()
            .unwrap()
            .iter()
            .filter(|(path, _)| path.contains(fragment))
            .map(|(_, n)| n)
            .sum()
    }
    /// Every money-moving request processed so far.
    pub fn processed_payments(&self) -> Vec<ProcessedPayment> {
        self.shared.ledger.lock().unwrap().clone()
    }
    /// Makes a Daraja Bill Manager customer pay an invoice (see
    /// [`daraja::Daraja::pay_invoice`]); returns the M-Pesa receipt.
    pub fn pay_invoice(
        &self,
        external_reference: &str,
        amount_cents: Option<i64>,
        msisdn: Option<&str>,
    ) -> Result<String, String> {
        self.daraja
            .pay_invoice(&self.shared, external_reference, amount_cents, msisdn)
    }
    /// Adds a fault rule.
    pub fn inject(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }
    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }
    /// Webhook deliveries attempted so far (including retries).
    pub fn callback_attempts(&self) -> u64 {
        self.shared.callbacks.attempts()
    }
    /// Blocks until no webhook delivery is pending (or `timeout` passes); true when idle.
    pub fn wait_callbacks_idle(&self, timeout: std::time::Duration) -> bool {
        self.shared.callbacks.wait_idle(timeout)
    }
    /// The Statum emulator, to inspect or change its state.
    pub fn statum(&self) -> &statum::Statum {
        &self.statum
    }
    /// The Daraja emulator.
    pub fn daraja(&self) -> &daraja::Daraja {
        &self.daraja
    }
    /// The UMS Pay emulator.
    pub fn umspay(&self) -> &umspay::UmsPay {
        &self.umspay
    }
    /// Stops the server.
    pub fn stop(mut self) {
        self.server.stop();
    }
}

/// The control API, for tests in any language (not counted as provider requests):
///
/// | request | effect |
/// |---|---|
/// | `POST /_sandbox/faults` `{"path_contains": "/airtime", "fault": "status=503;retry_after=1", "times": 1}` | adds a fault rule (`fault` as in [`faults::FAULT_HEADER`], or `close_before_read`) |
/// | `DELETE /_sandbox/faults` | removes every rule |
/// | `GET /_sandbox/stats` | `{"requests": N, "paths": {...}, "payments": [...]}` |
/// | `/_sandbox/daraja/...` | Daraja's run-time settings, ledger and Bill Manager payments ([`daraja::Daraja::control`]) |
fn control(shared: &Shared, path: &str, req: &Request) -> Response {
    use serde_json::json;
    match (req.method.as_str(), path) {
        ("POST", "/faults") => {
            let body = req.json().unwrap_or_default();
            let spec = body.get("fault").and_then(|v| v.as_str()).unwrap_or("");
            let fault = if spec == "close_before_read" {
                Some(Fault::CloseBeforeRead)
            } else {
                Fault::parse(spec)
            };
            let Some(fault) = fault else {
                return Response::json(400, &json!({"error": "unknown fault"}));
            };
            let path_contains = body
                .get("path_contains")
                .and_then(|v| v.as_str())
                .unwrap_or("");
            let times = body.get("times").and_then(|v| v.as_u64()).unwrap_or(1) as u32;
            shared
                .faults
                .add(FaultRule::new(path_contains, fault, times));
            Response::json(200, &json!({"ok": true}))
        }
        ("DELETE", "/faults") => {
            shared.faults.clear();
            Response::json(200, &json!({"ok": true}))
        }
        ("GET", "/stats") => {
            let paths = shared.per_path.lock().unwrap().clone();
            let payments: Vec<_> = shared
                .ledger
                .lock()
                .unwrap()
                .iter()
                .map(|p| json!({"provider": p.provider, "operation": p.operation, "identity": p.identity}))
                .collect();
            Response::json(
                200,
                &json!({
                    "requests": shared.requests_total.load(Ordering::SeqCst),
                    "paths": paths,
                    "payments": payments,
                }),
            )
        }
        _ => Response::json(404, &json!({"error": "no such control path"})),
    }
}

fn route(
    shared: &Shared,
    statum: &statum::Statum,
    daraja: &daraja::Daraja,
    umspay: &umspay::UmsPay,
    req: &Request,
) -> Response {
    if let Some(rest) = req.path.strip_prefix("/_sandbox/daraja") {
        return daraja.control(shared, rest, req);
    }
    if let Some(rest) = req.path.strip_prefix("/_sandbox") {
        return control(shared, rest, req);
    }
    shared.requests_total.fetch_add(1, Ordering::SeqCst);
    *shared
        .per_path
        .lock()
        .unwrap()
        .entry(req.path.clone())
        .or_insert(0) += 1;

    let fault = req
        .header(faults::FAULT_HEADER)
        .and_then(Fault::parse)
        .or_else(|| shared.faults.take_for(&req.path));
    if let Some(early) = fault.as_ref().and_then(|f| f.answer_before_processing()) {
        return early;
    }
    let response = if let Some(rest) = req.path.strip_prefix("/statum/api/v2") {
        statum.handle(shared, rest, req)
    } else if let Some(rest) = req.path.strip_prefix("/daraja") {
        daraja.handle(shared, rest, req)
    } else if let Some(rest) = req.path.strip_prefix("/umspay/api/v1") {
        umspay.handle(shared, rest, req)
    } else {
        Response::json(404, &serde_json::json!({"error": "no such path"}))
    };
    match fault {
        Some(f) => f.after_processing(response),
        None => response,
    }
}
