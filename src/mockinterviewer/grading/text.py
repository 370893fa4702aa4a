"""Text primitives for the offline grader: tokens, sentences and clauses with exact character spans.

Owns everything the rubric grader knows about English text: the tokeniser (with the character span
of every token, so an evidence quote is always an exact substring of the candidate's words), the
sentence and clause splitter (spans again), stemming (Snowball English, with British spellings and
number words folded in), the stopword list, and a cheap fuzzy match between stems for misspellings.
Nothing here knows about questions, rubrics or scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from mockinterviewer.grading.data import data_lines, phrase_pattern

__all__ = [
    "STOPWORDS",
    "Span",
    "Token",
    "clauses",
    "content_stems",
    "fuzzy_match",
    "is_past_participle",
    "says_i",
    "sentences",
    "stem",
    "synonyms",
    "tokenize",
]

STOPWORDS: frozenset[str] = frozenset(
    re.findall(
        r"\S+",
        """
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't done down during each either else etc even ever every few for from further get gets got had
hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself
his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself just let let's may
me might more most much must mustn't my myself need needs neither no nor not now of off often on
once one's only or other others otherwise ought our ours ourselves out over own per quite rather
really same shall shan't she she'd she'll she's should shouldn't so some somehow something such than
that that's the their theirs them themselves then there there's these they they'd they'll they're
they've this those though through thus to too under until up upon us very via was wasn't we we'd
we'll we're we've well were weren't what what's when when's where where's whereas whether which
while who who's whom whose why why's will with within without won't would wouldn't yet you you'd
you'll you're you've your yours yourself yourselves s t d ll m re ve e g eg ie i.e e.g like also
basically actually simply
""",
    )
)

_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "fifteen": "15", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60",
    "seventy": "70", "eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1000",
    "first": "1st", "second": "2nd", "third": "3rd",
}  # fmt: skip

# Irregular past forms, so a story told in the past tense meets a rubric written in the present.
_IRREGULAR = {
    form: base
    for base, forms in {
        "write": "wrote written", "take": "took taken", "make": "made", "give": "gave given", "go": "went gone",
        "see": "saw seen", "think": "thought", "buy": "bought", "bring": "brought", "build": "built",
        "choose": "chose chosen", "drive": "drove driven", "fall": "fell fallen", "feel": "felt",
        "find": "found", "get": "got gotten", "grow": "grew grown", "hold": "held", "keep": "kept",
        "know": "knew known", "lead": "led", "leave": "left", "lose": "lost", "mean": "meant", "meet": "met",
        "pay": "paid", "run": "ran", "say": "said", "send": "sent", "show": "shown", "speak": "spoke spoken",
        "spend": "spent", "stand": "stood", "teach": "taught", "tell": "told", "understand": "understood",
        "win": "won", "begin": "began begun", "break": "broke broken", "catch": "caught", "fight": "fought",
        "forget": "forgot forgotten", "hide": "hid hidden", "rise": "rose risen", "sell": "sold",
        "shake": "shook shaken", "throw": "threw thrown", "undertake": "undertook undertaken",
        "overtake": "overtook overtaken", "rewrite": "rewrote rewritten", "withdraw": "withdrew withdrawn",
        "seek": "sought", "steal": "stole stolen", "freeze": "froze frozen", "draw": "drew drawn",
        "fly": "flew flown", "hear": "heard", "learn": "learnt", "spell": "spelt", "deal": "dealt",
    }.items()
    for form in forms.split()
}  # fmt: skip

# A word: letters/digits, with inner apostrophes, and the '+'/'#' of C++ or C#.
_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*(?:\+\+|#)?", re.UNICODE)
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "cf", "approx", "mr", "mrs", "dr", "no", "fig", "eq"})
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"')\]]*(?=\s)|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)|\n")
_CLAUSE_BREAK_RE = re.compile(
    r";|:(?=\s)|,\s+(?=(?:and|but|so|because|which|whereas|while|although|then|otherwise)\b)|\s+-\s+|\s+—\s+"
)
_OUR_RE = re.compile(r"^(\w{3,})our(s|ed|ing|able|ite|ites)?$")
_ISE_RE = re.compile(r"^(\w{3,})is(e|es|ed|ing|ation|ations|er|ers)$")

_STEMMER = snowballstemmer.stemmer("english")
_NUMBER_PLURAL_RE = re.compile(r"^\d+x*s$")


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a text: `text == source[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text, with its span, lower-cased form and stem; `stop` marks function words."""

    start: int
    end: int
    text: str
    lower: str
    stem: str
    stop: bool


