"""End to end in headless Chromium (Debian's /usr/bin/chromium driven by Playwright): what a
participant sees and clicks. Screenshots of each step are kept in runs/browser/."""

from __future__ import annotations

import json
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


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def ask(page: Any, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()


def messages(page: Any) -> Any:
    return page.locator("#chat .message")


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
    shot(page, "2-source-viewer")


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


def test_a_link_to_a_passage_opens_the_viewer(app: Running, page: Any, _fake_build: Any) -> None:
    _, _, index = _fake_build
    chunk = next(c for c in index.chunks if c.citation == "Panel 2, Recommendation 6")
    page.goto(app.url + "?view=" + quote(chunk.id, safe=""))
    cited = page.locator(f"#viewer .src-cited[data-chunk='{chunk.id}']")
    cited.wait_for(timeout=20000)
    assert "labour inspectorates" in cited.inner_text()


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
    before = page.evaluate("getComputedStyle(document.querySelector('#chat .message')).fontSize")
    page.locator("#projector input").check()
    page.wait_for_function("document.body.classList.contains('projector')")
    after = page.evaluate("getComputedStyle(document.querySelector('#chat .message')).fontSize")
    assert float(after.rstrip("px")) >= 1.3 * float(before.rstrip("px"))
    shot(page, "5-projector")
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
