"""Cancelling an AsyncClient money call, at every point of its life, and checking that what
the caller is told agrees with the sandbox's ledger of processed payments:

- a plain ``asyncio.CancelledError`` ⇒ the push is never processed (checked again after the
  worker thread had time to finish);
- ``tuma.CancelledAfterSendError`` ⇒ its ``outcome`` gives the real result, whose
  CheckoutRequestID is in the ledger (or an error whose outcome is unknown).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from typing import Any, Callable, Coroutine, Dict, Optional, Tuple

import pytest

import tuma

from conftest import FakeServer, Reply, Sandbox, daraja_config, json_reply, umspay_config, unique_reference

PHONE = "0708374149"
MSISDN = "254708374149"
# Long enough for the worker thread to finish whatever it still had in flight.
SETTLE = 1.5

_fresh = itertools.count(1)


def ok(method: str, path: str, body: bytes) -> Reply:
    return json_reply(200, {"ok": True})


@pytest.fixture()
def receiver(fake_server: Callable[..., FakeServer]) -> FakeServer:
    return fake_server(ok)


def async_daraja(sandbox: Sandbox, receiver: FakeServer, fresh_token: bool = False, **http: int) -> tuma.AsyncClient:
    config = daraja_config(sandbox, receiver.url.replace("/api/v2/", ""))
    if fresh_token:
        # Clients share the Daraja token per base URL within a process: a base URL spelled
        # with extra trailing slashes (same requests) has a cache of its own, so this
        # client's first call fetches a token.
        config["base_url"] = sandbox.daraja_url.rstrip("/") + "/" * (10 + next(_fresh))
    return tuma.AsyncClient(daraja=config, http={"max_retries": 0, **http})  # type: ignore[typeddict-item]


def path_count(sandbox: Sandbox, part: str) -> int:
    return sum(n for p, n in sandbox.stats()["paths"].items() if part in p)


def push(client: tuma.AsyncClient, ref: str, amount: int) -> Coroutine[Any, Any, tuma.types.StkPushResponse]:
    return client.daraja.stk_push(phone=PHONE, amount=amount, account_reference=ref)


async def verdict(sandbox: Sandbox, task: "asyncio.Task[tuma.types.StkPushResponse]", ref: str, amount: int) -> str:
    """Awaits a (possibly cancelled) push and checks that what it says agrees with the
    ledger; returns which of the four endings it was."""
    try:
        result = await task
    except tuma.CancelledAfterSendError as e:
        assert isinstance(e, asyncio.CancelledError) and task.cancelled()
        assert e.operation == "daraja.stk_push"
        r = e.recovery
        assert (r["operation"], r["phone"], r["amount"], r["account_reference"]) == (
            "daraja.stk_push", MSISDN, amount, ref,
        )
        assert r["advice"]
        try:
            outcome = await asyncio.wait_for(e.outcome, 30)
        except tuma.TumaError as err:
            assert err.outcome_unknown and err.fate == "unknown", err
            assert err.recovery is not None and err.recovery["account_reference"] == ref
            await asyncio.sleep(SETTLE)
            assert sandbox.in_ledger("stk_push", f":{ref}:") <= 1
            return "sent, outcome unknown"
        assert sandbox.in_ledger("stk_push", f"{MSISDN}:{amount}:{ref}:{outcome['checkout_request_id']}") == 1
        return "sent"
    except asyncio.CancelledError:
        assert task.cancelled()
        assert sandbox.in_ledger("stk_push", f":{ref}:") == 0
        await asyncio.sleep(SETTLE)  # the worker may still be running: look again
        assert sandbox.in_ledger("stk_push", f":{ref}:") == 0
        return "not sent"
    assert sandbox.in_ledger("stk_push", f":{ref}:{result['checkout_request_id']}") == 1
    return "completed"


def run(coro: Coroutine[Any, Any, str]) -> str:
    return asyncio.run(coro)


def run_dict(coro: Coroutine[Any, Any, Dict[str, Any]]) -> Dict[str, Any]:
    return asyncio.run(coro)


def test_cancelled_before_it_starts(faults: Sandbox, receiver: FakeServer) -> None:
    ref, amount = unique_reference("C"), 31
    client = async_daraja(faults, receiver)
    before = path_count(faults, "/stkpush/")

    async def main() -> str:
        task = asyncio.create_task(push(client, ref, amount))
        task.cancel()  # it never ran
        return await verdict(faults, task, ref, amount)

    assert run(main()) == "not sent"
    assert path_count(faults, "/stkpush/") == before


def test_cancelled_right_after_it_started(faults: Sandbox, receiver: FakeServer) -> None:
    # The worker may or may not have written the request (a race, on purpose): either way,
    # the answer agrees with the ledger.
    endings = set()
    for fresh in (True, False, False):
        ref, amount = unique_reference("I"), 32
        client = async_daraja(faults, receiver, fresh_token=fresh)

        async def main() -> str:
            task = asyncio.create_task(push(client, ref, amount))
            await asyncio.sleep(0)  # it ran up to handing the call to its worker thread
            task.cancel()
            return await verdict(faults, task, ref, amount)

        endings.add(run(main()))
    assert endings <= {"not sent", "sent"}


def test_cancelled_while_the_token_fetch_is_slow(faults: Sandbox, receiver: FakeServer) -> None:
    ref, amount = unique_reference("O"), 33
    client = async_daraja(faults, receiver, fresh_token=True)
    faults.fault("/oauth/", "latency=800")
    tokens, pushes = path_count(faults, "/oauth/"), path_count(faults, "/stkpush/")

    async def main() -> str:
        task = asyncio.create_task(push(client, ref, amount))
        await asyncio.sleep(0.3)
        task.cancel()
        return await verdict(faults, task, ref, amount)

    assert run(main()) == "not sent"
    # The token was fetched (slowly), and then the push was never even written.
    assert path_count(faults, "/oauth/") == tokens + 1
    assert path_count(faults, "/stkpush/") == pushes


def test_cancelled_while_the_post_is_slow(faults: Sandbox, receiver: FakeServer) -> None:
    ref, amount = unique_reference("P"), 34
    client = async_daraja(faults, receiver)
    faults.fault("/stkpush/", "latency=1500")

    async def main() -> str:
        task = asyncio.create_task(push(client, ref, amount))
        await asyncio.sleep(0.5)
        task.cancel()
        return await verdict(faults, task, ref, amount)

    assert run(main()) == "sent"


def test_cancelled_while_the_answer_trickles_then_times_out(faults: Sandbox, receiver: FakeServer) -> None:
    ref, amount = unique_reference("K"), 35
    client = async_daraja(faults, receiver, connect_timeout_ms=300, timeout_ms=1200)
    faults.fault("/stkpush/", "trickle=200")

    async def main() -> str:
        task = asyncio.create_task(push(client, ref, amount))
        await asyncio.sleep(0.5)
        task.cancel()
        return await verdict(faults, task, ref, amount)

    assert run(main()) == "sent, outcome unknown"
    assert faults.in_ledger("stk_push", f":{ref}:") == 1


def test_cancelled_after_it_completed(faults: Sandbox, receiver: FakeServer) -> None:
    ref, amount = unique_reference("D"), 36
    client = async_daraja(faults, receiver)

    async def main() -> Tuple[str, str]:
        # Completed and awaited: cancelling the finished task changes nothing.
        done_ref = unique_reference("E")
        finished = asyncio.create_task(push(client, done_ref, amount))
        result = await finished
        assert finished.cancel() is False
        assert faults.in_ledger("stk_push", f":{done_ref}:{result['checkout_request_id']}") == 1
        first = await verdict(faults, finished, done_ref, amount)

        # Completed in its worker thread, but cancelled before the task saw the result:
        # the loop is blocked (time.sleep) until the push is in the ledger.
        task = asyncio.create_task(push(client, ref, amount))
        await asyncio.sleep(0)
        deadline = time.monotonic() + 10
        while faults.in_ledger("stk_push", f":{ref}:") == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # let the worker hand its result over
        assert task.cancel() is True
        return first, await verdict(faults, task, ref, amount)

    assert run(main()) == ("completed", "sent")


def test_wait_for_timeout_carries_the_truth(faults: Sandbox, receiver: FakeServer) -> None:
    client = async_daraja(faults, receiver)
    sent_ref, amount = unique_reference("A"), 37
    faults.fault("/stkpush/", "latency=1500")

    async def main() -> Tuple[Optional[BaseException], Dict[str, Any]]:
        with pytest.raises(asyncio.TimeoutError) as info:
            await asyncio.wait_for(push(client, sent_ref, amount), 0.5)
        cause = info.value.__cause__
        assert isinstance(cause, tuma.CancelledAfterSendError), repr(cause)
        outcome = await cause.outcome
        return cause, dict(outcome)

    cause, outcome = run(main())
    assert cause is not None
    assert faults.in_ledger("stk_push", f":{sent_ref}:{outcome['checkout_request_id']}") == 1

    # Timed out while the token was still being fetched: a plain cancellation, never sent.
    unsent_ref = unique_reference("B")
    fresh = async_daraja(faults, receiver, fresh_token=True)
    faults.fault("/oauth/", "latency=800")

    async def unsent() -> None:
        with pytest.raises(asyncio.TimeoutError) as info:
            await asyncio.wait_for(push(fresh, unsent_ref, amount), 0.3)
        assert not isinstance(info.value.__cause__, tuma.CancelledAfterSendError)
        await asyncio.sleep(SETTLE)

    asyncio.run(unsent())
    assert faults.in_ledger("stk_push", f":{unsent_ref}:") == 0


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout and TaskGroup are Python 3.11+")
def test_timeout_block_and_task_group(faults: Sandbox, receiver: FakeServer) -> None:
    client = async_daraja(faults, receiver)
    amount = 38

    async def in_timeout_block() -> Dict[str, Any]:
        ref = unique_reference("G")
        faults.fault("/stkpush/", "latency=1500")
        caught: Optional[tuma.CancelledAfterSendError] = None
        try:
            async with asyncio.timeout(0.5):  # type: ignore[attr-defined]
                await push(client, ref, amount)
        except TimeoutError as e:  # newer Pythons: the TimeoutError, caused by ours
            assert isinstance(e.__cause__, tuma.CancelledAfterSendError)
            caught = e.__cause__
        except tuma.CancelledAfterSendError as e:  # Python 3.11: ours, as it is
            caught = e
        assert caught is not None
        # The task was not cancelled by anyone else: it goes on normally.
        task = asyncio.current_task()
        assert task is not None and task.cancelling() == 0  # type: ignore[attr-defined]
        outcome = await caught.outcome
        assert faults.in_ledger("stk_push", f":{ref}:{outcome['checkout_request_id']}") == 1
        return dict(outcome)

    async def in_task_group() -> None:
        ref = unique_reference("H")
        faults.fault("/stkpush/", "latency=1500")

        async def fail_soon() -> None:
            await asyncio.sleep(0.5)
            raise ValueError("a sibling failed")

        paying: "Optional[asyncio.Task[tuma.types.StkPushResponse]]" = None
        with pytest.raises(BaseException) as info:
            async with asyncio.TaskGroup() as group:  # type: ignore[attr-defined]
                paying = group.create_task(push(client, ref, amount))
                group.create_task(fail_soon())
        # The group reports its real failure; the cancelled payment is in its task.
        assert [type(e) for e in info.value.exceptions] == [ValueError]  # type: ignore[attr-defined]
        assert paying is not None and paying.cancelled()
        assert await verdict(faults, paying, ref, amount) == "sent"

    async def in_task_group_body() -> None:
        ref = unique_reference("Q")
        faults.fault("/stkpush/", "latency=1500")

        async def fail_soon() -> None:
            await asyncio.sleep(0.5)
            raise ValueError("a sibling failed")

        with pytest.raises(BaseException) as info:
            async with asyncio.TaskGroup() as group:  # type: ignore[attr-defined]
                group.create_task(fail_soon())
                await push(client, ref, amount)  # the body is cancelled when the child fails
        errors = list(info.value.exceptions)  # type: ignore[attr-defined]
        assert ValueError in [type(e) for e in errors]
        ours = [e for e in errors if isinstance(e, tuma.CancelledAfterSendError)]
        if sys.version_info < (3, 12):
            assert len(ours) == 1  # 3.11: it joins the group (documented in docs/python.md)
        for e in ours:
            outcome = await e.outcome
            assert faults.in_ledger("stk_push", f":{ref}:{outcome['checkout_request_id']}") == 1

    asyncio.run(in_timeout_block())
    asyncio.run(in_task_group())
    asyncio.run(in_task_group_body())


def test_non_money_calls_cancel_plainly(faults: Sandbox, receiver: FakeServer) -> None:
    # An STK query writes nothing that moves money: cancelling it is a plain cancellation.
    client = async_daraja(faults, receiver)
    faults.fault("/stkpushquery/", "latency=800")

    async def main() -> None:
        task = asyncio.create_task(client.daraja.stk_query(checkout_request_id="ws_CO_unknown"))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError) as info:
            await task
        assert not isinstance(info.value, tuma.CancelledAfterSendError)

    asyncio.run(main())


def test_gate() -> None:
    gate = tuma._tuma.Gate()
    assert gate.sent() is False
    assert gate.cancel() is True and gate.cancel() is True
    assert "Gate" in repr(gate)
    # A cancelled gate lets nothing through, not even a local call's requests.
    client = tuma.Client(statum={"consumer_key": "k", "consumer_secret": "s", "base_url": "http://127.0.0.1:9/"})
    with pytest.raises(tuma.NetworkError) as info:
        client._call("statum.airtime", {"phone": "0712345678", "amount": 10}, gate)
    assert info.value.fate == "not_sent" and info.value.recovery is not None


def async_umspay(sandbox: Sandbox) -> tuma.AsyncClient:
    return tuma.AsyncClient(umspay=umspay_config(sandbox), http={"max_retries": 0})


def test_umspay_status_query_cancels_plainly(faults: Sandbox) -> None:
    # A status query moves no money: once it was written, cancelling it is still a plain
    # CancelledError (the core marks it a query, which does not close the send gate).
    client = async_umspay(faults)
    tid = client.sync.umspay.stk_push(amount=100, phone="0712345678", reference=unique_reference("Z"))[
        "transaction_request_id"
    ]
    before = path_count(faults, "/transactionstatus")
    faults.fault("/transactionstatus", "latency=800")

    async def main() -> None:
        task = asyncio.create_task(client.umspay.transaction_status(transaction_request_id=tid))
        deadline = time.monotonic() + 5
        while path_count(faults, "/transactionstatus") == before and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)  # the query is at the sandbox, waiting for its answer
        task.cancel()
        with pytest.raises(asyncio.CancelledError) as info:
            await task
        assert not isinstance(info.value, tuma.CancelledAfterSendError) and task.cancelled()

    asyncio.run(main())
    assert path_count(faults, "/transactionstatus") == before + 1


def pending_status(method: str, path: str, body: bytes) -> Reply:
    """UMS Pay's answer for a payment the payer has not answered yet (docs/sandbox.md)."""
    return json_reply(
        200,
        {
            "ResultCode": "200", "ResultDesc": "Transaction is pending",
            "TransactionID": json.loads(body)["transaction_request_id"],
            "TransactionAccountID": "UMPAY-SANDBOX", "TransactionStatus": "Pending",
            "TransactionCode": "Pending", "TransactionReceipt": "", "TransactionAmount": "100",
            "Msisdn": "254712345678", "TransactionDate": "06/23/24 03:30 PM",
            "TransactionReference": "ORDER-1", "MpesaResponse": "",
        },
    )


