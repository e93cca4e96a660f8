"""How the page looks and what it does in the browser: its CSS and its scripts (the theme and its
fonts are set in ``app``, the one module that imports Gradio)."""

from __future__ import annotations

CSS = """
#chat mark, .src-cited mark { background: #ffe066; color: #000; padding: 0 .1em; }
.src-view { line-height: 1.5; }
.src-title { margin: 0 0 .2em 0; }
.src-where, .src-cite { font-size: .85em; opacity: .8; margin-bottom: .2em; }
.src-passage { padding: .5em .8em; margin: .5em 0; border-left: 4px solid #ccc; }
.src-context { opacity: .75; }
.src-cited { border-left: 6px solid #d9480f; background: rgba(255, 224, 102, .25); opacity: 1; }
.src-caution { margin: .4em 0; padding: .4em .8em; border: 1px solid #d9480f; font-weight: 600; }
.outline details { margin: .4em 0; } .outline summary { cursor: pointer; }
.outline .recs { list-style: none; padding-left: .5em; } .outline .rec { margin: .35em 0; }
.outline a { padding: 0 !important; margin: 0 !important; }
.outline .people { margin: .3em 0 .5em 0; }
.prepared button { white-space: normal !important; text-align: left; }
/* on the label's block only: set on its text too, it cut the feet of the letters */
.block.prepared-label { margin-bottom: -8px; overflow: visible; }
/* On a 1366x768 laptop the empty 560-pixel chat filled the first screen: the question box and
   the prepared questions were out of sight. The chat is short while empty, and no taller than
   leaves the question box on the screen. */
#chat { height: clamp(300px, calc(100vh - 350px), 560px) !important; }
#chat:has(.placeholder-content), body.projector #chat:has(.placeholder-content) { height: 110px !important; }
/* Gradio's "Scroll down" arrow: under each new question it covered a line of the quoted passages */
#chat .scroll-down-button-container { display: none; }
body.projector { --text-xxs: 15px; --text-xs: 17px; --text-sm: 19px; --text-md: 23px; --text-lg: 27px;
  --text-xl: 32px; --text-xxl: 36px; --chatbot-text-size: 23px;
  --body-text-color: #000; --body-text-color-subdued: #111; --background-fill-primary: #fff;
  --background-fill-secondary: #fff; --block-background-fill: #fff; --border-color-primary: #000; }
body.projector .gradio-container { font-size: 23px; color: #000; background: #fff; max-width: 100% !important; }
body.projector #chat .message, body.projector .src-view, body.projector .outline { font-size: 23px; }
body.projector mark { background: #ffd400 !important; font-weight: 600; }
body.projector .src-context { opacity: 1; color: #333; }
body.projector #question textarea, body.projector #ask, body.projector .prepared button { font-size: 21px !important; }
/* On a 1280x720 projector the heading, its intro and the menus took 45% of the screen and pushed
   the question box out of sight: the intro goes, and the chat fills what the menus leave. */
body.projector #intro { display: none; }
body.projector #chat { height: max(300px, calc(100vh - 250px)) !important; }
@media (max-width: 640px) { .gradio-container { padding: 4px !important; }
  #chat { height: max(320px, calc(100svh - 470px)) !important; }
  /* the chat leaves the question box on the first screen; the filter and the projector switch
     each take a line (side by side, the switch's label wrapped to six lines) */
  #section, #projector, #document { min-width: 100% !important; } }
"""

PROJECTOR_JS = "(on) => { document.body.classList.toggle('projector', !!on); return on; }"

