"""End to end in headless Chromium (Debian's /usr/bin/chromium driven by Playwright): what a
participant sees and clicks. Screenshots of each step are kept in runs/browser/."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from conftest import Running
from screenshot import CHROMIUM, CHROMIUM_ARGS  # scripts/ is on pytest's path (pyproject)

from assistant.config import PROJECT_ROOT

pytestmark = pytest.mark.browser

SHOTS = PROJECT_ROOT / "runs" / "browser"
INJECTION = (
    "<img src=x onerror=alert(1)> <script>alert(2)</script> [link](javascript:alert(3)) <b>bold</b> "
    "https://evil.example x@evil.example"
)


@pytest.fixture(scope="module")
def app(_fake_build: Any) -> Iterator[Running]:
    from assistant.engine import Assistant

    settings, embedder, index = _fake_build
    running = Running(Assistant(index, embedder, settings))
    try:
        yield running
    finally:
        running.demo.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing. Run: apt-get install -y chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


@pytest.fixture
def wide(browser: Any) -> Iterator[Any]:
    """A laptop screen, as on a projector."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def ask(page: Any, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()


def messages(page: Any) -> Any:
    return page.locator("#chat .message")


# Where the newest question and the first passage of its answer are, in the window's pixels.
PLACES = """() => {
  const box = document.querySelector('#chat [role=log]');
  const rows = [...box.querySelectorAll('.message-row')];
  const questions = rows.filter((row) => row.classList.contains('user-row'));
  const newest = questions[questions.length - 1];
  const after = newest ? rows.slice(rows.indexOf(newest) + 1) : [];
  const first = after.find((row) => row.innerText.trim().startsWith('[1] '));
  const rect = (e) => e ? e.getBoundingClientRect().toJSON() : null;
  return {questions: questions.length, box: rect(box), question: rect(newest), passage: rect(first),
          first_offset: questions.length ? rect(questions[0]).top - rect(box).top + box.scrollTop : null,
          scroll: box.scrollTop, text: newest ? newest.innerText : '', window: window.innerHeight};
}"""
# The newest question is the n-th, it sits where the first question sits in an unscrolled chat (at
# the top of the chat box), and the first passage of its answer is shown.
AT_TOP = f"""(n) => {{
  const p = ({PLACES})();
  return p.questions === n && p.passage !== null && Math.abs(p.question.top - p.box.top - p.first_offset) <= 2;
}}"""


def asked(page: Any, n: int) -> dict[str, Any]:
    """Wait until the n-th question is shown at the top of the chat box; where things are then."""
    page.wait_for_function(AT_TOP, arg=n, timeout=30000)
    return dict(page.evaluate(PLACES))


def in_view(places: dict[str, Any]) -> None:
    """The question and the head of passage [1] are inside the chat box and inside the window."""
    box, question, passage = places["box"], places["question"], places["passage"]
    assert box["top"] >= 0 and question["top"] - box["top"] < 60, places
    assert question["bottom"] <= passage["top"] and passage["top"] + 40 <= min(box["bottom"], places["window"]), places


def test_ask_see_cited_passage_and_follow_the_citation(app: Running, page: Any) -> None:
    page.goto(app.url)
    ask(page, "Who moderated Panel 3?")
    first = page.locator("#chat").get_by_text("[1] Panel 3, ¶1")
    first.wait_for(timeout=20000)
    assert page.locator("#chat mark").first.inner_text().startswith("This panel was moderated by John Morrison")
    shot(page, "1-answer")
    page.locator("#chat").get_by_text("John Morrison").first.click()
    cited = page.locator("#viewer .src-cited")
    cited.wait_for(timeout=10000)
    assert "John Morrison" in cited.inner_text()
    assert "Panel 3: Private sector initiatives" in page.locator("#viewer .src-title").inner_text()
    reference = page.locator("#reference textarea").input_value()
    assert reference.startswith("OSCE OSR/CTHB, ") and reference.endswith("Panel 3, ¶1")
    quotation = page.locator("#quotation textarea").input_value()
    assert quotation.startswith("“This panel was moderated by John Morrison") and quotation.endswith(f"({reference})")
    assert "\\" not in quotation  # plain text, as pasted into a report: no Markdown escapes
    shot(page, "2-source-viewer")


