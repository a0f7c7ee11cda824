//! Safaricom Daraja (M-Pesa) emulator under `{sandbox}/daraja`.
//!
//! Written from the Daraja portal's documents (see `docs/sandbox.md`, section Daraja):
//! OAuth client-credentials tokens, M-Pesa Express (STK push and query), C2B URL
//! registration and simulation with validation/confirmation requests, the initiator APIs
//! (B2C, B2B, transaction status, account balance, reversal) answered on `ResultURL`, and
//! Dynamic QR. Field names are checked exactly as Daraja spells them (`Occassion`,
//! `RecieverIdentifierType`, `OriginatorCoversationID`); errors use Daraja's
//! `{"requestId", "errorCode", "errorMessage"}` body with the HTTP status equal to the
//! first part of `errorCode`.
//!
//! Outcomes are chosen by documented test values (phone numbers below), so client tests are
//! deterministic. Every outcome is decided when the request is accepted and delivered to the
//! callback URL after [`Settings::callback_delay`].

mod c2b;
mod initiator;
mod qr;
mod stk;
mod time;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use rand::Rng as _;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};
use serde_json::{json, Map, Value};

use crate::http::{Request, Response};
use crate::Shared;

/// The self-signed certificate whose public key the sandbox's `SecurityCredential`s must be
/// encrypted with (PKCS#1 v1.5, then base64), in place of Safaricom's certificate.
pub const TEST_CERTIFICATE_PEM: &str = include_str!("../../testdata/daraja-test-cert.pem");
/// The private key matching [`TEST_CERTIFICATE_PEM`] (PKCS#8 PEM); test data, not a secret.
const TEST_PRIVATE_KEY_PEM: &str = include_str!("../../testdata/daraja-test-key.pem");

/// Safaricom's public sandbox passkey for the STK shortcode 174379.
pub const SANDBOX_PASSKEY: &str =
    "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";

/// STK push to this phone succeeds (result 0); so does any phone not listed below.
pub const STK_PHONE_SUCCESS: &str = "254708374149";
/// STK push to this phone is cancelled by the user (result 1032).
pub const STK_PHONE_CANCELLED: &str = "254700001032";
/// STK push to this phone times out, user unreachable (result 1037).
pub const STK_PHONE_TIMEOUT: &str = "254700001037";
/// STK push to this phone fails for insufficient balance (result 1).
pub const STK_PHONE_INSUFFICIENT: &str = "254700000001";
/// STK push to this phone fails with a wrong PIN (result 2001).
pub const STK_PHONE_WRONG_PIN: &str = "254700002001";
/// B2C to this phone fails: credit party not registered / not supported (result 2040).
pub const B2C_PHONE_NOT_REGISTERED: &str = "254700002040";
/// C2B simulate from this phone has no customer names (`FirstName` etc. empty).
pub const C2B_PHONE_NO_NAMES: &str = "254700000000";

