//! A minimal local responder written for the bench: HTTP/1.1 keep-alive (optionally over
//! TLS), canned Daraja / Statum / UMS Pay answers, and counters of requests, connections,
//! TLS handshakes, token fetches and money calls. One thread per connection; it does as
//! little as possible per request so that it is not what a benchmark measures.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// How the responder behaves.
#[derive(Clone, Default)]
pub struct Options {
    /// Wait before every answer (the "20 ms responder").
    pub delay: Duration,
    /// Extra wait before answering money calls (STK pushes, SMS, UMS Pay pushes): the
    /// provider slower than the client's read timeout.
    pub money_delay: Duration,
    /// `expires_in` of the Daraja tokens it hands out, in seconds. Default 3599.
    pub token_ttl_secs: u64,
    /// Serve HTTPS with the test certificate in `bench/certs`.
    pub tls: bool,
    /// Run every connection's thread on this CPU (see `pin.rs`).
    pub pin_cpu: Option<usize>,
}

/// Counters, all since the responder started.
#[derive(Default)]
pub struct Stats {
    /// Every request answered or started.
    pub requests: AtomicU64,
    /// Accepted TCP connections.
    pub connections: AtomicU64,
    /// Completed TLS handshakes.
    pub handshakes: AtomicU64,
    /// Daraja token fetches (`oauth/v1/generate`).
    pub tokens: AtomicU64,
    /// Daraja STK pushes received.
    pub stk_pushes: AtomicU64,
    /// Statum SMS requests received.
    pub sms: AtomicU64,
    /// UMS Pay STK pushes received.
    pub umspay_pushes: AtomicU64,
}

/// A snapshot of [`Stats`]. (`sms` and `umspay_pushes` are only printed by `tuma-bench responder`.)
#[derive(Debug, Clone, Copy, Default)]
#[allow(dead_code)]
pub struct Counts {
    pub requests: u64,
    pub connections: u64,
    pub handshakes: u64,
    pub tokens: u64,
    pub stk_pushes: u64,
    pub sms: u64,
    pub umspay_pushes: u64,
}

/// A running responder; stops accepting when dropped.
pub struct Responder {
    port: u16,
    tls: bool,
    stats: Arc<Stats>,
    stop: Arc<AtomicBool>,
}

const STK_ANSWER: &str = r#"{"MerchantRequestID":"29115-34620561-1","CheckoutRequestID":"ws_CO_191220191020363925","ResponseCode":"0","ResponseDescription":"Success. Request accepted for processing","CustomerMessage":"Success. Request accepted for processing"}"#;
const SMS_ANSWER: &str =
    r#"{"status_code":200,"description":"Operation successful.","request_id":"9b8c3a1e-bench"}"#;
const UMSPAY_ANSWER: &str = r#"{"success":"200","massage":"Request sent sucessfully.","transaction_request_id":"UMSPID0412202312345"}"#;

impl Responder {
    /// Starts on a free loopback port.
    pub fn start(options: Options) -> Responder {
        Self::start_on(0, options).expect("bind a loopback port")
    }

    /// Starts on `port` (0: any free port).
    pub fn start_on(port: u16, options: Options) -> io::Result<Responder> {
        let listener = listen(port)?;
        let port = listener.local_addr()?.port();
        let stats = Arc::new(Stats::default());
        let stop = Arc::new(AtomicBool::new(false));
        let tls_enabled = options.tls;
        let tls = options.tls.then(crate::tls::server_config);
        let (s, st) = (stats.clone(), stop.clone());
        let options = Arc::new(options);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let (s, o, tls) = (s.clone(), options.clone(), tls.clone());
                s.connections.fetch_add(1, Ordering::Relaxed);
                // Small stacks: thousands of connections at once ("calls in flight").
                let spawned = thread::Builder::new()
                    .stack_size(128 * 1024)
                    .spawn(move || {
                        if let Some(cpu) = o.pin_cpu {
                            crate::pin::current_thread(cpu);
                        }
                        let _ = stream.set_nodelay(true);
                        match tls {
                            None => serve(BufReader::new(stream), &s, &o, None),
                            Some(config) => {
                                let Ok(conn) = rustls::ServerConnection::new(config) else {
                                    return;
                                };
                                let tls = rustls::StreamOwned::new(conn, stream);
                                serve(BufReader::new(tls), &s, &o, Some(&s.handshakes));
                            }
                        }
                    });
                if spawned.is_err() {
                    eprintln!("responder: could not spawn a connection thread");
                }
            }
        });
        Ok(Responder {
            port,
            tls: tls_enabled,
            stats,
            stop,
        })
    }

    /// `http://127.0.0.1:PORT` (or https) followed by `path`.
    pub fn url(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}{path}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The counters now.
    pub fn counts(&self) -> Counts {
        let s = &self.stats;
        Counts {
            requests: s.requests.load(Ordering::SeqCst),
            connections: s.connections.load(Ordering::SeqCst),
            handshakes: s.handshakes.load(Ordering::SeqCst),
            tokens: s.tokens.load(Ordering::SeqCst),
            stk_pushes: s.stk_pushes.load(Ordering::SeqCst),
            sms: s.sms.load(Ordering::SeqCst),
            umspay_pushes: s.umspay_pushes.load(Ordering::SeqCst),
        }
    }
}

