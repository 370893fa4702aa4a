"""`mockinterviewer eval interviewer`: scripted candidates through whole rounds, with checks."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mockinterviewer.bank.loader import load_bank
from mockinterviewer.cli.eval_cmd import eval_app
from mockinterviewer.config import load_settings
from mockinterviewer.errors import InputError

console = Console(highlight=False)


@eval_app.command("interviewer")
def eval_interviewer(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    persona: Annotated[list[str] | None, typer.Option("--persona", help="Only these personas.")] = None,
    round_id: Annotated[list[str] | None, typer.Option("--round", help="Only these rounds.")] = None,
    seeds: Annotated[int, typer.Option("--seeds", min=1, max=10, help="Sessions per persona and round.")] = 1,
) -> None:
    """Run scripted candidates (strong, partial, silent, rambling, off-topic, gibberish, asks for the
    answer, prompt injection) through the loop's rounds, then each interviewer style (warm, neutral,
    tough) with the vague and rambling ones; exit non-zero when any check fails."""
    from mockinterviewer.evals.interviewer_eval import evaluate_interviewer
    from mockinterviewer.evals.personas import PERSONAS
    from mockinterviewer.service.wiring import build_grader, build_interviewer

    unknown = [p for p in persona or [] if p not in PERSONAS]
    if unknown:
        raise InputError(f"Unknown persona(s): {', '.join(unknown)}.", hint=f"Use: {', '.join(PERSONAS)}.")
    settings = load_settings()
    bank = load_bank(settings.bank_dir)
    loop = bank.loop(settings.default_loop)
    bad_rounds = [r for r in round_id or [] if r not in {x.id for x in loop.rounds}]
    if bad_rounds:
        raise InputError(f"Unknown round(s): {', '.join(bad_rounds)}.",
                         hint=f"Use: {', '.join(r.id for r in loop.rounds)}.")
    interviewer, label = build_interviewer(settings)
    grader, _ = build_grader(settings)
    if not as_json:
        console.print(label)
    result = evaluate_interviewer(bank, interviewer, grader, personas=persona or None, rounds=round_id or None,
                                  seeds=tuple(range(1, seeds + 1)), max_follow_ups=settings.max_follow_ups)
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        table = Table(title=f"Interviewer eval ({result['interviewer']}): "
                            f"{'all checks passed' if result['passed'] else 'FAILURES'}")
        for column in ("persona", "mean score", "check", "passed", "detail"):
            table.add_column(column, overflow="fold")
        for name, data in result["personas"].items():
            for i, check in enumerate(data["checks"]):
                table.add_row(name if i == 0 else "", f"{data['mean_score']:.2f}" if i == 0 else "",
                              check["name"], "yes" if check["passed"] else "[red]NO[/]", check["detail"])
        console.print(table)
        styles = result.get("styles")
        if styles:
            by_style = Table(title="Interviewer styles (vague and rambling personas): "
                                   f"{'all checks passed' if styles['passed'] else 'FAILURES'}")
            for column in ("check", "passed", "detail"):
                by_style.add_column(column, overflow="fold")
            for check in styles["checks"]:
                if not check["passed"] or "/" not in check["name"]:  # the per-style behaviour checks when they fail
                    by_style.add_row(check["name"], "yes" if check["passed"] else "[red]NO[/]", check["detail"])
            console.print(by_style)
    if not result["passed"]:
        raise typer.Exit(1)
