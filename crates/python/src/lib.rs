//! `tuma._tuma`: the native half of the Python package `tuma`.
//!
//! Deliberately thin: it converts arguments, calls [`tuma::ops`] (the core's JSON entry
//! point) with the GIL released, and turns [`tuma::Error`] into the `tuma.TumaError`
//! exception tree in one place (`to_py_err`). The Pythonic API (keyword arguments,
//! provider groups, typed results, asyncio) lives in the pure-Python package around it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};
use pyo3::IntoPyObjectExt;
use serde_json::Value;

create_exception!(
    _tuma,
    TumaError,
    PyException,
    "Root of every error raised by tuma."
);
create_exception!(
    _tuma,
    InvalidInputError,
    TumaError,
    "Bad input, caught before any request was sent; `field` names it."
);
create_exception!(
    _tuma,
    ConfigError,
    TumaError,
    "The client's configuration is incomplete or wrong; `field` names the setting."
);
create_exception!(
    _tuma,
    AuthenticationError,
    TumaError,
    "The provider refused the credentials."
);
create_exception!(
    _tuma,
    AuthorizationError,
    TumaError,
    "The provider refused access with valid credentials (HTTP 403): not allowed this operation or resource."
);
create_exception!(
    _tuma,
    ApiError,
    TumaError,
    "The provider answered with an error (`status`, `code`, `request_id`)."
);
create_exception!(
    _tuma,
    RateLimitedError,
    TumaError,
    "Too many requests; `retry_after` (seconds) says how long to wait when known."
);
create_exception!(
    _tuma,
    NetworkError,
    TumaError,
    "A connection-level failure; see `fate` before sending again."
);
create_exception!(
    _tuma,
    TumaTimeoutError,
    TumaError,
    "The call ran out of time; see `fate` before sending again."
);
create_exception!(
    _tuma,
    DecodeError,
    TumaError,
    "The provider's answer could not be understood; the outcome is unknown."
);
create_exception!(
    _tuma,
    InvalidCallbackError,
    TumaError,
    "A callback body that is not what the provider sends."
);
create_exception!(
    _tuma,
    StoreError,
    TumaError,
    "The shared state store (Redis) failed or did not answer in time; for callback de-duplication, do not act on a guess."
);

create_exception!(
    _tuma,
    BusyError,
    TumaError,
    "Too many calls in flight on the client's worker pool: the call was not started, nothing was sent."
);

/// Attributes every tuma exception carries (`None` when not applicable; the class defaults
/// of `fate` and `outcome_unknown` are set in the module init).
const ERROR_ATTRIBUTES: &[&str] = &[
    "kind",
    "provider",
    "code",
    "status",
    "request_id",
    "field",
    "retry_after",
    "retry_after_ms",
    "recovery",
];

/// A JSON value as the equivalent Python object (dict, list, str, int, float, bool, None).
fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    match value {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_bound_py_any(py)
            } else if let Some(u) = n.as_u64() {
                u.into_bound_py_any(py)
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py)
            }
        }
        Value::String(s) => s.as_str().into_bound_py_any(py),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            Ok(list.into_any())
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            Ok(dict.into_any())
        }
    }
}

