"""The grader on answers written blind (from each prompt only, never tuned on), and on denials and red flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mockinterviewer.evals.blind_eval import BlindResult, evaluate_blind, load_blind
from mockinterviewer.grading.rubric import RubricGrader
from tests.cli.helpers import cli

BLIND_FILE = Path(__file__).resolve().parents[2] / "evals" / "data" / "blind_answers.yaml"
BLIND = yaml.safe_load(BLIND_FILE.read_text())


@pytest.fixture(scope="module")
def blind(bank) -> BlindResult:  # type: ignore[no-untyped-def]
    return evaluate_blind(bank, load_blind(BLIND_FILE), RubricGrader())


def test_blind_answers_rank_strong_above_mediocre_above_weak(blind: BlindResult) -> None:
    # measured 39 of 43 (91 %; 38 the session before); the aim is 90 %
    assert blind.ordered_share >= 0.85, blind.ordered


def test_blind_weak_answers_stay_low_and_plain_answers_keep_up(blind: BlindResult) -> None:
    assert blind.means["weak"] <= 1.2  # measured 0.90
    assert max(q.scores["weak"] for q in blind.per_question) < 2.5  # no weak answer reaches the hire bar
    assert blind.means["plain"] >= blind.means["mediocre"] + 0.35  # measured 2.16 against 1.63
    # measured 0.45 (0.43 before strong stories told across sentences could reach level 3); aim 0.4
    assert blind.plain_gap <= 0.6
    # measured 4 once level 3 needs a concrete detail and a likely quote (9 before); aim 0
    assert blind.weak_with_high_level <= 6


def test_denied_practice_is_never_evidence_and_is_named(bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.question("ttl-key-value-store")
    answer = (
        "I think Python dictionaries are already thread safe, so it should be fine without any locks. "
        "I'd store the value and an expiry time and check it on get."
    )
    grade = RubricGrader().grade(question, [answer])
    concurrency = next(c for c in grade.criteria if c.id == "concurrency")
    assert not any("without any locks" in q for q in concurrency.evidence)
    assert any("without any locks" in p for p in concurrency.problems)
    assert any("without any locks" in gap for gap in grade.gaps)
    assert not any("without any locks" in s for s in grade.strengths)
    # "an expiry time ... check it on get" is lazy expiry (level 2), not "only with a full scan" (level 1)
    design = next(c for c in grade.criteria if c.id == "approach")
    assert design.level == 2 and "check it on get" in design.evidence[0], design


@pytest.mark.parametrize(
    ("question_id", "criterion_id", "answer"),
    [
        # the description's "do not come back in lockstep" once made every denied word of it a denial it
        # asks for, so denying exponential backoff earned backoff points, and "jitter" quoted the clause
        ("retry-backoff-strategy", "backoff-jitter",
         "I would never use exponential backoff or jitter, that's overkill. I retry 4xx errors forever."),
        # the lowest anchor's "No tests." once made denying tests agree with the rubric: level 2 evidence
        ("longest-unique-substring", "testing",
         "I'd use a sliding window with a map from character to its last index, moving the start past a repeat. "
         "I wouldn't write tests for edge cases like an empty string or all repeated characters, the examples "
         "are enough."),
    ],
)
def test_denying_a_criterion_practice_is_no_evidence_whatever_the_rubric_denies(  # type: ignore[no-untyped-def]
    bank, question_id: str, criterion_id: str, answer: str
) -> None:
    grade = RubricGrader().grade(bank.question(question_id), [answer])
    criterion = next(c for c in grade.criteria if c.id == criterion_id)
    assert criterion.level == 0 and not criterion.evidence, criterion
    assert criterion.problems, criterion


def test_a_red_flag_said_plainly_caps_the_question(bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.question("retry-backoff-strategy")
    flag = question.rubric.red_flags[1]
    strong = next(e for e in BLIND if e["question_id"] == "retry-backoff-strategy")["strong"]
    grader = RubricGrader()
    clean = grader.grade(question, [strong])
    flagged = grader.grade(question, [strong + " " + flag.examples[0]])
    assert flagged.score <= question.rubric.red_flag_cap < clean.score
    assert flagged.caps and any("red flag" in c for c in flagged.caps)
    denied = grader.grade(question, [strong + " I would never retry a failed call immediately and forever."])
    assert not denied.caps or all("red flag" not in c for c in denied.caps)


def test_a_red_flag_needs_its_act_and_is_not_shown_by_a_rejected_practice(bank) -> None:  # type: ignore[no-untyped-def]
    """A clause that names the flag's topic without its act, or a practice its sentence rejects, is no red
    flag: both capped strong tuning answers (count-islands, snapshot-key-value-store) at 1.0."""
    from mockinterviewer.grading import red_flags

    islands = bank.question("count-islands")
    edge_cases = "Edge cases: all zeros, and cells touching only diagonally, which are separate."
    assert red_flags.detect(islands, [edge_cases]) == []
    assert red_flags.detect(islands, ["Two ones touching at a corner are one island for me."])
    snapshot = bank.question("snapshot-key-value-store")
    copy = "On snapshot I'd deep copy the whole dictionary and keep the copies in a list"
    assert red_flags.detect(snapshot, [copy + "."])
    assert red_flags.detect(snapshot, [copy + ", which rules it out at a million keys."]) == []
    assert red_flags.detect(snapshot, [copy + ", but that is too slow, so I version each key."]) == []
    # part of an example, every word of it the example's, says that part of it
    told_you_so = "It turned out badly, like I said it would, so in the end I was proven right."
    assert red_flags.detect(bank.question("disagree-and-commit"), [told_you_so])


def test_a_criterion_no_clause_shows_carries_no_cap_notes(bank) -> None:  # type: ignore[no-untyped-def]
    """A criterion at 0 has no quotes and no note about a cap: "Shown in a single sentence" and "Told only as
    'we'" beside "No sentence of the answer supports this criterion" contradicted it."""
    question = bank.question("mid-why-this-company-and-role")
    answer = (
        "First, the problem. I rebuilt our payment webhook handling to be idempotent, which took duplicate charges "
        "from a few dozen a month to zero. What I'd bring is production experience with idempotency, outbox "
        "patterns and Postgres performance, and I'd rather learn multi-currency on a team that has already solved it."
    )
    grade = RubricGrader().grade(question, [answer])
    assert any(c.score == 0 for c in grade.criteria)
    for criterion in grade.criteria:
        if criterion.score == 0:
            assert criterion.evidence == [] and "stays" not in criterion.rationale, criterion


