"""The interviewer's styles (`--style warm|neutral|tough`): how many follow-ups, whether a vague
answer is pressed for specifics, whether an answer running past its time box is cut short, and the
words the scripted interviewer says. The words and settings are data (`data/styles.yaml`); this
module only reads them and answers the questions the interviewers and the orchestrator ask.

A style changes how the interview is held, never how an answer is graded.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import yaml
from pydantic import BaseModel, ConfigDict, Field

from mockinterviewer.errors import InputError

DEFAULT_STYLE = "neutral"


class Style(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    follow_ups: int = Field(ge=-5, le=5, description="Added to the follow-ups allowed per question.")
    press_vague: bool
    cut_long_answers: bool
    answer_box_share: float = Field(default=1.0, gt=0, le=1.0,
                                    description="An answer's time box, as a share of the question's minutes.")
    answer_box_max_minutes: float = Field(default=120.0, gt=0, description="The time box's upper limit.")
    opening: str
    acknowledgements: tuple[str, ...] = Field(min_length=1)
    moving_on: tuple[str, ...] = Field(min_length=1)
    probe_lead: str = ""
    press: str = ""
    cut: str = ""
    cut_ask: str = ""
    skipped: str
    at_time: str
    manner: str

    def max_follow_ups(self, configured: int) -> int:
        """Follow-ups per question in this style: the configured number moved by `follow_ups`, at
        least one unless none are allowed at all."""
        return 0 if configured <= 0 else max(1, configured + self.follow_ups)

    def answer_time_box(self, question_minutes: float) -> float:
        """Seconds one answer may run before this style cuts it short (only when `cut_long_answers`)."""
        return min(question_minutes * self.answer_box_share, self.answer_box_max_minutes) * 60


@cache
def styles() -> dict[str, Style]:
    """Every style by name, read once from the package's data."""
    raw = yaml.safe_load(files("mockinterviewer.interview").joinpath("data/styles.yaml").read_text("utf-8"))
    return {name: Style(name=name, **data) for name, data in raw.items()}


def style_names() -> list[str]:
    return list(styles())


def get_style(name: str | None) -> Style:
    """The style called `name` (None: neutral); InputError naming the styles for an unknown one."""
    known = styles()
    if name is None:
        return known[DEFAULT_STYLE]
    if name not in known:
        raise InputError(f"Unknown interviewer style '{name}'.", hint=f"Use one of: {', '.join(known)}.")
    return known[name]
