"""Drive a session over a Channel: ask, listen, decide, and persist every turn before the next.

The orchestrator owns the flow and its limits (follow-ups per question, time per question); the
interviewer only chooses words and whether to follow up. The state is replayed from the saved
turns, so `run()` on a resumed session continues exactly where it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mockinterviewer.bank.loader import Bank
from mockinterviewer.bank.schema import Loop, Question
from mockinterviewer.channels.base import Channel, Reply
from mockinterviewer.channels.code_input import parse_code_command, split_code
from mockinterviewer.interview.answers import Command, clean_answer, parse_command
from mockinterviewer.interview.interviewer import (
    TYPED_CONTROLS,
    CodeStatus,
    Interviewer,
    Move,
    MoveKind,
    QuestionContext,
    RoundContext,
)
from mockinterviewer.interview.live_coding import SUBMIT, CodingDesk, code_turns, is_coding
from mockinterviewer.interview.scripted import ScriptedInterviewer
from mockinterviewer.interview.state import InterviewState, Step, apply, is_decline, replay
from mockinterviewer.interview.styles import get_style
from mockinterviewer.store import Store
from mockinterviewer.transcript import Session, SessionStatus, Speaker, Turn, TurnKind

Coverage = Callable[[Question, list[str]], dict[str, list[str]]]

HELP = "Commands: /repeat (hear the question again), /skip, /time (time left), /quit (save and stop)."
CODE_HELP = ("While coding: /code (open your editor on the solution), /code PATH (take a file), "
             "/lang python|javascript|java, /run (the examples), /submit (the hidden tests). "
             "Or paste code between two ``` lines. Anything else you type is part of your answer.")
NOT_CODING = "This question is talked through, not coded: answer in words."
KEEP_CODING = "Okay. Keep going: /run tries the examples, and /submit when you're ready."
MAX_KEEP_CODING = 3  # turns a candidate still coding gets past the follow-up limit before the question ends


def question_vocabulary(question: Question) -> str:
    """The question's own words, used to prime speech-to-text."""
    signals = [s for c in question.rubric.criteria for s in c.signals]
    return question.prompt + " " + ", ".join(signals)


