"""The offline rubric grader: scores each criterion from the candidate's own words, with quotes.

Owns the scoring used everywhere offline (interviews, reports, and the grader-agreement eval):

1. Pre-checks (`quality.assess`): empty, gibberish, off-topic and injection answers get the bottom
   of the scale with a flag; injected sentences inside a real answer are dropped before scoring.
2. Each criterion is compiled once into term sets: each signal (share 1) and, for bank rubrics, the
   name + description (share `DESCRIPTION_WEIGHT`), as stems with weights. A term copied from the
   question or in the criterion's own name weighs `QUESTION_WEIGHT` ("question demoting": repeating
   the question earns little; such a word keeps its full weight in what its signal weighs, so saying
   "testing" never shows a Testing signal by itself, nor "hits" and "count" one of a hit counter's), a
   vague word `GENERIC_WEIGHT`, and a term that k criteria share is divided by
   1 + SHARED_PENALTY * (k - 1) (it says little about any one of them).
3. Coverage of a criterion = the share-weighted mean over its term sets of the weighted share of
   terms the answer shows (exact stem 1.0; a general near-synonym, a misspelling or a derived form
   0.8). A criterion scores only if one of its distinctive terms (used by few criteria) is shown.
4. One global monotone calibration maps coverage to the scale:
   level = scale_max * min(1, coverage / FULL_COVERAGE) ** CURVE, and 0 below MIN_COVERAGE.
   The constants are global, chosen once on the development sets (Mohler, SAF), never per question.
5. Evidence: the clauses of the answer that supplied the matched terms, quoted verbatim (exact
   substrings of one answer turn). No quote, no points. A bare run of keywords with no sentence
   around it earns at most `BARE_CAP` of the scale ("names it without explaining it").
6. Confidence: of the clauses that may show a criterion, only those the quote confidence model
   (grading/quote_confidence.py, fitted on readers' judgements of tuning quotes) finds more likely
   shown than not are quoted; when none is, the strongest alone is quoted and the criterion stays
   below level 3, unless what backs it is told across sentences with concrete details (a story,
   whose clauses read alone rarely name the criterion): then at level 3 at most. Level 3 also
   needs a concrete detail (grading/specificity.py) in what backs it.

`covered_criteria` runs steps 3-5 alone, for the offline interviewer's choice of follow-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from mockinterviewer.bank.schema import Criterion, Kind, Question
from mockinterviewer.grading import feedback, polarity, quality, quote_confidence, red_flags, semantic, specificity
from mockinterviewer.grading.data import data_lines
from mockinterviewer.grading.findings import CriterionFinding
from mockinterviewer.grading.reference import DERIVED_CATEGORY
from mockinterviewer.grading.text import (
    SYNONYM_CREDIT,
    Span,
    Token,
    clauses,
    content_stems,
    fuzzy_match,
    says_hypothetically,
    says_i,
    sentences,
    synonyms,
    tokenize,
)
from mockinterviewer.transcript import QuestionGrade

__all__ = ["RubricGrader", "covered_criteria", "quote_candidates"]

QUESTION_WEIGHT = 0.3  # weight of a rubric term that the question itself already contains
DESCRIPTION_WEIGHT = 0.5  # weight of the name/description terms relative to a signal
FULL_COVERAGE = 0.6  # coverage that reaches the top of the scale
# Behavioral answers tell a story in the candidate's own words, so they share fewer words with any
# rubric than technical answers do: on held-out strong behavioral answers written before any tuning,
# 0.6 put the mean strong answer at 2.2/4 (below the bar) while weak ones stayed near 0.3. One constant
# for every behavioral question, never per question.
FULL_COVERAGE_BY_KIND = {Kind.BEHAVIORAL: 0.45}
CURVE = 0.7  # < 1: the first terms covered count more than the last ones
MIN_COVERAGE = 0.06  # below this, stray word matches are not evidence
GENERIC_WEIGHT = 0.5  # weight of a vague word (use, make, way, thing ...)
SHARED_PENALTY = 0.5  # a stem used by k criteria weighs 1 / (1 + SHARED_PENALTY * (k - 1))
DISTINCT_SHARE = 0.4  # with 3+ criteria, a stem used by more than this share of them is not distinctive
MAX_QUOTES = 3
QUOTE_STEMS = 2  # a clause quoted for a bank criterion uses at least this many of its own words ...
QUOTE_MIN_WORDS = 8  # a clause shorter than this is quoted with its whole sentence ...
QUOTE_MAX_WORDS = 45  # ... unless the sentence is longer than this
QUOTE_RECALL = 0.25  # ... states at least this share of one of the criterion's texts (a signal) by itself ...
QUOTE_MIN_CONTENT = 4  # a clause with fewer content words is too thin to show anything alone
QUOTE_FULL_STEMS = 5  # a clause using this many of a criterion's own words shows it fully
QUOTE_SHARE = 0.85  # ... and shows it at least this share as strongly as the criterion it shows best
QUOTE_OF_TOP = 0.25  # a second or third quote adds at least this share of the first one's weight
# A cap at level 1 for a denied practice held 13 of 43 strong calibration answers down (false denials,
# measured): a denial is named in the feedback and never quoted as evidence, but does not cap (1.0 = none).
PROBLEM_CAP = 1.0
# A criterion none of whose clauses is likely to show it (grading/quote_confidence.py) stays below level 3.
UNSURE_CAP = 0.6
CORROBORATING_SENTENCES = 2  # ... unless it is told in this many sentences of its backing ...
CORROBORATING_DETAILS = 3  # ... with this many concrete details (2 put 3 more weak tuning answers at level 3) ...
CORROBORATED_CAP = 0.85  # ... and then stays at level 3 at most (3.4 of 4): no one clause shows it clearly
RED_FLAG_CAP = 0.25  # a criterion whose words a red-flag clause uses stays at level 1 at most
RICH_CRITERION_TERMS = 8  # a criterion described by this many rubric words needs more than one of them
MIN_STEMS = 2  # distinct rubric words an answer must use before a criterion can pass its lowest level
SINGLE_TERM_CAP = 0.25  # the most a criterion evidenced by a single rubric word can earn, as a share of the scale
BARE_MIN_TERMS = 5  # a clause of this many content words ...
BARE_FUNCTION_SHARE = 0.1  # ... with at most this share of function words is a list of terms, not a sentence
# Meaning: cosine of static MiniLM embeddings mapped from SEM_LOW..SEM_HIGH onto 0..SEM_MAX of a
# signal's recall. Static embeddings put text on the same topic at 0.4-0.6 and near-paraphrases above
# 0.7; lower thresholds lifted mediocre and weak calibration answers out of their bands (measured).
SEM_LOW = 0.55
SEM_HIGH = 0.85
SEM_MAX = 0.8
SEM_ANCHOR = 0.5  # a meaning match this strong lets a criterion score without its distinctive words
SEM_MIN_WORDS = 3
ONE_CLAUSE_CAP = 0.6  # a bank criterion shown in one clause stays below level 3 (2.4 of 4) ...
RICH_CLAUSE_DETAILS = 3  # ... unless it has this many concrete details (2 lifted 3 more weak tuning answers)
BARE_LIST_ITEMS = 4  # a clause of this many comma-separated items ...
BARE_LIST_WORDS = 4  # ... of at most this many words each on average, and no pronoun, is a list of terms
BARE_FACTOR = 0.3  # a term found only in a list of terms counts this much of one used in a sentence
BARE_CAP = 0.25  # the most a bare keyword list can earn, as a share of the scale
OFF_TOPIC_BELOW = 0.25  # a bank answer scoring under this share of the scale is checked for being off-topic
COVERED_SHARE = 0.5  # a criterion at or above this share of the scale counts as covered for follow-ups


@dataclass(frozen=True, slots=True)
class _TermSet:
    """One signal (or the name + description) of a criterion: stems and their weights."""

    text: str
    weights: dict[str, float]
    share: float  # weight of this set within the criterion
    # what a question or name word weighs beyond its demoted weight: kept in the total, never earned
    withheld: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """What the whole text weighs: a text made only of the topic's own words is never fully shown by them."""
        return sum(self.weights.values()) + sum(self.withheld.values())


