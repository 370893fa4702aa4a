"""Turn an interview prep guide (the InterviewStack listing of ../shared/guides/, or a guide in
sections: see guide_sections) into a loop file and question stubs, each question with its source
line. Stubs carry everything but the rubric, which a person (or a model, as a draft for a person
to review) still has to write. Importing again never overwrites a file (unless forced): it
adds the new stubs and leaves the ones a person may have edited alone."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mockinterviewer.bank.guide_model import Guide, GuideQuestion, Unplaced, guide_level, slugify
from mockinterviewer.errors import InputError
from mockinterviewer.safe_files import write_output

__all__ = ["Guide", "GuideQuestion", "ImportResult", "Unplaced", "parse_guide", "slugify", "write_import"]

_HEADER = re.compile(
    r"^(?P<category>.+?)(?P<difficulty>Easy|Medium|Hard)(?P<type>System Design|Technical|Behavioral|Coding)$"
)
_PRACTICED = re.compile(r"^\d+\s+practiced$")
_END_MARKERS = ("Additional Information", "Want to create", "Interview-Ready Courses")

_KIND_OF_TYPE = {"System Design": "system-design", "Technical": "technical", "Behavioral": "behavioral",
                 "Coding": "coding"}
_BEHAVIORAL_WORDS = ("collaboration", "leadership", "ownership", "communication", "conflict", "culture",
                     "influence", "feedback", "delivery", "decision", "stakeholder", "mentor")


def parse_guide(text: str, source: str = "guide") -> Guide:
    """Read a prep guide in any of the layouts the importer knows: the InterviewStack listing
    ("<Category><Difficulty><Type>" lines under "Frequently Asked ... Questions"), or a guide in
    sections (Markdown headings, "Round 1: ..." lines, capitalised or underlined titles) with
    bulleted, numbered or plain questions. `source` (the file name) goes into each question's
    source line. InputError when the text holds no round and no question."""
    lines = [line.strip() for line in text.splitlines()]
    if any(_HEADER.match(line) for line in lines) and any(line.startswith("Frequently Asked") for line in lines):
        return _parse_listing(lines, source)
    from mockinterviewer.bank.guide_sections import parse_sections  # it builds on this module's models

    guide = parse_sections(text, source)
    if guide is None:
        raise InputError(
            "This does not look like a prep guide: no round titles (Phone screen, Onsite, Round 2: Coding ...) "
            "and no questions.",
            hint="Give each round a heading ('## Phone screen', 'Round 1: Recruiter call') and list its questions "
                 "under it, one per line or list item.")
    if not guide.questions:
        raise InputError(
            "No questions found in the guide under a round.",
            hint="List the questions under their round's heading, one per line or list item; "
                 + (f"{len(guide.unplaced)} line(s) could not be placed, e.g. line {guide.unplaced[0].line}: "
                    f"{guide.unplaced[0].text[:60]!r}." if guide.unplaced else "none were found."))
    return guide


def _parse_listing(lines: list[str], source: str) -> Guide:
    """The InterviewStack layout (../shared/guides/netflix-senior-swe.txt)."""
    title = next((line for line in lines if "Interview Preparation Guide" in line), "")
    match = re.match(r"(?P<company>\S+)\s+(?P<role>.+?)\s+Interview Preparation Guide", title)
    if not match:
        raise InputError(
            "This does not look like a prep guide: no line '<Company> <Role> Interview Preparation Guide'.",
            hint="Pass a guide in the form of ../shared/guides/netflix-senior-swe.txt.",
        )
    company, role = match["company"], match["role"]
    level = guide_level(role)
    start = lines.index(title) + 1
    description = max((line for line in lines[start:start + 12]), key=len, default="")

    rounds: list[str] = []
    if "Interview Rounds" in lines:
        i = lines.index("Interview Rounds") + 1
        while i < len(lines) and not lines[i].startswith("Frequently Asked"):
            if lines[i] and not lines[i].isdigit():
                rounds.append(lines[i])
            i += 1
    questions: list[GuideQuestion] = []
    unplaced: list[Unplaced] = []
    i = next((k for k, line in enumerate(lines) if line.startswith("Frequently Asked")), len(lines))
    while i < len(lines):
        line = lines[i]
        if line.startswith(_END_MARKERS):
            break
        header = _HEADER.match(line)
        if header:
            j = i + 1
            while j < len(lines) and (not lines[j] or _PRACTICED.match(lines[j])):
                j += 1
            body: list[str] = []
            first = j + 1
            while j < len(lines) and lines[j] and not _HEADER.match(lines[j]) and not lines[j].startswith(_END_MARKERS):
                body.append(lines[j])
                j += 1
            if body:
                kind = _KIND_OF_TYPE[header["type"]]
                questions.append(GuideQuestion(prompt=" ".join(body), category=header["category"].strip(),
                                               difficulty=header["difficulty"].lower(), kind=kind, line=first))
            else:
                unplaced.append(Unplaced(i + 1, line, "a question header with no question under it"))
            i = j
            continue
        i += 1
    if not questions:
        raise InputError("No questions found in the guide.",
                         hint="Questions follow a 'Frequently Asked ... Questions' line, each under a "
                              "'<Category><Easy|Medium|Hard><Technical|System Design>' line.")
    round_ids = [slugify(r) for r in rounds] or ["interview"]
    for question in questions:
        question.round_types = [_round_for(question, rounds, round_ids)]
    return Guide(company, role, level, description, rounds or ["Interview"], questions, unplaced, source=source)


def _round_for(question: GuideQuestion, rounds: list[str], round_ids: list[str]) -> str:
    def find(*words: str) -> str | None:
        for name, round_id in zip(rounds, round_ids, strict=False):
            if all(w in name.lower() for w in words):
                return round_id
        return None

    category = question.category.lower()
    if question.kind == "coding":
        chosen = find("phone") or find("coding")
    elif question.kind == "system-design":
        chosen = find("onsite", "technical") or find("design") or find("technical")
    elif question.kind == "behavioral" or any(w in category for w in _BEHAVIORAL_WORDS):
        chosen = find("behavioral") or find("manager") or find("leadership")
    else:
        chosen = find("onsite", "technical") or find("technical")
    return chosen or round_ids[-1]


def loop_document(guide: Guide) -> dict[str, Any]:
    rounds = []
    for name in guide.rounds:
        round_id = slugify(name)
        in_round = [q for q in guide.questions if round_id in q.round_types]
        categories = sorted({q.category for q in in_round}) or ["General"]
        kinds = sorted({q.kind for q in in_round}) or ["behavioral"]
        focus = guide.round_focus.get(name) or f"{name} of the {guide.role} loop."
        rounds.append({
            "id": round_id, "name": name, "duration_minutes": guide.round_minutes.get(name, 45),
            "questions": max(1, min(2, len(in_round))),
            "interviewer": f"a {guide.company} interviewer", "focus": focus,
            "categories": categories, "kinds": kinds,
        })
    return {
        "id": slugify(f"{guide.company} {guide.role}"), "company": guide.company, "role": guide.role,
        "level": guide.level, "description": guide.description or f"{guide.company} {guide.role} loop.",
        "rounds": rounds,
    }


def question_document(question: GuideQuestion, source: str, rubric: dict[str, Any] | None, *,
                      level: str = "senior", question_id: str | None = None) -> dict[str, Any]:
    """A question file's fields; `source` is the guide's name, and the question's line is added to it."""
    doc: dict[str, Any] = {
        "id": question_id or question.id, "prompt": question.prompt, "round_types": question.round_types,
        "category": question.category, "kind": question.kind, "difficulty": question.difficulty,
        "levels": [level], "suggested_minutes": 10 if question.kind != "system-design" else 20,
        "source": f"{source}:{question.line}" if question.line else source,
    }
    if rubric is not None:
        doc["rubric"] = rubric
    return doc