/// Settings of the Daraja emulator; every field has a usable default.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Consumer key accepted by the token endpoint (`sandbox-daraja-key`).
    pub consumer_key: String,
    /// Consumer secret accepted by the token endpoint (`sandbox-daraja-secret`).
    pub consumer_secret: String,
    /// How long an access token lives (3600 s); `expires_in` announces one second less.
    pub token_ttl: Duration,
    /// Send `expires_in` as a string (`"3599"`, the default) rather than a number.
    pub expires_in_as_string: bool,
    /// Each new token invalidates every earlier one (the portal FAQ's rule); default false.
    pub new_token_invalidates_previous: bool,
    /// STK (Lipa na M-Pesa Online) shortcode, `174379`.
    pub shortcode: String,
    /// STK passkey of [`Settings::shortcode`] (Safaricom's public sandbox passkey).
    pub passkey: String,
    /// Till number for `CustomerBuyGoodsOnline` (`174380`).
    pub till_number: String,
    /// B2C shortcode, `PartyA` of B2C requests (`600981`).
    pub b2c_shortcode: String,
    /// Initiator user name (`testapi`).
    pub initiator_name: String,
    /// Initiator password encrypted in `SecurityCredential` (`Safaricom999!*!`).
    pub initiator_password: String,
    /// Delay before callbacks and results are delivered (50 ms).
    pub callback_delay: Duration,
    /// Extra delivery attempts when a callback is not answered with 200 (0: Daraja does not retry).
    pub callback_retries: u32,
    /// Pause between callback attempts (1 s).
    pub callback_retry_gap: Duration,
    /// Starting Working account balance in cents (KES 700,000.00).
    pub working_balance_cents: i64,
    /// Starting Utility account balance in cents (KES 228,037.00); B2C pays from it.
    pub utility_balance_cents: i64,
    /// Behave like production (default false): C2B simulate is refused (404.001.01), C2B
    /// URLs must be https (http only for loopback hosts), and a shortcode's C2B URLs can be
    /// registered once (a second registration gets 500.003.1001 "Urls are already
    /// registered").
    pub production_like: bool,
    /// Send C2B validation requests to the ValidationURL (default true; external
    /// validation must be enabled by Safaricom in real life).
    pub external_validation: bool,
    /// How long to wait for the merchant's validation reply (8 s) before applying the
    /// registered `ResponseType`.
    pub validation_timeout: Duration,
    /// Accepted distance between an STK `Timestamp` and Kenyan time (10 minutes).
    pub timestamp_tolerance: Duration,
    /// Refuse an STK push to a phone that still has one pending, with 500.001.1001
    /// "Unable to lock subscriber..." (default false).
    pub lock_subscriber: bool,
    /// Spike arrest: Daraja requests admitted in any rolling second (the token call
    /// included); each one beyond gets HTTP 500 `500.003.02` "Spike arrest violation..."
    /// and is not processed. `None` (the default): no limit.
    pub rate_per_second: Option<u32>,
    /// Quota: Daraja requests admitted per [`Settings::quota_window`]; each one beyond gets
    /// HTTP 500 `500.003.03` "Quota violation..." and is not processed. `None` (the
    /// default): no quota.
    pub quota: Option<u32>,
    /// The fixed window `quota` counts in (24 h), starting at the first counted request.
    pub quota_window: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            consumer_key: "sandbox-daraja-key".into(),
            consumer_secret: "sandbox-daraja-secret".into(),
            token_ttl: Duration::from_secs(3600),
            expires_in_as_string: true,
            new_token_invalidates_previous: false,
            shortcode: "174379".into(),
            passkey: SANDBOX_PASSKEY.into(),
            till_number: "174380".into(),
            b2c_shortcode: "600981".into(),
            initiator_name: "testapi".into(),
            initiator_password: "Safaricom999!*!".into(),
            callback_delay: Duration::from_millis(50),
            callback_retries: 0,
            callback_retry_gap: Duration::from_secs(1),
            working_balance_cents: 70_000_000,
            utility_balance_cents: 22_803_700,
            production_like: false,
            external_validation: true,
            validation_timeout: Duration::from_secs(8),
            timestamp_tolerance: Duration::from_secs(600),
            lock_subscriber: false,
            rate_per_second: None,
            quota: None,
            quota_window: Duration::from_secs(24 * 3600),
        }
    }
}

/// The organisation's account balances, in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balances {
    /// Working account: STK and C2B collections land here; B2B and reversals pay from it.
    pub working_cents: i64,
    /// Utility account: B2C pays from it.
    pub utility_cents: i64,
}

/// Where an STK push stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StkState {
    /// The payer has not answered yet (the callback is not due).
    Pending,
    /// Finished with this result (the callback is due or sent).
    Done {
        /// `ResultCode` of the callback (0 = paid).
        result_code: i64,
        /// `ResultDesc` of the callback.
        result_desc: String,
        /// `MpesaReceiptNumber` when paid.
        receipt: Option<String>,
    },
}

/// URLs registered for a C2B shortcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct C2bRegistration {
    /// 1 or 2: the register path's version (decides how `MSISDN` is hidden).
    pub version: u8,
    /// `Completed` or `Cancelled`.
    pub response_type: String,
    /// Where confirmations go.
    pub confirmation_url: String,
    /// Where validation requests go.
    pub validation_url: String,
}

