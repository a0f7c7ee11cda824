"""Nothing in the core is out of reach: every operation, callback kind and utility the
native module lists has its Pythonic method or function, and that method calls exactly
that core name with its keyword arguments as the request document."""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any, Dict, List, Tuple

import pytest

import tuma
from tuma import _tuma


class Recorder:
    """Stands in for the native client and records what it is asked to run."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, Dict[str, Any]]] = []
        self.gates: List[Any] = []

    def call(self, operation: str, request_json: str, gate: Any = None) -> str:
        self.calls.append((operation, json.loads(request_json)))
        self.gates.append(gate)
        return "{}"

    def submit(self, operation: str, request_json: str, gate: Any, event_loop: Any, callback: Any) -> None:
        """The asyncio path: as the native pool does, settles through the loop."""
        event_loop.call_soon_threadsafe(callback, self.call(operation, request_json, gate), None)


def dummy_kwargs(fn: Any) -> Dict[str, Any]:
    params = inspect.signature(fn).parameters.values()
    assert all(p.kind == p.KEYWORD_ONLY for p in params), f"{fn} takes positional arguments"
    return {p.name: f"<{p.name}>" for p in params}


def test_lists_are_not_empty() -> None:
    assert "statum.send_sms" in tuma.operations()
    assert "statum.airtime_result" in tuma.callback_kinds()
    assert "phone.normalize" in tuma.utility_names()
    assert tuma.operations() == _tuma.operations()


@pytest.mark.parametrize("name", _tuma.operations())
def test_every_operation_has_a_method(name: str) -> None:
    provider, method = name.split(".", 1)
    client = tuma.Client()
    recorder = Recorder()
    client._native = recorder  # type: ignore[assignment]
    fn = getattr(getattr(client, provider), method)
    kwargs = dummy_kwargs(fn)
    fn(**kwargs)
    assert recorder.calls == [(name, kwargs)]

    aclient = tuma.AsyncClient.from_client(client)
    afn = getattr(getattr(aclient, provider), method)
    assert inspect.iscoroutinefunction(afn)
    assert inspect.signature(afn).parameters.keys() == inspect.signature(fn).parameters.keys()
    asyncio.run(afn(**kwargs))
    assert recorder.calls == [(name, kwargs)] * 2
    # Blocking calls run unguarded; every asyncio call runs behind a send gate of its own.
    assert recorder.gates[0] is None and isinstance(recorder.gates[1], _tuma.Gate)


def test_no_method_without_an_operation() -> None:
    client = tuma.Client()
    ops = set(_tuma.operations())
    for provider in {n.split(".")[0] for n in ops}:
        group = getattr(client, provider)
        public = {m for m in dir(group) if not m.startswith("_")}
        assert {f"{provider}.{m}" for m in public} <= ops


@pytest.mark.parametrize("kind", _tuma.callback_kinds())
def test_every_callback_kind_has_a_parser(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: List[Tuple[str, bytes]] = []

    def fake(k: str, body: bytes) -> str:
        seen.append((k, body))
        return "{}"

    monkeypatch.setattr(_tuma, "parse_callback", fake)
    fn_name = "parse_" + kind.replace(".", "_")
    fn = getattr(tuma.callbacks, fn_name)
    assert fn_name in tuma.callbacks.__all__
    assert getattr(tuma, fn_name) is fn, f"tuma.{fn_name} is not re-exported"
    fn("{}")
    assert seen == [(kind, b"{}")]


@pytest.mark.parametrize("name", _tuma.utilities())
def test_every_utility_has_a_function(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: List[Tuple[str, Dict[str, Any]]] = []

    def fake(n: str, request_json: str) -> str:
        seen.append((n, json.loads(request_json)))
        return "{}"

    monkeypatch.setattr(_tuma, "utility", fake)
    fn = getattr(tuma.utilities, name.replace(".", "_"))
    params = inspect.signature(fn).parameters
    kwargs = {p: f"<{p}>" for p in params}
    fn(**kwargs)
    assert seen == [(name, kwargs)]
