"""The Python side of the tuma benchmarks (run by ``tuma-bench``; see ``make bench``).

    bench.py seq MODE CONFIG_JSON CALLS [--no-warmup]   sequential calls/s
        MODE: tuma-sms, tuma-stk, httpclient-sms, httpclient-stk,
              mpesakit-session, mpesakit-default
    bench.py pair CONFIG_JSON CALLS CHUNKS MODE...      MODEs interleaved, calls/s each
    bench.py threads CONFIG_JSON THREADS CALLS          one tuma.Client, THREADS threads
    bench.py inflight tuma|httpx|aiohttp CONFIG_JSON N  N STK pushes at once, one async client
    bench.py timeout tuma|mpesakit CONFIG_JSON TIMEOUT_MS
    bench.py memory CONFIG_JSON CALLS

Prints one JSON object on its last line.
"""

from __future__ import annotations

import base64
import http.client
import json
import sys
import threading
import time
from typing import Any, Callable
from urllib.parse import urlsplit

SMS = {"sender_id": "TUMA", "phone": "0712345678", "message": "Your order 1234 has shipped."}
STK = {"phone": "0712345678", "amount": 10, "account_reference": "INV-001"}
SHORTCODE = "174379"


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def tuma_client(config: str) -> Any:
    import tuma

    return tuma.Client.from_json(config)


def basic(cfg: dict[str, Any]) -> str:
    d = cfg["daraja"]
    raw = f"{d['consumer_key']}:{d['consumer_secret']}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def stk_request(cfg: dict[str, Any], token: str) -> tuple[bytes, dict[str, str]]:
    """The body and headers of the STK push that the bare clients and the async peers send."""
    ts = "20260101120000"
    password = base64.b64encode(f"{SHORTCODE}{cfg['daraja']['passkey']}{ts}".encode()).decode()
    body = json.dumps({
        "BusinessShortCode": SHORTCODE, "Password": password, "Timestamp": ts,
        "TransactionType": "CustomerPayBillOnline", "Amount": 10, "PartyA": "254712345678",
        "PartyB": SHORTCODE, "PhoneNumber": "254712345678", "CallBackURL": cfg["daraja"]["callback_url"],
        "AccountReference": "INV-001", "TransactionDesc": "Payment",
    }).encode()
    return body, json_headers("Bearer " + token)


