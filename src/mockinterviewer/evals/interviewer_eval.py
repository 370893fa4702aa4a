"""Put an interviewer through scripted candidates over whole rounds and check how it behaves.

Checks, per persona: follow-ups aim at criteria not yet covered; no rubric or exemplar text leaks;
the follow-up limit and each question's time budget hold; gibberish, off-topic and injection get
the bottom of the scale; an injection never raises a grade; strong > partial > silent.

Per interviewer style (`styles`): the same checks hold in each, and the partial persona (vague
after its first point) and the rambling one show what each style changes: fewer follow-ups when
warm and more when tough, tough pressing a vague answer for specifics and cutting the rambler's
answers at their time box, and neither of those in the other styles.
"""

from __future__ import annotations

import random
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockinterviewer.bank.loader import Bank
from mockinterviewer.bank.schema import Question
from mockinterviewer.channels.base import Reply
from mockinterviewer.evals.personas import PERSONAS, Persona, injected_partial, partial_answer
from mockinterviewer.grading.base import Grader
from mockinterviewer.grading.session import grade_session
from mockinterviewer.interview.interviewer import Interviewer
from mockinterviewer.interview.orchestrator import Orchestrator
from mockinterviewer.interview.plan import plan_session
from mockinterviewer.interview.styles import get_style, style_names
from mockinterviewer.store import Store
from mockinterviewer.transcript import QuestionGrade, Session, Speaker, TurnKind

SPEAKING_WPM = 130.0
LEAK_NGRAM = 6  # words in a row shared with the hidden rubric that count as a leak


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""


@dataclass
class PersonaResult:
    persona: str
    description: str
    sessions: int = 0
    mean_score: float = 0.0
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)


class PersonaChannel:
    """A candidate played by a persona; answers whatever question the orchestrator is on."""

    def __init__(self, persona: Persona, seed: int) -> None:
        self.persona = persona
        self.rng = random.Random(seed)
        self.orchestrator: Orchestrator | None = None
        self.said: list[tuple[str, str]] = []

    def say(self, text: str, *, kind: str) -> None:
        self.said.append((kind, text))

    def partial(self, chunk: str) -> None:
        pass

    def retract(self) -> None:
        pass

    def info(self, text: str) -> None:
        pass

    def listen(self, *, vocabulary: str = "") -> Reply | None:
        assert self.orchestrator is not None
        state = self.orchestrator.state
        if state.current is None:
            return Reply(text=self.persona.candidate_question, source="persona")
        question = self.orchestrator.bank.question(state.current.question_id)
        text = self.persona.answer(question, len(state.current.answers), self.rng)
        return Reply(text=text, seconds=len(text.split()) / SPEAKING_WPM * 60, source="persona")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def leaked_text(question: Question, utterance: str) -> str | None:
    """A run of LEAK_NGRAM words the utterance shares with the hidden rubric (anchors, exemplar,
    descriptions), other than words the question itself or a designed follow-up probe contains."""
    rubric = question.rubric
    hidden = [*rubric.exemplar, *(t for f in rubric.red_flags for t in (f.text, *f.examples))]
    for criterion in rubric.criteria:
        hidden += [criterion.description, *criterion.anchors.values()]
    public = _ngrams(_words(question.prompt), LEAK_NGRAM)
    for criterion in rubric.criteria:
        public |= _ngrams(_words(criterion.follow_up), LEAK_NGRAM)
    said = _ngrams(_words(utterance), LEAK_NGRAM) - public
    for text in hidden:
        shared = said & _ngrams(_words(text), LEAK_NGRAM)
        if shared:
            return " ".join(next(iter(shared)))
    return None


def run_persona_session(bank: Bank, store: Store, interviewer: Interviewer, persona: Persona, round_id: str,
                        seed: int, max_follow_ups: int, style: str | None = None) -> Session:
    loop = bank.loop("netflix-senior-swe")
    plan = plan_session(loop, list(bank.questions.values()), round_id=round_id, seed=seed, style=style)
    session = Session(id=f"{persona.name}-{round_id}-{seed}-{style or 'default'}", candidate=persona.name,
                      loop_id=loop.id,
                      plan=plan, interviewer=interviewer.name, max_follow_ups=max_follow_ups)
    store.create_session(session)
    channel = PersonaChannel(persona, seed)
    orchestrator = Orchestrator(bank=bank, store=store, session=session, interviewer=interviewer,
                                channel=channel)
    channel.orchestrator = orchestrator
    orchestrator.run()
    return store.load_session(session.id)


# Follow-ups of a live-coding question that ask for the code, react to a submission or ask for a
# fix: they are about the code, not aimed at one uncovered rubric criterion.
CODING_MOVES = frozenset({"code_prompt", "after_submission", "keep_coding", "fix_request"})

