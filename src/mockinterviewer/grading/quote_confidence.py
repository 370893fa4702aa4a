"""How likely a clause the grader found is to show its criterion to a reader, read alone.

The offline grader finds candidate evidence by words and meaning; many candidates only set the
scene, belong to a neighbouring criterion, or are too generic to show anything. A small logistic
model over what the grader already measured decides which candidates may be quoted (and so earn
points). Its coefficients live in `grading/data/quote-confidence.json`, fitted by
`evals/fit_quote_confidence.py` on readers' judgements of quotes from the tuning answers
(tests/data/tuning, tests/data/calibration), never from the blind set it is checked on.
"""

from __future__ import annotations

import json
import math
from dataclasses import astuple, dataclass, fields
from functools import cache

from mockinterviewer.grading.data import DATA_DIR

__all__ = ["MODEL_FILE", "QuoteFeatures", "confidence", "threshold"]

MODEL_FILE = DATA_DIR / "quote-confidence.json"


@dataclass(frozen=True, slots=True)
class QuoteFeatures:
    """What the grader measured for one clause and one criterion (the model's inputs, in order)."""

    weight: float  # how much the clause adds to the criterion's coverage
    recall: float  # the largest share of one of the criterion's texts the clause states alone
    distinctive: int  # words of the criterion that few other criteria use, found in the clause
    details: int  # numbers, names, uncommon words (grading/specificity.py)
    content_words: int  # content words of the clause
    meaning_margin: float  # cosine to this criterion's texts minus the best cosine to another criterion's
    first_person: bool  # says "I" (not as a hypothetical)
    behavioral: bool  # the question asks for a story

    def vector(self) -> tuple[float, ...]:
        return tuple(float(v) for v in astuple(self))


FEATURE_NAMES = tuple(f.name for f in fields(QuoteFeatures))


@cache
def _model() -> dict[str, object]:
    model = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    if tuple(model["features"]) != FEATURE_NAMES:
        raise ValueError(f"{MODEL_FILE} was fitted on features {model['features']}, not {list(FEATURE_NAMES)}")
    return dict(model)


def threshold() -> float:
    """The confidence a clause needs to be quoted (and so to earn points)."""
    return float(_model()["threshold"])  # type: ignore[arg-type]


def confidence(features: QuoteFeatures) -> float:
    """The model's probability that a reader finds the clause shows its criterion."""
    model = _model()
    coefficients = model["coefficients"]
    assert isinstance(coefficients, list)
    z = float(model["intercept"]) + sum(c * x for c, x in zip(coefficients, features.vector(), strict=True))  # type: ignore[arg-type]
    return 1.0 / (1.0 + math.exp(-z))
