//! The C entry points that need no client, called as C does: `tuma_utility` and every
//! named utility (NULL name, request or out-parameter, invalid UTF-8, huge and deeply
//! nested JSON), `tuma_result_message` with any number, the name lists, and the
//! NULL-safe destructors. Every call returns a result code that matches its last error;
//! nothing panics.
#![no_main]

#[path = "common/c_abi.rs"]
mod c_abi;

use std::ffi::CStr;
use std::ptr;
use std::sync::Once;

use c_abi::*;

fn utility(name: Option<&[u8]>, request: Option<&[u8]>, null_out: bool) {
    let (name, request) = (name.map(c_string), request.map(c_string));
    let mut slot = ptr::null_mut();
    let out = out_param(&mut slot, null_out);
    let r = unsafe { tuma_utility(c_ptr(&name), c_ptr(&request), out) };
    // checked in this order: the out-parameter, name, request
    if null_out || name.is_none() || (utf8(&name) && request.is_none()) {
        assert_eq!(r, NULL_PARAMETER);
    }
    settle("tuma_utility", r, slot, !null_out);
}

fn named(index: usize, request: Option<&[u8]>, null_out: bool) {
    let (name, f) = NAMED_UTILITIES[index % NAMED_UTILITIES.len()];
    let request = request.map(c_string);
    let mut slot = ptr::null_mut();
    let out = out_param(&mut slot, null_out);
    let r = unsafe { f(c_ptr(&request), out) };
    if request.is_none() || null_out {
        assert_eq!(r, NULL_PARAMETER);
    }
    settle(name, r, slot, !null_out);
}

/// The functions with no input to speak of: any code's message, the lists, NULL frees.
fn misc(code: u32, null_out: bool) {
    let message = unsafe { tuma_result_message(code) };
    assert!(!message.is_null());
    let text = unsafe { CStr::from_ptr(message) }
        .to_str()
        .expect("a UTF-8 message");
    assert!(!text.is_empty());
    assert_eq!(
        text == "unknown result code",
        code != OK && !kind_codes().values().any(|c| *c == code) && code != 901
    );
    let lists: [(&str, ListFn); 4] = [
        ("tuma_operations", tuma_operations),
        ("tuma_callback_kinds", tuma_callback_kinds),
        ("tuma_utilities", tuma_utilities),
        ("tuma_error_kinds", tuma_error_kinds),
    ];
    let (name, f) = lists[code as usize % lists.len()];
    let mut slot = ptr::null_mut();
    let out = out_param(&mut slot, null_out);
    let r = unsafe { f(out) };
    assert_eq!(r, if null_out { NULL_PARAMETER } else { OK }, "{name}");
    settle(name, r, slot, !null_out);
    if null_out {
        assert_eq!(
            unsafe { tuma_client_from_env(ptr::null_mut()) },
            NULL_PARAMETER
        );
        failed("tuma_client_from_env", NULL_PARAMETER);
    }
    unsafe {
        tuma_client_free(ptr::null_mut());
        tuma_string_free(ptr::null_mut());
        tuma_last_error_clear();
        assert_eq!(tuma_last_error_json(ptr::null_mut()), NULL_PARAMETER);
        assert!(!tuma_version().is_null());
    }
    assert!(last_error().is_none());
}

fn edges() {
    utility(None, Some(b"{}"), false);
    utility(Some(b"phone.normalize"), None, false);
    utility(
        Some(b"phone.normalize"),
        Some(b"{\"phone\":\"0712345678\"}"),
        true,
    );
    for i in 0..NAMED_UTILITIES.len() {
        named(i, None, false);
        named(i, Some(b"{}"), true);
    }
    for code in [0, 1, 99, 100, 205, 303, 900, 901, 999, u32::MAX] {
        misc(code, false);
        misc(code, true);
    }
    let names = tuma::ops::utilities();
    for edge in edge_cases() {
        utility(Some(&edge), Some(b"{}"), false);
        // huge documents: through two utilities only (each parse takes a while)
        let count = if edge.len() > 1 << 20 { 2 } else { names.len() };
        for (i, name) in names.iter().enumerate().take(count) {
            utility(Some(name.as_bytes()), Some(&edge), false);
            named(i, Some(&edge), false);
        }
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static EDGES: Once = Once::new();
    EDGES.call_once(edges);
    let Some(input) = input(data) else {
        return;
    };
    let names = tuma::ops::utilities();
    let index = usize::from(input.selector / 3);
    let request = (input.flags & NULL_B == 0).then_some(input.b.as_slice());
    let null_out = input.flags & NULL_OUT != 0;
    match input.selector % 3 {
        0 => {
            let name = if input.flags & NAME_FROM_LIST != 0 {
                Some(names[index % names.len()].as_bytes())
            } else {
                (input.flags & NULL_A == 0).then_some(input.a.as_slice())
            };
            utility(name, request, null_out)
        }
        1 => named(index, request, null_out),
        _ => {
            let mut code = [0u8; 4];
            for (slot, byte) in code.iter_mut().zip(&input.b) {
                *slot = *byte;
            }
            misc(u32::from_le_bytes(code) % 2000, null_out)
        }
    }
});
