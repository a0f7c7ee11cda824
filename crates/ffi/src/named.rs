//! One named C function per operation, callback kind and utility, from the lists in
//! `generated.rs` (written by tuma-gen from the core's table; never edited by hand). Tests assert that each list equals the core's
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

// The lists, with each operation's documentation, are generated from the core's table
// (`make gen`).
include!("generated.rs");

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
