//! The payment journal: every money-moving payment tuma sends or hears of is recorded in the
//! state store — the provider's id, amount, phone, shortcode or account, your reference,
//! the time and, once known, its final outcome — for `store.journal_ttl_secs` (3 days by
//! default), process-wide with the memory store and fleet-wide with Redis.
//!
//! | operation | recorded under | when |
//! |---|---|---|
//! | `daraja.stk_push` | `CheckoutRequestID` | Daraja accepted the push |
//! | `umspay.stk_push` | `transaction_request_id` | UMS Pay accepted the push |
//! | `daraja.b2c` | `OriginatorConversationID` | accepted, or sent with an unknown outcome |
//! | `daraja.b2b`, `daraja.reversal` | `OriginatorConversationID` | accepted (or an unknown outcome whose answer named one) |
//! | `daraja.c2b` | `TransID` (the receipt) | a confirmation went through `receive_callback`, or Pull Transactions found it |
//!
//! Outcomes are recorded by [`crate::Client::receive_callback`] (STK callbacks, ResultURL
//! results, C2B confirmations, UMS Pay webhooks), by final answers of STK queries and UMS
//! Pay status queries, and by the reconciler ([`crate::Client::reconcile`]). The first
//! final outcome recorded stays. Payments without one sit in an index of open payments per
//! provider account, ordered by time: what the reconciler walks.
//!
//! Callback verification ([`crate::daraja::Daraja::confirm_stk_payment`],
//! [`crate::umspay::UmsPay::confirm_payment`]) checks a callback against it: an id tuma
//! never issued, or an amount, phone or shortcode that differs from what was pushed, is an
//! [`Error::InvalidCallback`]. A push whose outcome was unknown (no provider id came back)
//! is recorded by phone and amount, so its late callback is still recognised and tied to
//! your reference.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::callback::Callback;
use crate::client::Client;
use crate::config::Config;
use crate::daraja::{C2bPayment, ResultCallback, ResultDetails, StkCallback, StkQueryResponse};
use crate::error::{Error, Provider, Recovery, Result};
use crate::store::{fingerprint, now_ms, IndexChange, MemoryStore, StateStore};
use crate::umspay::{TransactionStatus, WebhookEvent};
use crate::PaymentStatus;

/// One payment, as recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// `daraja.stk_push`, `umspay.stk_push`, `daraja.b2c`, `daraja.b2b`,
    /// `daraja.reversal` or `daraja.c2b`.
    pub operation: String,
    /// The provider's id (`CheckoutRequestID`, `transaction_request_id`,
    /// `OriginatorConversationID`, C2B `TransID`); `None` while an STK push's outcome is
    /// unknown.
    pub id: Option<String>,
    /// The phone prompted, paid or paying, normalised (`2547…`; C2B: as M-Pesa gave it,
    /// possibly masked or hashed); empty for B2B and reversals.
    pub phone: String,
    /// Whole shillings.
    pub amount: u64,
    /// The Daraja shortcode (that pushed, pays or is paid), or the UMS Pay account id.
    pub shortcode: String,
    /// Your `AccountReference` (STK, B2B), `reference` (UMS Pay), remarks (B2C), the
    /// receipt reversed (reversal), the `BillRefNumber` (C2B).
    pub reference: String,
    /// When it was sent (C2B: when tuma heard of it), Unix milliseconds.
    pub sent_at_ms: u64,
    /// Daraja's `ConversationID` (B2C, B2B, reversal), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// B2B: the shortcode paid (`PartyB`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<String>,
    /// The final outcome, once a callback or a query told it; `None` while open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<JournalOutcome>,
}

/// Who told a payment's final outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeSource {
    /// Its callback (STK callback, ResultURL result, C2B confirmation, UMS Pay webhook),
    /// received through `receive_callback`. Callbacks are not signed: verify by query
    /// before shipping goods (`confirm_stk_payment`, `confirm_payment`).
    Callback,
    /// A query: STK query, transaction status, UMS Pay status.
    Query,
    /// Daraja's Pull Transactions.
    Pull,
}

