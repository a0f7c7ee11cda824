//! Entry points for the fuzz targets (`fuzz/`): every decoder of provider answers, reached
//! without a network. Not a public API.

use std::sync::OnceLock;

use crate::client::Client;
use crate::daraja::DarajaConfig;
use crate::umspay::UmsPayConfig;

fn client() -> &'static Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let config = crate::Config {
            umspay: Some(UmsPayConfig::new("fuzz-key", "fuzz@example.com", "ACC")),
            daraja: Some(DarajaConfig::new(
                "key",
                "secret",
                crate::daraja::Environment::Sandbox,
                "174379",
            )),
            ..crate::Config::default()
        };
        Client::new(config).expect("a valid fuzzing config")
    })
}

/// Feeds one provider answer (HTTP status and body) to every decoder that reads such
/// answers; errors are expected, panics are bugs.
pub fn decode_answers(status: u16, body: &str) {
    let _ = crate::statum::interpret(status, body, None);
    let _ = crate::daraja::interpret(status, body, None);
    let _ = crate::daraja::interpret_error(status, body, None);
    if let Some(config) = client().config().daraja.as_ref() {
        let _ = crate::daraja::token::interpret_token(status, body, None, config);
    }
    if let Ok(map) = client().umspay().interpret(status, body, None) {
        let _ = crate::umspay::fuzz_parse_status(&map);
    }
}
