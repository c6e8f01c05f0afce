"""Checking evidence links (断链、错链): the one module that imports httpx (an optional extra).

Every `evidence` URL of the progress records is visited, politely: HEAD first with a GET fallback,
redirects followed by hand (so loops and long chains are named), at most N requests at once and a
few per host, retries with backoff for transient failures, a time limit per request and one for
the whole run, and a clear User-Agent. A record may list `expect` terms that the page must still
mention; then the page is read (at most 2 MiB) and searched. Nothing here reads the clock: callers
pass `now` for the result cache.

Each link ends in one state: `ok`, `redirected` (it works, but from elsewhere: `detail` says where)
or `broken` (4xx/5xx, DNS failure, refused connection, timeout, TLS problem, redirect loop, or a
page that no longer mentions the expected terms). The reason is kept as a message id and its
values (`Reason`), so JSON and the cache hold the English and tables say it in the user's language.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.utils
import json
import re
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from gkledger import __version__
from gkledger.i18n import N_, _f

State = Literal["ok", "redirected", "broken"]

USER_AGENT = f"gkledger/{__version__} (evidence link check of a government openness ledger)"  # ASCII
MAX_REDIRECTS = 10
MAX_BODY = 2 * 1024 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
TRANSIENT = frozenset({429, 502, 503, 504})
HEAD_REFUSED = frozenset({400, 403, 405, 501})
CACHE_HOURS = 24
BUDGET_REASON = N_("timeout: the run's time budget of {budget} s ran out")


@dataclass(frozen=True)
class Reason:
    """Why a link is in its state: an English message template (a gettext id) and its values."""

    template: str = ""
    values: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        """In English, as JSON and the cache keep it."""
        return self.template.format(**dict(self.values))

    def said(self) -> str:
        """In the user's language."""
        return _f(self.template, **dict(self.values)) if self.template else ""


def because(template: str, **values: object) -> Reason:
    return Reason(template, tuple((key, str(value)) for key, value in values.items()))


@dataclass(frozen=True)
class Evidence:
    """One evidence link to check, with the record it comes from."""

    path: str
    line: int
    task: str
    unit: str
    url: str
    expect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    state: State
    status: int | None
    reason: Reason = Reason()
    final_url: str | None = None

    @property
    def detail(self) -> str:
        return str(self.reason)


@dataclass(frozen=True)
class LinkResult:
    evidence: Evidence
    outcome: Outcome
    cached: bool = False


@dataclass(frozen=True)
class LinkLimits:
    timeout: float = 10.0  # seconds per request
    concurrency: int = 8
    per_host: int = 2
    retries: int = 2
    budget: float = 300.0  # seconds for the whole run
    backoff: float = 0.5  # seconds before the first retry; doubled after each
    verify: bool | ssl.SSLContext = True  # tests pass a context that trusts their own CA


class _Transient(Exception):
    def __init__(self, outcome: Outcome, retry_after: float | None = None) -> None:
        self.outcome = outcome
        self.retry_after = retry_after


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything behind it (causes, contexts, groups), nearest first."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop(0)
        if current is None or any(current is seen for seen in found):
            continue
        found.append(current)
        pending.extend(getattr(current, "exceptions", ()) or ())
        pending += [current.__cause__, current.__context__]
    return found