/// The exception class of each error kind: one dedicated class per kind, and no fallback
/// (an exhaustive `match`: a kind added to the core fails to compile here until it has its
/// class). `tests/python/test_errors.py` checks it for every kind in `ERROR_KINDS`.
fn exception_class(py: Python<'_>, kind: tuma::ErrorKind) -> Bound<'_, PyType> {
    use tuma::ErrorKind as K;
    match kind {
        K::InvalidInput => py.get_type::<InvalidInputError>(),
        K::Config => py.get_type::<ConfigError>(),
        K::Authentication => py.get_type::<AuthenticationError>(),
        K::Authorization => py.get_type::<AuthorizationError>(),
        K::Api => py.get_type::<ApiError>(),
        K::RateLimited => py.get_type::<RateLimitedError>(),
        K::Network => py.get_type::<NetworkError>(),
        K::Timeout => py.get_type::<TumaTimeoutError>(),
        K::Decode => py.get_type::<DecodeError>(),
        K::InvalidCallback => py.get_type::<InvalidCallbackError>(),
        K::Store => py.get_type::<StoreError>(),
        K::Busy => py.get_type::<BusyError>(),
    }
}

/// The one conversion from the core's error to a Python exception.
fn to_py_err(error: tuma::Error) -> PyErr {
    Python::attach(|py| {
        let kind = error.error_kind();
        let err = PyErr::from_type(exception_class(py, kind), error.to_string());
        let value = err.value(py);
        let set = |name: &str, v: Bound<'_, PyAny>| {
            // Setting an attribute on a fresh exception instance cannot fail.
            let _ = value.setattr(name, v);
        };
        set("kind", kind.as_str().into_pyobject(py).unwrap().into_any());
        set(
            "provider",
            error
                .provider()
                .map(tuma::Provider::as_str)
                .into_pyobject(py)
                .unwrap(),
        );
        set("code", error.code().into_pyobject(py).unwrap());
        set("status", error.status().into_pyobject(py).unwrap());
        set("request_id", error.request_id().into_pyobject(py).unwrap());
        set("field", error.field().into_pyobject(py).unwrap());
        set(
            "retry_after",
            error
                .retry_after()
                .map(|d| d.as_secs_f64())
                .into_pyobject(py)
                .unwrap(),
        );
        // The same in milliseconds, as every other binding and the error JSON spell it.
        set(
            "retry_after_ms",
            error
                .retry_after()
                .map(|d| d.as_millis() as u64)
                .into_pyobject(py)
                .unwrap(),
        );
        set(
            "outcome_unknown",
            pyo3::types::PyBool::new(py, error.outcome_unknown())
                .to_owned()
                .into_any(),
        );
        set(
            "fate",
            error.fate().as_str().into_pyobject(py).unwrap().into_any(),
        );
        // The recovery record is plain strings and integers: its conversion cannot fail.
        let recovery = match error.recovery() {
            Some(r) => serde_json::to_value(r)
                .ok()
                .and_then(|v| json_to_py(py, &v).ok())
                .unwrap_or_else(|| py.None().into_bound(py)),
            None => py.None().into_bound(py),
        };
        set("recovery", recovery);
        err
    })
}

/// Parses a request document handed over by the Python layer.
fn request(json: &str) -> PyResult<Value> {
    serde_json::from_str(json).map_err(|_| {
        to_py_err(tuma::Error::InvalidInput {
            field: "request".into(),
            rule: "must be a JSON object".into(),
        })
    })
}

fn to_string(value: &Value) -> String {
    value.to_string()
}

/// A tuma client: one per application, safe to share between threads.
///
/// Built from a JSON configuration document (`tuma::Config`) or from `TUMA_*` environment
/// variables. Every network call releases the GIL.
#[pyclass(frozen, module = "tuma._tuma")]
struct Client {
    inner: tuma::Client,
    /// The worker pool of a forked child (see [`Client::pool`]): `(pid, client owning it)`.
    child_pool: Mutex<Option<(u32, tuma::Client)>>,
    /// The process that made the client: its pool is `inner`'s.
    pid: u32,
}

fn build(mut config: tuma::Config) -> PyResult<Client> {
    if config.http.user_agent_suffix.is_none() {
        config.http.user_agent_suffix = Some("python".into());
    }
    let inner = tuma::Client::new(config).map_err(to_py_err)?;
    Ok(Client {
        inner,
        child_pool: Mutex::new(None),
        pid: std::process::id(),
    })
}

