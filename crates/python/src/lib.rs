//! `tuma._tuma`: the native half of the Python package `tuma`.
//!
//! Deliberately thin: it converts arguments, calls [`tuma::ops`] (the core's JSON entry
//! point) with the GIL released, and turns [`tuma::Error`] into the `tuma.TumaError`
//! exception tree in one place (`to_py_err`). The Pythonic API (keyword arguments,
//! provider groups, typed results, asyncio) lives in the pure-Python package around it.

use std::sync::Arc;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
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
}

fn build(mut config: tuma::Config) -> PyResult<Client> {
    if config.http.user_agent_suffix.is_none() {
        config.http.user_agent_suffix = Some("python".into());
    }
    let inner = tuma::Client::new(config).map_err(to_py_err)?;
    Ok(Client { inner })
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
/// Pass it to `Client.call(..., gate=...)` on the worker thread; call `cancel()` from any
/// thread: True when no money-moving request was written and none will be (the call fails
/// without sending), False when one may be on its way (the call runs to its end).
#[pyclass(frozen, module = "tuma._tuma")]
struct Gate {
    inner: Arc<tuma::cancel::SendGate>,
}

#[pymethods]
impl Gate {
    /// A fresh gate, for one call.
    #[new]
    fn new() -> Self {
        Gate {
            inner: tuma::cancel::SendGate::new(),
        }
    }

    /// Cancels the call: True when nothing money-moving was written and none will be.
    fn cancel(&self) -> bool {
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