def describe_error(exc: BaseException) -> Reason:
    """A short reason for a failed request, as a user should read it."""
    causes = _causes(exc)
    text = " ".join(str(c) for c in causes).lower()
    if isinstance(exc, httpx.TimeoutException) or any(isinstance(c, TimeoutError) for c in causes):
        return because(N_("timeout"))
    if any(isinstance(c, ssl.SSLError) for c in causes) or "certificate verify failed" in text:
        found = re.search(r"certificate verify failed: ([^()\]]+)", text)
        if found:
            return because(N_("TLS problem: {reason}"), reason=found.group(1).strip())
        return because(N_("TLS problem: the secure connection failed"))
    if any(isinstance(c, socket.gaierror) for c in causes) or re.search(
        r"name or service not known|nodename nor servname|getaddrinfo|name resolution", text
    ):
        return because(N_("DNS failure: the host name does not resolve"))
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text:
        return because(N_("connection refused"))
    if isinstance(exc, httpx.UnsupportedProtocol):
        return because(N_("not an http(s) URL"))
    return because(N_("connection failed ({error})"), error=type(exc).__name__)


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds a server asks us to wait: a number, or an HTTP date read against the server's own
    Date header (so no clock is read here); None when it does not say."""
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(value)
        sent = email.utils.parsedate_to_datetime(response.headers.get("date", ""))
        return max(0.0, (when - sent).total_seconds())
    return None


class Checker:
    def __init__(self, client: httpx.AsyncClient, limits: LinkLimits) -> None:
        self.client = client
        self.limits = limits
        self.everyone = asyncio.Semaphore(limits.concurrency)
        self.hosts: dict[str, asyncio.Semaphore] = {}

    def _host_gate(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc.lower()
        if host not in self.hosts:
            self.hosts[host] = asyncio.Semaphore(self.limits.per_host)
        return self.hosts[host]

    async def _send(self, method: str, url: str, read_body: bool) -> tuple[httpx.Response, bytes]:
        """One request, bounded as a whole by the timeout: httpx's own timeouts bound each wait,
        not a body trickled a byte at a time."""
        async with self.everyone, self._host_gate(url):
            return await asyncio.wait_for(self._exchange(method, url, read_body), self.limits.timeout)

    async def _exchange(self, method: str, url: str, read_body: bool) -> tuple[httpx.Response, bytes]:
        request = self.client.build_request(method, url)
        response = await self.client.send(request, stream=True)
        try:
            body = b""
            if read_body:
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) >= MAX_BODY:
                        break
            return response, body
        finally:
            await response.aclose()

    async def _request(self, url: str, read_body: bool) -> tuple[httpx.Response, bytes]:
        """One URL, HEAD first unless the body is needed; transient failures raise _Transient."""
        try:
            if not read_body:
                response, body = await self._send("HEAD", url, False)
                if response.status_code not in HEAD_REFUSED:
                    self._raise_if_transient(response)
                    return response, body
            response, body = await self._send("GET", url, read_body)
        except (httpx.TimeoutException, TimeoutError) as exc:
            raise _Transient(Outcome("broken", None, because(N_("timeout")))) from exc
        except httpx.RemoteProtocolError as exc:
            closed = because(N_("the server closed the connection"))
            raise _Transient(Outcome("broken", None, closed)) from exc
        self._raise_if_transient(response)
        return response, body

    @staticmethod
    def _raise_if_transient(response: httpx.Response) -> None:
        if response.status_code in TRANSIENT:
            outcome = Outcome(
                "broken", response.status_code, because(N_("HTTP {status}"), status=response.status_code)
            )
            raise _Transient(outcome, _retry_after(response))

    async def _with_retries(self, url: str, read_body: bool) -> tuple[httpx.Response, bytes]:
        delay = self.limits.backoff
        for attempt in range(self.limits.retries + 1):
            try:
                return await self._request(url, read_body)
            except _Transient as transient:
                if attempt == self.limits.retries:
                    raise
                wait = transient.retry_after if transient.retry_after is not None else delay
                await asyncio.sleep(min(wait, 5.0))
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    async def probe(self, url: str, expect: tuple[str, ...]) -> Outcome:
        invalid = _invalid(url)
        if invalid is not None:
            return Outcome("broken", None, because(N_("not a valid URL: {why}"), why=invalid))
        chain = [url]
        current = url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response, body = await self._with_retries(current, read_body=bool(expect))
                location = response.headers.get("location")
                if response.status_code in REDIRECTS and location:
                    following = urljoin(current, location)
                    if following in chain:
                        loop = " → ".join([*chain[chain.index(following) :], following])
                        loop_reason = because(N_("redirect loop: {loop}"), loop=loop)
                        return Outcome("broken", response.status_code, loop_reason)
                    chain.append(following)
                    current = following
                    continue
                return self._judge(response, body, chain, expect)
            too_many = because(N_("more than {count} redirects"), count=MAX_REDIRECTS)
            return Outcome("broken", None, too_many, current)
        except _Transient as transient:
            return transient.outcome
        except httpx.HTTPError as exc:
            return Outcome("broken", None, describe_error(exc))
        except (ssl.SSLError, OSError) as exc:
            return Outcome("broken", None, describe_error(exc))
        except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
            return Outcome("broken", None, because(N_("not a valid URL: {why}"), why=exc))

    @staticmethod
    def _judge(response: httpx.Response, body: bytes, chain: list[str], expect: tuple[str, ...]) -> Outcome:
        status = response.status_code
        final = chain[-1]
        moved = len(chain) > 1
        if status >= 400 or status < 200:
            if moved:
                reason = because(N_("HTTP {status} after redirect to {url}"), status=status, url=final)
            else:
                reason = because(N_("HTTP {status}"), status=status)
            return Outcome("broken", status, reason, final)
        if expect:
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and not (
                kind.startswith("text/") or kind in ("application/xhtml+xml", "application/xml")
            ):
                cannot = because(N_("cannot look for {terms} in {kind}"), terms="、".join(expect), kind=kind)
                return Outcome("redirected" if moved else "ok", status, cannot, final)
            text = _decode(body, response)
            missing = [term for term in expect if term not in text]
            if missing:
                gone = because(N_("the page no longer mentions {terms}"), terms="、".join(missing))
                return Outcome("broken", status, gone, final)
        if moved:
            return Outcome("redirected", status, because(N_("now at {url}"), url=final), final)
        return Outcome("ok", status, Reason(), final)


def _invalid(url: str) -> str | None:
    """Why no client can request `url` (a port past 65535, a host that is not valid IDNA), or None."""
    try:
        parsed = httpx.URL(url)
        port = parsed.port
        host = parsed.host
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        return str(exc) or type(exc).__name__
    if port is not None and not 0 < port <= 65535:
        return f"port {port} is out of range"
    if not host:
        return "no host"
    return None


def _decode(body: bytes, response: httpx.Response) -> str:
    """A page's text: the header's charset, else a <meta> charset, else UTF-8, else GB18030."""
    charsets = []
    if response.charset_encoding:
        charsets.append(response.charset_encoding)
    meta = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", body[:4096], re.IGNORECASE)
    if meta:
        charsets.append(meta.group(1).decode("ascii", "replace"))
    charsets += ["utf-8", "gb18030"]
    for charset in charsets:
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            return body.decode(charset)
    return body.decode("utf-8", "replace")


async def _check_all(
    items: list[Evidence], limits: LinkLimits, on_result: Callable[[LinkResult], None] | None
) -> list[LinkResult]:
    by_key: dict[tuple[str, tuple[str, ...]], list[Evidence]] = {}
    for evidence in items:
        by_key.setdefault((evidence.url, evidence.expect), []).append(evidence)
    outcomes: dict[tuple[str, tuple[str, ...]], Outcome] = {}
    timeout = httpx.Timeout(limits.timeout)
    pool = httpx.Limits(max_connections=limits.concurrency)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    async with httpx.AsyncClient(
        timeout=timeout, limits=pool, headers=headers, follow_redirects=False, verify=limits.verify
    ) as client:
        checker = Checker(client, limits)

        async def one(key: tuple[str, tuple[str, ...]]) -> None:
            try:
                outcomes[key] = await checker.probe(*key)
            except Exception as exc:  # a failure no rule above names is still this link's result
                failed = because(N_("check failed ({error})"), error=f"{type(exc).__name__}: {exc}")
                outcomes[key] = Outcome("broken", None, failed)
            if on_result is not None:
                for evidence in by_key[key]:
                    on_result(LinkResult(evidence, outcomes[key]))

        jobs = [asyncio.ensure_future(one(key)) for key in by_key]
        if jobs:
            _, pending = await asyncio.wait(jobs, timeout=limits.budget)
            for job in pending:
                job.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
    unchecked = Outcome("broken", None, because(BUDGET_REASON, budget=f"{limits.budget:g}"))
    return [LinkResult(e, outcomes.get((e.url, e.expect), unchecked)) for e in items]


def check(
    items: Iterable[Evidence], limits: LinkLimits, on_result: Callable[[LinkResult], None] | None = None
) -> list[LinkResult]:
    """Check every link (each distinct URL once) and return one result per item, in order."""
    return asyncio.run(_check_all(list(items), limits, on_result))


# ---------------------------------------------------------------------------------------------
# A day's cache of results, so repeated runs do not hammer government sites
# ---------------------------------------------------------------------------------------------


def _cache_key(evidence: Evidence) -> str:
    return evidence.url + ("\n" + "\n".join(evidence.expect) if evidence.expect else "")


def read_cache(path: Path, now: dt.datetime) -> dict[str, tuple[Outcome, str]]:
    """Results younger than a day, with when they were found; anything unreadable is not a hit."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    fresh: dict[str, tuple[Outcome, str]] = {}
    if not isinstance(raw, dict):
        return fresh
    for key, entry in raw.items():
        try:
            checked = dt.datetime.fromisoformat(entry["checked"])
            if dt.timedelta(0) <= now - checked <= dt.timedelta(hours=CACHE_HOURS):
                values = entry.get("values") or {}
                reason = because(entry["reason"], **values) if "reason" in entry else Reason()
                if str(reason) != entry["detail"]:  # an older cache, or one edited by hand
                    reason = because(N_("{detail}"), detail=entry["detail"])
                outcome = Outcome(entry["state"], entry["status"], reason, entry.get("final_url"))
                fresh[key] = (outcome, entry["checked"])
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    return fresh