@dataclass(frozen=True, slots=True)
class _CompiledCriterion:
    criterion: Criterion
    sets: tuple[_TermSet, ...]
    distinctive: frozenset[str]  # stems only this criterion (or few) uses; one must match to score
    # per set text that is itself a denial ("do not retry 4xx"): the words a candidate's denial shows. Not
    # the criterion's name words: "I would never use exponential backoff" shows no "Exponential backoff
    # with jitter", though its description says "... do not come back in lockstep".
    asked_denied: Mapping[str, frozenset[str]] = field(default_factory=dict)
    vectors: np.ndarray | None = None  # embedding of each set's text (rows in `sets` order); None: no meaning match
    denied_by_rubric: frozenset[str] = frozenset()  # words the rubric itself denies ("not by features shipped")


@dataclass(frozen=True, slots=True)
class _Compiled:
    question: Question
    criteria: tuple[_CompiledCriterion, ...]
    topic: frozenset[str]


@dataclass(slots=True)
class _Unit:
    """A clause of one answer turn, with its content stems."""

    turn: int
    span: Span
    stems: frozenset[str]
    bare: bool  # a run of 6+ keywords with no function word or punctuation: a list, not an explanation
    first_person: bool = False  # says "I", "my", "me", not as a hypothetical ("I'd ..."): the candidate's own part
    flagged: bool = False  # shows one of the rubric's red flags: never evidence, a problem for what it touches
    denies: bool = False  # denies a practice ("without any locks")
    quote: str = ""  # what is quoted for it: the clause, or its whole sentence when the clause is a fragment
    details: int = 0  # concrete details in the quote: numbers, names, uncommon words (grading/specificity.py)
    sentence: tuple[int, int] = (0, 0)  # (turn, start of its sentence): clauses of one sentence argue together
    dismissive: bool = False  # its sentence waves a concern away ("so we don't have to worry about ..."): no evidence


@dataclass(slots=True)
class _Match:
    coverage: float
    level: float
    quotes: list[str]
    matched: list[str]  # signal texts that were (mostly) matched
    missing: list[str]  # signal texts that were not
    bare: bool = False  # only a bare keyword list supports it
    problems: list[str] = field(default_factory=list)  # clauses that deny what the criterion asks
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Answer:
    units: list[_Unit] = field(default_factory=list)
    vocab: dict[str, list[int]] = field(default_factory=dict)  # stem -> unit indexes
    by_initial: dict[str, list[str]] = field(default_factory=dict)  # first letter -> stems (fuzzy candidates)
    denied: dict[str, list[int]] = field(default_factory=dict)  # stem -> units that deny it ("without any locks")
    best: dict[str, tuple[float, str | None]] = field(default_factory=dict)  # memo of _best
    vectors: np.ndarray | None = None  # embedding of each unit (rows in `units` order)
    polar: bool = True  # read for a bank rubric: denials, term lists (see _answer_units)


