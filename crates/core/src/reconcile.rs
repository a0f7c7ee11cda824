//! The reconciler: settles the payments whose callbacks never came.
//!
//! [`crate::Client::reconcile`] walks the payment journal's open payments (those without a
//! final outcome) sent more than `older_than_ms` ago, oldest first, and asks each one's
//! provider where it stands:
//!
//! | operation | query | the answer |
//! |---|---|---|
//! | `daraja.stk_push` | STK query | at once; recorded now |
//! | `umspay.stk_push` | UMS Pay transaction status | at once; recorded now |
//! | `daraja.b2c`, `daraja.b2pochi`, `daraja.b2b`, `daraja.reversal`, `daraja.b2c_topup`, `daraja.remit_tax` | transaction status by `OriginatorConversationID` | on the ResultURL: recorded by the application's `receive_callback` (`daraja.result`) |
//! | C2B payments nobody confirmed | Pull Transactions over the last `c2b_lookback_ms` | at once; recorded now (Pull Transactions also yields the receipt of STK pushes the STK query settled) |
//!
//! It only ever sends queries: nothing is paid again. Several workers may run it at once
//! on one store (Redis): each payment is claimed (a lease) before it is asked about, so no
//! two workers query the same payment, and once asked it is not asked again by anyone for
//! `requery_after_ms`. Queries are paced at `max_queries_per_second` per provider account,
//! counted in the store, so the bound holds across every worker.

use std::collections::HashSet;
use std::time::{Duration, Instant, UNIX_EPOCH};

use serde::Serialize;

use crate::client::Client;
use crate::daraja::{PullTransaction, PullTransactionsRequest, TransactionStatusRequest};
use crate::error::{Error, Provider, Result};
use crate::journal::{AskedStatus, Journal, JournalEntry, JournalOutcome, OutcomeSource};
use crate::store::{holder_id, now_ms, Claim, MemoryStore, StateStore};
use crate::PaymentStatus;

/// Payments examined per run unless `limit` says otherwise.
pub const DEFAULT_LIMIT: u32 = 500;
/// Queries per second per provider account unless `max_queries_per_second` says otherwise.
pub const DEFAULT_QUERIES_PER_SECOND: u32 = 5;
/// How far back Pull Transactions looks by default: 24 hours.
pub const DEFAULT_C2B_LOOKBACK_MS: u32 = 24 * 3600 * 1000;
/// The longest `c2b_lookback_ms`: Pull Transactions covers the last 48 hours.
pub const MAX_C2B_LOOKBACK_MS: u32 = 48 * 3600 * 1000;
/// Default `not_found_final_after_ms`: 30 minutes.
pub const DEFAULT_NOT_FOUND_FINAL_AFTER_MS: u32 = 30 * 60 * 1000;
/// Default `requery_after_ms`.
pub const DEFAULT_REQUERY_AFTER_MS: u32 = 30_000;

/// Each Pull Transactions run starts this much before where the previous one ended.
const PULL_OVERLAP_MS: u64 = 10 * 60 * 1000;
/// Most Pull Transactions pages read in one run (the rest is read by the next).
const PULL_MAX_PAGES: u32 = 1_000;

crate::request::request! {
    /// What to reconcile, and how fast.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ReconcileRequest {
        /// Only payments sent at least this long ago, in milliseconds (a younger one's
        /// callback may still be on its way).
        pub older_than_ms: u32,
        /// At most this many open payments per run, oldest first; default 500.
        #[serde(default)]
        pub limit: Option<u32>,
        /// At most this many provider queries per second per provider account, across every
        /// worker sharing the store; default 5.
        #[serde(default)]
        pub max_queries_per_second: Option<u32>,
        /// How long to wait for transaction status answers, in milliseconds: they arrive on
        /// the ResultURL and are recorded by `receive_callback`; default 0 (do not wait).
        #[serde(default)]
        pub wait_for_results_ms: Option<u32>,
        /// Where transaction status answers are POSTed; defaults to `daraja.result_url`.
        #[serde(default)]
        pub result_url: Option<String>,
        /// Whether to look for C2B payments nobody confirmed with Pull Transactions; default
        /// true when Daraja is configured.
        #[serde(default)]
        pub c2b: Option<bool>,
        /// How far back Pull Transactions looks, in milliseconds; default 24 hours, at most
        /// 48 (Daraja's limit).
        #[serde(default)]
        pub c2b_lookback_ms: Option<u32>,
        /// A request Daraja accepted that transaction status does not find is failed once
        /// it is this old, in milliseconds; default 30 minutes.
        #[serde(default)]
        pub not_found_final_after_ms: Option<u32>,
        /// A payment asked about is not asked again, by any worker, for this long, in
        /// milliseconds; default 30 000.
        #[serde(default)]
        pub requery_after_ms: Option<u32>,
    }
}

