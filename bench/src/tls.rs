//! The responder's TLS side: a server certificate for 127.0.0.1 / localhost signed by a
//! test CA (`bench/certs`, made with the openssl CLI; the same files as the core's TLS test).

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The test CA a client must trust (`http.extra_root_certificates_pem`).
pub const CA_PEM: &str = include_str!("../certs/ca.pem");
const SERVER_CERT: &str = include_str!("../certs/server.pem");
const SERVER_KEY: &str = include_str!("../certs/server.key");

/// The responder's rustls configuration.
pub fn server_config() -> Arc<rustls::ServerConfig> {
    let certs = CertificateDer::pem_slice_iter(SERVER_CERT.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("bench/certs/server.pem");
    let key = PrivateKeyDer::from_pem_slice(SERVER_KEY.as_bytes()).expect("bench/certs/server.key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server certificate"),
    )
}
