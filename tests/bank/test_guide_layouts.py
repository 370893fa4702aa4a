"""Prep guides in other layouts: Markdown headings, "Round N:" lines, capitalised titles, the
InterviewStack listing. Rounds come from what they are called, questions from their form; every
question keeps its line, and what cannot be placed is listed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mockinterviewer.bank.guide import Guide, parse_guide
from mockinterviewer.bank.loader import lint_bank
from mockinterviewer.cli.app import run
from mockinterviewer.errors import InputError
from tests.conftest import PROJECT_ROOT

GUIDES = PROJECT_ROOT / "tests" / "data" / "guides"


def _parse(name: str) -> Guide:
    return parse_guide((GUIDES / name).read_text(), name)


# file: (company, role, level, rounds, questions per round in order, (kind of each question))
EXPECTED = {
    "markdown-headings.md": (
        "Acme Corp", "Senior Backend Engineer", "senior",
        ["Recruiter phone screen", "Technical phone screen (live coding)", "Virtual onsite - System design",
         "Virtual onsite - Behavioural interview"], [3, 2, 2, 2]),
    "round-lines.txt": (
        "Globex", "Staff Software Engineer", "staff",
        ["Hiring manager call", "Coding", "Architecture deep dive", "Leadership and values"], [2, 2, 2, 2]),
    "caps-sections.txt": (
        "Initech", "Software Developer", "senior",
        ["Screening Interview", "Pair Programming", "Systems Interview"], [2, 2, 2]),
    "interview-dashes.txt": (
        "Stripe-like Payments", "Backend Engineer (L4)", "senior",
        ["Phone Screen", "Bug Squash", "Integration", "Behavioral"], [2, 1, 1, 2]),
    "listing-layout.txt": (
        "Umbrella", "Staff Data Engineer", "staff",
        ["Recruiter Call", "Technical Screen", "Onsite - Technical and Leadership"], [0, 0, 3]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rounds_and_questions_of_each_layout(name: str) -> None:
    company, role, level, rounds, counts = EXPECTED[name]
    guide = _parse(name)
    assert (guide.company, guide.role, guide.level) == (company, role, level)
    assert guide.rounds == rounds
    ids = [r.lower().replace(" - ", " ") for r in rounds]
    per_round = [sum(1 for q in guide.questions if q.round_types == [guide_id])
                 for guide_id in (_slug(r) for r in ids)]
    assert per_round == counts


def _slug(text: str) -> str:
    from mockinterviewer.bank.guide import slugify

    return slugify(text)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_question_keeps_its_source_line(name: str) -> None:
    lines = (GUIDES / name).read_text().splitlines()
    guide = _parse(name)
    assert guide.questions
    for question in guide.questions:
        first_words = " ".join(question.prompt.split()[:4])
        assert first_words in lines[question.line - 1], (question.line, question.prompt)


def test_kinds_come_from_the_round_name_then_the_question_form() -> None:
    kinds = {q.prompt.split()[0] + " " + q.prompt.split()[1]: q.kind for q in _parse("markdown-headings.md").questions}
    assert kinds["Given a"] == "coding" and kinds["Implement a"] == "coding"  # a live-coding round
    assert kinds["Design a"] == "system-design" and kinds["Tell me"] == "behavioral"
    lines = {q.line: q for q in _parse("round-lines.txt").questions}
    assert lines[15].kind == "technical"  # "Explain how consistent hashing...": a deep dive, not a design
    assert lines[10].kind == "coding"
    caps = {q.line: q.kind for q in _parse("caps-sections.txt").questions}
    assert caps[16] == "system-design" and caps[17] == "technical"  # "Design a ledger" / "What isolation level"


def test_difficulty_markers_are_read_and_removed() -> None:
    questions = {q.line: q for q in _parse("markdown-headings.md").questions}
    assert questions[16].difficulty == "medium" and not questions[16].prompt.endswith("(Medium)")
    assert questions[17].difficulty == "hard" and "[Hard]" not in questions[17].prompt
    assert questions[17].prompt.endswith("with ties broken alphabetically.")  # the wrapped line is joined


def test_a_follow_up_line_stays_with_its_question() -> None:
    two_sum = next(q for q in _parse("round-lines.txt").questions if q.line == 11)
    assert two_sum.prompt.endswith("Follow-up: what changes if the array is sorted?")


def test_what_cannot_be_placed_is_listed_with_its_line() -> None:
    unplaced = {u.line: u for u in _parse("markdown-headings.md").unplaced}
    assert sorted(unplaced) == [19, 33, 39, 40, 41]
    assert "not a question" in unplaced[19].reason  # "Bring a quiet room" inside a round
    assert "no questions" in unplaced[33].reason  # the team-match round
    assert unplaced[40].text.endswith("process and a thread?") and "not a round" in unplaced[40].reason
    assert [u.line for u in _parse("round-lines.txt").unplaced] == [24]
    assert [u.line for u in _parse("caps-sections.txt").unplaced] == [20, 21]
    assert [(u.line, u.text) for u in _parse("interview-dashes.txt").unplaced] == [(23, "* Interviews are on Zoom.")]


def test_a_guide_written_another_way_is_read_too() -> None:
    """A layout none of the files above uses: setext titles, "Stage N -" lines, asterisks, "Q1)"."""
    text = "\n".join([
        "Hooli Principal Engineer prep",
        "=============================",
        "",
        "Stage 1 - Recruiter screen",
        "* Why Hooli, and why now?",
        "",
        "Stage 2 - Onsite: system design and coding",
        "Q1) Design a distributed job scheduler that survives a data-centre outage.",
        "Q2) Implement a trie with insert and prefix search.",
        "",
        "Leadership",
        "----------",
        "* Tell me about a time you changed the direction of an organisation.",
        "* Drink water.",
    ])
    guide = parse_guide(text, "hooli.txt")
    assert (guide.company, guide.role, guide.level) == ("Hooli", "Principal Engineer", "principal")
    assert guide.rounds == ["Recruiter screen", "Onsite: system design and coding", "Leadership"]
    assert [(q.line, q.kind) for q in guide.questions] == [
        (5, "behavioral"), (8, "system-design"), (9, "coding"), (13, "behavioral")]
    assert [(u.line, u.text) for u in guide.unplaced] == [(14, "* Drink water.")]


def test_import_cli_writes_source_lines_and_lists_unplaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bank"
    assert run(["bank", "import-guide", str(GUIDES / "markdown-headings.md"), "-o", str(out),
                "--no-draft-rubrics"]) == 0
    printed = capsys.readouterr().out
    assert "5 line(s) of the guide were not placed" in printed
    assert "line 40: - What is the difference between a process and a thread?" in printed
    stubs = {yaml.safe_load(p.read_text().split("\n", 1)[1])["prompt"][:20]: yaml.safe_load(p.read_text().split(
        "\n", 1)[1]) for p in (out / "questions").rglob("*.yaml")}
    assert len(stubs) == 9
    assert stubs["Design a URL shorten"]["source"] == "markdown-headings.md:25"
    loop = yaml.safe_load(next((out / "loops").glob("*.yaml")).read_text())
    assert loop["company"] == "Acme Corp" and loop["rounds"][0]["duration_minutes"] == 30
    _, problems = lint_bank(out)
    assert {p.field for p in problems if "questions" in str(p.path)} == {"rubric"}  # only the rubrics are missing


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"\x00\x01\x02binary", "not text"),
    (b"\xff\xfe\xfa not utf-8", "not UTF-8"),
    (b"Some notes\nabout nothing in particular\n", "does not look like a prep guide"),
    (b"# Guide\n\n## Tips\n\n- Sleep well.\n", "does not look like a prep guide"),
    (b"# Acme guide\n\n## Phone screen\n\nA friendly chat.\n", "No questions found"),
])
def test_bad_guides_get_one_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes,
                                          message: str) -> None:
    guide = tmp_path / "guide.txt"
    guide.write_bytes(content)
    assert run(["bank", "import-guide", str(guide), "-o", str(tmp_path / "out"), "--no-draft-rubrics"]) != 0
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out" / "questions").exists()


def test_not_a_guide_raises_input_error() -> None:
    with pytest.raises(InputError, match="does not look like a prep guide"):
        parse_guide("")
