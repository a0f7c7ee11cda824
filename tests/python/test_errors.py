"""Every exception class, with its attributes, from real failures."""

from __future__ import annotations

import socket
import typing
import uuid
from typing import Callable

import pytest

import tuma
from tuma import _tuma

from conftest import STATUM_OK, FakeServer, Sandbox, json_reply, statum_config

ALL = [
    tuma.InvalidInputError,
    tuma.ConfigError,
    tuma.AuthenticationError,
    tuma.AuthorizationError,
    tuma.ApiError,
    tuma.RateLimitedError,
    tuma.NetworkError,
    tuma.TumaTimeoutError,
    tuma.DecodeError,
    tuma.InvalidCallbackError,
    tuma.StoreError,
    tuma.BusyError,
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
    assert len(set(ALL)) == len(ALL) == len(tuma.ERROR_KINDS)
    assert tuma.TumaError.outcome_unknown is False and tuma.TumaError.status is None


def test_every_core_error_kind_has_its_own_class() -> None:
    # ERROR_KINDS is the core's `ErrorKind::ALL`; the native mapping is an exhaustive match.
    kinds = tuma.ERROR_KINDS
    assert kinds is _tuma.ERROR_KINDS and isinstance(kinds, tuple)
    assert len(set(kinds)) == len(kinds)
    assert {"authorization", "store", "busy"} <= set(kinds)
    classes = {}
    for kind in kinds:
        cls = tuma.error_class(kind)
        assert cls is _tuma.error_class(kind)
        # A dedicated subclass: never the root as a fallback.
        assert cls is not tuma.TumaError and issubclass(cls, tuma.TumaError), kind
        assert cls.__module__ == "tuma" and getattr(tuma, cls.__name__) is cls
        assert cls.__name__ in tuma.__all__
        classes[kind] = cls
    assert len(set(classes.values())) == len(kinds), classes  # one class per kind
    assert set(classes.values()) == set(ALL)  # and every class is some kind's
    assert classes["authorization"] is tuma.AuthorizationError
    assert classes["timeout"] is tuma.TumaTimeoutError
    # The typed vocabulary of `TumaError.kind` is the same list.
    assert typing.get_args(tuma.types.ErrorKind) == kinds
    with pytest.raises(ValueError):
        tuma.error_class("nope")


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
    assert e.retry_after == 2.0 and e.retry_after_ms == 2000
    assert e.provider == "statum" and e.kind == "rate_limited"


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


def test_authorization_error(fake_server: Callable[..., FakeServer]) -> None:
    # Statum documents HTTP 403 as a refusal: valid credentials, not allowed this.
    server = fake_server(lambda m, p, b: json_reply(403, {"status_code": 403, "description": "Forbidden"}))
    with pytest.raises(tuma.AuthorizationError) as info:
        statum_client(server.url).statum.account_details()
    e = info.value
    assert (e.kind, e.provider, e.status, e.fate) == ("authorization", "statum", 403, "refused")
    assert not isinstance(e, tuma.AuthenticationError) and isinstance(e, tuma.TumaError)
    assert "s3cret-value" not in str(e)


def test_authorization_refusal_of_airtime_is_not_processed(faults: Sandbox) -> None:
    faults.fault("/airtime", 'reply=403;body={"status_code":403,"description":"Forbidden"}')
    phone = f"2547{uuid.uuid4().int % 10**8:08d}"  # found in the ledger by this test only
    with pytest.raises(tuma.AuthorizationError) as info:
        tuma.Client(statum=statum_config(faults), http={"max_retries": 0}).statum.airtime(phone=phone, amount=55)
    e = info.value
    assert (e.fate, e.outcome_unknown) == ("refused", False)
    assert e.recovery is not None and e.recovery["operation"] == "statum.airtime"
    assert (e.recovery["phone"], e.recovery["amount"]) == (phone, 55)
    assert faults.in_ledger("airtime", phone) == 0


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
