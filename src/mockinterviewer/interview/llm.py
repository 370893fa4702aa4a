"""The LLM interviewer: a persona per round, structured moves, streamed words, never a crash.

Each method formats a prompt file (prompts/interviewer_*.txt) with the round's persona (the loop
round's `interviewer`, `focus` and the loop's `values`), streams the model's words to
`ctx.on_partial` through a leak guard (`leak_guard`), validates the result, and returns it.
`after_answer` asks for a JSON move (`{"kind", "probes", "say"}`) and streams only its "say".

Failure handling, per turn: transport failures are retried by the caller's policy; unusable
output is asked again once; an utterance that leaks the hidden rubric is regenerated once.
When that is not enough the offline `ScriptedInterviewer` takes the turn and the result is
labelled: `Move.source == "scripted-fallback"` with `meta["error_kind"]`. For the methods that
return plain text, the label and the call's metadata are in `last_source` / `last_meta` after
each call. Metadata always has "latency_ms", "input_tokens", "output_tokens" and "model".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage
from pydantic import BaseModel, Field

from mockinterviewer.bank.schema import Loop, Question, Round
from mockinterviewer.interview.interviewer import Interviewer, Move, MoveKind, QuestionContext, RoundContext
from mockinterviewer.interview.leak_guard import LeakDetector, Leaked, LeakGuardSink, tokens
from mockinterviewer.interview.live_coding import outcome_line
from mockinterviewer.interview.styles import Style, get_style
from mockinterviewer.interview.utterance import Display, check_spoken, clean_utterance, instruction_grams
from mockinterviewer.providers.call import ChatCaller, ModelCallError, PassThrough, Sink
from mockinterviewer.providers.prompts import chat_prompt, delimit, prompt_text
from mockinterviewer.providers.retry import BadOutput, RetryPolicy
from mockinterviewer.providers.secrets import scrub
from mockinterviewer.providers.structured import JsonMode, JsonStringField, parse_json, response_format_params

LLM = "llm"
FALLBACK = "scripted-fallback"
_META_KEYS = ("latency_ms", "input_tokens", "output_tokens", "model")


class MoveOut(BaseModel):
    """The JSON a model returns for `after_answer`."""

    kind: Literal["follow_up", "move_on", "wrap_up"]
    probes: list[str] = Field(default_factory=list)
    say: str


def persona(loop: Loop, round_: Round, style: Style | None = None, level: str | None = None) -> dict[str, str]:
    """The prompt variables of the round's interviewer: who, for what role and level, and in which style."""
    values = [v for v in loop.values if v.id in round_.values]
    lines = "\n".join(f"- {v.name}: {v.description}" for v in values) or "- (none listed)"
    return {
        "interviewer": round_.interviewer,
        "style": (style or get_style(None)).manner,
        "role": loop.role,
        "level": level or loop.level,
        "company": loop.employer,
        "round_name": round_.name,
        "focus": round_.focus,
        "values": lines,
    }


def conversation(ctx: QuestionContext) -> str:
    turns = ctx.transcript or [("interviewer", ctx.question.prompt), *(("candidate", a) for a in ctx.answers)]
    lines = []
    for speaker, text in turns:
        if speaker == "candidate":
            lines.append("Candidate:\n" + delimit(text[:6000], "candidate"))
        else:
            lines.append(f"Interviewer: {text}")
    return "\n".join(lines)


def code_section(ctx: QuestionContext) -> str:
    """What the model knows of a coding question's code: the latest version and its hidden-test results."""
    code = ctx.code
    if code is None:
        return "This question is talked through, not coded."
    if code.code is None:
        return ("This is a coding question; the candidate has not run or submitted code yet. If they have explained "
                "their approach, ask them to write it (/code opens an editor, /run tries the examples, /submit runs "
                "the hidden tests).")
    lines = [f"The candidate's latest {code.lang} code ({code.runs} run(s), {code.submissions} submission(s)):",
             delimit(code.code, "code")]
    result = code.last_submission
    if result:
        lines.append(f"Latest submission: {result.get('passed', 0)} of {result.get('total', 0)} hidden tests passed.")
        if result.get("error"):
            lines.append(f"It did not run: {str(result['error'])[:300]}")
        lines += [f"- failed: {outcome_line(t)}" for t in code.failing[:5]]
    if code.just_submitted:
        lines.append("They just submitted: reply with a follow_up that asks for the time and space complexity and "
                     "about the cases that failed or that the code does not handle (probe the complexity criterion).")
    elif code.failing and not code.fix_asked:
        lines.append("Hidden tests still fail: you may ask for a fix (change the code and /submit again).")
    return "\n".join(lines)


