"""AsyncClient on the core's worker pool: each call runs on one of the client's workers
(``http.max_threads``, then a queue of ``http.max_queued``) and the worker settles the
asyncio future through ``loop.call_soon_threadsafe``; no executor, no other cap.

- a full pool raises ``BusyError`` at once, and sends nothing;
- a call cancelled while it waits in the queue never runs;
- many calls in flight overlap, on at most ``max_threads`` threads;
- thousands of calls in flight leave no thread, reference or memory growth behind;
- a closed loop, an exiting interpreter and a fork are survived.

Thread and memory figures come from ``/proc/self/status`` (Linux)."""

from __future__ import annotations

import asyncio
import gc
import json
import resource
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Coroutine, Dict, List, Tuple

import pytest

import tuma

from conftest import FakeServer, Reply, Sandbox, daraja_config, json_reply, statum_config, unique_reference
from test_fork import fork

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc/self/status (Linux)")

PHONE = "0708374149"
MSISDN = "254708374149"
SETTLE = 1.5


def proc_status(field: str) -> int:
    """A number of /proc/self/status: ``Threads``, or ``VmRSS`` (KiB)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def path_count(sandbox: Sandbox, part: str) -> int:
    return sum(n for p, n in sandbox.stats()["paths"].items() if part in p)


def ok(method: str, path: str, body: bytes) -> Reply:
    return json_reply(200, {"ok": True})


def http_config(max_threads: int, max_queued: int = 100_000) -> tuma.types.HttpConfig:
    return {"max_retries": 0, "max_threads": max_threads, "max_queued": max_queued}


def async_daraja(sandbox: Sandbox, receiver: FakeServer, max_threads: int, max_queued: int = 100_000) -> tuma.AsyncClient:
    config = daraja_config(sandbox, receiver.url.replace("/api/v2/", ""))
    return tuma.AsyncClient(daraja=config, http=http_config(max_threads, max_queued))


def async_statum(sandbox: Sandbox, max_threads: int) -> tuma.AsyncClient:
    return tuma.AsyncClient(statum=statum_config(sandbox), http=http_config(max_threads))


def push(client: tuma.AsyncClient, ref: str, amount: int) -> Coroutine[Any, Any, tuma.types.StkPushResponse]:
    return client.daraja.stk_push(phone=PHONE, amount=amount, account_reference=ref)


def sms(client: tuma.AsyncClient, i: int = 0) -> Coroutine[Any, Any, tuma.types.StatumResponse]:
    return client.statum.send_sms(sender_id="TUMA", phone="0712345678", message=f"pool {i}")


def details(client: tuma.AsyncClient) -> Coroutine[Any, Any, tuma.types.AccountDetails]:
    """A call that costs nothing (SMS draw on the sandbox's Statum balance)."""
    return client.statum.account_details()


def workers(client: tuma.AsyncClient) -> Tuple[int, int]:
    return client.sync._native.worker_threads()


@pytest.fixture()
def receiver(fake_server: Callable[..., FakeServer]) -> FakeServer:
    return fake_server(ok)


class Sampler:
    """Samples the process's thread count every few milliseconds, in a thread of its own."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, proc_status("Threads"))
            time.sleep(0.005)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_native_worker_threads_before_and_after_a_call(sandbox: Sandbox) -> None:
    client = async_statum(sandbox, max_threads=3)
    assert workers(client) == (0, 0)  # the pool starts with the first call
    assert asyncio.run(sms(client))["status_code"] == 200
    assert workers(client) == (1, 1)
    # An AsyncClient wrapping the same blocking client shares its pool.
    assert tuma.AsyncClient.from_client(client.sync).sync._native.worker_threads() == (1, 1)


def test_a_full_pool_raises_busy_at_once_and_sends_nothing(faults: Sandbox, receiver: FakeServer) -> None:
    # One thread and one place in the queue: the third call in flight finds no room.
    client = async_daraja(faults, receiver, max_threads=1, max_queued=1)
    client.sync.daraja.stk_push(phone=PHONE, amount=40, account_reference=unique_reference("W"))  # the token
    faults.fault("/stkpush/", "latency=1000", times=2)
    refs = [unique_reference(p) for p in "XYZ"]
    pushes_before = path_count(faults, "/stkpush/")
    requests_before = faults.stats()["requests"]

    async def main() -> Tuple[float, tuma.BusyError, List[tuma.types.StkPushResponse]]:
        first = asyncio.create_task(push(client, refs[0], 41))
        second = asyncio.create_task(push(client, refs[1], 42))
        await asyncio.sleep(0)  # both handed to the pool: one running, one queued
        start = time.monotonic()
        with pytest.raises(tuma.BusyError) as info:
            await push(client, refs[2], 43)
        refused_after = time.monotonic() - start
        assert not first.done() and not second.done()  # refused at once, not after waiting
        return refused_after, info.value, list(await asyncio.gather(first, second))

    refused_after, busy, done = asyncio.run(main())
    assert refused_after < 0.5, refused_after
    assert (busy.kind, busy.fate, busy.outcome_unknown) == ("busy", "not_sent", False)
    assert isinstance(busy, tuma.TumaError) and "max_queued" in str(busy)
    assert workers(client) == (1, 1)
    # The two accepted pushes were processed, each once; the refused one never reached the
    # sandbox (even after everything settled), nor did any other request of it.
    for ref, result in zip(refs, done):
        assert faults.in_ledger("stk_push", f"{MSISDN}:{41 + refs.index(ref)}:{ref}:{result['checkout_request_id']}") == 1
    time.sleep(0.2)
    assert faults.in_ledger("stk_push", f":{refs[2]}:") == 0
    assert path_count(faults, "/stkpush/") == pushes_before + 2
    assert faults.stats()["requests"] == requests_before + 2

    # Once the queue drained, the client takes calls again.
    again = unique_reference("R")
    result = asyncio.run(push(client, again, 44))
    assert faults.in_ledger("stk_push", f":{again}:{result['checkout_request_id']}") == 1


def test_a_call_cancelled_while_queued_never_runs(faults: Sandbox, receiver: FakeServer) -> None:
    # One worker, busy with a slow push; behind it wait a push and a callback claim (which
    # sends no request: only "never runs" keeps it from claiming). Both are cancelled.
    client = async_daraja(faults, receiver, max_threads=1)
    client.sync.daraja.stk_push(phone=PHONE, amount=45, account_reference=unique_reference("W"))  # the token
    faults.fault("/stkpush/", "latency=800", times=2)
    running, queued = unique_reference("M"), unique_reference("N")
    body = json.dumps(
        {"request_id": uuid.uuid4().hex, "charge": 48.5, "account_balance": 5000, "result_code": "200",
         "result_desc": "You have topped up 254721553678 with Ksh. 50."}
    )
    before = path_count(faults, "/stkpush/")

    async def main() -> None:
        first = asyncio.create_task(push(client, running, 46))
        second = asyncio.create_task(push(client, queued, 47))
        claim = asyncio.create_task(client.callbacks.receive(kind="statum.airtime_result", body=body))
        await asyncio.sleep(0.3)  # the first is at the sandbox; the others wait for the worker
        for task in (second, claim):
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as info:
                await task
            assert not isinstance(info.value, tuma.CancelledAfterSendError)  # plain: never sent
        await first
        await asyncio.sleep(SETTLE)  # the worker went on to the cancelled calls: it skipped them

    asyncio.run(main())
    assert faults.in_ledger("stk_push", f":{running}:") == 1
    assert faults.in_ledger("stk_push", f":{queued}:") == 0
    assert path_count(faults, "/stkpush/") == before + 1
    # Nobody claimed the callback: the first receive of it is still to come.
    received = client.sync.callbacks.receive(kind="statum.airtime_result", body=body)
    assert (received["status"], received["first_time"]) == ("claimed", True)


def test_calls_in_flight_overlap_on_at_most_max_threads(faults: Sandbox) -> None:
    n, max_threads, latency = 200, 64, 200
    client = async_statum(faults, max_threads=max_threads)
    faults.fault("/account-details", f"latency={latency}")
    start = time.monotonic()
    assert asyncio.run(details(client))["status_code"] == 200
    single = time.monotonic() - start
    assert single >= latency / 1000

    faults.fault("/account-details", f"latency={latency}", times=n)
    before = path_count(faults, "/account-details")
    baseline = proc_status("Threads")

    async def main() -> float:
        start = time.monotonic()
        results = await asyncio.gather(*(details(client) for _ in range(n)))
        assert [r["status_code"] for r in results] == [200] * n
        return time.monotonic() - start

    with Sampler() as sampler:
        elapsed = asyncio.run(main())
    assert path_count(faults, "/account-details") == before + n
    # One after the other they would take n × single; they overlapped (at least 64 at a
    # time, ~4 rounds of 200 ms: 20 × single is a generous bound on a loaded machine).
    assert elapsed < 20 * single, (elapsed, single)
    alive, peak = workers(client)
    assert peak == max_threads and alive <= max_threads, (alive, peak)
    # The process grew by at most the pool (plus the sampler's own thread).
    assert sampler.peak <= baseline + max_threads + 2, (baseline, sampler.peak)


def test_the_default_max_threads_is_half_the_open_files_limit(faults: Sandbox) -> None:
    # Each call in flight holds a socket: by default the pool takes at most half the
    # process's soft limit of open files (up to 1,024), read when the client is built.
    n, latency = 200, 300
    faults.fault("/account-details", f"latency={latency}", times=2 * n)
    script = textwrap.dedent(
        f"""
        import asyncio, resource, sys
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (int(sys.argv[1]), hard))
        import tuma
        client = tuma.AsyncClient(statum={dict(statum_config(faults))!r}, http={{"max_retries": 0}})
        async def main():
            return await asyncio.gather(*(client.statum.account_details() for _ in range({n})))
        results = asyncio.run(main())
        assert all(r["status_code"] == 200 for r in results)
        print(client.sync._native.worker_threads()[1])
        """
    )

    def peak_workers(open_files: int) -> int:
        done = subprocess.run(
            [sys.executable, "-c", script, str(open_files)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return int(done.stdout.strip())

    # 256 open files: 128 workers at most, the other calls wait for them.
    assert peak_workers(256) == 128
    # 4,096 (or the hard limit, if lower): the default is 1,024, more than the calls: one
    # worker each.
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    larger = 4096 if hard == resource.RLIM_INFINITY else min(4096, hard)
    assert peak_workers(larger) == min(n, max(64, min(1024, larger // 2)))


def test_thousands_in_flight_leave_no_thread_reference_or_memory_growth(faults: Sandbox) -> None:
    # 5,000 calls (account details) started at once on one client, three times (a first
    # round that the allocators settle in, then the two compared): 100 workers (the sandbox
    # accepts 128 new connections at a time: more would measure its accept queue), 20 ms
    # answers; the other 4,900 calls of a round wait in the pool's queue.
    n, max_threads = 5000, 100
    client = async_statum(faults, max_threads=max_threads)
    faults.fault("/account-details", "latency=20", times=3 * n)
    before = path_count(faults, "/account-details")
    baseline = proc_status("Threads")
    loop = asyncio.new_event_loop()
    rounds: List[Dict[str, int]] = []

    async def round_() -> None:
        results = await asyncio.gather(*(details(client) for _ in range(n)))
        assert sum(1 for r in results if r["status_code"] == 200) == n

    try:
        with Sampler() as sampler:
            for _ in range(3):
                start = time.monotonic()
                loop.run_until_complete(round_())
                seconds = time.monotonic() - start
                loop.run_until_complete(asyncio.sleep(0.2))  # every settled callback ran
                gc.collect()
                rounds.append(
                    {
                        "ms": int(seconds * 1000),
                        "threads": proc_status("Threads"),
                        "rss_kib": proc_status("VmRSS"),
                        "loop_refs": sys.getrefcount(loop),
                        "tasks": len(asyncio.all_tasks(loop)),
                    }
                )
    finally:
        loop.close()
    _, first, second = rounds
    print(f"\nthreads: baseline {baseline}, peak {sampler.peak}; after each round: {rounds}")
    assert path_count(faults, "/account-details") == before + 3 * n
    alive, peak = workers(client)
    assert alive <= max_threads and peak <= max_threads, (alive, peak)
    # Threads: bounded by the pool during the rounds, and no more after the second round
    # than after the first (idle workers retire after a minute; until then they are reused).
    assert sampler.peak <= baseline + max_threads + 2, (baseline, sampler.peak)
    assert second["threads"] <= first["threads"], rounds
    # No reference to the loop (held by each call until it is settled) is left behind.
    assert second["loop_refs"] == first["loop_refs"] and second["tasks"] == first["tasks"] == 0, rounds
    # Memory: the third round reuses what the earlier ones grew. Measured (debug build, run
    # alone), RSS after each of six rounds: 83.4, 90.8, 92.6, 94.6, 93.6, 92.6 MiB (the
    # allocators settle after the first round, then stay within a few MiB). 8 MiB is generous.
    assert second["rss_kib"] - first["rss_kib"] < 8 * 1024, rounds


def test_a_loop_closed_with_calls_in_flight(faults: Sandbox) -> None:
    # asyncio.run returns while its calls are still at the sandbox: it cancels their tasks
    # (CancelledAfterSendError, nobody looks) and closes the loop; the workers then find the
    # loop closed, drop the results and carry on.
    client = async_statum(faults, max_threads=4)
    faults.fault("/sms", "latency=500", times=4)
    before = path_count(faults, "/sms")

    async def main() -> None:
        for i in range(4):
            asyncio.ensure_future(sms(client, i))
        await asyncio.sleep(0.2)

    asyncio.run(main())
    time.sleep(0.8)  # the workers have finished: their loop was closed
    assert path_count(faults, "/sms") == before + 4
    assert workers(client) == (4, 4)
    assert asyncio.run(sms(client))["status_code"] == 200  # the same workers serve the next loop
    assert workers(client) == (4, 4)


def test_the_interpreter_exits_with_calls_in_flight(faults: Sandbox) -> None:
    # The interpreter exits while workers are mid-call; an atexit hook registered before
    # tuma's (so it runs after it) keeps the exit going while the workers finish: they must
    # leave the exiting interpreter alone.
    faults.fault("/account-details", "latency=300", times=20)
    before = path_count(faults, "/account-details")
    script = textwrap.dedent(
        f"""
        import asyncio, atexit, time
        atexit.register(time.sleep, 0.8)
        import tuma
        client = tuma.AsyncClient(statum={dict(statum_config(faults))!r}, http={{"max_retries": 0}})
        tasks = []
        async def main():
            for i in range(20):
                tasks.append(asyncio.ensure_future(client.statum.account_details()))
            await asyncio.sleep(0.1)
        asyncio.run(main())
        print("exiting", flush=True)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "exiting"), done.stderr
    assert "Fatal" not in done.stderr and "panicked" not in done.stderr, done.stderr
    assert path_count(faults, "/account-details") == before + 20


def test_a_forked_child_gets_a_pool_of_its_own(sandbox: Sandbox) -> None:
    # The parent's pool has an idle worker when it forks: the child inherits the pool's
    # bookkeeping but not the thread, so its calls go to a pool of its own.
    client = async_statum(sandbox, max_threads=4)
    assert asyncio.run(details(client))["status_code"] == 200
    assert workers(client) == (1, 1)
    time.sleep(0.2)  # the worker is idle now, waiting for work

    def child() -> Dict[str, Any]:
        async def main() -> List[int]:
            # One call alone first: handed to the parent's idle worker, it would wait forever.
            first = (await details(client))["status_code"]
            return [first] + [r["status_code"] for r in await asyncio.gather(*(details(client) for _ in range(3)))]

        codes = asyncio.run(asyncio.wait_for(main(), 10))
        return {"codes": codes, "workers": list(workers(client))}

    report = fork(child).join(timeout=40)
    assert report["codes"] == [200] * 4
    assert 1 <= report["workers"][1] <= 4, report
    # The parent's own pool is untouched and still works.
    assert workers(client) == (1, 1)
    assert asyncio.run(details(client))["status_code"] == 200