_CACHE: dict[int, _Compiled] = {}

_GENERIC = frozenset(content_stems(" ".join(data_lines("vague-words.txt"))))


def _compile(question: Question, idf: Callable[[str], float] | None = None) -> _Compiled:
    cached = _CACHE.get(id(question))
    if cached is not None and cached.question is question and idf is None:
        return cached
    q_stems = frozenset(content_stems(question.prompt))
    derived = question.category == DERIVED_CATEGORY
    texts: list[list[tuple[str, str, float]]] = []  # per criterion: (label, text, share)
    for criterion in question.rubric.criteria:
        items = [(sig, sig, 1.0) for sig in criterion.signals]
        if not derived:
            items.append((criterion.description, f"{criterion.name}. {criterion.description}", DESCRIPTION_WEIGHT))
        texts.append(items)
    # how many criteria use each stem: a stem shared by many criteria says little about any one of them
    spread: dict[str, int] = {}
    for items in texts:
        for stem_ in {s for _, text, _ in items for s in content_stems(text)}:
            spread[stem_] = spread.get(stem_, 0) + 1
    n_criteria = len(texts)
    limit = max(1, int(n_criteria * DISTINCT_SHARE)) if n_criteria >= 3 else n_criteria

    def weights(text: str, named: frozenset[str] = frozenset()) -> _TermSet:
        """The text's stems and weights; a word of the question or of the criterion's own name is demoted."""
        out: dict[str, float] = {}
        for s in content_stems(text):
            w = QUESTION_WEIGHT if s in q_stems or s in named else 1.0
            if s in _GENERIC:
                w *= GENERIC_WEIGHT
            w /= 1.0 + SHARED_PENALTY * (spread.get(s, 1) - 1)
            if idf is not None:
                w *= idf(s)
            out[s] = max(out.get(s, 0.0), w)
        # a question or name word still counts at full weight in what the text weighs, so a signal made
        # of the criterion's own name ("test just before and after" for Testing) or of the question's
        # words ("count with no hits" on a hit counter) is not fully shown by them. (Not for a rubric
        # derived from a reference answer, whose key points restate the question: SAF fell 0.672 -> 0.664.)
        withheld = {s: w / QUESTION_WEIGHT - w for s, w in out.items() if s in named or (s in q_stems and not derived)}
        return _TermSet(text, out, 0.0, withheld)

    compiled: list[_CompiledCriterion] = []
    topic: set[str] = set(q_stems)
    for criterion, items in zip(question.rubric.criteria, texts, strict=True):
        # a signal's word that names the criterion itself ("test" for Testing) says the topic, not the practice
        named = frozenset(content_stems(criterion.name)) if not derived else frozenset()
        sets = [
            replace(weights(text, named if label != criterion.description else frozenset()), text=label, share=share)
            for label, text, share in items
        ]
        sets = [s for s in sets if s.weights]
        stems = {s for t in sets for s in t.weights}
        distinctive = {s for s in stems if spread.get(s, 1) <= limit} or stems
        asked_denied = {
            t.text: frozenset(t.weights) - named
            for t in sets
            if not derived and polarity.is_negative(tokenize(t.text))
        }
        # what the rubric asks for denies these words ("not by features shipped"), so a candidate denying
        # them agrees with it; the low anchors describe what falls short ("No tests."), and denying their
        # words is no agreement ("I wouldn't write tests for edge cases" was level-2 evidence of testing)
        good_anchors = [text for level, text in criterion.anchors.items() if 2 * level > question.rubric.scale_max]
        rubric_texts = [criterion.description, *criterion.signals, *good_anchors]
        denied_by_rubric = frozenset(s for t in rubric_texts for s in polarity.mentioned_as_denied(tokenize(t)))
        compiled.append(
            _CompiledCriterion(criterion, tuple(sets), frozenset(distinctive), asked_denied, None, denied_by_rubric)
        )
        topic.update(stems)
    for point in question.rubric.exemplar:
        topic.update(content_stems(point))
    if not derived:
        # Meaning match for bank rubrics; a derived rubric's key points are phrases stripped of
        # their function words, and measured on Mohler and SAF, meaning did not help them.
        vectors = semantic.embed([t.text for c in compiled for t in c.sets])
        start = 0
        for k, c in enumerate(compiled):
            compiled[k] = replace(c, vectors=vectors[start : start + len(c.sets)])
            start += len(c.sets)
    result = _Compiled(question, tuple(compiled), frozenset(topic))
    if idf is None:
        if len(_CACHE) > 512:
            _CACHE.clear()
        _CACHE[id(question)] = result
    return result


