"""`mockinterviewer code ...`: run a solution against a coding question's tests, print its stub.

Exit codes: 0 when every test passed, 1 when a test failed or nothing could run (a compile
error, a missing runtime), and the codes of errors.py for a usage mistake (3: unknown question,
5: unreadable file or unknown language).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mockinterviewer.bank.loader import load_bank
from mockinterviewer.cli.app import app
from mockinterviewer.coding import LANGUAGES, CheckResult, SandboxWarning, run_tests, stub
from mockinterviewer.config import load_settings
from mockinterviewer.errors import InputError
from mockinterviewer.safe_files import read_capped
from mockinterviewer.safe_text import rich_safe

code_app = typer.Typer(help="Run code against a coding question's tests, outside an interview.",
                       no_args_is_help=True)
app.add_typer(code_app, name="code")

console = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXTENSIONS = {".py": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".java": "java"}
MAX_SOURCE_BYTES = 200_000


def _language(path: Path, lang: str | None) -> str:
    if lang is not None:
        if lang not in LANGUAGES:
            raise InputError(f"Unknown language '{lang}'.", hint=f"Use one of: {', '.join(LANGUAGES)}.")
        return lang
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise InputError(f"Cannot tell the language of {path} from its extension.",
                         hint=f"Pass --lang ({', '.join(LANGUAGES)}).")
    return found


def _question(question_id: str, bank_dir: Path | None):  # type: ignore[no-untyped-def]
    return load_bank(bank_dir if bank_dir is not None else load_settings().bank_dir).question(question_id)


@code_app.command("check")
def check(
    question_id: Annotated[str, typer.Argument(help="A coding question's id (see 'bank list').")],
    file: Annotated[Path, typer.Argument(help="The solution: .py, .js or .java (compiled as Solution.java).")],
    lang: Annotated[str | None, typer.Option("--lang", help="python, javascript or java (default: from the "
                                                             "file's extension).")] = None,
    hidden: Annotated[bool, typer.Option("--hidden/--examples", help="The hidden tests (default) or the "
                                                                     "visible examples.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: passed, failed, each test, time, error.")]
    = False,
    bank_dir: Annotated[Path | None, typer.Option("--bank", help="Bank folder.")] = None,
) -> None:
    """Run FILE against the question's tests in the sandbox and show each result."""
    language = _language(file, lang)
    question = _question(question_id, bank_dir)
    raw = read_capped(file, MAX_SOURCE_BYTES, what="The solution file")
    try:
        code = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{file} is not UTF-8 text.", hint="Save the solution as UTF-8.") from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SandboxWarning)
        result = run_tests(question, code, language, hidden=hidden)
    for warning in caught:
        err.print(f"Warning: {warning.message}", style="yellow", markup=False)
    if as_json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        _render(question_id, result)
    if not result.ok:
        raise typer.Exit(1)


def _render(question_id: str, result: CheckResult) -> None:
    which = "hidden tests" if result.hidden else "examples"
    if result.error is not None:
        console.print(f"{question_id} ({result.lang}, {which}): nothing ran.", style="bold red", markup=False)
        console.print(result.error, markup=False)
        return
    table = Table(title=f"{question_id} ({result.lang}, {which})")
    for column in ("test", "status", "seconds", "message"):
        table.add_column(column, overflow="fold")
    styles = {"passed": "green", "failed": "red"}
    for test in result.tests:
        table.add_row(rich_safe(test.name), f"[{styles.get(test.status, 'yellow')}]{test.status}[/]",
                      f"{test.seconds:.3f}", rich_safe(test.message))
    console.print(table)
    failed = result.first_failure
    if failed is not None and failed.input is not None:
        console.print(f"First failing input: {failed.input}", markup=False)
        if failed.expected is not None:
            console.print(f"Expected: {failed.expected}", markup=False)
        if failed.got is not None:
            console.print(f"Got: {failed.got}", markup=False)
    style = "bold green" if result.ok else "bold red"
    console.print(f"{result.passed}/{result.total} passed in {result.seconds:.2f} s"
                  + ("" if result.sandboxed else " (not sandboxed)"), style=style, markup=False)


@code_app.command("stub")
def show_stub(
    question_id: Annotated[str, typer.Argument(help="A coding question's id.")],
    lang: Annotated[str, typer.Option("--lang", help="python, javascript or java.")] = "python",
    bank_dir: Annotated[Path | None, typer.Option("--bank", help="Bank folder.")] = None,
) -> None:
    """Print the starting file for a coding question (statement, examples, signature)."""
    if lang not in LANGUAGES:
        raise InputError(f"Unknown language '{lang}'.", hint=f"Use one of: {', '.join(LANGUAGES)}.")
    print(stub(_question(question_id, bank_dir), lang), end="")