def test_a_sentence_that_waves_a_concern_away_is_never_evidence(bank) -> None:  # type: ignore[no-untyped-def]
    """ "..., so we don't need to worry about ..." is a hand-wave: named as a problem, never quoted."""
    question = bank.question("resharding-a-growing-database")
    wave = "Logical replication keeps the new shards consistent, so we don't need to worry about lost writes."
    grade = RubricGrader().grade(question, [wave])
    assert all(wave not in quote for c in grade.criteria for quote in c.evidence), grade.criteria
    assert any(any("worry" in p for p in c.problems) for c in grade.criteria), grade.criteria
    plain = RubricGrader().grade(question, ["Logical replication keeps the new shards consistent while we copy."])
    assert any(c.evidence for c in plain.criteria)
    # putting it on someone else is no evidence either
    from mockinterviewer.grading import polarity

    assert polarity.dismissive("I wrote the postmortem, but I think they should have tested more.")
    assert not polarity.dismissive("I told her straight out that the broken setup wasn't her fault.")


def test_the_question_own_words_do_not_show_a_signal_alone(bank) -> None:  # type: ignore[no-untyped-def]
    """ "calling hit a few times and checking count" says the hit counter's own words, not how to test it: it
    was level 3 on Testing through signals like "count with no hits"."""
    answer = (
        "I'd store every hit in a hash map keyed by timestamp with a list of events, and on count I'd filter the "
        "whole map by the window. I'd test it by calling hit a few times and checking count."
    )
    grade = RubricGrader().grade(bank.question("hit-counter"), [answer])
    testing = next(c for c in grade.criteria if c.id == "testing")
    assert testing.level <= 2, testing
    assert any("Not yet covered" in gap and "count with no hits" in gap for gap in grade.gaps), grade.gaps


