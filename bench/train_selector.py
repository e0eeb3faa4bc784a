"""Fit the extractive answer's sentence selector on the dev split, and write assistant/selector.json.

    .venv/bin/python bench/train_selector.py [--data-dir DIR] [--dry-run]

Training data: every candidate sentence of the dev questions of tests/eval/blind.jsonl (labelled by
the gold sentences: relevant when it overlaps one of grade 1 or 2) and of the original set
tests/eval/questions.jsonl (relevant when it holds an evidence phrase). The test split is never
read. The L2 strength is chosen by 5-fold cross-validation grouped by question; the answer policy
(abstention and quoting thresholds, quote caps) is chosen on the out-of-fold probabilities, so the
dev figures printed are not the fit's own. Deterministic: the folds come from a hash of the id.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant import Assistant, Settings
from assistant.catalogue import mention_spans
from assistant.condense import condense
from assistant.evaluation import load_questions, normalise
from assistant.evidence import Candidate, candidates, weak_evidence
from assistant.extractive import Selection, select, uncovered_parts
from assistant.graded import GoldIndex, GoldSpan, load_graded, overlaps
from assistant.question import Question, analyse
from assistant.selector import MODEL_FILE, VIEW_KINDS, Policy, fit

FOLDS = 5
L2_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
TARGET_PRECISION = 0.87  # a little above the 0.85 target: the test split will not be as kind as dev


@dataclass
class Example:
    """One question's candidates, labels and what a good answer does."""

    id: str
    question: Question
    found: list[Candidate]
    labels: np.ndarray  # 1 when the candidate overlaps a gold sentence (grade 1 or 2)
    grade2: list[GoldSpan]  # what recall counts (blind set); empty for the original set
    answerable: bool
    named: list  # Sources the question names
    sources_expected: tuple[str, ...] = ()
    graded: bool = True  # from the blind set (sentence-level gold); False for the original set's phrases
    not_covered: bool = False  # asks only about something specific no recap mentions (abstains before scoring)
    weak: bool = False  # nothing retrieved is close enough to quote (`evidence.weak_evidence`)

    @property
    def fold(self) -> int:
        return int(hashlib.sha256(f"fold:{self.id}".encode()).hexdigest()[:8], 16) % FOLDS


def build_examples(assistant: Assistant) -> list[Example]:
    view = assistant.view()
    gold = GoldIndex(assistant.sources(), assistant.document_text, view.store.all_chunks())
    examples: list[Example] = []
    for q in load_graded():
        if q.split != "dev":
            continue  # the test split is only scored, never trained or tuned on
        spans = [gold.locate(g) for g in q.gold]
        example = _example(assistant, q.id, condense(q.question, list(q.history)), q.answerable)
        example.labels = np.array(
            [
                any(g.source_id == c.source.id and overlaps(g.span, (c.start, c.end)) for g in spans)
                for c in example.found
            ],
            dtype=np.float64,
        )
        example.grade2 = [g for g in spans if g.grade == 2]
        example.sources_expected = q.sources
        examples.append(example)
    for q in load_questions():
        example = _example(assistant, q.id, q.question, q.answerable)
        example.graded = False
        phrases = [normalise(e) for e in q.evidence]
        example.labels = np.array([any(p in normalise(c.quote) for p in phrases) for c in example.found], dtype=float)
        examples.append(example)
    return examples


def _is_gold(candidate: Candidate, spans: list[GoldSpan]) -> bool:
    return any(g.source_id == candidate.source.id and overlaps(g.span, (candidate.start, candidate.end)) for g in spans)


def _example(assistant: Assistant, question_id: str, standalone: str, answerable: bool) -> Example:
    view = assistant.view()
    retrieval = view.retriever.retrieve(standalone, assistant.settings.top_k)
    texts = view.texts(p.source.id for p in retrieval.passages)
    question = analyse(standalone, len(retrieval.named_sources))
    named = list({p.source.id: p.source for p in retrieval.passages if p.source.id in retrieval.named_sources}.values())
    found = candidates(retrieval, view.store, texts, question, mention_spans(view))
    example = Example(question_id, question, found, np.zeros(len(found)), [], answerable, named)
    example.not_covered = len(uncovered_parts(question, retrieval)) == len(question.parts)
    example.weak = weak_evidence(found, retrieval, question, assistant.settings)
    return example


def rows(examples: list[Example]) -> tuple[np.ndarray, np.ndarray]:
    features = [c.features for e in examples for c in e.found]
    labels = [label for e in examples for label in e.labels]
    return np.stack(features), np.asarray(labels)


def out_of_fold(examples: list[Example], l2: float) -> list[np.ndarray]:
    """Each question's candidate probabilities from a model fitted without its fold."""
    probabilities: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for fold in range(FOLDS):
        train = [e for e in examples if e.fold != fold and e.found]
        x, y = rows(train)
        model = fit(x, y, np.ones(len(y)), l2, Policy())
        for i, e in enumerate(examples):
            if e.fold == fold and e.found:
                probabilities[i] = model.probabilities(np.stack([c.features for c in e.found]))
    return probabilities


def log_loss(examples: list[Example], probabilities: list[np.ndarray]) -> float:
    p = np.clip(np.concatenate([q for q in probabilities if q.size]), 1e-6, 1 - 1e-6)
    y = np.concatenate([e.labels for e in examples if e.found])
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    abstention_precision: float
    abstention_recall: float
    comparisons: float
    abstained_with_evidence: int  # answerable, abstained, though a gold sentence was in the top 5 passages

    def meets(self) -> bool:
        return (
            self.precision >= TARGET_PRECISION
            and self.abstention_precision >= 0.95
            and self.abstention_recall >= 0.95
            and self.comparisons >= 0.95
        )

    @property
    def score(self) -> float:
        """Precise quotes weigh most, then finding the gold ones and not abstaining when the answer is
        there (a wrong abstention hides an answer; a missed one still quotes the closest sentences)."""
        return (
            0.35 * self.precision
            + 0.25 * self.recall
            + 0.2 * self.abstention_precision
            + 0.1 * self.abstention_recall
            + 0.1 * self.comparisons
            - 0.01 * self.abstained_with_evidence
        )


