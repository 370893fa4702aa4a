"""`mockinterviewer eval ...`: measure the grader (and, elsewhere, the interviewer) against references.

Owns the `eval` sub-app and its `grader` command: grade a human-graded CSV and print how well the
grader agrees with the humans (a Rich table, or `--json`). Other modules add commands to `eval_app`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from mockinterviewer.cli.app import app
from mockinterviewer.errors import InputError

__all__ = ["eval_app"]

eval_app = typer.Typer(
    help="Measure the grader against human grades and the interviewer against scripted candidates.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")

console = Console(highlight=False)

_FIGURES = ("pearson", "spearman", "qwk", "mae", "rmse", "exact", "within_one", "n")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}"


def configured_llm_grader() -> tuple[Any, str]:
    try:
        from mockinterviewer.config import load_settings
        from mockinterviewer.service.wiring import build_grader
    except ImportError as exc:
        raise InputError(
            f"The LLM grader is not available in this installation ({exc}).",
            hint="Use --grader rubric, or install a version of mockinterviewer that includes the LLM grader.",
        ) from None
    grader, label = build_grader(load_settings())
    if getattr(grader, "name", "") == "rubric":
        raise InputError(
            "No language model is configured, so --grader llm would only run the rubric grader again.",
            hint="Configure a model (the MOCKINTERVIEWER_ settings) or use --grader rubric.",
        )
    return grader, label


@eval_app.command("grader")
def eval_grader(
    dataset: Annotated[
        Path,
        typer.Option("--dataset", "-d", help="Human-graded CSV (Mohler, SAF, or question/reference/answer/score)."),
    ],
    grader: Annotated[str, typer.Option("--grader", "-g", help="rubric (offline) or llm.")] = "rubric",
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Grade at most N answers, spread over the file.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    idf: Annotated[
        bool,
        typer.Option(
            "--idf", help="Rubric grader: weigh terms by their IDF over the question's answers (experimental)."
        ),
    ] = False,
) -> None:
    """Grade every answer of a human-graded CSV and report agreement with the human grades."""
    from mockinterviewer.evals.datasets import load_dataset
    from mockinterviewer.evals.grader_eval import evaluate, rubric_grader_for

    data = load_dataset(dataset).limited(limit)
    if grader == "rubric":
        factory = rubric_grader_for(corpus_idf=idf)
        label = "rubric"
    elif grader == "llm":
        llm, label = configured_llm_grader()

        def factory(question: Any, answers: list[str]) -> Any:
            return llm
    else:
        raise InputError(f"Unknown grader '{grader}'.", hint="Use --grader rubric or --grader llm.")
    result = evaluate(data, factory, label=label)
    if as_json:
        print(json.dumps(result.as_dict(), indent=2))
        return
    _render(result)


def _render(result: Any) -> None:
    overall = result.overall.as_dict()
    human = result.human.as_dict() if result.human else None
    table = Table(title=f"Grader agreement on {result.dataset} ({result.grader}, {result.overall.n} answers)")
    table.add_column("figure")
    table.add_column("grader vs humans", justify="right")
    if human:
        table.add_column("human vs human", justify="right")
    for key in _FIGURES:
        row = [key, _fmt(overall[key])]
        if human:
            row.append(_fmt(human[key]))
        table.add_row(*row)
    console.print(table)
    per = Table(title="Per question")
    per.add_column("question", no_wrap=True, max_width=44, overflow="ellipsis")
    for column in ("n", "pearson", "qwk", "mae", "exact", "within_one"):
        per.add_column(column, justify="right")
    for q in result.per_question:
        a = q.agreement.as_dict()
        per.add_row(
            f"{q.question_id} {' '.join(q.question.split())}",
            *(_fmt(a[k]) for k in ("n", "pearson", "qwk", "mae", "exact", "within_one")),
        )
    console.print(per)
    console.print(
        f"{result.overall.n} answers graded in {result.seconds:.1f} s "
        f"({1000 * result.seconds / max(1, result.overall.n):.1f} ms per answer)."
    )
