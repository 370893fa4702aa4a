"""The LLM judge: one structured call per rubric criterion, every output checked before it counts.

For each criterion the model returns `{"score", "evidence", "rationale"}` (prompts/grader_*.txt,
temperature 0). A reply is rejected when its score is not a whole number in 0..scale_max, when a
quote is not verbatim in the candidate's words (after normalising whitespace and case only), when
a quote is shorter than two words, or when a score above 0 has no quote. A rejected criterion is
asked again once with the reason; if that fails too, or the server fails (after the retry policy),
the offline `RubricGrader` grades that criterion and it is marked `grader="rubric-fallback"`.
With `samples > 1` each criterion is judged that many times and the median (low) score is kept.

No inflated grades: the offline quality checks run first. An answer they flag with no offline
credit at all (empty, gibberish, off-topic, only an injection) gets the offline grade as it is
(`grader="rubric"`) without asking the model; sentences that try to instruct the grader or ask
for the answer are removed before the model sees it (`feedback.judge_text`, the same sentences the
offline grader drops); and when the offline checks flag the answer at all (no_answer, gibberish,
off_topic, injection) no criterion may score above its offline score.

Each judged criterion (or its offline fallback) becomes a `CriterionFinding`, carrying the clauses
the offline matcher found arguing against it; `feedback.question_grade` words the grade, exactly as
for the offline grader.

`QuestionGrade.grader` is "llm" (every criterion by the model), "mixed" (some fell back), or
"rubric-fallback" (all fell back); each CriterionGrade says which grader produced it.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from mockinterviewer.bank.schema import Criterion, Question
from mockinterviewer.grading import feedback, quality, red_flags
from mockinterviewer.grading.base import Grader
from mockinterviewer.grading.findings import CriterionFinding
from mockinterviewer.grading.text import says_i
from mockinterviewer.providers.call import ChatCaller, ModelCallError
from mockinterviewer.providers.prompts import chat_prompt, delimit
from mockinterviewer.providers.retry import BadOutput, RetryPolicy
from mockinterviewer.providers.structured import JsonMode, parse_json, response_format_params
from mockinterviewer.transcript import QuestionGrade

LLM = "llm"
FALLBACK = "rubric-fallback"
MIXED = "mixed"
CAPPING_FLAGS = frozenset({quality.NO_ANSWER, quality.GIBBERISH, quality.OFF_TOPIC, quality.INJECTION})
OWN_PART_CAP = 1.0  # an own-part criterion whose quotes never say "I" (issue 14), as in the offline grader


class CriterionOut(BaseModel):
    """The JSON the model returns for one criterion."""

    score: float
    evidence: list[str] = Field(default_factory=list)
    rationale: str = ""


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def check_judgement(out: CriterionOut, *, scale_max: int, answer: str) -> CriterionOut:
    """`out` with tidy quotes, or BadOutput saying what is wrong with it."""
    if not 0 <= out.score <= scale_max:
        raise BadOutput(f"score {out.score:g} is outside 0..{scale_max}")
    if out.score != int(out.score):
        raise BadOutput(f"score {out.score:g} is not a whole number")
    haystack = normalise(answer)
    quotes: list[str] = []
    for quote in out.evidence:
        text = " ".join(quote.split())
        if len(text.split()) < 2:
            raise BadOutput(f"evidence {quote!r} is too short to be a quote (two words at least)")
        if normalise(text) not in haystack:
            raise BadOutput(f"evidence {quote[:80]!r} is not a verbatim quote from the answer")
        if text not in quotes:
            quotes.append(text)
    if out.score > 0 and not quotes:
        raise BadOutput("a score above 0 needs at least one verbatim quote as evidence")
    rationale = " ".join(out.rationale.split())[:600] or "(no rationale given)"
    return CriterionOut(score=float(int(out.score)), evidence=quotes[:3], rationale=rationale)


def _default_fallback() -> Grader:
    from mockinterviewer.grading.rubric import RubricGrader

    return RubricGrader()


class LLMGrader:
    """Grader protocol over a chat model (see the module doc)."""

    name = LLM

    def __init__(
        self,
        caller: ChatCaller,
        *,
        fallback: Grader | None = None,
        samples: int = 1,
        prompts_dir: Path | None = None,
        json_mode: JsonMode = "prompt",
        max_tokens: int = 300,
    ) -> None:
        self.caller = caller
        self.fallback = fallback or _default_fallback()
        self.samples = max(1, samples)
        self.prompts_dir = prompts_dir
        self.json_mode = json_mode
        self.max_tokens = max_tokens
        self.last_meta: dict[str, dict[str, Any]] = {}  # criterion id -> call metadata, last grade()

    @classmethod
    def from_chat_model(
        cls, chat_model: BaseChatModel, *, model_name: str = "model", policy: RetryPolicy | None = None, **kw: Any
    ) -> LLMGrader:
        return cls(ChatCaller(chat_model, model_name=model_name, policy=policy), **kw)

    # one criterion -----------------------------------------------------------------------------

    def _schema(self, scale_max: int) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "score": {"type": "integer", "minimum": 0, "maximum": scale_max},
                "evidence": {"type": "array", "items": {"type": "string"}},
                "rationale": {"type": "string"},
            },
            "required": ["score", "evidence", "rationale"],
            "additionalProperties": False,
        }

    def judge(self, question: Question, criterion: Criterion, answer: str) -> tuple[CriterionOut, dict[str, Any]]:
        """One sample for one criterion; ModelCallError when no valid judgement came back."""
        scale_max = question.rubric.scale_max
        messages = chat_prompt("grader_system", "grader_criterion", self.prompts_dir).format_messages(
            question=question.prompt,
            name=criterion.name,
            description=criterion.description,
            scale_max=scale_max,
            anchors="\n".join(f"{level}: {text}" for level, text in sorted(criterion.anchors.items())),
            signals="; ".join(criterion.signals),
            answer=delimit(answer, "answer"),
        )
        params = {
            "temperature": 0,
            "max_tokens": self.max_tokens,
            **response_format_params(self.json_mode, "criterion_grade", self._schema(scale_max)),
        }

        def validate(raw: str) -> CriterionOut:
            return check_judgement(parse_json(raw, CriterionOut), scale_max=scale_max, answer=answer)

        result = self.caller.call(messages, params=params, validate=validate)
        return result.value, result.meta

    def _criterion(self, question: Question, criterion: Criterion, answer: str) -> tuple[CriterionOut | None, dict]:
        outs: list[CriterionOut] = []
        metas: list[dict[str, Any]] = []
        for _ in range(self.samples):
            try:
                out, meta = self.judge(question, criterion, answer)
            except ModelCallError as exc:
                metas.append({**exc.meta, "error_kind": exc.kind})
                continue
            outs.append(out)
            metas.append(meta)
        meta = {
            "model": self.caller.model_name,
            "latency_ms": round(sum(m.get("latency_ms") or 0 for m in metas), 1),
            "input_tokens": sum(m.get("input_tokens") or 0 for m in metas),
            "output_tokens": sum(m.get("output_tokens") or 0 for m in metas),
            "samples": len(outs),
        }
        errors = [m for m in metas if "error_kind" in m]
        if errors:
            meta["error_kind"] = errors[-1]["error_kind"]
            meta["error"] = errors[-1].get("error", "")
        if not outs:
            return None, meta
        median = statistics.median_low(o.score for o in outs)
        chosen = next(o for o in outs if o.score == median)
        if len(outs) > 1:
            meta["sample_scores"] = [o.score for o in outs]
        return chosen, meta

    # the protocol ------------------------------------------------------------------------------

    def grade(self, question: Question, answers: list[str], *, round_id: str | None = None) -> QuestionGrade:
        offline = self.fallback.grade(question, answers, round_id=round_id)
        self.last_meta = {}
        flagged = sorted(CAPPING_FLAGS.intersection(offline.flags))
        if not offline.gradable or (flagged and all(c.score == 0 for c in offline.criteria)):
            # Nothing a model could add: the cap would hold every criterion at 0 anyway.
            return offline
        visible = feedback.judge_text(answers)
        if not visible.strip():
            return offline
        offline_by_id = {c.id: c for c in offline.criteria}
        scale_max = question.rubric.scale_max
        findings: list[CriterionFinding] = []
        for criterion in question.rubric.criteria:
            out, meta = self._criterion(question, criterion, visible)
            self.last_meta[criterion.id] = meta
            base = offline_by_id[criterion.id]
            if out is None:
                reason = meta.get("error", meta.get("error_kind", "no usable reply"))
                note = f"Offline rubric grade (the LLM's grade was rejected: {reason})."
                findings.append(feedback.finding_from_grade(question, base, grader=FALLBACK, notes=(note,)))
                continue
            score, notes = out.score, []
            if criterion.own_part and score > OWN_PART_CAP and not any(says_i(q) for q in out.evidence):
                score = OWN_PART_CAP
                notes.append('Told only as "we": your own part is not clear, so it stays at level 1 at most.')
            if flagged and score > base.score:
                score = base.score
                notes.append(
                    f"Capped at the offline grade ({base.score:g}/{scale_max}) because the answer was "
                    f"flagged: {', '.join(flagged)}."
                )
            findings.append(
                CriterionFinding(
                    criterion_id=criterion.id,
                    score=score,
                    quotes=tuple(out.evidence),
                    problems=tuple(base.problems),  # what the offline checks found to argue against it
                    notes=tuple(notes),
                    rationale=out.rationale,
                    grader=LLM,
                )
            )
        fell_back = sum(f.grader == FALLBACK for f in findings)
        label = LLM if not fell_back else (FALLBACK if fell_back == len(findings) else MIXED)
        remarks = [f"Graded per criterion by the LLM judge ({self.caller.model_name})."]
        if fell_back:
            remarks.append(
                f"{fell_back} of {len(findings)} criteria were graded by the offline rubric grader "
                "because the model's grade was rejected or the model failed."
            )
        if flagged:
            remarks.append(
                f"The answer was flagged ({', '.join(flagged)}): no criterion scores above its offline grade."
            )
        return feedback.question_grade(
            question,
            findings,
            answer=offline.answer,
            round_id=offline.round_id,
            flags=offline.flags,
            red_flags=red_flags.detect(question, answers),
            grader=label,
            remarks=remarks,
        )