def json_headers(authorization: str) -> dict[str, str]:
    """The headers of a JSON POST with this Authorization."""
    return {
        "User-Agent": "bench/1",
        "Authorization": authorization,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


def httpclient_call(cfg: dict[str, Any], stk: bool) -> Callable[[], Any]:
    """A keep-alive http.client connection POSTing a prebuilt body, answer json.loads-ed."""
    base = urlsplit(cfg["daraja"]["base_url"])
    conn = http.client.HTTPConnection(base.hostname, base.port)
    if stk:
        conn.request("GET", "/oauth/v1/generate?grant_type=client_credentials", headers={"Authorization": basic(cfg)})
        token = json.loads(conn.getresponse().read())["access_token"]
        body, headers = stk_request(cfg, token)
        path = "/mpesa/stkpush/v1/processrequest"
    else:
        body = json.dumps({"sender_id": "TUMA", "phone_number": "254712345678", "message": SMS["message"]}).encode()
        path = "/statum/sms"
        headers = json_headers(basic(cfg))

    def call() -> Any:
        conn.request("POST", path, body=body, headers=headers)
        return json.loads(conn.getresponse().read())

    return call


def mpesakit_client(cfg: dict[str, Any], use_session: bool) -> Any:
    from mpesakit import MpesaClient

    d = cfg["daraja"]
    client = MpesaClient(d["consumer_key"], d["consumer_secret"], environment="sandbox", use_session=use_session)
    # MpesaHttpClient joins every path to this attribute.
    client.http_client.base_url = d["base_url"]
    return client


def mpesakit_push(client: Any, cfg: dict[str, Any]) -> Any:
    d = cfg["daraja"]
    return client.stk_push(
        business_short_code=int(SHORTCODE),
        transaction_type="CustomerPayBillOnline",
        amount=10,
        party_a="254712345678",
        party_b=SHORTCODE,
        phone_number="254712345678",
        callback_url=d["callback_url"],
        account_reference="INV-001",
        transaction_desc="Payment",
        passkey=d["passkey"],
    )


def make_call(mode: str, config: str) -> Callable[[], Any]:
    cfg = json.loads(config)
    call: Callable[[], Any]
    if mode.startswith("tuma-"):
        client = tuma_client(config)
        if mode == "tuma-sms":
            call = lambda: client.statum.send_sms(**SMS)  # noqa: E731
        else:
            call = lambda: client.daraja.stk_push(**STK)  # noqa: E731
    elif mode.startswith("httpclient-"):
        call = httpclient_call(cfg, mode == "httpclient-stk")
    elif mode.startswith("mpesakit-"):
        mk = mpesakit_client(cfg, mode == "mpesakit-session")
        call = lambda: mpesakit_push(mk, cfg)  # noqa: E731
    else:
        raise SystemExit(f"unknown mode {mode}")
    return call


def pair(config: str, calls: int, chunks: int, modes: list[str]) -> dict[str, Any]:
    """Every mode in `chunks` interleaved slices of `calls`, rotating the order."""
    fns = [make_call(m, config) for m in modes]
    secs = [0.0] * len(modes)
    for f in fns:
        for _ in range(max(calls // 2, 1)):
            f()
    for c in range(chunks):
        for i in range(len(fns)):
            k = (i + c) % len(fns)
            f = fns[k]
            start = time.perf_counter()
            for _ in range(calls):
                f()
            secs[k] += time.perf_counter() - start
    return {"rates": {m: chunks * calls / s for m, s in zip(modes, secs)}}


def seq(mode: str, config: str, calls: int, warmup: bool) -> dict[str, Any]:
    call = make_call(mode, config)
    if warmup:
        for _ in range(max(calls // 10, 1)):
            call()
    start = time.perf_counter()
    for _ in range(calls):
        call()
    seconds = time.perf_counter() - start
    return {"calls_per_sec": calls / seconds, "seconds": seconds}


def threads(config: str, count: int, calls: int) -> dict[str, Any]:
    client = tuma_client(config)
    client.statum.send_sms(**SMS)
    errors: list[BaseException] = []
    barrier = threading.Barrier(count + 1)

    def work() -> None:
        barrier.wait()
        try:
            for _ in range(calls):
                client.statum.send_sms(**SMS)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(count)]
    for t in ts:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in ts:
        t.join()
    seconds = time.perf_counter() - start
    if errors:
        raise errors[0]
    return {"calls_per_sec": count * calls / seconds}


def timeout(who: str, config: str, timeout_ms: int) -> dict[str, Any]:
    cfg = json.loads(config)
    if who == "tuma":
        import tuma

        client = tuma_client(config)
        try:
            client.daraja.stk_push(**STK)
            outcome = "success"
        except tuma.TumaError as e:
            outcome = f"`{type(e).__name__}`, outcome_unknown = {e.outcome_unknown}"
        return {"outcome": outcome, "timeout": f"{timeout_ms} ms"}
    # mpesakit: its timeout is a fixed 10 s argument of MpesaHttpClient.post; pass ours,
    # and skip tenacity's backoff sleeps (the number of attempts stays the same).
    from mpesakit.errors import MpesaApiException
    from mpesakit.http_client.mpesa_http_client import MpesaHttpClient

    original = MpesaHttpClient.post

    def post(self: Any, url: str, json: Any, headers: Any, timeout: float = 10) -> Any:
        return original(self, url, json, headers, timeout=timeout_ms / 1000)

    MpesaHttpClient.post = post  # type: ignore[method-assign]
    MpesaHttpClient._raw_post.retry.sleep = lambda _seconds: None  # type: ignore[attr-defined]
    mk = mpesakit_client(cfg, True)
    try:
        mpesakit_push(mk, cfg)
        outcome = "success"
    except MpesaApiException as e:
        outcome = f"`MpesaApiException` {e.error.error_code} (no sign the payment may exist)"
    return {"outcome": outcome, "timeout": f"{timeout_ms} ms (patched; default 10 s)"}


def memory(config: str, calls: int) -> dict[str, Any]:
    import tuma  # noqa: F401  (imported before the first figure)

    start = rss_kib()
    client = tuma_client(config)
    with_client = rss_kib()
    for _ in range(10_000):
        client.statum.send_sms(**SMS)
    warm = rss_kib()
    for _ in range(calls):
        client.statum.send_sms(**SMS)
    end = rss_kib()
    return {"start_kib": start, "client_kib": with_client, "warm_kib": warm, "end_kib": end}


def proc_status(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def inflight(mode: str, config: str, n: int) -> dict[str, Any]:
    """N STK pushes started at once on one async client (after one warm-up call that fetches
    the token); the parent samples this process's threads and RSS while it runs."""
    import asyncio
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    threads_before = proc_status("Threads")
    cfg = json.loads(config)

    async def run() -> dict[str, Any]:
        call: Callable[[], Any]
        close: Callable[[], Any] | None = None
        if mode == "tuma":
            import tuma

            client = tuma.AsyncClient.from_json(config)

            def call() -> Any:
                return client.daraja.stk_push(**STK)

        elif mode == "httpx":
            import httpx

            limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
            hc = httpx.AsyncClient(base_url=cfg["daraja"]["base_url"], limits=limits, timeout=60.0)
            r = await hc.get("/oauth/v1/generate?grant_type=client_credentials", headers={"Authorization": basic(cfg)})
            body, headers = stk_request(cfg, r.json()["access_token"])

            async def call() -> Any:
                resp = await hc.post("/mpesa/stkpush/v1/processrequest", content=body, headers=headers)
                return resp.json()

        elif mode == "aiohttp":
            import aiohttp

            connector = aiohttp.TCPConnector(limit=n, limit_per_host=n)
            session = aiohttp.ClientSession(cfg["daraja"]["base_url"], connector=connector)
            close = session.close
            url = "/oauth/v1/generate?grant_type=client_credentials"
            async with session.get(url, headers={"Authorization": basic(cfg)}) as r:
                token = (await r.json(content_type=None))["access_token"]
            body, headers = stk_request(cfg, token)

            async def call() -> Any:
                path = "/mpesa/stkpush/v1/processrequest"
                async with session.post(path, data=body, headers=headers) as resp:
                    return await resp.json(content_type=None)

        else:
            raise SystemExit(f"unknown mode {mode}")
        await call()
        start = time.perf_counter()
        results = await asyncio.gather(*(call() for _ in range(n)), return_exceptions=True)
        seconds = time.perf_counter() - start
        if close is not None:
            await close()
        errors = [r for r in results if isinstance(r, BaseException)]
        return {
            "calls_per_sec": n / seconds,
            "seconds": seconds,
            "errors": len(errors),
            "first_error": repr(errors[0])[:200] if errors else None,
            "threads_before": threads_before,
            "threads_after": proc_status("Threads"),
            "hwm_kib": proc_status("VmHWM"),
        }

    return asyncio.run(run())


def main(argv: list[str]) -> None:
    cmd = argv[1]
    if cmd == "seq":
        out = seq(argv[2], argv[3], int(argv[4]), "--no-warmup" not in argv)
    elif cmd == "pair":
        out = pair(argv[2], int(argv[3]), int(argv[4]), argv[5:])
    elif cmd == "threads":
        out = threads(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "timeout":
        out = timeout(argv[2], argv[3], int(argv[4]))
    elif cmd == "memory":
        out = memory(argv[2], int(argv[3]))
    elif cmd == "inflight":
        out = inflight(argv[2], argv[3], int(argv[4]))
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
