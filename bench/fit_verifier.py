"""Re-fit the verifier's support model on the dev split of the claim benchmark; writes assistant/support_model.json.

    .venv/bin/python bench/fit_verifier.py [--data-dir DIR]

The fitted features are lexical, so the model does not depend on the stored vectors; run it again
when the benchmark, the features or the tokenisation change, or after adding a vector feature
(`similarity`, `clause_similarity`: cosines between a claim's embedding and the sentence vectors
stored at ingest, whose scale moves with late-chunked or quantised vectors). The rules (names,
quantities, polarity, attribution) are not fitted.

What is fitted: a logistic regression (scikit-learn, lbfgs, deterministic) telling `supported`
claims from `unsupported_addition` and `partly_supported` ones — the labels whose difference is how
much of the claim the passage states — on dev claims only, with the features `support.measure`
computes in the app. The decision threshold is the highest probability that still keeps
`KEEP_TARGET` of the dev supported claims. The test split is never read here.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant import Assistant
from assistant.claim_eval import ClaimBench, load_claims
from assistant.support import MODEL_FILE
from index.embeddings import MODEL_NAME
from index.settings import Settings

# Lexical features only: on dev they separate as well as any mix with the embedding similarities
# (5-fold cross-validation), and they do not move when the stored vectors change.
FEATURES = ("lexical", "clause_coverage", "clause_novel")
VECTOR_FEATURES = ("similarity", "clause_similarity")  # measured too, and would move with the vectors
TRAINED_ON = {"supported": 1, "unsupported_addition": 0, "partly_supported": 0}
KEEP_TARGET = 0.95  # of dev supported claims kept; the floor is 90% on test, so leave room
C = 1.0  # inverse regularisation strength: sklearn's default; few features, ~100 claims
OUT = Path(__file__).resolve().parent.parent / "assistant" / MODEL_FILE


def dev_features(bench: ClaimBench) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features of each dev claim of the trained labels against the passage it cites, as the app measures
    them; claims a rule (names, quantities, polarity) already removes are left out."""
    rows, labels, ids = [], [], []
    for claim in load_claims():
        if claim.split != "dev" or claim.label not in TRAINED_ON:
            continue
        passages = bench.passages(claim)
        verifier = bench.verifier(passages)
        content = verifier.attributions.find(claim.claim).content
        support = verifier.support(content, passages[0].n, [p.n for p in passages])
        if support.missing_names or support.problems:
            continue  # a rule decides these; the model weighs what no rule catches
        rows.append([support.features[f] for f in FEATURES])
        labels.append(TRAINED_ON[claim.label])
        ids.append(claim.id)
    return np.asarray(rows, dtype=np.float64), np.asarray(labels), ids


def threshold_for(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The highest threshold keeping at least KEEP_TARGET of the supported claims."""
    supported = np.sort(probabilities[labels == 1])
    allowed_losses = int(np.floor((1 - KEEP_TARGET) * len(supported)))
    return float(supported[allowed_losses]) - 1e-6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="an index of the bundled recaps (default: a fresh one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="recap-fit-") as tmp:
        assistant = Assistant(Settings(data_dir=args.data_dir or Path(tmp), llm="extractive"))
        bench = ClaimBench(assistant.view(), assistant.embedder, assistant.settings.conference)
        x, y, _ = dev_features(bench)
    model = LogisticRegression(C=C, class_weight="balanced", solver="lbfgs", max_iter=1000).fit(x, y)
    probabilities = model.predict_proba(x)[:, 1]
    threshold = threshold_for(probabilities, y)
    kept = probabilities >= threshold
    payload = {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "threshold": round(threshold, 6),
        "fitted_on": {
            "claims": "tests/eval/claims.jsonl, dev split only",
            "labels": TRAINED_ON,
            "n": len(y),
            "embedding_model": MODEL_NAME,
            "vector_features": list(VECTOR_FEATURES),
        },
    }
    OUT.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"dev claims: {len(y)} ({int(y.sum())} supported)")
    print(f"kept on dev: supported {kept[y == 1].mean():.3f}, additions and partial {kept[y == 0].mean():.3f}")
    print("weights: " + ", ".join(f"{f} {w:+.3f}" for f, w in zip(FEATURES, model.coef_[0], strict=True)))
    print(f"bias {model.intercept_[0]:+.3f}, threshold {threshold:.4f}")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
