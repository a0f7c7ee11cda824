//! Safaricom Daraja (M-Pesa) emulator under `{sandbox}/daraja`.
//!
//! Written from the Daraja portal's documents (see `docs/sandbox.md`, section Daraja):
//! OAuth client-credentials tokens, M-Pesa Express (STK push and query), C2B URL
//! registration and simulation with validation/confirmation requests, the initiator APIs
//! (B2C, Business to Pochi, B2B with the B2C account top-up, tax remittance, transaction
//! status, account balance, reversal) answered on `ResultURL`, Dynamic QR, and the other
//! portal APIs (B2B Express Checkout, Pull Transactions, M-Pesa Ratiba, Bill Manager).
//! Field names are checked exactly as Daraja spells them (`Occassion`,
//! `RecieverIdentifierType`, `OriginatorCoversationID`); errors use Daraja's
//! `{"requestId", "errorCode", "errorMessage"}` body with the HTTP status equal to the
//! first part of `errorCode`.
//!
//! Outcomes are chosen by documented test values (phone numbers below), so client tests are
//! deterministic. Every outcome is decided when the request is accepted and delivered to the
//! callback URL after [`Settings::callback_delay`].
//!
//! Layout: `routes` dispatches a request to one file per API family (`stk`, `c2b`, `b2c`,
//! `b2b`, `status`, `balance`, `reversal`, `qr`, `portal::*`); `state` holds what the
//! emulator remembers, `ledger` what tests can read back, `notify` the callback delivery
//! (with the drop setting), `auth`, `throttle`, `body` and `ids` the shared rules, and
//! `control` the `/_sandbox/daraja/...` routes.

mod auth;
mod b2b;
mod b2c;
mod balance;
mod body;
mod c2b;
mod control;
mod ids;
mod ledger;
mod notify;
mod portal;
mod qr;
mod results;
mod reversal;
mod routes;
mod state;
mod status;
mod stk;
mod throttle;
mod time;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rsa::RsaPrivateKey;

pub use ledger::{CallbackFate, LedgerEntry};
pub use notify::{CALLBACK_KINDS, DROPPABLE_BY_DEFAULT};
pub use portal::bill_manager::{Invoice, InvoicePayment, InvoiceStatus};

pub(crate) use body::{error, invalid, Body};
pub(crate) use ids::{conversation_id, money, money_number, receipt, request_id};
pub(crate) use state::{Pending, State, Stats, StkRecord, Txn};

use crate::http::Response;

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
/// B2C (and Business to Pochi) to this phone fails: credit party not registered / not
/// supported (result 2040).
pub const B2C_PHONE_NOT_REGISTERED: &str = "254700002040";
/// C2B simulate from this phone has no customer names (`FirstName` etc. empty).
pub const C2B_PHONE_NO_NAMES: &str = "254700000000";
/// B2B Express Checkout from this till (`primaryShortCode`) is cancelled by the merchant's
/// operator (callback `resultCode` "4001"); any other till pays.
pub const B2B_EXPRESS_TILL_CANCELLED: &str = "400100";
/// The only `PartyB` of a tax remittance: KRA's shortcode.
pub const KRA_SHORTCODE: &str = "572572";

/// Key casing of M-Pesa Ratiba callbacks. The portal's samples mix `ResponseHeader` /
/// `responseHeader`, `ResponseData` / `responseData` and `Name` / `name`; a client must
/// match them case-insensitively, and this setting proves it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyCase {
    /// `responseHeader`, `responseBody`, `responseData`, items `name` / `value` (the
    /// portal's JSON sample; the default).
    #[default]
    Camel,
    /// `ResponseHeader`, `ResponseBody`, `ResponseData`, items `Name` / `Value`, and the
    /// header's keys capitalised too (`ResponseRefID`, `ResponseCode`, ...).
    Pascal,
    /// `ResponseHeader` (with camel-case keys inside, as the portal's table), `responseBody`,
    /// `ResponseData`, items `Name` / `value`.
    Mixed,
}