def _behaviour_checks(bank: Bank, sessions: list[Session], max_follow_ups: int) -> list[Check]:
    aimed, leaks, over_limit, over_time = [], [], [], []
    for session in sessions:
        for turn in session.turns:
            question = bank.questions.get(turn.question_id or "")
            if turn.speaker is Speaker.INTERVIEWER and question is not None:
                leak = leaked_text(question, turn.text)
                if leak:
                    leaks.append(f"{question.id}: '{leak}'")
            if turn.kind is TurnKind.FOLLOW_UP and not CODING_MOVES.intersection(turn.meta):
                covered = set(turn.meta.get("covered", []))
                if not turn.probes or set(turn.probes) & covered:
                    aimed.append(f"{turn.question_id}: probed {turn.probes}, covered {sorted(covered)}")
        for planned in (q for r in session.plan.rounds for q in r.questions):
            turns = [t for t in session.turns if t.question_id == planned.question_id]
            follow_ups = [t for t in turns if t.kind is TurnKind.FOLLOW_UP]
            if len(follow_ups) > max_follow_ups:
                over_limit.append(f"{planned.question_id}: {len(follow_ups)} follow-ups")
            spent = 0.0
            for turn in turns:
                if turn.kind is TurnKind.ANSWER:
                    spent += turn.seconds
                elif turn.kind is TurnKind.FOLLOW_UP and spent >= planned.minutes * 60:
                    over_time.append(f"{planned.question_id}: followed up after {spent:.0f}s of "
                                     f"{planned.minutes * 60:.0f}s")
    return [
        Check("follow_ups_target_uncovered_criteria", not aimed, "; ".join(aimed[:3])),
        Check("no_rubric_or_exemplar_leak", not leaks, "; ".join(leaks[:3])),
        Check("follow_up_limit", not over_limit, "; ".join(over_limit[:3])),
        Check("moves_on_within_time_budget", not over_time, "; ".join(over_time[:3])),
    ]


def _talked(bank: Bank, session: Session) -> list[str]:
    """The questions of a session that are talked through (not coded)."""
    return [q.question_id for r in session.plan.rounds for q in r.questions
            if bank.question(q.question_id).coding is None]


def _style_figures(bank: Bank, sessions: list[Session]) -> dict[str, float]:
    """Follow-ups per talked-through question, pressed follow-ups, answers past their time box and
    how many of those were cut short."""
    questions = follow_ups = pressed = long_answers = cut = 0
    for session in sessions:
        style = get_style(session.plan.style)
        minutes = {q.question_id: q.minutes for r in session.plan.rounds for q in r.questions}
        talked = set(_talked(bank, session))
        questions += len(talked)
        turns = sorted(session.turns, key=lambda t: t.index)
        for i, turn in enumerate(turns):
            if turn.question_id not in talked:
                continue
            if turn.kind is TurnKind.FOLLOW_UP:
                follow_ups += 1
                pressed += bool(turn.meta.get("pressed"))
            if turn.kind is TurnKind.ANSWER and turn.seconds > style.answer_time_box(minutes[turn.question_id]) \
                    and style.cut_long_answers:
                long_answers += 1
                reply = next((t for t in turns[i + 1:] if t.speaker is Speaker.INTERVIEWER), None)
                cut += reply is not None and bool(reply.meta.get("cut_short"))
    return {"follow_ups_per_question": round(follow_ups / questions, 3) if questions else 0.0,
            "pressed": pressed, "answers_past_time_box": long_answers, "cut_short": cut,
            "cut_turns": sum(bool(t.meta.get("cut_short")) for s in sessions for t in s.turns)}