def spoken_duration(seconds: float) -> str:
    """A time left as said aloud: '12 minutes', '1 minute', '30 seconds' under a minute ('' when none)."""
    whole = round(seconds)
    if whole <= 0:
        return ""
    if whole < 60:
        return f"{whole} second{'' if whole == 1 else 's'}"
    minutes = round(whole / 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def time_left_words(question_left: float | None, round_left: float) -> str:
    """The /time line for `question_left` seconds on the question (None between questions) and `round_left`
    in the round: 'About 12 minutes left on this question, 40 minutes in the round.', 'Time is up ...'."""
    on_question, in_round = spoken_duration(question_left or 0), spoken_duration(round_left)
    if question_left is None:
        return f"About {in_round} left in the round." if in_round else "Time is up in the round."
    if not on_question:
        return (f"Time is up on this question; about {in_round} left in the round." if in_round
                else "Time is up on this question and in the round.")
    return (f"About {on_question} left on this question, {in_round} in the round." if in_round
            else f"About {on_question} left on this question; the round's time is up.")


def time_left(loop: Loop, state: InterviewState) -> str:
    """What /time says: the time left on the question in progress and in the round."""
    round_ = loop.round(state.round_id or "")
    round_left = max(round_.duration_minutes * 60 - state.round_seconds, 0)
    question_left = max(state.seconds_left_on_question, 0) if state.current is not None else None
    return time_left_words(question_left, round_left)


def _default_coverage() -> Coverage:
    from mockinterviewer.grading.rubric import covered_criteria

    return covered_criteria


class Orchestrator:
    def __init__(
        self,
        *,
        bank: Bank,
        store: Store,
        session: Session,
        interviewer: Interviewer,
        channel: Channel,
        coverage: Coverage | None = None,
        fallback: ScriptedInterviewer | None = None,
        coding: CodingDesk | None = None,
        quiet: bool = False,
    ) -> None:
        self.bank = bank
        # quiet: a request-at-a-time face (the browser) shows the transcript itself, so a run neither
        # announces the resume (nor repeats the last question) nor says how to resume when it stops
        self.quiet = quiet
        self.loop: Loop = bank.loop(session.loop_id)
        self.store = store
        self.session = session
        self.interviewer = interviewer
        self.channel = channel
        self.coverage = coverage or _default_coverage()
        self.scripted = fallback or ScriptedInterviewer()
        self.state: InterviewState = replay(session.plan, session.turns)
        self.style = get_style(session.plan.style)
        self.max_follow_ups = self.style.max_follow_ups(session.max_follow_ups)
        self._covered_cache: dict[tuple[str, int], dict[str, list[str]]] = {}
        self._in_fallback = False
        self.coding = coding or CodingDesk(say=channel.info, edit=getattr(channel, "edit", None))

    # recording ---------------------------------------------------------------------------------

    def _record(
        self,
        speaker: Speaker,
        kind: TurnKind,
        text: str,
        *,
        question_id: str | None = None,
        probes: list[str] | None = None,
        seconds: float = 0.0,
        source: str = "scripted",
        meta: dict[str, Any] | None = None,
    ) -> Turn:
        round_id = self.state.round_id or (self.session.plan.rounds[-1].round_id)
        turn = Turn(
            index=self.state.turns,
            speaker=speaker,
            kind=kind,
            text=text,
            round_id=round_id,
            question_id=question_id,
            probes=probes or [],
            seconds=seconds,
            source=source,
            meta=meta or {},
        )
        self.store.save_turn(self.session.id, turn)  # persisted before anything else happens
        self.session.turns.append(turn)
        self.state = apply(self.state, turn)
        if speaker is Speaker.INTERVIEWER:
            self.channel.say(text, kind=kind.value)
            self._label_fallback(turn)
        return turn

    def _label_fallback(self, turn: Turn) -> None:
        """Say visibly when the offline interviewer takes a turn for a failed model, and when it is back."""
        fallback = turn.source.endswith("fallback")
        if fallback and not self._in_fallback:
            why = turn.meta.get("error_kind", "error")
            self.channel.info(f"(The model failed ({why}); the offline interviewer is taking the turns until it "
                              "recovers. Nothing is lost.)")
        elif not fallback and self._in_fallback and turn.source not in ("scripted",):
            self.channel.info("(The model is back.)")
        if fallback or turn.source != "scripted":
            self._in_fallback = fallback

    def _say(self, kind: TurnKind, text: str, **kwargs: Any) -> Turn:
        return self._record(Speaker.INTERVIEWER, kind, text, **kwargs)

    def _say_from_interviewer(self, kind: TurnKind, text: str, **kwargs: Any) -> Turn:
        """Record words the interviewer produced, with who produced them and the call's metadata."""
        meta = dict(getattr(self.interviewer, "last_meta", None) or {})
        return self._say(kind, text, source=self.interviewer.name, meta=meta, **kwargs)

    def _retract(self) -> None:
        retract = getattr(self.channel, "retract", None)
        if retract is not None:
            retract()

    # contexts ----------------------------------------------------------------------------------

    def _round_ctx(self, candidate_question: str | None = None) -> RoundContext:
        round_ = self.loop.round(self.state.round_id or "")
        return RoundContext(
            loop=self.loop,
            round=round_,
            candidate=self.session.candidate,
            questions_in_round=len(self.state.planned_questions),
            controls=getattr(self.channel, "controls", TYPED_CONTROLS),  # a channel with buttons says so
            candidate_question=candidate_question,
            on_partial=self.channel.partial,
            on_retract=self._retract,
            style=self.style,
            level=self.session.plan.level,
        )

    def _question_ctx(self) -> QuestionContext:
        state = self.state
        planned = state.planned_questions[state.question_index]
        question = self.bank.question(planned.question_id)
        current = state.current
        answers = list(current.answers) if current else []
        key = (question.id, len(answers))
        if key not in self._covered_cache:
            self._covered_cache[key] = self.coverage(question, answers) if answers else {}
        transcript = [
            (t.speaker.value, t.text)
            for t in self.session.turns
            if t.question_id == question.id and t.round_id == state.round_id
        ]
        return QuestionContext(
            loop=self.loop,
            round=self.loop.round(state.round_id or ""),
            question=question,
            answers=answers,
            covered=self._covered_cache[key],
            probed=list(current.probed) if current else [],
            follow_ups_asked=current.follow_ups if current else 0,
            max_follow_ups=self.max_follow_ups,
            seconds_left=state.seconds_left_on_question if current else planned.minutes * 60,
            question_number=state.question_index + 1,
            questions_in_round=len(state.planned_questions),
            transcript=transcript,
            on_partial=self.channel.partial,
            on_retract=self._retract,
            code=self._code_status(question) if is_coding(question) else None,
            style=self.style,
            level=self.session.plan.level,
        )

    def _code_status(self, question: Question) -> CodeStatus:
        """Where the code of the question in progress stands, from the turns recorded on it."""
        round_id = self.state.round_id
        on_question = [t for t in self.session.turns if t.question_id == question.id and t.round_id == round_id]
        code = code_turns(on_question, question.id)
        submitted = [t for t in code if t.meta.get("action") == SUBMIT]
        last_said = max((t.index for t in on_question if t.speaker is Speaker.INTERVIEWER), default=-1)
        interviewer_meta = [t.meta for t in on_question if t.speaker is Speaker.INTERVIEWER]
        space = self.coding.workspace(question, self.session.turns)
        result = submitted[-1].meta.get("result") if submitted else None
        return CodeStatus(
            lang=space.lang,
            code=code[-1].text if code else None,
            runs=len(code) - len(submitted),
            submissions=len(submitted),
            just_submitted=any(t.index > last_said for t in submitted),
            last_submission=result if isinstance(result, dict) else None,
            prompted=any(m.get("code_prompt") for m in interviewer_meta),
            fix_asked=any(m.get("fix_request") for m in interviewer_meta),
            drafting=space.code is not None,
            kept_going=sum(1 for m in interviewer_meta if m.get("keep_coding")),
        )

    # the loop ----------------------------------------------------------------------------------

    def run(self) -> SessionStatus:
        """Run until the session ends, the input ends, or the candidate quits. Returns the status."""
        self._announce_resume()
        self.store.set_status(self.session.id, SessionStatus.IN_PROGRESS)
        try:
            while not self.state.done:
                if not self._step():
                    return self._stop(SessionStatus.UNFINISHED)
        except KeyboardInterrupt:  # saved quietly: the caller says once how to resume
            self.session.status = SessionStatus.UNFINISHED
            self.store.set_status(self.session.id, SessionStatus.UNFINISHED)
            raise
        return self._stop(SessionStatus.COMPLETED)

    def _stop(self, status: SessionStatus) -> SessionStatus:
        self.session.status = status
        self.store.set_status(self.session.id, status)
        if status is SessionStatus.UNFINISHED and not self.quiet:
            self.channel.info(
                f"Session {self.session.id} is saved as unfinished. "
                f"Continue it with: mockinterviewer resume {self.session.id}"
            )
        return status

    def _announce_resume(self) -> None:
        if not self.session.turns or self.quiet:
            return
        self.channel.info(f"Resuming session {self.session.id} where it stopped.")
        if self.state.step in (Step.LISTEN_ANSWER, Step.LISTEN_CANDIDATE_QUESTION):
            last = next(
                (t for t in reversed(self.session.turns) if t.speaker is Speaker.INTERVIEWER), None
            )
            if last is not None:
                self.channel.say(last.text, kind=last.kind.value)

    def _step(self) -> bool:
        """Take one step; False when the session must stop (input ended or /quit)."""
        step = self.state.step
        if step is Step.OPEN_ROUND:
            self._say_from_interviewer(TurnKind.OPENING, self.interviewer.opening(self._round_ctx()))
        elif step is Step.ASK_QUESTION:
            ctx = self._question_ctx()
            self._say_from_interviewer(TurnKind.QUESTION, self._ask_text(ctx), question_id=ctx.question.id)
        elif step is Step.LISTEN_ANSWER:
            return self._listen_answer()
        elif step is Step.DECIDE:
            self._decide()
        elif step is Step.INVITE_QUESTIONS:
            self._say_from_interviewer(TurnKind.INVITE_QUESTIONS, self.interviewer.invite_questions(self._round_ctx()))
        elif step is Step.LISTEN_CANDIDATE_QUESTION:
            return self._listen_candidate_question()
        elif step is Step.REPLY:
            asked = next(t.text for t in reversed(self.session.turns) if t.kind is TurnKind.CANDIDATE_QUESTION)
            self._say_from_interviewer(TurnKind.REPLY, self.interviewer.reply(self._round_ctx(asked)))
        elif step is Step.CLOSE_ROUND:
            self._say_from_interviewer(TurnKind.CLOSING, self.interviewer.closing(self._round_ctx()))
        return True

    def _ask_text(self, ctx: QuestionContext) -> str:
        text = self.interviewer.ask(ctx)
        # The planned question must be asked as written, whoever phrases the lead-in.
        text = text if ctx.question.prompt in text else self.scripted.ask(ctx)
        if is_coding(ctx.question):  # the statement comes with the signature and how to code
            text += "\n\n" + self.coding.brief(ctx.question, self.session.turns)
        return text

    def _read(self, vocabulary: str = "") -> tuple[Reply | None, Command | None]:
        """Next reply from the channel, handling /repeat, /time and /help here."""
        while True:
            reply = self.channel.listen(vocabulary=vocabulary)
            if reply is None:
                return None, None
            command = parse_command(reply.text)
            if command is Command.REPEAT:
                self.channel.say(self.state.last_prompt or "There is no question to repeat yet.", kind="repeat")
            elif command is Command.TIME:
                self.channel.info(time_left(self.loop, self.state))
            elif command is Command.HELP:
                self.channel.info(HELP)
                question = self._current_question()
                if question is not None and is_coding(question):
                    self.channel.info(CODE_HELP)
            else:
                return reply, command

    def _current_question(self) -> Question | None:
        current = self.state.current
        return self.bank.question(current.question_id) if current is not None else None

    def _listen_answer(self) -> bool:
        current = self.state.current
        assert current is not None
        question = self.bank.question(current.question_id)
        while True:
            reply, command = self._read(question_vocabulary(question))
            if reply is None or command is Command.QUIT:
                return False
            if command is Command.SKIP:
                self._record(Speaker.CANDIDATE, TurnKind.SKIP, "/skip", question_id=question.id,
                             source=reply.source)
                return True
            if is_coding(question):
                submitted, rest = self._coding_reply(question, reply)
                if rest is None:
                    if submitted:
                        return True  # the interviewer responds to the submission
                    continue
                reply = rest
            elif parse_code_command(reply.text) is not None:
                self.channel.info(NOT_CODING)
                continue
            cleaned = clean_answer(reply.text)
            if cleaned.problem:
                self.channel.info(cleaned.problem)
                continue
            meta = dict(reply.meta)
            if cleaned.truncated_from:
                meta["truncated_from_chars"] = cleaned.truncated_from
                self.channel.info(
                    f"Your answer was {cleaned.truncated_from:,} characters; the first "
                    f"{len(cleaned.text):,} are kept."
                )
            if reply.audio:
                path = self.store.save_audio(self.session.id, self.state.turns, reply.audio,
                                             reply.audio_format or "bin")
                meta["audio"] = str(path)
            self._record(Speaker.CANDIDATE, TurnKind.ANSWER, cleaned.text, question_id=question.id,
                         seconds=reply.seconds, source=reply.source, meta=meta)
            return True

    @staticmethod
    def _keep_coding(ctx: QuestionContext) -> Move | None:
        """Past the follow-up limit a candidate still writing code is let finish (a few turns), not moved on."""
        code = ctx.code
        if code is None or not code.coding_on or code.kept_going >= MAX_KEEP_CODING:
            return None
        return Move(kind=MoveKind.FOLLOW_UP, text=KEEP_CODING, meta={"keep_coding": True})

    def _coding_reply(self, question: Question, reply: Reply) -> tuple[bool, Reply | None]:
        """Serve a code command or take pasted code: (a submission was recorded, the words left to answer with)."""

        def record(action: str, code: str, lang: str, result: dict[str, Any]) -> None:
            self._record(Speaker.CANDIDATE, TurnKind.CODE, code, question_id=question.id, seconds=reply.seconds,
                         source=reply.source, meta={"action": action, "lang": lang, "result": result})

        command = parse_code_command(reply.text)
        if command is not None:
            return self.coding.command(question, self.session.turns, command, record), None
        split = split_code(reply.text)
        if split.block is None:
            return False, reply
        submit = bool(reply.meta.get("submit_code"))
        submitted = self.coding.pasted(question, self.session.turns, split.block, record, submit=submit)
        if not split.prose:
            return submitted, None
        meta = {k: v for k, v in reply.meta.items() if k != "submit_code"}
        return submitted, Reply(text=split.prose, seconds=0.0 if submitted else reply.seconds, source=reply.source,
                                meta=meta)

    def _decide(self) -> None:
        ctx = self._question_ctx()
        current = self.state.current
        assert current is not None
        started = time.perf_counter()
        # a submission is always answered (complexity, failing cases), whatever the follow-up count
        just_submitted = ctx.code is not None and ctx.code.just_submitted
        if current.skipped:
            move = Move(kind=MoveKind.MOVE_ON, text=f"{self.style.skipped} {self.scripted.move_on(ctx).text}")
        elif just_submitted:
            move = self.interviewer.after_answer(ctx)
        elif self._ran_past_time_box(ctx):
            follow_up = ctx.seconds_left > 0 and ctx.follow_ups_asked < ctx.max_follow_ups
            move = self.scripted.cut_short(ctx, follow_up=follow_up)
        elif ctx.seconds_left <= 0:
            move = Move(kind=MoveKind.MOVE_ON, text=self.style.at_time)
        elif ctx.follow_ups_asked >= ctx.max_follow_ups:
            move = self._keep_coding(ctx) or self.scripted.move_on(ctx)
        else:
            move = self.interviewer.after_answer(ctx)
            if move.kind is MoveKind.FOLLOW_UP and ctx.follow_ups_asked >= ctx.max_follow_ups:
                move = self.scripted.move_on(ctx)
        meta = dict(move.meta)
        meta.setdefault("decide_ms", round((time.perf_counter() - started) * 1000, 3))
        meta["covered"] = sorted(ctx.covered)
        if move.kind is MoveKind.FOLLOW_UP:
            self._say(TurnKind.FOLLOW_UP, move.text, question_id=ctx.question.id, probes=move.probes,
                      source=move.source, meta=meta)
        else:  # move on, wrap up, or a stray "ask": leave the question
            self._say(TurnKind.MOVE_ON, move.text, question_id=ctx.question.id, source=move.source, meta=meta)

    def _ran_past_time_box(self, ctx: QuestionContext) -> bool:
        """In a style that cuts long answers, whether the latest answer ran past its time box (a coding
        question's answers run alongside the code, so they are never cut)."""
        current = self.state.current
        if not self.style.cut_long_answers or current is None or ctx.code is not None:
            return False
        latest = next((t for t in reversed(self.session.turns) if t.kind is TurnKind.ANSWER
                       and t.question_id == current.question_id), None)
        return latest is not None and latest.seconds > self.style.answer_time_box(current.minutes)

    def _listen_candidate_question(self) -> bool:
        while True:
            reply, command = self._read()
            if reply is None or command is Command.QUIT:
                return False
            if command is Command.SKIP:
                reply = Reply(text="no questions", source=reply.source)
            cleaned = clean_answer(reply.text)
            if cleaned.problem and cleaned.text == "" and reply.text.strip():
                self.channel.info(cleaned.problem)
                continue
            text = cleaned.text or "no questions"
            self._record(Speaker.CANDIDATE, TurnKind.CANDIDATE_QUESTION, text, source=reply.source,
                         seconds=reply.seconds, meta={"declined": is_decline(text)})
            return True
