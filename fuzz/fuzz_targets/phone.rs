//! The phone parser: never panics; whatever it accepts is canonical and stable.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(phone) = tuma::Phone::parse(text) {
            let canonical = phone.as_str();
            assert_eq!(canonical.len(), 12);
            assert_eq!(tuma::phone::normalize(canonical).unwrap(), canonical);
            let _ = phone.carrier();
        }
    }
});