def unique_ids(questions: list[GuideQuestion]) -> list[str]:
    """Each question's id, with -2, -3 ... added when two questions open with the same words."""
    seen: dict[str, int] = {}
    ids = []
    for question in questions:
        seen[question.id] = seen.get(question.id, 0) + 1
        ids.append(question.id if seen[question.id] == 1 else f"{question.id}-{seen[question.id]}")
    return ids


@dataclass
class ImportResult:
    loop_path: Path
    question_paths: list[Path]  # written by this run
    needs_rubric: list[Path]
    drafted: list[Path]
    left_alone: list[Path] = field(default_factory=list)  # existing files this run did not touch


def _write(path: Path, text: str, *, force: bool, left_alone: list[Path]) -> bool:
    """Write `path` unless it exists (it may hold a person's edits); True when written."""
    if (path.exists() or path.is_symlink()) and not force:
        left_alone.append(path)
        return False
    write_output(path, text.encode("utf-8"), overwrite=force, mode=0o666)
    return True


def write_import(guide: Guide, out_dir: Path, source: str, drafter: Any = None, *, force: bool = False) -> ImportResult:
    """Write loops/<id>.yaml and questions/<category>/<id>.yaml under `out_dir`.

    Files that already exist are left as they are (a person may have edited them) unless `force`;
    run again on a longer guide, it adds only the new stubs. No file is written through a symbolic
    link. `drafter(question_document) -> dict | None` may draft a rubric (marked draft: true).
    """
    out_dir = Path(out_dir)
    loop_doc = loop_document(guide)
    left_alone: list[Path] = []
    paths: list[Path] = []
    missing: list[Path] = []
    drafted: list[Path] = []
    try:
        (out_dir / "loops").mkdir(parents=True, exist_ok=True)
        loop_path = out_dir / "loops" / f"{loop_doc['id']}.yaml"
        _write(loop_path, yaml.safe_dump(loop_doc, sort_keys=False, width=100), force=force, left_alone=left_alone)
        for question, question_id in zip(guide.questions, unique_ids(guide.questions), strict=True):
            folder = out_dir / "questions" / slugify(question.category, 4)
            path = folder / f"{question_id}.yaml"
            if (path.exists() or path.is_symlink()) and not force:
                left_alone.append(path)  # checked before drafting: no model call for a kept file
                continue
            doc = question_document(question, source, None, level=guide.level, question_id=question_id)
            rubric = drafter(doc) if drafter is not None else None
            if rubric is not None:
                doc["rubric"] = rubric
            folder.mkdir(parents=True, exist_ok=True)
            header = "" if rubric else "# STUB: add a rubric (see question_bank/questions for examples).\n"
            _write(path, header + yaml.safe_dump(doc, sort_keys=False, width=100), force=force, left_alone=left_alone)
            paths.append(path)
            (drafted if rubric else missing).append(path)
    except OSError as exc:
        raise InputError(f"Cannot write to {out_dir}: {exc}", hint="Choose a writable output folder.") from exc
    return ImportResult(loop_path, paths, missing, drafted, left_alone)
