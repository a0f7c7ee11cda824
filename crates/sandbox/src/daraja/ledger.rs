//! The Daraja ledger: every payment request the emulator accepted, with its outcome and what
//! became of its callback, for tests that check "every payment reached its final outcome and
//! nothing was paid twice" (`Daraja::ledger`, `GET /_sandbox/daraja/ledger`).

use std::time::Instant;

use serde_json::{json, Value};

/// What became of a ledger entry's callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackFate {
    /// Not decided yet (a C2B payment whose validation round trip is still running).
    Pending,
    /// Handed to the webhook sender (delivered after the delay unless the receiver fails).
    Scheduled,
    /// Withheld by the drop setting (`callback_drop_percent`).
    Dropped,
    /// There is nothing to send: no URL (C2B without registration) or no outcome to tell
    /// (a C2B payment rejected by validation).
    NotSent,
}

impl CallbackFate {
    /// `pending`, `scheduled`, `dropped` or `not_sent`.
    pub fn name(self) -> &'static str {
        match self {
            CallbackFate::Pending => "pending",
            CallbackFate::Scheduled => "scheduled",
            CallbackFate::Dropped => "dropped",
            CallbackFate::NotSent => "not_sent",
        }
    }
}

/// One accepted payment request, as a test sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Position in the ledger, from 0.
    pub seq: usize,
    /// `stk`, `c2b`, `b2c`, `b2pochi`, `b2b` (pay bill, buy goods and the top-ups), `tax`,
    /// `reversal`, `b2b_express`, `ratiba`, `bill_payment`.
    pub kind: &'static str,
    /// The CommandID / TransactionType (`CustomerPayBillOnline`, `BusinessPayToBulk`, ...).
    pub command: String,
    /// The id the client holds: `CheckoutRequestID` (STK), `TransID` (C2B),
    /// `OriginatorConversationID` (initiator APIs), `RequestRefID` (B2B Express Checkout),
    /// `responseRefID` (Ratiba), the receipt (Bill Manager payment).
    pub id: String,
    /// The second id: `MerchantRequestID` (STK), `ConversationID` (initiator APIs and B2B
    /// Express Checkout), the `externalReference` (Bill Manager); empty otherwise.
    pub conversation_id: String,
    /// The client's reference: `AccountReference`, `BillRefNumber`, `paymentRef`, the
    /// reversed `TransactionID`, the `StandingOrderName`; for B2C and B2Pochi the
    /// `OriginatorConversationID` again.
    pub reference: String,
    /// Amount in cents.
    pub amount_cents: i64,
    /// Who pays (a phone or a shortcode).
    pub debit_party: String,
    /// Who is paid.
    pub credit_party: String,
    /// True once the outcome is final (an STK push is pending until its callback is due;
    /// a C2B payment until its validation round trip ends).
    pub is_final: bool,
    /// The final result code (`"0"`, `"1032"`, `"R000002"`, `"C2B00012"`, ...); `None`
    /// while not final.
    pub result_code: Option<String>,
    /// The final result description; empty while not final.
    pub result_desc: String,
    /// The M-Pesa receipt when money moved.
    pub receipt: Option<String>,
    /// Whether money moved (false for failures, and always for a standing order's creation).
    pub paid: bool,
    /// What became of the callback.
    pub callback: CallbackFate,
}

impl LedgerEntry {
    /// The entry as the control API lists it.
    pub fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "kind": self.kind,
            "command": self.command,
            "id": self.id,
            "conversation_id": self.conversation_id,
            "reference": self.reference,
            "amount_cents": self.amount_cents,
            "debit_party": self.debit_party,
            "credit_party": self.credit_party,
            "status": if self.is_final { "final" } else { "pending" },
            "result_code": self.result_code,
            "result_desc": self.result_desc,
            "receipt": self.receipt,
            "paid": self.paid,
            "callback": self.callback.name(),
        })
    }
}

/// A ledger row as stored.
#[derive(Debug, Clone)]
pub(crate) struct LedgerRecord {
    pub kind: &'static str,
    pub command: String,
    pub id: String,
    pub conversation_id: String,
    pub reference: String,
    pub amount_cents: i64,
    pub debit_party: String,
    pub credit_party: String,
    /// `(code, description)` once decided.
    pub outcome: Option<(String, String)>,
    pub receipt: Option<String>,
    pub paid: bool,
    /// When the outcome becomes visible (the STK callback's due time).
    pub final_at: Instant,
    pub callback: CallbackFate,
}

impl LedgerRecord {
    /// A record whose outcome is known now.
    #[allow(clippy::too_many_arguments)]
    pub fn decided(
        kind: &'static str,
        command: &str,
        id: &str,
        conversation_id: &str,
        reference: &str,
        amount_cents: i64,
        parties: (&str, &str),
        code: &str,
        desc: &str,
        receipt: Option<String>,
    ) -> LedgerRecord {
        LedgerRecord {
            kind,
            command: command.to_string(),
            id: id.to_string(),
            conversation_id: conversation_id.to_string(),
            reference: reference.to_string(),
            amount_cents,
            debit_party: parties.0.to_string(),
            credit_party: parties.1.to_string(),
            outcome: Some((code.to_string(), desc.to_string())),
            paid: receipt.is_some() && code == "0",
            receipt,
            final_at: Instant::now(),
            callback: CallbackFate::Pending,
        }
    }

    pub fn entry(&self, seq: usize, now: Instant) -> LedgerEntry {
        let is_final = self.outcome.is_some() && now >= self.final_at;
        let (code, desc) = match (&self.outcome, is_final) {
            (Some((c, d)), true) => (Some(c.clone()), d.clone()),
            _ => (None, String::new()),
        };
        LedgerEntry {
            seq,
            kind: self.kind,
            command: self.command.clone(),
            id: self.id.clone(),
            conversation_id: self.conversation_id.clone(),
            reference: self.reference.clone(),
            amount_cents: self.amount_cents,
            debit_party: self.debit_party.clone(),
            credit_party: self.credit_party.clone(),
            is_final,
            result_code: code,
            result_desc: desc,
            receipt: if is_final { self.receipt.clone() } else { None },
            paid: is_final && self.paid,
            callback: self.callback,
        }
    }
}