impl ReconcileRequest {
    /// The payments sent more than `older_than_ms` ago, with every default.
    pub fn new(older_than_ms: u32) -> Self {
        ReconcileRequest {
            older_than_ms,
            ..ReconcileRequest::default()
        }
    }
}

/// What the reconciler did about one payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReconcileAction {
    /// The provider told its final outcome, now recorded.
    Resolved,
    /// The provider says it is still pending; asked again next run.
    Pending,
    /// A transaction status query was sent: its answer comes on the ResultURL and is
    /// recorded by `receive_callback`.
    AwaitingResult,
    /// Not asked: another worker holds it or asked recently, or its outcome was recorded
    /// meanwhile.
    Skipped,
    /// The query failed (see `error`); tried again next run.
    Error,
    /// A C2B payment found by Pull Transactions that the journal did not hold, now recorded.
    Found,
    /// A paid STK push's receipt, found by Pull Transactions and recorded (for a push
    /// settled by an earlier run; one settled by this run shows it in its own row).
    ReceiptFound,
}

/// One payment of a [`ReconcileReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReconciledPayment {
    /// Its provider.
    pub provider: Provider,
    /// `daraja.stk_push`, `daraja.b2c`, `daraja.c2b`, `umspay.stk_push`…
    pub operation: String,
    /// The provider's id (`CheckoutRequestID`, `OriginatorConversationID`, `TransID`…).
    pub id: String,
    /// Whole shillings.
    pub amount: u64,
    /// The phone, as journaled.
    pub phone: String,
    /// Your reference, as journaled.
    pub reference: String,
    /// When it was sent, Unix milliseconds.
    pub sent_at_ms: u64,
    /// Where it stood before this run: `pending`, or `None` for a payment the journal
    /// did not hold (a C2B payment found by Pull Transactions).
    pub old_status: Option<PaymentStatus>,
    /// Where it stands now.
    pub new_status: PaymentStatus,
    /// What the reconciler did.
    pub action: ReconcileAction,
    /// The final outcome, when known.
    pub outcome: Option<JournalOutcome>,
    /// Why the query failed, for `error`.
    pub error: Option<String>,
}

/// What a run of the reconciler found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReconcileReport {
    /// Open payments looked at.
    pub examined: u32,
    /// Final outcomes recorded by this run (`resolved`, `found` and the answers to its
    /// transaction status queries that arrived while it waited).
    pub resolved: u32,
    /// Still pending at the provider.
    pub pending: u32,
    /// Transaction status asked; the answer had not been recorded when the run ended.
    pub awaiting_result: u32,
    /// Not asked (held or asked recently by another worker, or settled meanwhile).
    pub skipped: u32,
    /// Queries that failed.
    pub errors: u32,
    /// C2B payments found by Pull Transactions that the journal did not hold.
    pub c2b_found: u32,
    /// STK receipts found by Pull Transactions.
    pub receipts_found: u32,
    /// Open payments whose journal entry had expired (dropped from the index).
    pub expired: u32,
    /// Provider queries sent.
    pub queries: u32,
    /// Pull Transactions did not run to the end: why.
    pub c2b_error: Option<String>,
    /// How long the run took, in milliseconds.
    pub took_ms: u64,
    /// Every payment looked at, in the order they were.
    pub payments: Vec<ReconciledPayment>,
}

