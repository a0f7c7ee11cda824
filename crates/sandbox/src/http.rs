//! A deliberately small HTTP/1.1 server: keep-alive, one thread per connection,
//! and hooks that let the emulators misbehave at the connection level (fault injection).

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// One parsed HTTP request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path without the query string, e.g. `/statum/api/v2/sms`.
    pub path: String,
    /// Decoded query parameters.
    pub query: HashMap<String, String>,
    /// Header names are lower-cased.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
    /// Address of the peer, for logging.
    pub peer: String,
}

impl Request {
    /// A header value by its (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The body parsed as JSON, or `None` when it is not JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What a handler wants done with the connection, beyond a normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Write the answer normally.
    Normal,
    /// Write nothing and close the connection (the request was processed, the answer lost).
    DropAfterProcessing,
    /// Write the answer a few bytes at a time with this pause between chunks.
    Trickle(Duration),
    /// Wait this long, then answer normally.
    Delay(Duration),
}

/// One HTTP answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delivery: Delivery,
}

impl Response {
    /// A JSON answer with the given status.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(value).expect("a Value always serialises"),
            delivery: Delivery::Normal,
        }
    }

    /// A raw answer with a content type.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            delivery: Delivery::Normal,
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets how the answer is delivered.
    pub fn with_delivery(mut self, delivery: Delivery) -> Self {
        self.delivery = delivery;
        self
    }
}

/// Decides, before the request is even read, whether to slam the connection shut.
pub type EarlyCloseHook = Arc<dyn Fn() -> bool + Send + Sync>;

/// A running server; dropping the handle does not stop it, call [`Server::stop`].
pub struct Server {
    pub port: u16,
    stopping: Arc<AtomicBool>,
    accept_thread: Option<thread::JoinHandle<()>>,
}

impl Server {
    /// Binds `127.0.0.1:port` (0 = any free port) and serves `handler` on a thread per connection.
    pub fn start<H>(port: u16, handler: H, early_close: EarlyCloseHook) -> io::Result<Server>
    where
        H: Fn(&Request) -> Response + Send + Sync + 'static,
    {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let port = listener.local_addr()?.port();
        let stopping = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(handler);
        let stop_flag = stopping.clone();
        let accept_thread =
            thread::Builder::new()
                .name("sandbox-accept".into())
                .spawn(move || {
                    for stream in listener.incoming() {
                        if stop_flag.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let handler = handler.clone();
                        let early_close = early_close.clone();
                        let stop_flag = stop_flag.clone();
                        let _ =
                            thread::Builder::new()
                                .name("sandbox-conn".into())
                                .spawn(move || {
                                    serve_connection(stream, &*handler, &early_close, &stop_flag)
                                });
                    }
                })?;
        Ok(Server {
            port,
            stopping,
            accept_thread: Some(accept_thread),
        })
    }

    /// Stops accepting connections and joins the accept thread.
    pub fn stop(&mut self) {
        if self.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wake the blocking accept() with one throwaway connection.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.accept_thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve_connection(
    stream: TcpStream,
    handler: &(dyn Fn(&Request) -> Response + Send + Sync),
    early_close: &EarlyCloseHook,
    stopping: &AtomicBool,
) {
    let peer = stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let _ = stream.set_nodelay(true);
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut writer = write_half;
    let mut reader = BufReader::new(stream);
    loop {
        if stopping.load(Ordering::SeqCst) {
            return;
        }
        // Wait until the first byte of a request arrives, so the early-close fault
        // applies to a request that was sent but never read.
        match reader.fill_buf() {
            Ok([]) | Err(_) => return,
            Ok(_) => {}
        }
        if early_close() {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
        let request = match read_request(&mut reader, &peer) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(_) => {
                let _ = write_response(
                    &mut writer,
                    &Response::raw(400, "text/plain", "bad request"),
                    false,
                );
                return;
            }
        };
        let keep_alive = !request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let response = handler(&request);
        match &response.delivery {
            Delivery::DropAfterProcessing => {
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
            Delivery::Delay(d) => {
                thread::sleep(*d);
                if write_response(&mut writer, &response, keep_alive).is_err() {
                    return;
                }
            }
            Delivery::Trickle(pause) => {
                let pause = *pause;
                if trickle_response(&mut writer, &response, pause).is_err() {
                    return;
                }
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
            Delivery::Normal => {
                if write_response(&mut writer, &response, keep_alive).is_err() {
                    return;
                }
            }
        }
        if !keep_alive {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>, peer: &str) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    if method.is_empty() || target.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bad request line",
        ));
    }
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            return Ok(None);
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let mut body = Vec::new();
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size_line = String::new();
            reader.read_line(&mut size_line)?;
            let size = usize::from_str_radix(size_line.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            if size == 0 {
                let mut trailer = String::new();
                reader.read_line(&mut trailer)?;
                break;
            }
            let mut chunk = vec![0; size];
            reader.read_exact(&mut chunk)?;
            body.extend_from_slice(&chunk);
            let mut crlf = [0u8; 2];
            reader.read_exact(&mut crlf)?;
        }
    } else if let Some(len) = headers.get("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad content-length"))?;
        body = vec![0; len];
        reader.read_exact(&mut body)?;
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), parse_query(q)),
        None => (target, HashMap::new()),
    };
    Ok(Some(Request {
        method,
        path,
        query,
        headers,
        body,
        peer: peer.to_string(),
    }))
}

fn parse_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (kv.to_string(), String::new()),
        })
        .collect()
}

fn head_bytes(response: &Response, keep_alive: bool) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    for (k, v) in &response.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    head.into_bytes()
}

fn write_response(w: &mut TcpStream, response: &Response, keep_alive: bool) -> io::Result<()> {
    let mut out = head_bytes(response, keep_alive);
    out.extend_from_slice(&response.body);
    w.write_all(&out)?;
    w.flush()
}

fn trickle_response(w: &mut TcpStream, response: &Response, pause: Duration) -> io::Result<()> {
    w.write_all(&head_bytes(response, false))?;
    w.flush()?;
    for chunk in response.body.chunks(4) {
        thread::sleep(pause);
        w.write_all(chunk)?;
        w.flush()?;
    }
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