def _answer_units(
    answers: Sequence[str],
    dropped: Sequence[Sequence[Span]],
    *,
    polar: bool = True,
    flagged: frozenset[str] = frozenset(),
    meaning: bool = False,
) -> _Answer:
    """The clauses of the answer; with `polar`, a word a clause denies is indexed apart, never as evidence.

    (A rubric derived from a reference answer is made of phrases stripped of their function words,
    negations included, so its polarity is unknown and `polar` is off; its questions ask to recall
    facts, where a list of the right items is an answer, so lists of terms are discounted only
    with `polar` too.) `flagged`: the texts (clauses or
    sentences) that show a red flag; every clause of a sentence with one is flagged.
    """
    out = _Answer(polar=polar)
    for turn, text in enumerate(answers):
        skip = dropped[turn] if turn < len(dropped) else ()
        whole = sentences(text)
        for span in clauses(text):
            if any(span.start < d.end and d.start < span.end for d in skip):
                continue
            tokens = tokenize(span.text)
            stems = frozenset(t.stem for t in tokens if not t.stop)
            if not stems:
                continue
            function_words = sum(1 for t in tokens if t.stop)
            bare = (len(stems) >= 6 and not function_words and not any(ch in span.text for ch in ",.;:()/&+-")) or (
                polar and len(stems) >= BARE_MIN_TERMS and function_words <= BARE_FUNCTION_SHARE * len(tokens)
            )
            bare = bare or (polar and _is_term_list(span.text, tokens))
            index = len(out.units)
            first_person = says_i(span.text) and not says_hypothetically(span.text)
            denied = polarity.denied_stems(tokens, spoken=True) if polar else frozenset()
            own = next((w for w in whole if w.start <= span.start and span.end <= w.end), span)  # its sentence
            quote = _quote_of(span, own)
            # a sentence with a red-flag clause argues for it as a whole ("To be fair, the author should
            # have tested it, it's their code, and the reviewer can't be expected to catch everything")
            shows_flag = any(span.text in hit or hit in own.text for hit in flagged)
            details = specificity.details(quote.text) if polar else 0
            sentence = own.start
            out.units.append(
                _Unit(
                    turn, span, stems, bare, first_person, shows_flag, bool(denied), quote.text, details,
                    sentence=(turn, sentence),
                    dismissive=polar and polarity.dismissive(own.text),
                )
            )
            for s in denied:
                out.denied.setdefault(s, []).append(index)
            for s in sorted(stems - denied):  # sorted: a fuzzy tie goes the same way in every process
                if s not in out.vocab:
                    out.by_initial.setdefault(s[:1], []).append(s)
                out.vocab.setdefault(s, []).append(index)
    if meaning:
        out.vectors = semantic.embed([u.span.text for u in out.units])
    return out


_PRONOUNS = frozenset(
    {"i", "i'd", "i'm", "i've", "i'll", "we", "we'd", "we're", "we'll", "you", "it", "it's", "they", "he", "she"}
    | {"this", "that", "my", "our"}
)


def _quote_of(clause: Span, sentence: Span) -> Span:
    """The clause, or its sentence when the clause alone is a fragment ("so I'd tune them over time")."""
    if len(clause.text.split()) >= QUOTE_MIN_WORDS or len(sentence.text.split()) > QUOTE_MAX_WORDS:
        return clause
    return sentence


def _is_term_list(text: str, tokens: Sequence[Token]) -> bool:
    """A run of short comma-separated items with no pronoun: terms named, not a sentence about them."""
    items = [item for item in re.split(r"[,;]", text) if item.strip()]
    if len(items) < BARE_LIST_ITEMS:
        return False
    words = sum(len(item.split()) for item in items) / len(items)
    return words <= BARE_LIST_WORDS and not any(t.lower in _PRONOUNS for t in tokens)


def _best(term: str, answer: _Answer) -> tuple[float, str | None]:
    """How well the answer shows `term`: exact stem 1.0, synonym or misspelt/derived form 0.8."""
    if term in answer.vocab:
        return 1.0, term
    memo = answer.best.get(term)
    if memo is not None:
        return memo
    best: tuple[float, str | None] = (0.0, None)
    for stem in sorted(synonyms(term)):
        if stem in answer.vocab:
            best = (SYNONYM_CREDIT, stem)
            break
    else:
        for stem in answer.by_initial.get(term[:1], ()):
            m = fuzzy_match(term, stem)
            if m > best[0]:
                best = (m, stem)
    answer.best[term] = best
    return best


def _meaning(vector: np.ndarray, answer: _Answer, excluded: set[int]) -> tuple[float, int | None]:
    """How well one clause says what a rubric text says, in other words: (credit 0..SEM_MAX, clause).

    Only clauses that deny nothing, are not lists of terms and have SEM_MIN_WORDS content words
    count: an embedding does not see negation ("I would never use backoff" sits close to "backoff").
    """
    assert answer.vectors is not None
    cosine = answer.vectors @ vector
    best, best_unit = 0.0, None
    for i, unit in enumerate(answer.units):
        if i in excluded or unit.bare or unit.denies or len(unit.stems) < SEM_MIN_WORDS:
            continue
        credit = min(1.0, max(0.0, (float(cosine[i]) - SEM_LOW) / (SEM_HIGH - SEM_LOW))) * SEM_MAX
        if credit > best:
            best, best_unit = credit, i
    return best, best_unit


def full_coverage(question: Question) -> float:
    """The coverage that reaches the top of the scale for this kind of question."""
    return FULL_COVERAGE_BY_KIND.get(question.kind, FULL_COVERAGE)


def calibrate(coverage: float, scale_max: int, full: float = FULL_COVERAGE) -> float:
    """The global monotone map from coverage (0..1) to a score on 0..scale_max."""
    if coverage < MIN_COVERAGE:
        return 0.0
    return scale_max * min(1.0, coverage / full) ** CURVE


@dataclass(slots=True)
class _Measure:
    """What one criterion's words and meaning found in the answer, before quotes are chosen."""

    coverage: float
    level: float
    contributions: dict[int, float]  # unit -> how much it adds to this criterion
    unit_stems: dict[int, set[str]]  # unit -> the criterion's (non-vague) stems it shows
    unit_recall: dict[int, float]  # unit -> the largest share of one of the criterion's texts it states alone
    meant: set[int]  # units whose meaning matched one of the criterion's texts strongly
    matched: list[str]
    missing: list[str]
    bare: bool
    problem_units: set[int]
    flagged_units: set[int]
    notes: list[str] = field(default_factory=list)


