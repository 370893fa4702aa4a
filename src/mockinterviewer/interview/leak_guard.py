"""Keeping the hidden rubric out of the interviewer's mouth.

`LeakDetector` knows the phrases of a question's rubric the candidate must not hear (anchors,
signals, descriptions, red flags and their examples, the exemplar) and the words that are fine to say (the question
itself, the criteria's own follow-up probes, and whatever the candidate already said). An
utterance leaks when it contains a run of words from the hidden text (a 4-word run, or a whole
multi-word signal) that does not also appear in the allowed text and that brings in at least
one word the allowed text never uses ("beyond what the question itself says"). Comparison ignores
case, punctuation and plural -s; runs made only of common words do not count.

`LeakGuardSink` applies it to a stream: it holds back the last few words until they are checked,
so a leaking phrase is stopped (`Leaked`) before its last word reaches the screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from mockinterviewer.bank.schema import Question
from mockinterviewer.providers.call import StopGeneration

N = 4
_WORD = re.compile(r"[a-z0-9]+")
_STOPWORD_TEXT = """
    a an the and or but if then so of to in on at by for with from as is are was were be been being
    it its this that these those there their they them you your yours we our us i me my he she his her
    do does did doing done not no can could would should will shall may might must have has had having
    what which who whom when where why how than too very just about into over under up down out off
    again more most some any each all both few other such only own same also per via vs
    would one ones way ways thing things"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def tokens(text: str) -> list[str]:
    out = []
    for word in _WORD.findall(text.lower()):
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def _content(gram: tuple[str, ...]) -> int:
    return sum(1 for w in gram if w not in STOPWORDS)


def _grams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


class Leaked(StopGeneration):
    def __init__(self, phrase: str) -> None:
        self.phrase = phrase
        super().__init__(f"the utterance reveals hidden rubric text: {phrase!r}")


class LeakDetector:
    """Finds hidden-rubric phrases in an utterance (see the module doc)."""

    def __init__(self, question: Question, *, n: int = N) -> None:
        self.n = n
        rubric = question.rubric
        hidden: list[str] = [*rubric.exemplar, *(t for f in rubric.red_flags for t in (f.text, *f.examples))]
        self._signals: set[tuple[str, ...]] = set()
        for criterion in rubric.criteria:
            hidden.append(criterion.description)
            hidden.extend(criterion.anchors.values())
            for signal in criterion.signals:
                words = tokens(signal)
                if 2 <= len(words) < n and _content(tuple(words)) >= 2:
                    self._signals.add(tuple(words))
                hidden.append(signal)
        self._hidden: set[tuple[str, ...]] = set()
        for text in hidden:
            self._hidden |= {g for g in _grams(tokens(text), n) if _content(g) >= 2}
        allowed_text = [question.prompt, *(c.follow_up for c in rubric.criteria)]
        self._allowed = self._allowed_grams(allowed_text)
        self._vocabulary = {w for text in allowed_text for w in tokens(text)}

    def _allowed_grams(self, texts: Iterable[str]) -> set[tuple[str, ...]]:
        allowed: set[tuple[str, ...]] = set()
        for text in texts:
            words = tokens(text)
            for size in range(2, self.n + 1):
                allowed |= _grams(words, size)
        return allowed

    def find(self, utterance: str, *, also_allowed: Iterable[str] = ()) -> str | None:
        """The first hidden phrase `utterance` reveals, or None."""
        words = tokens(utterance)
        also_allowed = list(also_allowed)
        allowed = self._allowed | self._allowed_grams(also_allowed)
        vocabulary = self._vocabulary | {w for text in also_allowed for w in tokens(text)}
        for size in range(2, self.n + 1):
            for i in range(len(words) - size + 1):
                gram = tuple(words[i : i + size])
                if gram in allowed or all(w in vocabulary or w in STOPWORDS for w in gram):
                    continue
                if (size == self.n and gram in self._hidden) or gram in self._signals:
                    return " ".join(gram)
        return None


class LeakGuardSink:
    """Streaming sink: passes words through once checked, holding back the last `N` words.

    Raises `Leaked` before a leaking phrase shows (with a `detector`), and lets `check` (called
    with all the text so far) reject the stream early, e.g. markup, before it reaches the screen.
    """

    def __init__(
        self,
        detector: LeakDetector | None,
        *,
        inner: object | None = None,
        also_allowed: Iterable[str] = (),
        check: Callable[[str], None] | None = None,
    ) -> None:
        self.detector = detector
        self.inner = inner  # a sink whose output this one checks (e.g. JsonStringField)
        self.also_allowed = list(also_allowed)
        self.check = check
        self._text = ""
        self._shown = 0
        self._hold_words = detector.n if detector is not None else N

    def _check(self) -> None:
        if self.check is not None:
            self.check(self._text)
        if self.detector is None:
            return
        phrase = self.detector.find(self._text, also_allowed=self.also_allowed)
        if phrase is not None:
            raise Leaked(phrase)

    def feed(self, chunk: str) -> str:
        visible = self.inner.feed(chunk) if self.inner is not None else chunk  # type: ignore[attr-defined]
        if not visible:
            return ""
        self._text += visible
        self._check()
        # Release everything except the last `_hold_words` words (and the word still being typed).
        cut = len(self._text)
        count = 0
        for match in reversed(list(re.finditer(r"\S+", self._text))):
            cut = match.start()
            count += 1
            if count >= self._hold_words:
                break
        if count < self._hold_words:
            return ""
        out = self._text[self._shown : cut]
        self._shown = max(self._shown, cut)
        return out

    def finish(self) -> str:
        if self.inner is not None:
            visible = self.inner.finish()  # type: ignore[attr-defined]
            if visible:
                self._text += visible
        self._check()
        out = self._text[self._shown :]
        self._shown = len(self._text)
        return out

    @property
    def text(self) -> str:
        return self._text
