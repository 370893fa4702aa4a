"""One place that words a grade: turns per-criterion findings into the `QuestionGrade` a candidate reads.

Both graders (the offline rubric grader and the LLM judge) hand their `CriterionFinding`s, and the
red flags the detector found, to `question_grade`; nothing else words a grade. This module owns:

- Levels and points. A criterion's score is rounded to 0.1 and shown at the nearest whole level
  (`transcript.level_of`: level N covers N - 0.5 up to N + 0.5, and the rationale states that band
  when the score is not a whole level); the level's anchor is the descriptor shown. Below half a
  level it is level 0: 0 points and no quotes. A score above 0 needs a quote ("no quote, no
  points"), and a clause that argues against the criterion (`problems`) is never one of its quotes.
- The question score: the weighted mean of the criteria's scores, then held at the question-level
  caps (issue 14): each red flag shown caps it at the flag's cap; a must-have criterion at level 0
  or 1 caps it at the rubric's `must_have_cap`. Each cap is recorded in plain words
  (`QuestionGrade.caps`) and the summary quotes what triggered it. Per-criterion caps (own part,
  keywords only) are the matcher's; their `notes` appear in the rationale and the gap.
- Wording: each criterion's rationale, the strengths (never a criterion with a problem, never a
  quote that argues against any criterion or shows a red flag), the gaps (a problem is named with
  its quote: 'you said "X"; that leaves Y unmet'), the next step and the summary.
- The no-credit grade (empty, gibberish, off-topic, injection-only answers).
- The text the LLM judge sees: the answer turns without the sentences `quality.dropped_spans`
  finds (attempts to instruct the grader, requests for the answer), the same sentences the offline
  grader drops before matching.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mockinterviewer.bank.schema import Criterion, Question
from mockinterviewer.grading import quality
from mockinterviewer.grading.findings import CriterionFinding, RedFlagHit
from mockinterviewer.grading.reference import DERIVED_CATEGORY
from mockinterviewer.transcript import CriterionGrade, QuestionGrade, level_of

__all__ = [
    "MAX_QUOTES",
    "STRONG_SHARE",
    "band",
    "finding_from_grade",
    "judge_answers",
    "judge_text",
    "level_of",
    "no_credit",
    "points",
    "question_grade",
]

STRONG_SHARE = 0.75  # a criterion shown at or above this share of the scale (as a level) is a strength
MAX_QUOTES = 3  # quotes kept per criterion
QUOTE_CHARS = 120  # a quote is shortened to this many characters inside a sentence of feedback
KEEP_IT_UP = "Keep it up: rehearse saying the same answer more concisely, in under two minutes."
NO_EVIDENCE = "No sentence of the answer supports this criterion, so it earns no points."


# --- what the judge sees --------------------------------------------------------------------------


def judge_answers(answers: Sequence[str]) -> list[str]:
    """Each answer turn without the sentences that earn nothing (`quality.dropped_spans`).

    Those are the sentences that try to instruct the grader and the ones that ask for the answer:
    the offline grader drops exactly these before matching, so the judge never reads them either.
    """
    out = []
    for text in answers:
        parts, last = [], 0
        for span in quality.dropped_spans(text):
            parts.append(text[last : span.start])
            last = span.end
        parts.append(text[last:])
        out.append(" ".join(p.strip() for p in parts if p.strip()))
    return out


def judge_text(answers: Sequence[str]) -> str:
    """The answer turns the judge grades, injections removed, joined by blank lines."""
    return "\n\n".join(a for a in judge_answers(answers) if a.strip())


# --- levels and points ----------------------------------------------------------------------------


def points(score: float, scale_max: int) -> tuple[float, int]:
    """(points, level) of a criterion score: clamped to the scale, rounded to 0.1, 0 below half a level."""
    rounded = round(min(max(score, 0.0), float(scale_max)), 1)
    level = min(level_of(rounded), scale_max)
    return (rounded if level else 0.0), level


def band(level: int, scale_max: int) -> tuple[float, float]:
    """The scores (to 0.1) that show as `level`: level 0 is exactly 0."""
    if level <= 0:
        return 0.0, 0.0
    return level - 0.5, min(float(scale_max), level + 0.4)


def _strong_level(scale_max: int) -> int:
    return math.ceil(STRONG_SHARE * scale_max)


def _fmt(score: float, scale_max: int) -> str:
    return f"{score:.1f}/{scale_max}"


def _head(score: float, level: int, scale_max: int, anchor: str) -> str:
    shown = f"{_fmt(score, scale_max)}, level {level}"
    if score != level:
        low, high = band(level, scale_max)
        shown += f" (band {low:.1f}-{high:.1f})"
    return f"{shown}: {anchor}".rstrip()


def _short(text: str, limit: int = QUOTE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _overlaps(quote: str, others: Sequence[str]) -> bool:
    q = _norm(quote)
    return any(q in o or o in q for o in map(_norm, others) if o)


def _unique(texts: Sequence[str]) -> list[str]:
    out: list[str] = []
    for text in texts:
        text = text.strip()
        if text and text not in out:
            out.append(text)
    return out


def _derived(question: Question) -> bool:
    return question.category == DERIVED_CATEGORY


# --- one criterion --------------------------------------------------------------------------------


def _criterion_grade(question: Question, criterion: Criterion, finding: CriterionFinding) -> CriterionGrade:
    scale_max = question.rubric.scale_max
    score, level = points(finding.score, scale_max)
    problems = _unique(finding.problems)
    quotes = [q for q in _unique(finding.quotes) if not _overlaps(q, problems)][:MAX_QUOTES]
    notes = list(finding.notes)
    if level > 0 and not quotes:
        if finding.quotes:
            notes.append("Every sentence offered for it argues against it, so it earns no points.")
        score, level = 0.0, 0
    if level == 0:
        quotes = []
    anchor = criterion.anchors.get(level, "")
    parts = [_head(score, level, scale_max, anchor)]
    if level == 0 and not problems:
        parts.append(NO_EVIDENCE)
    if problems:
        argue = "argues" if len(problems) == 1 else "argue"
        parts.append(f"{_quoted_list(problems)} {argue} against it, so {'it is' if len(problems) == 1 else 'they are'} "
                     "not evidence for it.")
    if finding.coverage is not None and level > 0:
        detail = f"Covers about {round(100 * finding.coverage)}% of what the rubric looks for"
        if finding.shown and not _derived(question):
            detail += f" (shows: {'; '.join(finding.shown[:3])})"
        parts.append(detail + f", quoted in {len(quotes)} passage{'s' if len(quotes) > 1 else ''}.")
    own = " ".join(finding.rationale.split())
    parts = [p for p in parts if p not in own]  # a fallback's rationale already says some of it
    if own:
        parts.append(own)
    parts += [n for n in notes if n not in own]
    return CriterionGrade(
        id=criterion.id,
        name=criterion.name,
        score=score,
        level=level,
        max_score=float(scale_max),
        weight=criterion.weight,
        evidence=quotes,
        problems=problems,
        rationale=" ".join(parts),
        grader=finding.grader,
    )


def finding_from_grade(
    question: Question, grade: CriterionGrade, *, grader: str, notes: Sequence[str] = ()
) -> CriterionFinding:
    """A graded criterion back as a finding (the LLM grader's offline fallback), its rationale kept."""
    criterion = question.rubric.criterion(grade.id)
    scale_max = question.rubric.scale_max
    head = _head(grade.score, grade.level, scale_max, criterion.anchors.get(grade.level, ""))
    body = grade.rationale.removeprefix(head).strip()
    return CriterionFinding(
        criterion_id=grade.id,
        score=grade.score,
        quotes=tuple(grade.evidence),
        problems=tuple(grade.problems),
        notes=tuple(notes),
        rationale=body,
        grader=grader,
    )


# --- the question ---------------------------------------------------------------------------------


def _caps(
    question: Question, grades: Sequence[CriterionGrade], red_flags: Sequence[RedFlagHit]
) -> list[tuple[float, str]]:
    """(cap, reason) for every question-level cap that applies, red flags first."""
    rubric = question.rubric
    scale_max = rubric.scale_max
    out: list[tuple[float, str]] = []
    for hit in _unique_hits(red_flags):
        cap = min(hit.cap, float(scale_max))
        said = f'you said "{_short(hit.quote)}", a red flag ({hit.flag.rstrip(".")})'
        out.append((cap, f"At most {_fmt(cap, scale_max)}: {said}."))
    for criterion, grade in zip(rubric.criteria, grades, strict=True):
        if criterion.must_have and grade.level <= 1:
            cap = min(rubric.must_have_cap, float(scale_max))
            core = f"{criterion.name} is core to this question and is at level {grade.level}"
            out.append((cap, f"At most {_fmt(cap, scale_max)}: {core}."))
    return out


def _quoted_list(texts: Sequence[str]) -> str:
    """'"A"', '"A" and "B"', '"A", "B" and "C"'."""
    quoted = [f'"{_short(t)}"' for t in texts]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _problem_gap(question: Question, criterion: Criterion, problems: Sequence[str]) -> str:
    """One sentence for all the clauses that argue against a criterion, and what it asks for instead."""
    said = f"You said {_quoted_list(problems)}; that leaves "
    if _derived(question):
        return said + "this point unstated."
    return said + f"{criterion.name.lower()} unmet. It asks for this: {criterion.description.strip()}"


def _strengths_gaps(
    question: Question,
    grades: Sequence[CriterionGrade],
    findings: Sequence[CriterionFinding],
    red_flags: Sequence[RedFlagHit],
    spoken: str | None = None,
) -> tuple[list[str], list[str]]:
    rubric = question.rubric
    scale_max = rubric.scale_max
    strong = _strong_level(scale_max)
    derived = _derived(question)
    unpraisable = [p for g in grades for p in g.problems] + [h.quote for h in red_flags]
    strengths: list[str] = []
    gaps: list[str] = []
    for hit in _unique_hits(red_flags):
        cap = min(hit.cap, float(scale_max))
        gaps.append(
            f'Red flag: you said "{_short(hit.quote)}" ({hit.flag.rstrip(".")}); '
            f"it holds the question to at most {_fmt(cap, scale_max)}."
        )
    for criterion, grade, finding in zip(rubric.criteria, grades, findings, strict=True):
        level = grade.level
        if level >= strong and not grade.problems:
            quote = next((q for q in grade.evidence if not _overlaps(q, unpraisable)), "")
            lead = "You said" if spoken is None or _norm(quote) in _norm(spoken) else "Shown by"
            said = f' {lead}: "{_short(quote)}"' if quote else ""
            strengths.append(f"{criterion.name}: {criterion.anchors.get(level, '')}{said}")
            continue
        if level >= scale_max and not grade.problems:
            continue
        target = min(scale_max, max(level + 1, strong))
        parts = [_problem_gap(question, criterion, grade.problems)] if grade.problems else []
        if level < scale_max:
            needs = criterion.anchors.get(target, "")
            if derived:
                text = f"at level {level} of {scale_max}; {needs}"
            else:
                text = f"at level {level}; level {target} needs: {needs}"
                if finding.missing:
                    text += f" Not yet covered: {'; '.join(finding.missing[:3])}."
            parts.append(("It is " + text) if parts else text)
        if criterion.must_have and level <= 1:
            cap = min(rubric.must_have_cap, float(scale_max))
            held = f"at level {level} it holds the question to at most {_fmt(cap, scale_max)}"
            parts.append(f"It is core to this question: {held}.")
        parts += list(finding.notes)
        gaps.append(f"{criterion.name}: " + " ".join(p.rstrip() for p in parts))
    return strengths, gaps


def _unique_hits(red_flags: Sequence[RedFlagHit]) -> list[RedFlagHit]:
    out: list[RedFlagHit] = []
    for hit in red_flags:
        if all((h.flag, h.quote) != (hit.flag, hit.quote) for h in out):
            out.append(hit)
    return out


def _summary(
    grades: Sequence[CriterionGrade], score: float, scale_max: int, caps: Sequence[str], flags: Sequence[str]
) -> str:
    ranked = sorted(grades, key=lambda g: (-g.score, -g.weight))
    best, worst = ranked[0], ranked[-1]
    text = f"{_fmt(score, scale_max)}."
    if best.score > 0:
        text += f" Strongest: {best.name} (level {best.level}, {best.score:g}/{scale_max})."
    if worst is not best and worst.score < scale_max:
        text += f" Weakest: {worst.name} (level {worst.level}, {worst.score:g}/{scale_max})."
    if best.score == 0:
        text += " No part of the answer supports any criterion of the rubric."
    for cap in caps:
        text += f" {cap}"
    if quality.INJECTION in flags:
        text += " Part of the answer tried to instruct the grader; it was ignored and earned nothing."
    return text


def _next_step(question: Question, grades: Sequence[CriterionGrade], red_flags: Sequence[RedFlagHit]) -> str:
    rubric = question.rubric
    scale_max = rubric.scale_max
    if not grades:
        return "Answer the question asked in your own words."

    def urgency(i: int) -> tuple[bool, float, int]:
        c, g = rubric.criteria[i], grades[i]
        wrong = bool(g.problems) or (c.must_have and g.level <= 1)
        return wrong, (scale_max - g.score) * g.weight, -i

    index = max(range(len(grades)), key=urgency)
    wrong, gap, _ = urgency(index)
    if not wrong and gap <= 0:
        if red_flags:
            hit = red_flags[0]
            return f'Rethink "{_short(hit.quote)}": {hit.flag}'
        return KEEP_IT_UP
    crit = rubric.criteria[index]
    if _derived(question):
        return f"Revisit {crit.name.split(' (')[0].lower()} of this topic and practise stating it precisely."
    return f'Practise {crit.name.lower()}: answer "{crit.follow_up}" aiming for: {crit.anchors.get(scale_max, "")}'


def question_grade(
    question: Question,
    findings: Sequence[CriterionFinding],
    *,
    answer: str,
    round_id: str | None = None,
    flags: Sequence[str] = (),
    red_flags: Sequence[RedFlagHit] = (),
    grader: str = "rubric",
    remarks: Sequence[str] = (),
    spoken: str | None = None,
) -> QuestionGrade:
    """The worded grade of one answer from one finding per criterion (a missing one scores 0).

    `flags` are the pre-checks' flags (an injection is mentioned in the summary); `red_flags` cap the
    question; `remarks` are sentences about how it was graded, appended to the summary. `spoken`, when
    given, is what the candidate said: a strength quoting anything else (their code, a test result)
    says "Shown by" rather than "You said".
    """
    rubric = question.rubric
    scale_max = rubric.scale_max
    by_id = {f.criterion_id: f for f in findings}
    unknown = sorted(set(by_id) - {c.id for c in rubric.criteria})
    if unknown:
        raise ValueError(f"findings for criteria not in the rubric of '{question.id}': {unknown}")
    ordered = [by_id.get(c.id) or CriterionFinding(c.id, 0.0, grader=grader) for c in rubric.criteria]
    grades = [_criterion_grade(question, c, f) for c, f in zip(rubric.criteria, ordered, strict=True)]
    total_weight = sum(g.weight for g in grades)
    weighted = sum(g.score * g.weight for g in grades) / total_weight if total_weight else 0.0
    caps = _caps(question, grades, red_flags)
    score = round(min([weighted, *(cap for cap, _ in caps)]), 2)
    reasons = [reason for _, reason in caps]
    strengths, gaps = _strengths_gaps(question, grades, ordered, red_flags, spoken)
    summary = _summary(grades, score, scale_max, reasons, flags)
    for remark in remarks:
        summary += f" {remark}"
    return QuestionGrade(
        question_id=question.id,
        prompt=question.prompt,
        round_id=round_id,
        answer=answer,
        score=score,
        max_score=float(scale_max),
        criteria=grades,
        flags=list(flags),
        gradable=True,
        summary=summary,
        strengths=strengths,
        gaps=gaps,
        next_step=_next_step(question, grades, red_flags),
        caps=reasons,
        grader=grader,
    )


def no_credit(
    question: Question,
    *,
    reasons: Sequence[str],
    flags: Sequence[str],
    gradable: bool,
    answer: str,
    round_id: str | None = None,
    grader: str = "rubric",
) -> QuestionGrade:
    """The bottom of the scale for an answer with nothing to grade (empty, gibberish, off-topic, injection)."""
    reason = "; ".join(reasons) or "there is nothing to grade"
    scale_max = question.rubric.scale_max
    grades = [
        CriterionGrade(
            id=c.id,
            name=c.name,
            score=0.0,
            level=0,
            max_score=float(scale_max),
            weight=c.weight,
            evidence=[],
            rationale=f"{_fmt(0.0, scale_max)}, level 0: no credit because {reason}. Level 0: {c.anchors.get(0, '')}",
            grader=grader,
        )
        for c in question.rubric.criteria
    ]
    return QuestionGrade(
        question_id=question.id,
        prompt=question.prompt,
        round_id=round_id,
        answer=answer,
        score=0.0,
        max_score=float(scale_max),
        criteria=grades,
        flags=list(flags),
        gradable=gradable,
        summary=f"No credit: {reason}.",
        strengths=[],
        gaps=[f"{c.name}: not addressed." for c in question.rubric.criteria],
        next_step="Answer the question asked in your own words: start with the core idea, then add specifics.",
        grader=grader,
    )
