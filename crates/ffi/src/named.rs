//! One named C function per operation, callback kind and utility, generated from the
//! lists below: the only place to add one. Tests assert that each list equals the core's
//! (`tuma::ops::operations()`, `callback_kinds()`, `utilities()`), and the header
//! generator prints the C prototypes from these same lists.

use std::ffi::c_char;

use crate::{tuma_client, tuma_result};

macro_rules! operations {
    ($($(#[doc = $doc:literal])* $name:ident => $op:literal,)*) => {
        /// `(C function, operation)` for every named operation function.
        pub const OPERATIONS: &[(&str, &str)] = &[$((stringify!($name), $op)),*];
        /// `(C function, documentation)`: what the header says of an operation beyond
        /// "runs it" (the `///` lines written above it below; often none).
        pub const OPERATION_DOCS: &[(&str, &str)] = &[$((stringify!($name), concat!($($doc, "\n",)*))),*];
        $(
            #[doc = concat!("Runs `", $op, "`: the same as `tuma_client_call` with that name.")]
            $(#[doc = $doc])*
            ///
            /// # Safety
            /// As `tuma_client_call`.
            #[no_mangle]
            pub unsafe extern "C" fn $name(
                client: *const tuma_client,
                request_json: *const c_char,
                result_json_out: *mut *mut c_char,
            ) -> tuma_result {
                unsafe { crate::tuma_client_call(client, concat!($op, "\0").as_ptr().cast(), request_json, result_json_out) }
            }
        )*
    };
}

macro_rules! callbacks {
    ($($name:ident => $kind:literal,)*) => {
        /// `(C function, callback kind)` for every named callback parser.
        pub const CALLBACKS: &[(&str, &str)] = &[$((stringify!($name), $kind)),*];
        $(
            #[doc = concat!("Parses a `", $kind, "` callback: the same as `tuma_parse_callback` with that kind.")]
            ///
            /// # Safety
            /// As `tuma_parse_callback`.
            #[no_mangle]
            pub unsafe extern "C" fn $name(
                body: *const u8,
                body_len: usize,
                result_json_out: *mut *mut c_char,
            ) -> tuma_result {
                unsafe { crate::tuma_parse_callback(concat!($kind, "\0").as_ptr().cast(), body, body_len, result_json_out) }
            }
        )*
    };
}

macro_rules! utilities {
    ($($name:ident => $util:literal,)*) => {
        /// `(C function, utility)` for every named utility function.
        pub const UTILITIES: &[(&str, &str)] = &[$((stringify!($name), $util)),*];
        $(
            #[doc = concat!("Runs the `", $util, "` utility: the same as `tuma_utility` with that name.")]
            ///
            /// # Safety
            /// As `tuma_utility`.
            #[no_mangle]
            pub unsafe extern "C" fn $name(
                request_json: *const c_char,
                result_json_out: *mut *mut c_char,
            ) -> tuma_result {
                unsafe { crate::tuma_utility(concat!($util, "\0").as_ptr().cast(), request_json, result_json_out) }
            }
        )*
    };
}

operations! {
    tuma_statum_send_sms => "statum.send_sms",
    tuma_statum_airtime => "statum.airtime",
    tuma_statum_account_details => "statum.account_details",
    ///
    /// Request `{"kind", "body"}` (`body`: the raw request body, as a string). Parses the
    /// callback and claims its id for the store's `callback_lease_ms` (60000 by default).
    /// Result `{"first_time", "status", "claim", "id", "callback"}`, by `status`:
    /// - `"claimed"` (`first_time` true, `claim` a token): process it, then
    ///   `tuma_callbacks_complete` (redeliveries are then `"done"`), or
    ///   `tuma_callbacks_release` when processing failed (the next redelivery is claimed
    ///   and processed). A worker that dies holding a claim loses it after the lease;
    /// - `"in_progress"`: another worker holds the claim: answer non-200 (e.g. 503) so
    ///   the provider delivers it again later;
    /// - `"done"`: a redelivery of a processed callback: answer 200, do nothing.
    ///
    /// `claim` is null unless claimed. A store failure is `TUMA_RESULT_STORE`, never a
    /// guess: answer non-200.
    tuma_callbacks_receive => "callbacks.receive",
    ///
    /// Request `{"claim"}` (from `tuma_callbacks_receive`). Marks the callback processed:
    /// redeliveries are `"done"` for the store's `dedup_ttl_secs`. Result
    /// `{"completed": true, "lease_held"}`; `lease_held` false: the lease had expired
    /// before completion, so another worker may have processed it too.
    tuma_callbacks_complete => "callbacks.complete",
    ///
    /// Request `{"claim"}` (from `tuma_callbacks_receive`). Gives the claim back after
    /// processing failed, so the next redelivery is claimed and processed. Result
    /// `{"released"}`: false when the lease had already expired.
    tuma_callbacks_release => "callbacks.release",
    tuma_callbacks_first_time => "callbacks.first_time",
    tuma_daraja_stk_push => "daraja.stk_push",
    tuma_daraja_stk_query => "daraja.stk_query",
    ///
    /// Request `{"checkout_request_id"}` and/or `{"callback"}` (the raw callback body).
    /// Result: the STK query's answer when Daraja confirms the payment, else null. A
    /// callback claiming success is first checked against the payment journal: a push
    /// recorded there with another amount or phone, or (with a Redis store, or
    /// `store.journal_required`) a push the journal does not hold, fails with
    /// `TUMA_RESULT_INVALID_CALLBACK`: someone forged it. So does a callback Daraja does
    /// not confirm, or whose `CheckoutRequestID` Daraja does not know. With the memory
    /// store, a push the journal does not hold (another process may have made it) is
    /// verified by the query alone.
    tuma_daraja_confirm_stk_payment => "daraja.confirm_stk_payment",
    tuma_daraja_c2b_register_urls => "daraja.c2b_register_urls",
    tuma_daraja_c2b_simulate => "daraja.c2b_simulate",
    tuma_daraja_b2c => "daraja.b2c",
    tuma_daraja_b2b => "daraja.b2b",
    tuma_daraja_transaction_status => "daraja.transaction_status",
    tuma_daraja_account_balance => "daraja.account_balance",
    tuma_daraja_reversal => "daraja.reversal",
    tuma_daraja_dynamic_qr => "daraja.dynamic_qr",
    tuma_umspay_stk_push => "umspay.stk_push",
    tuma_umspay_transaction_status => "umspay.transaction_status",
    tuma_umspay_wait_for_status => "umspay.wait_for_status",
    ///
    /// Request `{"transaction_request_id"}` or `{"webhook"}` (the raw webhook body).
    /// Result: the completed payment when UMS Pay confirms it, else null. A webhook
    /// saying "completed" is first checked against the payment journal, as with
    /// `tuma_daraja_confirm_stk_payment` (amount, phone and reference), then against UMS
    /// Pay; a disagreement fails with `TUMA_RESULT_INVALID_CALLBACK`.
    tuma_umspay_confirm_payment => "umspay.confirm_payment",
}

callbacks! {
    tuma_parse_statum_result => "statum.result",
    tuma_parse_statum_airtime_result => "statum.airtime_result",
    tuma_parse_daraja_stk_callback => "daraja.stk_callback",
    tuma_parse_daraja_result => "daraja.result",
    tuma_parse_daraja_c2b_validation => "daraja.c2b_validation",
    tuma_parse_daraja_c2b_confirmation => "daraja.c2b_confirmation",
    tuma_parse_daraja_queue_timeout => "daraja.queue_timeout",
    tuma_parse_umspay_webhook => "umspay.webhook",
}

utilities! {
    tuma_phone_normalize => "phone.normalize",
    tuma_daraja_stk_password => "daraja.stk_password",
    tuma_daraja_timestamp => "daraja.timestamp",
    tuma_daraja_security_credential => "daraja.security_credential",
    tuma_daraja_c2b_accept => "daraja.c2b_accept",
    tuma_daraja_c2b_reject => "daraja.c2b_reject",
    tuma_daraja_c2b_confirmation_ack => "daraja.c2b_confirmation_ack",
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    fn check(list: &[(&str, &str)], core: Vec<&str>, prefix: &str, what: &str) {
        let ours: Vec<&str> = list.iter().map(|(_, n)| *n).collect();
        assert_eq!(
            ours, core,
            "crates/ffi/src/named.rs must list every {what} of tuma::ops, in order"
        );
        for (c_name, name) in list {
            assert_eq!(
                *c_name,
                format!("{prefix}{}", name.replace('.', "_")),
                "C name of {what} `{name}`"
            );
        }
    }

    #[test]
    fn every_operation_has_a_named_function() {
        check(
            super::OPERATIONS,
            tuma::ops::operations(),
            "tuma_",
            "operation",
        );
    }

    #[test]
    fn every_callback_kind_has_a_named_parser() {
        check(
            super::CALLBACKS,
            tuma::ops::callback_kinds(),
            "tuma_parse_",
            "callback kind",
        );
    }

    #[test]
    fn every_utility_has_a_named_function() {
        check(super::UTILITIES, tuma::ops::utilities(), "tuma_", "utility");
    }

    #[test]
    fn named_functions_are_unique() {
        let all: Vec<&str> = super::OPERATIONS
            .iter()
            .chain(super::CALLBACKS)
            .chain(super::UTILITIES)
            .map(|(c, _)| *c)
            .collect();
        let unique: HashSet<&str> = all.iter().copied().collect();
        assert_eq!(all.len(), unique.len(), "duplicate C names: {all:?}");
    }
}
