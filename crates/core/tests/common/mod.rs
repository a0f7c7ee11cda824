//! Shared by the integration tests: a client configured for every provider of a sandbox.

#![allow(dead_code)]

use tuma::daraja::{DarajaConfig, Environment};
use tuma::umspay::UmsPayConfig;
use tuma::{Client, Config, HttpConfig, StatumConfig};
use tuma_sandbox::Sandbox;

/// Credentials that tests can recognise anywhere (logs, errors, Debug output).
pub struct Secrets {
    pub statum_secret: &'static str,
    pub daraja_secret: &'static str,
    pub passkey: String,
    pub initiator_password: String,
    pub umspay_key: &'static str,
}

/// The sandbox's own credentials.
pub fn sandbox_secrets(sandbox: &Sandbox) -> Secrets {
    let d = sandbox.daraja().settings();
    Secrets {
        statum_secret: "sandbox-statum-secret",
        daraja_secret: "sandbox-daraja-secret",
        passkey: d.passkey.clone(),
        initiator_password: d.initiator_password.clone(),
        umspay_key: "sandbox-umspay-key",
    }
}

/// A config for all three providers of `sandbox`, with `secrets` and `http`; callbacks go
/// to `callback_base` (a closed port is fine when nobody listens).
pub fn full_config(
    sandbox: &Sandbox,
    secrets: &Secrets,
    http: HttpConfig,
    callback_base: &str,
) -> Config {
    let s = sandbox.daraja().settings();
    let mut daraja = DarajaConfig::new(
        s.consumer_key.clone(),
        secrets.daraja_secret,
        Environment::Sandbox,
        s.shortcode.clone(),
    );
    daraja.base_url = Some(sandbox.daraja_url());
    daraja.passkey = Some(secrets.passkey.clone().into());
    daraja.till_number = Some(s.till_number.clone());
    daraja.initiator_name = Some(s.initiator_name.clone());
    daraja.initiator_password = Some(secrets.initiator_password.clone().into());
    daraja.certificate_pem = Some(tuma_sandbox::daraja::TEST_CERTIFICATE_PEM.to_string());
    daraja.callback_url = Some(format!("{callback_base}/stk"));
    daraja.result_url = Some(format!("{callback_base}/result"));
    daraja.timeout_url = Some(format!("{callback_base}/timeout"));
    let mut umspay = UmsPayConfig::new(secrets.umspay_key, "dev@tuma.test", "UMPAY-SANDBOX")
        .with_base_url(sandbox.umspay_url());
    umspay.rate_per_second = 1000;
    Config {
        statum: Some(
            StatumConfig::new("sandbox-statum-key", secrets.statum_secret)
                .with_base_url(sandbox.statum_url()),
        ),
        daraja: Some(daraja),
        umspay: Some(umspay),
        http,
        ..Config::default()
    }
}

/// [`full_config`] as a client.
pub fn full_client(sandbox: &Sandbox, http: HttpConfig) -> Client {
    Client::new(full_config(
        sandbox,
        &sandbox_secrets(sandbox),
        http,
        "http://127.0.0.1:9",
    ))
    .unwrap()
}
