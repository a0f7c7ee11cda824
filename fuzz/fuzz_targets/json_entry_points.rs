//! The JSON entry points the C ABI, Python and Node bindings call: configuration documents,
//! utilities and operation requests (against a client whose providers point at a closed
//! port, so nothing leaves the machine).
#![no_main]

use std::sync::OnceLock;

fn client() -> &'static tuma::Client {
    static CLIENT: OnceLock<tuma::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        tuma::Client::new(
            tuma::Config::from_json(
                r#"{"statum": {"consumer_key": "k", "consumer_secret": "s", "base_url": "http://127.0.0.1:9/"},
                    "umspay": {"api_key": "k", "email": "a@b.c", "account_id": "A", "base_url": "http://127.0.0.1:9/"},
                    "http": {"max_retries": 0, "connect_timeout_ms": 50, "timeout_ms": 100}}"#,
            )
            .unwrap(),
        )
        .unwrap()
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match selector % 3 {
        0 => {
            let _ = tuma::Config::from_json(text).map(tuma::Client::new);
        }
        1 => {
            if let Ok(request) = serde_json::from_str::<serde_json::Value>(text) {
                let names = tuma::ops::utilities();
                let name = names[usize::from(selector / 3) % names.len()];
                let _ = tuma::ops::utility(name, &request);
            }
        }
        _ => {
            if let Ok(request) = serde_json::from_str::<serde_json::Value>(text) {
                let names = tuma::ops::operations();
                let name = names[usize::from(selector / 3) % names.len()];
                // Only the Statum and UMS Pay operations and the callback ones: the client
                // has no Daraja part, so those fail at once as configuration errors.
                let _ = tuma::ops::call(client(), name, &request);
            }
        }
    }
});