impl KeyCase {
    /// `camel`, `pascal` or `mixed` (the control API's spelling).
    pub fn name(self) -> &'static str {
        match self {
            KeyCase::Camel => "camel",
            KeyCase::Pascal => "pascal",
            KeyCase::Mixed => "mixed",
        }
    }

    /// Parses [`KeyCase::name`] (case-insensitive).
    pub fn parse(s: &str) -> Option<KeyCase> {
        match s.to_ascii_lowercase().as_str() {
            "camel" => Some(KeyCase::Camel),
            "pascal" => Some(KeyCase::Pascal),
            "mixed" => Some(KeyCase::Mixed),
            _ => None,
        }
    }
}

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
    /// Percentage (0–100) of callbacks of the kinds in [`Settings::callback_drop_kinds`]
    /// that are never delivered, while the payment still happens (default 0). Exactly
    /// this many of every 100 consecutive such callbacks are dropped, evenly spread; the
    /// seed decides which. Changeable at run time ([`Daraja::set_tunables`]).
    pub callback_drop_percent: u8,
    /// Seed of the drop pattern (0): the same seed and the same order of requests drop the
    /// same callbacks.
    pub callback_drop_seed: u64,
    /// Callback kinds the drop applies to, from [`CALLBACK_KINDS`] (default
    /// [`DROPPABLE_BY_DEFAULT`]: every payment outcome; not the `status` and `balance`
    /// query results).
    pub callback_drop_kinds: Vec<String>,
    /// Rows per Pull Transactions page (100).
    pub pull_page_size: usize,
    /// Key casing of M-Pesa Ratiba callbacks ([`KeyCase::Camel`], the portal's sample).
    pub ratiba_key_case: KeyCase,
    /// Redeliveries of a Bill Manager payment notification that is not acknowledged with
    /// `{"rescode": "200"}` (5, the portal's "retries up to 5 times").
    pub bill_manager_retries: u32,
    /// Pause between those deliveries (1 s).
    pub bill_manager_retry_gap: Duration,
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
            callback_drop_percent: 0,
            callback_drop_seed: 0,
            callback_drop_kinds: DROPPABLE_BY_DEFAULT.iter().map(|k| k.to_string()).collect(),
            pull_page_size: 100,
            ratiba_key_case: KeyCase::Camel,
            bill_manager_retries: 5,
            bill_manager_retry_gap: Duration::from_secs(1),
        }
    }
}

/// The settings that can change while the sandbox runs ([`Daraja::set_tunables`], or
/// `POST /_sandbox/daraja/settings`); they start as the [`Settings`] of the same names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tunables {
    /// See [`Settings::callback_drop_percent`].
    pub callback_drop_percent: u8,
    /// See [`Settings::callback_drop_seed`].
    pub callback_drop_seed: u64,
    /// See [`Settings::callback_drop_kinds`].
    pub callback_drop_kinds: Vec<String>,
    /// See [`Settings::pull_page_size`].
    pub pull_page_size: usize,
    /// See [`Settings::ratiba_key_case`].
    pub ratiba_key_case: KeyCase,
    /// See [`Settings::bill_manager_retries`].
    pub bill_manager_retries: u32,
    /// See [`Settings::bill_manager_retry_gap`].
    pub bill_manager_retry_gap: Duration,
}

