"""Level 3 needs specifics and a clause likely to show the criterion; quotes a reader would reject are dropped."""

from __future__ import annotations

import pytest
import yaml

from mockinterviewer.evals.judgements import read_judgements
from mockinterviewer.grading import quote_confidence, rubric, specificity
from mockinterviewer.grading.rubric import RubricGrader, quote_candidates
from tests.conftest import PROJECT_ROOT

TUNING = PROJECT_ROOT / "tests" / "data" / "tuning"
DATA = PROJECT_ROOT / "evals" / "data"


@pytest.mark.parametrize(
    ("text", "concrete"),
    [
        ("I think it would be a great place to grow and work with really talented people.", False),
        ("Overall the project went well and the team was happy.", False),
        ("The project cut storage costs by about thirty-five percent.", True),
        ("I spent a week talking with each lead.", True),
        ("I read the posts on Open Connect.", True),
        ("We kept tombstones for deleted characters.", True),
        ("It took 40 ms at the p99.", True),
    ],
)
def test_concrete_detail_is_numbers_names_and_uncommon_words(text: str, concrete: bool) -> None:
    assert (specificity.details(text) > 0) is concrete


def test_a_criterion_said_only_in_general_terms_stays_below_level_3(bank, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    entry = yaml.safe_load((TUNING / "second_set.yaml").read_text())[0]
    question = bank.question(entry["question_id"])
    detailed = RubricGrader().grade(question, [entry["strong"]])
    assert max(c.score for c in detailed.criteria) > 2.4
    monkeypatch.setattr(specificity, "details", lambda text: 0)
    monkeypatch.setattr("mockinterviewer.grading.rubric._CACHE", {})
    generic = RubricGrader().grade(question, [entry["strong"]])
    assert max(c.score for c in generic.criteria) <= 2.4
    assert any("general terms" in c.rationale for c in generic.criteria)


def test_a_criterion_no_clause_likely_shows_stays_below_level_3(bank, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    entry = yaml.safe_load((TUNING / "second_set.yaml").read_text())[0]
    question = bank.question(entry["question_id"])
    sure = RubricGrader().grade(question, [entry["strong"]])
    monkeypatch.setattr(quote_confidence, "threshold", lambda: 1.01)  # no clause is likely enough
    monkeypatch.setattr(rubric, "CORROBORATING_DETAILS", 1000)  # and none is corroborated (see below)
    unsure = RubricGrader().grade(question, [entry["strong"]])
    assert max(c.score for c in sure.criteria) > 2.4 >= max(c.score for c in unsure.criteria)
    assert sum(len(c.evidence) for c in unsure.criteria) <= sum(len(c.evidence) for c in sure.criteria)
    assert all(len(c.evidence) <= 1 for c in unsure.criteria)  # the strongest clause alone stands for it


def test_a_story_told_across_sentences_with_details_reaches_level_3_not_4(bank, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Clauses of a story rarely name their criterion alone; several sentences with details lift the cap to level 3."""
    question = bank.question("failure-you-owned")
    story = (
        "Last March I merged a schema migration that locked the orders table for forty minutes during peak "
        "traffic, and about 2,000 checkouts failed. "
        "Afterwards I built a CI check in our deploy pipeline that flags any ALTER TABLE on a table above ten "
        "million rows and routes it through gh-ost with a throttle. "
        "I also wrote the runbook for online migrations and walked the twelve engineers of the payments team "
        "through it, so the check and the runbook became the default for every schema change."
    )
    monkeypatch.setattr(quote_confidence, "threshold", lambda: 1.01)  # no clause is likely enough alone
    told = {c.id: c for c in RubricGrader().grade(question, [story]).criteria}
    assert told["prevention"].level == 3
    assert max(c.score for c in told.values()) <= 3.4  # never level 4 on clauses none of which is sure
    monkeypatch.setattr(rubric, "CORROBORATING_DETAILS", 1000)
    alone = RubricGrader().grade(question, [story]).criteria
    prevention = next(c for c in alone if c.id == "prevention")
    assert prevention.score <= 2.4 and "shows this clearly" in prevention.rationale


def test_a_story_criterion_no_clause_shows_clearly_is_held_at_level_3(bank) -> None:  # type: ignore[no-untyped-def]
    entry = next(e for e in yaml.safe_load((TUNING / "second_set.yaml").read_text())
                 if e["question_id"] == "disagree-and-commit")
    grade = RubricGrader().grade(bank.question(entry["question_id"]), [entry["strong"]])
    held = [c for c in grade.criteria if "Told across several sentences" in c.rationale]
    assert held and all(c.score == 3.4 and c.level == 3 for c in held)


def test_the_model_file_matches_the_features() -> None:
    features = quote_confidence.QuoteFeatures(1.0, 0.5, 2, 1, 8, 0.1, True, False)
    low = quote_confidence.QuoteFeatures(1.0, 0.5, 2, 1, 8, -0.2, True, False)
    assert 0.0 < quote_confidence.confidence(low) < quote_confidence.confidence(features) < 1.0
    assert 0.0 < quote_confidence.threshold() < 1.0


def test_quotes_a_reader_judged_are_kept_more_often_when_they_show_their_criterion(bank) -> None:  # type: ignore[no-untyped-def]
    """On readers' judgements of tuning quotes: the gate keeps more of those that show their criterion."""
    judged = read_judgements(DATA / "evidence_tuning_sample.yaml", DATA / "evidence_tuning_judgements.yaml")
    paths = [TUNING / "second_set.yaml", *sorted((TUNING / "third_set").glob("*.yaml"))]
    entries = [e for path in paths for e in yaml.safe_load(path.read_text())]
    grader = RubricGrader()
    kept: dict[tuple[str, str, str], bool] = {}
    for entry in entries:
        question = bank.question(entry["question_id"])
        for kind in ("strong", "plain", "mediocre"):
            candidates = {(question.id, cid, quote) for cid, quote, _ in quote_candidates(question, entry[kind])}
            grade = grader.grade(question, [entry[kind]])
            shown = {(question.id, c.id, q) for c in grade.criteria for q in c.evidence}
            for key in candidates & judged.keys():
                kept[key] = kept.get(key, False) or key in shown
    yes = [k for k in kept if judged[k]]
    no = [k for k in kept if not judged[k]]
    assert len(yes) >= 50 and len(no) >= 40
    kept_yes = sum(kept[k] for k in yes) / len(yes)
    kept_no = sum(kept[k] for k in no) / len(no)
    precision = sum(kept[k] for k in yes) / max(1, sum(kept[k] for k in kept))
    print(f"kept {kept_yes:.0%} of shown, {kept_no:.0%} of not shown; precision {precision:.0%}")
    # measured: kept 87 % of the quotes a reader said show their criterion and 58 % of the others
    # (without the gate every candidate is quoted: 100 % of both)
    assert kept_yes >= kept_no + 0.2


def test_naming_the_criterion_does_not_show_it(bank) -> None:  # type: ignore[no-untyped-def]
    """'Testing' named is not a test practice: the signal 'test just before and after' is not shown by 'test' alone."""
    question = bank.question("ttl-key-value-store")
    grade = RubricGrader().grade(question, ["For testing I'd just try it out manually a few times."])
    testing = next(c for c in grade.criteria if c.id == "testing")
    assert testing.score <= 2.0  # measured 1.6 (2.4 when the name word showed the signal in full)


def test_number_words_meet_digits() -> None:
    from mockinterviewer.grading.text import stem

    assert stem("seventy") == stem("70") and stem("hundred") == stem("100")


def test_the_reason_given_for_a_denial_is_not_evidence_either(bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.question("ttl-key-value-store")
    answer = "I think Python dictionaries are already thread safe, so it should be fine without any locks."
    concurrency = next(c for c in RubricGrader().grade(question, [answer]).criteria if c.id == "concurrency")
    assert concurrency.score == 0 and concurrency.evidence == []
    assert any("thread safe" in p for p in concurrency.problems)
    # a contrast is not a reason: the first half of "X, but not Y" still counts
    question = bank.question("http2-grpc-multiplexing")
    said = "HTTP/2 multiplexes many streams over one TCP connection, but not TCP's own blocking."
    grade = RubricGrader().grade(question, [said])
    assert any("multiplexes many streams" in q for c in grade.criteria for q in c.evidence)
