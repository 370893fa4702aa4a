"""Agreement figures between two sets of grades: correlation, kappa, errors and agreement rates.

Owns the arithmetic only (numpy, no scipy): Pearson, Spearman (average ranks for ties), quadratic
weighted kappa on a grid of grade steps, MAE, RMSE, exact agreement and agreement within one point.
`Scale` says what a grade step and "one point" are on a dataset's own scale:

- Mohler (0..5, half points in the averaged grade): step 0.5, one point = 1.0.
- SAF (0..1, partial credit mostly in quarters): step 0.25, one point = 0.25 (a quarter of the
  scale, i.e. one level of a 0..4 rubric; values between grid steps are rounded to the grid).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["Agreement", "Scale", "agreement", "pearson", "qwk", "spearman"]


@dataclass(frozen=True)
class Scale:
    """A dataset's grade scale: `low..high`, graded in `step`s; `point` is what "within one point" means."""

    low: float
    high: float
    step: float
    point: float

    def snap(self, values: np.ndarray) -> np.ndarray:
        """Round grades to the scale's grid (and clip them into the scale)."""
        clipped = np.clip(values, self.low, self.high)
        return np.round((clipped - self.low) / self.step) * self.step + self.low

    def categories(self, values: np.ndarray) -> np.ndarray:
        return np.round((np.clip(values, self.low, self.high) - self.low) / self.step).astype(int)

    @property
    def n_categories(self) -> int:
        return round((self.high - self.low) / self.step) + 1


@dataclass(frozen=True)
class Agreement:
    """How well `predicted` agrees with `gold`. A figure is None when it is undefined (e.g. constant grades)."""

    n: int
    pearson: float | None
    spearman: float | None
    qwk: float | None
    mae: float | None
    rmse: float | None
    exact: float | None
    within_one: float | None

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def _clean(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float | None:
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return None
    return _clean(float(np.corrcoef(a, b)[0, 1]))


def _ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=float)
    sorted_values = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float | None:
    a = np.asarray(x, dtype=float)
    b = np.asarray(y, dtype=float)
    if len(a) < 2:
        return None
    return pearson(_ranks(a), _ranks(b))


def qwk(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray, scale: Scale) -> float | None:
    """Quadratic weighted kappa of two sets of grades, on the scale's grid of steps."""
    a = scale.categories(np.asarray(x, dtype=float))
    b = scale.categories(np.asarray(y, dtype=float))
    k = scale.n_categories
    if len(a) == 0:
        return None
    observed = np.zeros((k, k))
    np.add.at(observed, (a, b), 1)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / len(a)
    idx = np.arange(k)
    weights = (idx[:, None] - idx[None, :]) ** 2 / max(1, (k - 1) ** 2)
    denominator = float((weights * expected).sum())
    if denominator == 0:
        return None
    return _clean(1.0 - float((weights * observed).sum()) / denominator)


def agreement(predicted: Sequence[float], gold: Sequence[float], scale: Scale) -> Agreement:
    """All the figures at once; `predicted` is on the same scale as `gold` (continuous is fine)."""
    p = np.asarray(predicted, dtype=float)
    g = np.asarray(gold, dtype=float)
    if len(p) == 0:
        return Agreement(0, None, None, None, None, None, None, None)
    diff = p - g
    snapped = scale.snap(p)
    gold_snapped = scale.snap(g)
    return Agreement(
        n=len(p),
        pearson=pearson(p, g),
        spearman=spearman(p, g),
        qwk=qwk(p, g, scale),
        mae=float(np.mean(np.abs(diff))),
        rmse=float(np.sqrt(np.mean(diff**2))),
        exact=float(np.mean(np.isclose(snapped, gold_snapped))),
        within_one=float(np.mean(np.abs(snapped - gold_snapped) <= scale.point + 1e-9)),
    )