/// A payment's final outcome, as recorded in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalOutcome {
    /// `completed`, `failed`, `cancelled` or `timeout` (never `pending`).
    pub status: PaymentStatus,
    /// The provider's result code (`0`, `1032`, `2040`…); for a transaction status
    /// answer that reports a state other than completed, empty.
    pub result_code: String,
    /// The provider's description.
    pub result_desc: String,
    /// The M-Pesa receipt, when money moved and the source told it (an STK query does
    /// not; the reconciler then looks for it in Pull Transactions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// Who told it.
    pub source: OutcomeSource,
    /// When it was recorded, Unix milliseconds.
    pub recorded_at_ms: u64,
}

impl JournalOutcome {
    pub(crate) fn new(
        status: PaymentStatus,
        result_code: impl Into<String>,
        result_desc: impl Into<String>,
        receipt: Option<String>,
        source: OutcomeSource,
    ) -> Self {
        JournalOutcome {
            status,
            result_code: result_code.into(),
            result_desc: result_desc.into(),
            receipt: receipt.filter(|r| !r.is_empty()),
            source,
            recorded_at_ms: now_ms(),
        }
    }

    /// The outcome of a final STK query answer; `None` while pending.
    pub(crate) fn of_stk_query(answer: &StkQueryResponse) -> Option<Self> {
        (!answer.pending && answer.status != PaymentStatus::Pending).then(|| {
            JournalOutcome::new(
                answer.status,
                answer.result_code.clone(),
                answer.result_desc.clone(),
                None,
                OutcomeSource::Query,
            )
        })
    }

    /// The outcome of a final UMS Pay status; `None` while pending.
    pub(crate) fn of_umspay_status(status: &TransactionStatus) -> Option<Self> {
        let (state, code, desc, receipt) = match status {
            TransactionStatus::Pending(_) => return None,
            TransactionStatus::Completed(c) => (
                PaymentStatus::Completed,
                "0".to_string(),
                c.description.clone(),
                Some(c.receipt.clone()),
            ),
            TransactionStatus::Failed(f) => (
                PaymentStatus::Failed,
                f.code.clone(),
                f.description.clone(),
                None,
            ),
            TransactionStatus::Cancelled(f) => (
                PaymentStatus::Cancelled,
                f.code.clone(),
                f.description.clone(),
                None,
            ),
            TransactionStatus::Timeout(f) => (
                PaymentStatus::Timeout,
                f.code.clone(),
                f.description.clone(),
                None,
            ),
        };
        Some(JournalOutcome::new(
            state,
            code,
            desc,
            receipt,
            OutcomeSource::Query,
        ))
    }
}

/// Transaction status result codes that say "no such transaction": for a request Daraja
/// accepted long enough ago, the payment did not happen (see `not_found_final_after_ms`).
pub(crate) const NOT_FOUND_CODES: &[&str] = &["25", "R000002"];

/// The journal's index names of a client: one per provider account (Daraja: base URL,
/// consumer key and shortcode; UMS Pay: base URL and API key, as one-way hashes), so that a
/// reconciler only sees the payments its own credentials can ask about.
#[derive(Debug, Clone, Default)]
pub(crate) struct JournalScope {
    daraja: Option<String>,
    umspay: Option<String>,
}

impl JournalScope {
    pub(crate) fn new(config: &Config) -> Self {
        JournalScope {
            daraja: config.daraja.as_ref().map(|d| {
                format!(
                    "open:daraja:{}",
                    fingerprint(&[
                        "daraja",
                        d.effective_base_url(),
                        &d.consumer_key,
                        &d.shortcode
                    ])
                )
            }),
            umspay: config.umspay.as_ref().map(|u| {
                format!(
                    "open:umspay:{}",
                    fingerprint(&["umspay", &u.base_url, u.api_key.expose()])
                )
            }),
        }
    }

    /// The index of open payments of `provider` for this client's account.
    pub(crate) fn index(&self, provider: Provider) -> Option<&str> {
        match provider {
            Provider::Daraja => self.daraja.as_deref(),
            Provider::Umspay => self.umspay.as_deref(),
            Provider::Statum => None,
        }
    }
}