def _measure(crit: _CompiledCriterion, answer: _Answer, scale_max: int, full: float) -> _Measure:
    contributions: dict[int, float] = {}
    unit_stems: dict[int, set[str]] = {}
    unit_recall: dict[int, float] = {}
    meant: set[int] = set()
    covered = 0.0
    total_share = 0.0
    matched: list[str] = []
    missing: list[str] = []
    anchored = False
    stems_found: set[str] = set()
    # Clauses that deny what the criterion asks for, or show a red flag on its words, are never its
    # evidence: they are its problems.
    problem_units: set[int] = set()
    flagged_units: set[int] = set()
    for term_set in crit.sets:
        asked = crit.asked_denied.get(term_set.text, frozenset())
        for term in term_set.weights:
            denied = term in answer.denied and term not in asked and term not in crit.denied_by_rubric
            if denied and term in crit.distinctive:
                problem_units.update(answer.denied[term])
            flagged_units.update(u for u in answer.vocab.get(term, ()) if answer.units[u].flagged)
            if term in crit.distinctive:
                problem_units.update(u for u in answer.vocab.get(term, ()) if answer.units[u].dismissive)
    # a clause that gives the reason for a denial, or draws it as a consequence, argues for it too ("I
    # think dictionaries are already thread safe, so it should be fine without any locks"); a
    # contrast ("HTTP/2 fixes it at the application level, but not TCP's") does not
    problem_units |= _reasons_for(problem_units, answer)
    excluded = problem_units | flagged_units

    def credit(unit: int, stem: str, amount: float) -> None:
        contributions[unit] = contributions.get(unit, 0.0) + amount
        if stem not in _GENERIC:
            unit_stems.setdefault(unit, set()).add(stem)

    for set_index, term_set in enumerate(crit.sets):
        total = term_set.total
        got = 0.0
        asked = crit.asked_denied.get(term_set.text, frozenset())
        in_unit: dict[int, float] = {}
        # for the report only: a question or name word said in one clause with the signal's own words is
        # part of saying the signal ("full jitter" says "full jitter or decorrelated jitter" on a question
        # about jitter), so the signal is not listed as "not yet covered"; its points stay as they are
        own_units: set[int] = set()
        topic_said: list[tuple[float, list[int]]] = []
        for term, weight in term_set.weights.items():
            if term in asked and term in answer.denied:
                # a denial the rubric itself asks for ("never retry 4xx")
                for unit in answer.denied[term]:
                    credit(unit, term, weight * term_set.share / total)
                anchored = anchored or term in crit.distinctive
                stems_found.add(term)
                got += weight
                continue
            m, stem = _best(term, answer)
            if m <= 0 or stem is None:
                continue
            units = [u for u in answer.vocab[stem] if u not in excluded]
            if not units:
                continue
            if answer.polar and all(answer.units[u].bare for u in units):
                m *= BARE_FACTOR  # only named in a list of terms
            anchored = anchored or (m >= 0.8 and term in crit.distinctive)
            stems_found.add(stem)
            got += weight * m
            if term in term_set.withheld:
                topic_said.append((term_set.withheld[term] * m, units))
            else:
                own_units.update(units)
            for unit in units:
                credit(unit, stem, weight * m * term_set.share / total)
                in_unit[unit] = in_unit.get(unit, 0.0) + m / len(term_set.weights)  # unweighted: words it states
        for unit, share in in_unit.items():
            unit_recall[unit] = max(unit_recall.get(unit, 0.0), share)
        recall = got / total if total else 0.0
        if crit.vectors is not None and answer.vectors is not None and answer.units:
            meaning, said_by = _meaning(crit.vectors[set_index], answer, excluded)
            if said_by is not None and meaning >= SEM_ANCHOR:
                meant.add(said_by)
            if meaning > recall and said_by is not None:
                contributions[said_by] = contributions.get(said_by, 0.0) + (meaning - recall) * term_set.share
                anchored = anchored or meaning >= SEM_ANCHOR
                recall = meaning
        covered += term_set.share * recall
        total_share += term_set.share
        if term_set.text in crit.criterion.signals:
            said = got + sum(extra for extra, units in topic_said if own_units.intersection(units))
            (matched if max(recall, said / total if total else 0.0) >= 0.5 else missing).append(term_set.text)
    coverage = covered / total_share if total_share else 0.0
    level = calibrate(coverage, scale_max, full) if anchored else 0.0
    bare = bool(contributions) and all(answer.units[u].bare for u in contributions)
    if level > 0 and bare:
        level = min(level, BARE_CAP * scale_max)  # keywords only: "names it without explaining it"
    vocabulary = {t for ts in crit.sets for t in ts.weights}
    if level > 0 and len(stems_found) < MIN_STEMS and len(vocabulary) >= RICH_CRITERION_TERMS:
        level = min(level, SINGLE_TERM_CAP * scale_max)  # one word in common is a mention, not a treatment
    return _Measure(
        coverage,
        level,
        contributions,
        unit_stems,
        unit_recall,
        meant,
        matched,
        missing,
        bare,
        problem_units,
        flagged_units,
    )


@dataclass(frozen=True, slots=True)
class _Evidence:
    """One criterion's clauses: those quoted, those that back its level, and how likely its best quote shows it."""

    shown: set[int]
    support: set[int]
    odds: float  # the quote confidence model's best probability among its clauses (1.0 without the model)


