"""The Gradio page: chat, source viewer, report browser, handouts, feedback and projector mode.

The work is done by plain functions (``chat.respond``, ``viewer``, ``browser``, ``handout``) that
tests call directly; this module only lays them out and wires the events.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

# Before gradio (and huggingface_hub, which it imports) is loaded: no usage analytics, no telemetry.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"

import gradio as gr  # this module is the web page; it is imported only to serve it

from .browser import passage_choices, render_outline
from .chat import ALL, ALL_DOCUMENTS, Conversation, flag, respond
from .config import Settings, load_settings
from .engine import Assistant
from .errors import AssistantError
from .feedback import FLAGS, RepeatFilter, append_feedback
from .formatting import OPEN_HINT, escape
from .handout import write_handout
from .outline import Outline, load_outline
from .page import CSS, PAGE_JS, PROJECTOR_JS
from .prepared import PREPARED
from .viewer import caution_for, render_view, source_view

LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# Fonts served by the app itself, never fetched from another site. Gradio's default theme asks for
# Source Sans Pro at weights 400 and 600, but the 600 file it ships holds only about 50 characters,
# so headings and buttons were drawn glyph by glyph from two faces (the "A" of "Ask" from one, the
# rest from DejaVu Sans Bold). Its 400 and 700 files hold the whole font (Latin, Cyrillic, the ¶ of
# the citations); text at 600 is drawn with the 700 one.
_WEIGHTS = (400, 700)
THEME = gr.themes.Default(
    font=(gr.themes.LocalFont("Source Sans Pro", weights=_WEIGHTS), "ui-sans-serif", "system-ui", "sans-serif"),
    font_mono=(gr.themes.LocalFont("IBM Plex Mono", weights=_WEIGHTS), "ui-monospace", "Consolas", "monospace"),
)

INTRO = (
    "The assistant answers with passages quoted from {what}, each with its citation (section and "
    "paragraph or recommendation), and says so when a question is not addressed."
)


def heading(outline: Outline) -> str:
    """The page title: the report's own title, or how many documents are indexed."""
    titles = [meta.get("title", doc) for doc, meta in outline.documents.items()]
    if len(titles) == 1:
        meta = next(iter(outline.documents.values()))
        where = ", ".join(part for part in (meta.get("organiser_short"), meta.get("place"), meta.get("date")) if part)
        return f"Ask the report: {titles[0]}" + (f" ({where})" if where else "")
    return f"Ask {len(titles)} documents: " + "; ".join(titles)


def _viewer_outputs(
    outline: Outline, chunk_id: str | None, evidence: tuple[tuple[int, int], ...] = (), caution: str = ""
) -> tuple[str, str, str]:
    """The viewer's page, its citation and its quotation (both ready to paste)."""
    view = source_view(outline, chunk_id, evidence, caution=caution) if chunk_id else None
    return render_view(view), (view.reference if view else ""), (view.quotation if view else "")


