"""How well the bank covers a loop at a level: per round, the questions it may ask, the questions
two full runs of the loop need (each round twice, no question asked twice in all), and how many
more the round needs.

Rounds share questions (a story fits a screen and an onsite interview), so a question is counted
for one round only: the rounds' slots are filled by a maximum bipartite matching (each of a round's
2 x `questions` slots takes a different question of its pool), and a round is short by the slots
left empty. What `bank coverage` prints and the bank's tests check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mockinterviewer.bank.schema import Loop, Question
from mockinterviewer.bank.select import eligible_questions

RUNS = 2  # each round run this many times without a repeat


@dataclass(frozen=True)
class RoundCoverage:
    round_id: str
    name: str
    available: int  # questions the round may ask at the level (some shared with other rounds)
    needed: int  # RUNS x the round's questions
    filled: int  # slots a question can take once every round has had its share

    @property
    def short(self) -> int:
        """How many more questions this round needs for RUNS runs without a repeat."""
        return self.needed - self.filled


def loop_coverage(loop: Loop, questions: Sequence[Question], level: str | None = None,
                  runs: int = RUNS) -> list[RoundCoverage]:
    """Each round of `loop` at `level` (default: the loop's): available, needed and filled."""
    level = level or loop.level
    asked = [q for q in questions if loop.asks(q)]
    pools = {r.id: [q.id for q in eligible_questions(asked, r, level)] for r in loop.rounds}
    slots = [r.id for r in loop.rounds for _ in range(runs * r.questions)]
    owner: dict[str, int] = {}  # question id -> the slot it fills

    def place(slot: int, seen: set[str]) -> bool:
        for question_id in pools[slots[slot]]:
            if question_id in seen:
                continue
            seen.add(question_id)
            if question_id not in owner or place(owner[question_id], seen):
                owner[question_id] = slot
                return True
        return False

    for slot in range(len(slots)):
        place(slot, set())
    filled: dict[str, int] = {}
    for slot in owner.values():
        filled[slots[slot]] = filled.get(slots[slot], 0) + 1
    return [RoundCoverage(round_id=r.id, name=r.name, available=len(pools[r.id]), needed=runs * r.questions,
                          filled=filled.get(r.id, 0)) for r in loop.rounds]