/// What the reconciler remembers of a transaction status query it sent: the payment asked
/// about, and whether a "no such transaction" answer settles it as failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AskedStatus {
    pub key: String,
    pub final_if_not_found: bool,
}

impl JournalEntry {
    /// The entry of a push described by its recovery record.
    pub(crate) fn from_recovery(r: &Recovery) -> Option<JournalEntry> {
        Some(JournalEntry {
            operation: r.operation.clone(),
            id: None,
            phone: r.phone.clone()?,
            amount: r.amount?,
            shortcode: r.shortcode.clone().unwrap_or_default(),
            reference: r
                .account_reference
                .clone()
                .or_else(|| r.reference.clone())
                .unwrap_or_default(),
            sent_at_ms: now_ms(),
            ..JournalEntry::default()
        })
    }

    /// True once the entry has its final outcome.
    pub fn is_final(&self) -> bool {
        self.outcome.is_some()
    }
}

/// The journal of a client's store.
pub(crate) struct Journal<'a> {
    client: &'a Client,
}

impl<'a> Journal<'a> {
    pub(crate) fn of(client: &'a Client) -> Self {
        Journal { client }
    }

    fn store(&self) -> &dyn StateStore {
        self.client.store().as_ref()
    }

    fn ttl(&self) -> Duration {
        Duration::from_secs(
            self.client
                .inner
                .config
                .store
                .as_ref()
                .map_or(3 * 24 * 3600, |s| s.journal_ttl_secs),
        )
    }

    /// Whether a push missing from the journal means a forged callback (see
    /// `StoreConfig::journal_required`).
    pub(crate) fn required(&self) -> bool {
        self.client
            .inner
            .config
            .store
            .as_ref()
            .and_then(|s| s.journal_required)
            .unwrap_or_else(|| self.store().is_fleet_wide())
    }

    pub(crate) fn id_key(provider: Provider, id: &str) -> String {
        format!("{provider}:id:{id}")
    }

    /// The provider and id of a record key made by [`Journal::id_key`].
    pub(crate) fn parse_key(key: &str) -> Option<(Provider, &str)> {
        let (provider, id) = key.split_once(":id:")?;
        let provider = match provider {
            "daraja" => Provider::Daraja,
            "umspay" => Provider::Umspay,
            _ => return None,
        };
        Some((provider, id)).filter(|(_, id)| !id.is_empty())
    }

    fn receipt_key(receipt: &str) -> String {
        format!("daraja:receipt:{receipt}")
    }

    fn paid_stk_key(shortcode: &str, phone: &str, amount: u64, reference: &str) -> String {
        format!(
            "daraja:stkpaid:{}",
            fingerprint(&[shortcode, phone, &amount.to_string(), reference])
        )
    }

    fn query_key(query_originator: &str) -> String {
        format!("daraja:query:{query_originator}")
    }

    fn open_key(provider: Provider, shortcode: &str, phone: &str, amount: u64) -> String {
        format!(
            "{provider}:open:{}",
            fingerprint(&[shortcode, phone, &amount.to_string()])
        )
    }

    /// Runs a write on the store; when it fails, on the process-wide memory store instead
    /// (logged): the push happened whatever the store says, and this process at least
    /// can still recognise its callback.
    fn write(&self, what: &str, write: impl Fn(&dyn StateStore) -> Result<()>) {
        if let Err(e) = write(self.store()) {
            log::warn!("tuma: payment journal ({what}) kept in this process only: {e}");
            let _ = write(MemoryStore::global().as_ref());
        }
    }

    /// Records a payment the provider accepted (or may have), under its id, and files it
    /// among the open payments of this client's account.
    pub(crate) fn issued(&self, provider: Provider, id: &str, mut entry: JournalEntry) {
        entry.id = Some(id.to_string());
        let value = serde_json::to_string(&entry).expect("journal entries serialise");
        let key = Self::id_key(provider, id);
        let index = self
            .client
            .inner
            .journal
            .index(provider)
            .map(|index| IndexChange::Add {
                index,
                member: &key,
                score: entry.sent_at_ms,
            });
        self.write("record a payment", |s| {
            s.put_records(&[(&key, &value)], self.ttl(), index)
        });
    }