def simulate_both(
    examples: list[Example], probabilities: list[np.ndarray], policy: Policy, view_policy: Policy
) -> Figures:
    """The figures over all questions, each family answered with its own policy."""
    return simulate(examples, probabilities, policy, view_policy)


def simulate(
    examples: list[Example], probabilities: list[np.ndarray], policy: Policy, view_policy: Policy | None = None
) -> Figures:
    """The answer figures `policy` gives: abstention over both sets (the original set's 6 unanswerable
    and 37 answerable questions must stay right), quotes over the graded (blind dev) questions only."""
    quotes = relevant = grade2 = grade2_quoted = 0
    abstained_right = abstained = unanswerable = comparisons = complete = with_evidence = 0
    for e, p in zip(examples, probabilities, strict=True):
        if e.not_covered or not e.found:
            selection = Selection(abstain_reason="not covered")
        else:
            chosen = view_policy if view_policy is not None and e.question.kind in VIEW_KINDS else policy
            selection = select(e.question, e.found, p, chosen, e.named, e.weak)
        unanswerable += not e.answerable
        if selection.abstain_reason:
            abstained += 1
            abstained_right += not e.answerable
            with_evidence += e.answerable and any(
                c.passage_rank < 5 and label for c, label in zip(e.found, e.labels, strict=True)
            )
        if not e.graded:
            continue
        picked = [q.candidate for q in selection.quotes]
        quotes += len(picked)
        relevant += sum(int(e.labels[e.found.index(c)]) for c in picked)
        grade2 += len(e.grade2)
        grade2_quoted += sum(
            any(g.source_id == c.source.id and overlaps(g.span, (c.start, c.end)) for c in picked) for g in e.grade2
        )
        if e.question.kind.value == "comparison" and e.sources_expected:
            comparisons += 1
            cited = {c.source.author or c.source.publisher for c in picked} | {c.source.publisher for c in picked}
            complete += all(s in cited for s in e.sources_expected)
    return Figures(
        precision=relevant / quotes if quotes else 0.0,
        recall=grade2_quoted / grade2 if grade2 else 0.0,
        abstention_precision=abstained_right / abstained if abstained else 1.0,
        abstention_recall=abstained_right / unanswerable if unanswerable else 1.0,
        comparisons=complete / comparisons if comparisons else 1.0,
        abstained_with_evidence=with_evidence,
    )


def choose_policy(examples: list[Example], probabilities: list[np.ndarray]) -> tuple[Policy, Figures]:
    best: tuple[bool, float, Policy, Figures] | None = None
    grid = itertools.product(
        (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),  # abstain_below
        (0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6),  # quote_at
        (0.0, 0.3, 0.5, 0.7),  # relative
        (3, 4, 6, 8),  # max_quotes
        (1, 2, 3, 4),  # max_per_source
        (0.0, 0.25, 0.5, 0.75),  # typed_share
    )
    for abstain_below, quote_at, relative, max_quotes, per_source, typed_share in grid:
        policy = Policy(abstain_below, quote_at, relative, max_quotes, per_source, typed_share)
        figures = simulate(examples, probabilities, policy)
        key = (figures.meets(), figures.score, policy, figures)
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    return best[2], best[3]


def choose_policies(examples: list[Example], probabilities: list[np.ndarray]) -> tuple[Policy, Policy]:
    """A policy for questions after views and one for the rest, each chosen on its own dev questions."""
    chosen = []
    for views in (False, True):
        family = [
            (e, p) for e, p in zip(examples, probabilities, strict=True) if (e.question.kind in VIEW_KINDS) == views
        ]
        policy, figures = choose_policy([e for e, _ in family], [p for _, p in family])
        print(f"{'views' if views else 'facts'} ({len(family)} questions):", asdict(policy))
        print("  dev (out of fold):", {k: round(v, 3) for k, v in asdict(figures).items()})
        chosen.append(policy)
    return chosen[0], chosen[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="an index of the bundled recaps (default: built in a temp dir)")
    parser.add_argument("--dry-run", action="store_true", help="print the figures, do not write selector.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recap-train-") as tmp:
        assistant = Assistant(Settings(data_dir=args.data_dir or Path(tmp), llm="extractive"))
        examples = build_examples(assistant)
    print(f"{len(examples)} questions, {sum(len(e.found) for e in examples)} candidate sentences")
    losses = {l2: log_loss(examples, out_of_fold(examples, l2)) for l2 in L2_GRID}
    l2 = min(losses, key=lambda value: losses[value])
    print("cross-validated log loss by L2:", {k: round(v, 4) for k, v in losses.items()}, "→", l2)
    probabilities = out_of_fold(examples, l2)
    policy, view_policy = choose_policies(examples, probabilities)
    figures = simulate_both(examples, probabilities, policy, view_policy)
    print("dev (out of fold):", {k: round(v, 3) for k, v in asdict(figures).items()}, "meets targets:", figures.meets())
    x, y = rows([e for e in examples if e.found])
    model = fit(x, y, np.ones(len(y)), l2, policy, view_policy)
    for name, weight in zip(model.features, model.weights, strict=True):
        print(f"  {name:20s} {weight:+.3f}")
    if not args.dry_run:
        MODEL_FILE.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}")


if __name__ == "__main__":
    main()