/// Counts of what the emulator did, for assertions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Calls to the token endpoint (successful or not).
    pub token_requests: u64,
    /// Tokens issued.
    pub tokens_issued: u64,
    /// STK pushes accepted.
    pub stk_pushes: u64,
    /// C2B simulations accepted.
    pub c2b_simulations: u64,
    /// C2B validation requests attempted.
    pub c2b_validations: u64,
    /// C2B confirmations scheduled.
    pub c2b_confirmations: u64,
    /// Initiator requests accepted (B2C, B2B, status, balance, reversal).
    pub initiator_requests: u64,
    /// `SecurityCredential`s that did not decrypt to the initiator password.
    pub bad_credentials: u64,
    /// Requests refused with `500.003.02` (spike arrest, [`Settings::rate_per_second`]).
    pub spike_arrests: u64,
    /// Requests refused with `500.003.03` (quota, [`Settings::quota`]).
    pub quota_violations: u64,
}

/// One completed money movement, addressable by its receipt (`TransactionID`).
#[derive(Debug, Clone)]
pub(crate) struct Txn {
    pub kind: &'static str,
    pub amount_cents: i64,
    pub debit_party: String,
    pub credit_party: String,
    pub originator_id: String,
    pub conversation_id: String,
    pub time: String,
    pub reversed: bool,
}

pub(crate) struct StkRecord {
    pub merchant_request_id: String,
    pub phone: String,
    pub ready_at: Instant,
    pub result_code: i64,
    pub result_desc: String,
    pub receipt: Option<String>,
}

pub(crate) struct State {
    tokens: HashMap<String, Instant>,
    pub stk: HashMap<String, StkRecord>,
    pub registrations: HashMap<String, C2bRegistration>,
    pub originator_ids: HashSet<String>,
    pub working_cents: i64,
    pub utility_cents: i64,
    pub txns: HashMap<String, Txn>,
    pub by_originator: HashMap<String, String>,
}

#[derive(Default)]
pub(crate) struct Stats {
    token_requests: AtomicU64,
    tokens_issued: AtomicU64,
    pub stk_pushes: AtomicU64,
    pub c2b_simulations: AtomicU64,
    pub c2b_validations: AtomicU64,
    pub c2b_confirmations: AtomicU64,
    pub initiator_requests: AtomicU64,
    pub bad_credentials: AtomicU64,
    spike_arrests: AtomicU64,
    quota_violations: AtomicU64,
}

/// What the throttling settings have admitted so far.
#[derive(Default)]
struct Throttle {
    /// Admitted requests of the last second.
    admitted: VecDeque<Instant>,
    /// Start of the current quota window.
    window_start: Option<Instant>,
    /// Admitted requests in the current quota window.
    window_count: u32,
}

/// Background jobs of the emulator itself (C2B validation round trips).
#[derive(Default)]
pub(crate) struct Pending {
    count: Mutex<u64>,
    cv: Condvar,
}

impl Pending {
    pub fn start(&self) {
        *self.count.lock().unwrap() += 1;
    }
    pub fn finish(&self) {
        *self.count.lock().unwrap() -= 1;
        self.cv.notify_all();
    }
}

/// The Daraja emulator's state.
pub struct Daraja {
    pub(crate) settings: Settings,
    pub(crate) state: Arc<Mutex<State>>,
    pub(crate) stats: Arc<Stats>,
    pub(crate) pending: Arc<Pending>,
    pub(crate) agent: ureq::Agent,
    key: OnceLock<Option<RsaPrivateKey>>,
    throttle: Mutex<Throttle>,
}

type Result<T> = std::result::Result<T, Response>;

