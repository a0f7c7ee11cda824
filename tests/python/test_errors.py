"""Every exception class, with its attributes, from real failures."""

from __future__ import annotations

import socket
from typing import Callable

import pytest

import tuma

from conftest import STATUM_OK, FakeServer, Sandbox, json_reply, statum_config

ALL = [
    tuma.InvalidInputError,
    tuma.ConfigError,
    tuma.AuthenticationError,
    tuma.ApiError,
    tuma.RateLimitedError,
    tuma.NetworkError,
    tuma.TumaTimeoutError,
    tuma.DecodeError,
    tuma.InvalidCallbackError,
    tuma.StoreError,
]


def statum_client(url: str, **http: object) -> tuma.Client:
    return tuma.Client(
        statum={"consumer_key": "k", "consumer_secret": "s3cret-value", "base_url": url},
        http={"max_retries": 0, **http},  # type: ignore[typeddict-item]
    )


def test_hierarchy() -> None:
    assert issubclass(tuma.TumaError, Exception)
    for cls in ALL:
        assert issubclass(cls, tuma.TumaError)
        assert cls.__module__ == "tuma"
    assert len(set(ALL)) == 10
    assert tuma.TumaError.outcome_unknown is False and tuma.TumaError.status is None


def test_config_error() -> None:
    with pytest.raises(tuma.ConfigError) as info:
        tuma.Client(statum={"consumer_key": "k", "consumer_secret": ""})
    assert info.value.field == "statum.consumer_secret" and info.value.kind == "config"
    with pytest.raises(tuma.ConfigError) as info:
        tuma.Client(statum={"consumer_key": "k", "consumer_secret": "s", "base_url": "http://example.com/"})
    assert info.value.field == "statum.base_url"
    with pytest.raises(tuma.ConfigError):
        tuma.Client.from_json('{"statum": {"consumer_key": "k", "consumer_secret": "s"}, "typo": 1}')
    # A provider that is not configured.
    with pytest.raises(tuma.ConfigError) as info:
        tuma.Client().statum.account_details()
    assert info.value.field == "statum"


def test_secret_never_in_errors_or_repr() -> None:
    with pytest.raises(tuma.ConfigError) as info:
        tuma.Client.from_json('{"statum": {"consumer_key": "k", "consumer_secret": 12345678}}')
    assert "12345678" not in str(info.value)
    client = statum_client("http://127.0.0.1:9/")
    assert "s3cret-value" not in repr(client) and "statum" in repr(client)


def test_rate_limited(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(lambda m, p, b: json_reply(429, {"status_code": 429, "description": "Slow down"}, {"Retry-After": "2"}))
    with pytest.raises(tuma.RateLimitedError) as info:
        statum_client(server.url).statum.account_details()
    e = info.value
    assert e.retry_after == 2.0 and e.provider == "statum" and e.kind == "rate_limited"


def test_network_error_before_sending_is_not_outcome_unknown() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on the port any more: connection refused, nothing was sent.
    with pytest.raises(tuma.NetworkError) as info:
        statum_client(f"http://127.0.0.1:{port}/api/v2/").statum.airtime(phone="0712345678", amount=10)
    assert info.value.outcome_unknown is False and info.value.provider == "statum"


def test_timeout_after_sending_money_is_outcome_unknown(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(lambda m, p, b: json_reply(200, STATUM_OK), delay=1.5)
    client = statum_client(server.url, connect_timeout_ms=200, timeout_ms=400)
    with pytest.raises(tuma.TumaTimeoutError) as info:
        client.statum.airtime(phone="0712345678", amount=10)
    assert info.value.outcome_unknown is True
    assert len(server.spans) + server.in_flight == 1  # sent once, never resent


def test_decode_error(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(lambda m, p, b: (502, {"Content-Type": "text/html"}, b"<html>bad gateway</html>"))
    with pytest.raises(tuma.DecodeError) as info:
        statum_client(server.url).statum.send_sms(sender_id="TUMA", phone="0712345678", message="x")
    assert info.value.status == 502 and info.value.outcome_unknown is True


def test_api_error_attributes(sandbox: Sandbox) -> None:
    client = tuma.Client(statum=statum_config(sandbox))
    with pytest.raises(tuma.ApiError) as info:
        client.statum.send_sms(sender_id="NOPE", phone="0712345678", message="x")
    e = info.value
    assert (e.kind, e.provider, e.status, e.code) == ("api", "statum", 422, "422")
    assert e.field is None and e.retry_after is None


def test_authentication_error(fake_server: Callable[..., FakeServer]) -> None:
    server = fake_server(lambda m, p, b: json_reply(401, {"status_code": 401, "description": "Unauthorized."}))
    with pytest.raises(tuma.AuthenticationError) as info:
        statum_client(server.url).statum.account_details()
    assert info.value.status == 401
    assert "s3cret-value" not in str(info.value)


def test_invalid_callback_error() -> None:
    with pytest.raises(tuma.InvalidCallbackError) as info:
        tuma.parse_statum_result(b"not json")
    assert info.value.provider == "statum" and info.value.kind == "invalid_callback"


def test_invalid_input_error() -> None:
    with pytest.raises(tuma.InvalidInputError) as info:
        tuma.normalize_phone("0812")
    assert info.value.field == "phone" and isinstance(info.value, tuma.TumaError)


def test_every_error_can_be_caught_as_the_root() -> None:
    with pytest.raises(tuma.TumaError):
        tuma.callbacks.parse("statum.result", b"[]")


def test_store_down_is_a_store_error() -> None:
    # A Redis nobody listens on: de-duplication answers with a typed error, never a guess.
    client = tuma.Client(store={"url": "redis://127.0.0.1:9/", "timeout_ms": 200})
    with pytest.raises(tuma.StoreError) as info:
        client.callbacks.first_time(id="order-1")
    assert info.value.kind == "store"
    assert "redis://" not in str(info.value)