def test_a_signal_said_with_the_question_own_words_is_not_listed_as_missing(bank) -> None:  # type: ignore[no-untyped-def]
    """The retry question asks about jitter; "full jitter" still says "full jitter or decorrelated jitter", so
    the report does not tell the candidate it is "not yet covered" (the points are the same either way)."""
    answer = ("I'd retry only timeouts, connection resets and 503s, at most three attempts under an overall "
              "deadline, with exponential backoff from 100 ms doubling to 2 s and full jitter.")
    grade = RubricGrader().grade(bank.question("retry-backoff-strategy"), [answer])
    [gap] = [g for g in grade.gaps if g.startswith("Exponential backoff with jitter")]
    assert "Not yet covered" in gap and "full jitter or decorrelated jitter" not in gap, gap


def test_what_someone_else_did_not_do_sets_the_scene(bank) -> None:  # type: ignore[no-untyped-def]
    """ "she didn't feel comfortable asking openly" tells the teammate's state: it was named as the candidate
    arguing against "Respect and discretion". A rubric's "they" is the candidate and still denies."""
    from mockinterviewer.grading import polarity
    from mockinterviewer.grading.text import tokenize

    scene = tokenize("She was asking in private messages, which told me she didn't feel comfortable asking openly.")
    assert polarity.denied_stems(scene, spoken=True) == frozenset()
    assert polarity.denied_stems(tokenize("I didn't feel comfortable asking openly."), spoken=True)
    assert polarity.is_negative(tokenize("Honest about what they did not know."))
    # a past perfect tells what the speaker had not done before the story; "I'd never use" still denies
    assert polarity.denied_stems(tokenize("I'd never worked on that part of the system."), spoken=True) == frozenset()
    assert polarity.denied_stems(tokenize("We hadn't planned for partial refunds."), spoken=True) == frozenset()
    assert polarity.denied_stems(tokenize("I'd never use exponential backoff."), spoken=True)
    grade = RubricGrader().grade(bank.question("mid-helping-a-struggling-teammate"), [
        "A new engineer kept saying 'still looking into it' at standup, and she was asking in private messages, "
        "which told me she didn't feel comfortable asking openly. I asked her for a coffee, just the two of us."
    ])
    assert all(c.problems == [] for c in grade.criteria), grade.criteria


def test_strong_answers_are_not_accused_of_arguing_against_a_criterion(bank) -> None:  # type: ignore[no-untyped-def]
    """A denial is named as a criterion's problem only where the criterion stays at level 1 or below: read
    without meaning, "without freezing the table" looks like one, and strong calibration answers were told
    "you said X; that leaves Y unmet" 115 times (2 after). Weak ones keep theirs (18 both times)."""
    calibration = Path(__file__).resolve().parents[1] / "data" / "calibration"
    entries = [e for path in sorted(calibration.glob("*.yaml")) for e in yaml.safe_load(path.read_text())]
    grader = RubricGrader()
    named = {kind: sum(len(c.problems) for e in entries for c in grader.grade(bank.question(e["question_id"]),
                                                                             [e[kind]]).criteria)
             for kind in ("strong", "weak")}
    assert named["strong"] <= 3 and named["weak"] >= 10, named


def test_one_sentence_with_several_concrete_details_reaches_level_3(bank) -> None:  # type: ignore[no-untyped-def]
    """Level 3 needs more than one clause, or one with three concrete details: a full account told in one
    sentence stopped at level 2 ("Shown in a single sentence"); the same idea said generally still does."""
    question = bank.question("retry-backoff-strategy")
    detailed = (
        "Between tries I'd wait with exponential backoff from 200 milliseconds, doubling up to a 5 second ceiling, "
        "with full jitter, a random sleep between zero and the current backoff."
    )
    general = "I'd use exponential backoff with jitter between tries, so clients spread out."
    level = {text: next(c.level for c in RubricGrader().grade(question, [text]).criteria if c.id == "backoff-jitter")
             for text in (detailed, general)}
    assert level[detailed] >= 3 > level[general], level