impl Daraja {
    /// An emulator with these settings.
    pub fn new(settings: Settings) -> Self {
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(settings.validation_timeout))
                .proxy(None)
                .build(),
        );
        Daraja {
            state: Arc::new(Mutex::new(State {
                tokens: HashMap::new(),
                stk: HashMap::new(),
                registrations: HashMap::new(),
                originator_ids: HashSet::new(),
                working_cents: settings.working_balance_cents,
                utility_cents: settings.utility_balance_cents,
                txns: HashMap::new(),
                by_originator: HashMap::new(),
            })),
            settings,
            stats: Arc::new(Stats::default()),
            pending: Arc::new(Pending::default()),
            agent,
            key: OnceLock::new(),
            throttle: Mutex::new(Throttle::default()),
        }
    }

    /// The settings it runs with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Calls made to the token endpoint so far (successful or not).
    pub fn token_requests(&self) -> u64 {
        self.stats.token_requests.load(Ordering::SeqCst)
    }

    /// Invalidates every token issued so far: the next call with one gets 404.001.03.
    pub fn expire_tokens(&self) {
        self.state.lock().unwrap().tokens.clear();
    }

    /// Every token currently valid or expired but not yet dropped (to check that clients
    /// never reveal them).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.lock().unwrap().tokens.keys().cloned().collect()
    }

    /// Tokens issued and not yet expired.
    pub fn active_tokens(&self) -> usize {
        let now = Instant::now();
        let st = self.state.lock().unwrap();
        st.tokens.values().filter(|&&exp| exp > now).count()
    }

    /// The current account balances.
    pub fn balances(&self) -> Balances {
        let st = self.state.lock().unwrap();
        Balances {
            working_cents: st.working_cents,
            utility_cents: st.utility_cents,
        }
    }

    /// Replaces the account balances.
    pub fn set_balances(&self, balances: Balances) {
        let mut st = self.state.lock().unwrap();
        st.working_cents = balances.working_cents;
        st.utility_cents = balances.utility_cents;
    }

    /// Where the STK push with this `CheckoutRequestID` stands, `None` when unknown.
    pub fn stk_state(&self, checkout_request_id: &str) -> Option<StkState> {
        let st = self.state.lock().unwrap();
        let rec = st.stk.get(checkout_request_id)?;
        Some(if Instant::now() < rec.ready_at {
            StkState::Pending
        } else {
            StkState::Done {
                result_code: rec.result_code,
                result_desc: rec.result_desc.clone(),
                receipt: rec.receipt.clone(),
            }
        })
    }

    /// The URLs registered for a C2B shortcode.
    pub fn c2b_registration(&self, shortcode: &str) -> Option<C2bRegistration> {
        self.state
            .lock()
            .unwrap()
            .registrations
            .get(shortcode)
            .cloned()
    }

    /// Whether the transaction with this receipt (`TransactionID`) exists and was reversed;
    /// `None` when unknown.
    pub fn transaction_reversed(&self, receipt: &str) -> Option<bool> {
        self.state
            .lock()
            .unwrap()
            .txns
            .get(receipt)
            .map(|t| t.reversed)
    }

    /// Receipts of every completed transaction so far (STK, C2B, B2C, B2B, reversals).
    pub fn receipts(&self) -> Vec<String> {
        self.state.lock().unwrap().txns.keys().cloned().collect()
    }

    /// What the emulator did so far.
    pub fn counters(&self) -> Counters {
        let s = &self.stats;
        let get = |a: &AtomicU64| a.load(Ordering::SeqCst);
        Counters {
            token_requests: get(&s.token_requests),
            tokens_issued: get(&s.tokens_issued),
            stk_pushes: get(&s.stk_pushes),
            c2b_simulations: get(&s.c2b_simulations),
            c2b_validations: get(&s.c2b_validations),
            c2b_confirmations: get(&s.c2b_confirmations),
            initiator_requests: get(&s.initiator_requests),
            bad_credentials: get(&s.bad_credentials),
            spike_arrests: get(&s.spike_arrests),
            quota_violations: get(&s.quota_violations),
        }
    }

    /// Waits until the emulator's own background work (C2B validation round trips) is done;
    /// false if `timeout` passed first. Webhooks themselves are tracked by
    /// `Sandbox::wait_callbacks_idle`.
    pub fn wait_background_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut n = self.pending.count.lock().unwrap();
        while *n > 0 {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            n = self.pending.cv.wait_timeout(n, deadline - now).unwrap().0;
        }
        true
    }

    /// Answers one request; `path` is relative to `{sandbox}/daraja`.
    pub fn handle(&self, shared: &Shared, path: &str, req: &Request) -> Response {
        let path = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        let op = Op::from_path(path);
        if op.is_none() && path != "/oauth/v1/generate" {
            return error(404, "404.001.01", "Resource not found");
        }
        if let Err(r) = self.throttle() {
            return r;
        }
        let Some(op) = op else {
            return self.oauth(req);
        };
        if req.method != "POST" {
            return error(405, "405.001", "Method Not Allowed");
        }
        if let Err(r) = self.check_bearer(req) {
            return r;
        }
        let body = match parse_body(req) {
            Ok(b) => b,
            Err(r) => return r,
        };
        let b = Body(&body);
        let answer = match op {
            Op::StkPush => stk::push(self, shared, &b),
            Op::StkQuery => stk::query(self, &b),
            Op::C2bRegister(v) => c2b::register(self, &b, v),
            Op::C2bSimulate(v) => c2b::simulate(self, shared, &b, v),
            Op::B2c(v) => initiator::b2c(self, shared, &b, v),
            Op::B2b => initiator::b2b(self, shared, &b),
            Op::Status => initiator::status(self, shared, &b),
            Op::Balance => initiator::balance(self, shared, &b),
            Op::Reversal => initiator::reversal(self, shared, &b),
            Op::Qr => qr::generate(&b),
        };
        answer.unwrap_or_else(|r| r)
    }

    /// Daraja's throttling: spike arrest ([`Settings::rate_per_second`], `500.003.02`), then
    /// quota ([`Settings::quota`], `500.003.03`), both answered with HTTP 500 (daraja.md:
    /// "not HTTP 429"). Refused requests are not processed and do not use up the budget.
    fn throttle(&self) -> Result<()> {
        let s = &self.settings;
        if s.rate_per_second.is_none() && s.quota.is_none() {
            return Ok(());
        }
        let now = Instant::now();
        let mut t = self.throttle.lock().unwrap();
        if let Some(rate) = s.rate_per_second {
            while t
                .admitted
                .front()
                .is_some_and(|at| now.duration_since(*at) >= Duration::from_secs(1))
            {
                t.admitted.pop_front();
            }
            if t.admitted.len() >= rate as usize {
                self.stats.spike_arrests.fetch_add(1, Ordering::SeqCst);
                return Err(error(
                    500,
                    "500.003.02",
                    "Spike arrest violation: too many requests per second",
                ));
            }
        }
        if let Some(quota) = s.quota {
            let expired = t
                .window_start
                .is_none_or(|start| now.duration_since(start) >= s.quota_window);
            if expired {
                t.window_start = Some(now);
                t.window_count = 0;
            }
            if t.window_count >= quota {
                self.stats.quota_violations.fetch_add(1, Ordering::SeqCst);
                return Err(error(
                    500,
                    "500.003.03",
                    "Quota violation: request allowance exceeded",
                ));
            }
        }
        t.admitted.push_back(now);
        t.window_count += 1;
        Ok(())
    }

    fn oauth(&self, req: &Request) -> Response {
        self.stats.token_requests.fetch_add(1, Ordering::SeqCst);
        if req.method != "GET" {
            return error(405, "405.001", "Method Not Allowed");
        }
        let auth = req.header("authorization").unwrap_or("");
        let Some(encoded) = strip_scheme(auth, "Basic") else {
            return error(400, "400.008.01", "Invalid Authentication passed");
        };
        if req.query.get("grant_type").map(String::as_str) != Some("client_credentials") {
            return error(400, "400.008.02", "Invalid grant type passed");
        }
        let expected = format!(
            "{}:{}",
            self.settings.consumer_key, self.settings.consumer_secret
        );
        let given = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        if given.as_deref() != Some(expected.as_str()) {
            return error(400, "400.008.01", "Invalid Authentication passed");
        }
        let token: String = rand::thread_rng()
            .sample_iter(&rand::distributions::Alphanumeric)
            .take(28)
            .map(char::from)
            .collect();
        {
            let mut st = self.state.lock().unwrap();
            let now = Instant::now();
            if self.settings.new_token_invalidates_previous {
                st.tokens.clear();
            } else {
                st.tokens.retain(|_, exp| *exp > now);
            }
            st.tokens
                .insert(token.clone(), now + self.settings.token_ttl);
        }
        self.stats.tokens_issued.fetch_add(1, Ordering::SeqCst);
        let secs = self.settings.token_ttl.as_secs().saturating_sub(1);
        let expires_in = if self.settings.expires_in_as_string {
            Value::String(secs.to_string())
        } else {
            Value::from(secs)
        };
        Response::json(
            200,
            &json!({"access_token": token, "expires_in": expires_in}),
        )
    }

    fn check_bearer(&self, req: &Request) -> Result<()> {
        let auth = req.header("authorization").unwrap_or("");
        let Some(token) = strip_scheme(auth, "Bearer") else {
            return Err(error(404, "404.001.04", "Invalid Authentication passed"));
        };
        let st = self.state.lock().unwrap();
        match st.tokens.get(token.trim()) {
            Some(exp) if *exp > Instant::now() => Ok(()),
            _ => Err(error(404, "404.001.03", "Invalid Access Token")),
        }
    }

    /// The sandbox's private key, parsed on first use.
    fn private_key(&self) -> Option<&RsaPrivateKey> {
        self.key
            .get_or_init(|| RsaPrivateKey::from_pkcs8_pem(TEST_PRIVATE_KEY_PEM).ok())
            .as_ref()
    }

    /// True when `credential` is base64 of the initiator password encrypted with the
    /// test certificate's key (PKCS#1 v1.5) and `name` is the initiator's name.
    pub(crate) fn initiator_ok(&self, name: &str, credential: &str) -> bool {
        let ok = name == self.settings.initiator_name
            && base64::engine::general_purpose::STANDARD
                .decode(credential.trim())
                .ok()
                .and_then(|ct| self.private_key()?.decrypt(Pkcs1v15Encrypt, &ct).ok())
                .is_some_and(|pw| pw == self.settings.initiator_password.as_bytes());
        if !ok {
            self.stats.bad_credentials.fetch_add(1, Ordering::SeqCst);
        }
        ok
    }

    /// A number for ids, unique across every emulator of the process (several sandboxes
    /// run side by side in one test binary; Daraja's ids are unique, so a client may key a
    /// shared store on them). Starts at a random point, so separate processes differ too.
    pub(crate) fn next_seq(&self) -> u64 {
        static SEQ: OnceLock<AtomicU64> = OnceLock::new();
        SEQ.get_or_init(|| AtomicU64::new(rand::thread_rng().gen_range(0..1_000_000)))
            .fetch_add(1, Ordering::SeqCst)
    }

    /// Schedules a webhook with the configured delay and retries.
    pub(crate) fn send_later(&self, shared: &Shared, url: &str, body: Value) {
        shared.callbacks.post_later(
            url.to_string(),
            body,
            self.settings.callback_delay,
            self.settings.callback_retries,
            self.settings.callback_retry_gap,
        );
    }
}