def _fold_spelling(word: str) -> str:
    """Fold British spellings and number words so both sides of a comparison meet."""
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    if len(word) >= 6 and word.endswith(("our", "ours", "oured", "ouring", "ourable", "ourite", "ourites")):
        word = _OUR_RE.sub(r"\1or\2", word)
    if len(word) >= 7 and "is" in word:
        word = _ISE_RE.sub(r"\1iz\2", word)
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of a word, lower-cased, with British spellings and number words folded."""
    lower = word.lower().replace("’", "'")
    if lower.endswith("'s"):
        lower = lower[:-2]
    lower = _IRREGULAR.get(lower, lower)
    if _NUMBER_PLURAL_RE.match(lower):
        lower = lower[:-1]  # "400s" and "503s" are the status codes 400 and 503
    lower = _fold_spelling(lower)
    if not lower.isalpha():
        return lower
    return _STEMMER.stemWord(lower)


_MULTIPLIERS = {"hundred": 100, "thousand": 1000}


def _compound_numbers(text: str, tokens: list[Token]) -> list[Token]:
    """"five hundred" -> one token 500, "twenty five" -> 25, so both meet the digits ("500 per instance")."""
    out: list[Token] = []
    for token in tokens:
        value = _NUMBER_WORDS.get(token.lower, "")
        prev = out[-1] if out else None
        prev_value = int(prev.stem) if prev is not None and prev.stem.isdigit() and prev.lower != prev.stem else None
        adjacent = prev is not None and text[prev.end : token.start].strip(" -") == ""
        merged = None
        if adjacent and prev_value is not None and value.isdigit():
            if token.lower in _MULTIPLIERS and prev_value < 1000:
                merged = prev_value * _MULTIPLIERS[token.lower]
            elif 20 <= prev_value < 100 and prev_value % 10 == 0 and 0 < int(value) < 10:
                merged = prev_value + int(value)
        if merged is not None and prev is not None:
            raw = text[prev.start : token.end]
            out[-1] = Token(prev.start, token.end, raw, raw.lower(), str(merged), False)
        else:
            out.append(token)
    return out


def tokenize(text: str) -> list[Token]:
    """Every word of `text` with its exact span."""
    tokens: list[Token] = []
    previous = None
    for match in _TOKEN_RE.finditer(text):
        raw = match.group()
        lower = raw.lower().replace("’", "'")
        tokens.append(Token(match.start(), match.end(), raw, lower, stem(lower), lower in STOPWORDS or len(lower) == 1))
        if previous is not None and previous.end() + 1 == match.start() and text[previous.end()] in "-/":
            # a compound (re-usability, half-open, do-while): also offer the joined word
            joined = previous.group() + raw
            tokens.append(
                Token(
                    previous.start(),
                    match.end(),
                    text[previous.start() : match.end()],
                    joined.lower(),
                    stem(joined),
                    False,
                )
            )
        previous = match
    return _compound_numbers(text, tokens)


def content_stems(text: str) -> list[str]:
    """The stems of the content words of `text`, in order (stopwords and single letters dropped)."""
    return [t.stem for t in tokenize(text) if not t.stop]


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and (text[start].isspace() or text[start] in "-*•,;:"):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end or not any(ch.isalnum() for ch in text[start:end]):
        return None
    return Span(start, end, text[start:end])


def sentences(text: str) -> list[Span]:
    """Split `text` into sentences (and list items / lines), each an exact span of `text`."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        if match.group().startswith("."):
            words = text[start : match.start()].split()
            if words and words[-1].lower().rstrip(".") in _ABBREVIATIONS:
                continue
        span = _trimmed(text, start, end)
        if span:
            spans.append(span)
        start = end
    span = _trimmed(text, start, len(text))
    if span:
        spans.append(span)
    return spans


