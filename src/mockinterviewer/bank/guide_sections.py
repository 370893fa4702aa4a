"""Read a prep guide written in sections: Markdown headings, underlined or capitalised titles,
"Round 2: Coding" lines, or short lines ending in a colon, each followed by its questions.

Rounds are recognised by what they are called (screen, phone, onsite, system design, behavioral,
coding, leadership and their usual synonyms) and questions by their form (a list item or plain line
that asks: ends with "?", or opens with "Tell me", "Design", "Implement", "Explain", ...). Each
question keeps its line number. Whatever looks like a question or a list item but cannot be placed
in a round, and every round without questions, is returned as `Unplaced`, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mockinterviewer.bank.guide_model import Guide, GuideQuestion, Unplaced, guide_level, slugify, split_title

# Words that make a section title a round (matched on whole words, lower case).
_ROUND_WORDS = (
    "screen", "screening", "phone", "call", "recruiter", "onsite", "on-site", "on site", "virtual onsite", "loop",
    "final", "system design", "systems", "design", "architecture", "behavioral", "behavioural", "coding",
    "programming", "pair programming", "algorithms", "data structures", "technical", "leadership", "hiring manager",
    "manager", "values", "culture", "bar raiser", "deep dive", "take-home", "take home", "whiteboard", "team match",
)
# Words that make a section title something else (advice, logistics), even when it names a round.
_NOT_ROUND_WORDS = (
    "tip", "tips", "advice", "resource", "resources", "overview", "about", "introduction", "preparation", "prep",
    "logistics", "faq", "notes", "links", "reading", "expect", "timeline", "compensation", "benefits", "guide",
)
_NUMBERED_ROUND = re.compile(
    r"^(?:round|stage|step|interview|part|session)\s*#?\s*(?P<number>\d+)\s*(?:[:.)\-–—]\s*(?P<name>.*))?$",
    re.IGNORECASE)
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_BOLD_LINE = re.compile(r"^(?:\*\*|__)(?P<text>[^*_]+?)(?:\*\*|__):?$")
_UNDERLINE = re.compile(r"^(?P<char>[=\-~])(?P=char){2,}\s*$")
_LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+•·▪◦‣]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+(?P<text>\S.*)$")
_Q_PREFIX = re.compile(r"^(?:q(?:uestion)?\s*\d*\s*[:.)-]|\d{1,3}\s*[:.)-])\s*(?P<text>\S.*)$", re.IGNORECASE)
_DIFFICULTY = re.compile(
    r"\s*(?:[(\[]\s*(?P<a>easy|medium|hard)\s*[)\]]|[-–—:|]\s*(?P<b>easy|medium|hard)\s*$)\s*", re.IGNORECASE)
_LEADING_DIFFICULTY = re.compile(r"^(?P<d>easy|medium|hard)\s*[:\-–—]\s*", re.IGNORECASE)
_FOLLOW_UP = re.compile(r"^(?:follow[- ]?ups?|then|bonus|extension)\b", re.IGNORECASE)

# How a question opens: it asks, or it sets a task. Advice ("Practise...", "Bring...") does neither.
_ASKING_OPENERS = (
    "what", "what's", "why", "how", "when", "where", "which", "who", "whom", "whose", "is", "are", "do", "does",
    "did", "can", "could", "would", "should", "will", "have", "has", "tell", "walk", "talk", "describe", "explain",
    "design", "implement", "write", "build", "given", "compare", "contrast", "find", "create", "model", "estimate",
    "discuss", "share", "give", "suppose", "imagine", "assume", "list", "define", "propose", "outline", "sketch",
    "solve", "reverse", "merge", "return", "determine", "count", "detect", "calculate", "code", "architect",
    "debug", "optimize", "optimise", "scale", "convert", "parse", "validate", "sort", "search", "check", "fix",
    "call", "refactor", "extend", "add", "handle", "identify", "analyze", "analyse", "plan", "draw", "diagram",
    "troubleshoot", "investigate", "query", "transform", "serialize", "simulate", "schedule", "partition", "shard",
    "prove", "evaluate", "critique", "improve", "predict", "trace",
)
_BEHAVIORAL_FORM = re.compile(
    r"\b(tell me about a time|describe a (?:time|situation|project)|give an example of a time|a time (?:when|you)|"
    r"a situation (?:when|where)|how have you|have you ever|your (?:biggest|greatest|proudest)|disagreed?|conflict|"
    r"mistake|failure|failed|mentor(?:ed)?|feedback you|why do you want|what drew you|looking for in)\b",
    re.IGNORECASE)
_DESIGN_FORM = re.compile(r"^(?:design|architect|how would you design|sketch the architecture)\b", re.IGNORECASE)
_CODING_FORM = re.compile(
    r"^(?:implement|write (?:a|an) (?:function|program|method|class|algorithm)|given (?:a|an) (?:list|array|string|"
    r"binary tree|tree|graph|matrix|grid|integer|number|sorted|linked list|stream)|reverse|merge|solve|code)\b",
    re.IGNORECASE)

_KIND_OF_ROUND = (  # a round whose name has the words of one row asks questions of that kind
    (("coding", "programming", "algorithms", "data structures", "live coding", "whiteboard"), "coding"),
    (("system design", "systems design"), "system-design"),
    (("behavioral", "behavioural", "leadership", "values", "culture", "hiring manager", "manager", "recruiter",
      "bar raiser"), "behavioral"),
)
_MINUTES = re.compile(r"\b(?P<n>\d{1,3})[\s-]*(?:min|mins|minutes?)\b|\b(?P<hour>an|one|1)[\s-]*hour\b", re.IGNORECASE)
_DURATION_ASIDE = re.compile(r"\s*[(\[][^()\[\]]*\b(?:min|mins|minutes?|hours?)\b[^()\[\]]*[)\]]", re.IGNORECASE)
_CATEGORY_OF_KIND = {"coding": "Coding", "system-design": "System Design", "behavioral": "Behavioral",
                     "technical": "Technical"}


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower())) + " "


def _names_any(text: str, phrases: tuple[str, ...]) -> bool:
    padded = _words(text)
    return any(f" {phrase} " in padded for phrase in phrases)


def is_round_title(title: str) -> bool:
    """A section title names an interview round (and is not advice or logistics about one)."""
    return _names_any(title, _ROUND_WORDS) and not _names_any(title, _NOT_ROUND_WORDS)


def question_text(line: str) -> str | None:
    """The question a line asks, without its list marker, or None when the line does not ask one."""
    text = line.strip()
    for pattern in (_LIST_ITEM, _Q_PREFIX):
        match = pattern.match(text)
        if match:
            text = match["text"].strip()
            break
    text = _LEADING_DIFFICULTY.sub("", text)
    bare = _DIFFICULTY.sub(" ", text).strip()
    first = re.match(r"[A-Za-z']+", bare)
    if bare.endswith("?") or (first is not None and first.group(0).lower() in _ASKING_OPENERS and len(bare) > 12):
        return text
    return None


def _difficulty(text: str) -> tuple[str, str]:
    """(prompt without its difficulty marker, difficulty); medium when the guide does not say."""
    found = "medium"
    lead = _LEADING_DIFFICULTY.match(text)
    if lead:
        found, text = lead["d"].lower(), text[lead.end():]
    match = _DIFFICULTY.search(text)
    if match:
        found = (match["a"] or match["b"]).lower()
        text = (text[:match.start()] + " " + text[match.end():]).strip()
    return text.strip(), found


def question_kind(prompt: str, round_name: str) -> str:
    """The round's kind when its name says one ("Coding"), else the question's form (also when the
    name says several: "Onsite: system design and coding")."""
    named = [kind for words, kind in _KIND_OF_ROUND if _names_any(round_name, words)]
    if len(named) == 1:
        return named[0]
    if _BEHAVIORAL_FORM.search(prompt):
        return "behavioral"
    if _DESIGN_FORM.match(prompt):
        return "system-design"
    if _CODING_FORM.match(prompt):
        return "coding"
    return "technical"


@dataclass
class _Heading:
    level: int
    title: str
    line: int
    is_round: bool


@dataclass
class _Section:
    """One round being read: its name, description lines and questions."""

    name: str
    line: int
    minutes: int | None = None  # the length its title gives
    description: list[str] = field(default_factory=list)
    questions: list[GuideQuestion] = field(default_factory=list)


def _heading_at(lines: list[str], i: int) -> tuple[int, str] | None:
    """(level, title) when line i is a section title; level 1 is the outermost."""
    line = lines[i].strip()
    if not line:
        return None
    md = _MD_HEADING.match(line)
    if md:
        return len(md["hashes"]), md["text"].strip("*_ ")
    numbered = _NUMBERED_ROUND.match(line)
    if numbered:
        return 2, (numbered["name"] or "").strip() or line
    nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if _UNDERLINE.match(nxt) and not _LIST_ITEM.match(line):
        return (1 if nxt[0] == "=" else 2), line
    bold = _BOLD_LINE.match(line)
    if bold:
        return 3, bold["text"].strip()
    words = line.rstrip(":").split()
    if len(words) <= 8 and not line.endswith("?") and not _LIST_ITEM.match(line):
        if line.endswith(":") and (is_round_title(line) or (len(words) <= 5 and _names_any(line, _NOT_ROUND_WORDS))):
            return 3, line.rstrip(":").strip()
        letters = [c for c in line if c.isalpha()]
        if len(letters) >= 4 and all(c.isupper() for c in letters):
            return 2, line.strip()
    before = lines[i - 1].strip() if i > 0 else ""
    if (not before and nxt and len(line.split()) <= 5 and line[0].isupper() and line[-1] not in ".?!:,;)"
            and not _LIST_ITEM.match(line) and not _Q_PREFIX.match(line) and question_text(line) is None):
        return 3, line  # a bare title ("Logistics", "Team match") over its own lines
    return None


def minutes_said(text: str) -> int | None:
    """A round's length when its title or description gives one ("45 min", "a 30-minute call", "an hour")."""
    match = _MINUTES.search(text)
    if match is None:
        return None
    minutes = 60 if match["hour"] else int(match["n"])
    return minutes if 5 <= minutes <= 480 else None