def test_a_copied_passage_is_the_report_text_under_its_citation(app: Running, browser: Any) -> None:
    """The copy button under a passage gives what the participant reads, not its Markdown: an
    analyst pastes it as a quotation ("Co\\-founder" and "&amp;" were pasted before)."""
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app.url.rstrip("/"))
    page = context.new_page()
    try:
        page.goto(app.url)
        ask(page, "Who moderated Panel 3?")
        page.locator("#chat").get_by_text("[1] Panel 3, ¶1").wait_for(timeout=20000)
        first = page.locator("#chat .bot-row").first
        passage = app.assistant.ask("Who moderated Panel 3?").hits[0].chunk
        assert passage.citation == "Panel 3, ¶1" and "Co-founder" in passage.text and "&" in passage.text
        page.locator("#chat .message-buttons").nth(1).locator("button[aria-label='Copy message']").click()
        page.wait_for_timeout(300)
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == first.inner_text().strip()
        assert copied.startswith("[1] Panel 3, ¶1\nPanel 3: Private sector initiatives")
        assert passage.text in copied  # verbatim: no escapes, entities or <mark> tags
    finally:
        context.close()
    # Over plain http from another machine a browser has no clipboard API: Gradio copies through
    # a hidden text box and the copy event, which must carry the same text.
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    context.add_init_script("delete Navigator.prototype.clipboard;")
    page = context.new_page()
    try:
        page.goto(app.url)
        page.evaluate(
            "() => { window.copied = [];"
            " addEventListener('copy', (e) => window.copied.push(e.clipboardData.getData('text/plain'))); }"
        )
        ask(page, "Who moderated Panel 3?")
        page.locator("#chat").get_by_text("[1] Panel 3, ¶1").wait_for(timeout=20000)
        page.locator("#chat .message-buttons").nth(1).locator("button[aria-label='Copy message']").click()
        page.wait_for_timeout(300)
        assert page.evaluate("window.copied") == [copied]
    finally:
        context.close()


def test_script_injection_is_shown_as_text_and_never_runs(app: Running, page: Any) -> None:
    page.goto(app.url)
    ask(page, INJECTION)
    question = page.locator("#chat").get_by_text("onerror=alert(1)")
    question.wait_for(timeout=20000)
    page.locator("#chat").get_by_text("[1] ").first.wait_for(timeout=20000)
    page.wait_for_timeout(500)
    chat = page.locator("#chat")
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert chat.locator(".message img, .message script, .message a, .message b").count() == 0
    shown = chat.inner_text()
    assert "<img src=x onerror=alert(1)>" in shown and "<script>alert(2)</script>" in shown
    assert "[link](javascript:alert(3))" in shown and "<b>bold</b>" in shown
    assert "https://evil.example x@evil.example" in shown
    shot(page, "3-injection-shown-as-text")


def test_a_link_with_a_question_answers_it_on_load(app: Running, page: Any) -> None:
    page.goto(app.url + "?q=" + quote("What did Panel 4 recommend about technology?"))
    page.locator("#chat").get_by_text("[1] ").first.wait_for(timeout=20000)
    assert "What did Panel 4 recommend about technology?" in messages(page).first.inner_text()
    in_view(asked(page, 1))


