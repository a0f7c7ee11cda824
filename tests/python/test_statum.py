"""Statum operations against the sandbox, through the Pythonic API."""

from __future__ import annotations

import asyncio
import re

import pytest

import tuma

from conftest import Sandbox, statum_config


def test_send_sms(client: tuma.Client) -> None:
    sent = client.statum.send_sms(sender_id="TUMA", phone="0712 345 678", message="Habari")
    assert sent["status_code"] == 200
    assert sent["description"] == "Operation successful."
    assert re.fullmatch(r"[A-Za-z0-9]{32}", sent["request_id"])


def test_send_sms_charges_the_wallet(client: tuma.Client) -> None:
    before = client.statum.account_details()["organization"]["details"]["available_balance"]
    client.statum.send_sms(sender_id="Statum", phone="+254712345678", message="one")
    after = client.statum.account_details()["organization"]["details"]["available_balance"]
    assert after == pytest.approx(before - 0.8)


def test_account_details(client: tuma.Client) -> None:
    details = client.statum.account_details()
    assert details["status_code"] == 200
    org = details["organization"]
    assert isinstance(org["details"]["available_balance"], float)
    sms_accounts = {a["account"] for a in org["accounts"] if a["service_name"] == "sms"}
    assert {"TUMA", "Statum"} <= sms_accounts


def test_airtime_takes_the_discounted_amount(client: tuma.Client) -> None:
    before = client.statum.account_details()["organization"]["details"]["available_balance"]
    r = client.statum.airtime(phone="0712345678", amount=50)
    assert r["status_code"] == 200 and len(r["request_id"]) == 32
    after = client.statum.account_details()["organization"]["details"]["available_balance"]
    assert after == pytest.approx(before - 48.5)


def test_unregistered_sender_is_an_api_error(client: tuma.Client) -> None:
    with pytest.raises(tuma.ApiError) as info:
        client.statum.send_sms(sender_id="NOPE", phone="0712345678", message="x")
    e = info.value
    assert e.status == 422 and e.code == "422" and e.provider == "statum"
    assert e.request_id
    assert "sender_id: The selected sender id is invalid." in str(e)
    assert e.outcome_unknown is False


def test_do_not_disturb_number_is_refused(client: tuma.Client) -> None:
    with pytest.raises(tuma.ApiError) as info:
        client.statum.send_sms(sender_id="TUMA", phone="254700000009", message="x")
    assert info.value.status == 400


def test_invalid_input_is_caught_before_sending(client: tuma.Client) -> None:
    with pytest.raises(tuma.InvalidInputError) as info:
        client.statum.airtime(phone="0712345678", amount=4)
    assert info.value.field == "amount"
    assert info.value.status is None and info.value.provider is None
    with pytest.raises(tuma.InvalidInputError) as info:
        client.statum.send_sms(sender_id="TUMA", phone="12345", message="x")
    assert info.value.field == "phone"
    with pytest.raises(tuma.InvalidInputError) as info:
        client.statum.airtime(phone="0712345678", amount=10.5)  # type: ignore[arg-type]
    assert info.value.field == "amount"


def test_wrong_credentials(sandbox: Sandbox) -> None:
    client = tuma.Client(statum=statum_config(sandbox, consumer_secret="wrong-secret-xyz"))
    with pytest.raises(tuma.AuthenticationError) as info:
        client.statum.account_details()
    assert info.value.status == 401 and info.value.provider == "statum"
    assert "wrong-secret-xyz" not in str(info.value)


def test_generic_call_reaches_the_same_operation(client: tuma.Client) -> None:
    r = client.call("statum.send_sms", sender_id="TUMA", phone="0712345678", message="hi")
    assert r["status_code"] == 200
    with pytest.raises(tuma.InvalidInputError) as info:
        client.call("statum.send_sms", sender_id="TUMA", phone="0712345678", message="hi", x=1)
    assert info.value.field == "x"
    with pytest.raises(tuma.InvalidInputError):
        client.call("statum.nope")


def test_async_methods(async_client: tuma.AsyncClient) -> None:
    async def main() -> None:
        sms, airtime, details = await asyncio.gather(
            async_client.statum.send_sms(sender_id="TUMA", phone="0712345678", message="a"),
            async_client.statum.airtime(phone="0712345678", amount=10),
            async_client.statum.account_details(),
        )
        assert sms["status_code"] == airtime["status_code"] == details["status_code"] == 200
        with pytest.raises(tuma.ApiError):
            await async_client.statum.send_sms(sender_id="NOPE", phone="0712345678", message="a")

    asyncio.run(main())
