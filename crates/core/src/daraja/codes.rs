//! Result codes of STK callbacks and ResultURL results, mapped to named outcomes.
//!
//! Codes are kept as strings (`"0"`, `"1032"`, `"R000002"`, `"SFC_IC0003"`): Daraja sends
//! them as numbers or strings. An unknown code maps to [`Outcome::Other`] and is kept as
//! sent, never rejected.

use serde::{Deserialize, Serialize};

/// What a result code means, named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 0: the transaction went through.
    Success,
    /// 1: insufficient funds (STK: the payer's balance; B2C: the Utility account).
    InsufficientFunds,
    /// 2: below the minimum amount.
    BelowMinimum,
    /// 3: above the maximum per transaction.
    AboveMaximum,
    /// 4: over the daily limit.
    DailyLimitExceeded,
    /// 8: would exceed the receiving account's maximum balance.
    MaximumBalanceExceeded,
    /// 11: the debit party's account is not active.
    DebitPartyInvalidState,
    /// 15: duplicate request (OriginatorConversationID seen before).
    Duplicate,
    /// STK 17: same amount to the same customer within 2 minutes; wait before resending.
    RuleLimited,
    /// Results 17: internal failure.
    InternalFailure,
    /// 18: the initiator credential check failed.
    InitiatorCredentialFailed,
    /// 20: the initiator user name was not found.
    InitiatorNotFound,
    /// 21: the initiator lacks the API role or the right over this shortcode.
    InitiatorNotAllowed,
    /// 22: the initiator is not active.
    InitiatorInactive,
    /// 24: mandatory fields missing.
    MissingFields,
    /// 25: invalid request parameters.
    InvalidParameters,
    /// 26: system busy (traffic blocking).
    SystemBusy,
    /// 29: invalid command.
    InvalidCommand,
    /// STK 1001: another transaction is in progress for this subscriber.
    SubscriberLocked,
    /// STK 1019: the transaction expired.
    Expired,
    /// STK 1025 / 9999: the push could not be sent (1025: prompt too long).
    PushFailed,
    /// STK 1032: the payer cancelled the prompt.
    CancelledByUser,
    /// STK 1037: the payer could not be reached in time (phone off, busy, another session).
    Timeout,
    /// STK 2001: the payer entered a wrong PIN.
    WrongPin,
    /// Results 2001: wrong initiator name or password, or a credential made with the wrong
    /// certificate.
    InitiatorInvalid,
    /// 2006: declined by an account rule.
    DeclinedByAccountRule,
    /// 2028 / SFC_IC0003: not permitted by product assignment (wrong TransactionType or
    /// PartyB), or the operator does not exist.
    NotPermitted,
    /// 2040: the credit party is not registered or its customer type is not supported.
    CreditPartyNotRegistered,
    /// STK 8006: the payer's PIN is locked; results 8006: the security credential is locked.
    Locked,
    /// R000001: the transaction was already reversed.
    AlreadyReversed,
    /// R000002: the original transaction id is invalid or not found.
    OriginalTransactionNotFound,
    /// 100000000–100000011: M-Pesa gateway errors (throttling, rate exceeded...).
    GatewayError,
    /// 00.002.1001: the service is under maintenance.
    Maintenance,
    /// A code this library does not know; the code itself is kept.
    Other,
}

impl Outcome {
    /// True for [`Outcome::Success`].
    pub fn is_success(self) -> bool {
        self == Outcome::Success
    }

    /// True when sending the same request again later may succeed (busy, locked subscriber,
    /// gateway throttling, timeout...).
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Outcome::SystemBusy
                | Outcome::SubscriberLocked
                | Outcome::Timeout
                | Outcome::RuleLimited
                | Outcome::GatewayError
                | Outcome::Maintenance
                | Outcome::PushFailed
        )
    }
}

/// The outcome of an STK callback or STK query `ResultCode`.
pub fn stk_outcome(code: &str) -> Outcome {
    match code.trim() {
        "0" => Outcome::Success,
        "1" => Outcome::InsufficientFunds,
        "2" => Outcome::BelowMinimum,
        "3" => Outcome::AboveMaximum,
        "4" => Outcome::DailyLimitExceeded,
        "8" => Outcome::MaximumBalanceExceeded,
        "17" => Outcome::RuleLimited,
        "26" => Outcome::SystemBusy,
        "1001" => Outcome::SubscriberLocked,
        "1019" => Outcome::Expired,
        "1025" | "9999" => Outcome::PushFailed,
        "1032" => Outcome::CancelledByUser,
        "1037" => Outcome::Timeout,
        "2001" => Outcome::WrongPin,
        "2028" | "SFC_IC0003" => Outcome::NotPermitted,
        "8006" => Outcome::Locked,
        _ => Outcome::Other,
    }
}