    /// The entry under the record key `key`: from the store, else from this process's
    /// own fallback records.
    pub(crate) fn load(&self, key: &str) -> Result<Option<JournalEntry>> {
        let fallback = MemoryStore::global();
        let found = match self.store().get_record(key) {
            Ok(Some(raw)) => Some(raw),
            Ok(None) => fallback.get_record(key)?,
            // The store did not answer: this process's own record, if it kept one, else the
            // error (not knowing is not "never issued"; nobody decides on a guess).
            Err(e) => match fallback.get_record(key)? {
                Some(raw) => Some(raw),
                None => return Err(e),
            },
        };
        found.map(|raw| parse_entry(&raw)).transpose()
    }

    /// Records the final outcome of the payment `id` when the journal holds it without one
    /// and `accept` agrees with the entry (a callback's amount and phone must match what
    /// was sent). Returns the entry as it now stands; `None` when the journal does not hold
    /// it. The first final outcome stays.
    pub(crate) fn settle(
        &self,
        provider: Provider,
        id: &str,
        outcome: JournalOutcome,
        accept: impl Fn(&JournalEntry) -> bool,
    ) -> Result<Option<JournalEntry>> {
        let key = Self::id_key(provider, id);
        let Some(mut entry) = self.load(&key)? else {
            return Ok(None);
        };
        if entry.outcome.is_some() {
            return Ok(Some(entry));
        }
        if !accept(&entry) {
            log::warn!(
                "tuma: a callback about `{id}` differs from the payment journal's record; its outcome is not recorded"
            );
            return Ok(Some(entry));
        }
        entry.outcome = Some(outcome);
        self.save_final(provider, &key, &entry);
        Ok(Some(entry))
    }

    /// [`Journal::settle`] whose failure is only logged (hooks on query answers).
    pub(crate) fn settle_quietly(&self, provider: Provider, id: &str, outcome: JournalOutcome) {
        if let Err(e) = self.settle(provider, id, outcome, |_| true) {
            log::debug!("tuma: payment journal: outcome of `{id}` not recorded: {e}");
        }
    }

    /// Writes an entry that has its outcome, takes it out of the open payments, and (Daraja
    /// STK) files its receipt, or when it was paid without one, its phone, amount and
    /// reference, for Pull Transactions to find the receipt by.
    pub(crate) fn save_final(&self, provider: Provider, key: &str, entry: &JournalEntry) {
        let value = serde_json::to_string(entry).expect("journal entries serialise");
        let stk = provider == Provider::Daraja && entry.operation == "daraja.stk_push";
        let receipt = entry
            .outcome
            .as_ref()
            .and_then(|o| o.receipt.as_deref())
            .filter(|_| stk)
            .map(Self::receipt_key);
        let mut records: Vec<(&str, &str)> = vec![(key, &value)];
        if let Some(r) = &receipt {
            records.push((r, key));
        }
        let index = self
            .client
            .inner
            .journal
            .index(provider)
            .map(|index| IndexChange::Remove { index, member: key });
        self.write("record an outcome", |s| {
            s.put_records(&records, self.ttl(), index)
        });
        let paid_without_receipt = entry
            .outcome
            .as_ref()
            .is_some_and(|o| o.status == PaymentStatus::Completed && o.receipt.is_none());
        if stk && paid_without_receipt {
            let list = Self::paid_stk_key(
                &entry.shortcode,
                &entry.phone,
                entry.amount,
                &entry.reference,
            );
            self.write("record a paid push", |s| {
                s.push_record(&list, key, self.ttl())
            });
        }
    }

    /// Records a C2B payment (its confirmation, or a Pull Transactions row) unless the
    /// journal holds it already; true when it was new.
    pub(crate) fn record_c2b(
        &self,
        id: &str,
        mut entry: JournalEntry,
        outcome: JournalOutcome,
    ) -> Result<bool> {
        let key = Self::id_key(Provider::Daraja, id);
        if self.load(&key)?.is_some() {
            return Ok(false);
        }
        entry.operation = "daraja.c2b".into();
        entry.id = Some(id.to_string());
        entry.outcome = Some(outcome);
        let value = serde_json::to_string(&entry).expect("journal entries serialise");
        self.write("record a C2B payment", |s| {
            s.put_record(&key, &value, self.ttl())
        });
        Ok(true)
    }

