//! Verify by query: Daraja does not sign callbacks, so before shipping goods confirm an STK
//! callback with an STK query, which only Safaricom can answer.

use super::{parse_stk_callback, Daraja, StkCallback, StkQueryResponse};
use crate::error::{Error, Provider, Result};

impl Daraja<'_> {
    /// Confirms a payment by asking Daraja: `Some(answer)` when the push was paid, `None`
    /// when it was not (or is still pending).
    ///
    /// With `callback` (the raw body that arrived on your `CallBackURL`), the callback must
    /// match `checkout_request_id` (or give its id when that is `None`), and a callback that claims success
    /// while Daraja says otherwise is an [`Error::InvalidCallback`]: someone forged it.
    pub fn confirm_stk_payment(
        &self,
        checkout_request_id: Option<&str>,
        callback: Option<&[u8]>,
    ) -> Result<Option<StkQueryResponse>> {
        let parsed: Option<StkCallback> = callback.map(parse_stk_callback).transpose()?;
        let id = match (checkout_request_id, &parsed) {
            (Some(id), Some(cb)) if cb.checkout_request_id != id => {
                return Err(Error::invalid(
                    "callback",
                    "is about another CheckoutRequestID than `checkout_request_id`",
                ))
            }
            (Some(id), _) => id.to_string(),
            (None, Some(cb)) => cb.checkout_request_id.clone(),
            (None, None) => {
                return Err(Error::invalid(
                    "checkout_request_id",
                    "give the CheckoutRequestID or the callback body",
                ))
            }
        };
        let answer = self.stk_query(&id)?;
        let paid = !answer.pending && answer.outcome.is_success();
        if let Some(cb) = &parsed {
            if cb.is_success() && !paid {
                return Err(Error::callback(
                    Provider::Daraja,
                    "the callback claims a payment that Daraja does not confirm",
                ));
            }
        }
        Ok(paid.then_some(answer))
    }
}