impl Client {
    /// The client whose worker pool runs this process's asynchronous calls.
    ///
    /// In the process that made the client, its own. A child of `fork()` (gunicorn
    /// `--preload`, multiprocessing) inherits the parent's pool bookkeeping but none of its
    /// threads — calls handed to "idle" workers that do not exist would wait forever — so
    /// it gets a pool of its own, owned by a bare client with the same `http` settings (the
    /// calls themselves still run on `inner`: its connections are fork-safe).
    fn pool(&self) -> PyResult<tuma::Client> {
        let pid = std::process::id();
        if pid == self.pid {
            return Ok(self.inner.clone());
        }
        let mut slot = self.child_pool.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((owner, client)) = slot.as_ref() {
            if *owner == pid {
                return Ok(client.clone());
            }
        }
        let config = tuma::Config {
            http: self.inner.config().http.clone(),
            ..Default::default()
        };
        let client = tuma::Client::new(config).map_err(to_py_err)?;
        *slot = Some((pid, client.clone()));
        Ok(client)
    }
}

/// Workers between "may I attach to Python?" and done settling; see [`interpreter_exiting`].
static SETTLING: AtomicUsize = AtomicUsize::new(0);
/// Set when the interpreter exits: no worker attaches to Python any more.
static EXITING: AtomicBool = AtomicBool::new(false);

/// Registered with `atexit`: from now on, a worker that finishes a call leaves Python alone
/// (attaching to an interpreter that is finalizing makes CPython end the thread in the
/// middle of Rust code). Waits, with the GIL released, for the workers already attaching
/// (they need the GIL for a moment), at most a second.
#[pyfunction]
fn interpreter_exiting(py: Python<'_>) {
    EXITING.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        while SETTLING.load(Ordering::SeqCst) != 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    });
}

/// Registered with `os.register_at_fork(after_in_child=...)`: the workers the parent counted
/// in [`SETTLING`] do not exist in the child.
#[pyfunction]
fn forked_child() {
    SETTLING.store(0, Ordering::SeqCst);
}

/// Hands the result of a call made on a worker back to its event loop:
/// `loop.call_soon_threadsafe(callback, result_json, error)` (one of the two `None`),
/// attached to Python only for that. The callback runs on the loop's thread, where it checks
/// that the future still waits (it may have been cancelled meanwhile). A loop closed
/// meanwhile (`asyncio.run` returned) refuses: nobody awaits the result any more, and it is
/// dropped; so is it while the interpreter exits. `None`: a call dropped unrun, whose
/// references are only let go of.
fn settle(event_loop: Py<PyAny>, callback: Py<PyAny>, result: Option<tuma::Result<String>>) {
    SETTLING.fetch_add(1, Ordering::SeqCst);
    if EXITING.load(Ordering::SeqCst) {
        SETTLING.fetch_sub(1, Ordering::SeqCst);
        // Unattached drops: pyo3 defers the decrements (to never, at exit).
        drop((event_loop, callback));
        return;
    }
    // `None` (not attached: the interpreter is gone or going): the closure is dropped
    // unrun, with the same deferred drops.
    let _ = Python::try_attach(move |py| {
        if let Some(result) = result {
            let (value, error) = match result {
                Ok(json) => (Some(json), None),
                Err(e) => (None, Some(to_py_err(e).into_value(py))),
            };
            // Err: the loop is closed. Nothing else can fail here.
            let _ = event_loop.bind(py).call_method1(
                intern!(py, "call_soon_threadsafe"),
                (callback.bind(py), value, error),
            );
        }
        drop((event_loop, callback));
    });
    SETTLING.fetch_sub(1, Ordering::SeqCst);
}

#[pymethods]
impl Client {
    /// Builds a client from a JSON configuration document.
    #[new]
    #[pyo3(signature = (config_json = "{}".to_string()))]
    fn new(config_json: String) -> PyResult<Self> {
        build(tuma::Config::from_json(&config_json).map_err(to_py_err)?)
    }

    /// Builds a client from `TUMA_*` environment variables.
    #[staticmethod]
    fn from_env() -> PyResult<Self> {
        build(tuma::Config::from_env().map_err(to_py_err)?)
    }

