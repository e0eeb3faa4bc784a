"""The Ollama path gets the catalogue: a planning question's prompt carries the fitting items as
structured context, each with the document to cite, and the model's list is verified as usual."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ollama_server import Reply
from test_generative import prompt_of, serve, with_model

from index.embeddings import Embedder

__all__ = ["serve"]  # the fixture, shared with tests/test_generative.py


def test_planning_prompt_lists_the_fitting_items_with_their_citations(
    serve, corpus_index: Path, embedder: Embedder
) -> None:
    def script(body: dict[str, Any]) -> Reply:
        prompt = prompt_of(body)
        line = re.search(
            r"^- Platform Engineering Day \(event\); Daniel Bryant recommends it; cite \[(\d+)\]$", prompt, re.M
        )
        assert line, prompt[:2000]
        n = line.group(1)
        return Reply(f"- Platform Engineering Day: Daniel Bryant thoroughly enjoyed this colocated event [{n}].")

    server = serve(script)
    answer = with_model(corpus_index, embedder, server.url).ask(
        "Which co-located events should a platform engineer attend next time?"
    )
    assert "Items the recaps name that fit the question" in prompt_of(server.chats[-1])
    assert answer.backend.startswith("ollama") and answer.citations
    assert "Platform Engineering Day" in answer.citations[0].quote
