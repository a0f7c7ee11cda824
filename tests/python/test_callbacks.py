"""Callback parsing: typed results from bytes or text, and refusals."""

from __future__ import annotations

import pytest

import tuma

AIRTIME = (
    b'{"request_id":"35235f08c981474abd388755ed43a427","charge":48.5,"account_balance":5000,'
    b'"result_code":"200","result_desc":"You have topped up 254721553678 with Ksh. 50."}'
)


def test_airtime_result_from_bytes_and_text() -> None:
    for body in (AIRTIME, AIRTIME.decode(), bytearray(AIRTIME), memoryview(AIRTIME)):
        r = tuma.parse_statum_airtime_result(body)
        assert r["request_id"] == "35235f08c981474abd388755ed43a427"
        assert r["charge"] == 48.5 and r["account_balance"] == 5000.0
        assert r["result_code"] == "200"


def test_generic_result() -> None:
    r = tuma.callbacks.parse_statum_result('{"request_id":"abc","result_code":400,"result_desc":"failed"}')
    assert r == {"request_id": "abc", "result_code": "400", "result_desc": "failed"}


@pytest.mark.parametrize(
    "body",
    [b"", b"[]", b"{", b"\xff\xfe", b'{"result_code":"200"}',
     b'{"request_id":"a","result_code":"200","charge":"x","account_balance":1}'],
)
def test_malformed_airtime_results(body: bytes) -> None:
    with pytest.raises(tuma.InvalidCallbackError):
        tuma.parse_statum_airtime_result(body)


def test_unknown_kind() -> None:
    with pytest.raises(tuma.InvalidInputError):
        tuma.callbacks.parse("statum.nope", b"{}")


def test_generic_parse_equals_named() -> None:
    assert tuma.callbacks.parse("statum.airtime_result", AIRTIME) == tuma.parse_statum_airtime_result(AIRTIME)


def test_receive_deduplicates_redeliveries() -> None:
    client = tuma.Client()
    first = client.callbacks.receive(kind="statum.airtime_result", body=AIRTIME.decode())
    assert first["first_time"] is True and first["id"] == "35235f08c981474abd388755ed43a427"
    assert first["callback"]["charge"] == 48.5
    again = client.callbacks.receive(kind="statum.airtime_result", body=AIRTIME.decode())
    assert again["first_time"] is False
    assert client.callbacks.first_time(id="order-1")["first_time"] is True
    assert client.callbacks.first_time(id="order-1")["first_time"] is False
    with pytest.raises(tuma.InvalidCallbackError):
        client.callbacks.receive(kind="statum.airtime_result", body="{}")