def test_umspay_wait_for_status_cancels_plainly_and_stops_polling(fake_server: Callable[..., FakeServer]) -> None:
    # A payment that stays pending, each poll answered after 300 ms: uncancelled, the wait
    # would poll again every 250 ms to 2 s until its timeout.
    server = fake_server(pending_status, delay=0.3)
    config = umspay_config_for(server.url)
    client = tuma.AsyncClient(umspay=config, http={"max_retries": 0})
    tid = "UMSPID230620241530451234" + "5"
    assert client.sync.umspay.transaction_status(transaction_request_id=tid)["status"] == "pending"

    async def main() -> None:
        task = asyncio.create_task(client.umspay.wait_for_status(transaction_request_id=tid, timeout_ms=2500))
        deadline = time.monotonic() + 5
        while len(server.wait_for("transactionstatus", timeout=0)) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        assert len(server.wait_for("transactionstatus", timeout=0)) == 2  # the first poll is in flight
        task.cancel()
        with pytest.raises(asyncio.CancelledError) as info:
            await task
        assert not isinstance(info.value, tuma.CancelledAfterSendError) and task.cancelled()
        await asyncio.sleep(SETTLE)
        # Nothing more was sent: the cancelled gate lets no further query through.
        assert len(server.wait_for("transactionstatus", timeout=0)) == 2

    asyncio.run(main())


def umspay_config_for(base_url: str) -> tuma.types.UmsPayConfig:
    return {"api_key": "k", "email": "dev@tuma.test", "account_id": "UMPAY-SANDBOX", "base_url": base_url}


def test_umspay_push_cancelled_after_sending_carries_the_truth(faults: Sandbox) -> None:
    client = async_umspay(faults)
    ref = unique_reference("V")
    faults.fault("/initiatestkpush", "latency=1500")

    async def main() -> Dict[str, Any]:
        task = asyncio.create_task(client.umspay.stk_push(amount=130, phone="0712345678", reference=ref))
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(tuma.CancelledAfterSendError) as info:
            await task
        e = info.value
        assert e.operation == "umspay.stk_push"
        assert (e.recovery["phone"], e.recovery["amount"], e.recovery["reference"]) == ("254712345678", 130, ref)
        return dict(await e.outcome)

    outcome = run_dict(main())
    assert faults.in_ledger("stk_push", f"254712345678:130:{ref}") == 1
    assert outcome["reference"] == ref and outcome["transaction_request_id"].startswith("UMSPID")