    /// Records what a callback says about a journaled payment (or a C2B confirmation).
    /// Failures are logged: the callback was claimed whatever the journal says, and the
    /// reconciler settles what was missed.
    pub(crate) fn record_callback(&self, callback: &Callback) {
        let result = match callback {
            Callback::DarajaStkCallback(cb) => self.stk_callback(cb),
            Callback::DarajaResult(r) => self.result(r),
            Callback::DarajaC2bConfirmation(p) => self.c2b_confirmation(p),
            Callback::UmsPayWebhook(w) => self.webhook(w),
            _ => Ok(()),
        };
        if let Err(e) = result {
            log::warn!("tuma: payment journal: a callback's outcome was not recorded: {e}");
        }
    }

    fn stk_callback(&self, cb: &StkCallback) -> Result<()> {
        let outcome = JournalOutcome::new(
            cb.status,
            cb.result_code.clone(),
            cb.result_desc.clone(),
            cb.mpesa_receipt_number.clone(),
            OutcomeSource::Callback,
        );
        let amount = cb.amount;
        let phone = cb.phone_number.clone();
        let accept = |e: &JournalEntry| {
            same_amount(e, amount) && phone.as_ref().is_none_or(|p| *p == e.phone)
        };
        let id = &cb.checkout_request_id;
        if self
            .settle(Provider::Daraja, id, outcome.clone(), accept)?
            .is_none()
        {
            // A push whose outcome was unknown: recognised by phone and amount.
            let shortcode = self
                .client
                .inner
                .config
                .daraja
                .as_ref()
                .map(|d| &d.shortcode);
            if let Some((shortcode, claims)) = shortcode.zip(whole_claims(phone.as_deref(), amount))
            {
                if self
                    .find(Provider::Daraja, id, shortcode, Some(claims))?
                    .is_some()
                {
                    self.settle(Provider::Daraja, id, outcome, accept)?;
                }
            }
        }
        Ok(())
    }

    fn webhook(&self, w: &WebhookEvent) -> Result<()> {
        if w.status == PaymentStatus::Pending {
            return Ok(());
        }
        let code = w.response_code.map(|c| c.to_string()).unwrap_or_default();
        let outcome = JournalOutcome::new(
            w.status,
            code,
            w.response_description.clone().unwrap_or_default(),
            w.receipt.clone(),
            OutcomeSource::Callback,
        );
        let accept = |e: &JournalEntry| {
            same_amount(e, w.amount)
                && w.msisdn.as_ref().is_none_or(|p| *p == e.phone)
                && w.reference.as_ref().is_none_or(|r| *r == e.reference)
        };
        let id = &w.transaction_request_id;
        if self
            .settle(Provider::Umspay, id, outcome.clone(), accept)?
            .is_none()
        {
            // A push whose outcome was unknown: recognised by phone and amount.
            let account = self
                .client
                .inner
                .config
                .umspay
                .as_ref()
                .map(|u| &u.account_id);
            if let Some((account, claims)) =
                account.zip(whole_claims(w.msisdn.as_deref(), w.amount))
            {
                if self
                    .find(Provider::Umspay, id, account, Some(claims))?
                    .is_some()
                {
                    self.settle(Provider::Umspay, id, outcome, accept)?;
                }
            }
        }
        Ok(())
    }

    fn c2b_confirmation(&self, p: &C2bPayment) -> Result<()> {
        let entry = JournalEntry {
            phone: p.msisdn.clone(),
            amount: p.trans_amount.max(0.0).round() as u64,
            shortcode: p.business_short_code.clone(),
            reference: p.bill_ref_number.clone(),
            sent_at_ms: now_ms(),
            ..JournalEntry::default()
        };
        let outcome = JournalOutcome::new(
            PaymentStatus::Completed,
            "0",
            "C2B confirmation",
            Some(p.trans_id.clone()),
            OutcomeSource::Callback,
        );
        self.record_c2b(&p.trans_id, entry, outcome).map(|_| ())
    }

