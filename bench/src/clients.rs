//! The Rust clients measured: tuma itself, a bare `ureq` agent doing the same POSTs, and a
//! bare keep-alive socket client (the ceiling).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use base64::Engine;
use serde_json::{json, Value};

use crate::stats::{Chunk, Measure};

/// The SMS every client sends.
pub const SMS_SENDER: &str = "TUMA";
pub const SMS_PHONE: &str = "0712345678";
pub const SMS_MESSAGE: &str = "Your order 1234 has shipped.";
/// The STK push every client sends.
pub const STK_PHONE: &str = "0712345678";
pub const STK_AMOUNT: u64 = 10;
pub const STK_REFERENCE: &str = "INV-001";
pub const SHORTCODE: &str = "174379";
pub const PASSKEY: &str = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";
pub const CALLBACK_URL: &str = "https://shop.example/mpesa/stk";
pub const KEY: &str = "bench-key";
pub const SECRET: &str = "bench-secret";

/// The client configuration every language uses, for a responder at `base` (no trailing
/// slash), with `http` merged into the `http` part.
pub fn config_json(base: &str, http: Value) -> String {
    let mut config = json!({
        "statum": {"consumer_key": KEY, "consumer_secret": SECRET, "base_url": format!("{base}/statum/")},
        "daraja": {
            "consumer_key": KEY, "consumer_secret": SECRET, "base_url": base,
            "shortcode": SHORTCODE, "passkey": PASSKEY, "callback_url": CALLBACK_URL
        },
        "http": {}
    });
    if let Value::Object(extra) = http {
        for (k, v) in extra {
            config["http"][k] = v;
        }
    }
    config.to_string()
}

/// A tuma client for a responder at `base`.
pub fn tuma_client(base: &str, http: Value) -> tuma::Client {
    tuma::Client::new(tuma::Config::from_json(&config_json(base, http)).expect("config"))
        .expect("client")
}

/// One SMS through tuma.
pub fn tuma_sms(client: &tuma::Client) -> Result<(), String> {
    client
        .statum()
        .send_sms(&tuma::statum::SendSmsRequest::new(
            SMS_SENDER,
            SMS_PHONE,
            SMS_MESSAGE,
        ))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// One STK push through tuma.
pub fn tuma_stk(client: &tuma::Client) -> Result<tuma::daraja::StkPushResponse, tuma::Error> {
    client.daraja().stk_push(&tuma::daraja::StkPushRequest::new(
        STK_PHONE,
        STK_AMOUNT,
        STK_REFERENCE,
    ))
}

/// The SMS body as tuma sends it.
pub fn sms_body() -> String {
    json!({"sender_id": SMS_SENDER, "phone_number": "254712345678", "message": SMS_MESSAGE})
        .to_string()
}

/// An STK push body like tuma's (password and timestamp computed once).
pub fn stk_body() -> String {
    let ts = "20260101120000";
    let password =
        base64::engine::general_purpose::STANDARD.encode(format!("{SHORTCODE}{PASSKEY}{ts}"));
    json!({
        "BusinessShortCode": SHORTCODE, "Password": password, "Timestamp": ts,
        "TransactionType": "CustomerPayBillOnline", "Amount": STK_AMOUNT,
        "PartyA": "254712345678", "PartyB": SHORTCODE, "PhoneNumber": "254712345678",
        "CallBackURL": CALLBACK_URL, "AccountReference": STK_REFERENCE, "TransactionDesc": "Payment"
    })
    .to_string()
}

/// `Basic base64(key:secret)`.
pub fn basic() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:{SECRET}"))
    )
}

/// A bare ureq agent: ureq's defaults (no timeouts: ureq's fastest setting, since with any
/// timeout its default resolver looks the host up on a new thread per request), statuses
/// not turned into errors, no proxy.
pub fn bare_agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .max_redirects(0)
            .build(),
    )
}