def cached_check(
    items: list[Evidence],
    limits: LinkLimits,
    cache_file: Path | None,
    now: dt.datetime,
    on_result: Callable[[LinkResult], None] | None = None,
) -> list[LinkResult]:
    """Like `check`, but answers from results younger than a day where it can, and saves new ones."""
    known = read_cache(cache_file, now) if cache_file is not None else {}
    hits = {i: known[_cache_key(e)][0] for i, e in enumerate(items) if _cache_key(e) in known}
    todo = [e for i, e in enumerate(items) if i not in hits]
    fresh = iter(check(todo, limits, on_result))
    results = [LinkResult(e, hits[i], cached=True) if i in hits else next(fresh) for i, e in enumerate(items)]
    if cache_file is not None and todo:
        _save(cache_file, results, known, now)
    return results


def _entry(outcome: Outcome, checked: str) -> dict[str, object]:
    return {
        "state": outcome.state,
        "status": outcome.status,
        "detail": outcome.detail,
        "reason": outcome.reason.template,
        "values": dict(outcome.reason.values),
        "final_url": outcome.final_url,
        "checked": checked,
    }


def _save(
    path: Path, results: list[LinkResult], known: dict[str, tuple[Outcome, str]], now: dt.datetime
) -> None:
    from gkledger.store.atomic import write_atomic

    entries = {key: _entry(outcome, checked) for key, (outcome, checked) in known.items()}
    for result in results:
        if not result.cached and result.outcome.reason.template != BUDGET_REASON:
            entries[_cache_key(result.evidence)] = _entry(result.outcome, now.isoformat())
    with contextlib.suppress(OSError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entries, ensure_ascii=False, indent=1).encode("utf-8"), mode=0o600)
