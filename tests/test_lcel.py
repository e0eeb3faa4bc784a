"""recap in a user's own LangChain chain: the retriever and the runnable, composed with LCEL and
langchain_core's fake chat model standing in for the user's model."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompt_values import PromptValue
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough
from pydantic import ValidationError

from assistant import Assistant, BadQuestionError

WASM = "What did people say about Wasm?"
RECAP = [sys.executable, "-m", "assistant.cli"]


def search_json(data_dir: Path, query: str, k: int) -> list[dict[str, Any]]:
    """`recap search --json`, run as a user runs it."""
    env = {**os.environ, "RECAP_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [*RECAP, "search", query, "-k", str(k), "--json"], capture_output=True, text=True, env=env, timeout=180
    )
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def format_docs(docs: list[Document]) -> str:
    return "\n\n".join(f"{d.page_content}\n(source: {d.metadata['url']})" for d in docs)


class Spy:
    """A step in the chain that records what it passes on (here: the prompt the model is sent)."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def __call__(self, value: Any) -> Any:
        self.seen.append(value)
        return value


def test_retriever_documents_match_recap_search_json(assistant: Assistant, corpus_index: Path) -> None:
    retriever = assistant.as_retriever(k=4)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("Wasm")
    rows = search_json(corpus_index, "Wasm", 4)
    assert len(docs) == len(rows) == 4
    for doc, row in zip(docs, rows, strict=True):
        assert doc.page_content == row.pop("text")
        assert doc.metadata == row
        assert doc.id == row["chunk_id"]
    wanted = {"title", "author", "publisher", "date", "url", "section", "chunk_id", "start", "end", "score"}
    assert all(wanted <= set(d.metadata) for d in docs)
    assert all(d.metadata["url"].startswith("https://") for d in docs)
    for d in docs:  # start/end locate the passage in its recap
        text = assistant.document_text(d.metadata["source_id"])
        assert d.page_content.split("\n\n")[0] in text[d.metadata["start"] : d.metadata["end"]]


def test_retriever_in_a_user_chain_with_a_fake_chat_model(assistant: Assistant) -> None:
    retriever = assistant.as_retriever(k=3)
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Answer from these passages and cite their URLs:\n\n{context}"), ("human", "{question}")]
    )
    spy = Spy()
    model = GenericFakeChatModel(messages=iter([AIMessage("People were excited about Wasm, with doubts.")]))
    chain = (
        {"context": retriever | RunnableLambda(format_docs), "question": RunnablePassthrough()}
        | prompt
        | RunnableLambda(spy)
        | model
        | StrOutputParser()
    )

    assert chain.invoke(WASM) == "People were excited about Wasm, with doubts."
    sent = spy.seen[0]
    assert isinstance(sent, PromptValue)
    system, human = sent.to_messages()
    assert human.content == WASM
    docs = retriever.invoke(WASM)
    for d in docs:  # the model was given recap's passages and where they come from
        assert d.page_content in system.content and d.metadata["url"] in system.content
    assert "WebAssembly" in system.content or "Wasm" in system.content


def test_retriever_batch_and_ainvoke(assistant: Assistant) -> None:
    retriever = assistant.as_retriever(k=3)
    wasm, rust = retriever.batch(["Wasm", "Rust"])
    assert [d.id for d in wasm] == [d.id for d in retriever.invoke("Wasm")]
    assert any("Rust" in d.page_content for d in rust)
    assert [d.id for d in asyncio.run(retriever.ainvoke("Wasm"))] == [d.id for d in wasm]


def test_runnable_invoke_gives_the_ask_json_shape(assistant: Assistant) -> None:
    runnable = assistant.as_runnable()
    assert isinstance(runnable, Runnable)
    result = runnable.invoke({"question": WASM})
    expected = assistant.ask(WASM).to_json()
    assert set(result) == set(expected)
    assert result["answer"] == expected["answer"] and result["citations"] == expected["citations"]
    assert {c["author"] for c in result["citations"]} >= {"Daniel Bryant", "Christian Haintz", "Rafael Franzke"}
    assert runnable.invoke(WASM)["answer"] == expected["answer"]  # a bare string is a question


def test_runnable_stream_gives_text_then_the_dict(assistant: Assistant) -> None:
    parts = list(assistant.as_runnable().stream({"question": WASM, "history": []}))
    *texts, final = parts
    assert texts and all(isinstance(t, str) for t in texts)
    assert isinstance(final, dict) and "".join(texts) == final["answer"]
    assert final["citations"] and not final["abstained"]


def test_runnable_in_a_user_chain_with_a_fake_chat_model(assistant: Assistant) -> None:
    """recap answers with citations; the user's own model rewrites the answer for Slack."""
    spy = Spy()
    model = FakeListChatModel(responses=["Wasm: promising, still looking for its killer use case."])

    def for_slack(answer: dict[str, Any]) -> list[HumanMessage]:
        sources = "\n".join(f"[{c['n']}] {c['url']}" for c in answer["citations"])
        return [HumanMessage(f"Rewrite for Slack, keep the [n] markers:\n{answer['answer']}\n\n{sources}")]

    chain = assistant.as_runnable() | RunnableLambda(for_slack) | RunnableLambda(spy) | model | StrOutputParser()
    assert chain.invoke({"question": WASM}) == "Wasm: promising, still looking for its killer use case."
    sent = spy.seen[0][0].content
    cited = assistant.ask(WASM)
    assert all(c.quote in sent and c.source.url in sent for c in cited.citations)

    # Streamed through the chain, the user's step gets the final dict (text chunks can't be added to it).
    streamed = list((assistant.as_runnable() | RunnableLambda(lambda a: len(a["citations"]))).stream(WASM))
    assert streamed == [len(cited.citations)]


def test_runnable_batch_follow_up_and_async(assistant: Assistant) -> None:
    runnable = assistant.as_runnable()
    history = [("user", WASM), ("assistant", assistant.ask(WASM).text)]
    wasm, rust = runnable.batch([{"question": WASM}, {"question": "And about Rust?", "history": history}])
    assert wasm["citations"] and "Rust" in rust["answer"]

    async def run() -> tuple[dict[str, Any], list[Any]]:
        return await runnable.ainvoke({"question": WASM}), [p async for p in runnable.astream({"question": WASM})]

    invoked, parts = asyncio.run(run())
    assert invoked["answer"] == wasm["answer"]
    assert isinstance(parts[-1], dict) and parts[-1]["answer"] == wasm["answer"]
    assert "".join(p for p in parts[:-1] if isinstance(p, str)) == wasm["answer"]


def test_bad_input_is_a_recap_error(assistant: Assistant) -> None:
    runnable = assistant.as_runnable()
    with pytest.raises(BadQuestionError, match="needs a question"):
        runnable.invoke({"question": "  "})
    with pytest.raises(BadQuestionError, match=re.escape('takes {"question": str')):
        runnable.invoke({"q": WASM})
    with pytest.raises(BadQuestionError, match="history must be a list"):
        runnable.invoke({"question": WASM, "history": "earlier"})
    with pytest.raises(BadQuestionError, match="needs a query"):
        assistant.as_retriever().invoke("")
    with pytest.raises(BadQuestionError, match="k=10000 is out of range"):
        assistant.search("Wasm", k=10_000)
    with pytest.raises(ValidationError, match="less than or equal to 50"):
        assistant.as_retriever(k=10_000)