#[derive(Clone, Copy)]
enum Op {
    StkPush,
    StkQuery,
    C2bRegister(u8),
    C2bSimulate(u8),
    B2c(u8),
    B2b,
    Status,
    Balance,
    Reversal,
    Qr,
}

impl Op {
    fn from_path(path: &str) -> Option<Op> {
        Some(match path {
            "/mpesa/stkpush/v1/processrequest" => Op::StkPush,
            "/mpesa/stkpushquery/v1/query" => Op::StkQuery,
            "/mpesa/c2b/v1/registerurl" => Op::C2bRegister(1),
            "/mpesa/c2b/v2/registerurl" => Op::C2bRegister(2),
            "/mpesa/c2b/v1/simulate" => Op::C2bSimulate(1),
            "/mpesa/c2b/v2/simulate" => Op::C2bSimulate(2),
            "/mpesa/b2c/v1/paymentrequest" => Op::B2c(1),
            "/mpesa/b2c/v3/paymentrequest" => Op::B2c(3),
            "/mpesa/b2b/v1/paymentrequest" => Op::B2b,
            "/mpesa/transactionstatus/v1/query" => Op::Status,
            "/mpesa/accountbalance/v1/query" => Op::Balance,
            "/mpesa/reversal/v1/request" => Op::Reversal,
            "/mpesa/qrcode/v1/generate" => Op::Qr,
            _ => return None,
        })
    }
}

