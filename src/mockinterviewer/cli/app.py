"""The root Typer app, its error handling, and the registration of every command group."""

from __future__ import annotations

import importlib

import typer

from mockinterviewer.errors import MockInterviewerError

app = typer.Typer(
    name="mockinterviewer",
    help="Rehearse real interview loops with an AI interviewer and rubric grading backed by your own words.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module registers its commands on `app` (or a sub-app) when imported.
COMMAND_MODULES = [
    "mockinterviewer.cli.bank_cmd",
    "mockinterviewer.cli.interview_cmd",
    "mockinterviewer.cli.eval_cmd",
    "mockinterviewer.cli.eval_interviewer_cmd",
    "mockinterviewer.cli.voice_cmd",
]


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def run(argv: list[str] | None = None) -> int:
    from rich.console import Console

    _register()
    err = Console(stderr=True, soft_wrap=True)
    try:
        result = app(args=argv, standalone_mode=False)
    except MockInterviewerError as exc:
        err.print("Error: ", style="bold red", end="")
        err.print(exc.message, markup=False, highlight=False)
        if exc.hint:
            err.print(exc.hint, markup=False, highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("\nInterrupted. Everything up to the last completed turn is saved.")
        return 130
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        err.print("Aborted.")
        return 1
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        raise
    return result if isinstance(result, int) else 0
