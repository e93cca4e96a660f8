"""Take a screenshot of the running app answering a question (for the README).

Usage: python scripts/screenshot.py [URL] [QUESTION] [OUT.png]
Needs Debian's chromium (/usr/bin/chromium) and the playwright Python package.
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:7860/"
    question = sys.argv[2] if len(sys.argv) > 2 else "Who moderated Panel 3?"
    out = sys.argv[3] if len(sys.argv) > 3 else "docs/screenshot.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1100})
        page.goto(url)
        page.locator("#question textarea").fill(question)
        page.locator("#ask").click()
        page.get_by_text("[1]").first.wait_for(timeout=30000)
        page.wait_for_timeout(500)
        page.evaluate("document.querySelectorAll('#chat *').forEach(e => { e.scrollTop = 0; })")
        page.screenshot(path=out, full_page=False)
        browser.close()
    print(out)


if __name__ == "__main__":
    main()