/// `Basic xyz` / `Bearer xyz` → `xyz` (scheme case-insensitive).
fn strip_scheme<'a>(header: &'a str, scheme: &str) -> Option<&'a str> {
    let (s, rest) = header.trim().split_once(' ')?;
    (s.eq_ignore_ascii_case(scheme) && !rest.trim().is_empty()).then_some(rest)
}

/// The JSON object body. A request without `Content-Type: application/json` is read as an
/// empty object, so its first required field is reported invalid, as Daraja does.
fn parse_body(req: &Request) -> Result<Map<String, Value>> {
    let is_json = req
        .header("content-type")
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|ct| ct.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(error(400, "400.002.05", "Invalid request payload")),
    }
}

/// Daraja's error body with a fresh `requestId`.
pub(crate) fn error(status: u16, code: &str, message: &str) -> Response {
    Response::json(
        status,
        &json!({"requestId": request_id(), "errorCode": code, "errorMessage": message}),
    )
}

/// 400.002.02 "Bad Request - Invalid <field>".
pub(crate) fn invalid(field: &str) -> Response {
    error(400, "400.002.02", &format!("Bad Request - Invalid {field}"))
}

/// An id shaped like Daraja's request and merchant ids: `12345-67890123-1`.
pub(crate) fn request_id() -> String {
    let mut rng = rand::thread_rng();
    format!(
        "{}-{}-1",
        rng.gen_range(10_000..100_000),
        rng.gen_range(10_000_000..100_000_000)
    )
}