def test_a_sentence_with_a_red_flag_is_no_evidence_in_any_of_its_clauses(bank) -> None:  # type: ignore[no-untyped-def]
    """The red flag is caught in one clause; the blame around it in the same sentence was quoted as evidence."""
    answer = (
        "I approved a change that retried a partner call and it sent duplicate requests. Honestly, the author should "
        "have tested the retries properly, it's his code, and the reviewer can't be expected to catch everything."
    )
    grade = RubricGrader().grade(bank.question("mid-mistake-in-code-review"), [answer])
    assert grade.caps, grade  # the red flag
    assert not any("author should have tested" in q for c in grade.criteria for q in c.evidence), grade.criteria


def test_eval_blind_command_prints_figures_and_refuses_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "eval", "blind", "--json")
    assert code == 0, err
    figures = json.loads(out)
    assert figures["questions"] == len(BLIND) and 0 <= figures["ordered_share"] <= 1
    broken = tmp_path / "broken.yaml"
    broken.write_text("- question_id: retry-backoff-strategy\n  strong: only one answer\n")
    code, out, err = cli(capsys, "eval", "blind", "--answers", str(broken))
    assert code != 0 and "Traceback" not in err
    assert "entry 1" in err + out
    folder = tmp_path / "set"
    folder.mkdir()
    for i, entry in enumerate(BLIND[:2]):
        (folder / f"part_{i}.yaml").write_text(yaml.safe_dump([entry]))
    code, out, err = cli(capsys, "eval", "blind", "--answers", str(folder), "--json")
    assert code == 0, err
    assert json.loads(out)["questions"] == 2  # every file of the folder


def test_every_question_applies_its_red_flags(bank) -> None:  # type: ignore[no-untyped-def]
    """A strong calibration answer plus one red-flag sentence (an example of the rubric's) scores at or
    below the flag's cap: measured 329 of 333 examples caught, none on the strong answers alone."""
    grader = RubricGrader()
    calibration = Path(__file__).resolve().parents[1] / "data" / "calibration"
    entries = [e for path in sorted(calibration.glob("*.yaml")) for e in yaml.safe_load(path.read_text())]
    caught = total = 0
    for entry in entries:
        question = bank.question(entry["question_id"])
        assert not grader.grade(question, [entry["strong"]]).caps or all(
            "red flag" not in c for c in grader.grade(question, [entry["strong"]]).caps
        ), question.id
        for flag in question.rubric.red_flags:
            cap = flag.cap if flag.cap is not None else question.rubric.red_flag_cap
            for example in flag.examples:
                total += 1
                caught += grader.grade(question, [f"{entry['strong']} {example}"]).score <= cap
    assert total >= 100 and caught / total >= 0.97, (caught, total)


def test_an_own_part_criterion_is_not_shown_by_what_the_candidate_would_do(bank) -> None:  # type: ignore[no-untyped-def]
    """ "No example, or only the hypothetical" is level 0 of a lived example: "I'd ..." is not one."""
    question = bank.question("multi-team-meeting-cadence")
    hypothetical = (
        "I'd set up a weekly thirty-minute sync for the tech leads of every team on the project. "
        "I would run a written status update before it, and I'll keep a decision log that I share with everyone. "
        "I'd pick a slot that works across time zones and stays out of people's focus blocks."
    )
    lived = hypothetical.replace("I'd set", "Last year I set").replace("I would run", "I ran").replace(
        "I'll keep", "I kept").replace("I'd pick", "I picked")
    grader = RubricGrader()
    would = next(c for c in grader.grade(question, [hypothetical]).criteria if c.id == "lived-example")
    did = next(c for c in grader.grade(question, [lived]).criteria if c.id == "lived-example")
    assert would.evidence == [] and would.score == 0
    assert did.evidence and did.score > 0
