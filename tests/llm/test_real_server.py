"""Against a REAL OpenAI-compatible server (llama_cpp.server + gemma-3-270m, started by conftest).

The model is a weak base model: it often answers with markup, echoes, out-of-range scores or
invented quotes. These tests show that whatever it says, the interview goes on, every utterance
shown passed the checks, and nothing it says is ever shown as a grade unless it is valid.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mockinterviewer.bank.loader import Bank
from mockinterviewer.config import Settings, load_settings
from mockinterviewer.grading.llm import FALLBACK, LLM, MIXED, CriterionOut, check_judgement, normalise
from mockinterviewer.grading.session import grade_session
from mockinterviewer.interview.leak_guard import LeakDetector
from mockinterviewer.interview.orchestrator import Orchestrator
from mockinterviewer.interview.plan import plan_session
from mockinterviewer.interview.utterance import clean_utterance
from mockinterviewer.providers.retry import BadOutput
from mockinterviewer.providers.structured import extract_object
from mockinterviewer.service.wiring import build_grader, build_interviewer
from mockinterviewer.store import Store
from mockinterviewer.transcript import Session, SessionStatus, Speaker, TurnKind
from tests.interview.helpers import ScriptedChannel

pytestmark = pytest.mark.slow

ANSWER = (
    "I would retry only transient failures such as timeouts and 503 responses, at most three attempts, "
    "with exponential backoff and full jitter capped at ten seconds. Writes carry an idempotency key."
)
META_KEYS = {"latency_ms", "input_tokens", "output_tokens", "model"}


def llm_settings(base_url: str, **kw: object) -> Settings:
    """Tight limits: every call ends within `llm_deadline`, and after one that times out the
    breaker skips the server, so the run stays bounded however loaded the machine is."""
    values: dict[str, object] = dict(
        openai_base_url=base_url, llm="llm", model="gemma-3-270m", llm_timeout=20, llm_deadline=30,
        llm_retries=1, llm_backoff_base=0.1, llm_max_tokens=32, grader_max_tokens=40, llm_output_retries=0,
        llm_breaker_cooldown=600,
    )
    values.update(kw)
    return load_settings(**values)


class StreamingChannel(ScriptedChannel):
    def __init__(self, replies: list[str]) -> None:
        super().__init__(replies, seconds=20.0, strict=True)
        self.partials: list[str] = []

    def partial(self, chunk: str) -> None:
        self.partials.append(chunk)


def small_bank(bank, question):  # type: ignore[no-untyped-def]
    """The shipped loop with one question cut to three criteria: fewer, shorter model calls."""
    rubric = question.rubric.model_copy(update={"criteria": question.rubric.criteria[:3]})
    small = question.model_copy(update={"rubric": rubric})
    return Bank(root=bank.root, questions={small.id: small}, loops=dict(bank.loops))


def test_a_round_end_to_end_in_llm_mode(llm_server: str, bank, loop, question, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bank = small_bank(bank, question)
    s = llm_settings(llm_server)
    interviewer, label = build_interviewer(s)
    assert label == f"Interviewer: LLM (gemma-3-270m via {llm_server})"
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    plan = plan_session(loop, list(bank.questions.values()), round_id="onsite-technical-deep-dive", count=1, seed=1)
    session = Session(id="real1", candidate="ada", loop_id=loop.id, plan=plan, max_follow_ups=1,
                      interviewer=interviewer.name)
    store.create_session(session)
    channel = StreamingChannel([ANSWER, "I would also add metrics on retries.", "no questions"])
    started = time.monotonic()
    status = Orchestrator(bank=bank, store=store, session=session, interviewer=interviewer, channel=channel).run()
    interview_seconds = time.monotonic() - started
    assert status is SessionStatus.COMPLETED
    saved = store.load_session("real1")
    said = [t for t in saved.turns if t.speaker is Speaker.INTERVIEWER]
    assert [t.kind for t in said][:2] == [TurnKind.OPENING, TurnKind.QUESTION]
    assert all(t.text.strip() for t in said)
    for turn in said:  # every turn says who produced it; the model's own words passed the checks
        assert turn.source in ("llm", "scripted-fallback", "scripted"), turn
        if turn.source == "llm":
            assert clean_utterance(turn.text, max_words=400) == " ".join(turn.text.split())
    question = bank.question(plan.rounds[0].questions[0].question_id)
    detector = LeakDetector(question)
    decided = [t for t in said if t.kind in (TurnKind.FOLLOW_UP, TurnKind.MOVE_ON) and t.source != "scripted"]
    assert decided, "the LLM interviewer decided at least one move"
    for turn in decided:
        assert turn.source in ("llm", "scripted-fallback")
        assert set(turn.meta) >= META_KEYS and turn.meta["model"] == "gemma-3-270m"
        if turn.source == "scripted-fallback":
            assert turn.meta["error_kind"]  # labelled with why
        assert detector.find(turn.text, also_allowed=[ANSWER]) is None  # nothing leaked was shown
    question_turn = next(t for t in said if t.kind is TurnKind.QUESTION)
    assert question.prompt in question_turn.text  # the planned question, verbatim
    assert channel.partials or all(t.source != "llm" for t in decided)  # the model's words streamed
    print(f"\nround in {interview_seconds:.0f} s; sources: {[(t.kind.value, t.source) for t in said]}")

    grader, glabel = build_grader(s)
    assert glabel.startswith("Grader: LLM judge (gemma-3-270m")
    started = time.monotonic()
    grades = grade_session(saved, bank.question, grader)
    print(f"graded in {time.monotonic() - started:.0f} s; "
          f"{[(c.id, c.score, c.grader) for g in grades for c in g.criteria]}; "
          f"{ {k: v.get('error_kind') for k, v in grader.last_meta.items()} }")  # type: ignore[attr-defined]
    assert len(grades) == 1
    grade = grades[0]
    assert grade.grader in (LLM, MIXED, FALLBACK, "rubric")
    answer = normalise(grade.answer)
    for c in grade.criteria:
        assert 0 <= c.score <= c.max_score
        if c.grader == LLM:
            assert c.score == int(c.score)
            assert all(normalise(q) in answer for q in c.evidence)
            assert c.score == 0 or c.evidence
    kinds = {c.grader for c in grade.criteria}
    assert grade.grader == (LLM if kinds == {LLM} else FALLBACK if kinds == {FALLBACK} else MIXED)


def test_an_out_of_range_score_from_the_real_server_is_rejected(llm_server: str) -> None:
    """The measured failure mode of DESIGN.md: asked for 0..4, gemma answers 10 (schema bounds ignored)."""
    import openai

    client = openai.OpenAI(base_url=llm_server, api_key="not-needed", max_retries=0, timeout=120)
    schema = {"type": "object", "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 4},
                                               "evidence": {"type": "array", "items": {"type": "string"}},
                                               "rationale": {"type": "string"}},
              "required": ["score", "evidence", "rationale"]}
    answer = "I would retry timeouts with exponential backoff and jitter."
    reply = client.chat.completions.create(
        model="gemma", temperature=0.3, seed=7, max_tokens=30,
        messages=[{"role": "system", "content": "You grade answers. Reply with JSON."},
                  {"role": "user", "content": f"Answer: {answer} Grade criterion 'backoff' 0-4 with evidence quotes."}],
        extra_body={"response_format": {"type": "json_object", "schema": schema}},
    )
    text = reply.choices[0].message.content or ""
    print("\nraw:", text)
    try:
        out = CriterionOut.model_validate(extract_object(text))
    except (BadOutput, ValueError):
        return  # malformed: rejected before any range check
    if not 0 <= out.score <= 4:
        with pytest.raises(BadOutput, match=r"outside 0\.\.4"):
            check_judgement(out, scale_max=4, answer=answer)
    else:
        try:
            valid = check_judgement(out, scale_max=4, answer=answer)
        except BadOutput:
            return  # e.g. an invented quote: rejected
        assert all(normalise(q) in normalise(answer) for q in valid.evidence)


@pytest.mark.slow
def test_grader_eval_with_the_llm_judge_on_a_real_server(llm_server: str, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`eval grader --grader llm` runs through the real server; whatever the weak model answers, every
    grade is on the dataset's scale (rejected outputs fall back to the rubric grader, never invented)."""
    import json

    from mockinterviewer.cli.app import run
    from tests.conftest import SHARED

    for name, value in {"OPENAI_BASE_URL": llm_server, "MOCKINTERVIEWER_LLM": "llm",
                        "MOCKINTERVIEWER_MODEL": "gemma-3-270m", "MOCKINTERVIEWER_LLM_TIMEOUT": "20",
                        "MOCKINTERVIEWER_LLM_DEADLINE": "30", "MOCKINTERVIEWER_LLM_RETRIES": "0",
                        "MOCKINTERVIEWER_GRADER_MAX_TOKENS": "40", "MOCKINTERVIEWER_LLM_OUTPUT_RETRIES": "0"}.items():
        monkeypatch.setenv(name, value)
    code = run(["eval", "grader", "--dataset", str(SHARED / "data" / "grading" / "mohler_dev.csv"),
                "--grader", "llm", "--limit", "2", "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    data = json.loads(out)
    assert data["overall"]["n"] == 2


@pytest.mark.slow
def test_interviewer_eval_runs_on_the_llm_interviewer(llm_server: str, bank) -> None:  # type: ignore[no-untyped-def]
    """The behaviour checks run against the LLM interviewer when a model is configured; whatever the
    weak model says is checked, and a failed turn is the labelled offline one."""
    from mockinterviewer.evals.interviewer_eval import evaluate_interviewer

    s = llm_settings(llm_server)
    interviewer, _ = build_interviewer(s)
    grader, _ = build_grader(s)
    result = evaluate_interviewer(bank, interviewer, grader, personas=["silent", "injection"],
                                  rounds=["recruiter-screen"], max_follow_ups=1)
    assert result["interviewer"] in ("llm", "scripted-fallback")
    checks = {c["name"]: c["passed"] for p in result["personas"].values() for c in p["checks"]}
    assert checks["no_rubric_or_exemplar_leak"] and checks["follow_up_limit"]
    assert checks["bottom_of_scale"] and checks["injection_never_raises_a_grade"]
