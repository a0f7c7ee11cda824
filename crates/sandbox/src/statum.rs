//! Statum emulator (placeholder until filled in).

use crate::http::{Request, Response};
use crate::Shared;

/// Settings of the Statum emulator.
#[derive(Debug, Clone, Default)]
pub struct Settings {}

/// The Statum emulator's state.
pub struct Statum {
    _settings: Settings,
}

impl Statum {
    pub fn new(settings: Settings) -> Self {
        Statum {
            _settings: settings,
        }
    }

    /// Answers one request; `path` is relative to the provider's base URL.
    pub fn handle(&self, _shared: &Shared, _path: &str, _req: &Request) -> Response {
        Response::json(404, &serde_json::json!({"error": "not implemented"}))
    }
}