impl Tunables {
    fn from_settings(s: &Settings) -> Self {
        Tunables {
            callback_drop_percent: s.callback_drop_percent.min(100),
            callback_drop_seed: s.callback_drop_seed,
            callback_drop_kinds: s.callback_drop_kinds.clone(),
            pull_page_size: s.pull_page_size.max(1),
            ratiba_key_case: s.ratiba_key_case,
            bill_manager_retries: s.bill_manager_retries,
            bill_manager_retry_gap: s.bill_manager_retry_gap,
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
    /// C2B confirmations scheduled (dropped ones included).
    pub c2b_confirmations: u64,
    /// Initiator requests accepted (B2C, B2Pochi, B2B, tax, status, balance, reversal).
    pub initiator_requests: u64,
    /// `SecurityCredential`s that did not decrypt to the initiator password.
    pub bad_credentials: u64,
    /// Requests refused with `500.003.02` (spike arrest, [`Settings::rate_per_second`]).
    pub spike_arrests: u64,
    /// Requests refused with `500.003.03` (quota, [`Settings::quota`]).
    pub quota_violations: u64,
    /// Callbacks not delivered because of [`Settings::callback_drop_percent`].
    pub callbacks_dropped: u64,
}

/// The Daraja emulator's state.
pub struct Daraja {
    pub(crate) settings: Settings,
    pub(crate) state: Arc<Mutex<State>>,
    pub(crate) stats: Arc<Stats>,
    pub(crate) pending: Arc<Pending>,
    pub(crate) notifier: Arc<notify::Notifier>,
    pub(crate) agent: ureq::Agent,
    key: OnceLock<Option<RsaPrivateKey>>,
    throttle: Mutex<throttle::Throttle>,
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
            state: Arc::new(Mutex::new(State::new(&settings))),
            notifier: Arc::new(notify::Notifier::new(Tunables::from_settings(&settings))),
            settings,
            stats: Arc::new(Stats::default()),
            pending: Arc::new(Pending::default()),
            agent,
            key: OnceLock::new(),
            throttle: Mutex::new(throttle::Throttle::default()),
        }
    }

    /// The settings it started with (see [`Daraja::tunables`] for the ones that change).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The current values of the settings that can change at run time.
    pub fn tunables(&self) -> Tunables {
        self.notifier.tunables()
    }

    /// Replaces the run-time settings. The drop pattern restarts: the next droppable
    /// callback is the first of the new pattern. A percentage above 100 counts as 100 and a
    /// page size of 0 as 1.
    pub fn set_tunables(&self, tunables: Tunables) {
        self.notifier.set_tunables(tunables);
    }

    /// Shorthand: drop `percent` % of the droppable callbacks, pattern seeded by `seed`.
    pub fn set_callback_drop(&self, percent: u8, seed: u64) {
        let mut t = self.tunables();
        t.callback_drop_percent = percent;
        t.callback_drop_seed = seed;
        self.set_tunables(t);
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

    /// Receipts of every completed transaction so far (STK, C2B, B2C, B2Pochi, B2B, tax,
    /// B2B Express Checkout, Bill Manager payments, reversals).
    pub fn receipts(&self) -> Vec<String> {
        self.state.lock().unwrap().txns.keys().cloned().collect()
    }

    /// Every payment request the emulator accepted, in order, with its outcome: what a
    /// test needs to check that each payment reached its final outcome and that nothing
    /// was paid twice (see [`LedgerEntry`]).
    pub fn ledger(&self) -> Vec<LedgerEntry> {
        let now = Instant::now();
        let st = self.state.lock().unwrap();
        st.ledger
            .iter()
            .enumerate()
            .map(|(i, r)| r.entry(i, now))
            .collect()
    }

    /// Bill Manager invoices, in the order they were created.
    pub fn invoices(&self) -> Vec<Invoice> {
        portal::bill_manager::invoices(self)
    }

    /// Makes the customer pay `amount_cents` (the outstanding amount when `None`) of the
    /// invoice with this `externalReference`, from `msisdn` (the billed phone when `None`):
    /// the Working account is credited and the payment notification is pushed to the
    /// opt-in `callbackurl`. Returns the M-Pesa receipt (`transactionId`), or why not.
    pub fn pay_invoice(
        &self,
        shared: &crate::Shared,
        external_reference: &str,
        amount_cents: Option<i64>,
        msisdn: Option<&str>,
    ) -> std::result::Result<String, String> {
        portal::bill_manager::pay(self, shared, external_reference, amount_cents, msisdn)
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
            callbacks_dropped: self.notifier.dropped(),
        }
    }

    /// Waits until the emulator's own background work (C2B validation round trips) is done;
    /// false if `timeout` passed first. Webhooks themselves are tracked by
    /// `Sandbox::wait_callbacks_idle`.
    pub fn wait_background_idle(&self, timeout: Duration) -> bool {
        self.pending.wait_idle(timeout)
    }
}

/// Kenyan time now, for documentation examples and client tests: `YYYYMMDDHHmmss`.
pub fn kenyan_timestamp() -> String {
    time::eat_now().compact()
}
