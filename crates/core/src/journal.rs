//! The payment journal: every STK push tuma sends (Daraja and UMS Pay) is recorded in the
//! state store — the provider's id, amount, phone, shortcode or account, your reference
//! and the time — for `store.journal_ttl_secs` (3 days by default), process-wide with the
//! memory store and fleet-wide with Redis.
//!
//! Callback verification ([`crate::daraja::Daraja::confirm_stk_payment`],
//! [`crate::umspay::UmsPay::confirm_payment`]) checks a callback against it: an id tuma
//! never issued, or an amount, phone or shortcode that differs from what was pushed, is an
//! [`Error::InvalidCallback`]. A push whose outcome was unknown (no provider id came back)
//! is recorded by phone and amount, so its late callback is still recognised and tied to
//! your reference.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{Error, Provider, Recovery, Result};
use crate::store::{fingerprint, now_ms, MemoryStore, StateStore};

/// One push, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// `daraja.stk_push` or `umspay.stk_push`.
    pub operation: String,
    /// The provider's id (`CheckoutRequestID`, `transaction_request_id`); `None` while the
    /// push's outcome is unknown.
    pub id: Option<String>,
    /// The phone prompted, normalised (`2547…`).
    pub phone: String,
    /// Whole shillings.
    pub amount: u64,
    /// The Daraja shortcode, or the UMS Pay account id.
    pub shortcode: String,
    /// Your `AccountReference` (Daraja) or `reference` (UMS Pay).
    pub reference: String,
    /// When it was sent, Unix milliseconds.
    pub sent_at_ms: u64,
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
        })
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
        self.client.inner.store.as_ref()
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

    fn id_key(provider: Provider, id: &str) -> String {
        format!("{provider}:id:{id}")
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

    /// Records a push the provider accepted, under its id.
    pub(crate) fn issued(&self, provider: Provider, id: &str, mut entry: JournalEntry) {
        entry.id = Some(id.to_string());
        let value = serde_json::to_string(&entry).expect("journal entries serialise");
        let key = Self::id_key(provider, id);
        self.write("record a push", |s| s.put_record(&key, &value, self.ttl()));
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
        let parse = |raw: String| {
            serde_json::from_str::<JournalEntry>(&raw)
                .map_err(|_| Error::store("the payment journal holds an unreadable entry"))
        };
        let key = Self::id_key(provider, id);
        let fallback = MemoryStore::global();
        let found = match self.store().get_record(&key) {
            Ok(Some(raw)) => Some(raw),
            Ok(None) => fallback.get_record(&key)?,
            // The store did not answer: this process's own record, if it kept one, else the
            // error (not knowing is not "never issued"; nobody decides on a guess).
            Err(e) => match fallback.get_record(&key)? {
                Some(raw) => Some(raw),
                None => return Err(e),
            },
        };
        if let Some(raw) = found {
            return parse(raw).map(Some);
        }
        let Some((phone, amount)) = phone_and_amount else {
            return Ok(None);
        };
        let open = Self::open_key(provider, shortcode, phone, amount);
        for store in [self.store(), fallback.as_ref() as &dyn StateStore] {
            for raw in store.list_records(&open)? {
                if store.take_record(&open, &raw)? {
                    let entry = parse(raw)?;
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
