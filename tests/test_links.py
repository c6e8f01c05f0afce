"""gkledger links against local servers that answer every way a government site might (loopback
only, never the internet): ok, 404, 500, slow, redirect chains and loops, non-HTML, huge bodies,
servers that refuse HEAD or fail once, pages in GBK, and invalid TLS."""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import Result

from .conftest import write

httpx = pytest.importorskip("httpx")
from gkledger import i18n  # noqa: E402
from gkledger.history import links  # noqa: E402

Cli = Callable[..., Result]
HITS: Counter[str] = Counter()
PAGE = "<html><head><meta charset='utf-8'></head><body>行政许可决定公示：关键词一 关键词二</body></html>"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(
        self, status: int, body: bytes = b"", kind: str = "text/html; charset=utf-8", **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.route()

    def do_GET(self) -> None:
        self.route()

    def route(self) -> None:
        HITS[f"{self.command} {self.path}"] += 1
        path = self.path.split("?", 1)[0]
        if path == "/ok":
            self._send(200, PAGE.encode())
        elif path == "/404":
            self._send(404, b"not found")
        elif path == "/500":
            self._send(500, b"oops")
        elif path == "/slow":
            time.sleep(3)
            self._send(200, b"late")
        elif path == "/redirect":
            self._send(301, Location="/ok")
        elif path.startswith("/chain/"):
            step = int(path.rsplit("/", 1)[1])
            self._send(302, Location=f"/chain/{step + 1}" if step < 3 else "/ok")
        elif path == "/loop/a":
            self._send(302, Location="/loop/b")
        elif path == "/loop/b":
            self._send(302, Location="/loop/a")
        elif path == "/to404":
            self._send(302, Location="/404")
        elif path == "/pdf":
            self._send(200, b"%PDF-1.4 ...", kind="application/pdf")
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(200 * 1024 * 1024))
            self.end_headers()
            if self.command == "GET":
                try:
                    chunk = b"<p>" + b"x" * 65533
                    for _ in range(3200):
                        self.wfile.write(chunk)
                except OSError:
                    pass
        elif path == "/nohead":
            self._send(405 if self.command == "HEAD" else 200, PAGE.encode())
        elif path == "/flaky":
            self._send(503 if HITS[f"{self.command} {path}"] == 1 else 200, PAGE.encode(), Retry_After="0")
        elif path == "/gbk":
            self._send(200, PAGE.replace("utf-8", "gbk").encode("gbk"), kind="text/html; charset=gbk")
        elif path == "/trickle":  # headers at once, then a byte every 0.2 s: no single wait is long
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            self.close_connection = True
        elif path == "/moved-words":
            self._send(200, "<html><body>本栏目已调整</body></html>".encode())
        else:
            self._send(404)


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (a timeout) is what some cases test, not a failure to print


def serve(context: ssl.SSLContext | None = None) -> tuple[ThreadingHTTPServer, str]:
    server = QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    scheme = "https" if context else "http"
    return server, f"{scheme}://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server, base = serve()
    yield base
    server.shutdown()


@pytest.fixture(scope="module")
def tls_site() -> Iterator[tuple[str, ssl.SSLContext]]:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server, base = serve(context)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    yield base, client
    server.shutdown()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