def build_app(assistant: Assistant, outline: Outline | None = None, settings: Settings | None = None) -> Any:
    """The page; ``outline`` and ``settings`` default to those of the assistant's corpus."""
    settings = settings or assistant.settings
    outline = outline or load_outline(assistant.index.chunks, settings)
    sections = [ALL, *assistant.section_labels]
    documents = [ALL_DOCUMENTS, *assistant.document_titles]

    # delete_cache: exported handouts are removed from Gradio's cache an hour after they are made.
    with gr.Blocks(title="PPP report assistant", analytics_enabled=False, delete_cache=(600, 3600)) as demo:
        what = "the documents" if outline.several else "the report"
        gr.Markdown(f"### {escape(heading(outline))}\n{INTRO.format(what=what)} {OPEN_HINT}", elem_id="intro")
        if assistant.rejected_documents:
            lines = "\n".join(f"- {escape(line)}" for line in assistant.rejected_documents)
            gr.Markdown(f"**Not indexed (fix the file, then run `assistant build`):**\n{lines}", elem_id="rejected")
        with gr.Row(equal_height=True):
            document = gr.Dropdown(
                choices=documents,
                value=ALL_DOCUMENTS,
                label="Document",
                scale=3,
                elem_id="document",
                visible=assistant.names_documents,
            )
            section = gr.Dropdown(choices=sections, value=ALL, label="Search in", scale=3, elem_id="section")
            projector = gr.Checkbox(label="Projector mode (large type, high contrast)", scale=2, elem_id="projector")
        conversation = gr.State(None)
        with gr.Tabs(selected="ask") as tabs:
            with gr.Tab("Ask", id="ask"):
                chat = gr.Chatbot(
                    label="Answers",
                    show_label=False,  # its badge sat over the previous message's buttons when scrolled
                    height=560,
                    elem_id="chat",
                    autoscroll=False,
                    group_consecutive_messages=False,
                    buttons=["copy"],
                    feedback_options=list(FLAGS),
                    sanitize_html=True,
                    placeholder="Ask a question below, or pick a prepared question.",
                )
                with gr.Row():
                    question = gr.Textbox(
                        placeholder="Ask a question about the report…",
                        show_label=False,
                        scale=5,
                        max_lines=4,
                        elem_id="question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask", min_width=80)
                with gr.Accordion("Prepared questions, by section", open=True, elem_classes="prepared"):
                    prepared: list[tuple[Any, str]] = []
                    for label, questions in PREPARED.items():
                        if label not in sections:
                            continue
                        gr.Markdown(f"**{label}**", elem_classes="prepared-label")
                        with gr.Row():
                            for text in questions:
                                prepared.append((gr.Button(text, size="sm", min_width=200), text))
                with gr.Row():
                    export = gr.Button("Export handout (Markdown and printable HTML)", size="sm", elem_id="export")
                handout = gr.File(label="Handout", visible=False, elem_id="handout", interactive=False)
            with gr.Tab("Source viewer", id="viewer"):
                viewer = gr.HTML(render_view(None), elem_id="viewer")
                reference = gr.Textbox(
                    label="Citation, ready to paste", buttons=["copy"], interactive=False, elem_id="reference"
                )
                quotation = gr.Textbox(
                    label="Quotation (the highlighted sentences, else the passage) with its citation, ready to paste",
                    buttons=["copy"],
                    interactive=False,
                    elem_id="quotation",
                )
            with gr.Tab("Report browser", id="browser"):
                gr.Markdown("Every section with its people and its recommendations, numbered as they are cited.")
                pick = gr.Dropdown(
                    choices=passage_choices(outline), label="Open a passage in the source viewer", elem_id="pick"
                )
                gr.HTML(render_outline(outline), elem_id="outline")

        def ask(
            message: str,
            history: list[dict[str, Any]],
            chosen: str,
            state: Conversation | None,
            in_document: str | None = None,
        ) -> tuple[list[dict[str, Any]], str, Conversation]:
            return respond(message, history, chosen, state, assistant, in_document)

        def open_message(state: Conversation | None, event: gr.SelectData) -> tuple[Any, ...]:
            index = event.index if isinstance(event.index, int) else None
            opened = state.opened_at(index) if state is not None and index is not None else None
            if opened is None:
                return gr.skip(), gr.skip(), gr.skip(), gr.skip()
            answer, hit = opened
            viewed = _viewer_outputs(outline, hit.chunk.id, hit.evidence, caution_for(answer))
            return (*viewed, gr.Tabs(selected="viewer"))

        def open_passage(chunk_id: str | None) -> tuple[Any, ...]:
            return (*_viewer_outputs(outline, chunk_id), gr.Tabs(selected="viewer") if chunk_id else gr.skip())

        repeats = RepeatFilter()

        def give_feedback(state: Conversation | None, event: gr.LikeData, request: gr.Request) -> None:
            liked: Any = event.liked
            choice = "Like" if liked is True else "Dislike" if liked is False else liked
            index = event.index if isinstance(event.index, int) else -1
            record = flag(state, index, choice)
            session = getattr(request, "session_hash", None)
            if record is not None and repeats.is_new((session, index, str(choice))):
                append_feedback(settings.feedback_path, record)
                gr.Info(f"Thank you: noted as “{record['flag']}” for the facilitator.")

        def export_handout(state: Conversation | None) -> Any:
            if state is None or not state.answers:
                gr.Warning("Ask a question first: the handout lists your questions and their cited passages.")
                return gr.File(visible=False)
            return gr.File(value=[str(p) for p in write_handout(state.answers, outline)], visible=True)

        def on_load(
            history: list[dict[str, Any]], chosen: str, state: Conversation | None, request: gr.Request
        ) -> tuple[Any, ...]:
            """A link with ?q=QUESTION answers it; ?view=PASSAGE opens that passage in the viewer."""
            params = dict(request.query_params) if request is not None else {}
            asked: tuple[Any, ...] = (gr.skip(),) * 3
            shown: tuple[Any, ...] = (gr.skip(),) * 4
            if params.get("q", "").strip():
                asked = respond(params["q"], history, chosen, state, assistant)
            if params.get("view"):
                html, ref, quote = _viewer_outputs(outline, params["view"])
                if not ref:
                    html = render_view(None, missing=params["view"])
                shown = (html, ref, quote, gr.Tabs(selected="viewer"))
            return (*asked, *shown)

        asked = [chat, question, conversation]
        gr.on(
            triggers=[question.submit, send.click],
            fn=ask,
            inputs=[question, chat, section, conversation, document],
            outputs=asked,
            api_name="ask",
        )
        for button, text in prepared:
            button.click(
                lambda history, chosen, state, in_document, text=text: ask(text, history, chosen, state, in_document),
                inputs=[chat, section, conversation, document],
                outputs=asked,
                api_visibility="private",
            )
        shown = [viewer, reference, quotation, tabs]
        chat.select(open_message, inputs=[conversation], outputs=shown, api_visibility="private")
        pick.input(open_passage, inputs=[pick], outputs=shown, api_name="open_passage")
        chat.like(give_feedback, inputs=[conversation], outputs=None, api_visibility="private")
        export.click(export_handout, inputs=[conversation], outputs=[handout], api_name="export")
        # the bin icon clears the chat: the passages and follow-up context behind it go too
        chat.clear(lambda: None, inputs=None, outputs=[conversation], api_visibility="private")
        projector.change(None, inputs=[projector], outputs=None, js=PROJECTOR_JS)
        demo.load(on_load, inputs=[chat, section, conversation], outputs=[*asked, *shown], api_visibility="private")
    # queue size and concurrency: see docs/performance.md
    demo.queue(
        default_concurrency_limit=settings.queue_concurrency,
        max_size=settings.queue_max_size,
        status_update_rate=settings.queue_status_seconds,
    )
    return demo


