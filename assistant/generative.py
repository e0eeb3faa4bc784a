"""Answers written by a local model (Ollama), with every citation checked before it is shown.

Answer first, then the model: the extractive quotes for the question (follow-ups resolved by the
rules alone) come before any model call, as a `Provisional` the reader can show at once; the
model's verified answer then takes their place.

The chain, in LangChain runnables: condense a follow-up with the conversation → hybrid retrieval
(the `Assistant`'s retriever) → route to an answer shape → number, fence and budget the passages →
prompt from `prompts/` → `ChatOllama`, streamed. The stream is cut into sentences as it arrives and
each sentence is verified (`assistant/verify.py`) before it is yielded, so a claim its citation
does not support never reaches the reader, even for a moment.

When the model cannot answer — Ollama stopped, the model is not pulled, a token took too long, the
connection dropped mid-answer — the extractive answer is returned with a notice saying why; text
already streamed is then superseded: the final `Answer` is what counts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough
from langchain_ollama import ChatOllama
from ollama import ResponseError

from assistant.backends import Backend, failure_notice, forget_checks
from assistant.catalogue import mention_spans
from assistant.condense import Turn, condense
from assistant.context import RESERVED_TOKENS, NumberedPassage, number_passages, prompt_tokens, render
from assistant.extractive import ExtractiveAnswerer, extractive_answer
from assistant.planning import planning_items
from assistant.retrieval import Retrieval
from assistant.router import Shape, route
from assistant.segment import Segment, Segmenter
from assistant.types import Answer, AnswerPart, Provisional
from assistant.verify import NOT_COVERED, Verifier, strip_markers
from assistant.view import IndexView
from index.chunking import count_tokens
from index.embeddings import Embedder
from index.errors import LLMUnavailableError
from index.settings import Settings
from prompts import load_prompt

log = logging.getLogger(__name__)

CONDENSE_TOKENS = 64  # a standalone question is one line
HISTORY_TURNS = 6  # the last three exchanges are enough to resolve "it" or "and about X?"
# What a model failure looks like from LangChain's Ollama client, before or during an answer.
MODEL_FAILURES = (httpx.HTTPError, ConnectionError, ResponseError, LLMUnavailableError, TimeoutError)


def chat_model(backend: Backend, settings: Settings, num_predict: int | None = None) -> ChatOllama:
    """`ChatOllama` for `backend`, with timeouts that leave room for a cold model load."""
    # httpx's read timeout bounds the wait for each chunk, the first one included: that wait is
    # where a model that Ollama unloaded (after 5 idle minutes by default) spends its 30-60 s reload.
    timeout = httpx.Timeout(settings.first_token_timeout, connect=settings.connect_timeout)
    return ChatOllama(
        model=backend.model,
        base_url=backend.host,
        temperature=settings.temperature,
        num_ctx=settings.num_ctx,
        num_predict=num_predict or settings.num_predict,
        keep_alive=settings.keep_alive,
        client_kwargs={"timeout": timeout},
    )


@dataclass
class Prepared:
    """A question made ready for the model: what it is asked, from which passages, and the fallback."""

    question: str  # standalone: follow-ups resolved
    retrieval: Retrieval
    shape: Shape
    passages: list[NumberedPassage]
    fallback: Answer  # the extractive answer over the same retrieval, shown if the model fails
    started: float
    timings: dict[str, float] = field(default_factory=dict)
    items: str = ""  # the catalogue items that fit a planning question, as structured context


Quotes = tuple[Retrieval, Answer]  # the extractive answer, and the retrieval it quotes


class GenerativeAnswerer:
    """Answers one question with a local model; see the module docstring for the flow."""

    def __init__(self, backend: Backend, settings: Settings, embedder: Embedder) -> None:
        self.backend = backend
        self.settings = settings
        self.embedder = embedder
        self.llm = chat_model(backend, settings)

    # -- the chain ------------------------------------------------------------------------------

    def prepare_chain(self, view: IndexView) -> Runnable[dict[str, Any], dict[str, Any]]:
        """{question, history} → + standalone, retrieval, shape, passages."""
        return (
            RunnablePassthrough.assign(standalone=RunnableLambda(self._condense))
            | RunnablePassthrough.assign(retrieval=RunnableLambda(lambda x: self._retrieve(x, view)))
            | RunnablePassthrough.assign(shape=RunnableLambda(lambda x: route(x["standalone"])))
            | RunnablePassthrough.assign(passages=RunnableLambda(lambda x: self._number(x, view)))
        )

    def answer_chain(self) -> Runnable[dict[str, Any], BaseMessage]:
        """{shape, question, documents} → the model's message, streamable token by token."""
        # A lambda returning a prompt template: LCEL invokes it on the same input (the routing step).
        return RunnableLambda(lambda x: answer_prompt(x["shape"])) | self.llm

    def _condense(self, inputs: dict[str, Any]) -> str:
        question: str = inputs["question"]
        turns: list[Turn] = inputs["history"]
        standalone = condense(question, turns, glue=False)
        if standalone != question or not turns:
            return standalone  # the rules resolved it (or there is nothing to resolve): no model call
        chain = ChatPromptTemplate.from_template(load_prompt("condense")) | self._condense_llm() | StrOutputParser()
        try:
            rewritten = chain.invoke({"history": format_history(turns), "question": question})
        except (httpx.HTTPError, ConnectionError, ResponseError) as exc:
            log.info("could not condense with the model (%s); using the question as asked", exc)
            return question
        rewritten = rewritten.strip().strip('"“”').splitlines()[0].strip() if rewritten.strip() else ""
        if not rewritten or len(rewritten) > 3 * len(question) + 200:
            return question  # an empty or rambling rewrite is worse than the question as asked
        log.info("condensed %r to %r", question, rewritten)
        return rewritten

    def _retrieve(self, inputs: dict[str, Any], view: IndexView) -> Retrieval:
        quotes: Quotes | None = inputs.get("quotes")
        if quotes is not None and quotes[1].question == inputs["standalone"]:
            return quotes[0]  # the rules read the question as the model did: the quotes' retrieval serves
        return view.retriever.retrieve(inputs["standalone"], self.settings.top_k)

    def _condense_llm(self) -> ChatOllama:
        return chat_model(self.backend, self.settings, num_predict=CONDENSE_TOKENS)

    def _number(self, inputs: dict[str, Any], view: IndexView) -> list[NumberedPassage]:
        retrieval: Retrieval = inputs["retrieval"]
        texts = view.texts(p.source.id for p in retrieval.passages)
        budget = context_budget(self.settings, inputs["shape"], inputs["standalone"])
        return number_passages(retrieval, view.store, texts, self.embedder, budget)

    # -- one question: prepare, then generate and verify, then finish ---------------------------

    def stream(self, question: str, turns: Sequence[Turn], view: IndexView) -> Iterator[AnswerPart]:
        """The quotes (`Provisional`) before any model call, then verified text as the model writes
        it, then the final `Answer` (which is what counts)."""
        started = time.perf_counter()
        quotes = ExtractiveAnswerer(self.settings).quote(question, turns, view)
        if quotes[1].citations:  # an abstention is nothing to show while the model writes
            yield Provisional(replace(quotes[1], timings=dict(quotes[1].timings)))
        try:
            prepared = self.prepare(question, turns, view, quotes, started)
        except LLMUnavailableError as exc:
            log.warning("%s", exc)
            forget_checks()  # it failed while answering: look again next time rather than trust the check
            quotes[1].notice = str(exc)
            yield quotes[1].text
            yield quotes[1]
            return
        fallback = prepared.fallback
        if fallback.abstained and prepared.retrieval.best_similarity < self.settings.relevance_floor:
            # Nothing retrieved is even about the question: asking the model would invite a guess.
            fallback.backend = self.backend.name
            yield fallback.text
            yield self.finish(prepared, fallback)
            return
        verifier = Verifier(
            prepared.passages, self.embedder, prepared.question, self.settings.conference, view.catalog.sources()
        )
        shown: list[str] = []
        try:
            for delta in self.generate_verified(prepared, verifier):
                shown.append(delta)
                yield delta
        except MODEL_FAILURES as exc:
            log.warning("%s failed: %s", self.backend.name, exc)
            forget_checks()
            fallback.notice = failure_notice(exc, self.backend, self.settings.first_token_timeout)
            fallback.verification = verifier.check
            yield self.finish(prepared, fallback)
            return
        yield self.finish(prepared, self.conclude(prepared, verifier, "".join(shown).strip()))

    def prepare(
        self,
        question: str,
        turns: Sequence[Turn],
        view: IndexView,
        quotes: Quotes | None = None,
        started: float | None = None,
    ) -> Prepared:
        """Condense, retrieve, route and number the passages; also compose the extractive fallback.

        `quotes` (from `ExtractiveAnswerer.quote`) are reused as retrieval and fallback when the
        question condenses to what the rules made of it, so they are not computed twice.
        """
        started = started or time.perf_counter()
        inputs = {"question": question, "history": list(turns), "quotes": quotes}
        try:
            chain_output = self.prepare_chain(view).invoke(inputs)
        except (httpx.HTTPError, ConnectionError, ResponseError) as exc:
            # Only the model-condensation step talks to Ollama here, and it falls back by itself.
            raise LLMUnavailableError(failure_notice(exc, self.backend, self.settings.first_token_timeout)) from exc
        retrieval: Retrieval = chain_output["retrieval"]
        if quotes is not None and retrieval is quotes[0]:
            fallback = quotes[1]
        else:
            fallback = extractive_answer(
                chain_output["standalone"],
                retrieval,
                view.store,
                view.texts(p.source.id for p in retrieval.passages),
                self.settings,
                sources=list(view.retriever.sources.values()),
                mentions=mention_spans(view),
            )
        timings = {"retrieve": _ms(started)}
        if quotes is not None:
            timings["quotes"] = quotes[1].timings.get("total", 0.0)
        return Prepared(
            question=chain_output["standalone"],
            retrieval=retrieval,
            shape=chain_output["shape"],
            passages=chain_output["passages"],
            fallback=fallback,
            started=started,
            timings=timings,
            items=planning_items(
                chain_output["standalone"], retrieval, view, chain_output["passages"], self.settings.conference
            ),
        )

    def generate_verified(self, prepared: Prepared, verifier: Verifier) -> Iterator[str]:
        """The model's answer, sentence by sentence, each shown only once verification keeps it.

        Ends with a plain statement for each part of the question no recap covers, if the model
        did not say so itself.
        """
        segmenter = Segmenter()
        mark = time.perf_counter()
        inputs = {
            "shape": prepared.shape,
            "question": prepared.question,
            "documents": render(prepared.passages),
            "conference": self.settings.conference,
            "items": prepared.items or "(none)",
        }
        # What every first word waits for: the model reads all of it before it writes (about 80 tokens/s on a CPU).
        messages = answer_prompt(prepared.shape).format_messages(**inputs)
        prepared.timings["prompt_tokens"] = float(sum(count_tokens(str(m.content)) for m in messages))
        shown = ""
        for segment in self._generate(inputs, prepared.timings, mark, segmenter):
            kept = verifier.verify(segment.sentence)
            if kept is None:
                segmenter.skip(segment.separator)
                continue
            delta = segmenter.emit(kept, segment.separator)
            shown += delta
            yield delta
        prepared.timings["generate"] = _ms(mark)
        for word in uncovered(prepared.retrieval, shown):
            # Partial coverage, said plainly even when the model forgot to.
            yield segmenter.emit(f"The recaps don't mention “{word}”.", "", paragraph=True)

    def conclude(self, prepared: Prepared, verifier: Verifier, text: str) -> Answer:
        """The answer the verified text makes, or the fallback when none of its claims held up."""
        if verifier.citations:
            return Answer(text, verifier.citations, False, self.backend.name, verification=verifier.check)
        if text and NOT_COVERED.search(text):
            return Answer(text, [], True, self.backend.name, verification=verifier.check)
        fallback = prepared.fallback
        fallback.notice = (
            f"None of {self.backend.name}'s cited statements could be verified against the recaps; "
            "showing quotes instead."
        )
        fallback.verification = verifier.check
        return fallback

    def finish(self, prepared: Prepared, answer: Answer) -> Answer:
        """`answer` with the question it answered and the timings of every stage."""
        prepared.timings["total"] = _ms(prepared.started)
        answer.timings = {**prepared.timings, **{k: v for k, v in answer.timings.items() if k not in prepared.timings}}
        answer.question = prepared.question
        return answer

    def _generate(
        self, inputs: dict[str, Any], timings: dict[str, float], mark: float, segmenter: Segmenter
    ) -> Iterator[Segment]:
        """The model's answer cut into sentences; raises if the stream stops before Ollama says `done`."""
        done = False
        deadline = mark + self.settings.ollama_timeout
        for chunk in self.answer_chain().stream(inputs):
            if "first_token" not in timings and chunk.content:
                timings["first_token"] = _ms(mark)
            done = done or bool(chunk.response_metadata.get("done"))
            if chunk.response_metadata.get("prompt_eval_count") is not None:  # Ollama's own count, on the last chunk
                timings["prompt_eval_count"] = float(chunk.response_metadata["prompt_eval_count"])
            yield from segmenter.feed(str(chunk.content))
            if time.perf_counter() > deadline:
                raise TimeoutError(
                    f"{self.backend.name} took longer than {self.settings.ollama_timeout:.0f} s "
                    "(RECAP_OLLAMA_TIMEOUT); answering without a model."
                )
        if not done:
            raise LLMUnavailableError("the stream ended before the model finished")
        yield from segmenter.flush()


