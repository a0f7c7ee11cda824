//! The C entry points of callback parsing, called as C does: `tuma_parse_callback` and
//! every named parser (NULL kind, NULL body with and without a length, NULL
//! out-parameter, invalid UTF-8, huge and deeply nested bodies), and the claim operation
//! `tuma_callbacks_receive` with the body inside its JSON request. Every call returns a
//! result code that matches its last error; nothing panics.
#![no_main]

#[path = "common/c_abi.rs"]
mod c_abi;

use std::ptr;
use std::sync::Once;

use c_abi::*;

/// `body`: None is a NULL pointer, with length `len_if_null`.
fn parse(kind: Option<&[u8]>, body: Option<&[u8]>, len_if_null: usize, null_out: bool) {
    let kind = kind.map(c_string);
    let (body_ptr, len) = body.map_or((ptr::null(), len_if_null), |b| (b.as_ptr(), b.len()));
    let mut slot = ptr::null_mut();
    let out = out_param(&mut slot, null_out);
    let r = unsafe { tuma_parse_callback(c_ptr(&kind), body_ptr, len, out) };
    // checked in this order: the out-parameter, kind, body
    if null_out || kind.is_none() || (utf8(&kind) && body.is_none() && len > 0) {
        assert_eq!(r, NULL_PARAMETER);
    }
    settle("tuma_parse_callback", r, slot, !null_out);
}

fn named(index: usize, body: Option<&[u8]>, len_if_null: usize, null_out: bool) {
    let (name, f) = NAMED_CALLBACKS[index % NAMED_CALLBACKS.len()];
    let (body_ptr, len) = body.map_or((ptr::null(), len_if_null), |b| (b.as_ptr(), b.len()));
    let mut slot = ptr::null_mut();
    let out = out_param(&mut slot, null_out);
    let r = unsafe { f(body_ptr, len, out) };
    if null_out || (body.is_none() && len > 0) {
        assert_eq!(r, NULL_PARAMETER);
    }
    settle(name, r, slot, !null_out);
}

/// `callbacks.receive` with `{"kind", "body"}` (the body as a JSON string, lossily UTF-8).
fn receive(kind: &str, body: &[u8]) {
    let request =
        serde_json::json!({"kind": kind, "body": String::from_utf8_lossy(body)}).to_string();
    let request = c_string(request.as_bytes());
    let mut out = sentinel();
    let r = unsafe { tuma_callbacks_receive(client(), request.as_ptr().cast(), &mut out) };
    settle("tuma_callbacks_receive", r, out, true);
}

fn edges() {
    let kinds = tuma::ops::callback_kinds();
    parse(None, Some(b"{}"), 0, false);
    parse(Some(b"statum.result"), None, 0, false);
    parse(Some(b"statum.result"), None, 5, false);
    parse(Some(b"statum.result"), Some(b"{}"), 0, true);
    parse(Some(b"statum.\xff"), Some(b"{}"), 0, false);
    for i in 0..NAMED_CALLBACKS.len() {
        named(i, None, 0, false);
        named(i, None, 1 << 20, false);
        named(i, Some(b"{}"), 0, true);
    }
    for edge in edge_cases() {
        parse(Some(&edge), Some(b"{}"), 0, false);
        // huge bodies: through two parsers only (each parse takes a while)
        let count = if edge.len() > 1 << 20 { 2 } else { kinds.len() };
        for (i, kind) in kinds.iter().enumerate().take(count) {
            parse(Some(kind.as_bytes()), Some(&edge), 0, false);
            named(i, Some(&edge), 0, false);
        }
        if edge.len() <= 1 << 20 {
            receive(kinds[0], &edge);
        }
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static EDGES: Once = Once::new();
    EDGES.call_once(edges);
    let Some(input) = input(data) else {
        return;
    };
    let kinds = tuma::ops::callback_kinds();
    let index = usize::from(input.selector / 3);
    let body = (input.flags & NULL_B == 0).then_some(input.b.as_slice());
    let len_if_null = if input.flags & 0x10 != 0 {
        input.a.len()
    } else {
        0
    };
    let null_out = input.flags & NULL_OUT != 0;
    match input.selector % 3 {
        0 => {
            let kind = if input.flags & NAME_FROM_LIST != 0 {
                Some(kinds[index % kinds.len()].as_bytes())
            } else {
                (input.flags & NULL_A == 0).then_some(input.a.as_slice())
            };
            parse(kind, body, len_if_null, null_out)
        }
        1 => named(index, body, len_if_null, null_out),
        _ => receive(kinds[index % kinds.len()], &input.b),
    }
});
