//! A tiny local webhook receiver for demos and tests: every POST body is handed over on a
//! channel. It can refuse the first deliveries (HTTP 500) to make providers redeliver.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// One delivery: the request path and the raw body.
pub struct Delivery {
    pub path: String,
    pub body: Vec<u8>,
}

/// A listener on 127.0.0.1 that acknowledges every POST with 200.
pub struct WebhookReceiver {
    pub base_url: String,
    deliveries: Receiver<Delivery>,
    set_aside: RefCell<Vec<Delivery>>,
}

impl WebhookReceiver {
    /// Starts listening on a free port; every delivery is acknowledged with 200.
    pub fn start() -> std::io::Result<WebhookReceiver> {
        Self::refusing_first(0)
    }

    /// Starts listening; the first `refusals` deliveries are recorded but answered with 500.
    pub fn refusing_first(refusals: usize) -> std::io::Result<WebhookReceiver> {
        let refusals = Arc::new(AtomicUsize::new(refusals));
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let (tx, rx) = channel();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let tx = tx.clone();
                let refusals = refusals.clone();
                thread::spawn(move || {
                    let mut reader = BufReader::new(&stream);
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                        let mut length = 0usize;
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
                                    length = v.trim().parse().unwrap_or(0);
                                }
                            }
                        }
                        let mut body = vec![0; length];
                        if reader.read_exact(&mut body).is_err() {
                            return;
                        }
                        let _ = tx.send(Delivery { path, body });
                        let refuse = refusals
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok();
                        let (status, reply): (&str, &[u8]) = if refuse {
                            ("500 Internal Server Error", br#"{"error":"refused"}"#)
                        } else {
                            ("200 OK", br#"{"ResultCode":0,"ResultDesc":"Accepted"}"#)
                        };
                        let head = format!(
                            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                            reply.len()
                        );
                        let mut w = &stream;
                        if w.write_all(head.as_bytes())
                            .and_then(|_| w.write_all(reply))
                            .is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        Ok(WebhookReceiver {
            base_url,
            deliveries: rx,
            set_aside: RefCell::new(Vec::new()),
        })
    }

    /// The next delivery whose path starts with `prefix`, waiting at most `timeout`;
    /// deliveries to other paths are set aside.
    pub fn next(&self, prefix: &str, timeout: Duration) -> Option<Delivery> {
        let _ = self.drain();
        {
            let mut kept = self.set_aside.borrow_mut();
            if let Some(i) = kept.iter().position(|d| d.path.starts_with(prefix)) {
                return Some(kept.remove(i));
            }
        }
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.deliveries.recv_timeout(left) {
                Ok(d) if d.path.starts_with(prefix) => return Some(d),
                Ok(other) => self.set_aside.borrow_mut().push(other),
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => {
                    return None
                }
            }
        }
    }

    /// Every delivery to `prefix` received within `wait` (including any set aside).
    pub fn collect(&self, prefix: &str, wait: Duration) -> Vec<Delivery> {
        std::thread::sleep(wait);
        self.drain();
        let mut kept = self.set_aside.borrow_mut();
        let (mine, rest): (Vec<_>, Vec<_>) =
            kept.drain(..).partition(|d| d.path.starts_with(prefix));
        *kept = rest;
        mine
    }

    /// Moves everything received so far into the set-aside buffer; returns how many.
    fn drain(&self) -> usize {
        let mut kept = self.set_aside.borrow_mut();
        let before = kept.len();
        kept.extend(self.deliveries.try_iter());
        kept.len() - before
    }
}
