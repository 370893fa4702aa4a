"""Questions about the candidate's own projects, made offline from the experience lines of their
résumé ("You led the migration to X: what did you own yourself, and what would you do
differently?"). Each is graded with the rubric of the round's ownership question (a behavioral
question whose rubric marks a criterion `own_part`), so the candidate's own part is what earns.
Pure: it reads text, never a file."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mockinterviewer.bank.relevance import QuestionIndex
from mockinterviewer.bank.schema import Kind, Loop, Question, Round

MAX_CLAIM_CHARS = 220
OWN_PROJECT_QUERY = ("a project you owned end to end: the problem, what you owned yourself, your decisions, the "
                     "impact, and what you would do differently")

_HEADING = re.compile(r"^(?:#{1,6}\s+(?P<md>.+?)\s*#*|\*\*(?P<bold>[^*]+?)\*\*:?|(?P<colon>[A-Z][^.!?:]{2,40}):)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•·▪◦‣]|\(?\d{1,2}[.)])\s+(?P<text>\S.*)$")
_EXPERIENCE = re.compile(r"\b(?:experience|employment|work history|career|projects?|professional|positions?)\b",
                         re.IGNORECASE)
_OTHER_SECTION = re.compile(
    r"\b(?:education|skills?|certifications?|interests|hobbies|languages|publications|awards|references|"
    r"summary|profile|contact|objective|volunteering)\b", re.IGNORECASE)
# Verbs that claim a piece of work, strongest ownership first; any other past-tense verb ranks after them.
_OWNING = ("led", "owned", "founded", "architected", "designed", "drove", "spearheaded", "initiated", "launched",
           "migrated", "built", "created", "shipped", "rewrote", "introduced", "scaled", "established")
_IMPACT = ("reduced", "cut", "improved", "increased", "grew", "saved", "halved", "doubled", "automated")
_IRREGULAR_PAST = frozenset(("led", "built", "drove", "ran", "wrote", "rewrote", "made", "grew", "cut", "set", "took",
                             "brought", "taught", "won", "began", "found", "kept", "held", "sped", "spun"))
_BEHAVIORAL_ROUND = re.compile(r"behaviou?ral|manager", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One experience line of the résumé: what the candidate says they did, with its line (1-based)."""

    text: str
    line: int
    verb: str | None  # the past-tense verb it opens with, lower case ("led"), if any

    @property
    def strength(self) -> int:
        """0 for an ownership verb, 1 for an impact verb, 2 for another past-tense verb, 3 otherwise."""
        if self.verb in _OWNING:
            return 0
        if self.verb in _IMPACT:
            return 1
        return 2 if self.verb else 3


def _past_tense(word: str) -> str | None:
    word = word.lower()
    return word if word in _IRREGULAR_PAST or (len(word) > 3 and word.endswith("ed")) else None


def _heading(line: str) -> str | None:
    stripped = line.strip()
    match = _HEADING.match(stripped)
    if match:
        return (match["md"] or match["bold"] or match["colon"]).strip("*_ ")
    letters = [c for c in stripped if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(stripped.split()) <= 5:
        return stripped
    return None


def parse_resume(text: str) -> list[Claim]:
    """The experience lines of a résumé (list items under Experience/Projects headings, or any list
    item opening with a past-tense verb when it has no such heading), strongest ownership first,
    then in the résumé's order."""
    claims: list[Claim] = []
    loose: list[Claim] = []
    in_experience: bool | None = None  # None until a section heading is seen
    for i, raw in enumerate(text.splitlines()):
        heading = _heading(raw)
        if heading is not None and not _LIST_ITEM.match(raw):
            if _EXPERIENCE.search(heading):
                in_experience = True
            elif _OTHER_SECTION.search(heading):
                in_experience = False
            continue
        item = _LIST_ITEM.match(raw)
        if not item:
            continue
        words = " ".join(item["text"].replace("**", "").split())
        if len(words.split()) < 4:
            continue
        first = re.match(r"[A-Za-z]+", words)
        claim = Claim(text=_shorten(words), line=i + 1, verb=_past_tense(first.group(0)) if first else None)
        if in_experience:
            claims.append(claim)
        elif in_experience is None and claim.verb:
            loose.append(claim)
    found = claims or loose
    return sorted(found, key=lambda c: (c.strength, c.line))


def _shorten(text: str) -> str:
    text = text.rstrip(" .;")
    if len(text) <= MAX_CLAIM_CHARS:
        return text
    return text[:MAX_CLAIM_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def claim_prompt(claim: Claim) -> str:
    """The question about one claim, in the interviewer's words."""
    ask = "what did you own in that yourself, and what would you do differently?"
    if claim.verb:
        rest = claim.text.split(None, 1)[1] if " " in claim.text else ""
        return f"Your résumé says you {claim.verb} {rest}: {ask}"
    return f"Your résumé says: \"{claim.text}\". {ask[0].upper()}{ask[1:]}"


def is_behavioral_round(round_: Round) -> bool:
    """Rounds that ask about the candidate's own projects: behavioral and hiring-manager rounds."""
    return Kind.BEHAVIORAL in round_.kinds and bool(_BEHAVIORAL_ROUND.search(f"{round_.id} {round_.name}"))


def ownership_template(questions: Sequence[Question]) -> Question | None:
    """The bank's behavioral question about one project the candidate owned: among those whose rubric
    marks a criterion `own_part`, the one whose prompt best matches OWN_PROJECT_QUERY (ties by id)."""
    candidates = [q for q in questions
                  if q.kind is Kind.BEHAVIORAL and any(c.own_part for c in q.rubric.criteria)]
    if not candidates:
        return None
    scores = QuestionIndex(candidates, text_of=lambda q: q.prompt).scores(OWN_PROJECT_QUERY)
    return min(candidates, key=lambda q: (-scores[q.id], q.id))


def own_project_question(claim: Claim, template: Question, round_id: str) -> Question:
    """A question about `claim` for the round `round_id`, graded with `template`'s rubric."""
    digest = hashlib.sha256(claim.text.encode()).hexdigest()[:6]
    words = "-".join(re.findall(r"[a-z0-9]+", claim.text.lower())[:6])
    return Question(
        id=f"resume-{words}-{digest}"[:80].rstrip("-"), prompt=claim_prompt(claim), round_types=[round_id],
        category=template.category, kind=Kind.BEHAVIORAL, difficulty=template.difficulty, levels=template.levels,
        suggested_minutes=template.suggested_minutes, source=f"résumé line {claim.line}; rubric of {template.id}",
        rubric=template.rubric,
    )


def resume_questions(loop: Loop, questions: Sequence[Question], claims: Sequence[Claim], *,
                     rounds: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> dict[str, Question]:
    """One question about a different claim for each behavioral or hiring-manager round (of `rounds`,
    default all), strongest claims first, in the loop's order, graded with the bank's ownership
    rubric (`ownership_template`); claims asked before (`exclude`) are skipped."""
    template = ownership_template(questions)
    if template is None:
        return {}
    wanted = set(rounds) if rounds is not None else {r.id for r in loop.rounds}
    skip = set(exclude)
    fresh = [c for c in claims if own_project_question(c, template, "any").id not in skip]
    chosen: dict[str, Question] = {}
    for round_ in loop.rounds:
        if round_.id in wanted and is_behavioral_round(round_) and fresh:
            chosen[round_.id] = own_project_question(fresh.pop(0), template, round_.id)
    return chosen
