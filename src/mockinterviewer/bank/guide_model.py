"""What a prep guide says once read, whatever its layout: the company, the role, the rounds, each
question with the line it came from, and what could not be placed in a round."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LEVELS = ("intern", "junior", "mid", "senior", "staff", "principal", "lead")
_ROLE_WORDS = ("engineer", "developer", "swe", "sre", "scientist", "manager", "designer", "architect", "analyst",
               "programmer", "administrator", "specialist", "consultant", "researcher")
_GUIDE_WORDS = re.compile(
    r"\b(?:interview(?:ing)?|preparation|prep|guide|notes|questions|loop|process|handbook|cheat ?sheet)\b.*$",
    re.IGNORECASE)


def slugify(text: str, max_words: int = 6) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:max_words]) or "item"


@dataclass
class GuideQuestion:
    prompt: str
    category: str
    difficulty: str
    kind: str
    round_types: list[str] = field(default_factory=list)
    line: int = 0  # where the question starts in the guide (1-based)

    @property
    def id(self) -> str:
        return slugify(self.prompt.removeprefix("Medium:").removeprefix("Hard:").removeprefix("Easy:"))


@dataclass(frozen=True)
class Unplaced:
    """A line of the guide the importer could not place in a round, and why."""

    line: int
    text: str
    reason: str


@dataclass
class Guide:
    company: str
    role: str
    level: str
    description: str
    rounds: list[str]
    questions: list[GuideQuestion]
    unplaced: list[Unplaced] = field(default_factory=list)
    round_focus: dict[str, str] = field(default_factory=dict)  # a round's own description in the guide
    round_minutes: dict[str, int] = field(default_factory=dict)  # a round's length, where the guide gives it
    source: str = "guide"  # the file name, for each question's source line


def split_title(title: str) -> tuple[str, str]:
    """(company, role) from a guide's title: "Acme — Senior Backend Engineer interview guide",
    "Globex Staff Software Engineer interview notes", "INITECH SOFTWARE DEVELOPER - INTERVIEW PREP"."""
    text = title.strip().strip("#*_ ")
    parts = [p.strip() for p in re.split(r"\s+[—–\-|:]\s+|:\s+", text) if p.strip()]
    parts = [p for p in (_GUIDE_WORDS.sub("", p).strip(" -—–|:,") for p in parts) if p]
    if text.isupper():
        parts = [p.title() for p in parts]
    if len(parts) >= 2:
        return parts[0], parts[1]
    words = (parts[0] if parts else "").split()
    role_at = next((i for i, w in enumerate(words) if w.lower() in _LEVELS), None)
    if role_at is None:
        role_end = next((i for i, w in enumerate(words) if w.lower().rstrip("s") in _ROLE_WORDS), None)
        role_at = max(1, role_end - 1) if role_end is not None else 1
    company = " ".join(words[:role_at]) or "Unnamed company"
    role = " ".join(words[role_at:]) or "Software Engineer"
    return company, role


def guide_level(role: str) -> str:
    """The level the role names (senior, staff ...); senior when it names none, as the shipped bank."""
    words = re.findall(r"[a-z]+", role.lower())
    return next((w for w in words if w in _LEVELS), "senior")