    /// A ResultURL result: the answer to a transaction status query (the reconciler's,
    /// remembered by its id, or any naming a journaled request), or a payment's own result.
    fn result(&self, r: &ResultCallback) -> Result<()> {
        if !matches!(r.result_type.as_str(), "0" | "") {
            return Ok(());
        }
        // A status answer carries the status parameters, or none when it failed.
        let maybe_status = matches!(
            r.details,
            ResultDetails::TransactionStatus(_) | ResultDetails::Unknown
        );
        if maybe_status && !r.originator_conversation_id.is_empty() {
            if let Some(asked) = self.asked_status(&r.originator_conversation_id)? {
                if let (Some(outcome), Some((provider, id))) = (
                    status_answer(r, asked.final_if_not_found),
                    Self::parse_key(&asked.key),
                ) {
                    self.settle(provider, id, outcome, |_| true)?;
                }
                return Ok(());
            }
        }
        if let ResultDetails::TransactionStatus(s) = &r.details {
            let original = s.originator_conversation_id.as_deref().unwrap_or_default();
            if let (false, Some(outcome)) = (original.is_empty(), status_answer(r, false)) {
                self.settle(Provider::Daraja, original, outcome, |_| true)?;
            }
            return Ok(());
        }
        if matches!(r.details, ResultDetails::AccountBalance(_))
            || r.originator_conversation_id.is_empty()
        {
            return Ok(());
        }
        let receipt = match &r.details {
            ResultDetails::B2c(d) => d.transaction_receipt.clone(),
            _ => None,
        }
        .or_else(|| r.transaction_id.clone())
        .filter(|_| r.status == PaymentStatus::Completed);
        let amount = match &r.details {
            ResultDetails::B2c(d) => d.transaction_amount,
            ResultDetails::B2b(d) => d.amount,
            _ => None,
        };
        let outcome = JournalOutcome::new(
            r.status,
            r.result_code.clone(),
            r.result_desc.clone(),
            receipt,
            OutcomeSource::Callback,
        );
        self.settle(
            Provider::Daraja,
            &r.originator_conversation_id,
            outcome,
            |e| same_amount(e, amount),
        )?;
        Ok(())
    }

    /// Remembers a transaction status query sent about the payment under `key`, by the
    /// query's own `OriginatorConversationID` (its answer carries it).
    pub(crate) fn remember_status_query(&self, query_originator: &str, asked: &AskedStatus) {
        let value = serde_json::to_string(asked).expect("serialises");
        let key = Self::query_key(query_originator);
        self.write("remember a status query", |s| {
            s.put_record(&key, &value, self.ttl())
        });
    }

    fn asked_status(&self, query_originator: &str) -> Result<Option<AskedStatus>> {
        let key = Self::query_key(query_originator);
        let raw = match self.store().get_record(&key)? {
            Some(raw) => Some(raw),
            None => MemoryStore::global().get_record(&key)?,
        };
        Ok(raw.and_then(|raw| serde_json::from_str(&raw).ok()))
    }

    /// The open payments of `provider` for this client's account sent at or before
    /// `max_sent_at_ms`, oldest first: `(record key, sent_at_ms)`.
    pub(crate) fn open(
        &self,
        provider: Provider,
        max_sent_at_ms: u64,
        limit: usize,
    ) -> Result<Vec<(String, u64)>> {
        match self.client.journal_scope().index(provider) {
            Some(index) => self.store().index_range(index, max_sent_at_ms, limit),
            None => Ok(Vec::new()),
        }
    }

    /// Takes a record key out of the open payments (its entry expired, or is final).
    pub(crate) fn forget_open(&self, provider: Provider, key: &str) -> Result<()> {
        if let Some(index) = self.client.journal_scope().index(provider) {
            self.store().index_remove(index, key)?;
        }
        Ok(())
    }