/// A loopback listener with a listen backlog of 4096 (std's is 128: a burst of thousands of
/// new connections would overflow it and see resets). The kernel caps it at
/// `net.core.somaxconn`.
fn listen(port: u16) -> io::Result<TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
    socket.bind(&addr.into())?;
    socket.listen(4096)?;
    Ok(socket.into())
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve<S: Read + Write>(
    mut conn: BufReader<S>,
    stats: &Stats,
    options: &Options,
    handshakes: Option<&AtomicU64>,
) {
    let mut line = String::with_capacity(256);
    let mut first_request = true;
    let mut out = Vec::with_capacity(512);
    loop {
        // Request line.
        line.clear();
        match conn.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if first_request {
            if let Some(h) = handshakes {
                // Bytes of a request arrived: the handshake completed.
                h.fetch_add(1, Ordering::Relaxed);
            }
            first_request = false;
        }
        let path = line.split(' ').nth(1).unwrap_or("/").to_string();
        let mut length = 0usize;
        let mut close = false;
        loop {
            line.clear();
            match conn.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" || line == "\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                } else if k.eq_ignore_ascii_case("connection") && v.trim() == "close" {
                    close = true;
                }
            }
        }
        if length > 0 {
            let mut body = vec![0; length];
            if conn.read_exact(&mut body).is_err() {
                return;
            }
        }
        stats.requests.fetch_add(1, Ordering::Relaxed);
        let (status, answer): (&str, String) = if path.contains("oauth/v1/generate") {
            let n = stats.tokens.fetch_add(1, Ordering::Relaxed) + 1;
            let ttl = if options.token_ttl_secs == 0 {
                3599
            } else {
                options.token_ttl_secs
            };
            (
                "200 OK",
                format!(r#"{{"access_token":"bench-token-{n}","expires_in":"{ttl}"}}"#),
            )
        } else if path.contains("stkpush/v1/processrequest") {
            stats.stk_pushes.fetch_add(1, Ordering::Relaxed);
            thread::sleep(options.money_delay);
            ("200 OK", STK_ANSWER.to_string())
        } else if path.ends_with("/sms") {
            stats.sms.fetch_add(1, Ordering::Relaxed);
            thread::sleep(options.money_delay);
            ("200 OK", SMS_ANSWER.to_string())
        } else if path.contains("initiatestk") || path.contains("intiatestk") {
            stats.umspay_pushes.fetch_add(1, Ordering::Relaxed);
            thread::sleep(options.money_delay);
            ("200 OK", UMSPAY_ANSWER.to_string())
        } else {
            (
                "404 Not Found",
                r#"{"errorCode":"404.001.01","errorMessage":"Resource not found"}"#.to_string(),
            )
        };
        if !options.delay.is_zero() {
            thread::sleep(options.delay);
        }
        out.clear();
        let _ = write!(
            out,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{}\r\n{answer}",
            answer.len(),
            if close { "Connection: close\r\n" } else { "" }
        );
        let stream = conn.get_mut();
        if stream.write_all(&out).and_then(|_| stream.flush()).is_err() || close {
            return;
        }
    }
}
