//! Daraja emulator (placeholder until filled in).

use crate::http::{Request, Response};
use crate::Shared;

/// Settings of the Daraja emulator.
#[derive(Debug, Clone, Default)]
pub struct Settings {}

/// The Daraja emulator's state.
pub struct Daraja {
    _settings: Settings,
}

impl Daraja {
    pub fn new(settings: Settings) -> Self {
        Daraja {
            _settings: settings,
        }
    }

    /// Answers one request; `path` is relative to the provider's base URL.
    pub fn handle(&self, _shared: &Shared, _path: &str, _req: &Request) -> Response {
        Response::json(404, &serde_json::json!({"error": "not implemented"}))
    }
}
