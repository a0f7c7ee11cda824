"""One client shared by threads and by asyncio tasks: the GIL is released during calls,
so calls overlap in time. Proved against a local server that takes 200 ms per answer."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List

import tuma

from conftest import STATUM_OK, FakeServer, json_reply

DELAY = 0.2
N = 8


def slow_statum(fake_server: Callable[..., FakeServer]) -> FakeServer:
    return fake_server(lambda m, p, b: json_reply(200, STATUM_OK), delay=DELAY)


def config(server: FakeServer) -> tuma.types.StatumConfig:
    return {"consumer_key": "k", "consumer_secret": "s", "base_url": server.url}


def overlapping(spans: List["tuple[float, float]"]) -> int:
    """The largest number of request spans open at one instant."""
    events = sorted([(s, 1) for s, _ in spans] + [(e, -1) for _, e in spans])
    best = now = 0
    for _, step in events:
        now += step
        best = max(best, now)
    return best


def test_eight_threads_share_one_client(fake_server: Callable[..., FakeServer]) -> None:
    server = slow_statum(fake_server)
    client = tuma.Client(statum=config(server))
    barrier = threading.Barrier(N)

    def one(i: int) -> str:
        barrier.wait()
        return client.statum.send_sms(sender_id="TUMA", phone="0712345678", message=f"n{i}")["request_id"]

    start = time.monotonic()
    with ThreadPoolExecutor(N) as pool:
        ids = list(pool.map(one, range(N)))
    elapsed = time.monotonic() - start
    assert ids == [STATUM_OK["request_id"]] * N
    assert len(server.spans) == N
    # Serialised calls would take at least N × 200 ms = 1.6 s; with the GIL released they
    # overlap at the server (the proof), and the whole takes less than the serial time.
    assert overlapping(server.spans) >= N // 2, server.spans
    assert elapsed < N * DELAY, elapsed


def test_python_keeps_running_during_a_call(fake_server: Callable[..., FakeServer]) -> None:
    server = slow_statum(fake_server)
    client = tuma.Client(statum=config(server))
    ticks = 0
    done = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=spin)
    t.start()
    try:
        client.call("statum.send_sms", sender_id="TUMA", phone="0712345678", message="x")
    finally:
        done.set()
        t.join()
    assert ticks > 20  # the other thread ran while the call waited 200 ms


def test_asyncio_calls_run_concurrently(fake_server: Callable[..., FakeServer]) -> None:
    server = slow_statum(fake_server)
    client = tuma.AsyncClient(statum=config(server))

    async def main() -> float:
        start = time.monotonic()
        results = await asyncio.gather(
            *(client.statum.send_sms(sender_id="TUMA", phone="0712345678", message="x") for _ in range(N))
        )
        assert all(r["status_code"] == 200 for r in results)
        return time.monotonic() - start

    elapsed = asyncio.run(main())
    assert len(server.spans) == N
    assert overlapping(server.spans) >= 4, server.spans
    assert elapsed < N * DELAY, elapsed


def test_threads_against_the_sandbox(client: tuma.Client) -> None:
    def one(i: int) -> int:
        return client.statum.send_sms(sender_id="TUMA", phone="0712345678", message=f"t{i}")["status_code"]

    with ThreadPoolExecutor(N) as pool:
        assert list(pool.map(one, range(4 * N))) == [200] * (4 * N)
