"""The Gradio app: chat with inspectable citations, the library of sources, and the topic map.

The UI only calls the public `Assistant` API; everything shown from a document goes through
`ui.render`, which escapes it.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import Answer, Assistant, Provisional, RecapError, Settings
from assistant.topics import question_for
from index.documents import SUPPORTED_SUFFIXES, check_supported
from ui import render
from ui.cards import CardContext, cards_html
from ui.mcp_route import mcp_app_kwargs
from ui.plan import build_plan_tab
from ui.style import CSS, HEAD, HEATMAP_JS, theme

log = logging.getLogger(__name__)

EXAMPLES = [
    "What did people say about Wasm?",
    "Which co-located events should a platform engineer attend next time?",
    "Where can I watch the talks I missed?",
]
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_QUOTES_FIRST = "Quotes from the recaps while the model writes its answer…"
Turns = list[tuple[str, str]]


@dataclass
class RecapUI:
    """The handlers behind the app, separate from the layout so they can be called directly.

    They call the `Assistant` only; it answers from several threads at once and keeps each answer
    on the index version it started with while an upload is ingested.
    """

    assistant: Assistant
    settings: Settings

    def __post_init__(self) -> None:
        self.uploads = self.settings.data_dir / "uploads"

    # -- chat ---------------------------------------------------------------------------------------

    def cards(self, answer: Answer) -> str:
        contexts = {}
        for c in answer.citations:
            title, paragraphs = self.assistant.section_of(c)
            contexts[c.n] = CardContext(self.assistant.document_text(c.source.id), title, paragraphs)
        return cards_html(answer, contexts)

    def respond(
        self, question: str, messages: list[Any], turns: Turns
    ) -> Iterator[tuple[list[dict[str, str]], str, Turns, str, str]]:
        """Stream one answer into the chat; the last update carries the source cards.

        With a model, the quotes (and their cards) are shown first, while it reads the prompt; its
        verified text replaces them as it arrives, and its own cards come with the last update.
        """
        question = (question or "").strip()
        chat = [_message(m) for m in messages or []]
        if not question:
            yield chat, "", turns, "", gr.skip()
            return
        chat += [{"role": "user", "content": render.escape_markdown(question)}, {"role": "assistant", "content": ""}]
        yield chat, "", turns, render.status_html(None, "Searching the recaps…"), ""
        try:
            stream = self.assistant.stream(question, turns)
            for part in stream.events():
                if isinstance(part, Provisional):
                    quotes = part.answer
                    chat[-1]["content"] = render.answer_markdown(quotes.text, quotes.citations)
                    yield chat, "", turns, render.status_html(None, _QUOTES_FIRST), self.cards(quotes)
                elif isinstance(part, str):
                    chat[-1]["content"] = render.answer_markdown(stream.text)
                    yield chat, "", turns, render.status_html(None, "Writing the answer…"), ""
            answer = stream.answer()
            cards = self.cards(answer)
        except RecapError as exc:
            log.warning("question failed: %s", exc)
            chat[-1]["content"] = render.escape_markdown(f"Sorry, that did not work: {exc}")
            yield chat, "", turns, "", ""
            return
        except Exception:  # never leave a half-written bubble: say so, and keep the details in the log
            log.exception("question failed: %r", question)
            chat[-1]["content"] = "Sorry, something went wrong while answering; the details are in the server log."
            yield chat, "", turns, "", ""
            return
        chat[-1]["content"] = render.answer_markdown(answer.text, answer.citations)
        turns = [*turns, ("user", question), ("assistant", answer.text)]
        yield chat, "", turns, render.status_html(answer), cards

    def ask(self, question: str) -> dict[str, Any]:
        """The `ask` API endpoint: one answer with its citations, as `recap ask --json` prints it."""
        return self.assistant.ask(question).to_json()

    # -- sources ------------------------------------------------------------------------------------

    def library(self) -> str:
        return render.sources_html(self.assistant.sources())

    def heatmap(self) -> str:
        matrix = self.assistant.topic_map()
        return render.heatmap_html(matrix.topics, matrix.sources, matrix.scores)

    def add_recaps(self, files: list[str] | None, progress: gr.Progress | None = None) -> tuple[str, str, None]:
        """Copy uploaded files into the data directory and index them; they are searchable on return."""
        paths = [Path(f) for f in files or []]
        limit = int(self.settings.ui_max_upload_mb * 1_000_000)
        added: list[str] = []
        updated: list[str] = []
        dupes: list[str] = []
        errors: list[tuple[str, str]] = []
        self.uploads.mkdir(parents=True, exist_ok=True)
        for i, path in enumerate(paths):
            name = _SAFE_NAME.sub("-", path.name).lstrip(".-") or "recap.txt"
            if progress is not None:
                progress((i, len(paths)), desc=f"Indexing {name}")
            try:
                check_supported(Path(name))  # the check ingest makes, before anything is copied
            except RecapError as exc:
                errors.append((name, str(exc).removeprefix(f"{name}: ")))
                continue
            if path.stat().st_size > limit:
                errors.append((name, f"larger than {self.settings.ui_max_upload_mb:g} MB"))
                continue
            target = self.uploads / name
            if target.exists() and target.read_bytes() != path.read_bytes():
                # Another recap with the same name: keep both rather than replace the first one.
                digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
                target = self.uploads / f"{target.stem}-{digest}{target.suffix}"
            shutil.copyfile(path, target)
            try:
                report = self.assistant.ingest([target], progress=True)
            except RecapError as exc:
                errors.append((name, str(exc)))
                continue
            added += [Path(p).name for p in report.added]
            updated += [Path(p).name for p in report.updated]
            dupes += [Path(d.path).name for d in report.duplicates if Path(d.path) == target.resolve()]
            errors += [(Path(e.path).name, e.reason) for e in report.errors]
        if progress is not None:
            progress((len(paths), len(paths)), desc="Done")
        return render.ingest_report_html(added, updated, errors, dupes), self.library(), None

    def topic_question(self, evt: gr.EventData) -> tuple[str, Any]:
        """A heatmap cell was clicked: put its question in the chat box and show the chat."""
        topic, source = str(getattr(evt, "topic", "") or ""), str(getattr(evt, "source", "") or "")
        if not topic or not source:
            return gr.skip(), gr.skip()
        return question_for(source, topic), gr.Tabs(selected="ask")


def _message(message: Any) -> dict[str, str]:
    """A chat message as the plain dict we send back (Gradio may hand us dicts or ChatMessage objects)."""
    if isinstance(message, dict):
        return {"role": str(message.get("role", "")), "content": _text(message.get("content", ""))}
    return {"role": str(getattr(message, "role", "")), "content": _text(getattr(message, "content", ""))}


def _text(content: Any) -> str:
    if isinstance(content, list):  # Gradio 6 may normalise content to a list of parts
        return "".join(str(part.get("text", "")) if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def build_app(assistant: Assistant, settings: Settings | None = None) -> gr.Blocks:
    """The Blocks app over `assistant` (not launched)."""
    settings = settings or Settings()
    ui = RecapUI(assistant, settings)
    queue_limit = {"concurrency_limit": settings.ui_concurrency, "concurrency_id": "answers"}
    suffixes = sorted(SUPPORTED_SUFFIXES)
    conference = html.escape(settings.conference)
    with gr.Blocks(title=f"recap · {settings.conference}", analytics_enabled=False) as demo:
        turns = gr.State([])
        gr.HTML(
            f"<div id='recap-header'><h1>{conference}, recapped</h1>"
            "<p>Ask what people who were there wrote about it. Every claim is quoted from a published recap, "
            "with a card you can open to read it in context.</p>"
            "<span class='recap-pill'>offline</span><span class='recap-pill'>every claim cited</span>"
            "<span class='recap-pill'>says so when the recaps don't cover it</span></div>",
            js_on_load=None,
        )
        with gr.Tabs() as tabs:
            with gr.Tab("Ask", id="ask"):
                chatbot = gr.Chatbot(
                    elem_id="recap-chat",
                    height=430,
                    label="Chat",
                    show_label=False,
                    latex_delimiters=[],
                    feedback_options=None,
                    buttons=["copy"],
                    placeholder=f"<h2>Ask about {conference}</h2><p>Answers quote the recaps; sources below.</p>",
                )
                with gr.Row(equal_height=True, elem_id="recap-ask-row"):
                    question = gr.Textbox(
                        label="Your question",
                        placeholder="Ask about the talks, trends, co-located events…",
                        show_label=False,
                        scale=8,
                        max_lines=4,
                        elem_id="recap-question",
                    )
                    ask_button = gr.Button("Ask", variant="primary", scale=1, elem_id="recap-ask")
                with gr.Row(elem_classes="recap-examples"):
                    example_buttons = [gr.Button(e, size="sm", variant="secondary") for e in EXAMPLES]
                    clear = gr.Button(
                        "New chat", size="sm", variant="secondary", elem_id="recap-new", scale=0, min_width=110
                    )
                status = gr.HTML(elem_id="recap-status", js_on_load=None)
                cards = gr.HTML(elem_id="recap-cards", js_on_load=None)
            with gr.Tab("Sources", id="sources"):
                library = gr.HTML(elem_id="recap-library", js_on_load=None)
                gr.Markdown(
                    f"**Add recaps** ({', '.join(suffixes)}; up to {settings.ui_max_upload_mb:g} MB each). "
                    "They are indexed on upload and can be asked about right away."
                )
                upload = gr.File(
                    file_count="multiple", file_types=suffixes, label="Recap files", elem_id="recap-upload"
                )
                report = gr.HTML(elem_id="recap-report", js_on_load=None)
            with gr.Tab("Topic map", id="topics") as topic_tab:
                gr.Markdown("Who wrote about what. Click a cell to ask what that recap said about the topic.")
                heatmap = gr.HTML(elem_id="recap-heatmap", js_on_load=HEATMAP_JS)
            build_plan_tab(assistant, settings)

        chat_io: dict[str, Any] = {
            "fn": ui.respond,
            "inputs": [question, chatbot, turns],
            "outputs": [chatbot, question, turns, status, cards],
            **queue_limit,
        }
        ask_button.click(**chat_io, api_visibility="undocumented", api_name="chat")
        question.submit(**chat_io, api_visibility="private")
        for button in example_buttons:
            button.click(lambda q: q, inputs=button, outputs=question, queue=False, api_visibility="private").then(
                **chat_io, api_visibility="private"
            )
        clear.click(lambda: ([], [], "", ""), outputs=[chatbot, turns, status, cards], api_visibility="private")
        # The chat's own bin button starts a new chat too: the follow-up context goes with the messages.
        chatbot.clear(lambda: ([], "", ""), outputs=[turns, status, cards], api_visibility="private")
        heatmap.click(ui.topic_question, outputs=[question, tabs], api_visibility="private").then(
            **chat_io, api_visibility="private"
        )

        def add(files: list[str] | None, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> tuple[str, str, None]:  # noqa: B008
            return ui.add_recaps(files, progress)

        upload.upload(add, inputs=upload, outputs=[report, library, upload], api_visibility="private")
        # Unqueued: the map is read from a file (about a millisecond), so it need not wait for a worker.
        topic_tab.select(ui.heatmap, outputs=heatmap, queue=False, api_visibility="private")
        demo.load(ui.library, outputs=library, api_visibility="private")
        gr.api(ui.ask, api_name="ask", **queue_limit)
    return demo


@dataclass
class Server:
    """A running app: `url` to open, `close()` to stop it."""

    demo: gr.Blocks
    url: str

    def close(self) -> None:
        self.demo.close()

    def wait(self) -> None:
        """Serve until interrupted (Ctrl-C), for a server started with `block=False`."""
        self.demo.block_thread()


def launch(
    assistant: Assistant | None = None,
    settings: Settings | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    block: bool = True,
    mcp_server: bool = True,
) -> Server:
    """Start the app; with `block=False` return at once (tests, notebooks) and stop it with `close()`.

    With `mcp_server` (the default), recap's MCP tools are served too, at `/gradio_api/mcp/` behind
    the same login (`ui/mcp_route.py`)."""
    settings = settings or Settings()
    assistant = assistant or Assistant(settings)
    host = host or settings.ui_host
    auth = settings.auth()
    if host not in {"127.0.0.1", "localhost", "::1"} and auth is None:
        log.warning("serving on %s without a login: anyone who can reach it can read and add recaps", host)
    assistant.warm()  # the model, the index and the topic map now, not on the first question
    with gr.utils.MatplotlibBackendMananger():
        pass  # Gradio imports matplotlib around every event (seconds, the first time): now, not on the first
    demo = build_app(assistant, settings)
    # Nothing the app should serve lives in the data directory or the corpus: block them by path, whatever
    # else Gradio allows (its upload cache stays servable, as uploads need it).
    blocked = [str(settings.data_dir.resolve()), str(settings.corpus_dir.resolve())]
    demo.queue(default_concurrency_limit=settings.ui_concurrency)
    _, url, _ = demo.launch(
        server_name=host,
        server_port=port or settings.ui_port,
        auth=auth,
        auth_message="recap: log in with RECAP_UI_USER / RECAP_UI_PASSWORD",
        max_file_size=int(settings.ui_max_upload_mb * 1_000_000),
        blocked_paths=blocked,
        allowed_paths=[],
        prevent_thread_lock=not block,
        show_error=False,
        quiet=not block,
        ssr_mode=False,
        footer_links=["api"],
        theme=theme(),
        css=CSS,
        head=HEAD,
        app_kwargs=mcp_app_kwargs(assistant, settings, host) if mcp_server else None,
    )
    return Server(demo, url)