    /// Runs the operation `operation` (e.g. `"statum.send_sms"`) with a JSON request
    /// document and returns the JSON result. The GIL is released during the call.
    ///
    /// With a `gate`, the call runs guarded by it: `gate.cancel()` from another thread
    /// stops it before its money-moving request is written, or says that it may have been.
    #[pyo3(signature = (operation, request_json, gate = None))]
    fn call(
        &self,
        py: Python<'_>,
        operation: String,
        request_json: String,
        gate: Option<PyRef<'_, Gate>>,
    ) -> PyResult<String> {
        let request = request(&request_json)?;
        let client = &self.inner;
        let gate = gate.map(|g| Arc::clone(&g.inner));
        py.detach(move || match gate {
            Some(gate) => gate.run(|| tuma::ops::call(client, &operation, &request)),
            None => tuma::ops::call(client, &operation, &request),
        })
        .map(|v| to_string(&v))
        .map_err(to_py_err)
    }

    /// Runs `operation` on the client's worker pool (`http.max_threads` threads at most,
    /// `http.max_queued` calls waiting) guarded by `gate`, with no GIL held during the call,
    /// then calls `event_loop.call_soon_threadsafe(callback, result_json, error)`: one of
    /// `result_json` (the JSON result) and `error` (the `TumaError`) is `None`.
    ///
    /// Raises `BusyError` at once when the pool is full: nothing was started or sent, and
    /// the callback is never called. A call whose `gate` was cancelled before a worker took
    /// it up never runs, and its callback is never called either.
    fn submit(
        &self,
        operation: String,
        request_json: &str,
        gate: PyRef<'_, Gate>,
        event_loop: Py<PyAny>,
        callback: Py<PyAny>,
    ) -> PyResult<()> {
        let request = request(request_json)?;
        let client = self.inner.clone();
        let send = Arc::clone(&gate.inner);
        let abandoned = Arc::clone(&gate.abandoned);
        let pool = self.pool()?;
        let job = Box::new(move || {
            if abandoned.load(Ordering::Acquire) {
                // Cancelled while queued: it never runs, and nobody waits for it.
                settle(event_loop, callback, None);
                return;
            }
            let result = send
                .run(|| tuma::ops::call(&client, &operation, &request))
                .map(|v| to_string(&v));
            settle(event_loop, callback, Some(result));
        });
        // Refused: the job (with its references) was dropped unrun, here, attached.
        pool.submit(job).map_err(to_py_err)
    }

    /// The worker pool's threads in this process: `(alive, peak)` (zeros before the first
    /// `submit`). For tests and benchmarks.
    fn worker_threads(&self) -> (usize, usize) {
        match self.pool() {
            Ok(pool) => pool.worker_threads(),
            Err(_) => (0, 0),
        }
    }

    fn __repr__(&self) -> String {
        let c = self.inner.config();
        let mut parts = Vec::new();
        if c.statum.is_some() {
            parts.push("statum");
        }
        if c.daraja.is_some() {
            parts.push("daraja");
        }
        if c.umspay.is_some() {
            parts.push("umspay");
        }
        format!("<tuma._tuma.Client providers=[{}]>", parts.join(", "))
    }
}

/// The send gate of one call (`tuma::cancel::SendGate`), for cancellation from asyncio.
///
/// Pass it to `Client.submit(..., gate, ...)` (or `Client.call(..., gate=...)` on a thread
/// of your own); call `cancel()` from any thread: True when no money-moving request was
/// written and none will be (a call still waiting for a worker never runs; a running one
/// fails without sending), False when one may be on its way (the call runs to its end).
#[pyclass(frozen, module = "tuma._tuma")]
struct Gate {
    inner: Arc<tuma::cancel::SendGate>,
    /// Set by `cancel()`: a call still waiting for a worker is dropped unrun.
    abandoned: Arc<AtomicBool>,
}

