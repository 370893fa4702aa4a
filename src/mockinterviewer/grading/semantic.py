"""Meaning of short texts: a static sentence-embedding model, loaded once and lazily.

The model (grading/data/static-minilm) is all-MiniLM-L6-v2 distilled into static word-piece
embeddings by model2vec: encoding a whole answer takes about a millisecond on two cores and
loading it about 0.3 s, with no torch at run time. Cosine similarity between an answer clause and
a rubric signal lets a plain-word description of an idea ("wait a bit longer each time and add some
randomness") earn credit for the term it describes. It knows nothing of negation: callers check
polarity (grading/polarity.py) before trusting a match.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from mockinterviewer.grading.data import DATA_DIR

__all__ = ["MODEL_DIR", "embed", "warm_up"]

MODEL_DIR = DATA_DIR / "static-minilm"
_LOCK = threading.Lock()


@cache
def _model() -> Any:
    from model2vec import StaticModel  # imported here: the interview starts before the grader is needed

    with _LOCK:
        return StaticModel.from_pretrained(str(MODEL_DIR))


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length embeddings of `texts`, one row each (float32)."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    vectors = np.asarray(_model().encode(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def warm_up() -> threading.Thread:
    """Load the model in a background thread, so the first grade does not wait for it."""
    thread = threading.Thread(target=_model, name="semantic-warm-up", daemon=True)
    thread.start()
    return thread
