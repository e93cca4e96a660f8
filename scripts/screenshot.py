"""Screenshots of the running app for the README: the chat with a highlighted citation, the source
viewer (after clicking the first passage) and the report browser.

Usage: python scripts/screenshot.py [URL] [QUESTION] [FOLDER]
Needs Debian's chromium (/usr/bin/chromium) and the playwright Python package.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"  # Debian's: Playwright's own browser download does not work offline
# Headless on a server with no GPU and no outbound traffic (the browser tests use these too).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:7860/"
    question = sys.argv[2] if len(sys.argv) > 2 else "Who moderated Panel 3?"
    folder = Path(sys.argv[3] if len(sys.argv) > 3 else "docs")
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.goto(url)
        page.locator("#question textarea").fill(question)
        page.locator("#ask").click()
        first = page.locator("#chat").get_by_text("[1] ").first
        first.wait_for(timeout=30000)
        page.wait_for_timeout(500)
        page.screenshot(path=str(folder / "screenshot.png"))
        page.locator("#chat mark").first.click()
        page.locator("#viewer .src-cited").wait_for(timeout=10000)
        page.wait_for_timeout(300)
        page.screenshot(path=str(folder / "viewer.png"))
        page.get_by_role("tab", name="Report browser").click()
        page.locator("#outline").get_by_text("Recommendation 1:").first.wait_for(timeout=10000)
        page.locator("#outline details[data-section='Panel 4']").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(folder / "browser.png"))
        browser.close()
    print(f"Wrote {folder}/screenshot.png, viewer.png, browser.png")


if __name__ == "__main__":
    main()
