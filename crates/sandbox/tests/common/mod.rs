//! Helpers shared by the Daraja test files: a callback receiver, raw HTTP calls and
//! credentials, written against the provider documents (no client types).
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use rsa::pkcs8::DecodePublicKey as _;
use rsa::{Pkcs1v15Encrypt, RsaPublicKey};
use serde_json::{json, Value};
use tuma_sandbox::daraja::{self, Settings};
use tuma_sandbox::{Sandbox, SandboxConfig};

pub const WAIT: Duration = Duration::from_secs(5);
pub const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

// ---------------------------------------------------------------- callback receiver

pub type Inbox = Arc<(Mutex<Vec<(String, Value)>>, Condvar)>;

/// Records every JSON POST it receives; answers validation paths like a merchant would.
pub struct Receiver {
    pub port: u16,
    pub inbox: Inbox,
}

impl Receiver {
    pub fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let inbox: Inbox = Arc::default();
        let shared = inbox.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let inbox = shared.clone();
                thread::spawn(move || serve(stream, &inbox));
            }
        });
        Receiver { port, inbox }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Takes the first body POSTed to `path`, waiting up to `timeout`.
    pub fn wait(&self, path: &str, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.inbox;
        let mut got = lock.lock().unwrap();
        loop {
            if let Some(i) = got.iter().position(|(p, _)| p == path) {
                return Some(got.remove(i).1);
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            got = cv.wait_timeout(got, deadline - now).unwrap().0;
        }
    }

    /// Every body POSTed to `path` so far (kept in the inbox).
    pub fn bodies(&self, path: &str) -> Vec<Value> {
        let got = self.inbox.0.lock().unwrap();
        got.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Waits until `n` bodies were POSTed to `path`; false if `timeout` passed first.
    pub fn wait_count(&self, path: &str, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.inbox;
        let mut got = lock.lock().unwrap();
        loop {
            if got.iter().filter(|(p, _)| p == path).count() >= n {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            got = cv.wait_timeout(got, deadline - now).unwrap().0;
        }
    }

    pub fn count(&self, path: &str) -> usize {
        let got = self.inbox.0.lock().unwrap();
        got.iter().filter(|(p, _)| p == path).count()
    }
}

pub fn serve(stream: TcpStream, inbox: &Inbox) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut len = 0;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 {
            return;
        }
        let h = h.trim_end();
        if h.is_empty() {
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
    let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let seen = inbox
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|(p, _)| *p == path)
        .count();
    let reply = if path.starts_with("/bill") {
        // Bill Manager acknowledges with rescode 200; `/bill/nack/N` refuses (rescode 500)
        // the first N deliveries, `/bill/never` all of them.
        let nacks = match path.strip_prefix("/bill/nack/") {
            Some(n) => n.parse().unwrap_or(0),
            None if path == "/bill/never" => usize::MAX,
            None => 0,
        };
        if seen < nacks {
            json!({"rescode": "500", "resmsg": "Try again"})
        } else {
            json!({"rescode": "200", "resmsg": "Success"})
        }
    } else if path.contains("reject") {
        json!({"ResultCode": "C2B00012", "ResultDesc": "Rejected"})
    } else if path.contains("validate") {
        json!({"ResultCode": "0", "ResultDesc": "Accepted", "ThirdPartyTransID": "tp-77"})
    } else {
        json!({"ResultCode": 0, "ResultDesc": "Success"})
    };
    let reply = reply.to_string();
    let _ = write!(
        writer,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
    let (lock, cv) = &**inbox;
    lock.lock().unwrap().push((path, value));
    cv.notify_all();
}

// ---------------------------------------------------------------- client helpers

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .into()
}

pub fn fast() -> Settings {
    Settings {
        callback_delay: Duration::from_millis(20),
        ..Settings::default()
    }
}

pub fn start(settings: Settings) -> Sandbox {
    Sandbox::start(SandboxConfig {
        daraja: settings,
        ..Default::default()
    })
    .unwrap()
}

pub fn basic(key: &str, secret: &str) -> String {
    format!("Basic {}", B64.encode(format!("{key}:{secret}")))
}

/// GET the token endpoint; (status, body).
pub fn token_call(sb: &Sandbox, auth: &str, grant: &str) -> (u16, Value) {
    let url = format!("{}/oauth/v1/generate?grant_type={grant}", sb.daraja_url());
    let mut resp = agent()
        .get(&url)
        .header("Authorization", auth)
        .call()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_json().unwrap_or(Value::Null))
}

