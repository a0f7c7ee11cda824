//! Shared by the integration tests: a client configured for every provider of a sandbox.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc::{channel, Receiver};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::json;
use tuma::daraja::{c2b_accept, c2b_confirmation_ack, DarajaConfig, Environment};
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

/// A local HTTP server that records the callbacks POSTed to it.
pub struct Callbacks {
    /// Where the server listens (`http://127.0.0.1:PORT`).
    pub url: String,
    rx: Receiver<(String, Vec<u8>)>,
    seen: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Callbacks {
    pub fn start() -> Callbacks {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let (tx, rx) = channel();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let tx = tx.clone();
                thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                    let mut len = 0usize;
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                            break;
                        }
                        if let Some((k, v)) = h.split_once(':') {
                            if k.eq_ignore_ascii_case("content-length") {
                                len = v.trim().parse().unwrap_or(0);
                            }
                        }
                    }
                    let mut body = vec![0; len];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let reply = if path.contains("validation") {
                        c2b_accept(None)
                    } else if path.contains("confirmation") {
                        c2b_confirmation_ack()
                    } else {
                        json!({"ResultCode": 0, "ResultDesc": "Accepted"})
                    }
                    .to_string();
                    let mut out = stream;
                    let _ = write!(
                        out,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                        reply.len(),
                        reply
                    );
                    let _ = tx.send((path, body));
                });
            }
        });
        Callbacks {
            url,
            rx,
            seen: Mutex::new(Vec::new()),
        }
    }

    /// The first callback (new or already seen) on `path` whose body contains `needle`.
    pub fn wait(&self, path: &str, needle: &str) -> Vec<u8> {
        self.wait_where(path, |body| String::from_utf8_lossy(body).contains(needle))
    }

    /// The first callback (new or already seen) on `path` whose body passes `wanted`.
    pub fn wait_where(&self, path: &str, wanted: impl Fn(&[u8]) -> bool) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let matches = |p: &str, b: &[u8]| p == path && wanted(b);
        loop {
            {
                let seen = self.seen.lock().unwrap();
                if let Some((_, b)) = seen.iter().find(|(p, b)| matches(p, b)) {
                    return b.clone();
                }
            }
            let left = deadline
                .checked_duration_since(Instant::now())
                .unwrap_or_else(|| panic!("no callback on {path} as wanted"));
            if let Ok(item) = self.rx.recv_timeout(left) {
                self.seen.lock().unwrap().push(item);
            }
        }
    }
}

impl Callbacks {
    /// Like [`Callbacks::start`], but every callback is answered `200` with the JSON text
    /// `reply(path, body)` (e.g. Bill Manager's acknowledgement).
    pub fn start_replying(reply: fn(&str, &[u8]) -> String) -> Callbacks {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let (tx, rx) = channel();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let tx = tx.clone();
                thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                    let mut len = 0usize;
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                            break;
                        }
                        if let Some((k, v)) = h.split_once(':') {
                            if k.eq_ignore_ascii_case("content-length") {
                                len = v.trim().parse().unwrap_or(0);
                            }
                        }
                    }
                    let mut body = vec![0; len];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let answer = reply(&path, &body);
                    let mut out = stream;
                    let _ = write!(
                        out,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                        answer.len(),
                        answer
                    );
                    let _ = tx.send((path, body));
                });
            }
        });
        Callbacks {
            url,
            rx,
            seen: Mutex::new(Vec::new()),
        }
    }

    /// Every callback received so far on `path` (waits `settle` for late ones first).
    pub fn all_on(&self, path: &str, settle: Duration) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + settle;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if let Ok(item) = self.rx.recv_timeout(left) {
                self.seen.lock().unwrap().push(item);
            }
        }
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, b)| b.clone())
            .collect()
    }
}
