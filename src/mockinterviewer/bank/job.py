"""A job description as the interview uses it: the role, the team and company, and the
requirements (skills and duties), each with its line. Pure: it reads text, never a file."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockinterviewer.errors import InputError

MAX_REQUIREMENTS = 60
MAX_REQUIREMENT_CHARS = 300

_FIELD = re.compile(r"^\W*(?P<key>job title|title|role|position|team|company|employer|organi[sz]ation)\W*:\s*"
                    r"(?P<value>.+?)\W*$", re.IGNORECASE)
_HEADING = re.compile(r"^(?:#{1,6}\s+(?P<md>.+?)\s*#*|\*\*(?P<bold>[^*]+?)\*\*:?|(?P<colon>[A-Z][^.!?:]{2,60}):)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•·▪◦‣]|\(?\d{1,3}[.)])\s+(?P<text>\S.*)$")
_ROLE_WORDS = re.compile(
    r"\b(?:engineer|developer|programmer|architect|sre|scientist|analyst|designer|manager|lead|administrator|"
    r"specialist|consultant|researcher)s?\b", re.IGNORECASE)
_TEAM_IN_TEXT = re.compile(
    r"\b(?:join|on|in|for|with)\s+(?:the|our)\s+(?P<team>(?:[A-Z0-9][\w&/+.-]*\s+){0,4}[A-Z0-9][\w&/+.-]*)\s+team\b")
_COMPANY_IN_TEXT = re.compile(
    r"(?:^|\.\s+)(?:At|About|Join)\s+(?P<a>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})\b|"
    r"\b(?P<b>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2})\s+is\s+(?:hiring|looking for)\b")
# Sections that describe the offer, not the job: their lines are not requirements.
_NOT_THE_JOB = re.compile(
    r"\b(?:benefits?|perks?|salary|compensation|pay|equal opportunity|diversity|how to apply|apply|location|"
    r"about us|about the company|what we offer|we offer|legal|privacy)\b", re.IGNORECASE)
_THE_JOB = re.compile(
    r"\b(?:responsibilit|requirement|qualification|what you('|’)ll do|you will|what we look|looking for|skills|"
    r"must have|nice to have|bonus|experience|you have|about you|the role|duties|expectations)", re.IGNORECASE)


@dataclass(frozen=True)
class Requirement:
    """One skill or duty the job asks for, as written, with its line in the file (1-based)."""

    text: str
    line: int


@dataclass(frozen=True)
class JobDescription:
    role: str
    team: str | None
    company: str | None
    requirements: tuple[Requirement, ...]


def _heading(line: str) -> str | None:
    match = _HEADING.match(line.strip())
    if match:
        return (match["md"] or match["bold"] or match["colon"]).strip("*_ ")
    letters = [c for c in line if c.isalpha()]
    words = line.split()
    if 1 <= len(words) <= 6 and not line.rstrip().endswith((".", ",", ";")) and not _LIST_ITEM.match(line) and (
            (letters and all(c.isupper() for c in letters)) or _THE_JOB.search(line) or _NOT_THE_JOB.search(line)):
        return line.strip()
    return None


def _clean(text: str) -> str:
    return " ".join(re.sub(r"[*_`]+", "", text).split())


def _role_from(line: str) -> str:
    """"Senior Backend Engineer, Edge Streaming" -> "Senior Backend Engineer"."""
    parts = [p.strip() for p in re.split(r"\s+[—–|-]\s+|,\s+|\s+at\s+|\(", line) if p.strip()]
    return next((p for p in parts if _ROLE_WORDS.search(p)), parts[0] if parts else line)


def parse_job(text: str) -> JobDescription:
    """Read the role, team, company and requirements; InputError when none is found."""
    lines = text.splitlines()
    fields: dict[str, str] = {}
    title: str | None = None
    title_rest: str | None = None
    section: str | None = None
    requirements: list[Requirement] = []
    prose: list[tuple[str, int, str | None]] = []
    for i, raw in enumerate(lines):
        line = _clean(raw)
        if not line:
            continue
        field = _FIELD.match(line)
        if field:
            key = field["key"].lower()
            key = {"job title": "role", "title": "role", "position": "role", "employer": "company"}.get(key, key)
            key = "company" if key.startswith("organi") else key
            fields.setdefault(key, field["value"].strip())
            continue
        heading = _heading(raw)
        if title is None and (heading is not None or _ROLE_WORDS.search(line)) and _ROLE_WORDS.search(line):
            title = _role_from(heading or line)
            rest = (heading or line).replace(title, "", 1).strip(" ,—–-|")
            title_rest = rest or None
            continue
        if heading is not None and not _LIST_ITEM.match(raw):
            section = heading
            continue
        if section is not None and _NOT_THE_JOB.search(section) and not _THE_JOB.search(section):
            continue
        item = _LIST_ITEM.match(raw)
        if item:
            requirements.append(Requirement(_clean(item["text"])[:MAX_REQUIREMENT_CHARS], i + 1))
        else:
            prose.append((line, i + 1, section))
    if not requirements:  # no lists: the sentences of the job's own sections are its requirements
        for line, number, in_section in prose:
            if in_section is not None and _THE_JOB.search(in_section):
                requirements.extend(Requirement(s.strip()[:MAX_REQUIREMENT_CHARS], number)
                                    for s in re.split(r"(?<=[.;])\s+", line) if len(s.split()) >= 3)
    whole = " ".join(line for line, _, _ in prose)
    title_company = None
    if title_rest and re.match(r"(?i)at\s+\S", title_rest):  # "Platform Engineer at Tinyco"
        title_company, title_rest = title_rest[3:].strip(), None
    team = fields.get("team") or _team(whole, title_rest)
    company = fields.get("company") or title_company or _company(whole)
    role = fields.get("role") or title
    if not role and not requirements:
        raise InputError("This does not look like a job description: no job title and no listed requirements.",
                         hint="Pass the job posting's text, with its title and its lists of duties and skills.")
    if not requirements:
        raise InputError(f"No requirements found in the job description for {role}.",
                         hint="Questions are matched to the job's duties and skills: keep them as list items, or "
                              "as sentences under a heading such as 'Responsibilities' or 'Requirements'.")
    return JobDescription(role=(role or "Software Engineer")[:120], team=team[:80] if team else None,
                          company=company[:80] if company else None,
                          requirements=tuple(requirements[:MAX_REQUIREMENTS]))


def _team(text: str, title_rest: str | None) -> str | None:
    match = _TEAM_IN_TEXT.search(text)
    if match:
        return match["team"]
    if title_rest and not _ROLE_WORDS.search(title_rest) and len(title_rest.split()) <= 5:
        return title_rest.removesuffix(" team").removesuffix(" Team")
    return None


def _company(text: str) -> str | None:
    match = _COMPANY_IN_TEXT.search(text)
    if match is None:
        return None
    name = match["a"] or match["b"]
    return None if name.lower() in {"we", "our", "the", "you", "this", "us"} else name