def answer_prompt(shape: Shape) -> ChatPromptTemplate:
    """The system prompt plus the prompt for `shape`, read from `prompts/` now (edits apply at once)."""
    return ChatPromptTemplate.from_messages([("system", load_prompt("system")), ("human", load_prompt(shape.value))])


def context_budget(settings: Settings, shape: Shape, question: str) -> int:
    """Prompt tokens for the documents: `settings.context_tokens`, or less if that is all the context
    window leaves once instructions, question and the answer are counted."""
    fixed = prompt_tokens(load_prompt("system")) + prompt_tokens(load_prompt(shape.value)) + prompt_tokens(question)
    budget = settings.num_ctx - settings.num_predict - fixed - RESERVED_TOKENS
    if budget < 128:
        raise LLMUnavailableError(
            f"RECAP_NUM_CTX={settings.num_ctx} leaves no room for documents after RECAP_NUM_PREDICT="
            f"{settings.num_predict}; raise the first or lower the second."
        )
    return min(budget, settings.context_tokens)


def format_history(turns: Sequence[Turn]) -> str:
    lines = []
    for role, text in list(turns)[-HISTORY_TURNS:]:
        who = "User" if role == "user" else "Assistant"
        said = strip_markers(text).replace("\n", " ")
        lines.append(f"{who}: {said[:300]}{'…' if len(said) > 300 else ''}")
    return "\n".join(lines)


def uncovered(retrieval: Retrieval, text: str) -> list[str]:
    """Words of the question no recap contains that the answer does not already own up to."""
    lowered = text.lower()
    return [w for w in retrieval.unknown_words if w.lower() not in lowered]


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000
