"""How many prompt tokens of passages a model needs: the offline measure behind RECAP_CONTEXT_TOKENS.

    .venv/bin/python bench/context.py [--budgets 200 300 ...]

On a CPU a 3B model reads a prompt at about 80 tokens/s, so every 100 tokens of passages cost more
than a second before the first word. Without a model to grade answers, this measures what a model
*could* answer from: for each question of tests/eval/blind.jsonl, the passages recap would number
and fence for the prompt (`number_passages`, the same code as the generative chain) under each
budget, and
- gold: the share of grade-2 gold sentences that are in them;
- answerable: the share of answerable questions with at least one grade-2 sentence in them;
- sources: for opinion/comparison/agreement questions, the share of the recaps a complete answer
  must quote that have a grade-2 sentence in them;
- tokens: the median prompt tokens the passages take.
`full` is the budget the context window alone allows (RECAP_NUM_CTX minus the answer and the
instructions). Dev and test are printed side by side; the default is chosen on dev only, by the
rule printed at the end (TOLERANCE).
Follow-ups are condensed by the rules, as without a model (a model condenses more of them).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant import Assistant
from assistant.condense import condense
from assistant.context import number_passages, prompt_tokens, render
from assistant.evaluation import EVAL_SETS, normalise, split_of
from assistant.generative import context_budget
from assistant.router import route
from index.settings import Settings

BUDGETS = [150, 200, 300, 400, 500, 600, 800, 1000, 1200, 1600]
FULL = 10**9  # no cap but the context window
# The rule the default was chosen by, on dev: the smallest budget that keeps the share of grade-2 gold
# sentences in the prompt within this much of what the whole context window holds.
TOLERANCE = 0.05


@dataclass
class Row:
    split: str
    gold: int  # grade-2 gold sentences
    gold_in: int  # ... in the passages
    sources: int  # recaps a complete answer must quote
    sources_in: int  # ... with a grade-2 sentence in the passages
    tokens: int


def measure(assistant: Assistant, budgets: list[int]) -> dict[int, list[Row]]:
    view = assistant.view()
    bylines = {s.id: {s.author, s.publisher} for s in view.catalog.sources()}
    rows: dict[int, list[Row]] = {b: [] for b in budgets}
    for line in (EVAL_SETS / "blind.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        gold = [(normalise(g["text"]), g["doc"]) for g in item["gold"] if g["grade"] == 2]
        if item["kind"] == "unanswerable" or not gold:
            continue
        question = condense(item["question"], [tuple(t) for t in item.get("history", [])])
        retrieval = view.retriever.retrieve(question, assistant.settings.top_k)
        texts = view.texts(p.source.id for p in retrieval.passages)
        window = context_budget(
            assistant.settings.model_copy(update={"context_tokens": FULL}), route(question), question
        )
        for budget in budgets:
            numbered = number_passages(retrieval, view.store, texts, assistant.embedder, min(budget, window))
            shown = [(normalise(p.text), p.passage.source.id) for p in numbered]
            found = [text for text, _ in gold if any(text in passage for passage, _ in shown)]
            wanted = set(item.get("sources", []))
            heard = {
                name
                for text, _ in gold
                for passage, source_id in shown
                if text in passage
                for name in bylines[source_id]
            }
            rows[budget].append(
                Row(split_of(item["id"]), len(gold), len(found), len(wanted), len(wanted & heard),
                    prompt_tokens(render(numbered)))
            )  # fmt: skip
    return rows


def summary(rows: list[Row]) -> str:
    gold = sum(r.gold_in for r in rows) / sum(r.gold for r in rows)
    answerable = sum(r.gold_in > 0 for r in rows) / len(rows)
    needed = sum(r.sources for r in rows)
    sources = sum(r.sources_in for r in rows) / needed if needed else 1.0
    return f"{gold:5.3f} {answerable:5.3f} {sources:5.3f} {statistics.median(r.tokens for r in rows):5.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", type=int, nargs="*", default=BUDGETS)
    parser.add_argument("--data-dir", type=Path, help="an index of the bundled recaps (default: built in a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recap-context-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        assistant = Assistant(Settings(data_dir=data_dir, llm="extractive"))
        rows = measure(assistant, [*args.budgets, FULL])
    print(f"blind.jsonl answerable questions; top_k {assistant.settings.top_k}; gold / answerable / sources / tokens")
    print(f"{'budget':>7}  {'dev':^23}  {'test':^23}")
    for budget, per in rows.items():
        dev = summary([r for r in per if r.split == "dev"])
        test = summary([r for r in per if r.split == "test"])
        print(f"{'full' if budget == FULL else budget:>7}  {dev}  {test}")
    full = gold_share(rows[FULL], "dev")
    chosen = min((b for b in rows if gold_share(rows[b], "dev") >= full - TOLERANCE), default=FULL)
    print(
        f"smallest budget within {TOLERANCE} of the full window's dev gold share ({full:.3f}): "
        f"{'full' if chosen == FULL else chosen} (RECAP_CONTEXT_TOKENS default: {Settings().context_tokens})"
    )
    sys.stdout.flush()


def gold_share(rows: list[Row], split: str) -> float:
    chosen = [r for r in rows if r.split == split]
    return sum(r.gold_in for r in chosen) / sum(r.gold for r in chosen)


if __name__ == "__main__":
    main()
