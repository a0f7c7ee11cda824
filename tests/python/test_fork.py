"""Fork safety (gunicorn --preload, uWSGI, multiprocessing's fork): a client made and used in
the parent, whose pool holds a keep-alive connection, keeps working in a forked child and in
the parent, at the same time, each on connections of its own: no answer meant for one process
reaches the other.

Each child runs its calls, reports them through a pipe and ends with `os._exit`: it never
returns into pytest. The parent checks its exit status and report."""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import traceback
import warnings
from typing import Any, Callable, Dict, Iterator, List, Set

import pytest

import tuma

from conftest import FakeServer, Reply, Sandbox, json_reply, statum_config

ROUNDS = 3
CALLS = 6  # per process and round, while the other process makes its own


class Child:
    """A forked child running one function."""

    def __init__(self, pid: int, report_fd: int) -> None:
        self.pid = pid
        self.report_fd = report_fd

    def join(self, timeout: float = 60.0) -> Any:
        """The function's result; fails the test if the child failed, died or hung."""
        deadline = time.monotonic() + timeout
        chunks: List[bytes] = []
        try:
            while True:
                left = deadline - time.monotonic()
                ready, _, _ = select.select([self.report_fd], [], [], max(left, 0))
                if not ready:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    pytest.fail(f"the forked child did not finish within {timeout} s")
                data = os.read(self.report_fd, 65536)
                if not data:
                    break
                chunks.append(data)
        finally:
            os.close(self.report_fd)
        _, status = os.waitpid(self.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        report = json.loads(b"".join(chunks) or b"{}")
        assert code == 0, f"the forked child failed (exit {code}): {report.get('error')}"
        return report["result"]


def fork(work: Callable[[], Any]) -> Child:
    """Forks; the child runs `work` and exits with 0 (its JSON result sent to the parent) or
    1 (the traceback sent instead)."""
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a process with threads (pytest's, the sandbox
        # fixture's readers): this child only runs `work` and exits.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(read_fd)
            try:
                report = json.dumps({"result": work()}).encode()
                code = 0
            except BaseException:  # noqa: B036 - reported to the parent, whatever it was
                report = json.dumps({"error": traceback.format_exc()}).encode()
            while report:
                report = report[os.write(write_fd, report) :]
        finally:
            os._exit(code)
    os.close(write_fd)
    return Child(pid, read_fd)


def path_count(sandbox: Sandbox, part: str) -> int:
    return sum(n for p, n in sandbox.stats()["paths"].items() if part in p)


# --- against the sandbox: answers of the right shape, and exact request counts ---------


def mixed_calls(client: tuma.Client, tag: str) -> int:
    """Alternates SMS and account details, checking that each answer is the one asked for:
    an answer read from a connection shared with another process would be another call's.
    Returns the number of SMS sent."""
    sms = 0
    for i in range(CALLS):
        if i % 2 == 0:
            sent = client.statum.send_sms(sender_id="TUMA", phone="0712345678", message=f"{tag}-{i}")
            assert (sent["status_code"], sent["description"]) == (200, "Operation successful."), sent
            assert "organization" not in sent and len(sent["request_id"]) == 32, sent
            sms += 1
        else:
            details = client.statum.account_details()
            assert details["status_code"] == 200 and details["organization"]["accounts"], details
    return sms


def test_a_forked_child_and_its_parent_share_a_client(sandbox: Sandbox) -> None:
    client = tuma.Client(statum=statum_config(sandbox), http={"max_retries": 0})
    for round_ in range(ROUNDS):
        sms_before = path_count(sandbox, "/sms")
        details_before = path_count(sandbox, "/account-details")
        total_before = sandbox.stats()["requests"]
        # The pool now holds a keep-alive connection, which the child inherits.
        assert client.statum.account_details()["status_code"] == 200

        child = fork(lambda: mixed_calls(client, f"child-{round_}"))
        parent_sms = mixed_calls(client, f"parent-{round_}")  # at the same time
        child_sms = child.join()
        # The parent goes on after the child exited (closing its copies of the sockets).
        assert client.statum.account_details()["status_code"] == 200

        assert child_sms == parent_sms == CALLS // 2
        assert path_count(sandbox, "/sms") - sms_before == 2 * (CALLS // 2)
        details = 2 + 2 * (CALLS - CALLS // 2)
        assert path_count(sandbox, "/account-details") - details_before == details
        # Every request reached the sandbox once: nothing lost, nothing resent.
        assert sandbox.stats()["requests"] - total_before == 2 * CALLS + 2


# --- against a local server: which connection carried which request --------------------


def digest(message: str) -> str:
    return hashlib.sha256(message.encode()).hexdigest()[:32]


def echo_statum(method: str, path: str, body: bytes) -> Reply:
    """Statum's answer, whose request_id is derived from the message it answers."""
    message = json.loads(body)["message"]
    return json_reply(200, {"status_code": 200, "description": "Operation successful.", "request_id": digest(message)})


def echo_calls(client: tuma.Client, tag: str) -> List[str]:
    messages = []
    for i in range(CALLS):
        message = f"{tag}-{i}"
        answer = client.statum.send_sms(sender_id="TUMA", phone="0712345678", message=message)
        assert answer["request_id"] == digest(message), (message, answer)
        messages.append(message)
    return messages


def test_the_child_opens_its_own_connections_and_leaves_the_parents_alone(
    fake_server: Callable[..., FakeServer],
) -> None:
    server = fake_server(echo_statum, delay=0.01)
    client = tuma.Client(
        statum={"consumer_key": "k", "consumer_secret": "s", "base_url": server.url}, http={"max_retries": 0}
    )

    def ports(prefix: str) -> Set[int]:
        with server.lock:
            return {port for port, body in server.peers if json.loads(body)["message"].startswith(prefix)}

    for round_ in range(ROUNDS):
        echo_calls(client, f"parent-{round_}-warm")
        [warm] = ports(f"parent-{round_}-warm")

        child = fork(lambda: echo_calls(client, f"child-{round_}"))
        parent_messages = echo_calls(client, f"parent-{round_}-during")
        child_messages = child.join()
        parent_messages += echo_calls(client, f"parent-{round_}-after")

        assert len(child_messages) == len(parent_messages) // 2 == CALLS
        child_ports = ports(f"child-{round_}")
        parent_ports = ports(f"parent-{round_}")
        # The child never wrote on the parent's connection, nor the parent on the child's...
        assert child_ports and child_ports.isdisjoint(parent_ports), (child_ports, parent_ports)
        # ... and the parent's pooled connection stayed usable: it carried all its calls.
        assert parent_ports == {warm}, parent_ports
    with server.lock:
        assert len(server.peers) == ROUNDS * 4 * CALLS  # one request per call, none resent


# --- the Redis store: each process its own connections, one shared state --------------


@pytest.fixture()
def redis_url() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (`make deps-redis` installs it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as data:
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", data],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail("redis-server did not start")
                    time.sleep(0.02)
            yield f"redis://127.0.0.1:{port}/"
        finally:
            proc.kill()
            proc.wait()


def claims(client: tuma.Client, tag: str) -> Dict[str, bool]:
    """Each id is new the first time and seen the second: a reply meant for the other
    process would break the pattern."""
    seen = {}
    for i in range(CALLS):
        key = f"{tag}-{i}"
        first = client.callbacks.first_time(id=key)["first_time"]
        again = client.callbacks.first_time(id=key)["first_time"]
        assert (first, again) == (True, False), (key, first, again)
        seen[key] = first
    return seen


def test_a_forked_child_gets_its_own_redis_connections(redis_url: str) -> None:
    client = tuma.Client(store={"url": redis_url, "key_prefix": f"fork{os.getpid()}:", "timeout_ms": 2000})
    assert client.callbacks.first_time(id="warm")["first_time"] is True  # a pooled connection
    for round_ in range(ROUNDS):
        child = fork(lambda: claims(client, f"child-{round_}"))
        claims(client, f"parent-{round_}")
        child_ids = child.join()
        assert len(child_ids) == CALLS
        # One store: what the child recorded, the parent sees.
        for key in child_ids:
            assert client.callbacks.first_time(id=key)["first_time"] is False
    assert client.callbacks.first_time(id="warm")["first_time"] is False