    /// True when a Daraja STK push with this receipt is in the journal.
    pub(crate) fn knows_receipt(&self, receipt: &str) -> Result<bool> {
        Ok(self
            .store()
            .get_record(&Self::receipt_key(receipt))?
            .is_some())
    }

    /// The record keys of STK pushes settled as paid without a receipt, with this phone,
    /// amount and reference, to `shortcode`.
    pub(crate) fn paid_without_receipt(
        &self,
        shortcode: &str,
        phone: &str,
        amount: u64,
        reference: &str,
    ) -> Result<(String, Vec<String>)> {
        let list = Self::paid_stk_key(shortcode, phone, amount, reference);
        let keys = self.store().list_records(&list)?;
        Ok((list, keys))
    }

    /// Takes `key` off the list `list` (see [`Journal::paid_without_receipt`]); true when
    /// this caller got it.
    pub(crate) fn take_listed(&self, list: &str, key: &str) -> Result<bool> {
        self.store().take_record(list, key)
    }

    /// Reads and writes a record of the journal (reconciler bookkeeping).
    pub(crate) fn get_raw(&self, key: &str) -> Result<Option<String>> {
        self.store().get_record(key)
    }

    pub(crate) fn put_raw(&self, key: &str, value: &str) -> Result<()> {
        self.store().put_record(key, value, self.ttl())
    }

    /// Records a push whose outcome is unknown, under its phone and amount.
    pub(crate) fn unresolved(&self, provider: Provider, entry: JournalEntry) {
        let value = serde_json::to_string(&entry).expect("journal entries serialise");
        let key = Self::open_key(provider, &entry.shortcode, &entry.phone, entry.amount);
        self.write("record an unknown push", |s| {
            s.push_record(&key, &value, self.ttl())
        });
    }

    /// The push a callback is about: by its id, else (when the callback names them) an
    /// unresolved push to the same phone for the same amount from `shortcode`, which is
    /// then bound to the id. `Ok(None)`: tuma never issued it.
    pub(crate) fn find(
        &self,
        provider: Provider,
        id: &str,
        shortcode: &str,
        phone_and_amount: Option<(&str, u64)>,
    ) -> Result<Option<JournalEntry>> {
        let key = Self::id_key(provider, id);
        if let Some(entry) = self.load(&key)? {
            return Ok(Some(entry));
        }
        let Some((phone, amount)) = phone_and_amount else {
            return Ok(None);
        };
        let fallback = MemoryStore::global();
        let open = Self::open_key(provider, shortcode, phone, amount);
        for store in [self.store(), fallback.as_ref() as &dyn StateStore] {
            for raw in store.list_records(&open)? {
                if store.take_record(&open, &raw)? {
                    let entry = parse_entry(&raw)?;
                    self.issued(provider, id, entry.clone());
                    return Ok(Some(JournalEntry {
                        id: Some(id.to_string()),
                        ..entry
                    }));
                }
            }
        }
        Ok(None)
    }
}

fn parse_entry(raw: &str) -> Result<JournalEntry> {
    serde_json::from_str::<JournalEntry>(raw)
        .map_err(|_| Error::store("the payment journal holds an unreadable entry"))
}

/// A callback's phone and whole-shilling amount, when it names both.
fn whole_claims(phone: Option<&str>, amount: Option<f64>) -> Option<(&str, u64)> {
    match (phone, amount) {
        (Some(p), Some(a)) if a >= 0.0 && a.fract() == 0.0 => Some((p, a as u64)),
        _ => None,
    }
}

/// True when a callback's amount (if it gives one) is the entry's.
fn same_amount(entry: &JournalEntry, amount: Option<f64>) -> bool {
    amount.is_none_or(|a| (a - entry.amount as f64).abs() <= 0.005)
}

