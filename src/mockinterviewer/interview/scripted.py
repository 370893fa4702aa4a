"""The offline interviewer: scripted words, follow-ups on the rubric criteria not yet covered.

It never reveals the rubric: a follow-up is the criterion's own `follow_up` probe, written to
ask without hinting at the answer. On a coding question it first asks for the code, answers every
submission by asking about time and space complexity and the cases that failed or are not
handled, and asks once for a fix when hidden tests still fail. Acknowledgements are brief and
neutral (never "great answer"), so that nothing the interviewer says reads as a grade.

Its words and how hard it presses come from the session's style (`styles`): a tough interviewer
asks for specifics again when an answer to a follow-up leaves the probed point uncovered.
"""

from __future__ import annotations

import hashlib

from mockinterviewer.bank.schema import Question
from mockinterviewer.interview.interviewer import CodeStatus, Move, MoveKind, QuestionContext, RoundContext

# Topics a candidate commonly asks about, and what the practice interviewer can honestly say.
_REPLIES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("culture", "value", "memo", "freedom", "candor", "context"),
     "The values this loop probes are {values}. In practice they show up as owning decisions end to end "
     "and giving direct feedback, and you will be asked about them in the behavioral round."),
    (("team", "work on", "day to day", "day-to-day", "project"),
     "For a real loop, ask which problems the team owns this year, how it measures success, and how "
     "on-call works. Those answers tell you more than any job description."),
    (("next step", "process", "hear back", "timeline", "feedback"),
     "After this round you get a feedback report with a score per criterion and quotes from your "
     "answers. In a real loop, it is fair to ask the recruiter for the timeline and the next round."),
    (("remote", "office", "location", "relocat"),
     "That depends on the team; in a real loop, ask the recruiter early so it never surprises anyone."),
    (("growth", "career", "promot", "level", "mentor"),
     "Senior engineers are expected to grow through scope and impact rather than titles; ask how the "
     "team recognises that."),
)


WRITE_IT = ("When you're ready, write it: /code opens your editor on the signature, /run tries the examples "
            "and /submit runs the hidden tests. Keep talking me through it as you go.")
FIX_IT = ("Would you like to fix it? Change your code and /submit again, or tell me exactly what you would "
          "change and why.")


def _criteria_like(question: Question, *words: str) -> list[str]:
    """Ids of the rubric criteria whose id names one of `words` (e.g. 'complexity', 'edge')."""
    return [c.id for c in question.rubric.criteria if any(w in c.id for w in words)]


def _pick(options: tuple[str, ...], key: str) -> str:
    digest = hashlib.sha256(key.encode()).digest()
    return options[digest[0] % len(options)]


