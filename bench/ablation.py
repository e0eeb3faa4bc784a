"""Retrieval and answer ablation on the graded question set (tests/eval/blind.jsonl).

    .venv/bin/python bench/ablation.py [--split test] [--data-dir DIR]

Measures BM25 alone, dense chunks alone, dense sentences alone, their fusion, then adds
diversification and each query-side step one at a time, and prints evidence recall@5, nDCG@5 and
the extractive answer's precision for each. Constants are chosen on `--split dev`; the test split
is what docs/benchmarks.md reports.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from assistant import Assistant, Settings
from assistant.graded import evaluate_graded, load_graded
from assistant.retrieval import Fusion, Retriever
from assistant.spelling import Spelling

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--data-dir", type=Path, help="an index of the bundled recaps (default: built in a temp dir)")
    args = parser.parse_args()
    questions = [q for q in load_graded() if q.split == args.split]
    with tempfile.TemporaryDirectory(prefix="recap-ablation-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        assistant = Assistant(Settings(data_dir=data_dir, llm="extractive"))
        assistant.sources()  # ingests the bundled recaps into an empty data dir
        print(f"{len(questions)} {args.split} questions")
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
