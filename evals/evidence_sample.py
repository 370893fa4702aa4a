"""Draw a sample of evidence quotes for a reader to judge, and score the reader's judgements.

    .venv/bin/python evals/evidence_sample.py draw  [--n 80] [--seed 1]   # writes evals/data/evidence_sample.yaml
    .venv/bin/python evals/evidence_sample.py score                        # reads evals/data/evidence_judgements.yaml
    .venv/bin/python evals/evidence_sample.py estimate                     # every round's verdicts on today's quotes
    .venv/bin/python evals/evidence_sample.py model                        # the confidence model's AUC on them
    .venv/bin/python evals/evidence_sample.py draw --source calibration    # a tuning sample: evidence_dev_sample.yaml
    .venv/bin/python evals/evidence_sample.py draw --source tuning         # tuning sets: evidence_tuning_sample.yaml

The quotes come from grading the blind answers (evals/data/blind_answers.yaml, strong, plain and
mediocre) with the offline grader; each item is a criterion (name and description) and one quote
the grader gave as its evidence. The reader's rule is written at the top of the judgements file.
Earlier rounds stay beside it (evidence_*_round1.yaml: 37 of 80 before the clause-per-criterion
rule; *_round2.yaml: 39 of 80 after it, before quotes had to state enough of their criterion and
fragments were quoted with their sentence; *_round3.yaml: 43 of 80 before the four-word and
first-person rules and the plain-word signals; *_round4.yaml: 42 of 80 before the quote confidence
model and the concrete-detail rule; *_round5.yaml: 46 of 80 after them; *_round6.yaml: 42 of 80, after
the determinism fix and the name-word rule); `draw` leaves out the quotes a
reader already judged, so each round samples the quotes no earlier round covered. `estimate` grades the
blind answers again and combines: every quote a reader judged in any round counts with its verdict,
and the rest at the precision of the newest round.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml

from mockinterviewer.bank.loader import load_bank
from mockinterviewer.evals.judgements import Quoted, read_judgements
from mockinterviewer.grading import quote_confidence
from mockinterviewer.grading.rubric import RubricGrader, quote_candidates

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "evals" / "data" / "evidence_sample.yaml"
JUDGED = ROOT / "evals" / "data" / "evidence_judgements.yaml"
DEV_SAMPLE = ROOT / "evals" / "data" / "evidence_dev_sample.yaml"  # from the calibration set: for tuning
TUNING_SAMPLE = ROOT / "evals" / "data" / "evidence_tuning_sample.yaml"  # from the tuning sets: for tuning
TUNING_SETS = ROOT / "tests" / "data" / "tuning"


def _entries(source: str) -> list[dict[str, str]]:
    """Answers to draw quotes from: the blind set (to report), or the calibration set (to tune on)."""
    if source == "blind":
        return list(yaml.safe_load((ROOT / "evals" / "data" / "blind_answers.yaml").read_text()))
    if source == "tuning":
        paths = [TUNING_SETS / "second_set.yaml", *sorted((TUNING_SETS / "third_set").glob("*.yaml"))]
        return [e for path in paths if path.exists() for e in yaml.safe_load(path.read_text())]
    calibration = ROOT / "tests" / "data" / "calibration"
    plain = {e["question_id"]: e["plain"] for e in yaml.safe_load((ROOT / "tests/data/tuning/plain.yaml").read_text())}
    entries = [e for path in sorted(calibration.glob("*.yaml")) for e in yaml.safe_load(path.read_text())]
    return [{**e, "plain": plain.get(e["question_id"], e["strong"])} for e in entries]


def draw(n: int, seed: int, source: str = "blind") -> None:
    bank = load_bank(ROOT / "question_bank")
    grader = RubricGrader()
    items = []
    for entry in _entries(source):
        question = bank.question(entry["question_id"])
        for kind in ("strong", "plain", "mediocre"):
            grade = grader.grade(question, [entry[kind]])
            for c in grade.criteria:
                criterion = question.rubric.criterion(c.id)
                for quote in c.evidence:
                    items.append(
                        {
                            "question": question.prompt,
                            "criterion": f"{criterion.name}: {criterion.description}",
                            "quote": quote,
                            "question_id": question.id,
                            "criterion_id": c.id,
                            "level": c.level,
                        }
                    )
    seen = (
        set()
        if source != "blind"
        else {
            (e["criterion_id"], e["quote"])
            for path in sorted(SAMPLE.parent.glob("evidence_sample_round*.yaml"))
            for e in yaml.safe_load(path.read_text())
        }
    )
    items = [
        i for i in items if not any(c == i["criterion_id"] and (q in i["quote"] or i["quote"] in q) for c, q in seen)
    ]
    random.Random(seed).shuffle(items)
    chosen = items[:n]
    for i, item in enumerate(chosen, 1):
        item["id"] = i
    out = {"blind": SAMPLE, "calibration": DEV_SAMPLE, "tuning": TUNING_SAMPLE}[source]
    out.write_text(yaml.safe_dump(chosen, sort_keys=False, width=110, allow_unicode=True))
    print(f"{len(chosen)} of {len(items)} quotes written to {out}")


def score(path: Path) -> None:
    judged = yaml.safe_load(path.read_text())
    verdicts = [j["shows"] for j in judged["judgements"]]
    shown = sum(1 for v in verdicts if v == "yes")
    print(f"{shown} of {len(verdicts)} quotes show their criterion: precision {shown / len(verdicts):.0%}")


def _verdicts() -> dict[Quoted, bool]:
    """(question, criterion, quote) -> shown, from every round a reader judged (the newest last)."""
    out: dict[Quoted, bool] = {}
    rounds = sorted(SAMPLE.parent.glob("evidence_sample_round*.yaml"), key=lambda p: int(p.stem.rsplit("round", 1)[1]))
    for sample in [*rounds, SAMPLE]:
        judged = sample.with_name(sample.name.replace("evidence_sample", "evidence_judgements"))
        out.update(read_judgements(sample, judged))
    return out


def estimate() -> None:
    verdicts = _verdicts()
    newest = [j["shows"] == "yes" for j in yaml.safe_load(JUDGED.read_text())["judgements"]]
    bank = load_bank(ROOT / "question_bank")
    grader = RubricGrader()
    total = judged = shown = 0
    for entry in _entries("blind"):
        question = bank.question(entry["question_id"])
        for kind in ("strong", "plain", "mediocre"):
            for c in grader.grade(question, [entry[kind]]).criteria:
                for quote in c.evidence:
                    total += 1
                    found = [
                        v
                        for (qid, cid, q), v in verdicts.items()
                        if qid == question.id and cid == c.id and (q in quote or quote in q)
                    ]
                    if found:
                        judged += 1
                        shown += found[-1]
    rest = sum(newest) / len(newest)
    combined = (shown + rest * (total - judged)) / total
    print(f"{total} quotes on the blind answers: {judged} judged in some round ({shown / judged:.0%} show their "
          f"criterion), the other {total - judged} at the newest round's {rest:.0%}: precision about {combined:.0%}")


def model() -> None:
    """How well the quote confidence model ranks the blind quotes readers judged (it was fitted on tuning quotes)."""
    verdicts = _verdicts()
    bank = load_bank(ROOT / "question_bank")
    odds: dict[Quoted, float] = {}
    for entry in _entries("blind"):
        question = bank.question(entry["question_id"])
        for kind in ("strong", "plain", "mediocre", "weak"):
            for criterion_id, quote, features in quote_candidates(question, entry[kind]):
                odds.setdefault((question.id, criterion_id, quote), quote_confidence.confidence(features))
    scored = [(odds[key], shown) for key, shown in verdicts.items() if key in odds]
    shown_odds = [p for p, shown in scored if shown]
    other_odds = [p for p, shown in scored if not shown]
    pairs = len(shown_odds) * len(other_odds)
    wins = sum((p > q) + 0.5 * (p == q) for p in shown_odds for q in other_odds)
    print(f"{len(scored)} of {len(verdicts)} judged blind quotes are still candidates of the grader; "
          f"ROC AUC of the quote confidence model on them {wins / pairs:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["draw", "score", "estimate", "model"])
    parser.add_argument("--n", type=int, default=80)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--judgements", type=Path, default=JUDGED)
    parser.add_argument("--source", choices=["blind", "calibration", "tuning"], default="blind")
    args = parser.parse_args()
    if args.action == "draw":
        draw(args.n, args.seed, args.source)
    elif args.action == "score":
        score(args.judgements)
    elif args.action == "model":
        model()
    else:
        estimate()
