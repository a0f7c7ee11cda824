"""Fixtures: the sandbox binary on a free port, clients pointed at it, and a tiny local
HTTP server whose answers (and delay) a test chooses."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

import tuma

ROOT = Path(__file__).resolve().parents[2]

STATUM_KEY = "sandbox-statum-key"
STATUM_SECRET = "sandbox-statum-secret"


class Sandbox:
    """The `tuma-sandbox` binary, running on a free port for the whole session."""

    def __init__(self, proc: "subprocess.Popen[str]", urls: Dict[str, str]) -> None:
        self.proc = proc
        self.base_url = urls["base"]
        self.statum_url = urls["statum"]
        self.daraja_url = urls["daraja"]
        self.umspay_url = urls["umspay"]

    # --- the control API (docs/sandbox.md), not counted as provider requests ---

    def _control(self, method: str, path: str, doc: Optional[Any] = None) -> Any:
        data = None if doc is None else json.dumps(doc).encode()
        req = urllib.request.Request(
            f"{self.base_url.rstrip('/')}/_sandbox/{path}", data=data, method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def fault(self, path_contains: str, fault: str, times: int = 1) -> None:
        """Makes the next `times` requests whose path contains `path_contains` misbehave."""
        self._control("POST", "faults", {"path_contains": path_contains, "fault": fault, "times": times})

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def stats(self) -> Dict[str, Any]:
        """`{"requests", "paths", "payments"}`: request counts (per path) and the ledger."""
        return dict(self._control("GET", "stats"))

    def payments(self) -> List[Dict[str, str]]:
        """The ledger: every money-moving request the sandbox processed."""
        return list(self.stats()["payments"])

    def in_ledger(self, operation: str, identity_part: str) -> int:
        """How many processed payments of `operation` have `identity_part` in their identity."""
        return sum(1 for p in self.payments() if p["operation"] == operation and identity_part in p["identity"])


def _sandbox_binary() -> Path:
    explicit = os.environ.get("TUMA_SANDBOX_BIN")
    if explicit:
        return Path(explicit)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "tuma-sandbox"


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    binary = _sandbox_binary()
    if not binary.exists():
        pytest.fail(f"sandbox binary not found at {binary}: run `cargo build -p tuma-sandbox`")
    # Port 0: the sandbox binds a free port and prints its URLs (no race on picking one).
    proc = subprocess.Popen(
        [str(binary), "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    urls: Dict[str, str] = {}
    assert proc.stdout is not None
    deadline = time.monotonic() + 20
    while len(urls) < 4 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if "listening on" in line:
            urls["base"] = line.rsplit(" ", 1)[1].strip()
        for key, label in (("statum", "Statum:"), ("daraja", "Daraja:"), ("umspay", "UMS Pay:")):
            if line.strip().startswith(label):
                urls[key] = line.split(label, 1)[1].strip()
    if len(urls) < 4:
        proc.kill()
        pytest.fail(f"the sandbox did not print its URLs (got {urls})")
    yield Sandbox(proc, urls)
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture()
def faults(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The sandbox, with every fault rule removed after the test (a rule a test did not use
    up must not strike the next one)."""
    sandbox.clear_faults()
    yield sandbox
    sandbox.clear_faults()


def unique_reference(prefix: str = "R") -> str:
    """A short reference (at most 12 characters, an STK `AccountReference`) that finds this
    test's payment in the ledger."""
    return (prefix + uuid.uuid4().hex)[:12].upper()


DARAJA_PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"


def daraja_config(sandbox: Sandbox, callbacks_base: str = "https://example.com") -> tuma.types.DarajaConfig:
    """Every Daraja setting for the sandbox; callbacks go to `callbacks_base` + /stk,
    /result, /timeout."""
    return {
        "consumer_key": "sandbox-daraja-key",
        "consumer_secret": "sandbox-daraja-secret",
        "environment": "sandbox",
        "base_url": sandbox.daraja_url,
        "shortcode": "174379",
        "passkey": DARAJA_PASSKEY,
        "till_number": "174380",
        "initiator_name": "testapi",
        "initiator_password": "Safaricom999!*!",
        "certificate_pem": (ROOT / "crates/sandbox/testdata/daraja-test-cert.pem").read_text(),
        "callback_url": f"{callbacks_base}/stk",
        "result_url": f"{callbacks_base}/result",
        "timeout_url": f"{callbacks_base}/timeout",
    }


def umspay_config(sandbox: Sandbox) -> tuma.types.UmsPayConfig:
    return {
        "api_key": "sandbox-umspay-key",
        "email": "dev@tuma.test",
        "account_id": "UMPAY-SANDBOX",
        "base_url": sandbox.umspay_url,
    }


def statum_config(sandbox: Sandbox, **overrides: str) -> tuma.types.StatumConfig:
    config: tuma.types.StatumConfig = {
        "consumer_key": STATUM_KEY,
        "consumer_secret": STATUM_SECRET,
        "base_url": sandbox.statum_url,
    }
    config.update(overrides)  # type: ignore[typeddict-item]
    return config


@pytest.fixture()
def client(sandbox: Sandbox) -> tuma.Client:
    return tuma.Client(statum=statum_config(sandbox), http={"max_retries": 0})


@pytest.fixture()
def async_client(sandbox: Sandbox) -> tuma.AsyncClient:
    return tuma.AsyncClient(statum=statum_config(sandbox), http={"max_retries": 0})


# --- a scriptable local HTTP server ----------------------------------------------------

Reply = Tuple[int, Dict[str, str], bytes]


class FakeServer:
    """Answers every request with `reply(method, path, body)` after `delay` seconds, and
    records when each request started and ended (to prove that calls overlap)."""

    def __init__(self, reply: Callable[[str, str, bytes], Reply], delay: float = 0.0) -> None:
        self.reply = reply
        self.delay = delay
        self.lock = threading.Lock()
        self.spans: List[Tuple[float, float]] = []
        self.requests: List[Tuple[str, str, bytes]] = []
        self.peers: List[Tuple[int, bytes]] = []
        """(client port, body) of each request: which connection carried it."""
        self.in_flight = 0
        self.max_in_flight = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _handle(self) -> None:
                start = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server.lock:
                    server.requests.append((self.command, self.path, body))
                    server.peers.append((self.client_address[1], body))
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                time.sleep(server.delay)
                status, headers, payload = server.reply(self.command, self.path, body)
                with server.lock:
                    server.in_flight -= 1
                    server.spans.append((start, time.monotonic()))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _handle
            do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/v2/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, path_part: str, count: int = 1, timeout: float = 5.0) -> List[bytes]:
        """Bodies of the requests whose path contains `path_part`, once `count` arrived."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                found = [b for _, p, b in self.requests if path_part in p]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def json_reply(status: int, doc: Any, headers: Optional[Dict[str, str]] = None) -> Reply:
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    return status, h, json.dumps(doc).encode()


STATUM_OK = {
    "status_code": 200,
    "description": "Operation successful.",
    "request_id": "0123456789abcdef0123456789abcdef",
}


@pytest.fixture()
def fake_server() -> Iterator[Callable[..., FakeServer]]:
    servers: List[FakeServer] = []

    def make(reply: Callable[[str, str, bytes], Reply], delay: float = 0.0) -> FakeServer:
        s = FakeServer(reply, delay)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.close()