def check_port_free(host: str, port: int) -> None:
    """Fail early and clearly when another program holds the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise AssistantError(
                f"Port {port} on {host} is already in use ({error.strerror}).",
                f"Stop the other program, or pick another port: ./scripts/start.sh --port {port + 1} "
                f"(or assistant serve --port {port + 1})",
            ) from error


def access(host: str, auth: str | None, no_auth: bool) -> tuple[tuple[str, str] | None, str]:
    """The login to require and a line saying loudly who can reach the app.

    Off this computer (any host but loopback) a password is required unless ``no_auth`` says otherwise.
    """
    login = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise AssistantError("The password must be given as user:password.", "For example: --auth trainer:s3cret")
        login = (user, password)
    if host in LOOPBACK:
        who = "only this computer can open it"
        return login, f"{who}, with a password." if login else f"{who}."
    if login:
        return login, f"OPEN TO THE NETWORK on {host}, protected by a password (user {login[0]!r})."
    if no_auth:
        return None, f"OPEN TO THE NETWORK on {host} WITHOUT A PASSWORD (--no-auth): anyone on it can use the app."
    raise AssistantError(
        f"Serving on {host} makes the app reachable from the network; a password is required.",
        "Run: assistant serve --host 0.0.0.0 --auth user:password (or set ASSISTANT_AUTH), "
        "or add --no-auth to serve without one.",
    )


def launch(demo: Any, host: str, port: int, login: tuple[str, str] | None, sessions: int = 400, **options: Any) -> Any:
    """Start the server: no share link, no browser, no server-side rendering, no run history kept in
    the browser, and no folder served beyond Gradio's own (a GRADIO_ALLOWED_PATHS setting is ignored)."""
    os.environ.pop("GRADIO_ALLOWED_PATHS", None)
    return demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        inbrowser=False,
        show_error=False,
        auth=login,
        ssr_mode=False,
        allowed_paths=[],
        run_history=False,
        footer_links=[],  # no "Use via API" for a room (gradio_client still works: bench/web.py)
        enable_monitoring=False,
        state_session_capacity=sessions,
        mcp_server=False,
        pwa=False,
        theme=THEME,
        css=CSS,
        js=PAGE_JS,
        **options,
    )


def serve(
    settings: Settings | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    auth: str | None = None,
    no_auth: bool = False,
) -> None:
    """Load the index (building it if needed) and serve the page."""
    settings = settings or load_settings()
    host = host or settings.host
    port = port or settings.port
    login, who = access(host, auth or settings.auth, no_auth)
    check_port_free(host, port)
    assistant = Assistant.open(settings)
    if assistant.speller is not None:
        assistant.speller.load()  # the English word list now, not during the room's first question
    demo = build_app(assistant, settings=settings)
    print(f"Serving on http://{host}:{port} : {who}  (Ctrl+C to stop)", file=sys.stderr)
    print(f"Feedback flags are appended to {settings.feedback_path}", file=sys.stderr)
    launch(demo, host, port, login, settings.max_sessions, quiet=True)
