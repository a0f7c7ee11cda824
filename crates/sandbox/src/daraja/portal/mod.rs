//! The portal APIs outside the `/mpesa` family (daraja.md, "Other portal APIs"): B2B Express
//! Checkout, Pull Transactions, M-Pesa Ratiba and Bill Manager. Business to Pochi, the B2C
//! account top-up and tax remittance are with their siblings in `b2c.rs` and `b2b.rs`.

pub(crate) mod bill_manager;
pub(crate) mod express;
pub(crate) mod pull;
pub(crate) mod ratiba;
