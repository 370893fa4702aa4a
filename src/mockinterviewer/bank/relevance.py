"""How well a short text (a job requirement, a résumé line) matches each question of the bank:
Okapi BM25 (the bm25s library, Lucene's variant) over the question's prompt and rubric, on
stemmed words without stop words or job-ad filler, and the share of the text's distinctive words
(weighted by BM25's inverse document frequency) the question contains. Pure and deterministic:
the same texts and questions always give the same scores."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import snowballstemmer

from mockinterviewer.bank.schema import Question

# Words of job ads and résumés that say nothing about the work itself ("5+ years of strong experience").
_FILLER = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with", "you", "your", "we", "our", "us", "i", "me", "my", "can", "could", "would", "should", "may",
    "might", "must", "also", "etc", "e", "g", "ie", "eg", "year", "years", "experience", "experienced",
    "strong", "deep", "solid", "good", "great", "excellent", "proven", "ability", "able", "skills", "skill",
    "knowledge", "understanding", "familiarity", "familiar", "fluency", "fluent", "proficiency", "proficient",
    "plus", "preferred", "required", "bonus", "nice", "including", "include", "includes", "using", "use",
    "used", "work", "working", "team", "teams", "role", "candidate", "candidates", "ideal", "ideally", "new",
    "every", "each", "all", "any", "one", "two", "more", "most", "least", "across", "within", "about", "around",
    "via", "like", "well", "build", "building", "built", "make", "making", "own", "owning", "way", "ways",
    "level", "high", "highly", "day", "days", "time", "times", "world", "class",
))
_WORD = re.compile(r"[a-z0-9]+(?:[+#]+|(?:[./-][a-z0-9]+)*)")
_STEMMER = snowballstemmer.stemmer("english")


def terms(text: str) -> list[str]:
    """The text's searchable terms: lower case, filler removed, stemmed ("HTTP/2" -> "http/2")."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _FILLER and not w.isdigit()]
    parts: list[str] = []
    for word in words:
        parts.append(word)
        if re.search(r"[-/]", word) and not re.fullmatch(r"[a-z]+/\d", word):
            parts.extend(p for p in re.split(r"[-/]", word) if p and p not in _FILLER)
    return [_stem(w) for w in parts]


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def question_text(question: Question) -> str:
    """What a question is about: its prompt, category and rubric (criteria, signals, exemplar)."""
    rubric = question.rubric
    parts = [question.prompt, question.category]
    for criterion in rubric.criteria:
        parts += [criterion.name, criterion.description, *criterion.signals]
    parts += list(rubric.exemplar)
    return "\n".join(parts)


@dataclass(frozen=True)
class Match:
    """A text against one question: the BM25 score, and the share (0..1) of the text's words, weighted
    by their inverse document frequency, that the question contains (a word no question has weighs most)."""

    score: float
    share: float


class QuestionIndex:
    """A BM25 index over questions (by default their prompt and rubric, see `question_text`);
    `scores(text)` gives each question's match, 0 for no shared term."""

    def __init__(self, questions: Sequence[Question], text_of: Callable[[Question], str] = question_text) -> None:
        self.ids = [q.id for q in sorted(questions, key=lambda q: q.id)]
        by_id = {q.id: q for q in questions}
        corpus = tuple(tuple(terms(text_of(by_id[i]))) for i in self.ids)
        self._bm25 = _index(corpus)
        self._words = [frozenset(doc) for doc in corpus]
        self._df: dict[str, int] = {}
        for words in self._words:
            for word in words:
                self._df[word] = self._df.get(word, 0) + 1

    def _idf(self, word: str) -> float:
        """Lucene's BM25 idf, as bm25s weighs the word."""
        n, df = len(self.ids), self._df.get(word, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def matches(self, text: str) -> dict[str, Match]:
        """Each question's BM25 score and the weighted share of the text's words it contains."""
        scores = self.scores(text)
        query = list(dict.fromkeys(terms(text)))
        total = sum(self._idf(w) for w in query)
        return {qid: Match(scores[qid], round(sum(self._idf(w) for w in query if w in words) / total, 4)
                           if total else 0.0) for qid, words in zip(self.ids, self._words, strict=True)}

    def scores(self, text: str) -> dict[str, float]:
        query = list(dict.fromkeys(terms(text)))  # a term repeated in one requirement counts once
        if not query or not self.ids:
            return dict.fromkeys(self.ids, 0.0)
        values = self._bm25.get_scores(query)
        return {question_id: round(float(v), 4) for question_id, v in zip(self.ids, values, strict=True)}


@cache
def _index(corpus: tuple[tuple[str, ...], ...]):  # type: ignore[no-untyped-def]
    import bm25s  # imported on first use: an interview without a job never pays for it

    bm25 = bm25s.BM25()
    bm25.index([list(doc) for doc in corpus], show_progress=False)
    return bm25
