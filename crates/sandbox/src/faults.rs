//! Fault injection: rules that make the next matching requests misbehave.

use std::sync::Mutex;
use std::time::Duration;

use crate::http::{Delivery, Response};

/// One way to misbehave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally but only after this delay (the request is processed).
    Latency(Duration),
    /// Answer with this HTTP status *before* processing, optionally with `Retry-After` seconds.
    Status {
        status: u16,
        retry_after: Option<u32>,
    },
    /// An HTML error page (HTTP 502) instead of JSON, before processing.
    HtmlPage,
    /// Process, then answer with the JSON body cut in half.
    TruncatedJson,
    /// Close the connection before the request is read (nothing processed).
    CloseBeforeRead,
    /// Process the request, then close the connection without answering.
    CloseAfterProcessing,
    /// Process, then send the answer a few bytes at a time with this pause.
    Trickle(Duration),
    /// Answer with this status and body (JSON or HTML, typed by its first character): in
    /// place of processing, or, with `processed`, after processing in place of the real
    /// answer (a gateway timing out on a provider that did the work).
    Reply {
        status: u16,
        body: String,
        processed: bool,
    },
}

/// Request header that injects a fault into that one request, e.g.
/// `X-Sandbox-Fault: status=503;retry_after=2`. Values: `status=N[;retry_after=S]`,
/// `html`, `truncated`, `close_after`, `latency=MS`, `trickle=MS`, and
/// `reply=N[;processed];body=TEXT` (the body runs to the end of the value).
pub const FAULT_HEADER: &str = "x-sandbox-fault";

impl Fault {
    /// Parses the value of [`FAULT_HEADER`].
    pub fn parse(spec: &str) -> Option<Fault> {
        if let Some(rest) = spec.trim().strip_prefix("reply=") {
            let (head, body) = rest.split_once("body=")?;
            let mut flags = head.split(';').map(str::trim).filter(|f| !f.is_empty());
            let status = flags.next()?.parse().ok()?;
            let processed = flags.any(|f| f == "processed");
            return Some(Fault::Reply {
                status,
                body: body.to_string(),
                processed,
            });
        }
        let mut parts = spec.split(';').map(str::trim);
        let head = parts.next()?;
        let (name, value) = head.split_once('=').unwrap_or((head, ""));
        let ms = |v: &str| v.parse::<u64>().ok().map(Duration::from_millis);
        Some(match name {
            "status" => Fault::Status {
                status: value.parse().ok()?,
                retry_after: parts
                    .find_map(|p| p.strip_prefix("retry_after="))
                    .and_then(|v| v.parse().ok()),
            },
            "html" => Fault::HtmlPage,
            "truncated" => Fault::TruncatedJson,
            "close_after" => Fault::CloseAfterProcessing,
            "latency" => Fault::Latency(ms(value)?),
            "trickle" => Fault::Trickle(ms(value)?),
            _ => return None,
        })
    }
}

/// A fault applied to the next `times` requests whose path contains `path_contains`
/// (empty matches everything).
#[derive(Debug, Clone)]
pub struct FaultRule {
    pub path_contains: String,
    pub fault: Fault,
    pub times: u32,
}

impl FaultRule {
    /// A rule for the next `times` requests on paths containing `path_contains`.
    pub fn new(path_contains: &str, fault: Fault, times: u32) -> Self {
        FaultRule {
            path_contains: path_contains.to_string(),
            fault,
            times,
        }
    }
}

/// The active rules.
#[derive(Default)]
pub struct FaultTable {
    rules: Mutex<Vec<FaultRule>>,
}

impl FaultTable {
    pub fn add(&self, rule: FaultRule) {
        self.rules.lock().unwrap().push(rule);
    }
    pub fn clear(&self) {
        self.rules.lock().unwrap().clear();
    }

    /// Consumes one `CloseBeforeRead` use, if any rule has one (the path is unknown then).
    pub fn take_early_close(&self) -> bool {
        let mut rules = self.rules.lock().unwrap();
        if let Some(i) = rules
            .iter()
            .position(|r| r.fault == Fault::CloseBeforeRead && r.times > 0)
        {
            rules[i].times -= 1;
            if rules[i].times == 0 {
                rules.remove(i);
            }
            return true;
        }
        false
    }

    /// Consumes one use of the first rule matching `path` (other than `CloseBeforeRead`).
    pub fn take_for(&self, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap();
        let i = rules.iter().position(|r| {
            r.fault != Fault::CloseBeforeRead && r.times > 0 && path.contains(&r.path_contains)
        })?;
        let fault = rules[i].fault.clone();
        rules[i].times -= 1;
        if rules[i].times == 0 {
            rules.remove(i);
        }
        Some(fault)
    }
}

impl Fault {
    /// The answer to give instead of processing, for faults that strike before processing.
    pub fn answer_before_processing(&self) -> Option<Response> {
        match self {
            Fault::Status {
                status,
                retry_after,
            } => {
                let body = serde_json::json!({"error": "injected fault", "status": status});
                let mut r = Response::json(*status, &body);
                if let Some(s) = retry_after {
                    r = r.with_header("Retry-After", &s.to_string());
                }
                Some(r)
            }
            Fault::HtmlPage => Some(Response::raw(
                502,
                "text/html",
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
            )),
            Fault::Reply {
                status,
                body,
                processed: false,
            } => Some(Self::reply(*status, body)),
            _ => None,
        }
    }

    fn reply(status: u16, body: &str) -> Response {
        let content_type = if body.trim_start().starts_with('<') {
            "text/html"
        } else {
            "application/json"
        };
        Response::raw(status, content_type, body)
    }

    /// Transforms a processed answer.
    pub fn after_processing(&self, mut response: Response) -> Response {
        match self {
            Fault::Latency(d) => response.with_delivery(Delivery::Delay(*d)),
            Fault::TruncatedJson => {
                let half = response.body.len() / 2;
                response.body.truncate(half);
                response
            }
            Fault::CloseAfterProcessing => response.with_delivery(Delivery::DropAfterProcessing),
            Fault::Trickle(d) => response.with_delivery(Delivery::Trickle(*d)),
            Fault::Reply {
                status,
                body,
                processed: true,
            } => Self::reply(*status, body),
            _ => response,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_header_specs() {
        assert_eq!(
            Fault::parse("status=503;retry_after=2"),
            Some(Fault::Status {
                status: 503,
                retry_after: Some(2)
            })
        );
        assert_eq!(
            Fault::parse("status=429"),
            Some(Fault::Status {
                status: 429,
                retry_after: None
            })
        );
        assert_eq!(Fault::parse("html"), Some(Fault::HtmlPage));
        assert_eq!(
            Fault::parse("latency=150"),
            Some(Fault::Latency(Duration::from_millis(150)))
        );
        assert_eq!(
            Fault::parse("close_after"),
            Some(Fault::CloseAfterProcessing)
        );
        assert_eq!(
            Fault::parse(r#"reply=504;processed;body={"message":"a;b"}"#),
            Some(Fault::Reply {
                status: 504,
                body: r#"{"message":"a;b"}"#.into(),
                processed: true
            })
        );
        assert_eq!(
            Fault::parse("reply=200;body=<html>portal</html>"),
            Some(Fault::Reply {
                status: 200,
                body: "<html>portal</html>".into(),
                processed: false
            })
        );
        assert_eq!(Fault::parse("nonsense"), None);
        assert_eq!(Fault::parse("status=abc"), None);
    }
}