/// `AG_YYYYMMDD_` followed by 20 hex digits.
pub(crate) fn conversation_id() -> String {
    let mut rng = rand::thread_rng();
    let hex: String = (0..20)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect();
    format!("AG_{}_{hex}", time::eat_now().date())
}

/// A 10-character M-Pesa receipt such as `TLK3B7XQ2M`.
pub(crate) fn receipt() -> String {
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    let mut s = String::with_capacity(10);
    s.push('T');
    for _ in 0..2 {
        s.push(LETTERS[rng.gen_range(0..LETTERS.len())] as char);
    }
    for _ in 0..7 {
        s.push(ALNUM[rng.gen_range(0..ALNUM.len())] as char);
    }
    s
}

/// `12345.60` from cents.
pub(crate) fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}.{:02}", c / 100, c % 100)
}

/// Cents as a JSON number of shillings.
pub(crate) fn money_number(cents: i64) -> Value {
    json!(cents as f64 / 100.0)
}

/// Read access to a request body with Daraja's field rules; every failure is the
/// 400.002.02 "Invalid <field>" answer.
pub(crate) struct Body<'a>(&'a Map<String, Value>);

impl Body<'_> {
    /// The raw value, if present and not null.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field).filter(|v| !v.is_null())
    }

    /// A required non-empty string.
    pub fn string(&self, field: &str) -> Result<String> {
        match self.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            _ => Err(invalid(field)),
        }
    }

    /// A required string of `min..=max` characters.
    pub fn string_len(&self, field: &str, min: usize, max: usize) -> Result<String> {
        match self.get(field) {
            Some(Value::String(s)) if (min..=max).contains(&s.chars().count()) => Ok(s.clone()),
            _ => Err(invalid(field)),
        }
    }

    /// An optional string; when present it must have `min..=max` characters.
    pub fn opt_string_len(&self, field: &str, min: usize, max: usize) -> Result<Option<String>> {
        match self.get(field) {
            None => Ok(None),
            Some(_) => self.string_len(field, min, max).map(Some),
        }
    }

    /// Digits given as a JSON string or a non-negative integer, `min..=max` long.
    pub fn digits(&self, field: &str, min: usize, max: usize) -> Result<String> {
        let s = match self.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) if n.is_u64() => n.to_string(),
            _ => return Err(invalid(field)),
        };
        if (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(s)
        } else {
            Err(invalid(field))
        }
    }

    /// A Kenyan mobile number `2547XXXXXXXX` / `2541XXXXXXXX` (string or number).
    pub fn phone(&self, field: &str) -> Result<String> {
        let p = self.digits(field, 12, 12)?;
        if p.starts_with("2547") || p.starts_with("2541") {
            Ok(p)
        } else {
            Err(invalid(field))
        }
    }

    /// A whole amount in `min..=max`: a JSON number without fraction, or (when
    /// `allow_string`) a string holding one.
    pub fn amount(&self, field: &str, min: i64, max: i64, allow_string: bool) -> Result<i64> {
        let whole = |f: f64| (f.is_finite() && f.fract() == 0.0).then_some(f as i64);
        let v = match self.get(field) {
            Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().and_then(whole)),
            Some(Value::String(s)) if allow_string => {
                let s = s.trim();
                if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    s.parse::<f64>().ok().and_then(whole)
                } else {
                    None
                }
            }
            _ => None,
        };
        match v {
            Some(a) if (min..=max).contains(&a) => Ok(a),
            _ => Err(invalid(field)),
        }
    }

    /// An `http://` or `https://` URL with a host (Daraja's sandbox accepts http).
    pub fn url(&self, field: &str) -> Result<String> {
        let s = self.string(field)?;
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"));
        let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
        match host {
            Some(h) if !h.is_empty() && !s.chars().any(char::is_whitespace) => Ok(s),
            _ => Err(invalid(field)),
        }
    }

    /// An `https://` URL with a host, or an `http://` one whose host is a loopback address
    /// (`localhost`, `127.x.x.x`, `[::1]`) so that local tests can receive callbacks.
    pub fn https_url(&self, field: &str) -> Result<String> {
        let s = self.url(field)?;
        if s.starts_with("https://") || is_loopback_http(&s) {
            Ok(s)
        } else {
            Err(invalid(field))
        }
    }

    /// A required string equal to one of `allowed` (exact case).
    pub fn one_of(&self, field: &str, allowed: &[&str]) -> Result<String> {
        match self.get(field) {
            Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(s.clone()),
            _ => Err(invalid(field)),
        }
    }

    /// A required code given as a string or a number, one of `allowed`.
    pub fn code_of(&self, field: &str, allowed: &[&str]) -> Result<String> {
        let s = match self.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(invalid(field)),
        };
        if allowed.contains(&s.as_str()) {
            Ok(s)
        } else {
            Err(invalid(field))
        }
    }
}

