//! Authentication: OAuth client-credentials tokens, bearer checks and the initiator's
//! `SecurityCredential`.

use std::sync::atomic::Ordering;
use std::time::Instant;

use base64::Engine as _;
use rand::Rng as _;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};
use serde_json::{json, Value};

use super::{error, Daraja, Result, TEST_PRIVATE_KEY_PEM};
use crate::http::{Request, Response};

impl Daraja {
    pub(crate) fn oauth(&self, req: &Request) -> Response {
        self.stats.token_requests.fetch_add(1, Ordering::SeqCst);
        if req.method != "GET" {
            return error(405, "405.001", "Method Not Allowed");
        }
        let auth = req.header("authorization").unwrap_or("");
        let Some(encoded) = strip_scheme(auth, "Basic") else {
            return error(400, "400.008.01", "Invalid Authentication passed");
        };
        if req.query.get("grant_type").map(String::as_str) != Some("client_credentials") {
            return error(400, "400.008.02", "Invalid grant type passed");
        }
        let expected = format!(
            "{}:{}",
            self.settings.consumer_key, self.settings.consumer_secret
        );
        let given = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        if given.as_deref() != Some(expected.as_str()) {
            return error(400, "400.008.01", "Invalid Authentication passed");
        }
        let token: String = rand::thread_rng()
            .sample_iter(&rand::distributions::Alphanumeric)
            .take(28)
            .map(char::from)
            .collect();
        {
            let mut st = self.state.lock().unwrap();
            let now = Instant::now();
            if self.settings.new_token_invalidates_previous {
                st.tokens.clear();
            } else {
                st.tokens.retain(|_, exp| *exp > now);
            }
            st.tokens
                .insert(token.clone(), now + self.settings.token_ttl);
        }
        self.stats.tokens_issued.fetch_add(1, Ordering::SeqCst);
        let secs = self.settings.token_ttl.as_secs().saturating_sub(1);
        let expires_in = if self.settings.expires_in_as_string {
            Value::String(secs.to_string())
        } else {
            Value::from(secs)
        };
        Response::json(
            200,
            &json!({"access_token": token, "expires_in": expires_in}),
        )
    }

    pub(crate) fn check_bearer(&self, req: &Request) -> Result<()> {
        let auth = req.header("authorization").unwrap_or("");
        let Some(token) = strip_scheme(auth, "Bearer") else {
            return Err(error(404, "404.001.04", "Invalid Authentication passed"));
        };
        let st = self.state.lock().unwrap();
        match st.tokens.get(token.trim()) {
            Some(exp) if *exp > Instant::now() => Ok(()),
            _ => Err(error(404, "404.001.03", "Invalid Access Token")),
        }
    }

    /// The sandbox's private key, parsed on first use.
    fn private_key(&self) -> Option<&RsaPrivateKey> {
        self.key
            .get_or_init(|| RsaPrivateKey::from_pkcs8_pem(TEST_PRIVATE_KEY_PEM).ok())
            .as_ref()
    }

    /// True when `credential` is base64 of the initiator password encrypted with the
    /// test certificate's key (PKCS#1 v1.5) and `name` is the initiator's name.
    pub(crate) fn initiator_ok(&self, name: &str, credential: &str) -> bool {
        let ok = name == self.settings.initiator_name
            && base64::engine::general_purpose::STANDARD
                .decode(credential.trim())
                .ok()
                .and_then(|ct| self.private_key()?.decrypt(Pkcs1v15Encrypt, &ct).ok())
                .is_some_and(|pw| pw == self.settings.initiator_password.as_bytes());
        if !ok {
            self.stats.bad_credentials.fetch_add(1, Ordering::SeqCst);
        }
        ok
    }
}

/// `Basic xyz` / `Bearer xyz` → `xyz` (scheme case-insensitive).
fn strip_scheme<'a>(header: &'a str, scheme: &str) -> Option<&'a str> {
    let (s, rest) = header.trim().split_once(' ')?;
    (s.eq_ignore_ascii_case(scheme) && !rest.trim().is_empty()).then_some(rest)
}