# Run once when the page loads. Each new question (typed, prepared or from a ?q= link) is scrolled
# to the top of the chat box, where the first one sits, with passage [1] below it, and kept there
# while the answer is laid out (or the type grows in projector mode); the page scrolls too when the
# chat box is out of sight (a prepared question clicked far below it). A participant who scrolls the
# chat by hand (wheel, touch, keys, scroll bar) is rereading: nothing pulls them away until they
# ask again, and an answer that arrives meanwhile is not scrolled to. The scroll is made by the
# observers, before the browser paints the update, so nobody sees the chat jump.
SCROLL_JS = """
() => {
  const log = () => document.querySelector('#chat [role=log]');
  const within = (event, selector) => event.target instanceof Element && event.target.closest(selector);
  let seen = 0;  // questions in the chat
  let newest = null;  // the question kept at the top of the chat box
  let reading = false;  // the chat was scrolled by hand since the last question was asked
  const asked = () => { reading = false; };
  const scrolled = (event) => {
    if (within(event, '#chat [role=log]')) { reading = true; newest = null; }
  };
  document.addEventListener('wheel', scrolled, { capture: true, passive: true });
  document.addEventListener('touchmove', scrolled, { capture: true, passive: true });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && within(event, '#question')) asked();
    else if (['PageUp', 'PageDown', 'ArrowUp', 'ArrowDown', 'Home', 'End', ' '].includes(event.key)) scrolled(event);
  }, true);
  document.addEventListener('pointerdown', (event) => {
    if (within(event, '#ask, .prepared button')) asked();
    else if (event.target === log()) scrolled(event);  // its scroll bar
  }, true);
  const sized = new WeakSet();
  const resized = new ResizeObserver(() => place());
  const place = () => {
    const box = log();
    const wrap = box && box.querySelector('.message-wrap');
    if (wrap && !sized.has(wrap)) { sized.add(wrap); resized.observe(wrap); }
    if (!box || box.clientHeight === 0) return;  // not shown (another tab is open)
    const questions = box.querySelectorAll('.user-row');
    if (questions.length !== seen) {
      const grew = questions.length > seen;
      seen = questions.length;
      newest = grew && !reading ? questions[seen - 1] : null;
      const chat = document.querySelector('#chat').getBoundingClientRect();
      if (newest && (chat.top < 0 || chat.top > window.innerHeight / 2)) window.scrollBy(0, chat.top - 8);
    }
    if (!newest || !newest.isConnected) return;
    const top = (row) => row.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    const wanted = top(newest) - top(questions[0]);
    if (Math.abs(box.scrollTop - wanted) > 1) box.scrollTop = wanted;
  };
  // The source viewer opens on the passage it cites, not on the two passages before it (on a
  // phone those filled the screen): once per passage shown, when its tab is visible.
  const shown = new WeakSet();
  const cite = () => {
    const cited = document.querySelector('#viewer .src-cited');
    if (!cited || shown.has(cited) || cited.offsetParent === null) return;
    shown.add(cited);
    const top = cited.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.5) cited.scrollIntoView({ block: 'start' });
  };
  new MutationObserver(place).observe(document.body, { childList: true, subtree: true });
  new MutationObserver(cite).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'style', 'hidden'],
  });
}
"""

# The copy button under a message copies what the participant reads there: the citation and the
# passage as the report words it. Gradio copies the Markdown behind the message, whose escapes
# ("Co\-founder", "&amp;", "<mark>") an analyst would paste into a report as a quotation. The
# text of the message the button belongs to replaces it: through the clipboard API, and through
# the copy event of Gradio's fallback where there is none (plain http from another machine).
COPY_JS = """
() => {
  let shown = null;  // what the message whose button was just pressed shows
  document.addEventListener('click', (event) => {
    const buttons = event.target instanceof Element && event.target.closest('#chat .message-buttons');
    if (!buttons) return;
    let row = buttons.previousElementSibling;
    while (row && !row.classList.contains('message-row')) row = row.previousElementSibling;
    shown = row ? row.innerText.trim() : null;
    setTimeout(() => { shown = null; }, 0);  // this click only
  }, true);
  const clipboard = navigator.clipboard;
  if (clipboard) {
    const write = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text) => write(shown ?? text);
  }
  document.addEventListener('copy', (event) => {
    if (shown === null || !event.clipboardData) return;
    event.clipboardData.setData('text/plain', shown);
    event.preventDefault();
  }, true);
}
"""

# Everything the page runs once, when it loads.
PAGE_JS = f"() => {{ ({SCROLL_JS.strip()})(); ({COPY_JS.strip()})(); }}"