def clauses(text: str, *, min_words: int = 3) -> list[Span]:
    """Split `text` into clauses (sentences cut at ';', ':', '-' and ', and/but/so ...').

    A piece shorter than `min_words` words is merged with its neighbour, so a clause can stand as a quote.
    """
    out: list[Span] = []
    for sentence in sentences(text):
        pieces: list[Span] = []
        start = sentence.start
        for match in _CLAUSE_BREAK_RE.finditer(text, sentence.start, sentence.end):
            span = _trimmed(text, start, match.start())
            if span:
                pieces.append(span)
            start = match.end()
        span = _trimmed(text, start, sentence.end)
        if span:
            pieces.append(span)
        merged: list[Span] = []
        for piece in pieces:
            if merged and (
                len(_TOKEN_RE.findall(piece.text)) < min_words or len(_TOKEN_RE.findall(merged[-1].text)) < min_words
            ):
                prev = merged.pop()
                piece = Span(prev.start, piece.end, text[prev.start : piece.end])
            merged.append(piece)
        out.extend(merged)
    return out


def _within_one_edit(a: str, b: str) -> bool:
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        # one substitution, or one transposition of neighbours
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    return a[i:] == b[i + 1 :]


@lru_cache(maxsize=262144)
def fuzzy_match(a: str, b: str) -> float:
    """How far stem `b` stands for stem `a`: 1 equal, 0.8 a misspelling or a derived form, else 0."""
    if a == b:
        return 1.0
    shorter = min(len(a), len(b))
    if shorter < 4 or not (a.isalpha() and b.isalpha()):
        return 0.0
    if a[0] != b[0]:
        return 0.0
    if (a.startswith(b) or b.startswith(a)) and shorter >= max(4, 0.7 * max(len(a), len(b))):
        return 0.8
    if shorter >= 5 and _within_one_edit(a, b):
        return 0.8
    return 0.0


SYNONYM_CREDIT = 0.8


@lru_cache(maxsize=1)
def _synonym_table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for line in data_lines("synonyms.txt"):
        group = {stem(w) for w in line.split()}
        for member in group:
            table.setdefault(member, set()).update(group - {member})
    return {k: frozenset(v) for k, v in table.items()}


def synonyms(stem_: str) -> frozenset[str]:
    """Stems that stand for `stem_` (general software and interview near-synonyms)."""
    return _synonym_table().get(stem_, frozenset())


_ADVERBS = r"(?:already|never|just|also|only|always|actually|originally|even|ever|probably|really|since)"
_I_D_RE = re.compile(r"\bI'd\s+(?:" + _ADVERBS + r"\s+)*([A-Za-z]+)", re.IGNORECASE)
_PAST_PARTICIPLES = frozenset(" ".join(data_lines("past-participles.txt")).split())
_FIRST_PERSON_RE = re.compile(r"\b(?:I|I'm|I'd|I've|I'll|me|my|myself|mine)\b")


def says_i(text: str) -> bool:
    """True when `text` speaks in the first person singular (the candidate's own part, not "we")."""
    return bool(_FIRST_PERSON_RE.search(text))


def says_hypothetically(text: str) -> bool:
    """True when `text` says what the speaker would, will or could do ("I'd run it", "I will ask"),
    not what they did ("I'd got it wrong" is past): the cues are in data/hypothetical-cues.txt."""
    text = text.replace("\u2019", "'")
    if phrase_pattern("hypothetical-cues.txt").search(text):
        return True
    return any(not is_past_participle(m.group(1).lower()) for m in _I_D_RE.finditer(text))


def is_past_participle(word: str) -> bool:
    """True for "worked", "gotten", "known" (data/past-participles.txt and regular -ed forms)."""
    return word in _PAST_PARTICIPLES or (word.endswith("ed") and not word.endswith("eed") and len(word) > 4)
