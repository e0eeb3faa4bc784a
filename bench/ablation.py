"""Retrieval and answer ablation on the graded question set (tests/eval/blind.jsonl).

    .venv/bin/python bench/ablation.py [--split test] [--data-dir DIR]

    .venv/bin/python bench/ablation.py --answer [--split test] [--data-dir DIR]

Measures BM25 alone, dense chunks alone, dense sentences alone, their fusion, then adds
diversification and each query-side step one at a time, and prints evidence recall@5, nDCG@5 and
the extractive answer's precision for each. With `--answer`, the full answer with each of its
answer-side rules taken away in turn, and the answer figures for each. Constants are chosen on
`--split dev`; the test split is what docs/benchmarks.md reports.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest import mock

from assistant import Assistant, Settings, evidence, extractive, planning
from assistant.graded import evaluate_graded, load_graded
from assistant.question import Kind, Question
from assistant.retrieval import Fusion, Retrieval, Retriever
from assistant.selector import shipped_selector
from assistant.spelling import Spelling
from index.settings import Settings as IndexSettings

Variant = Callable[[Retriever], None]


def set_fusion(fusion: Fusion) -> Variant:
    def apply(retriever: Retriever) -> None:
        retriever.fusion = fusion

    return apply


def without_spelling(retriever: Retriever) -> None:
    retriever.spelling = Spelling({})


FULL = Fusion()
VARIANTS: list[tuple[str, list[Variant]]] = [
    ("BM25 alone", [set_fusion(Fusion(dense=0, sentences=0, diversify=False)), without_spelling]),
    ("dense chunks alone", [set_fusion(Fusion(sentences=0, keywords=0, diversify=False)), without_spelling]),
    ("dense sentences alone", [set_fusion(Fusion(dense=0, keywords=0, diversify=False)), without_spelling]),
    ("fusion (RRF)", [set_fusion(replace(FULL, diversify=False)), without_spelling]),
    ("+ a seat per source", [set_fusion(FULL), without_spelling]),
    ("+ spelling from the index", [set_fusion(FULL)]),
]


def _veto_in_every_fact_question(
    found: list[evidence.Candidate], retrieval: Retrieval, question: Question, settings: IndexSettings
) -> bool:
    """`evidence.weak_evidence` as it was: an unfamiliar word vetoes any fact, list or yes/no question."""
    if retrieval.unknown_words and question.kind in (Kind.FACT, Kind.LIST, Kind.YESNO):
        weak = max((c.similarity for c in found), default=0.0) < settings.confident_similarity
        return weak and not any(c.names_topic and c.strength >= evidence.TOPIC_FLOOR for c in found)
    return evidence.weak_evidence(found, retrieval, question, settings)


def _selector(**policy: Any) -> AbstractContextManager[Any]:
    shipped = shipped_selector()
    changed = replace(
        shipped,
        policy=replace(shipped.policy, **policy.get("facts", {})),
        view_policy=policy.get("views", replace(shipped.view_policy)),
    )
    return mock.patch.object(extractive, "shipped_selector", lambda: changed)


def _first(chosen: list[Any], question: str, retrieval: Retrieval, view: Any, limit: int) -> list[Any]:
    return chosen[:limit]


ANSWER_VARIANTS: list[tuple[str, Callable[[], AbstractContextManager[Any]]]] = [
    ("full answer", nullcontext),
    ("− list items filtered by the selector", lambda: mock.patch.object(planning, "likely_answers", _first)),
    ("− one item for 'which company…'", lambda: mock.patch.object(planning, "asks_for_one", lambda q: False)),
    ("− typed sentence as likely as the best", lambda: _selector(facts={"typed_share": 0.0})),
    ("− a policy of its own for views", lambda: _selector(views=shipped_selector().policy)),
    ("− no praise for a critical question", lambda: mock.patch.object(extractive, "tone", lambda text: 0)),
    (
        "+ unfamiliar word vetoes every fact",
        lambda: mock.patch.object(extractive, "weak_evidence", _veto_in_every_fact_question),
    ),
]


def answer_ablation(assistant: Assistant, questions: list[Any]) -> None:
    columns = ("precision", "recall", "abst.P", "abst.R", "compar.", "items")
    print(f"{'variant':40s} " + " ".join(f"{c:>9s}" for c in columns))
    for name, patch in ANSWER_VARIANTS:
        with patch():
            f = evaluate_graded(assistant, questions).figures()
        print(
            f"{name:40s} {f['answer_precision'] or 0:9.3f} {f['answer_recall'] or 0:9.3f} "
            f"{f['abstention_precision'] or 0:9.3f} {f['abstention_recall'] or 0:9.3f} "
            f"{f['comparisons_complete'] or 0:9.3f} {f['items_named'] or 0:9.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--data-dir", type=Path, help="an index of the bundled recaps (default: built in a temp dir)")
    parser.add_argument("--answer", action="store_true", help="take the answer's rules away one at a time instead")
    args = parser.parse_args()
    questions = [q for q in load_graded() if q.split == args.split]
    with tempfile.TemporaryDirectory(prefix="recap-ablation-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        assistant = Assistant(Settings(data_dir=data_dir, llm="extractive"))
        assistant.sources()  # ingests the bundled recaps into an empty data dir
        print(f"{len(questions)} {args.split} questions")
        if args.answer:
            answer_ablation(assistant, questions)
            return
        print(f"{'variant':34s} {'recall@5':>8s} {'nDCG@5':>8s} {'precision':>9s} {'ans.recall':>10s}")
        for name, steps in VARIANTS:
            retriever = assistant.view().retriever
            original = (retriever.fusion, retriever.spelling)
            for step in steps:
                step(retriever)
            figures = evaluate_graded(assistant, questions).figures()
            retriever.fusion, retriever.spelling = original
            print(
                f"{name:34s} {figures['evidence_recall@5'] or 0:8.3f} {figures['ndcg@5'] or 0:8.3f} "
                f"{figures['answer_precision'] or 0:9.3f} {figures['answer_recall'] or 0:10.3f}"
            )


if __name__ == "__main__":
    main()