def test_each_new_question_comes_to_the_top_of_the_chat(app: Running, wide: Any) -> None:
    """Typed and sent with the button, clicked among the prepared questions (far below the chat), and
    typed and sent with Enter: each question comes to the top of the chat box, passage [1] below it."""
    page = wide
    page.goto(app.url)
    ask(page, "Who moderated Panel 3?")
    in_view(asked(page, 1))
    page.locator(".prepared button", has_text="What did Panel 4 recommend about technology?").click()
    second = asked(page, 2)
    assert second["text"] == "What did Panel 4 recommend about technology?" and second["scroll"] > 0
    in_view(second)
    page.locator("#question textarea").fill("How can public procurement help prevent trafficking?")
    page.locator("#question textarea").press("Enter")
    third = asked(page, 3)
    assert third["text"] == "How can public procurement help prevent trafficking?"
    assert third["scroll"] > second["scroll"]
    in_view(third)
    shot(page, "8-third-question-at-the-top")


def test_a_small_laptop_shows_where_to_ask_before_and_after_asking(app: Running, browser: Any) -> None:
    """On a 1366x768 laptop the empty chat filled the first screen: the question box and the
    prepared questions were out of sight. The box to ask in stays on screen after an answer too."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    on_screen = "(selector) => { const r = document.querySelector(selector).getBoundingClientRect();"
    on_screen += " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    try:
        page.goto(app.url)
        page.locator(".prepared button").first.wait_for(timeout=20000)
        assert page.evaluate(on_screen, "#question") and page.evaluate(on_screen, ".prepared button")
        ask(page, "Who moderated Panel 3?")
        in_view(asked(page, 1))
        assert page.evaluate(on_screen, "#question")
    finally:
        context.close()


def test_a_participant_rereading_is_not_pulled_to_the_answer(
    app: Running, wide: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scrolled up while an answer is on its way, the chat stays where they are; their next question
    scrolls again. The answer is held on the server until the chat has been scrolled up."""
    from assistant.engine import Assistant

    page = wide
    page.goto(app.url)
    for n, question in enumerate(["Who moderated Panel 3?", "What is the Golden Dreams app?"], start=1):
        ask(page, question)
        asked(page, n)
    release = threading.Event()
    ask_now = Assistant.ask

    def held(self: Assistant, *args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=60)
        return ask_now(self, *args, **kwargs)

    monkeypatch.setattr(Assistant, "ask", held)
    try:
        ask(page, "How can public procurement help prevent trafficking?")
        page.locator("#chat [role=log]").hover()
        page.mouse.wheel(0, -100000)
        page.wait_for_function("document.querySelector('#chat [role=log]').scrollTop === 0")
    finally:
        release.set()
    # The chat is scrolled (or not) as it is updated, in the same task: once the answer is seen, done.
    page.wait_for_function(f"({PLACES})().passage !== null && ({PLACES})().questions === 3", timeout=30000)
    assert page.evaluate(PLACES)["scroll"] == 0
    ask(page, "What did Panel 2 say about procurement?")
    in_view(asked(page, 4))


def test_a_link_to_a_passage_opens_the_viewer(app: Running, page: Any, _fake_build: Any) -> None:
    _, _, index = _fake_build
    chunk = next(c for c in index.chunks if c.citation == "Panel 2, Recommendation 6")
    page.goto(app.url + "?view=" + quote(chunk.id, safe=""))
    cited = page.locator(f"#viewer .src-cited[data-chunk='{chunk.id}']")
    cited.wait_for(timeout=20000)
    assert "labour inspectorates" in cited.inner_text()


def test_the_page_draws_its_text_with_the_fonts_it_serves(app: Running, page: Any) -> None:
    """Every glyph of the title, the buttons, the bold labels and a cited passage comes from one font
    the app serves itself: none is fetched from another site (Google Fonts) and none is drawn from a
    fallback face because the served one lacks it."""
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(app.url)
    ask(page, "Who moderated Panel 3?")
    page.locator("#chat").get_by_text("[1] Panel 3, ¶1").wait_for(timeout=20000)
    page.evaluate("document.fonts.ready.then(() => true)")
    assert [url for url in fetched if not url.startswith((app.url, "data:"))] == []
    assert any(url.startswith(app.url + "static/fonts/") for url in fetched)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    for selector in ("h3", "#ask", ".prepared-label strong", ".prepared button", "#chat .bot-row strong", "#chat mark"):
        family = page.evaluate("(s) => getComputedStyle(document.querySelector(s)).fontFamily", selector)
        assert family.startswith('"Source Sans Pro"'), (selector, family)
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        faces = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert faces and all(face["isCustomFont"] for face in faces), (selector, faces)
        assert len({face["familyName"] for face in faces}) == 1, (selector, faces)


