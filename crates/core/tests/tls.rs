//! `http.extra_root_certificates_pem`: a server whose certificate chains to a private CA is
//! refused by default and trusted once that CA is added; the built-in roots stay in use.
//!
//! The CA, the server certificate (SAN `127.0.0.1`, `localhost`) and its key in
//! `tests/data/tls/` were made with the openssl CLI and are valid until 2125.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

use tuma::{Client, Config, HttpConfig, StatumConfig};

const CA: &str = include_str!("data/tls/ca.pem");
const SERVER_CERT: &str = include_str!("data/tls/server.pem");
const SERVER_KEY: &str = include_str!("data/tls/server.key");

/// A one-route HTTPS server (Statum's `sms`) that counts TLS connections and requests.
struct TlsServer {
    port: u16,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

fn server_config() -> Arc<rustls::ServerConfig> {
    let certs = rustls::pki_types::pem::PemObject::pem_slice_iter(SERVER_CERT.as_bytes())
        .collect::<Result<Vec<rustls::pki_types::CertificateDer<'static>>, _>>()
        .unwrap();
    let key = <rustls::pki_types::PrivateKeyDer<'static> as rustls::pki_types::pem::PemObject>::from_pem_slice(
        SERVER_KEY.as_bytes(),
    )
    .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    )
}

impl TlsServer {
    fn start() -> TlsServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let config = server_config();
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let (c, r) = (connections.clone(), requests.clone());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (config, c, r) = (config.clone(), c.clone(), r.clone());
                thread::spawn(move || serve(stream, config, &c, &r));
            }
        });
        TlsServer {
            port,
            connections,
            requests,
        }
    }
}

fn serve(
    tcp: TcpStream,
    config: Arc<rustls::ServerConfig>,
    connections: &AtomicUsize,
    requests: &AtomicUsize,
) {
    let conn = rustls::ServerConnection::new(config).unwrap();
    let mut tls = BufReader::new(rustls::StreamOwned::new(conn, tcp));
    let mut counted = false;
    loop {
        let mut length = 0usize;
        let mut line = String::new();
        let mut first = true;
        loop {
            line.clear();
            match tls.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if first && !counted {
                // A request line arrived: the handshake completed.
                connections.fetch_add(1, Ordering::SeqCst);
                counted = true;
            }
            first = false;
            if line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0; length];
        if tls.read_exact(&mut body).is_err() {
            return;
        }
        requests.fetch_add(1, Ordering::SeqCst);
        let answer =
            r#"{"status_code":200,"description":"Operation successful.","request_id":"tls-1"}"#;
        let out = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{answer}",
            answer.len()
        );
        let stream = tls.get_mut();
        if stream
            .write_all(out.as_bytes())
            .and_then(|_| stream.flush())
            .is_err()
        {
            return;
        }
    }
}

fn client(port: u16, extra: Option<&str>) -> tuma::Result<Client> {
    Client::new(Config {
        statum: Some(
            StatumConfig::new("key", "secret").with_base_url(format!("https://127.0.0.1:{port}/")),
        ),
        http: HttpConfig {
            max_retries: 0,
            timeout_ms: 5_000,
            connect_timeout_ms: 2_000,
            extra_root_certificates_pem: extra.map(str::to_string),
            ..HttpConfig::default()
        },
        ..Config::default()
    })
}

#[test]
fn a_private_ca_is_refused_by_default_and_trusted_when_added() {
    let server = TlsServer::start();

    let plain = client(server.port, None).unwrap();
    let err = plain
        .statum()
        .send_sms(&tuma::statum::SendSmsRequest::new(
            "TUMA",
            "0712345678",
            "hello",
        ))
        .unwrap_err();
    assert_eq!(err.kind(), "network", "{err}");
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
    assert!(
        !err.outcome_unknown(),
        "refused during the handshake: certainly not sent"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);

    let trusted = client(server.port, Some(CA)).unwrap();
    for _ in 0..3 {
        let sent = trusted
            .statum()
            .send_sms(&tuma::statum::SendSmsRequest::new(
                "TUMA",
                "0712345678",
                "hello",
            ))
            .unwrap();
        assert_eq!(sent.request_id, "tls-1");
    }
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        1,
        "three calls share one pooled TLS connection"
    );
}

#[test]
fn a_bundle_without_certificates_is_a_config_error() {
    for junk in [
        "",
        "not a certificate",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    ] {
        let err = client(1, Some(junk)).unwrap_err();
        assert_eq!(err.kind(), "config");
        assert_eq!(err.field(), Some("http.extra_root_certificates_pem"));
    }
    // A bundle with text around the certificate (as exported by many tools) is accepted.
    let noisy = format!("Corporate root\n{CA}\n# end\n");
    assert!(client(1, Some(&noisy)).is_ok());
}

#[test]
fn the_field_is_read_from_json() {
    let json = serde_json::json!({
        "http": {"extra_root_certificates_pem": CA}
    })
    .to_string();
    let config = Config::from_json(&json).unwrap();
    assert_eq!(config.http.extra_root_certificates_pem.as_deref(), Some(CA));
}
