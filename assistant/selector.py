"""Which candidate sentences answer the question: a logistic model over the evidence features.

Fitted on the dev split's sentence labels by `bench/train_selector.py` (cross-validated, seeded,
deterministic) and shipped as `assistant/selector.json`: feature names, their scaling, the
weights, and the answer policy's thresholds chosen with it. Scoring is a dot product; nothing is
trained or downloaded at run time.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.evidence import FEATURES
from assistant.question import Kind

MODEL_FILE = Path(__file__).resolve().parent / "selector.json"
VIEW_KINDS = frozenset({Kind.OPINION, Kind.AGREEMENT, Kind.COMPARISON})


@dataclass(frozen=True)
class Policy:
    """How probabilities become an answer (chosen on dev together with the weights)."""

    abstain_below: float = 0.35  # no candidate this likely to answer: say the recaps don't cover it
    quote_at: float = 0.5  # a sentence at least this likely is quoted...
    relative: float = 0.5  # ...if it is also within this share of the best one's probability
    max_quotes: int = 6
    max_per_source: int = 3
    # A question asking for a kind of thing (a person, a number) is answered only if a sentence holding
    # one is at least this share as likely as the likeliest sentence of all: when the sentences most
    # on the question hold no such thing, the recaps don't say it ("how many talks in the AI track?").
    typed_share: float = 0.0


@dataclass(frozen=True)
class Selector:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    policy: Policy = field(default_factory=Policy)  # questions of fact, lists, yes/no, planning, follow-ups
    view_policy: Policy = field(default_factory=Policy)  # questions after views: several sentences answer

    def policy_for(self, kind: Kind) -> Policy:
        """Views (opinions, agreement, comparisons) are answered by several recaps' sentences at once,
        facts mostly by one: each family has its own thresholds, both chosen on dev."""
        return self.view_policy if kind in VIEW_KINDS else self.policy

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(the sentence answers the question) for each row of features."""
        if rows.size == 0:
            return np.zeros(0)
        scaled = (rows - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(scaled @ self.weights)))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "weights": self.weights.round(6).tolist(),
            "policy": asdict(self.policy),
            "view_policy": asdict(self.view_policy),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Selector:
        features = tuple(str(f) for f in data["features"])
        if features != FEATURES:
            raise ValueError(f"{MODEL_FILE} was fitted on other features; run bench/train_selector.py")
        return cls(
            features=features,
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            weights=np.asarray(data["weights"], dtype=np.float64),
            policy=Policy(**data["policy"]),
            view_policy=Policy(**data.get("view_policy", data["policy"])),
        )


@lru_cache(maxsize=1)
def shipped_selector() -> Selector:
    """The selector shipped with the package."""
    return Selector.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


def fit(
    rows: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray,
    l2: float,
    policy: Policy,
    view_policy: Policy | None = None,
) -> Selector:
    """L2-regularised logistic regression by Newton's method: deterministic, no dependencies.

    Features are standardised first (the bias column is kept as it is and not penalised).
    """
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    mean[0], scale[0] = 0.0, 1.0
    scale[scale == 0] = 1.0
    x = (rows - mean) / scale
    beta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (weights * (p - labels)) + penalty * beta
        hessian = (x * (weights * p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return Selector(FEATURES, mean, scale, beta, policy, view_policy or policy)
