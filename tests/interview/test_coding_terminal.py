"""Live coding through the terminal channel: /code (editor and file), /lang, /run, /submit, pasted code,
talking while coding, every version stored with its results, and the interviewer's questions after a submission."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from rich.console import Console

from mockinterviewer.channels.terminal import TerminalChannel
from mockinterviewer.interview.live_coding import CodingDesk
from mockinterviewer.interview.orchestrator import Orchestrator
from mockinterviewer.interview.scripted import ScriptedInterviewer
from mockinterviewer.store import Store
from mockinterviewer.transcript import SessionStatus, Speaker, TurnKind
from tests.interview.coding_fakes import FakeRunner, coding_bank, coding_session, write
from tests.interview.helpers import keyword_coverage

GOOD = "def echo(x):\n    return x\n"
BAD = "def echo(x):\n    while True:\n        pass\n"


def run_terminal(bank, tmp_path: Path, lines: list[str], **kwargs):  # type: ignore[no-untyped-def]
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    session = coding_session(store, follow_ups=kwargs.pop("follow_ups", 2))
    out = io.StringIO()
    channel = TerminalChannel(Console(file=out, width=200, highlight=False, emoji=False),
                              io.StringIO("\n".join(lines) + "\n"))
    runner = FakeRunner()
    desk = CodingDesk(say=channel.info, edit=channel.edit, runner=runner, workdir=tmp_path / "work")
    orchestrator = Orchestrator(bank=coding_bank(bank, **kwargs), store=store, session=session,
                                interviewer=ScriptedInterviewer(), channel=channel, coverage=keyword_coverage,
                                coding=desk)
    status = orchestrator.run()
    return status, store.load_session(session.id), out.getvalue(), runner


def code_turns(session):  # type: ignore[no-untyped-def]
    return [t for t in session.turns if t.kind is TurnKind.CODE]


def test_the_question_gives_the_statement_and_the_signature(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, session, out, _ = run_terminal(bank, tmp_path, ["/quit"])
    question = next(t for t in session.turns if t.kind is TurnKind.QUESTION)
    assert bank.question("lru-cache-o1").prompt in question.text
    assert "def echo(x):" in question.text and "/submit" in question.text
    assert "def echo(x):" in out


def test_code_from_a_file_run_then_submit_stores_every_version(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = write(tmp_path / "bad.py", BAD)
    good = write(tmp_path / "good.py", GOOD)
    status, session, out, runner = run_terminal(bank, tmp_path, [
        "I'd keep a hash map and a doubly linked list.",   # talking before coding
        f"/code {bad}", "/run", "/submit",
        "It should be O(1) time and O(n) space.",
        f"/code {good}", "/submit",
        "Now it handles negatives.", "no",
    ], follow_ups=3)
    assert status is SessionStatus.COMPLETED
    versions = code_turns(session)
    assert [(t.meta["action"], t.text) for t in versions] == [("run", BAD), ("submit", BAD), ("submit", GOOD)]
    assert all(t.speaker is Speaker.CANDIDATE and t.question_id == "lru-cache-o1" for t in versions)
    assert versions[0].meta["result"]["hidden"] is False and versions[1].meta["result"]["passed"] == 1
    assert versions[2].meta["result"]["passed"] == 3 and versions[2].meta["lang"] == "python"
    # /run shows each example; /submit shows the count and the first failing input
    assert "Examples: 0 of 2 passed" in out and "example_one: ran longer than its time limit" in out
    assert "Hidden tests: 1 of 3 passed" in out and "First failure: big_input" in out and "echo(10**6)" in out
    # after each submission the interviewer asks about complexity and the failing cases
    after = [t for t in session.turns if t.kind is TurnKind.FOLLOW_UP and t.meta.get("after_submission")]
    assert len(after) == 2
    assert "time and space complexity" in after[0].text and "ran out of time" in after[0].text
    assert "complexity" in after[0].probes
    assert "Which cases would you still test" in after[1].text
    assert [c[2] for c in runner.calls] == [False, True, True]
    answers = [t.text for t in session.turns if t.kind is TurnKind.ANSWER]
    assert answers[0].startswith("I'd keep a hash map") and "O(1) time" in answers[1]


def test_the_first_failing_input_is_hidden_when_the_question_says_so(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = write(tmp_path / "bad.py", BAD)
    _, _, out, _ = run_terminal(bank, tmp_path, [f"/code {bad}", "/submit", "/quit"], show_failing_input=False)
    assert "First failure: big_input: ran longer than its time limit" in out
    assert "echo(10**6)" not in out


def test_editor_opens_on_the_stub_and_its_saved_code_is_run(bank, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    seen = tmp_path / "seen.txt"
    script = f"#!/bin/sh\ncp \"$1\" {seen}\nprintf 'def echo(x):\\n    return x\\n' > \"$1\"\n"
    editor = write(tmp_path / "fake-editor", script)
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("VISUAL", f"{editor}")
    status, session, out, _ = run_terminal(bank, tmp_path, ["/code", "/submit", "O(1) both.", "no"], follow_ups=1)
    assert status is SessionStatus.COMPLETED
    assert seen.read_text() == "def echo(x):\n    pass\n"  # the editor got the stub
    [submitted] = code_turns(session)
    assert submitted.text == GOOD and submitted.meta["result"]["passed"] == 3
    assert "Got your python code" in out


def test_lang_switches_the_stub_and_pasted_code_sets_the_language(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    status, session, out, runner = run_terminal(bank, tmp_path, [
        "/lang cobol", "/lang java",
        "```js", "function echo(x) { return x; }", "```",
        "/run", "/submit", "Linear in nothing: O(1).", "no",
    ], follow_ups=1)
    assert status is SessionStatus.COMPLETED
    assert "Choose a language: /lang python|javascript|java" in out
    assert "static int echo" in out  # the java signature after /lang java
    assert [t.meta["lang"] for t in code_turns(session)] == ["javascript", "javascript"]
    assert runner.calls[0] == ("function echo(x) { return x; }\n", "javascript", False)


def test_code_commands_without_code_or_on_a_spoken_question_lose_nothing(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nope.py"
    status, session, out, _ = run_terminal(bank, tmp_path, ["/run", "/submit", f"/code {missing}", "/quit"])
    assert status is SessionStatus.UNFINISHED
    assert out.count("There is no code yet") == 2
    assert "does not exist" in out
    assert not code_turns(session)


def test_no_editor_is_one_clear_message(bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VISUAL", "definitely-not-an-editor-xyz")
    _, _, out, _ = run_terminal(bank, tmp_path, ["/code", "/quit"])
    assert "not installed" in out and "Traceback" not in out
    monkeypatch.delenv("VISUAL")
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    _, _, out, _ = run_terminal(bank, tmp_path / "again", ["/code", "/quit"])
    assert "No text editor found" in out


def test_resume_keeps_the_last_version(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = write(tmp_path / "good.py", GOOD)
    run_terminal(bank, tmp_path, [f"/code {good}", "/run", "/quit"])
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    session = store.load_session("c1")
    channel = TerminalChannel(Console(file=io.StringIO(), width=200), io.StringIO("/submit\n/quit\n"))
    runner = FakeRunner()
    desk = CodingDesk(say=channel.info, edit=None, runner=runner)
    Orchestrator(bank=coding_bank(bank), store=store, session=session, interviewer=ScriptedInterviewer(),
                 channel=channel, coverage=keyword_coverage, coding=desk).run()
    assert runner.calls == [(GOOD, "python", True)]
    assert os.path.exists(tmp_path / "db.sqlite")


def test_only_the_languages_the_question_offers(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    py = write(tmp_path / "echo.py", GOOD)
    _, session, out, runner = run_terminal(bank, tmp_path, [
        "/lang java", f"/code {py}", "```python", "def echo(x): return x", "```", "/run", "/quit",
    ], languages=("javascript",))
    question = next(t for t in session.turns if t.kind is TurnKind.QUESTION)
    assert "Write it in javascript, starting from" in question.text and "/lang" not in question.text.split("/code")[0]
    said = " ".join(out.split())
    assert "This question is offered in javascript, not java; you stay in javascript." in said
    assert "echo.py is python, but this question is offered in javascript." in said
    assert "offered in javascript, not python" in said
    assert "There is no code yet" in said and not runner.calls and not code_turns(session)


def test_a_runner_warning_is_said_in_plain_words(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import warnings

    class Unsandboxed(FakeRunner):
        def run_tests(self, question, code, lang, *, hidden):  # type: ignore[no-untyped-def]
            warnings.warn("bubblewrap is not installed, so the code runs with resource limits only.", UserWarning,
                          stacklevel=2)
            return super().run_tests(question, code, lang, hidden=hidden)

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path)
    session = coding_session(store)
    out = io.StringIO()
    lines = f"/code {write(tmp_path / 'a.py', GOOD)}\n/run\n/quit\n"
    channel = TerminalChannel(Console(file=out, width=200), io.StringIO(lines))
    desk = CodingDesk(say=channel.info, edit=None, runner=Unsandboxed())
    Orchestrator(bank=coding_bank(bank), store=store, session=session, interviewer=ScriptedInterviewer(),
                 channel=channel, coverage=keyword_coverage, coding=desk).run()
    assert "bubblewrap is not installed" in out.getvalue()


def test_talking_while_coding_past_the_follow_up_limit_does_not_end_the_question(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = write(tmp_path / "good.py", GOOD)
    status, session, _, _ = run_terminal(bank, tmp_path, [
        "I'd use a map.", f"/code {good}", "Now I'm writing the eviction.", "And the lookup.", "/submit",
        "Get and put are O(1).", "no",
    ], follow_ups=1)
    assert status is SessionStatus.COMPLETED
    keep = [t for t in session.turns if t.meta.get("keep_coding")]
    assert len(keep) == 2 and "/submit when you're ready" in keep[0].text
    assert [t.meta["action"] for t in code_turns(session)] == ["submit"]


def test_a_candidate_who_never_submits_is_moved_on_after_a_few_turns(bank, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = write(tmp_path / "good.py", GOOD)
    status, session, _, _ = run_terminal(bank, tmp_path, [
        "I'd use a map.", f"/code {good}", "one", "two", "three", "four", "no",
    ], follow_ups=1)
    assert status is SessionStatus.COMPLETED
    assert len([t for t in session.turns if t.meta.get("keep_coding")]) == 3
    assert any(t.kind is TurnKind.MOVE_ON for t in session.turns)