class ScriptedInterviewer:
    """Deterministic interviewer that works with no model at all."""

    name = "scripted"

    def opening(self, ctx: RoundContext) -> str:
        round_ = ctx.round
        plural = "s" if ctx.questions_in_round != 1 else ""
        return (
            f"Hi {ctx.candidate}, thanks for making the time. I'm {round_.interviewer}, and this is the "
            f"{round_.name} of the {ctx.loop.title} loop. We have about "
            f"{round_.duration_minutes} minutes and {ctx.questions_in_round} question{plural}. "
            f"{ctx.style.opening} "
            f"{ctx.controls} Let's start."
        )

    def ask(self, ctx: QuestionContext) -> str:
        return f"Question {ctx.question_number} of {ctx.questions_in_round}: {ctx.question.prompt}"

    def after_answer(self, ctx: QuestionContext) -> Move:
        key = f"{ctx.question.id}:{ctx.follow_ups_asked}:{len(ctx.answers)}"
        if ctx.code is not None and ctx.code.just_submitted:
            return self.after_submission(ctx, ctx.code)
        if ctx.follow_ups_asked >= ctx.max_follow_ups or ctx.seconds_left <= 0:
            return self.move_on(ctx)
        acknowledgement = _pick(ctx.style.acknowledgements, key)
        if ctx.code is not None and ctx.code.submissions == 0 and not ctx.code.prompted:
            return Move(kind=MoveKind.FOLLOW_UP, text=f"{acknowledgement} {WRITE_IT}",
                        meta={"code_prompt": True})
        if ctx.code is not None and ctx.code.submissions and ctx.code.failing and not ctx.code.fix_asked:
            return Move(kind=MoveKind.FOLLOW_UP, text=FIX_IT, probes=_criteria_like(ctx.question, "edge")[:1],
                        meta={"fix_request": True})
        pressed = self.vague_point(ctx) if ctx.style.press_vague else None
        if pressed is not None:
            criterion = ctx.question.rubric.criterion(pressed)
            return Move(kind=MoveKind.FOLLOW_UP, text=f"{ctx.style.press} {criterion.follow_up}",
                        probes=[criterion.id], meta={"pressed": True})
        target = self.next_probe(ctx)
        if target is None:
            return self.move_on(ctx)
        criterion = ctx.question.rubric.criterion(target)
        lead = f"{acknowledgement} {ctx.style.probe_lead}".strip()
        return Move(
            kind=MoveKind.FOLLOW_UP,
            text=f"{lead} {criterion.follow_up}",
            probes=[criterion.id],
        )

    @staticmethod
    def after_submission(ctx: QuestionContext, code: CodeStatus) -> Move:
        """After /submit: how many hidden tests pass, then complexity and the cases failed or not handled."""
        result = code.last_submission or {}
        passed, total = result.get("passed", 0), result.get("total", 0)
        said = [f"Thanks, I see {passed} of {total} hidden tests passing."]
        said.append("What are the time and space complexity of your solution, and why?")
        statuses = {t.get("status") for t in code.failing}
        if result.get("error"):
            said.append("It did not run as submitted: what went wrong, and how would you fix it?")
        elif "timeout" in statuses:
            said.append("One test ran out of time: what input would make your code slow, and does that fit "
                        "the complexity you just gave?")
        elif code.failing:
            said.append("Some hidden tests fail: which cases does your code not handle, and how would you fix it?")
        else:
            said.append("Which cases would you still test, and is there any input your code does not handle?")
        probes = _criteria_like(ctx.question, "complexity")[:1] + _criteria_like(ctx.question, "edge")[:1]
        return Move(kind=MoveKind.FOLLOW_UP, text=" ".join(said), probes=probes, meta={"after_submission": True})

    @staticmethod
    def next_probe(ctx: QuestionContext) -> str | None:
        """The heaviest criterion neither covered by the answers nor already probed."""
        open_criteria = [
            c for c in ctx.question.rubric.criteria if c.id not in ctx.covered and c.id not in ctx.probed
        ]
        if not open_criteria:
            return None
        return max(open_criteria, key=lambda c: c.weight).id

    @staticmethod
    def vague_point(ctx: QuestionContext) -> str | None:
        """The criterion the last follow-up probed when the answer to it still left it uncovered and it
        was pressed only that once: the point to ask again for specifics. None otherwise."""
        if not ctx.probed or len(ctx.answers) < 2:
            return None
        last = ctx.probed[-1]
        if last in ctx.covered or ctx.probed.count(last) > 1:
            return None
        return last

    def move_on(self, ctx: QuestionContext) -> Move:
        key = f"{ctx.question.id}:move:{len(ctx.answers)}"
        last = ctx.question_number >= ctx.questions_in_round
        text = _pick(ctx.style.acknowledgements, key) + ("" if last else " " + _pick(ctx.style.moving_on, key))
        return Move(kind=MoveKind.MOVE_ON, text=text)

    def cut_short(self, ctx: QuestionContext, *, follow_up: bool) -> Move:
        """Stop an answer that ran past its time box: ask for the heaviest open point in brief
        (`follow_up`), or move on when no follow-up is left."""
        target = self.next_probe(ctx) if follow_up else None
        if target is None:
            return Move(kind=MoveKind.MOVE_ON, text=f"{ctx.style.cut} {self.move_on(ctx).text}",
                        meta={"cut_short": True})
        criterion = ctx.question.rubric.criterion(target)
        return Move(kind=MoveKind.FOLLOW_UP, text=f"{ctx.style.cut} {ctx.style.cut_ask} {criterion.follow_up}",
                    probes=[criterion.id], meta={"cut_short": True})

    def invite_questions(self, ctx: RoundContext) -> str:
        return (
            f"That's all my questions. We have a few minutes left: what would you like to ask me about "
            f"the team, the role or {ctx.loop.employer}? (Say 'no questions' to finish.)"
        )

    def reply(self, ctx: RoundContext) -> str:
        asked = (ctx.candidate_question or "").lower()
        values = ", ".join(v.name.lower() for v in ctx.loop.values) or "the company's values"
        for keywords, answer in _REPLIES:
            if any(k in asked for k in keywords):
                return (
                    "Good question. I'm a practice interviewer, so I can't speak for the real team, but: "
                    + answer.format(values=values)
                    + " Anything else?"
                )
        return (
            "Good question, and worth asking in the real loop: I'm a practice interviewer, so I can't "
            "answer for the real team. Anything else?"
        )

    def closing(self, ctx: RoundContext) -> str:
        return (
            f"Thank you, {ctx.candidate}. That's the end of the {ctx.round.name}. "
            "Your feedback comes with the report."
        )
