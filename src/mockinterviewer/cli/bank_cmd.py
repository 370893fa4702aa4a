"""`mockinterviewer bank ...`: lint, list, show, import-guide and coverage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from mockinterviewer.bank.documents import read_document
from mockinterviewer.bank.guide import parse_guide, write_import
from mockinterviewer.bank.loader import lint_bank, load_bank
from mockinterviewer.cli.app import app
from mockinterviewer.config import load_settings
from mockinterviewer.errors import BankError
from mockinterviewer.safe_text import rich_safe

bank_app = typer.Typer(
    help="Inspect, validate and extend the question bank (MOCKINTERVIEWER_BANK_DIR, default: the shipped bank).",
    no_args_is_help=True,
)
app.add_typer(bank_app, name="bank")

console = Console(highlight=False)


def _bank_dir(path: Path | None) -> Path:
    return path if path is not None else load_settings().bank_dir


@bank_app.command("lint")
def lint(
    directory: Annotated[Path | None, typer.Argument(
        help="Bank folder (default: MOCKINTERVIEWER_BANK_DIR, else the shipped bank).")] = None,
) -> None:
    """Validate every question and loop file; list each problem with its file, line and field.

    Also reports questions no loop can ask, and files, texts or lists over the size limits.
    """
    root = _bank_dir(directory)
    bank, problems = lint_bank(root)
    if problems:
        for problem in problems:
            console.print(str(problem), style="red", markup=False, highlight=False, soft_wrap=True)
        raise BankError(f"{len(problems)} problem(s) in {root}.",
                        hint="Fix each one as the line says, then run 'mockinterviewer bank lint' again.")
    console.print(f"OK: {len(bank.questions)} questions and {len(bank.loops)} loop(s) in {root}.")


@bank_app.command("list")
def list_questions(
    round_id: Annotated[str | None, typer.Option("--round", help="Only questions for this round type.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    directory: Annotated[Path | None, typer.Option("--bank", help="Bank folder.")] = None,
) -> None:
    """List the questions: id, prompt, round types, category, kind, difficulty."""
    bank = load_bank(_bank_dir(directory))
    questions = sorted(bank.questions.values(), key=lambda q: (q.round_types[0], q.id))
    if round_id:
        known = {r for q in bank.questions.values() for r in q.round_types}
        if round_id not in known:
            from mockinterviewer.errors import NotFoundError

            raise NotFoundError(f"No questions for round '{round_id}'.",
                                hint=f"Known round types: {', '.join(sorted(known))}.")
        questions = [q for q in questions if round_id in q.round_types]
    rows: list[dict[str, Any]] = [
        {"id": q.id, "prompt": q.prompt, "round_types": q.round_types, "category": q.category,
         "kind": q.kind.value, "difficulty": q.difficulty.value}
        for q in questions
    ]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(rows)} questions")
    for column in ("id", "round types", "category", "kind", "difficulty", "prompt"):
        table.add_column(column, overflow="fold")
    for row in rows:
        prompt = row["prompt"] if len(row["prompt"]) < 90 else row["prompt"][:87] + "..."
        cells = (row["id"], ", ".join(row["round_types"]), row["category"], row["kind"], row["difficulty"], prompt)
        table.add_row(*(rich_safe(cell) for cell in cells))
    console.print(table)


@bank_app.command("show")
def show(
    question_id: Annotated[str, typer.Argument(help="Question id (see 'bank list').")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    directory: Annotated[Path | None, typer.Option("--bank", help="Bank folder.")] = None,
) -> None:
    """Show one question with its full rubric (for coaches and authors)."""
    question = load_bank(_bank_dir(directory)).question(question_id)
    data = question.model_dump(mode="json")
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(yaml.safe_dump(data, sort_keys=False, width=100, allow_unicode=True))


@bank_app.command("import-guide")
def import_guide(
    guide_file: Annotated[Path, typer.Argument(help="A prep guide: plain text, Markdown or PDF.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Folder to write loops/ and questions/ into.")],
    draft: Annotated[bool, typer.Option("--draft-rubrics/--no-draft-rubrics",
                                        help="Draft rubrics with the configured LLM (marked as drafts).")] = True,
    force: Annotated[bool, typer.Option("--force", help="Rewrite files that already exist (losing their edits).")]
    = False,
) -> None:
    """Turn a prep guide into a loop file and question stubs; say which stubs need rubrics.

    Reads the InterviewStack layout, Markdown with a heading per round, "Round 1: ..." lines and
    capitalised section titles, with bulleted, numbered or plain questions. Each stub's source
    names the guide's line; lines that could not be placed in a round are listed.
    Run again, it only adds the stubs that do not exist yet and says which files it left alone.
    """
    guide = parse_guide(read_document(guide_file, what="Guide"), guide_file.name)
    drafter = _rubric_drafter() if draft else None
    result = write_import(guide, out, source=guide_file.name, drafter=drafter, force=force)
    loop_written = result.loop_path not in result.left_alone
    console.print((f"Wrote {result.loop_path} ({len(guide.rounds)} rounds) and " if loop_written else "Wrote ")
                  + f"{len(result.question_paths)} new question file(s) under {out / 'questions'}.", markup=False,
                  soft_wrap=True)
    if guide.unplaced:
        console.print(f"{len(guide.unplaced)} line(s) of the guide were not placed in a round (add them by hand "
                      "if they belong):", markup=False)
        for item in guide.unplaced:
            console.print(f"  line {item.line}: {item.text}  ({item.reason})", markup=False, soft_wrap=True)
    if result.left_alone:
        console.print(f"Left {len(result.left_alone)} existing file(s) as they are (--force rewrites them):",
                      markup=False)
        for path in result.left_alone:
            console.print(f"  {path}", markup=False, soft_wrap=True)
    for path in result.drafted:
        console.print(f"  drafted rubric (review it, then remove 'draft: true'): {path}", markup=False)
    if result.needs_rubric:
        console.print(f"{len(result.needs_rubric)} stub(s) still need a rubric:")
        for path in result.needs_rubric:
            console.print(f"  {path}", markup=False)
        if drafter is None and draft:
            console.print("Configure an LLM (OPENAI_API_KEY or OPENAI_BASE_URL) to draft them, or write them "
                          "by hand; then check with 'mockinterviewer bank lint " + str(out) + "'.")


def _rubric_drafter():  # type: ignore[no-untyped-def]
    """A function drafting a rubric dict for a stub with the configured model, or None offline."""
    settings = load_settings()
    if settings.llm == "offline" or not (settings.openai_api_key or settings.openai_base_url):
        return None
    from mockinterviewer.grading.rubric_draft import draft_rubric
    from mockinterviewer.providers.chat import build_chat_model

    model = build_chat_model(settings)

    def drafter(stub: dict) -> dict | None:  # type: ignore[type-arg]
        try:
            rubric = draft_rubric(stub, model)
        except Exception as exc:  # a failed draft leaves a stub, never a broken file
            console.print(f"[yellow]Could not draft a rubric for {stub['id']}: {exc}[/]")
            return None
        return rubric.model_dump(mode="json")

    return drafter


@bank_app.command("coverage")
def coverage(
    loop_id: Annotated[str | None, typer.Option("--loop", help="Only this loop (default: every loop).")] = None,
    level: Annotated[str | None, typer.Option("--level", help="mid, senior or staff (default: each loop's own).")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    directory: Annotated[Path | None, typer.Option("--bank", help="Bank folder.")] = None,
) -> None:
    """Per loop and round: the questions it may ask at the level, how many running every round twice
    without a repeat needs (rounds share questions, each counted once), and how many more it needs."""
    from mockinterviewer.bank.coverage import RUNS, loop_coverage
    from mockinterviewer.bank.schema import LEVELS

    if level is not None and level not in LEVELS:
        raise typer.BadParameter(f"use one of: {', '.join(LEVELS)}.", param_hint="--level")
    bank = load_bank(_bank_dir(directory))
    loops = [bank.loop(loop_id)] if loop_id else list(bank.loops.values())
    results = {loop.id: (level or loop.level, loop_coverage(loop, list(bank.questions.values()), level))
               for loop in loops}
    if as_json:
        print(json.dumps({lid: {"level": lvl, "rounds": [
            {"round": r.round_id, "available": r.available, "needed": r.needed, "filled": r.filled,
             "short": r.short} for r in rounds]} for lid, (lvl, rounds) in results.items()}, indent=2))
        return
    for lid, (lvl, rounds) in results.items():
        table = Table(title=f"{lid} at {lvl} level: every round {RUNS} times without a repeat")
        for column in ("round", "available", "needed", "short"):
            table.add_column(column)
        for r in rounds:
            table.add_row(rich_safe(r.round_id), str(r.available), str(r.needed), str(r.short) if r.short else "-")
        console.print(table)
        missing = sum(r.short for r in rounds)
        console.print(f"{lid} ({lvl}): " + (f"{missing} more question(s) needed." if missing else "covered."),
                      markup=False)
