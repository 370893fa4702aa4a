"""Whole interviews through the real CLI: --answers rounds, kill and resume, reports, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from mockinterviewer.cli.app import run
from tests.conftest import PROJECT_ROOT

ROUNDS = ["recruiter-screen", "hiring-manager-screen", "technical-phone-screen", "onsite-coding",
          "onsite-system-design", "onsite-technical-deep-dive", "onsite-architecture-trade-offs", "onsite-behavioral",
          "onsite-leadership", "onsite-hiring-manager"]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_answers(tmp_path: Path, answers: list[str], name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(answers))
    return path


def strong_answer(bank, question_id: str) -> str:  # type: ignore[no-untyped-def]
    """An answer that talks through every criterion's signals, each in a clause of its own (not a list of terms)."""
    question = bank.question(question_id)
    sentences = [f"On {c.name.lower()}, I would cover {'; '.join(c.signals)}." for c in question.rubric.criteria]
    return " ".join(sentences)


def session_json(capsys: pytest.CaptureFixture[str]) -> list[dict]:  # type: ignore[type-arg]
    code, out, _ = cli(capsys, "sessions", "--json")
    assert code == 0
    return json.loads(out)


def wait_for_turns(capsys: pytest.CaptureFixture[str], count: int, timeout: float = 30) -> None:
    """Wait until another process has recorded `count` turns of its (only) session."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        sessions = session_json(capsys)
        if sessions and sessions[0]["turns"] >= count:
            return
        time.sleep(0.2)


@pytest.mark.parametrize("round_id", ROUNDS)
def test_every_round_runs_end_to_end_with_an_answers_file(round_id: str, tmp_path: Path, bank,  # type: ignore[no-untyped-def]
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    answers = write_answers(tmp_path, ["I would start by understanding the requirements."] * 12 + ["no"] * 3)
    code, out, _ = cli(capsys, "interview", "--round", round_id, "--seed", "3", "--answers", str(answers),
                       "--candidate", "ada")
    assert code == 0, out
    assert "Feedback report" in out and "Interviewer: offline scripted" in out
    [summary] = session_json(capsys)
    assert summary["status"] == "completed" and summary["rounds"] == [round_id]
    code, out, _ = cli(capsys, "report", summary["id"], "--format", "json")
    report = json.loads(out)
    assert report["session_id"] == summary["id"]
    assert len(report["questions"]) == bank.loop("netflix-senior-swe").round(round_id).questions
    for question in report["questions"]:
        assert {"question_id", "answer", "score", "max_score", "criteria"} <= set(question)
        for criterion in question["criteria"]:
            assert {"id", "score", "max_score", "evidence", "rationale"} <= set(criterion)
            for quote in criterion["evidence"]:
                assert quote in question["answer"]
            if criterion["score"] > 0:
                assert criterion["evidence"], "a score above 0 needs quoted evidence"


def test_strong_answers_score_above_weak_ones_in_the_report(tmp_path: Path, bank,  # type: ignore[no-untyped-def]
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from mockinterviewer.interview.plan import plan_session

    plan = plan_session(bank.loop("netflix-senior-swe"), list(bank.questions.values()),
                        round_id="onsite-technical-deep-dive", count=2, seed=5)
    ids = plan.question_ids()
    strong = write_answers(tmp_path, [strong_answer(bank, ids[0]), strong_answer(bank, ids[0]),
                                      strong_answer(bank, ids[0]), strong_answer(bank, ids[1]),
                                      strong_answer(bank, ids[1]), strong_answer(bank, ids[1]), "no"], "s.yaml")
    weak = write_answers(tmp_path, ["I don't know."] * 6 + ["no"], "w.yaml")
    for path, name in ((strong, "strong"), (weak, "weak")):
        code, out, _ = cli(capsys, "interview", "--round", "onsite-technical-deep-dive", "--questions", "2",
                           "--seed", "5", "--answers", str(path), "--candidate", name)
        assert code == 0, out
    scores = {}
    for summary in session_json(capsys):
        _, out, _ = cli(capsys, "report", summary["id"], "--format", "json")
        scores[summary["candidate"]] = json.loads(out)["score"]
    assert scores["strong"] >= 2.5 > scores["weak"] == 0


def test_whole_loop_runs_round_by_round_and_never_repeats(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          capsys: pytest.CaptureFixture[str], bank) -> None:
    answers = write_answers(tmp_path, ["/skip", "no"] * 30)
    code, out, _ = cli(capsys, "interview", "--answers", str(answers), "--candidate", "ada", "--seed", "1")
    assert code == 0, out
    code, out, _ = cli(capsys, "interview", "--answers", str(answers), "--candidate", "ada", "--seed", "1")
    sessions = session_json(capsys)
    assert len(sessions) == 2 and all(s["rounds"] == ROUNDS for s in sessions)
    asked = []
    for summary in sessions:
        _, out, _ = cli(capsys, "report", summary["id"], "--format", "json")
        report = json.loads(out)
        assert [r["round_id"] for r in report["rounds"]] == ROUNDS
        asked.append({r["round_id"]: set(r["questions"]) for r in report["rounds"]})
        assert all({"skipped", "follow_up_skipped"} & set(q["flags"]) and q["score"] == 0 for q in report["questions"])
    first = set().union(*asked[0].values())
    assert len(first) == sum(len(ids) for ids in asked[0].values())
    # The whole loop asks about half the bank, so the second run may repeat a question, but only in
    # a round whose every question has been asked by then.
    for round_id, ids in asked[1].items():
        if ids & first:
            pool = {q.id for q in bank.for_round(round_id)}
            assert pool <= first | set().union(*asked[1].values()), round_id


def test_answers_that_run_out_leave_an_unfinished_session_that_resumes(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "interview", "--round", "recruiter-screen", "--answers",
                       str(write_answers(tmp_path, ["My first answer about my career."], "a.yaml")))
    assert code == 0 and "unfinished" in out
    [summary] = session_json(capsys)
    assert summary["status"] == "unfinished"
    turns_before = summary["turns"]
    code, out, _ = cli(capsys, "resume", summary["id"][:5], "--answers",
                       str(write_answers(tmp_path, ["more detail"] * 8 + ["no"], "b.yaml")))
    assert code == 0, out
    assert "Resuming session" in out
    [after] = session_json(capsys)
    assert after["status"] == "completed" and after["turns"] > turns_before


def test_killed_process_loses_no_turn_and_resumes(tmp_path: Path, isolated_home: Path,  # type: ignore[no-untyped-def]
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(isolated_home), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockinterviewer", "interview", "--round", "onsite-technical-deep-dive", "--seed", "2"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT,
        text=True,
    )
    assert proc.stdin is not None
    for answer in ("I would shard by user id.", "We add a cache in front of the database."):
        proc.stdin.write(answer + "\n")
        proc.stdin.flush()
        time.sleep(0.8)
    wait_for_turns(capsys, 5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    [summary] = session_json(capsys)
    assert summary["status"] == "interrupted" and summary["turns"] >= 5  # no process holds it any more
    code, out, _ = cli(capsys, "report", summary["id"], "--format", "json")
    answers = [q["answer"] for q in json.loads(out)["questions"]]
    assert "I would shard by user id." in answers[0]
    code, out, _ = cli(capsys, "resume", summary["id"], "--answers",
                       str(write_answers(tmp_path, ["/skip"] * 10 + ["no"])))
    assert code == 0, out
    [after] = session_json(capsys)
    assert after["status"] == "completed"
    _, out, _ = cli(capsys, "report", summary["id"], "--format", "json")
    assert "We add a cache in front of the database." in json.loads(out)["questions"][0]["answer"]


def test_report_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(capsys, "interview", "--round", "recruiter-screen", "--answers",
        str(write_answers(tmp_path, ["I want to work on streaming at scale.", "/skip", "/skip", "/skip", "no"])))
    [summary] = session_json(capsys)
    for fmt, marker in (("md", "# Feedback report"), ("html", "<html"), ("text", "Feedback report"),
                        ("json", '"session_id"')):
        target = tmp_path / f"report.{fmt}"
        code, _, _ = cli(capsys, "report", summary["id"], "--format", fmt, "-o", str(target))
        assert code == 0 and marker in target.read_text()
    code, _, err = cli(capsys, "report", summary["id"], "--format", "pdf")
    assert code != 0 and "text, md, html, json" in err


def test_grade_command_json_matches_report_entry(bank, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    answer = strong_answer(bank, "retry-backoff-strategy")
    code, out, _ = cli(capsys, "grade", "retry-backoff-strategy", "--answer", answer, "--json")
    assert code == 0
    graded = json.loads(out)
    assert graded["question_id"] == "retry-backoff-strategy" and graded["score"] >= 2.5
    assert all(q in answer for c in graded["criteria"] for q in c["evidence"])
    code, out, _ = cli(capsys, "grade", "retry-backoff-strategy", "--answer", "asdf qwer zxcv uiop", "--json")
    assert json.loads(out)["score"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["interview", "--loop", "nope"], "No loop with id 'nope'"),
        (["interview", "--round", "nope"], "no round 'nope'"),
        (["resume", "deadbeef"], "No session with id"),
        (["report", "deadbeef"], "No session with id"),
        (["bank", "show", "nope"], "No question with id"),
        (["grade", "nope", "--answer", "x"], "No question with id"),
        (["grade", "retry-backoff-strategy"], "exactly one of"),
    ],
)
def test_unknown_ids_get_one_clear_message(args: list[str], message: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, *args)
    assert code != 0
    assert message in err and "Traceback" not in err + out


def test_bad_answers_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("answer: [unclosed")
    code, _, err = cli(capsys, "interview", "--answers", str(bad))
    assert code != 0 and "not valid YAML" in err
    bad.write_text("just: a mapping")
    code, _, err = cli(capsys, "interview", "--answers", str(bad))
    assert code != 0 and "list of strings" in err
    assert session_json(capsys) == []


def test_empty_huge_and_binary_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = "word " * 200_000  # 1 MB
    garbage = bytes(range(256)).decode("latin-1") * 20
    answers = write_answers(tmp_path, ["", garbage, huge, "/skip", "/skip", "no"])
    code, out, _ = cli(capsys, "interview", "--round", "recruiter-screen", "--answers", str(answers))
    assert code == 0
    assert "No answer received" in out and "binary data" in out and "are kept" in out
    [summary] = session_json(capsys)
    _, out, _ = cli(capsys, "report", summary["id"], "--format", "json")
    first = json.loads(out)["questions"][0]
    assert 0 < len(first["answer"]) <= 20_000


def test_binary_garbage_on_stdin_does_not_crash(tmp_path: Path, isolated_home: Path) -> None:
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(isolated_home)}
    payload = bytes(range(256)) * 10 + b"\n/quit\n"
    proc = subprocess.run(
        [sys.executable, "-m", "mockinterviewer", "interview", "--round", "recruiter-screen"],
        input=payload, capture_output=True, env=env, cwd=PROJECT_ROOT, timeout=60,
    )
    text = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, text
    assert "Traceback" not in text and "binary data" in text and "unfinished" in text


def test_read_only_home_is_a_clear_error(tmp_path: Path, isolated_home: Path,  # type: ignore[no-untyped-def]
                                         capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("MOCKINTERVIEWER_HOME", str(blocker / "home"))
    code, _, err = cli(capsys, "sessions")
    assert code != 0 and "MOCKINTERVIEWER_HOME" in err and "Traceback" not in err


def test_ctrl_c_mid_answer_saves_and_says_how_to_resume(isolated_home: Path,  # type: ignore[no-untyped-def]
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(isolated_home), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockinterviewer", "interview", "--round", "recruiter-screen"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=PROJECT_ROOT,
        text=True,
    )
    assert proc.stdin is not None
    proc.stdin.write("I have been building streaming systems for ten years.\n")
    proc.stdin.flush()
    wait_for_turns(capsys, 4)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    assert "mockinterviewer resume" in err and "Traceback" not in err
    assert (out + err).count("mockinterviewer resume") == 1, out + err  # said once, not twice
    [summary] = session_json(capsys)
    assert summary["status"] == "unfinished" and summary["turns"] >= 4


def test_offline_start_imports_no_model_client(isolated_home: Path) -> None:
    """The offline path must not pay for importing openai/langchain (start-up time)."""
    code = (
        "import io, sys; sys.stdin = io.StringIO('');"
        "from mockinterviewer.cli.app import run;"
        "run(['interview', '--round', 'recruiter-screen']);"
        "bad = [m for m in ('openai', 'langchain_core', 'langchain_openai', 'faster_whisper') if m in sys.modules];"
        "print('IMPORTED', bad)"
    )
    env = {**os.environ, "MOCKINTERVIEWER_HOME": str(isolated_home), "MOCKINTERVIEWER_LLM": "auto"}
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert "IMPORTED []" in proc.stdout, proc.stdout + proc.stderr


def test_asking_for_more_questions_than_fit_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = write_answers(tmp_path, ["/skip", "no"] * 10)
    code, out, _ = cli(capsys, "interview", "--round", "recruiter-screen", "--questions", "20", "--answers",
                       str(answers))
    assert code == 0
    assert "of the 20 questions asked for fit its 30 minutes" in out


def test_an_answer_whose_follow_up_was_skipped_is_graded_and_says_so(tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    story = ("I led the migration of our billing service from a monolith to three services; I wrote the plan, "
             "split the work across four engineers, and we cut p99 latency from 900 ms to 200 ms in two quarters.")
    answers = write_answers(tmp_path, [story, "/skip", "/skip", "/skip"])
    code, out, _ = cli(capsys, "interview", "--round", "recruiter-screen", "--questions", "1", "--seed", "3",
                       "--answers", str(answers), "--candidate", "ada")
    assert code == 0, out
    [summary] = session_json(capsys)
    _, out, _ = cli(capsys, "report", summary["id"], "--format", "json")
    [question] = json.loads(out)["questions"]
    assert question["flags"] == ["follow_up_skipped"] and question["gradable"], question["flags"]
    assert question["answer"].startswith("I led the migration")