CASES = {  # path -> (state, status, words in detail); a case with expect terms carries them after '|'
    "/ok": ("ok", 200, ""),
    "/404": ("broken", 404, "HTTP 404"),
    "/500": ("broken", 500, "HTTP 500"),
    "/slow": ("broken", None, "timeout"),
    "/redirect": ("redirected", 200, "/ok"),
    "/chain/1": ("redirected", 200, "/ok"),
    "/loop/a": ("broken", 302, "redirect loop"),
    "/to404": ("broken", 404, "after redirect"),
    "/pdf": ("ok", 200, ""),
    "/huge|关键词一": ("broken", 200, "no longer mentions 关键词一"),
    "/nohead": ("ok", 200, ""),
    "/flaky": ("ok", 200, ""),
    "/gbk|关键词二": ("ok", 200, ""),
    "/ok|关键词一": ("ok", 200, ""),
    "/moved-words|关键词一": ("broken", 200, "no longer mentions 关键词一"),
    "/pdf|关键词一": ("ok", 200, "cannot look for"),
    "/trickle|关键词一": ("broken", None, "timeout"),  # --timeout bounds the whole request
}
OWED = ["1", "2", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"]


def ledger_with_links(root: Path, urls: list[tuple[str, str]]) -> None:
    """Records of 回民区 (and 玉泉区 after 18) whose evidence is each URL, with optional expect terms."""
    lines = []
    for i, (url, expect) in enumerate(urls):
        unit = "回民区" if i < len(OWED) else "玉泉区"
        lines += [
            f"- task: '{OWED[i % len(OWED)]}'",
            f"  unit: {unit}",
            "  done: 2021-08-01",
            f"  evidence: {url}",
        ]
        if expect:
            lines.append(f"  expect: [{expect}]")
    write(root / "progress" / "links.yaml", "\n".join(lines) + "\n")


def run_links(cli: Cli, root: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = cli("links", "--format", "json", "--timeout", "1", "--data", str(root), *args)
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout or "[]")


def test_every_answer_is_classified(cli: Cli, shipped: Path, site: str) -> None:
    urls = [(site + case.split("|")[0], case.split("|")[1] if "|" in case else "") for case in CASES]
    refused = f"http://127.0.0.1:{closed_port()}/gone"
    ledger_with_links(shipped, [*urls, (refused, "")])
    code, rows = run_links(cli, shipped, "--fresh")
    assert code == 1
    assert len(rows) == len(CASES) + 1
    for row, (case, (state, status, words)) in zip(rows, CASES.items(), strict=False):
        assert (row["state"], row["status"]) == (state, status), (case, row)
        assert words in str(row["detail"]), (case, row)
        assert {"path", "line", "task", "unit", "url", "state", "status", "detail"} <= set(row)
        assert str(row["path"]).endswith("progress/links.yaml") and isinstance(row["line"], int)
    assert (rows[-1]["state"], rows[-1]["detail"]) == ("broken", "connection refused")
    assert HITS["HEAD /nohead"] >= 1 and HITS["GET /nohead"] >= 1  # HEAD first, GET when refused
    assert HITS["GET /flaky"] + HITS["HEAD /flaky"] >= 2  # retried after the 503


def test_invalid_tls_is_broken_and_valid_tls_ok(tls_site: tuple[str, ssl.SSLContext]) -> None:
    base, trusting = tls_site
    item = links.Evidence("p.yaml", 1, "5", "回民区", base + "/ok")
    [untrusted] = links.check([item], links.LinkLimits(timeout=2))
    assert untrusted.outcome.state == "broken" and untrusted.outcome.detail.startswith("TLS problem")
    [trusted] = links.check([item], links.LinkLimits(timeout=2, verify=trusting))
    assert trusted.outcome.state == "ok"


def test_the_run_is_bounded_by_its_budget(site: str) -> None:
    items = [links.Evidence("p.yaml", i, str(i), "回民区", f"{site}/slow?{i}") for i in range(4)]
    results = links.check(items, links.LinkLimits(timeout=30, budget=1, concurrency=1, per_host=1))
    assert all(r.outcome.state == "broken" for r in results)
    assert any("time budget" in r.outcome.detail for r in results)


def test_each_distinct_url_is_fetched_once_and_the_day_cache_answers(
    cli: Cli, shipped: Path, site: str
) -> None:
    url = f"{site}/ok?once"
    ledger_with_links(shipped, [(url, ""), (url, ""), (url, "")])
    code, rows = run_links(cli, shipped)
    assert code == 0 and [r["state"] for r in rows] == ["ok"] * 3
    assert HITS["HEAD /ok?once"] == 1
    code, rows = run_links(cli, shipped)
    assert code == 0 and all(r["cached"] for r in rows)
    assert HITS["HEAD /ok?once"] == 1  # no second visit within a day
    run_links(cli, shipped, "--fresh")
    assert HITS["HEAD /ok?once"] == 2


def test_table_and_csv_name_file_and_line(
    cli: Cli, shipped: Path, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger_with_links(shipped, [(f"{site}/404", ""), (f"{site}/ok", "")])
    monkeypatch.chdir(shipped.parent)
    table = cli("links", "--fresh", "--data", "data")
    assert table.exit_code == 1
    assert "data/progress/links.yaml:1" in table.stdout and "HTTP 404" in table.stdout
    assert "2 links: 1 ok, 0 redirected, 1 broken" in table.stdout
    csv_out = cli("links", "--format", "csv", "--unit", "回民区", "--data", "data").stdout
    assert csv_out.startswith("\ufeffpath,line,task,unit,url,state,status,detail")


def test_dns_failures_are_named() -> None:
    error = httpx.ConnectError("[Errno -2] Name or service not known")
    assert str(links.describe_error(error)) == "DNS failure: the host name does not resolve"
    refused = links.describe_error(httpx.ConnectError("[Errno 111] Connection refused"))
    assert str(refused) == "connection refused"
    assert str(links.describe_error(httpx.ReadTimeout("read timed out"))) == "timeout"
    i18n.use("zh")
    try:
        assert refused.said() == "连接被拒绝"
    finally:
        i18n.use("en")


def test_a_ledger_without_evidence_has_nothing_to_check(cli: Cli, shipped: Path) -> None:
    result = cli("links", "--data", str(shipped))
    assert result.exit_code == 0 and "No evidence links" in result.stderr


def test_check_itself_stays_offline(cli: Cli, shipped: Path) -> None:
    ledger_with_links(shipped, [(f"http://127.0.0.1:{closed_port()}/x", "")])
    assert cli("check", "--data", str(shipped)).exit_code == 0  # a well-formed URL is all check asks


def test_retry_after_in_seconds_or_as_a_date_against_the_servers_clock() -> None:
    def response(**headers: str) -> object:
        return httpx.Response(503, headers={k.replace("_", "-"): v for k, v in headers.items()})

    assert links._retry_after(response(Retry_After="3")) == 3.0
    later = response(Retry_After="Wed, 21 Oct 2026 07:28:10 GMT", Date="Wed, 21 Oct 2026 07:28:00 GMT")
    assert links._retry_after(later) == 10.0
    assert links._retry_after(response(Retry_After="Wed, 21 Oct 2026 07:28:10 GMT")) is None  # no Date
    assert links._retry_after(response()) is None


@pytest.mark.parametrize(
    ("url", "detail"),
    [("http://127.0.0.1:70000/a", "not a valid URL"), ("http://xn--a.example/", "not a valid URL")],
)
def test_urls_no_client_can_request_are_broken_at_once(url: str, detail: str) -> None:
    item = links.Evidence("progress/x.yaml", 1, "5", "回民区", url)
    [result] = links.check([item], links.LinkLimits(timeout=1, budget=30))
    assert result.outcome.state == "broken" and detail in result.outcome.detail
    assert "budget" not in result.outcome.detail


@pytest.mark.parametrize("url", ["http://127.0.0.1:70000/a", "http://xn--a.example/", "https://a..b/"])
def test_check_refuses_urls_no_client_can_request(cli: Cli, shipped: Path, url: str) -> None:
    write(
        shipped / "progress" / "回民区.yaml",
        f"- task: '5'\n  unit: 回民区\n  done: 2021-08-01\n  evidence: {url}\n",
    )
    result = cli("check", "--data", str(shipped))
    assert result.exit_code == 1 and "GK107" in result.stdout


def test_reasons_keep_their_message_through_the_cache_and_read_in_chinese(tmp_path: Path) -> None:
    """The cache keeps a reason's message id and values: a cached result is said in the user's
    language as a fresh one is; an entry of an older cache (English detail only) is shown as is."""
    evidence = links.Evidence("p.yaml", 3, "5", "回民区", "https://example.gov.cn/x")
    now = dt.datetime(2021, 9, 1, 12, 0)
    reason = links.because("HTTP {status} after redirect to {url}", status=404, url="https://a.gov.cn/")
    result = links.LinkResult(evidence, links.Outcome("broken", 404, reason, "https://a.gov.cn/"))
    cache = tmp_path / "links.json"
    links._save(cache, [result], {}, now)
    ((outcome, _checked),) = links.read_cache(cache, now).values()
    assert outcome == result.outcome and outcome.detail == "HTTP 404 after redirect to https://a.gov.cn/"
    i18n.use("zh")
    try:
        assert outcome.reason.said() == "重定向到 https://a.gov.cn/ 后 HTTP 404"
    finally:
        i18n.use("en")
    raw = json.loads(cache.read_text(encoding="utf-8"))
    for entry in raw.values():
        del entry["reason"], entry["values"]
    cache.write_text(json.dumps(raw), encoding="utf-8")
    ((older, _checked),) = links.read_cache(cache, now).values()
    assert older.detail == outcome.detail and older.reason.said() == outcome.detail
