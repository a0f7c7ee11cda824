//! What the emulator remembers between requests.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicU64;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::ledger::LedgerRecord;
use super::portal::bill_manager::BillManager;
use super::portal::ratiba::StandingOrder;
use super::{C2bRegistration, Settings};

/// One completed money movement, addressable by its receipt (`TransactionID`).
#[derive(Debug, Clone)]
pub(crate) struct Txn {
    /// `stk`, `c2b`, `b2c`, `b2pochi`, `b2b`, `tax`, `reversal`, `b2b_express`,
    /// `bill_payment`.
    pub kind: &'static str,
    /// The CommandID / TransactionType it was made with (`CustomerPayBillOnline`, ...).
    pub command: String,
    pub amount_cents: i64,
    pub debit_party: String,
    pub credit_party: String,
    /// Account reference / bill reference, when the API has one.
    pub reference: String,
    pub originator_id: String,
    pub conversation_id: String,
    /// `YYYYMMDDHHmmss`, Kenyan time.
    pub time: String,
    pub reversed: bool,
    /// Insertion order (set by [`State::add_txn`]).
    pub seq: u64,
}

pub(crate) struct StkRecord {
    pub merchant_request_id: String,
    pub phone: String,
    pub ready_at: Instant,
    pub result_code: i64,
    pub result_desc: String,
    pub receipt: Option<String>,
}

/// A shortcode registered for Pull Transactions.
pub(crate) struct PullRegistration {
    pub response_ref_id: String,
}

pub(crate) struct State {
    pub tokens: HashMap<String, Instant>,
    pub stk: HashMap<String, StkRecord>,
    pub registrations: HashMap<String, C2bRegistration>,
    pub originator_ids: HashSet<String>,
    pub working_cents: i64,
    pub utility_cents: i64,
    pub txns: HashMap<String, Txn>,
    pub by_originator: HashMap<String, String>,
    txn_seq: u64,
    /// Every payment request accepted, in order (see `ledger.rs`).
    pub ledger: Vec<LedgerRecord>,
    /// `RequestRefID`s of B2B Express Checkout requests seen.
    pub express_refs: HashSet<String>,
    pub pull_registrations: HashMap<String, PullRegistration>,
    pub standing_orders: Vec<StandingOrder>,
    pub bill: BillManager,
}

impl State {
    pub fn new(settings: &Settings) -> State {
        State {
            tokens: HashMap::new(),
            stk: HashMap::new(),
            registrations: HashMap::new(),
            originator_ids: HashSet::new(),
            working_cents: settings.working_balance_cents,
            utility_cents: settings.utility_balance_cents,
            txns: HashMap::new(),
            by_originator: HashMap::new(),
            txn_seq: 0,
            ledger: Vec::new(),
            express_refs: HashSet::new(),
            pull_registrations: HashMap::new(),
            standing_orders: Vec::new(),
            bill: BillManager::default(),
        }
    }

    /// Records a completed transaction under its receipt.
    pub fn add_txn(&mut self, receipt: &str, mut txn: Txn) {
        txn.seq = self.txn_seq;
        self.txn_seq += 1;
        self.txns.insert(receipt.to_string(), txn);
    }

    /// Records a completed transaction that status can also find by its
    /// OriginatorConversationID.
    pub fn add_txn_by_originator(&mut self, receipt: &str, txn: Txn) {
        self.by_originator
            .insert(txn.originator_id.clone(), receipt.to_string());
        self.add_txn(receipt, txn);
    }

    /// Appends to the ledger; returns the record's index.
    pub fn add_ledger(&mut self, record: LedgerRecord) -> usize {
        self.ledger.push(record);
        self.ledger.len() - 1
    }
}

#[derive(Default)]
pub(crate) struct Stats {
    pub token_requests: AtomicU64,
    pub tokens_issued: AtomicU64,
    pub stk_pushes: AtomicU64,
    pub c2b_simulations: AtomicU64,
    pub c2b_validations: AtomicU64,
    pub c2b_confirmations: AtomicU64,
    pub initiator_requests: AtomicU64,
    pub bad_credentials: AtomicU64,
    pub spike_arrests: AtomicU64,
    pub quota_violations: AtomicU64,
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

    /// Waits until no job is running; false if `timeout` passed first.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut n = self.count.lock().unwrap();
        while *n > 0 {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            n = self.cv.wait_timeout(n, deadline - now).unwrap().0;
        }
        true
    }
}