_CAUSAL = frozenset(w for line in data_lines("causal-connectives.txt") for w in line.split())


def _opens_causally(unit: _Unit) -> bool:
    first = unit.span.text.split(maxsplit=1)
    return bool(first) and first[0].lower().strip(",;:") in _CAUSAL


def _reasons_for(denials: set[int], answer: _Answer) -> set[int]:
    """The clauses joined to a denying clause as its reason or its consequence, in the same sentence."""
    out: set[int] = set()
    for d in denials:
        for i in (d - 1, d + 1):
            if 0 <= i < len(answer.units) and answer.units[i].sentence == answer.units[d].sentence:
                later = answer.units[max(i, d)]
                if _opens_causally(later):
                    out.add(i)
    return out


def _quotable(
    criteria: Sequence[_CompiledCriterion],
    measures: Sequence[_Measure],
    answer: _Answer,
    *,
    behavioral: bool = False,
    gate: bool = True,
) -> list[_Evidence]:
    """Per criterion, the clauses that may be quoted as its evidence, and all that support its level.

    On a bank rubric a clause is quoted for a criterion only when, read alone, it shows it: it uses
    at least `QUOTE_STEMS` of the criterion's own (non-vague) words, or one of the words only it
    uses, or says one of its texts in other words; and it shows this criterion at least
    `QUOTE_SHARE` as strongly as the criterion it shows best (a sentence about one criterion is not
    evidence for its neighbour), unless every clause that shows it shows another criterion better:
    then its strongest one is shared. With `gate`, a candidate must also reach the quote
    confidence model's threshold (grading/quote_confidence.py). On a rubric derived from a
    reference answer every contributing clause may be quoted.
    """
    if not answer.polar:
        return [_Evidence(set(m.contributions), set(m.contributions), odds=1.0) for m in measures]
    best: dict[int, float] = {}
    for m in measures:
        for unit in m.contributions:
            best[unit] = max(best.get(unit, 0.0), _states(m, unit))
    cosines = _criterion_cosines(criteria, answer)
    out: list[_Evidence] = []
    for index, (c, m) in enumerate(zip(criteria, measures, strict=True)):
        found = _own(m, _candidates(c, m, answer), best)
        if not (gate and cosines is not None and found):
            out.append(_Evidence(found, found, odds=1.0))
            continue
        odds = {u: quote_confidence.confidence(_features(index, m, c, answer, cosines, u, behavioral)) for u in found}
        confident = {u for u, p in odds.items() if p >= quote_confidence.threshold()}
        # none is likely to show it: its strongest support alone stands for the criterion, unsure
        strongest = max(found, key=lambda u: (m.contributions[u], -u))
        out.append(_Evidence(confident or {strongest}, found, odds=max(odds.values())))
    return out


def _own(m: _Measure, shows: set[int], best: Mapping[int, float]) -> set[int]:
    """The clauses that show this criterion nearly as well as any other (or, failing that, the strongest one)."""
    own = {unit for unit in shows if _states(m, unit) >= QUOTE_SHARE * best[unit]}
    if not own and shows:
        # every clause that shows it shows another criterion better: share the strongest one
        own = {max(shows, key=lambda u: (m.contributions[u], -u))}
    return own


def _candidates(c: _CompiledCriterion, m: _Measure, answer: _Answer) -> set[int]:
    """The clauses that may show criterion `c` by themselves, before the confidence gate."""
    return {
        unit
        for unit in m.contributions
        if (
            len(m.unit_stems.get(unit, ())) >= QUOTE_STEMS
            or m.unit_stems.get(unit, set()) & c.distinctive
            or unit in m.meant
        )
        and _states(m, unit) >= QUOTE_RECALL
        and len(answer.units[unit].stems) >= QUOTE_MIN_CONTENT
        and (answer.units[unit].first_person or not c.criterion.own_part)
    }


def _criterion_cosines(criteria: Sequence[_CompiledCriterion], answer: _Answer) -> np.ndarray | None:
    """criteria x clauses: the best cosine between each clause and one of each criterion's texts."""
    if answer.vectors is None or not answer.units or any(c.vectors is None for c in criteria):
        return None
    return np.stack([np.max(c.vectors @ answer.vectors.T, axis=0) for c in criteria if c.vectors is not None])


def _features(
    index: int,
    m: _Measure,
    c: _CompiledCriterion,
    answer: _Answer,
    cosines: np.ndarray,
    unit: int,
    behavioral: bool,
) -> quote_confidence.QuoteFeatures:
    others = np.delete(cosines[:, unit], index)
    margin = float(cosines[index, unit]) - (float(others.max()) if others.size else 0.0)
    return quote_confidence.QuoteFeatures(
        weight=m.contributions[unit],
        recall=m.unit_recall.get(unit, 0.0),
        distinctive=len(m.unit_stems.get(unit, set()) & c.distinctive),
        details=answer.units[unit].details,
        content_words=len(answer.units[unit].stems),
        meaning_margin=margin,
        first_person=answer.units[unit].first_person,
        behavioral=behavioral,
    )


