"""Callback claims: receive claims a callback's id for a lease; the app completes it
(redeliveries are then "done") or releases it when processing failed (the redelivery is
processed); a worker that dies loses its claim when the lease ends."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest

import tuma


def airtime_result() -> str:
    """An airtime result webhook with an id no other test uses."""
    return json.dumps(
        {
            "request_id": uuid.uuid4().hex,
            "charge": 48.5,
            "account_balance": 5000,
            "result_code": "200",
            "result_desc": "You have topped up 254721553678 with Ksh. 50.",
        }
    )


def test_failed_processing_releases_and_the_redelivery_is_claimed_again() -> None:
    client = tuma.Client()
    body = airtime_result()
    first = client.callbacks.receive(kind="statum.airtime_result", body=body)
    assert first["status"] == "claimed" and first["first_time"] is True and first["claim"]
    assert first["id"] == json.loads(body)["request_id"]
    # Processing failed: give the claim back (answer non-200 so the provider redelivers).
    assert client.callbacks.release(claim=first["claim"]) == {"released": True}
    again = client.callbacks.receive(kind="statum.airtime_result", body=body)
    assert again["status"] == "claimed" and again["first_time"] is True
    assert again["claim"] and again["claim"] != first["claim"]
    # The old claim is gone: releasing it again does nothing.
    assert client.callbacks.release(claim=first["claim"]) == {"released": False}


def test_complete_makes_redeliveries_done() -> None:
    client = tuma.Client()
    body = airtime_result()
    first = client.callbacks.receive(kind="statum.airtime_result", body=body)
    assert first["claim"] is not None
    # While it is being processed, a redelivery is "in_progress": answer non-200.
    busy = client.callbacks.receive(kind="statum.airtime_result", body=body)
    assert (busy["status"], busy["first_time"], busy["claim"]) == ("in_progress", False, None)
    assert client.callbacks.complete(claim=first["claim"]) == {"completed": True, "lease_held": True}
    done = client.callbacks.receive(kind="statum.airtime_result", body=body)
    assert (done["status"], done["first_time"], done["claim"]) == ("done", False, None)
    assert done["callback"]["charge"] == 48.5
    # A client sharing the (process-wide memory) store sees it done too.
    assert tuma.Client().callbacks.receive(kind="statum.airtime_result", body=body)["status"] == "done"


def test_an_expired_lease_lets_a_redelivery_claim_it() -> None:
    client = tuma.Client(store={"url": "memory", "callback_lease_ms": 300})
    body = airtime_result()
    dead = client.callbacks.receive(kind="statum.airtime_result", body=body)
    assert dead["status"] == "claimed" and dead["claim"] is not None
    # The worker holding it died; until the lease ends a redelivery is "in_progress".
    assert client.callbacks.receive(kind="statum.airtime_result", body=body)["status"] == "in_progress"
    time.sleep(0.45)
    taken = client.callbacks.receive(kind="statum.airtime_result", body=body)
    assert taken["status"] == "claimed" and taken["claim"] not in (None, dead["claim"])
    assert taken["claim"] is not None
    assert client.callbacks.complete(claim=taken["claim"]) == {"completed": True, "lease_held": True}
    # The first worker coming back late learns that it lost its lease.
    assert client.callbacks.complete(claim=dead["claim"])["lease_held"] is False
    assert client.callbacks.release(claim=dead["claim"]) == {"released": False}
    assert client.callbacks.receive(kind="statum.airtime_result", body=body)["status"] == "done"


def test_async_claims() -> None:
    client = tuma.AsyncClient()
    body = airtime_result()

    async def main() -> None:
        first = await client.callbacks.receive(kind="statum.airtime_result", body=body)
        assert first["claim"] is not None
        assert await client.callbacks.release(claim=first["claim"]) == {"released": True}
        second = await client.callbacks.receive(kind="statum.airtime_result", body=body)
        assert second["claim"] is not None
        assert (await client.callbacks.complete(claim=second["claim"]))["lease_held"] is True
        assert (await client.callbacks.receive(kind="statum.airtime_result", body=body))["status"] == "done"

    asyncio.run(main())


def test_bad_claims_are_invalid_input() -> None:
    client = tuma.Client()
    for claim in ("", "no-dot", "nothex.statum.airtime_result:x"):
        with pytest.raises(tuma.InvalidInputError):
            client.callbacks.complete(claim=claim)