/// The request with its defaults applied, checked.
struct Settings {
    older_than: u64,
    limit: usize,
    rate: u32,
    wait: Duration,
    result_url: Option<String>,
    c2b: bool,
    lookback: u64,
    not_found_after: u64,
    cooldown: Duration,
    lease: Duration,
}

impl Settings {
    fn of(client: &Client, r: &ReconcileRequest) -> Result<Settings> {
        let config = client.config();
        let positive = |field: &str, v: Option<u32>, default: u32, max: u32| -> Result<u32> {
            match v.unwrap_or(default) {
                0 => Err(Error::invalid(field, "must be greater than 0")),
                n if n > max => Err(Error::invalid(field, format!("must be at most {max}"))),
                n => Ok(n),
            }
        };
        let limit = positive("limit", r.limit, DEFAULT_LIMIT, 100_000)?;
        let rate = positive(
            "max_queries_per_second",
            r.max_queries_per_second,
            DEFAULT_QUERIES_PER_SECOND,
            1_000,
        )?;
        let lookback = positive(
            "c2b_lookback_ms",
            r.c2b_lookback_ms,
            DEFAULT_C2B_LOOKBACK_MS,
            MAX_C2B_LOOKBACK_MS,
        )?;
        if r.wait_for_results_ms.is_some_and(|w| w > 3_600_000) {
            return Err(Error::invalid(
                "wait_for_results_ms",
                "must be at most 3600000 (one hour)",
            ));
        }
        let c2b = match r.c2b {
            Some(true) if config.daraja.is_none() => {
                return Err(Error::config(
                    "daraja",
                    "Daraja is not configured on this client (c2b needs Pull Transactions)",
                ))
            }
            Some(c2b) => c2b,
            None => config.daraja.is_some(),
        };
        let callback_lease = config
            .store
            .as_ref()
            .map_or(60_000, |s| s.callback_lease_ms);
        Ok(Settings {
            older_than: u64::from(r.older_than_ms),
            limit: limit as usize,
            rate,
            wait: Duration::from_millis(r.wait_for_results_ms.unwrap_or(0).into()),
            result_url: r.result_url.clone().filter(|u| !u.trim().is_empty()),
            c2b,
            lookback: u64::from(lookback),
            not_found_after: u64::from(
                r.not_found_final_after_ms
                    .unwrap_or(DEFAULT_NOT_FOUND_FINAL_AFTER_MS),
            ),
            cooldown: Duration::from_millis(
                u64::from(r.requery_after_ms.unwrap_or(DEFAULT_REQUERY_AFTER_MS)).max(1),
            ),
            // Held across one query: longer than the query may take.
            lease: Duration::from_millis(callback_lease.max(config.http.timeout_ms + 5_000)),
        })
    }
}

/// Runs the reconciler (see the module documentation).
pub(crate) fn run(client: &Client, request: &ReconcileRequest) -> Result<ReconcileReport> {
    let settings = Settings::of(client, request)?;
    let started = Instant::now();
    let mut run = Run {
        client,
        journal: Journal::of(client),
        store: client.store().as_ref(),
        holder: holder_id(),
        pacer: Pacer {
            rate: settings.rate,
            paused_until: Vec::new(),
        },
        settings,
        report: ReconcileReport::default(),
        asked: Vec::new(),
    };
    run.open_payments()?;
    run.wait_for_results();
    if run.settings.c2b {
        if let Err(e) = run.pull_c2b() {
            run.report.c2b_error = Some(e.to_string());
        }
    }
    let mut report = run.report;
    for p in &report.payments {
        match p.action {
            ReconcileAction::Resolved | ReconcileAction::Found => report.resolved += 1,
            ReconcileAction::Pending => report.pending += 1,
            ReconcileAction::AwaitingResult => report.awaiting_result += 1,
            ReconcileAction::Skipped => report.skipped += 1,
            ReconcileAction::Error => report.errors += 1,
            ReconcileAction::ReceiptFound => {}
        }
        if p.action == ReconcileAction::Found {
            report.c2b_found += 1;
        }
    }
    report.took_ms = started.elapsed().as_millis() as u64;
    log::info!(
        "tuma: reconciled {} payments in {} ms: {} resolved, {} pending, {} awaiting a result, {} skipped, {} errors, {} C2B found",
        report.examined,
        report.took_ms,
        report.resolved,
        report.pending,
        report.awaiting_result,
        report.skipped,
        report.errors,
        report.c2b_found
    );
    Ok(report)
}