/// One POST on a bare agent; the answer is read and parsed as JSON, as a caller would.
pub fn bare_post(agent: &ureq::Agent, url: &str, auth: &str, body: &str) -> Result<Value, String> {
    let mut resp = agent
        .post(url)
        .header("User-Agent", "bench/1")
        .header("Authorization", auth)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .send(body.as_bytes())
        .map_err(|e| e.to_string())?;
    let text = resp
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// A token from the responder, fetched with a bare agent.
pub fn bare_token(agent: &ureq::Agent, base: &str) -> Result<String, String> {
    let mut resp = agent
        .get(format!(
            "{base}/oauth/v1/generate?grant_type=client_credentials"
        ))
        .header("Authorization", basic())
        .call()
        .map_err(|e| e.to_string())?;
    let v: Value = serde_json::from_str(
        &resp
            .body_mut()
            .read_to_string()
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    Ok(v["access_token"].as_str().unwrap_or_default().to_string())
}

/// The ceiling: a bare keep-alive socket writing a prebuilt request and reading the answer.
pub struct RawClient {
    conn: BufReader<TcpStream>,
    request: Vec<u8>,
    line: String,
    body: Vec<u8>,
}

impl RawClient {
    /// Connects to the plain-HTTP responder on `port`; every call POSTs the SMS.
    pub fn connect(port: u16) -> std::io::Result<RawClient> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        let body = sms_body();
        let request = format!(
            "POST /statum/sms HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: bench/1\r\nAuthorization: {}\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            basic(),
            body.len()
        );
        Ok(RawClient {
            conn: BufReader::new(stream),
            request: request.into_bytes(),
            line: String::new(),
            body: Vec::new(),
        })
    }

    /// One request and its whole answer.
    pub fn call(&mut self) -> std::io::Result<()> {
        self.conn.get_mut().write_all(&self.request)?;
        let mut length = 0;
        loop {
            self.line.clear();
            if self.conn.read_line(&mut self.line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            if self.line == "\r\n" {
                break;
            }
            if let Some(v) = self.line.strip_prefix("Content-Length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        self.body.resize(length, 0);
        self.conn.read_exact(&mut self.body)
    }
}

/// Calls per second of `n` sequential calls of `f` (after `n / 10` warm-up calls).
pub fn rate(n: usize, mut f: impl FnMut() -> Result<(), String>) -> Result<f64, String> {
    for _ in 0..n / 10 {
        f()?;
    }
    let start = Instant::now();
    for _ in 0..n {
        f()?;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

/// Seconds taken by `n` sequential calls of `f`.
pub fn timed(n: usize, mut f: impl FnMut() -> Result<(), String>) -> Result<f64, String> {
    let start = Instant::now();
    for _ in 0..n {
        f()?;
    }
    Ok(start.elapsed().as_secs_f64())
}

/// Calls per second of `threads` threads sharing `client`, each making `per_thread` calls.
pub fn threaded_rate(
    client: &tuma::Client,
    threads: usize,
    per_thread: usize,
) -> Result<f64, String> {
    let start = Instant::now();
    let results: Vec<Result<(), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    for _ in 0..per_thread {
                        tuma_sms(client)?;
                    }
                    Ok(())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    for r in results {
        r?;
    }
    Ok((threads * per_thread) as f64 / elapsed)
}

/// Resident set size of this process, in KiB.
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The ceiling in slices (for `interleaved`): one bare socket client, connected on first use.
pub fn ceiling_chunk(port: u16) -> Chunk<'static> {
    let mut raw: Option<RawClient> = None;
    Box::new(move |n| {
        if raw.is_none() {
            raw = Some(RawClient::connect(port).map_err(|e| e.to_string())?);
        }
        let c = raw.as_mut().expect("connected");
        timed(n, || c.call().map_err(|e| e.to_string()))
    })
}

/// The ceiling measured once: `n` calls on a fresh bare socket client.
pub fn ceiling_measure(port: u16, n: usize) -> Measure<'static> {
    Box::new(move || {
        let mut raw = RawClient::connect(port).map_err(|e| e.to_string())?;
        rate(n, || raw.call().map_err(|e| e.to_string()))
    })
}
