"""The records every layer shares: a session's turns and the grades of its answers.

Plain pydantic data with no behaviour that needs the interview, the grader or the database, so
the store can persist them and the report can render them without importing either.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


def utcnow() -> datetime:
    return datetime.now(UTC)


def level_of(score: float) -> int:
    """The rubric level a criterion score shows: the nearest whole level, halves up (2.5 shows level 3).

    Level N covers scores from N - 0.5 up to (not including) N + 0.5; level 0 is exactly 0 points.
    """
    return max(0, math.floor(score + 0.5))


class Speaker(StrEnum):
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"


class TurnKind(StrEnum):
    OPENING = "opening"  # interviewer opens a round
    QUESTION = "question"  # interviewer asks a planned question
    FOLLOW_UP = "follow_up"  # interviewer probes the current question
    MOVE_ON = "move_on"  # interviewer acknowledges and leaves the current question
    INVITE_QUESTIONS = "invite_questions"  # interviewer asks for the candidate's questions
    REPLY = "reply"  # interviewer answers a candidate's question
    CLOSING = "closing"  # interviewer closes a round
    ANSWER = "answer"  # candidate answers the current question
    SKIP = "skip"  # candidate skips the current question
    CANDIDATE_QUESTION = "candidate_question"  # candidate asks, or declines to ask, at the end
    CODE = "code"  # candidate runs (/run) or submits (/submit) code: text is the code, meta the results


class Turn(BaseModel):
    """One utterance. `index` orders the turns of a session from 0."""

    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0)
    speaker: Speaker
    kind: TurnKind
    text: str
    round_id: str
    question_id: str | None = None
    probes: list[str] = Field(default_factory=list, description="Criterion ids a follow-up probes.")
    seconds: float = Field(default=0.0, ge=0, description="Time the turn took (answer time for the candidate).")
    source: str = Field(default="scripted", description="Who produced it: scripted, llm, typed, voice ...")
    meta: dict[str, Any] = Field(default_factory=dict, description="Latency, token usage, audio path ...")
    created_at: datetime = Field(default_factory=utcnow)


class SessionStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    UNFINISHED = "unfinished"
    COMPLETED = "completed"


class PlannedQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: str
    minutes: float = Field(gt=0, description="Time budget for this question, follow-ups included.")


class PlannedRound(BaseModel):
    model_config = ConfigDict(extra="forbid")

    round_id: str
    questions: list[PlannedQuestion]


class JobFit(BaseModel):
    """The job a session was fitted to (`interview --job`): what the opening names, and which of the
    job's requirements each planned question exercises (indexes into `requirements`)."""

    model_config = ConfigDict(extra="forbid")

    role: str
    team: str | None = None
    company: str | None = None
    source: str = Field(default="", description="The job description's file name.")
    requirements: list[str] = Field(default_factory=list)
    exercised: dict[str, list[int]] = Field(default_factory=dict)
    covered: bool = Field(default=True, description="False: the bank does not cover this job.")


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    loop_id: str
    seed: int
    rounds: list[PlannedRound]
    job: JobFit | None = None
    own_questions: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Questions made for this session from the résumé, as question-bank data (with their rubric).")
    level: str | None = Field(default=None, description="The level interviewed for (mid, senior, staff); None: "
                                                        "the loop's own level.")
    style: str | None = Field(default=None, description="The interviewer's style (warm, neutral, tough); None: "
                                                        "neutral.")

    def question_ids(self) -> list[str]:
        return [q.question_id for r in self.rounds for q in r.questions]


class Session(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    candidate: str
    loop_id: str
    plan: Plan
    status: SessionStatus = SessionStatus.IN_PROGRESS
    interviewer: str = "scripted"
    max_follow_ups: int = 2
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    turns: list[Turn] = Field(default_factory=list)


class CriterionGrade(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    score: float = Field(ge=0)
    max_score: float = Field(gt=0)
    weight: float = Field(gt=0)
    evidence: list[str] = Field(
        default_factory=list, description="Verbatim quotes from the candidate's own words."
    )
    rationale: str
    grader: str = Field(default="rubric", description="rubric, llm, or rubric-fallback (the LLM failed).")
    level: int = Field(
        default=0,
        ge=0,
        description="The rubric level shown (its anchor is the descriptor): the score is within that level's band, "
        "see `level_of`; level 0 means 0 points and no evidence. Derived from `score` when absent (older grades).",
    )
    problems: list[str] = Field(
        default_factory=list,
        description="Verbatim clauses of the candidate's words that argue against this criterion: never evidence.",
    )

    @model_validator(mode="before")
    @classmethod
    def _derive_level(cls, data: Any) -> Any:
        """Grades stored before `level` existed are read with today's rule (below half a level: 0, unquoted)."""
        if isinstance(data, dict) and data.get("level") is None and isinstance(data.get("score"), int | float):
            level = level_of(float(data["score"]))
            return {**data, "level": level} if level else {**data, "level": 0, "score": 0.0, "evidence": []}
        return data

    @model_validator(mode="after")
    def _level_agrees(self) -> CriterionGrade:
        if self.level != level_of(self.score):
            raise ValueError(f"criterion '{self.id}': score {self.score:g} is not within level {self.level}'s band")
        if self.level == 0 and (self.score or self.evidence):
            raise ValueError(f"criterion '{self.id}': level 0 means 0 points and no evidence")
        return self


class CodeReview(BaseModel):
    """The code a coding question was graded on: the final version and its hidden-test results."""

    model_config = ConfigDict(extra="forbid")

    lang: str
    code: str
    passed: int = Field(ge=0)
    total: int = Field(ge=0)
    tests: list[dict[str, Any]] = Field(
        default_factory=list, description="Per hidden test: name, status, input, expected, got, seconds, message."
    )
    error: str | None = None
    sandboxed: bool = True
    versions: int = Field(default=1, ge=0, description="Versions the candidate ran or submitted.")
    submitted: bool = Field(default=True, description="False: only run against the examples, never submitted.")


class QuestionGrade(BaseModel):
    """The grade of one question: the same object as one entry of a report's `questions[]`."""

    model_config = ConfigDict(extra="forbid")

    question_id: str
    prompt: str
    round_id: str | None = None
    answer: str = Field(description="The candidate's words for this question, all turns joined.")
    score: float = Field(ge=0, description="Weighted score on the rubric scale.")
    max_score: float = Field(gt=0)
    criteria: list[CriterionGrade]
    flags: list[str] = Field(
        default_factory=list,
        description="Why an answer got no credit (no_answer, skipped, gibberish, off_topic, injection ...), or "
        "follow_up_skipped: graded on the answer given before a follow-up was skipped.",
    )
    gradable: bool = Field(default=True, description="False when there was not enough to grade.")
    summary: str = ""
    strengths: list[str] = Field(default_factory=list)
    gaps: list[str] = Field(default_factory=list)
    next_step: str = ""
    caps: list[str] = Field(
        default_factory=list,
        description="Why the question's score is held below its criteria's weighted mean (red flags, must-haves).",
    )
    grader: str = "rubric"
    code: CodeReview | None = Field(default=None, description="A coding question's final code and test results.")