/// What a query about one payment led to.
enum Step {
    Resolved(Option<Box<JournalEntry>>),
    Pending,
    Asked,
}

struct Run<'a> {
    client: &'a Client,
    journal: Journal<'a>,
    store: &'a dyn StateStore,
    holder: String,
    pacer: Pacer,
    settings: Settings,
    report: ReconcileReport,
    /// Rows of the report waiting for a transaction status answer, with their record keys.
    asked: Vec<(usize, String)>,
}

impl Run<'_> {
    fn providers(&self) -> Vec<Provider> {
        let config = self.client.config();
        let mut providers = Vec::new();
        if config.daraja.is_some() {
            providers.push(Provider::Daraja);
        }
        if config.umspay.is_some() {
            providers.push(Provider::Umspay);
        }
        providers
    }

    /// Every open payment old enough, oldest first, up to the limit.
    fn open_payments(&mut self) -> Result<()> {
        let cutoff = now_ms().saturating_sub(self.settings.older_than);
        let mut open = Vec::new();
        for provider in self.providers() {
            for (key, at) in self.journal.open(provider, cutoff, self.settings.limit)? {
                open.push((at, provider, key));
            }
        }
        open.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.cmp(&b.2)));
        open.truncate(self.settings.limit);
        for (_, provider, key) in open {
            self.one(provider, &key);
        }
        Ok(())
    }

    fn row(
        entry: &JournalEntry,
        provider: Provider,
        id: &str,
        action: ReconcileAction,
    ) -> ReconciledPayment {
        ReconciledPayment {
            provider,
            operation: entry.operation.clone(),
            id: id.to_string(),
            amount: entry.amount,
            phone: entry.phone.clone(),
            reference: entry.reference.clone(),
            sent_at_ms: entry.sent_at_ms,
            old_status: Some(PaymentStatus::Pending),
            new_status: entry
                .outcome
                .as_ref()
                .map_or(PaymentStatus::Pending, |o| o.status),
            action,
            outcome: entry.outcome.clone(),
            error: None,
        }
    }

    /// Claims one open payment, asks its provider, records the answer.
    fn one(&mut self, provider: Provider, key: &str) {
        let Some((_, id)) = Journal::parse_key(key).filter(|(p, _)| *p == provider) else {
            let _ = self.journal.forget_open(provider, key);
            return;
        };
        let entry = match self.journal.load(key) {
            Ok(Some(entry)) => entry,
            Ok(None) => {
                self.report.expired += 1;
                let _ = self.journal.forget_open(provider, key);
                return;
            }
            Err(e) => {
                self.report.examined += 1;
                let mut row = Self::row(
                    &JournalEntry::default(),
                    provider,
                    id,
                    ReconcileAction::Error,
                );
                row.error = Some(e.to_string());
                self.report.payments.push(row);
                return;
            }
        };
        self.report.examined += 1;
        if entry.is_final() {
            // Settled by a callback since it was listed.
            let _ = self.journal.forget_open(provider, key);
            self.report
                .payments
                .push(Self::row(&entry, provider, id, ReconcileAction::Skipped));
            return;
        }
        let claim = format!("reconcile:{key}");
        match self.store.claim(&claim, &self.holder, self.settings.lease) {
            Ok(Claim::Claimed) => {}
            Ok(Claim::InProgress | Claim::Done) => {
                self.report.payments.push(Self::row(
                    &entry,
                    provider,
                    id,
                    ReconcileAction::Skipped,
                ));
                return;
            }
            Err(e) => {
                let mut row = Self::row(&entry, provider, id, ReconcileAction::Error);
                row.error = Some(e.to_string());
                self.report.payments.push(row);
                return;
            }
        }
        // Another worker may have settled it between the listing and the claim.
        if let Ok(Some(now)) = self.journal.load(key) {
            if now.is_final() {
                let _ = self
                    .store
                    .complete(&claim, &self.holder, self.settings.cooldown);
                let _ = self.journal.forget_open(provider, key);
                let mut row = Self::row(&now, provider, id, ReconcileAction::Skipped);
                row.old_status = Some(PaymentStatus::Pending);
                self.report.payments.push(row);
                return;
            }
        }
        let step = match entry.operation.as_str() {
            "daraja.stk_push" => self.stk(id),
            "umspay.stk_push" => self.umspay(id),
            "daraja.b2c" | "daraja.b2pochi" | "daraja.b2b" | "daraja.reversal"
            | "daraja.b2c_topup" | "daraja.remit_tax" => self.status(id, key, &entry),
            other => Err(Error::invalid(
                "operation",
                format!("the reconciler does not ask about `{other}`"),
            )),
        };
        match step {
            Ok(step) => {
                // Nobody asks about it again for a while, whatever the answer.
                let _ = self
                    .store
                    .complete(&claim, &self.holder, self.settings.cooldown);
                let row = match step {
                    Step::Resolved(settled) => Self::row(
                        settled.as_deref().unwrap_or(&entry),
                        provider,
                        id,
                        ReconcileAction::Resolved,
                    ),
                    Step::Pending => Self::row(&entry, provider, id, ReconcileAction::Pending),
                    Step::Asked => {
                        self.asked
                            .push((self.report.payments.len(), key.to_string()));
                        Self::row(&entry, provider, id, ReconcileAction::AwaitingResult)
                    }
                };
                self.report.payments.push(row);
            }
            Err(e) => {
                let _ = self.store.release(&claim, &self.holder);
                if let Error::RateLimited { retry_after, .. } = &e {
                    self.pacer
                        .pause(provider, retry_after.unwrap_or(Duration::from_secs(1)));
                }
                let mut row = Self::row(&entry, provider, id, ReconcileAction::Error);
                row.error = Some(e.to_string());
                self.report.payments.push(row);
            }
        }
    }

    fn wait_slot(&mut self, provider: Provider) {
        let key = match self.client.journal_scope().index(provider) {
            Some(index) => format!("reconcile:rate:{index}"),
            None => format!("reconcile:rate:{provider}"),
        };
        self.pacer.wait(self.store, provider, &key);
        self.report.queries += 1;
    }

    fn stk(&mut self, id: &str) -> Result<Step> {
        self.wait_slot(Provider::Daraja);
        let answer = self.client.daraja().stk_query(id)?;
        match JournalOutcome::of_stk_query(&answer) {
            None => Ok(Step::Pending),
            Some(outcome) => Ok(Step::Resolved(
                self.journal
                    .settle(Provider::Daraja, id, outcome, |_| true)?
                    .map(Box::new),
            )),
        }
    }

    fn umspay(&mut self, id: &str) -> Result<Step> {
        self.wait_slot(Provider::Umspay);
        let status = self.client.umspay().transaction_status(id)?;
        match JournalOutcome::of_umspay_status(&status) {
            None => Ok(Step::Pending),
            Some(outcome) => Ok(Step::Resolved(
                self.journal
                    .settle(Provider::Umspay, id, outcome, |_| true)?
                    .map(Box::new),
            )),
        }
    }

    /// Sends a transaction status query about an initiator request; its answer comes on the
    /// ResultURL, and `receive_callback` records it (the query is remembered by its own id).
    fn status(&mut self, id: &str, key: &str, entry: &JournalEntry) -> Result<Step> {
        self.wait_slot(Provider::Daraja);
        let mut request = TransactionStatusRequest::by_originator_id(id);
        request.result_url = self.settings.result_url.clone();
        if !entry.shortcode.is_empty() {
            request.shortcode = Some(entry.shortcode.clone());
        }
        let sent = self.client.daraja().transaction_status(&request)?;
        if !sent.originator_conversation_id.is_empty() {
            let age = now_ms().saturating_sub(entry.sent_at_ms);
            self.journal.remember_status_query(
                &sent.originator_conversation_id,
                &AskedStatus {
                    key: key.to_string(),
                    final_if_not_found: age >= self.settings.not_found_after,
                },
            );
        }
        Ok(Step::Asked)
    }

    /// Waits (at most `wait_for_results_ms`) for the answers to the transaction status
    /// queries to be recorded.
    fn wait_for_results(&mut self) {
        if self.settings.wait.is_zero() || self.asked.is_empty() {
            return;
        }
        let deadline = Instant::now() + self.settings.wait;
        loop {
            let mut waiting = Vec::new();
            for (row, key) in std::mem::take(&mut self.asked) {
                match self.journal.load(&key) {
                    Ok(Some(entry)) if entry.is_final() => {
                        let p = &mut self.report.payments[row];
                        p.new_status = entry.outcome.as_ref().map_or(p.new_status, |o| o.status);
                        p.outcome = entry.outcome;
                        p.action = ReconcileAction::Resolved;
                    }
                    _ => waiting.push((row, key)),
                }
            }
            self.asked = waiting;
            if self.asked.is_empty() || Instant::now() >= deadline {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Pages through Pull Transactions since the last run (at most `c2b_lookback_ms`): a
    /// C2B payment the journal does not hold is recorded; a paid STK push settled without
    /// its receipt gets it. One worker at a time.
    fn pull_c2b(&mut self) -> Result<()> {
        let Some(config) = self.client.config().daraja.as_ref() else {
            return Ok(());
        };
        let scope = self
            .client
            .inner
            .journal
            .index(Provider::Daraja)
            .unwrap_or_default()
            .trim_start_matches("open:")
            .to_string();
        let claim = format!("reconcile:pull:{scope}");
        if self
            .store
            .claim(&claim, &self.holder, self.settings.lease)?
            != Claim::Claimed
        {
            return Ok(());
        }
        let result = self.pull_pages(&config.shortcode, &scope);
        let _ = self.store.release(&claim, &self.holder);
        result
    }

    fn pull_pages(&mut self, shortcode: &str, scope: &str) -> Result<()> {
        let mark = format!("pulled:{scope}");
        let end = now_ms().saturating_sub(self.settings.older_than);
        let earliest = end.saturating_sub(self.settings.lookback);
        let start = match self
            .journal
            .get_raw(&mark)?
            .and_then(|m| m.parse::<u64>().ok())
        {
            Some(last) => last.saturating_sub(PULL_OVERLAP_MS).max(earliest),
            None => earliest,
        };
        if start > end {
            return Ok(());
        }
        self.wait_slot(Provider::Daraja);
        let pulled = self
            .client
            .daraja()
            .pull_transactions(&PullTransactionsRequest {
                shortcode: Some(shortcode.to_string()),
                start_date: Some(kenyan_date(start)),
                end_date: Some(kenyan_date(end)),
                max_pages: Some(PULL_MAX_PAGES),
            })?;
        // Every page was a query: the pages after the first count against the pace now.
        for _ in 1..pulled.pages {
            self.wait_slot(Provider::Daraja);
        }
        let mut open_stk: Option<HashSet<(String, u64, String)>> = None;
        // Rows of STK pushes still open are looked at again next run.
        let mut deferred: Option<u64> = None;
        for row in &pulled.transactions {
            if let Some(at) = self.pull_row(row, shortcode, &mut open_stk)? {
                deferred = Some(deferred.map_or(at, |d| d.min(at)));
            }
        }
        if !pulled.complete {
            return Err(Error::decode(
                Provider::Daraja,
                200,
                format!(
                    "Pull Transactions did not reach the end of the period in {} pages; the rest is read next run",
                    pulled.pages
                ),
                "",
            ));
        }
        let until = deferred.map_or(end, |d| d.saturating_sub(1).min(end));
        self.journal.put_raw(&mark, &until.to_string())
    }

    /// One Pull Transactions row; `Some(time)` when it belongs to an STK push still open.
    fn pull_row(
        &mut self,
        row: &PullTransaction,
        shortcode: &str,
        open_stk: &mut Option<HashSet<(String, u64, String)>>,
    ) -> Result<Option<u64>> {
        let id = row.transaction_id.clone();
        if id.is_empty() {
            return Ok(None);
        }
        if self
            .journal
            .load(&Journal::id_key(Provider::Daraja, &id))?
            .is_some()
            || self.journal.knows_receipt(&id)?
        {
            return Ok(None);
        }
        let phone = row.msisdn.clone();
        let amount = row
            .amount
            .filter(|a| *a >= 0.0)
            .map_or(0, |a| a.round() as u64);
        let reference = row.bill_reference.clone();
        let at = parse_utc(&row.trx_date).unwrap_or_else(now_ms);

        // A paid STK push the STK query settled: this is its receipt.
        let (list, keys) = self
            .journal
            .paid_without_receipt(shortcode, &phone, amount, &reference)?;
        match keys.as_slice() {
            [key] => {
                if self.journal.take_listed(&list, key)? {
                    self.add_receipt(key, &id)?;
                }
                return Ok(None);
            }
            [] => {}
            _ => {
                log::warn!(
                    "tuma: Pull Transactions row {id} matches several paid STK pushes; its receipt is not assigned"
                );
                return Ok(None);
            }
        }
        // An STK push still open: its query settles it first.
        if open_stk.is_none() {
            *open_stk = Some(self.open_stk_pushes()?);
        }
        let wanted = (phone.clone(), amount, reference.clone());
        if open_stk.as_ref().is_some_and(|open| open.contains(&wanted)) {
            return Ok(Some(at));
        }
        // A C2B payment whose confirmation never came.
        let entry = JournalEntry {
            phone: phone.clone(),
            amount,
            shortcode: shortcode.to_string(),
            reference: reference.clone(),
            sent_at_ms: at,
            ..JournalEntry::default()
        };
        let outcome = JournalOutcome::new(
            PaymentStatus::Completed,
            "0",
            format!("found by Pull Transactions ({})", row.transaction_type),
            Some(id.clone()),
            OutcomeSource::Pull,
        );
        if self
            .journal
            .record_c2b(&id, entry.clone(), outcome.clone())?
        {
            let entry = JournalEntry {
                operation: "daraja.c2b".into(),
                outcome: Some(outcome),
                ..entry
            };
            let mut p = Self::row(&entry, Provider::Daraja, &id, ReconcileAction::Found);
            p.old_status = None;
            self.report.payments.push(p);
        }
        Ok(None)
    }

    /// Records the receipt Pull Transactions gave a paid STK push.
    fn add_receipt(&mut self, key: &str, receipt: &str) -> Result<()> {
        let Some(mut entry) = self.journal.load(key)? else {
            return Ok(());
        };
        let Some(outcome) = entry.outcome.as_mut() else {
            return Ok(());
        };
        if outcome.status != PaymentStatus::Completed || outcome.receipt.is_some() {
            return Ok(());
        }
        outcome.receipt = Some(receipt.to_string());
        self.journal.save_final(Provider::Daraja, key, &entry);
        let id = entry.id.clone().unwrap_or_default();
        self.report.receipts_found += 1;
        // The payment's row, when this run settled it; else a row of its own.
        match self
            .report
            .payments
            .iter_mut()
            .find(|p| p.provider == Provider::Daraja && p.id == id)
        {
            Some(p) => p.outcome = entry.outcome.clone(),
            None => {
                let mut p = Self::row(&entry, Provider::Daraja, &id, ReconcileAction::ReceiptFound);
                p.old_status = Some(PaymentStatus::Completed);
                self.report.payments.push(p);
            }
        }
        Ok(())
    }

    /// Phone, amount and reference of every open Daraja STK push of this account.
    fn open_stk_pushes(&self) -> Result<HashSet<(String, u64, String)>> {
        let mut open = HashSet::new();
        for (key, _) in self.journal.open(Provider::Daraja, u64::MAX, 100_000)? {
            if let Some(e) = self.journal.load(&key)? {
                if e.operation == "daraja.stk_push" && !e.is_final() {
                    open.insert((e.phone, e.amount, e.reference));
                }
            }
        }
        Ok(open)
    }
}

/// Paces queries: at most `rate` a second per provider account, counted in the store (so
/// across every worker sharing it), falling back to this process's count when the store
/// fails.
struct Pacer {
    rate: u32,
    paused_until: Vec<(Provider, Instant)>,
}

impl Pacer {
    fn wait(&mut self, store: &dyn StateStore, provider: Provider, key: &str) {
        if let Some((_, until)) = self.paused_until.iter().find(|(p, _)| *p == provider) {
            std::thread::sleep(until.saturating_duration_since(Instant::now()));
        }
        loop {
            let wait = store
                .acquire_slot(key, self.rate, Duration::from_secs(1))
                .or_else(|_| {
                    MemoryStore::global().acquire_slot(key, self.rate, Duration::from_secs(1))
                })
                .unwrap_or(Duration::ZERO);
            if wait.is_zero() {
                return;
            }
            std::thread::sleep(wait.min(Duration::from_millis(250)));
        }
    }

    /// The provider asked to slow down: nothing more is sent to it for `pause`.
    fn pause(&mut self, provider: Provider, pause: Duration) {
        let until = Instant::now() + pause.min(Duration::from_secs(60));
        self.paused_until.retain(|(p, _)| *p != provider);
        self.paused_until.push((provider, until));
    }
}

/// Unix milliseconds as Kenyan time, `YYYY-MM-DD HH:mm:ss` (Pull Transactions' dates).
fn kenyan_date(ms: u64) -> String {
    let t = crate::kenya_time::timestamp_at(UNIX_EPOCH + Duration::from_millis(ms));
    format!(
        "{}-{}-{} {}:{}:{}",
        &t[0..4],
        &t[4..6],
        &t[6..8],
        &t[8..10],
        &t[10..12],
        &t[12..14]
    )
}

/// `2024-06-23T12:30:45Z` (UTC; a fraction or a missing `Z` accepted) as Unix milliseconds.
fn parse_utc(text: &str) -> Option<u64> {
    let t = text.trim().trim_end_matches('Z');
    let (date, time) = t.split_once('T').or_else(|| t.split_once(' '))?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let time = time.split('.').next()?;
    let mut h = time.split(':').map(|p| p.parse::<i64>().ok());
    let (hh, mm, ss) = (h.next()??, h.next()??, h.next().flatten().unwrap_or(0));
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from civil (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss;
    u64::try_from(secs).ok().map(|s| s * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates() {
        assert_eq!(parse_utc("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_utc("2024-06-23T12:30:45Z"), Some(1_719_145_845_000));
        assert_eq!(parse_utc("2024-06-23 12:30:45"), Some(1_719_145_845_000));
        assert_eq!(
            parse_utc("2024-06-23T12:30:45.120Z"),
            Some(1_719_145_845_000)
        );
        assert_eq!(parse_utc("2024-13-23T12:30:45Z"), None);
        assert_eq!(parse_utc("yesterday"), None);
        // 12:30:45 UTC is 15:30:45 in Nairobi.
        assert_eq!(kenyan_date(1_719_145_845_000), "2024-06-23 15:30:45");
    }

    #[test]
    fn request_defaults_and_limits() {
        let r: ReconcileRequest =
            crate::request::Request::from_json(&json!({"older_than_ms": 60000})).unwrap();
        assert_eq!(r, ReconcileRequest::new(60_000));
        let e = <ReconcileRequest as crate::request::Request>::from_json(
            &json!({"older_than_ms": 1, "colour": "red"}),
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("colour"));
    }
}
