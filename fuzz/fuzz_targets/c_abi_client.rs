//! The C entry points of clients, called as C does: `tuma_client_new` (any configuration
//! text, NULL), `tuma_client_call` and every named operation function (NULL client,
//! operation, request or out-parameter; invalid UTF-8; huge and deeply nested JSON),
//! against a client whose providers are a closed port. Every call returns a result code
//! that matches its last error; nothing panics.
#![no_main]

#[path = "common/c_abi.rs"]
mod c_abi;

use std::ptr;
use std::sync::Once;

use c_abi::*;

fn client_new(config: Option<&[u8]>, null_out: bool) {
    let config = config.map(c_string);
    let mut handle: *mut tuma_client = sentinel().cast();
    let out: *mut *mut tuma_client = if null_out {
        ptr::null_mut()
    } else {
        &mut handle
    };
    let r = unsafe { tuma_client_new(c_ptr(&config), out) };
    if r == OK {
        assert!(!null_out && !handle.is_null() && handle != sentinel().cast());
        assert!(
            last_error().is_none(),
            "tuma_client_new: a success leaves no last error"
        );
        unsafe { tuma_client_free(handle) };
    } else {
        assert_eq!(
            handle,
            sentinel().cast(),
            "tuma_client_new wrote its out-parameter on failure"
        );
        if config.is_none() || null_out {
            assert_eq!(r, NULL_PARAMETER);
        }
        failed("tuma_client_new", r);
    }
}

fn call(with_client: bool, operation: Option<&[u8]>, request: Option<&[u8]>, null_out: bool) {
    let (operation, request) = (operation.map(c_string), request.map(c_string));
    let client = if with_client { client() } else { ptr::null() };
    let mut slot = ptr::null_mut();
    let out = out_param(&mut slot, null_out);
    let r = unsafe { tuma_client_call(client, c_ptr(&operation), c_ptr(&request), out) };
    // checked in this order: the out-parameter, client, operation, request
    if null_out
        || client.is_null()
        || operation.is_none()
        || (utf8(&operation) && request.is_none())
    {
        assert_eq!(r, NULL_PARAMETER);
    }
    settle("tuma_client_call", r, slot, !null_out);
}

fn named(index: usize, with_client: bool, request: Option<&[u8]>, null_out: bool) {
    let (name, f) = NAMED_OPERATIONS[index % NAMED_OPERATIONS.len()];
    let request = request.map(c_string);
    let client = if with_client { client() } else { ptr::null() };
    let mut slot = ptr::null_mut();
    let out = out_param(&mut slot, null_out);
    let r = unsafe { f(client, c_ptr(&request), out) };
    if client.is_null() || request.is_none() || null_out {
        assert_eq!(r, NULL_PARAMETER);
    }
    settle(name, r, slot, !null_out);
}

/// Once, before fuzzing: NULL in each place, and every edge case in each entry point.
fn edges() {
    client_new(None, false);
    client_new(Some(b"{}"), true);
    call(false, Some(b"statum.send_sms"), Some(b"{}"), false);
    call(true, None, Some(b"{}"), false);
    call(true, Some(b"statum.send_sms"), None, false);
    call(true, Some(b"statum.send_sms"), Some(b"{}"), true);
    for i in 0..NAMED_OPERATIONS.len() {
        named(i, false, Some(b"{}"), false);
        named(i, true, None, false);
        named(i, true, Some(b"{}"), true);
    }
    for edge in edge_cases() {
        client_new(Some(&edge), false);
        call(true, Some(&edge), Some(b"{}"), false);
        call(true, Some(b"statum.send_sms"), Some(&edge), false);
        // as a field of a request: the core's validation of what parses
        let wrapped = [b"{\"phone\":".as_slice(), &edge, b"}"].concat();
        call(true, Some(b"statum.airtime"), Some(&wrapped), false);
        let named_ops = if edge.len() > (1 << 20) {
            2
        } else {
            NAMED_OPERATIONS.len()
        };
        for i in 0..named_ops {
            named(i, true, Some(&edge), false);
        }
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    static EDGES: Once = Once::new();
    EDGES.call_once(edges);
    let Some(input) = input(data) else {
        return;
    };
    let a = (input.flags & NULL_A == 0).then_some(input.a.as_slice());
    let b = (input.flags & NULL_B == 0).then_some(input.b.as_slice());
    let null_out = input.flags & NULL_OUT != 0;
    match input.selector % 3 {
        0 => client_new(b, null_out),
        1 => {
            let names = tuma::ops::operations();
            let listed = names[usize::from(input.selector / 3) % names.len()].as_bytes();
            let operation = if input.flags & NAME_FROM_LIST != 0 {
                Some(listed)
            } else {
                a
            };
            call(input.flags & 0x10 == 0, operation, b, null_out)
        }
        _ => named(
            usize::from(input.selector / 3),
            input.flags & 0x10 == 0,
            b,
            null_out,
        ),
    }
});
