//! Every callback and webhook parser, on raw bytes: typed errors, never panics.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for kind in tuma::ops::callback_kinds() {
        if let Err(e) = tuma::ops::parse_callback(kind, data) {
            assert_eq!(e.kind(), "invalid_callback");
        }
    }
});