def quote_candidates(question: Question, answer: str) -> list[tuple[str, str, quote_confidence.QuoteFeatures]]:
    """Every clause that may show a criterion, before the confidence gate: (criterion id, quote, features).

    For fitting the confidence model (evals/fit_quote_confidence.py) on readers' judgements.
    """
    compiled = _compile(question)
    parsed = _answer_units([answer], [quality.dropped_spans(answer)], meaning=True)
    scale_max = question.rubric.scale_max
    full = full_coverage(question)
    measures = [_measure(c, parsed, scale_max, full) for c in compiled.criteria]
    cosines = _criterion_cosines(compiled.criteria, parsed)
    if cosines is None:
        return []
    behavioral = question.kind == Kind.BEHAVIORAL
    return [
        (
            c.criterion.id,
            parsed.units[u].quote or parsed.units[u].span.text,
            _features(i, m, c, parsed, cosines, u, behavioral),
        )
        for i, (c, m) in enumerate(zip(compiled.criteria, measures, strict=True))
        for u in sorted(_candidates(c, m, parsed))
    ]


def _states(m: _Measure, unit: int) -> float:
    """How fully a clause shows the criterion by itself: the share of one of its texts it states, the
    number of the criterion's words it uses (QUOTE_FULL_STEMS of them count as fully), or a meaning match."""
    stems = min(1.0, len(m.unit_stems.get(unit, ())) / QUOTE_FULL_STEMS)
    return max(m.unit_recall.get(unit, 0.0), stems, SEM_ANCHOR if unit in m.meant else 0.0)


def _finish(crit: _CompiledCriterion, m: _Measure, evidence: _Evidence, answer: _Answer, scale_max: int) -> _Match:
    level = m.level
    ranked = sorted(((u, w) for u, w in m.contributions.items() if u in evidence.shown), key=lambda kv: (-kv[1], kv[0]))
    quotes: list[str] = []
    against = [answer.units[u].span.text for u in m.problem_units | m.flagged_units]
    if level > 0 and ranked:
        top = ranked[0][1]
        for unit, weight in ranked[:MAX_QUOTES]:
            quote = answer.units[unit].quote or answer.units[unit].span.text
            if weight < QUOTE_OF_TOP * top or any(a in quote for a in against) or any(quote in q for q in quotes):
                continue
            # a clause quoted with its whole sentence already shows a clause of that sentence quoted alone
            quotes = [q for q in quotes if q not in quote]
            quotes.append(quote)
    notes = list(m.notes)
    if not quotes:
        # no clause shows it: level 0, and no cap to explain (a cap's note would contradict "no sentence")
        problems = _named_problems(m, answer, 0.0, scale_max)
        return _Match(m.coverage, 0.0, [], m.matched, m.missing, m.bare, problems, notes)
    if m.flagged_units and level > RED_FLAG_CAP * scale_max:
        level = RED_FLAG_CAP * scale_max
        notes.append("A red flag in the answer touches this criterion, so it stays at level 1 at most.")
    elif m.problem_units and level > PROBLEM_CAP * scale_max:
        level = PROBLEM_CAP * scale_max
        notes.append("The answer says the opposite of what this criterion asks, so it stays at level 1 at most.")
    backing = _backing(m, evidence.support) if quotes else []
    if evidence.odds < quote_confidence.threshold() and level > UNSURE_CAP * scale_max:
        if not _corroborated(backing, answer):
            level = UNSURE_CAP * scale_max
            notes.append("Nothing you said shows this clearly, so it stays below level 3.")
        elif level > CORROBORATED_CAP * scale_max:
            level = CORROBORATED_CAP * scale_max
            notes.append("Told across several sentences, but none shows it clearly alone, so it stays at level 3.")
    detailed = sum(answer.units[u].details for u in backing) >= RICH_CLAUSE_DETAILS
    if crit.vectors is not None and len(backing) < 2 and not detailed and level > ONE_CLAUSE_CAP * scale_max:
        # level 3 is the mechanism with its trade-off and a recommendation: more than one clause says
        # it, or one with several concrete details ("cut storage costs by about 35 percent, she was
        # promoted to senior nine months later")
        level = ONE_CLAUSE_CAP * scale_max
        notes.append("Shown in a single sentence: level 3 needs the mechanism, its trade-off and a choice.")
    specific = any(answer.units[u].details for u in backing)
    if crit.vectors is not None and level > ONE_CLAUSE_CAP * scale_max and not specific:
        # what anyone could say ("we made sure everyone was aligned") is not yet what this candidate did
        level = ONE_CLAUSE_CAP * scale_max
        notes.append("Said only in general terms: level 3 needs a concrete detail (a number, a name, the actual step).")
    if crit.criterion.own_part and level > 1 and not any(answer.units[u].first_person for u in backing):
        level = 1.0
        notes.append('Told only as "we": your own part is not clear, so it stays at level 1 at most.')
    problems = _named_problems(m, answer, level, scale_max)
    return _Match(m.coverage, level, quotes, m.matched, m.missing, m.bare, problems, notes)


def _corroborated(backing: Sequence[int], answer: _Answer) -> bool:
    """Told across sentences with concrete details: a story's level rests on more than one doubtful clause.

    The quote confidence model doubts most clauses of a story read alone (a behavioral criterion is
    told over several sentences, none of which names it), so on the tuning sets it held 94 of 256
    strong behavioral criteria below level 3, and 87 of 256 mediocre ones. Backed by clauses of
    CORROBORATING_SENTENCES sentences with CORROBORATING_DETAILS concrete details between them, the
    criterion may reach level 3 (not 4): strong behavioral tuning answers at the hire bar went from 30
    to 42 of 62, the mediocre ones stayed where they were (mean 1.80) and no weak answer gained a
    level-3 criterion. Lifted to level 4 as well, the second set's plain gap grew from 0.34 to 0.42.
    """
    sentences_told = {answer.units[u].sentence for u in backing}
    details = sum(answer.units[u].details for u in backing)
    return len(sentences_told) >= CORROBORATING_SENTENCES and details >= CORROBORATING_DETAILS


