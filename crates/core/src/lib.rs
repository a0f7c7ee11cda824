//! # tuma
//!
//! Move money and messages in Kenya from one embeddable library: M-Pesa through
//! Safaricom's Daraja API and through UMS Pay, SMS and airtime through Statum.
//!
//! A [`Client`] is built once from a [`Config`] and shared by every thread. Calls are
//! synchronous. Every input is checked before any request is sent; every failure is an
//! [`Error`] you can match on; a money-moving request is never resent once it may have
//! reached the provider ([`Error::outcome_unknown`] tells you when to check the status).
//!
//! ```no_run
//! use tuma::{Client, Config, StatumConfig};
//!
//! let client = Client::new(Config {
//!     statum: Some(StatumConfig::new("consumer-key", "consumer-secret")),
//!     ..Config::default()
//! })?;
//! let sms = tuma::statum::SendSmsRequest::new("TUMA", "0712 345 678", "Hello from tuma");
//! let sent = client.statum().send_sms(&sms)?;
//! println!("queued as {}", sent.request_id);
//! # Ok::<(), tuma::Error>(())
//! ```

pub mod callback;
pub mod cancel;
mod client;
pub mod config;
pub mod daraja;
mod error;
pub(crate) mod fork;
#[doc(hidden)]
pub mod fuzzing;
mod http;
mod journal;
mod json;
pub mod kenya_time;
pub mod limits;
pub mod logging;
pub mod ops;
mod payment_status;
pub mod phone;
pub mod pool;
mod reconcile;
mod refusals;
mod registry;
pub mod request;
mod secret;
pub mod statum;
pub mod store;
pub mod umspay;
mod validate;
pub mod webhook;

pub use callback::Callback;
pub use client::{
    ClaimRequest, Client, CompletedCallback, FirstTime, FirstTimeRequest, ReceiveCallbackRequest,
    ReceivedCallback, ReleasedCallback, CALLBACK_ID_MAX,
};
pub use config::{Config, HttpConfig, StatumConfig};
pub use error::{ApiError, Error, ErrorKind, Fate, Provider, Recovery, Result};
pub use journal::{JournalEntry, JournalOutcome, OutcomeSource};
pub use payment_status::PaymentStatus;
pub use phone::{Carrier, Phone};
pub use reconcile::{ReconcileAction, ReconcileReport, ReconcileRequest, ReconciledPayment};
pub use secret::Secret;
pub use store::Claim;

/// The version of this library.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