/// The outcome a transaction status answer gives the transaction asked about: its state
/// when found; when not found and `final_if_not_found`, failed (the payment did not happen);
/// else none (a failed query, or not found too early to tell).
pub(crate) fn status_answer(
    r: &ResultCallback,
    final_if_not_found: bool,
) -> Option<JournalOutcome> {
    if r.is_success() {
        let ResultDetails::TransactionStatus(s) = &r.details else {
            return None;
        };
        let word = s.transaction_status.as_deref().unwrap_or_default();
        let status = match word.to_ascii_lowercase().as_str() {
            "completed" => PaymentStatus::Completed,
            "cancelled" | "canceled" => PaymentStatus::Cancelled,
            "declined" | "failed" => PaymentStatus::Failed,
            "expired" => PaymentStatus::Timeout,
            _ => return None,
        };
        let completed = status == PaymentStatus::Completed;
        return Some(JournalOutcome::new(
            status,
            if completed { "0" } else { "" },
            format!("transaction status: {word}"),
            s.receipt_no.clone().filter(|_| completed),
            OutcomeSource::Query,
        ));
    }
    (final_if_not_found && NOT_FOUND_CODES.contains(&r.result_code.as_str())).then(|| {
        JournalOutcome::new(
            PaymentStatus::Failed,
            r.result_code.clone(),
            format!(
                "transaction status finds no such transaction: it did not happen ({})",
                r.result_desc
            ),
            None,
            OutcomeSource::Query,
        )
    })
}

/// Checks a callback's claims against the journal: `Err(InvalidCallback)` when the amount,
/// phone or shortcode differ from what was pushed, or when tuma never issued the id and the
/// journal is `required`; `Ok(None)` when the id is unknown to a journal that is not.
pub(crate) fn check(
    provider: Provider,
    entry: Option<JournalEntry>,
    required: bool,
    id: &str,
    shortcode: &str,
    amount: Option<f64>,
    phone: Option<&str>,
) -> Result<Option<JournalEntry>> {
    let Some(entry) = entry else {
        if !required {
            log::debug!(
                "tuma: `{id}` is not in this process's payment journal; verifying by query alone"
            );
            return Ok(None);
        }
        return Err(Error::callback(
            provider,
            format!("`{id}` is not a payment this application pushed (not in the payment journal)"),
        ));
    };
    let mismatch = |what: &str| {
        Err(Error::callback(
            provider,
            format!("the callback's {what} differs from the push recorded in the payment journal"),
        ))
    };
    if entry.shortcode != shortcode {
        return mismatch("shortcode or account");
    }
    if amount.is_some_and(|a| (a - entry.amount as f64).abs() > 0.005) {
        return mismatch("amount");
    }
    if phone.is_some_and(|p| p != entry.phone) {
        return mismatch("phone");
    }
    Ok(Some(entry))
}

/// Journals a B2B or reversal request under the `OriginatorConversationID` its answer
/// carried: accepted, or failed with an unknown outcome after an answer named one. Returns
/// the result unchanged.
pub(crate) fn initiator_sent(
    client: &Client,
    result: Result<crate::daraja::InitiatorResponse>,
    entry: JournalEntry,
) -> Result<crate::daraja::InitiatorResponse> {
    let ids = match &result {
        Ok(answer) => Some((
            answer.originator_conversation_id.clone(),
            answer.conversation_id.clone(),
        )),
        Err(e) if e.outcome_unknown() => e.recovery().map(|r| {
            (
                r.originator_conversation_id.clone().unwrap_or_default(),
                r.conversation_id.clone().unwrap_or_default(),
            )
        }),
        Err(_) => None,
    };
    if let Some((originator, conversation)) = ids.filter(|(o, _)| !o.is_empty()) {
        let entry = JournalEntry {
            conversation_id: Some(conversation).filter(|c| !c.is_empty()),
            sent_at_ms: now_ms(),
            ..entry
        };
        Journal::of(client).issued(Provider::Daraja, &originator, entry);
    }
    result
}

/// What a failed STK push leaves in the journal: an unknown outcome is recorded by phone
/// and amount. Returns the error with its recovery ids attached.
pub(crate) fn failed_push(
    client: &Client,
    provider: Provider,
    error: Error,
    recovery: Recovery,
) -> Error {
    if error.outcome_unknown() {
        if let Some(entry) = JournalEntry::from_recovery(&recovery) {
            Journal::of(client).unresolved(provider, entry);
        }
    }
    error.with_recovery(recovery)
}