def _named_problems(m: _Measure, answer: _Answer, level: float, scale_max: int) -> list[str]:
    """The clauses the report names as arguing against the criterion (never its evidence either way).

    A red-flag clause always. A denial or a hand-wave only when the criterion stays at level 1 or
    below, where it explains the level: read without meaning, "without freezing the table" or "per
    field, not per record" look like denials too, and named at every level the detector accused 184 of
    236 strong tuning answers against 81 of 236 weak ones; at level 1 or below, 2 against 68.
    """
    named = set(m.flagged_units)
    if feedback.points(level, scale_max)[1] <= 1:
        named |= m.problem_units
    return [answer.units[u].span.text for u in sorted(named)][:2]


def _backing(m: _Measure, support: set[int]) -> list[int]:
    """The clauses that back the criterion's level: its strongest supports, as quotes are chosen."""
    ranked = sorted(((u, w) for u, w in m.contributions.items() if u in support), key=lambda kv: (-kv[1], kv[0]))
    if not ranked:
        return []
    top = ranked[0][1]
    return [u for u, w in ranked[:MAX_QUOTES] if w >= QUOTE_OF_TOP * top]


def _match_all(compiled: _Compiled, answer: _Answer) -> list[_Match]:
    """One match per criterion of the question, in rubric order."""
    question = compiled.question
    scale_max = question.rubric.scale_max
    full = full_coverage(question)
    measures = [_measure(c, answer, scale_max, full) for c in compiled.criteria]
    quotable = _quotable(compiled.criteria, measures, answer, behavioral=question.kind == Kind.BEHAVIORAL)
    return [_finish(c, m, q, answer, scale_max) for c, m, q in zip(compiled.criteria, measures, quotable, strict=True)]


def covered_criteria(question: Question, answers: list[str]) -> dict[str, list[str]]:
    """Criterion id -> evidence quotes, for the criteria the answers already cover (at least half the scale)."""
    compiled = _compile(question)
    dropped = [quality.dropped_spans(a) for a in answers]
    answer = _answer_units(answers, dropped, polar=question.category != DERIVED_CATEGORY)
    scale_max = question.rubric.scale_max
    return {
        crit.criterion.id: m.quotes
        for crit, m in zip(compiled.criteria, _match_all(compiled, answer), strict=True)
        if m.quotes and m.level >= COVERED_SHARE * scale_max
    }


def _finding(crit: _CompiledCriterion, m: _Match) -> CriterionFinding:
    """The matcher's result for one criterion as the finding `feedback` words."""
    notes = ("Only listed as keywords, not explained, so it is capped at the lowest level.",) if m.bare else ()
    return CriterionFinding(
        criterion_id=crit.criterion.id,
        score=m.level,
        quotes=tuple(m.quotes),
        problems=tuple(m.problems),
        shown=tuple(m.matched),
        missing=tuple(m.missing),
        notes=(*notes, *m.notes) if m.level > 0 or m.notes else (),
        coverage=m.coverage,
        grader=RubricGrader.name,
    )


class RubricGrader:
    """Grades answers against a question's rubric, offline, in milliseconds, with verbatim evidence.

    `idf` optionally weights terms by how informative they are (e.g. an inverse document frequency
    over a corpus of answers); without it every rubric term weighs the same.
    """

    name = "rubric"

    def __init__(self, *, idf: Callable[[str], float] | Mapping[str, float] | None = None) -> None:
        if isinstance(idf, Mapping):
            table = idf
            default = max(table.values(), default=1.0)
            self._idf: Callable[[str], float] | None = lambda s: table.get(s, default)
        else:
            self._idf = idf

    def grade(self, question: Question, answers: list[str], *, round_id: str | None = None) -> QuestionGrade:
        compiled = _compile(question, self._idf)
        scale_max = question.rubric.scale_max
        joined = "\n\n".join(a for a in answers if a.strip())
        check = quality.assess(answers, compiled.topic, off_topic=False)
        if check.usable:
            hits = red_flags.detect(question, answers, check.injected)
            answer = _answer_units(
                answers,
                check.injected,
                polar=question.category != DERIVED_CATEGORY,
                flagged=frozenset(h.quote for h in hits),
                meaning=True,
            )
            matches = _match_all(compiled, answer)
            findings = [_finding(c, m) for c, m in zip(compiled.criteria, matches, strict=True)]
            reason = None
            weights = [c.weight for c in question.rubric.criteria]
            weighted = sum(f.score * w for f, w in zip(findings, weights, strict=True)) / sum(weights)
            below = OFF_TOPIC_BELOW * scale_max if question.category != DERIVED_CATEGORY else 1e-9
            if weighted < below:
                # a few stray words in common ("add", "slow") do not make a recipe an answer
                reason = quality.off_topic_reason(check.text, compiled.topic)
            if reason is None:
                return feedback.question_grade(
                    question,
                    findings,
                    answer=joined,
                    round_id=round_id,
                    flags=check.flags,
                    red_flags=hits,
                    grader=self.name,
                )
            check.usable = False
            check.add(quality.OFF_TOPIC, reason)
        return feedback.no_credit(
            question,
            reasons=check.reasons,
            flags=check.flags,
            gradable=check.gradable,
            answer=joined,
            round_id=round_id,
            grader=self.name,
        )
