"""The Gradio chat page. ``respond`` is a plain function that tests call directly."""

from __future__ import annotations

import os
import sys
from typing import Any

from .config import Settings, load_settings
from .engine import Assistant
from .errors import AssistantError
from .followup import Turn
from .formatting import escape, format_answer

EXAMPLES = [
    "Who moderated Panel 3?",
    "What did Panel 4 recommend about technology?",
    "What is the 'employer pays' model?",
    "How can public procurement help prevent trafficking?",
    "What did the closing remarks say about recruitment fees?",
    "Which companies must publish statements under the UK Modern Slavery Act?",
]

ALL_SECTIONS = "All sections"


def respond(
    message: str,
    history: list[dict[str, Any]] | None,
    section: str | None,
    previous: Turn | None,
    assistant: Assistant,
) -> tuple[list[dict[str, Any]], str, Turn | None]:
    """Append the question and its cited answer to the chat; errors become a clear reply.

    Returns the new chat, an empty question box, and the turn a follow-up will refer to.
    """
    history = list(history or [])
    sections = [section] if section and section != ALL_SECTIONS else None
    turn = previous
    try:
        answer = assistant.ask(message, sections=sections, previous=previous)
        reply = format_answer(answer)
        if answer.hits:
            turn = Turn(answer.search_query, answer.hits[0].chunk.section_label)
    except AssistantError as error:
        reply = f"⚠️ {escape(str(error))}"
    shown = (message or "").strip()
    if len(shown) > 500:
        shown = shown[:500] + " …"
    history.append({"role": "user", "content": escape(shown) or "(empty question)"})
    history.append({"role": "assistant", "content": reply})
    return history, "", turn


def build_app(assistant: Assistant) -> Any:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import gradio as gr

    title = "Ask the OSCE report: The Public-Private Partnership in the Fight Against Human Trafficking (Moscow, 2017)"
    with gr.Blocks(title="PPP report assistant", analytics_enabled=False) as demo:
        gr.Markdown(f"### {title}\nEvery answer is a passage of the report with its citation (section and paragraph).")
        section = gr.Dropdown(
            choices=[ALL_SECTIONS, *assistant.section_labels], value=ALL_SECTIONS, label="Search in", scale=1
        )
        chat = gr.Chatbot(
            label="Answers",
            height=560,
            elem_id="chat",
            autoscroll=False,
            buttons=["copy"],
            feedback_options=None,
            sanitize_html=True,
        )
        with gr.Row():
            question = gr.Textbox(
                placeholder="Ask a question about the report…",
                show_label=False,
                scale=5,
                max_lines=4,
                elem_id="question",
            )
            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
        gr.Examples(EXAMPLES, inputs=question, label="Try one of these")

        previous = gr.State(None)

        def handler(
            message: str, history: list[dict[str, Any]], chosen: str, turn: Turn | None
        ) -> tuple[list[dict[str, Any]], str, Turn | None]:
            return respond(message, history, chosen, turn, assistant)

        gr.on(
            triggers=[question.submit, send.click],
            fn=handler,
            inputs=[question, chat, section, previous],
            outputs=[chat, question, previous],
            api_name="ask",
        )
    settings = assistant.settings  # queue size and concurrency: see README, Performance
    demo.queue(default_concurrency_limit=settings.queue_concurrency, max_size=settings.queue_max_size)
    return demo


def serve(settings: Settings | None = None, *, host: str | None = None, port: int | None = None) -> None:
    """Load the index (building it if needed) and serve the page; never a public share link."""
    settings = settings or load_settings()
    assistant = Assistant.open(settings)
    demo = build_app(assistant)
    host = host or settings.host
    port = port or settings.port
    print(f"Serving on http://{host}:{port}  (Ctrl+C to stop)", file=sys.stderr)
    demo.launch(server_name=host, server_port=port, share=False, show_error=False, inbrowser=False)