def test_report_browser_lists_panels_and_recommendations(app: Running, page: Any) -> None:
    page.goto(app.url)
    page.get_by_role("tab", name="Report browser").click()
    outline = page.locator("#outline")
    outline.get_by_text("Panel 2, Recommendation 14").wait_for(timeout=10000)
    assert outline.locator("li.rec").count() == 58
    assert "Moderator: John Morrison" in outline.inner_text()
    shot(page, "4-report-browser")


def test_projector_mode_and_phone_width(app: Running, page: Any, browser: Any) -> None:
    page.goto(app.url)
    ask(page, "What is the employer pays model?")
    page.locator("#chat").get_by_text("[1] ").first.wait_for(timeout=20000)
    quoted = "getComputedStyle(document.querySelector('#chat .message blockquote')).fontSize"  # the passage
    before = page.evaluate(quoted)
    page.locator("#projector input").check()
    page.wait_for_function("document.body.classList.contains('projector')")
    after = page.evaluate(quoted)
    assert float(after.rstrip("px")) >= 1.3 * float(before.rstrip("px"))
    shot(page, "5-projector")
    # A 1280x720 projector: the question box stays on the first screen, under the chat.
    projector = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    projector.goto(app.url)
    projector.locator("#projector input").check()
    projector.wait_for_function("document.body.classList.contains('projector')")
    box = projector.locator("#question textarea").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 720, box
    assert not projector.locator("#intro").is_visible()  # the intro gives its lines to the chat
    projector.context.close()
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(app.url)
    ask(phone, "Who moderated Panel 3?")
    phone.locator("#chat").get_by_text("[1] Panel 3, ¶1").wait_for(timeout=20000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling
    shot(phone, "6-phone")
    phone.context.close()


def test_feedback_flag_and_handout_export(app: Running, page: Any, _fake_build: Any) -> None:
    settings, _, _ = _fake_build
    path = settings.feedback_path
    before = path.read_text(encoding="utf-8").count("\n") if path.exists() else 0
    page.goto(app.url)
    ask(page, "How can public procurement help prevent trafficking?")
    page.locator("#chat").get_by_text("[1] ").first.wait_for(timeout=20000)
    page.locator("#chat button[aria-label='Like']").first.click()
    page.wait_for_timeout(1500)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == before + 1
    record = json.loads(lines[-1])
    assert record["flag"] == "helpful" and record["question"].startswith("How can public procurement")
    page.locator("#chat button[aria-label='Feedback']").first.click()  # the ⚑ menu
    page.locator("#chat").get_by_text("Wrong citation").first.click()
    page.wait_for_timeout(2000)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == before + 2, "one click, one record (Gradio sends a menu choice twice)"
    assert json.loads(lines[-1])["flag"] == "wrong citation"
    page.locator("#export").click()
    handout = page.locator("#handout")
    handout.get_by_text(".html").first.wait_for(timeout=10000)
    assert handout.get_by_text(".md").count() >= 1
    shot(page, "7-handout")


def test_clearing_the_chat_forgets_its_passages_and_context(app: Running, page: Any) -> None:
    page.goto(app.url)
    ask(page, "What did Panel 2 say about procurement?")
    page.locator("#chat").get_by_text("[1] ").first.wait_for(timeout=20000)
    page.locator("#chat button[aria-label='Clear']").first.click()
    page.wait_for_timeout(500)
    ask(page, "and what did they recommend?")
    page.locator("#chat").get_by_text("[1] ").first.wait_for(timeout=20000)
    assert "Read as a follow" not in page.locator("#chat").inner_text()  # no context from the cleared chat