/// True for `http://` URLs whose host is `localhost`, a 127.0.0.0/8 address or `[::1]`.
pub(crate) fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, _)) => {
                return h
                    .parse::<std::net::Ipv6Addr>()
                    .is_ok_and(|a| a.is_loopback())
            }
            None => return false,
        }
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback())
}

/// Checks a `YYYYMMDDHHmmss` Kenyan timestamp is within the tolerance of now.
pub(crate) fn check_timestamp(d: &Daraja, b: &Body) -> Result<String> {
    let ts = match b.get("Timestamp") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        _ => return Err(invalid("Timestamp")),
    };
    let Some(at) = time::parse_eat_compact(&ts) else {
        return Err(invalid("Timestamp"));
    };
    let tolerance = d.settings.timestamp_tolerance.as_secs() as i64;
    if (at - time::unix_now()).abs() > tolerance {
        return Err(invalid("Timestamp"));
    }
    Ok(ts)
}

/// Checks `Password` = base64(shortcode + passkey + timestamp) for the STK shortcode.
pub(crate) fn check_stk_password(d: &Daraja, b: &Body, shortcode: &str, ts: &str) -> Result<()> {
    let password = b.string("Password")?;
    if shortcode != d.settings.shortcode {
        return Err(error(500, "500.001.1001", "Merchant does not exist"));
    }
    let expected = base64::engine::general_purpose::STANDARD
        .encode(format!("{shortcode}{}{ts}", d.settings.passkey));
    if password.trim() != expected {
        return Err(error(500, "500.001.1001", "Wrong credentials"));
    }
    Ok(())
}

/// Kenyan time now, for documentation examples and client tests: `YYYYMMDDHHmmss`.
pub fn kenyan_timestamp() -> String {
    time::eat_now().compact()
}
