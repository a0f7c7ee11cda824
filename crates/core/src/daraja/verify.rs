//! Verify by query: Daraja does not sign callbacks, so before shipping goods confirm an STK
//! callback with an STK query, which only Safaricom can answer.

use super::{parse_stk_callback, Daraja, StkCallback, StkQueryResponse};
use crate::error::{Error, Provider, Result};

impl Daraja<'_> {
    /// Confirms a payment by asking Daraja: `Some(answer)` when the push was paid, `None`
    /// when it was not (or is still pending).
    ///
    /// With `callback` (the raw body that arrived on your `CallBackURL`), the callback must
    /// match `checkout_request_id` (or give its id when that is `None`). A callback that
    /// claims success is checked against the payment journal first (the push must be one
    /// this application sent, from this shortcode, for the amount and to the phone the
    /// callback names) and then against Daraja; any disagreement is an
    /// [`Error::InvalidCallback`]: someone forged it.
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
        if let Some(cb) = parsed.as_ref().filter(|cb| cb.is_success()) {
            let shortcode = &self.config()?.shortcode;
            let phone = cb.phone_number.as_deref();
            let claims = match (phone, cb.amount) {
                (Some(p), Some(a)) if a >= 0.0 && a.fract() == 0.0 => Some((p, a as u64)),
                _ => None,
            };
            let journal = crate::journal::Journal::of(self.client);
            let entry = journal.find(Provider::Daraja, &id, shortcode, claims)?;
            crate::journal::check(
                Provider::Daraja,
                entry,
                journal.required(),
                &id,
                shortcode,
                cb.amount,
                phone,
            )?;
        }
        let answer = match self.stk_query(&id) {
            Ok(answer) => answer,
            // Daraja refusing to know the id (an invalid CheckoutRequestID) while a callback
            // claims it was paid: the callback is forged.
            Err(e)
                if e.fate() == crate::Fate::Refused
                    && e.kind() == "api"
                    && parsed.as_ref().is_some_and(|cb| cb.is_success()) =>
            {
                return Err(Error::callback(
                    Provider::Daraja,
                    format!("Daraja does not know this CheckoutRequestID ({e})"),
                ))
            }
            Err(e) => return Err(e),
        };
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