def _display_title(title: str) -> str:
    """A section title as a round's name: without a duration aside, and not shouted."""
    name = _DURATION_ASIDE.sub("", title).strip() or title
    return name.title() if name.isupper() else name


def _round_name(stack: list[_Heading]) -> str | None:
    """The round a line belongs to: the deepest round title, prefixed by an enclosing round's
    ("Onsite - System design"); None when the deepest title is not a round."""
    if not stack or not stack[-1].is_round:
        return None
    rounds = [h.title for h in stack if h.is_round]
    return " - ".join(rounds[-2:])


def parse_sections(text: str, source: str) -> Guide | None:
    """The guide in `text`, or None when it has neither round titles nor questions."""
    lines = text.splitlines()
    title_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title_line is None:
        return None
    title = _MD_HEADING.sub(r"\g<text>", lines[title_line].strip()).strip("*_ ")
    stack: list[_Heading] = []
    sections: dict[str, _Section] = {}
    unplaced: list[Unplaced] = []
    preface: list[str] = []
    last: GuideQuestion | None = None  # the question a continuation line extends
    skip_underline = False
    for i, raw in enumerate(lines):
        number = i + 1
        line = raw.strip()
        if i == title_line or skip_underline:
            skip_underline = False
            if i == title_line and i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1].strip()):
                skip_underline = True
            continue
        if not line:
            last = None
            continue
        heading = _heading_at(lines, i)
        if heading is not None:
            level, heading_title = heading
            skip_underline = bool(i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1].strip()))
            while stack and stack[-1].level >= level:
                stack.pop()
            numbered = bool(_NUMBERED_ROUND.match(line))
            stack.append(_Heading(level, _display_title(heading_title), number,
                                  is_round=numbered or is_round_title(heading_title)))
            name = _round_name(stack)
            if name is not None and name not in sections:
                sections[name] = _Section(name, number, minutes=minutes_said(heading_title))
            last = None
            continue
        round_name = _round_name(stack)
        item = _LIST_ITEM.match(raw)
        if last is not None and (_FOLLOW_UP.match(line) or (raw[:1].isspace() and not item)
                                 or (not item and question_text(line) is None)):
            last.prompt = f"{last.prompt} {line}"
            continue
        asked = question_text(line)
        if asked is None:
            last = None
            if item or _Q_PREFIX.match(line):
                where = f"under '{stack[-1].title}'" if stack else "outside any round"
                reason = (f"a list item that is not a question, {where}" if round_name
                          else f"a list item {where}, which is not a round")
                unplaced.append(Unplaced(number, line, reason))
            elif round_name is not None:
                sections[round_name].description.append(line)
            else:
                preface.append(line)
            continue
        if round_name is None:
            last = None
            where = f"under '{stack[-1].title}', which is not a round" if stack else "before any round"
            unplaced.append(Unplaced(number, line, f"a question {where}"))
            continue
        last = GuideQuestion(prompt=asked, category="", difficulty="medium", kind="technical", round_types=[],
                             line=number)
        sections[round_name].questions.append(last)
    if not sections and not any(u.reason.startswith("a question") for u in unplaced):
        return None
    rounds: list[str] = []
    questions: list[GuideQuestion] = []
    round_focus: dict[str, str] = {}
    round_minutes: dict[str, int] = {}
    for section in sections.values():
        if not section.questions:
            nested = any(other.name.startswith(section.name + " - ") for other in sections.values())
            if not nested:
                unplaced.append(Unplaced(section.line, section.name, "a round with no questions: left out of the loop"))
            continue
        round_id = slugify(section.name)
        rounds.append(section.name)
        said = " ".join(section.description)
        if said:
            round_focus[section.name] = said
        minutes = section.minutes or minutes_said(said)
        if minutes:
            round_minutes[section.name] = minutes
        for question in section.questions:
            question.prompt, question.difficulty = _difficulty(question.prompt)
            question.kind = question_kind(question.prompt, section.name)
            question.category = ("Leadership" if question.kind == "behavioral"
                                 and _names_any(section.name, ("leadership",)) else _CATEGORY_OF_KIND[question.kind])
            question.round_types = [round_id]
            questions.append(question)
    company, role = split_title(title)
    description = " ".join(preface)
    unplaced.sort(key=lambda u: u.line)
    return Guide(company=company, role=role, level=guide_level(role), description=description, rounds=rounds,
                 questions=questions, unplaced=unplaced, round_focus=round_focus, round_minutes=round_minutes,
                 source=source)