pub fn token(sb: &Sandbox) -> String {
    let (status, body) = token_call(
        sb,
        &basic("sandbox-daraja-key", "sandbox-daraja-secret"),
        "client_credentials",
    );
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// POST a raw body with the given content type; (status, body).
pub fn post_raw(
    sb: &Sandbox,
    token: &str,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, Value) {
    let url = format!("{}{path}", sb.daraja_url());
    let mut resp = agent()
        .post(&url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", content_type)
        .send(body)
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_json().unwrap_or(Value::Null))
}

pub fn post(sb: &Sandbox, token: &str, path: &str, body: &Value) -> (u16, Value) {
    post_raw(sb, token, path, "application/json", &body.to_string())
}

pub fn assert_error(got: &(u16, Value), status: u16, code: &str, message_part: &str) {
    let (s, body) = got;
    assert_eq!(*s, status, "{body}");
    assert_eq!(body["errorCode"], code, "{body}");
    assert!(body["requestId"].is_string(), "{body}");
    let msg = body["errorMessage"].as_str().unwrap_or("");
    assert!(msg.contains(message_part), "{msg:?} lacks {message_part:?}");
}

// ---------------------------------------------------------------- time and credentials

/// `YYYYMMDDHHmmss` of now shifted by `offset_secs` (EAT is +3 h).
pub fn stamp(offset_secs: i64) -> String {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + offset_secs;
    let (days, rem) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub fn eat() -> String {
    stamp(3 * 3600)
}

pub fn stk_password(ts: &str) -> String {
    B64.encode(format!("174379{}{ts}", daraja::SANDBOX_PASSKEY))
}

/// Reads one DER TLV at `pos`: (tag, content start, end).
pub fn tlv(buf: &[u8], pos: usize) -> (u8, usize, usize) {
    let tag = buf[pos];
    let first = buf[pos + 1] as usize;
    let (len, start) = if first < 0x80 {
        (first, pos + 2)
    } else {
        let n = first & 0x7f;
        let len = buf[pos + 2..pos + 2 + n]
            .iter()
            .fold(0usize, |a, &b| a << 8 | b as usize);
        (len, pos + 2 + n)
    };
    (tag, start, start + len)
}

/// The RSA public key inside the sandbox's test certificate.
pub fn test_public_key() -> RsaPublicKey {
    let b64: String = daraja::TEST_CERTIFICATE_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = B64.decode(b64).unwrap();
    let (_, cert_start, _) = tlv(&der, 0);
    let (_, tbs_start, _) = tlv(&der, cert_start);
    let mut pos = tbs_start;
    if der[pos] == 0xa0 {
        pos = tlv(&der, pos).2; // version
    }
    for _ in 0..5 {
        pos = tlv(&der, pos).2; // serial, signature, issuer, validity, subject
    }
    let (_, _, spki_end) = tlv(&der, pos);
    RsaPublicKey::from_public_key_der(&der[pos..spki_end]).unwrap()
}

pub fn credential(password: &str) -> String {
    let ct = test_public_key()
        .encrypt(
            &mut rand::thread_rng(),
            Pkcs1v15Encrypt,
            password.as_bytes(),
        )
        .unwrap();
    B64.encode(ct)
}

pub fn result_params(result: &Value) -> HashMap<String, Value> {
    let p = &result["ResultParameters"]["ResultParameter"];
    let list = match p {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    list.into_iter()
        .map(|i| (i["Key"].as_str().unwrap().to_string(), i["Value"].clone()))
        .collect()
}

// ---------------------------------------------------------------- request bodies

pub fn stk_body(rx: &Receiver, phone: &str, amount: Value) -> Value {
    let ts = eat();
    json!({
        "BusinessShortCode": 174379,
        "Password": stk_password(&ts),
        "Timestamp": ts,
        "TransactionType": "CustomerPayBillOnline",
        "Amount": amount,
        "PartyA": phone,
        "PartyB": "174379",
        "PhoneNumber": phone.parse::<u64>().unwrap(),
        "CallBackURL": rx.url("/stk"),
        "AccountReference": "INV-001",
        "TransactionDesc": "Payment",
    })
}

pub fn stk_query(sb: &Sandbox, tok: &str, checkout: &str) -> (u16, Value) {
    let ts = eat();
    post(
        sb,
        tok,
        "/mpesa/stkpushquery/v1/query",
        &json!({"BusinessShortCode": "174379", "Password": stk_password(&ts), "Timestamp": ts, "CheckoutRequestID": checkout}),
    )
}

pub fn b2c_body(
    rx: &Receiver,
    originator: &str,
    credential: &str,
    party_b: &str,
    amount: Value,
) -> Value {
    json!({
        "OriginatorConversationID": originator,
        "InitiatorName": "testapi",
        "SecurityCredential": credential,
        "CommandID": "BusinessPayment",
        "Amount": amount,
        "PartyA": "600981",
        "PartyB": party_b,
        "Remarks": "Refund",
        "QueueTimeOutURL": rx.url("/timeout"),
        "ResultURL": rx.url("/b2c"),
        "Occassion": "June",
    })
}

pub fn initiator_common(rx: &Receiver, path: &str) -> Value {
    json!({
        "Initiator": "testapi",
        "SecurityCredential": credential("Safaricom999!*!"),
        "Remarks": "ok",
        "QueueTimeOutURL": rx.url("/timeout"),
        "ResultURL": rx.url(path),
    })
}

pub fn merge(mut a: Value, b: Value) -> Value {
    for (k, v) in b.as_object().unwrap() {
        a[k] = v.clone();
    }
    a
}