#[pymethods]
impl Gate {
    /// A fresh gate, for one call.
    #[new]
    fn new() -> Self {
        Gate {
            inner: tuma::cancel::SendGate::new(),
            abandoned: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Cancels the call: True when nothing money-moving was written and none will be.
    fn cancel(&self) -> bool {
        self.abandoned.store(true, Ordering::Release);
        self.inner.cancel()
    }

    /// True once a money-moving request was let through.
    fn sent(&self) -> bool {
        self.inner.sent()
    }

    fn __repr__(&self) -> String {
        format!("<tuma._tuma.Gate sent={}>", self.inner.sent())
    }
}

/// Parses a callback body of `kind` (e.g. `"statum.airtime_result"`) into JSON.
#[pyfunction]
fn parse_callback(kind: String, body: &[u8]) -> PyResult<String> {
    tuma::ops::parse_callback(&kind, body)
        .map(|v| to_string(&v))
        .map_err(to_py_err)
}

/// Runs a local utility (no network) with a JSON request document.
#[pyfunction]
fn utility(name: String, request_json: String) -> PyResult<String> {
    let request = request(&request_json)?;
    tuma::ops::utility(&name, &request)
        .map(|v| to_string(&v))
        .map_err(to_py_err)
}

/// Every operation name [`Client::call`] accepts.
#[pyfunction]
fn operations() -> Vec<&'static str> {
    tuma::ops::operations()
}

/// Every callback kind [`parse_callback`] accepts.
#[pyfunction]
fn callback_kinds() -> Vec<&'static str> {
    tuma::ops::callback_kinds()
}

/// The exception class raised for the error kind named `kind` (one of `ERROR_KINDS`).
#[pyfunction]
fn error_class(py: Python<'_>, kind: &str) -> PyResult<Py<PyType>> {
    match tuma::ErrorKind::from_name(kind) {
        Some(k) => Ok(exception_class(py, k).unbind()),
        None => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "unknown error kind {kind:?}"
        ))),
    }
}

/// Every utility name [`utility`] accepts.
#[pyfunction]
fn utilities() -> Vec<&'static str> {
    tuma::ops::utilities()
}

#[pymodule(gil_used = false)]
fn _tuma(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", tuma::VERSION)?;
    m.add_class::<Client>()?;
    m.add_class::<Gate>()?;
    m.add_function(wrap_pyfunction!(parse_callback, m)?)?;
    m.add_function(wrap_pyfunction!(utility, m)?)?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    m.add_function(wrap_pyfunction!(callback_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(utilities, m)?)?;
    m.add_function(wrap_pyfunction!(error_class, m)?)?;
    m.add_function(wrap_pyfunction!(interpreter_exiting, m)?)?;
    m.add_function(wrap_pyfunction!(forked_child, m)?)?;
    // Workers finishing a call while the interpreter exits must not attach to it.
    py.import("atexit")?
        .call_method1("register", (m.getattr("interpreter_exiting")?,))?;
    let os = py.import("os")?;
    if os.hasattr("register_at_fork")? {
        let kwargs = PyDict::new(py);
        kwargs.set_item("after_in_child", m.getattr("forked_child")?)?;
        os.call_method("register_at_fork", (), Some(&kwargs))?;
    }

    let root: Bound<'_, PyType> = py.get_type::<TumaError>();
    for name in ERROR_ATTRIBUTES {
        root.setattr(*name, py.None())?;
    }
    root.setattr("outcome_unknown", false)?;
    root.setattr("fate", "not_sent")?;
    // The root, then one class per error kind, in the core's order (`ErrorKind::ALL`).
    let mut classes = vec![root];
    classes.extend(
        tuma::ErrorKind::ALL
            .iter()
            .map(|kind| exception_class(py, *kind)),
    );
    for class in classes {
        // Shown as `tuma.ApiError` in tracebacks: the public package re-exports them.
        class.setattr("__module__", "tuma")?;
        let name = class.name()?;
        m.add(name, class)?;
    }
    // The core's error kinds, each mapped to its own class by `exception_class`.
    let kinds: Vec<&str> = tuma::ErrorKind::ALL.iter().map(|k| k.as_str()).collect();
    m.add("ERROR_KINDS", pyo3::types::PyTuple::new(py, kinds)?)?;
    Ok(())
}