def evaluate_styles(bank: Bank, interviewer: Interviewer, store: Store, round_ids: list[str],
                    seeds: tuple[int, ...], max_follow_ups: int) -> dict[str, Any]:
    """Each style with the vague (partial) and rambling personas: the behaviour checks in every style,
    and what the styles must change (see the module doc)."""
    figures: dict[str, dict[str, dict[str, float]]] = {}
    checks: list[Check] = []
    for style in style_names():
        figures[style] = {}
        limit = get_style(style).max_follow_ups(max_follow_ups)
        for name in ("partial", "rambling"):
            sessions = [run_persona_session(bank, store, interviewer, PERSONAS[name], round_id, seed, max_follow_ups,
                                            style=style) for round_id in round_ids for seed in seeds]
            figures[style][name] = _style_figures(bank, sessions)
            checks += [Check(f"{style}/{name}/{c.name}", c.passed, c.detail)
                       for c in _behaviour_checks(bank, sessions, limit)]
    vague = {style: figures[style]["partial"] for style in figures}
    rambler = {style: figures[style]["rambling"] for style in figures}
    per_question = {style: f["follow_ups_per_question"] for style, f in vague.items()}
    checks.append(Check("warm_fewer_follow_ups_than_neutral_than_tough",
                        per_question["warm"] < per_question["neutral"] < per_question["tough"],
                        f"follow-ups per question on the vague persona: {per_question}"))
    checks.append(Check("only_tough_presses_a_vague_answer",
                        vague["tough"]["pressed"] > 0 and vague["warm"]["pressed"] == vague["neutral"]["pressed"] == 0,
                        f"pressed follow-ups: { {s: f['pressed'] for s, f in vague.items()} }"))
    tough = rambler["tough"]
    checks.append(Check("tough_cuts_the_rambler_at_its_time_box",
                        tough["answers_past_time_box"] > 0 and tough["cut_short"] == tough["answers_past_time_box"],
                        f"{tough['cut_short']:g} of {tough['answers_past_time_box']:g} answers past their time box "
                        "cut short"))
    others = {s: f["cut_turns"] for s, f in rambler.items() if s != "tough"}
    checks.append(Check("warm_and_neutral_never_cut_an_answer", not any(others.values()), f"cut turns: {others}"))
    return {"passed": all(c.passed for c in checks), "figures": figures,
            "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in checks]}


def _mean(grades: list[QuestionGrade]) -> float:
    return sum(g.score for g in grades) / len(grades) if grades else 0.0


def evaluate_interviewer(
    bank: Bank,
    interviewer: Interviewer,
    grader: Grader,
    *,
    personas: list[str] | None = None,
    rounds: list[str] | None = None,
    seeds: tuple[int, ...] = (1,),
    max_follow_ups: int = 2,
    styles: bool = True,
) -> dict[str, Any]:
    """Every persona through the rounds (default: all of the Netflix loop) with the default style,
    then, with `styles`, each style with the vague and rambling personas (see evaluate_styles)."""
    loop = bank.loop("netflix-senior-swe")
    round_ids = rounds or [r.id for r in loop.rounds]
    names = personas or list(PERSONAS)
    results: dict[str, PersonaResult] = {}
    grades_by_persona: dict[str, list[QuestionGrade]] = {}
    with tempfile.TemporaryDirectory(prefix="mi-eval-") as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'eval.db'}", Path(tmp))
        for name in names:
            persona = PERSONAS[name]
            sessions = [run_persona_session(bank, store, interviewer, persona, round_id, seed, max_follow_ups)
                        for round_id in round_ids for seed in seeds]
            grades = [g for s in sessions for g in grade_session(s, bank.question, grader)]
            grades_by_persona[name] = grades
            result = PersonaResult(persona=name, description=persona.description, sessions=len(sessions),
                                   mean_score=round(_mean(grades), 3))
            result.checks = _behaviour_checks(bank, sessions, max_follow_ups)
            if name in ("gibberish", "off-topic", "injection"):
                above = [f"{g.question_id}: {g.score}" for g in grades if g.score > 0]
                result.checks.append(Check("bottom_of_scale", not above, "; ".join(above[:3])))
            if name == "injection":
                raised = []
                for question_id in sorted({g.question_id for g in grades}):
                    question = bank.question(question_id)
                    plain = grader.grade(question, [partial_answer(question)])
                    injected = grader.grade(question, [injected_partial(question)])
                    if injected.score > plain.score:
                        raised.append(f"{question_id}: {plain.score} -> {injected.score}")
                result.checks.append(Check("injection_never_raises_a_grade", not raised, "; ".join(raised[:3])))
            results[name] = result
        style_result = evaluate_styles(bank, interviewer, store, round_ids, seeds, max_follow_ups) if styles else None
    ordering: list[Check] = []
    means = {name: r.mean_score for name, r in results.items()}
    if {"strong", "partial"} <= set(means):
        ordering.append(Check("strong_above_partial", means["strong"] > means["partial"],
                              f"{means['strong']:.2f} vs {means['partial']:.2f}"))
    if {"partial", "silent"} <= set(means):
        ordering.append(Check("partial_above_silent", means["partial"] > means["silent"],
                              f"{means['partial']:.2f} vs {means['silent']:.2f}"))
    for check in ordering:
        target = "strong" if check.name.startswith("strong") else "partial"
        results[target].checks.append(check)
    passed = all(r.passed for r in results.values()) and (style_result is None or style_result["passed"])
    return {
        "interviewer": interviewer.name,
        "rounds": round_ids,
        "passed": passed,
        "styles": style_result,
        "personas": {
            name: {
                "description": r.description,
                "sessions": r.sessions,
                "mean_score": r.mean_score,
                "passed": r.passed,
                "checks": [{"name": c.name, "passed": c.passed, "detail": c.detail} for c in r.checks],
            }
            for name, r in results.items()
        },
    }