def _default_fallback() -> Interviewer:
    from mockinterviewer.interview.scripted import ScriptedInterviewer

    return ScriptedInterviewer()


class LLMInterviewer:
    """Interviewer protocol over a chat model (see the module doc)."""

    @property
    def name(self) -> str:
        """"llm", or "scripted-fallback" right after a method fell back: an orchestrator that reads
        `name` after each call as the turn's source labels fallback turns correctly."""
        return self.last_source

    def __init__(
        self,
        caller: ChatCaller,
        *,
        fallback: Interviewer | None = None,
        prompts_dir: Path | None = None,
        json_mode: JsonMode = "prompt",
        max_tokens: int = 300,
    ) -> None:
        self.caller = caller
        self.fallback = fallback or _default_fallback()
        self.prompts_dir = prompts_dir
        self.json_mode = json_mode
        self.max_tokens = max_tokens
        self.last_source: str = LLM
        self.last_meta: dict[str, Any] = {}
        self._detectors: dict[str, LeakDetector] = {}
        self._instructions: set[tuple[str, ...]] | None = None

    @classmethod
    def from_chat_model(
        cls,
        chat_model: BaseChatModel,
        *,
        model_name: str = "model",
        policy: RetryPolicy | None = None,
        **kwargs: Any,
    ) -> LLMInterviewer:
        return cls(ChatCaller(chat_model, model_name=model_name, policy=policy), **kwargs)

    # helpers -----------------------------------------------------------------------------------

    def detector(self, question: Question) -> LeakDetector:
        if question.id not in self._detectors:
            self._detectors[question.id] = LeakDetector(question)
        return self._detectors[question.id]

    def instructions(self) -> set[tuple[str, ...]]:
        """Word runs of the system prompt's rules, which an utterance must never recite."""
        if self._instructions is None:
            self._instructions = instruction_grams(prompt_text("interviewer_system", self.prompts_dir))
        return self._instructions

    def _check_spoken(self, text: str) -> None:
        check_spoken(text, self.instructions())

    def _messages(self, human: str, variables: dict[str, Any]) -> list[BaseMessage]:
        return chat_prompt("interviewer_system", human, self.prompts_dir).format_messages(**variables)

    def _record(self, source: str, meta: dict[str, Any]) -> dict[str, Any]:
        full = {key: meta.get(key) for key in _META_KEYS}
        full["model"] = full["model"] or self.caller.model_name
        full.update({k: v for k, v in meta.items() if k not in full})
        self.last_source, self.last_meta = source, full
        return full

    def _fallback_meta(self, exc: BaseException) -> dict[str, Any]:
        if isinstance(exc, ModelCallError):
            meta = dict(exc.meta)
            meta.setdefault("error_kind", exc.kind)
        elif isinstance(exc, Leaked):
            meta = {"error_kind": "leak", "error": "the model's words revealed the hidden rubric twice"}
        else:  # a bug or a missing prompt file must not end the interview either
            meta = {"error_kind": "internal", "error": scrub(f"{type(exc).__name__}: {exc}")[:300]}
        meta["fallback"] = True
        return meta

    def _generate(
        self,
        human: str,
        variables: dict[str, Any],
        *,
        validate: Callable[[str], Any],
        display: Display,
        sink_factory: Callable[[], Sink] = PassThrough,
        max_tokens: int,
        params: dict[str, Any] | None = None,
    ) -> tuple[Any, dict[str, Any]]:
        """Call the model; regenerate once if the words leak. Raises ModelCallError or Leaked."""
        messages = self._messages(human, variables)
        call_params = {"max_tokens": min(max_tokens, self.max_tokens), **(params or {})}
        regenerated = False
        while True:
            try:
                result = self.caller.call(
                    messages,
                    params=call_params,
                    validate=validate,
                    sink_factory=sink_factory,
                    on_partial=display.partial,
                    on_reset=display.reset,
                )
                meta = dict(result.meta)
                if regenerated:
                    meta["regenerated"] = "leak"
                return result.value, meta
            except Leaked as leak:
                display.reset()
                if regenerated:
                    raise
                regenerated = True
                messages = [
                    *messages,
                    HumanMessage(
                        f"Your reply used hidden rubric wording ({leak.phrase!r}). Say it again in other "
                        "words, without hinting at what a strong answer contains."
                    ),
                ]

    def _say(
        self,
        human: str,
        variables: dict[str, Any],
        *,
        on_partial: Callable[[str], None] | None,
        on_retract: Callable[[], None] | None,
        fallback: Callable[[], str],
        max_words: int,
        max_tokens: int,
        detector: LeakDetector | None = None,
        also_allowed: Sequence[str] = (),
        extra_check: Callable[[str], None] | None = None,
        suffix: str = "",
    ) -> str:
        display = Display(on_partial, on_retract)

        def validate(raw: str) -> str:
            text = clean_utterance(raw, max_words=max_words, instructions=self.instructions())
            if extra_check is not None:
                extra_check(text)
            if detector is not None:
                phrase = detector.find(text, also_allowed=also_allowed)
                if phrase is not None:
                    raise Leaked(phrase)
            return text

        def sink() -> Sink:
            return LeakGuardSink(detector, also_allowed=also_allowed, check=self._check_spoken)

        try:
            text, meta = self._generate(
                human, variables, validate=validate, display=display, sink_factory=sink, max_tokens=max_tokens
            )
        except Exception as exc:
            self._record(FALLBACK, self._fallback_meta(exc))
            words = fallback()
            display.finish(words)
            return words
        final = text + suffix
        display.finish(final)
        self._record(LLM, meta)
        return final

    # the protocol ------------------------------------------------------------------------------

    def opening(self, ctx: RoundContext) -> str:
        variables = {
            **persona(ctx.loop, ctx.round, ctx.style, ctx.level),
            "candidate": ctx.candidate,
            "minutes": ctx.round.duration_minutes,
            "questions": ctx.questions_in_round,
        }
        return self._say(
            "interviewer_opening", variables, on_partial=ctx.on_partial, on_retract=ctx.on_retract,
            fallback=lambda: self.fallback.opening(ctx), max_words=90, max_tokens=160,
        )

    def ask(self, ctx: QuestionContext) -> str:
        prompt_words = tokens(ctx.question.prompt)
        prompt_grams = {tuple(prompt_words[i : i + 5]) for i in range(len(prompt_words) - 4)}

        def not_restated(text: str) -> None:
            words = tokens(text)
            if any(tuple(words[i : i + 5]) in prompt_grams for i in range(len(words) - 4)):
                raise BadOutput("the lead-in restates the question; write only a lead-in sentence")

        number = ctx.question_number
        variables = {
            **persona(ctx.loop, ctx.round, ctx.style, ctx.level),
            "number": number,
            "total": ctx.questions_in_round,
            "question": ctx.question.prompt,
            "transition": " as the first question" if number == 1 else " from the previous question",
        }
        return self._say(
            "interviewer_ask", variables, on_partial=ctx.on_partial, on_retract=ctx.on_retract,
            fallback=lambda: self.fallback.ask(ctx), max_words=30, max_tokens=60,
            detector=self.detector(ctx.question), extra_check=not_restated, suffix=" " + ctx.question.prompt,
        )

    def after_answer(self, ctx: QuestionContext) -> Move:
        question = ctx.question
        ids = [c.id for c in question.rubric.criteria]
        just_submitted = ctx.code is not None and ctx.code.just_submitted
        can_follow = (ctx.follow_ups_asked < ctx.max_follow_ups and ctx.seconds_left > 0) or just_submitted
        kinds = ["follow_up"] if can_follow else []
        kinds += ["move_on"] if ctx.seconds_left > 0 else ["move_on", "wrap_up"]
        variables = {
            **persona(ctx.loop, ctx.round, ctx.style, ctx.level),
            "question": question.prompt,
            "criteria": "\n".join(f"- {c.id}: {c.name}. {c.description}" for c in question.rubric.criteria),
            "covered": ", ".join(sorted(ctx.covered)) or "none yet",
            "probed": ", ".join(ctx.probed) or "none",
            "follow_ups_asked": ctx.follow_ups_asked,
            "max_follow_ups": ctx.max_follow_ups,
            "minutes_left": max(0, round(ctx.seconds_left / 60, 1)),
            "number": ctx.question_number,
            "total": ctx.questions_in_round,
            "conversation": conversation(ctx),
            "code": code_section(ctx),
            "kinds": " | ".join(f'"{k}"' for k in kinds),
            "criterion_ids": ", ".join(ids),
        }
        schema = {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": kinds},
                "probes": {"type": "array", "items": {"type": "string", "enum": ids}},
                "say": {"type": "string"},
            },
            "required": ["kind", "probes", "say"],
            "additionalProperties": False,
        }
        detector = self.detector(question)
        display = Display(ctx.on_partial, ctx.on_retract)

        def validate(raw: str) -> Move:
            out = parse_json(raw, MoveOut)
            if out.kind not in kinds:
                raise BadOutput(f"kind must be one of {kinds}, got {out.kind!r}")
            unknown = [p for p in out.probes if p not in ids]
            if unknown:
                raise BadOutput(f"unknown criterion ids in probes: {unknown}; valid ids: {ids}")
            if out.kind == "follow_up" and not out.probes:
                raise BadOutput("a follow_up must name the criterion it probes in 'probes'")
            text = clean_utterance(out.say, max_words=70, instructions=self.instructions())
            phrase = detector.find(text, also_allowed=ctx.answers)
            if phrase is not None:
                raise Leaked(phrase)
            probes = list(dict.fromkeys(out.probes)) if out.kind == "follow_up" else []
            return Move(kind=MoveKind(out.kind), text=text, probes=probes, source=LLM)

        def sink() -> Sink:
            return LeakGuardSink(
                detector, inner=JsonStringField("say"), also_allowed=ctx.answers, check=self._check_spoken
            )

        try:
            move, meta = self._generate(
                "interviewer_after_answer",
                variables,
                validate=validate,
                display=display,
                sink_factory=sink,
                max_tokens=self.max_tokens,
                params=response_format_params(self.json_mode, "interviewer_move", schema),
            )
        except Exception as exc:
            meta = self._record(FALLBACK, self._fallback_meta(exc))
            move = self.fallback.after_answer(ctx)
            display.finish(move.text)
            return move.model_copy(update={"source": FALLBACK, "meta": {**move.meta, **meta}})
        display.finish(move.text)
        return move.model_copy(update={"meta": self._record(LLM, meta)})

    def invite_questions(self, ctx: RoundContext) -> str:
        variables = {**persona(ctx.loop, ctx.round, ctx.style, ctx.level), "candidate": ctx.candidate}
        return self._say(
            "interviewer_invite", variables, on_partial=ctx.on_partial, on_retract=ctx.on_retract,
            fallback=lambda: self.fallback.invite_questions(ctx), max_words=60, max_tokens=100,
        )

    def reply(self, ctx: RoundContext) -> str:
        variables = {
            **persona(ctx.loop, ctx.round, ctx.style, ctx.level),
            "candidate_question": delimit((ctx.candidate_question or "")[:2000], "candidate"),
        }
        return self._say(
            "interviewer_reply", variables, on_partial=ctx.on_partial, on_retract=ctx.on_retract,
            fallback=lambda: self.fallback.reply(ctx), max_words=110, max_tokens=200,
        )

    def closing(self, ctx: RoundContext) -> str:
        variables = {**persona(ctx.loop, ctx.round, ctx.style, ctx.level), "candidate": ctx.candidate}
        return self._say(
            "interviewer_closing", variables, on_partial=ctx.on_partial, on_retract=ctx.on_retract,
            fallback=lambda: self.fallback.closing(ctx), max_words=70, max_tokens=120,
        )
