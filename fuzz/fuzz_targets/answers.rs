//! Every decoder of provider answers (Statum, Daraja incl. the token, UMS Pay).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = 100 + u16::from_le_bytes([data[0], data[1]]) % 500;
    if let Ok(body) = std::str::from_utf8(&data[2..]) {
        tuma::fuzzing::decode_answers(status, body);
    }
});
