//! The request structs of UMS Pay's operations, and how a payment is named.

use super::*;

/// What [`UmsPay::confirm_payment`] checks: a transaction id, or a webhook whose claims
/// (amount, number, reference) must also agree with the status query.
#[derive(Debug, Clone, Copy)]
pub enum PaymentRef<'a> {
    /// A `transaction_request_id`.
    Id(&'a str),
    /// A parsed webhook.
    Webhook(&'a WebhookEvent),
}

impl<'a> From<&'a str> for PaymentRef<'a> {
    fn from(id: &'a str) -> Self {
        PaymentRef::Id(id)
    }
}
impl<'a> From<&'a String> for PaymentRef<'a> {
    fn from(id: &'a String) -> Self {
        PaymentRef::Id(id)
    }
}
impl<'a> From<&'a WebhookEvent> for PaymentRef<'a> {
    fn from(event: &'a WebhookEvent) -> Self {
        PaymentRef::Webhook(event)
    }
}

crate::request::request! {
    /// A UMS Pay STK push.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct StkPushRequest {
        /// Whole shillings, 10 to 250,000.
        pub amount: u64,
        /// The payer, any accepted Kenyan form.
        pub phone: String,
        /// Your reference for the payment, 1 to 12 characters.
        pub reference: String,
    }

    /// A payment's UMS Pay id.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct TransactionStatusRequest {
        /// The `transaction_request_id` the push returned.
        pub transaction_request_id: String,
    }

    /// Polls a payment until it is final.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct WaitForStatusRequest {
        /// The `transaction_request_id` the push returned.
        pub transaction_request_id: String,
        /// How long to wait, in milliseconds: 60,000 unless given, at most 3,600,000.
        pub timeout_ms: Option<u32>,
    }

    /// A payment to confirm: its id, or the raw webhook body that claims it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ConfirmPaymentRequest {
        /// The `transaction_request_id` the push returned.
        pub transaction_request_id: Option<String>,
        /// The raw webhook body (exactly one of the two).
        pub webhook: Option<String>,
    }
}

impl StkPushRequest {
    /// A push asking `phone` to pay `amount` KES, under your `reference`.
    pub fn new(amount: u64, phone: impl Into<String>, reference: impl Into<String>) -> Self {
        StkPushRequest {
            amount,
            phone: phone.into(),
            reference: reference.into(),
        }
    }
}

impl WaitForStatusRequest {
    /// `timeout_ms` when not given: one minute.
    pub const DEFAULT_TIMEOUT_MS: u32 = 60_000;
    /// The longest `timeout_ms` accepted: one hour.
    pub const MAX_TIMEOUT_MS: u32 = 3_600_000;

    /// How long to wait, checked.
    pub fn timeout(&self) -> Result<Duration> {
        let ms = self.timeout_ms.unwrap_or(Self::DEFAULT_TIMEOUT_MS);
        if ms > Self::MAX_TIMEOUT_MS {
            return Err(Error::invalid(
                "timeout_ms",
                format!("must be at most {}", Self::MAX_TIMEOUT_MS),
            ));
        }
        Ok(Duration::from_millis(ms.into()))
    }
}
