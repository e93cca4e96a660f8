"""The running app through its web API (gradio_client): answers, the source viewer, handouts, a
bounded queue, privacy and network access rules."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import Running, free_port, text_of

from assistant import cli
from assistant.app import access, check_port_free
from assistant.chat import ALL as ALL_SECTIONS
from assistant.engine import Assistant
from assistant.errors import AssistantError


@pytest.fixture
def app(fake_assistant: Assistant) -> Iterator[Running]:
    running = Running(fake_assistant)
    try:
        yield running
    finally:
        running.demo.close()


def test_web_api_answers_with_citations_and_stays_private(app: Running) -> None:
    assert app.demo.share is False and getattr(app.demo, "share_url", None) is None
    assert app.demo.analytics_enabled is False
    assert app.demo.allowed_paths == []
    history, box = app.client().predict("Who moderated Panel 3?", [], ALL_SECTIONS, api_name="/ask")
    assert box == ""
    first = text_of(history[1])
    assert first.startswith("**[1] Panel 3, ¶1**") and "John Morrison" in first


def test_web_api_opens_a_passage_in_the_source_viewer(app: Running, fake_assistant: Assistant) -> None:
    chunk = next(c for c in fake_assistant.index.chunks if c.citation == "Panel 4, Recommendation 10")
    html, reference, quotation = app.client().predict(chunk.id, api_name="/open_passage")
    assert f'data-chunk="{chunk.id}"' in html and "src-cited" in html
    assert reference.endswith("20-21 July 2017, Panel 4, Recommendation 10")
    assert quotation == f"“{' '.join(chunk.text.split())}” ({reference})"  # plain text: no Markdown escapes


def call_api(url: str, api_name: str, data: list[Any]) -> list[Any]:
    """Call an endpoint with plain HTTP (Gradio's /call API: a POST, then a server-sent event stream)."""
    request = urllib.request.Request(
        f"{url}gradio_api/call/{api_name}",
        data=json.dumps({"data": data}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(f"{url}gradio_api/call/{api_name}/{event_id}", timeout=30) as response:
        stream = response.read().decode("utf-8")
    events = re.findall(r"^event: (\w+)\ndata: (.*)$", stream, re.M)
    assert events and events[-1][0] == "complete", stream[:500]
    return list(json.loads(events[-1][1]))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_web_api_exports_the_sessions_handout(app: Running) -> None:
    client = app.client()  # one client is one session: the export sees its own questions only
    client.predict("Who moderated Panel 3?", [], ALL_SECTIONS, api_name="/ask")
    client.predict("What is the employer pays model?", [], ALL_SECTIONS, api_name="/ask")
    other = app.client()
    other.predict("procurement in Austria", [], ALL_SECTIONS, api_name="/ask")
    files = client.predict(api_name="/export")
    paths = [
        Path(f["path"] if isinstance(f, dict) else f) for f in (files["value"] if isinstance(files, dict) else files)
    ]
    by_suffix = {p.suffix: p for p in paths}
    assert set(by_suffix) == {".md", ".html"}
    markdown = by_suffix[".md"].read_text(encoding="utf-8")
    assert "## 1. Who moderated Panel 3?" in markdown and "## 2. What is the employer pays model?" in markdown
    assert "Austria" not in markdown.split("## 2.")[0]  # the other participant's question is not in it
    assert "## 3." not in markdown
    parser = _Text()
    parser.feed(by_suffix[".html"].read_text(encoding="utf-8"))
    assert "Panel 3, ¶1" in "".join(parser.parts)


def test_files_outside_the_app_are_not_served(app: Running) -> None:
    secret = Path(__file__).resolve()
    for path in (f"gradio_api/file={secret}", "gradio_api/file=/etc/passwd", f"file={secret}"):
        try:
            with urllib.request.urlopen(app.url + path, timeout=10) as response:
                body = response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            assert error.code in {403, 404}, path
        else:
            assert "def test_files_outside_the_app_are_not_served" not in body and "root:" not in body, path


def test_a_full_queue_says_busy_instead_of_hanging(fake_assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    from gradio_client.exceptions import AppError

    slow = replace(fake_assistant.settings, queue_concurrency=1, queue_max_size=1)
    original = fake_assistant.ask

    def slow_ask(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.6)
        return original(*args, **kwargs)

    assistant = Assistant(fake_assistant.index, fake_assistant.embedder, slow)
    monkeypatch.setattr(assistant, "ask", slow_ask)
    running = Running(assistant)
    outcomes: list[str] = []

    def participant() -> None:
        try:
            running.client().predict("Who moderated Panel 3?", [], ALL_SECTIONS, api_name="/ask")
            outcomes.append("answered")
        except (AppError, ValueError, Exception) as error:  # gradio_client raises QueueError here
            outcomes.append(f"refused: {error}")

    try:
        started = time.perf_counter()
        threads = [threading.Thread(target=participant) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert all(not t.is_alive() for t in threads)
        assert time.perf_counter() - started < 30  # nobody waits without end
    finally:
        running.demo.close()
    refused = [o for o in outcomes if o.startswith("refused")]
    assert "answered" in outcomes and refused, outcomes
    assert all("try again" in o.lower() for o in refused), refused


def test_no_outbound_connection_beyond_loopback(fake_assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """Launch, ask, open a passage and export with every non-loopback connection blocked and recorded."""
    attempts: list[Any] = []
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def loopback_only(address: Any) -> bool:
        host = address[0] if isinstance(address, tuple) else address
        return not isinstance(host, str) or host in {"127.0.0.1", "::1", "localhost"} or host.startswith("/")

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if not loopback_only(address):
            attempts.append(address)
            raise OSError("blocked by the test: no outbound traffic")
        return original_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        if not loopback_only(address):
            attempts.append(address)
            return 111
        return original_connect_ex(self, address)

    original_getaddrinfo = socket.getaddrinfo

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not loopback_only((name,)):
            attempts.append(name)  # a name lookup is the first step of any outbound connection
            raise socket.gaierror("blocked by the test: no outbound traffic")
        return original_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    running = Running(fake_assistant)
    try:  # plain HTTP, as a browser does: gradio_client itself phones home
        with urllib.request.urlopen(running.url, timeout=10) as response:
            assert response.status == 200
        history = call_api(running.url, "ask", ["Who moderated Panel 3?", [], ALL_SECTIONS, "All documents"])[0]
        assert "Panel 3, ¶1" in text_of(history[1])
        html = call_api(running.url, "open_passage", [fake_assistant.index.chunks[3].id])[0]
        assert "src-cited" in html
        time.sleep(1.0)  # give any background thread (analytics, update checks) time to try
    finally:
        running.demo.close()
    assert attempts == []


# --- serving rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "auth", "no_auth", "login", "says"),
    [
        ("127.0.0.1", None, False, None, "only this computer"),
        ("127.0.0.1", "trainer:pw", False, ("trainer", "pw"), "with a password"),
        ("0.0.0.0", "trainer:pw", False, ("trainer", "pw"), "OPEN TO THE NETWORK on 0.0.0.0, protected by a password"),
        ("0.0.0.0", None, True, None, "WITHOUT A PASSWORD"),
        ("192.168.1.20", None, True, None, "WITHOUT A PASSWORD"),
    ],
)
def test_who_can_reach_the_app_is_said_loudly(
    host: str, auth: str | None, no_auth: bool, login: tuple[str, str] | None, says: str
) -> None:
    got, line = access(host, auth, no_auth)
    assert got == login and says in line


@pytest.mark.parametrize(
    ("host", "auth", "message"),
    [
        ("0.0.0.0", None, "a password is required"),
        ("10.0.0.5", None, "a password is required"),
        ("0.0.0.0", "no-colon", "user:password"),
        ("127.0.0.1", "user:", "user:password"),
    ],
)
def test_network_serving_needs_a_password_or_an_explicit_no_auth(host: str, auth: str | None, message: str) -> None:
    with pytest.raises(AssistantError) as error:
        access(host, auth, False)
    assert message in str(error.value)


def _refuse_to_open(*args: Any, **kwargs: Any) -> Assistant:
    raise AssertionError("the model and index must not be loaded before the serving checks pass")


def test_cli_serve_refuses_the_network_without_a_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(Assistant, "open", _refuse_to_open)
    monkeypatch.delenv("ASSISTANT_AUTH", raising=False)
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", str(free_port())]) == 1
    err = capsys.readouterr().err
    assert "a password is required" in err and "--auth" in err and "--no-auth" in err


def test_a_taken_port_is_reported_with_the_option_to_use(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(Assistant, "open", _refuse_to_open)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(AssistantError) as error:
            check_port_free("127.0.0.1", port)
        assert f"Port {port}" in str(error.value) and f"./scripts/start.sh --port {port + 1}" in str(error.value)
        assert cli.main(["serve", "--port", str(port)]) == 1
    assert "already in use" in capsys.readouterr().err


def test_the_server_keeps_a_bounded_number_of_sessions(fake_assistant: Assistant) -> None:
    """Each browser session holds a copy of the page's state: a day of reloads must not grow memory."""
    running = Running(fake_assistant, sessions=3)
    try:
        for _ in range(6):
            running.client().predict("Who moderated Panel 3?", [], ALL_SECTIONS, api_name="/ask")
        assert 0 < len(running.demo.state_holder.session_data) <= 3
    finally:
        running.demo.close()
