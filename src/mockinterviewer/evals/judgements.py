"""Readers' judgements of evidence quotes: a sample of quotes (evals/data/evidence_*sample*.yaml) and
the reader's verdict on each (the matching *judgements* file, whose rule is written at its top)."""

from __future__ import annotations

from pathlib import Path

import yaml

__all__ = ["Quoted", "read_judgements"]

Quoted = tuple[str, str, str]  # (question id, criterion id, quote)


def read_judgements(sample: Path, judgements: Path) -> dict[Quoted, bool]:
    """Each judged quote of `sample` -> whether the reader found that it shows its criterion."""
    items = {item["id"]: item for item in yaml.safe_load(sample.read_text(encoding="utf-8"))}
    out: dict[Quoted, bool] = {}
    for verdict in yaml.safe_load(judgements.read_text(encoding="utf-8"))["judgements"]:
        item = items[verdict["id"]]
        out[(item["question_id"], item["criterion_id"], item["quote"])] = verdict["shows"] == "yes"
    return out
