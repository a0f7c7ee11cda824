//! Every provider amount limit, in whole Kenyan shillings: the one place each is written.
//! The checks run before sending, so an amount the provider would refuse never leaves.

/// The most one M-Pesa transaction can move (STK push, C2B, B2C, UMS Pay, QR): 250,000 KES.
pub const MPESA_MAX: u64 = 250_000;
/// The least an STK push (and a C2B payment or QR code) can ask for.
pub const STK_MIN: u64 = 1;
/// The least a B2C payment can send (Daraja refuses smaller payouts).
pub const B2C_MIN: u64 = 10;
/// The bound tuma puts on B2B payments and reversals, for which Daraja documents no
/// ceiling: a typo guard, not a provider rule.
pub const BUSINESS_MAX: u64 = 1_000_000_000;
/// The least a UMS Pay STK push can ask for.
pub const UMSPAY_MIN: u64 = 10;
/// Statum airtime: the least one top-up can buy.
pub const AIRTIME_MIN: u64 = 5;
/// Statum airtime: the most one top-up can buy.
pub const AIRTIME_MAX: u64 = 10_000;
/// The least a Business to Pochi payment can send (B2C's limits apply: "same fields as B2C
/// v3"); the most is [`MPESA_MAX`].
pub const B2POCHI_MIN: u64 = B2C_MIN;