/// The outcome of a ResultURL `ResultCode` (B2C, B2B, status, balance, reversal).
pub fn result_outcome(code: &str) -> Outcome {
    let code = code.trim();
    match code {
        "0" => Outcome::Success,
        "1" => Outcome::InsufficientFunds,
        "2" => Outcome::BelowMinimum,
        "3" => Outcome::AboveMaximum,
        "4" => Outcome::DailyLimitExceeded,
        "8" => Outcome::MaximumBalanceExceeded,
        "11" => Outcome::DebitPartyInvalidState,
        "15" => Outcome::Duplicate,
        "17" => Outcome::InternalFailure,
        "18" => Outcome::InitiatorCredentialFailed,
        "20" => Outcome::InitiatorNotFound,
        "21" => Outcome::InitiatorNotAllowed,
        "22" => Outcome::InitiatorInactive,
        "24" => Outcome::MissingFields,
        "25" => Outcome::InvalidParameters,
        "26" => Outcome::SystemBusy,
        "29" => Outcome::InvalidCommand,
        "2001" => Outcome::InitiatorInvalid,
        "2006" => Outcome::DeclinedByAccountRule,
        "2028" | "SFC_IC0003" => Outcome::NotPermitted,
        "2040" => Outcome::CreditPartyNotRegistered,
        "8006" => Outcome::Locked,
        "R000001" => Outcome::AlreadyReversed,
        "R000002" => Outcome::OriginalTransactionNotFound,
        "00.002.1001" => Outcome::Maintenance,
        _ => match code.parse::<u64>() {
            Ok(n) if (100_000_000..=100_000_011).contains(&n) => Outcome::GatewayError,
            _ => Outcome::Other,
        },
    }
}

/// The documented meaning of an STK `ResultCode`, when known.
pub fn stk_meaning(code: &str) -> Option<&'static str> {
    Some(match code.trim() {
        "0" => "success",
        "1" => "insufficient balance",
        "2" => "below the minimum amount (Ksh 1)",
        "3" => "above the maximum per transaction",
        "4" => "would exceed the customer's daily limit (Ksh 500,000)",
        "8" => "would exceed the receiving account's maximum balance",
        "17" => "same amount to the same customer within 2 minutes; wait before resending",
        "26" => "system busy",
        "1001" => "unable to lock subscriber: another transaction in progress for this number",
        "1019" => "transaction expired",
        "1025" => "error sending the push (prompt too long: shorten AccountReference)",
        "9999" => "error sending the push request",
        "1032" => "cancelled by the user",
        "1037" => "timeout: user unreachable (phone off, busy, or another session open)",
        "2001" => "wrong PIN",
        "2028" => "not permitted by product assignment: wrong TransactionType or PartyB",
        "8006" => "the customer's M-Pesa PIN is locked",
        "SFC_IC0003" => "operator does not exist: wrong TransactionType or PartyB",
        _ => return None,
    })
}

/// The documented meaning of a ResultURL `ResultCode`, when known.
pub fn result_meaning(code: &str) -> Option<&'static str> {
    Some(match code.trim() {
        "0" => "success",
        "1" => "insufficient funds",
        "2" => "amount below the minimum",
        "3" => "amount above the maximum",
        "4" => "over the daily limit",
        "8" => "over the maximum balance",
        "11" => "debit party in an invalid state (account not active)",
        "15" => "duplicate detected (OriginatorConversationID seen before)",
        "17" => "internal failure",
        "18" => "initiator credential check failed",
        "20" => "initiator user name not found",
        "21" => "initiator lacks the API role or the right over this shortcode",
        "22" => "initiator not active",
        "24" => "mandatory fields missing",
        "25" => "invalid request parameters",
        "26" => "traffic blocking (system too busy)",
        "29" => "invalid command",
        "2001" => "initiator information invalid: wrong user name, password, or certificate",
        "2006" => "declined by account rule",
        "2028" => "not permitted by product assignment",
        "2040" => "credit party not registered / customer type not supported",
        "8006" => "security credential locked",
        "R000001" => "transaction already reversed",
        "R000002" => "original transaction id invalid or not found",
        "SFC_IC0003" => "operator (phone number) does not exist",
        "00.002.1001" => "service under maintenance",
        other => match other.parse::<u64>() {
            Ok(n) if (100_000_000..=100_000_011).contains(&n) => "M-Pesa gateway error",
            _ => return None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_codes() {
        assert_eq!(stk_outcome("0"), Outcome::Success);
        assert_eq!(stk_outcome("1032"), Outcome::CancelledByUser);
        assert_eq!(stk_outcome("1037"), Outcome::Timeout);
        assert_eq!(stk_outcome("1"), Outcome::InsufficientFunds);
        assert_eq!(stk_outcome("2001"), Outcome::WrongPin);
        assert_eq!(result_outcome("2001"), Outcome::InitiatorInvalid);
        assert_eq!(
            result_outcome("R000002"),
            Outcome::OriginalTransactionNotFound
        );
        assert_eq!(result_outcome("100000002"), Outcome::GatewayError);
        assert_eq!(result_outcome("424242"), Outcome::Other);
        assert_eq!(stk_meaning("1032"), Some("cancelled by the user"));
        assert_eq!(result_meaning("xyz"), None);
        assert!(Outcome::SubscriberLocked.is_transient());
        assert!(!Outcome::WrongPin.is_transient());
    }
}
