"""`mockinterviewer eval blind`: grade the blind answers and print how the grader ranks them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mockinterviewer.bank.loader import load_bank
from mockinterviewer.cli.eval_cmd import configured_llm_grader, eval_app
from mockinterviewer.config import PROJECT_ROOT, load_settings
from mockinterviewer.errors import InputError

console = Console(highlight=False)
DEFAULT_ANSWERS = PROJECT_ROOT / "evals" / "data" / "blind_answers.yaml"


@eval_app.command("blind")
def eval_blind(
    answers: Annotated[
        Path,
        typer.Option(
            "--answers",
            "-a",
            help="YAML list of question_id + strong/mediocre/weak/plain answers, or a folder of such files.",
        ),
    ] = DEFAULT_ANSWERS,
    grader: Annotated[str, typer.Option("--grader", "-g", help="rubric (offline) or llm.")] = "rubric",
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Grade answers written from each question's prompt alone (never from its rubric): does strong
    beat mediocre beat weak, does a plain-word answer keep up with the jargon one?"""
    from mockinterviewer.evals.blind_eval import evaluate_blind, load_blind
    from mockinterviewer.grading.rubric import RubricGrader

    entries = load_blind(answers)
    settings = load_settings()
    bank = load_bank(settings.bank_dir)
    if grader == "rubric":
        chosen = RubricGrader()
    elif grader == "llm":
        chosen, _ = configured_llm_grader()
    else:
        raise InputError(f"Unknown grader '{grader}'.", hint="Use --grader rubric or --grader llm.")
    result = evaluate_blind(bank, entries, chosen)
    if as_json:
        print(json.dumps(result.as_dict(), indent=2))
        return
    table = Table(title=f"Blind answers ({result.questions} questions, {grader} grader)")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row(
        "strong > mediocre > weak", f"{result.ordered}/{result.questions} ({100 * result.ordered_share:.0f} %)"
    )
    for kind, mean in result.means.items():
        table.add_row(f"mean {kind}", f"{mean:.2f}")
    table.add_row("plain below jargon (mean)", f"{result.plain_gap:.2f}")
    table.add_row("plain above mediocre", f"{result.plain_above_mediocre}/{result.questions}")
    table.add_row("weak answers with a criterion at level 3+", str(result.weak_with_high_level))
    console.print(table)
