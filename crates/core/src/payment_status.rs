//! One outcome vocabulary for every provider: where a payment stands, whichever provider
//! and whichever callback or query said so. The provider's own code is always kept beside
//! it (`result_code`, `response_code`, `code`).

use serde::{Deserialize, Serialize};

/// Where a payment stands: `completed`, `failed`, `cancelled`, `timeout` or `pending`.
///
/// UMS Pay's status query already speaks it (its `status` tag); Daraja's STK callback and
/// query, Daraja's results and UMS Pay's webhook carry it as `status` too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The money moved.
    Completed,
    /// It did not, for a reason other than the two below (insufficient funds, wrong PIN…).
    Failed,
    /// The payer cancelled the prompt (M-Pesa 1032).
    Cancelled,
    /// The payer could not be reached or did not answer in time (M-Pesa 1037).
    Timeout,
    /// Not decided yet.
    Pending,
}

impl PaymentStatus {
    /// `completed`, `failed`, `cancelled`, `timeout` or `pending`.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Completed => "completed",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
            PaymentStatus::Timeout => "timeout",
            PaymentStatus::Pending => "pending",
        }
    }

    /// The status of an M-Pesa STK result code (`"0"`, `"1032"`…, as Daraja and UMS Pay
    /// relay them).
    pub fn of_stk_code(code: &str) -> PaymentStatus {
        match code.trim() {
            "0" => PaymentStatus::Completed,
            "1032" => PaymentStatus::Cancelled,
            "1037" => PaymentStatus::Timeout,
            _ => PaymentStatus::Failed,
        }
    }

    /// The status of a ResultURL result code (B2C, B2B, reversal…): `"0"` completed.
    pub fn of_result_code(code: &str) -> PaymentStatus {
        if code.trim() == "0" {
            PaymentStatus::Completed
        } else {
            PaymentStatus::Failed
        }
    }
}

impl std::fmt::Display for PaymentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::PaymentStatus as S;

    #[test]
    fn codes_to_statuses() {
        assert_eq!(S::of_stk_code("0"), S::Completed);
        assert_eq!(S::of_stk_code("1032"), S::Cancelled);
        assert_eq!(S::of_stk_code(" 1037 "), S::Timeout);
        assert_eq!(S::of_stk_code("1"), S::Failed);
        assert_eq!(S::of_stk_code("2001"), S::Failed);
        assert_eq!(S::of_result_code("0"), S::Completed);
        assert_eq!(S::of_result_code("R000002"), S::Failed);
        assert_eq!(serde_json::to_value(S::Timeout).unwrap(), "timeout");
    }
}
