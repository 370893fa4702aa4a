"""The root Typer app, its error handling, and the registration of every command group."""

from __future__ import annotations

import importlib

import typer

from mockinterviewer.errors import MockInterviewerError

ENVIRONMENT_HELP = (
    "Environment: MOCKINTERVIEWER_HOME (data directory: database, audio, exports), "
    "MOCKINTERVIEWER_DATABASE_URL (SQLAlchemy URL, e.g. PostgreSQL), "
    "MOCKINTERVIEWER_BANK_DIR (question bank folder holding questions/ and loops/; default: the shipped bank), "
    "MOCKINTERVIEWER_LLM (auto, llm or offline), OPENAI_API_KEY / OPENAI_BASE_URL / MOCKINTERVIEWER_MODEL."
)

app = typer.Typer(
    name="mockinterviewer",
    help="Rehearse real interview loops with an AI interviewer and rubric grading backed by your own words.",
    epilog=ENVIRONMENT_HELP,
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
    "mockinterviewer.cli.eval_blind_cmd",
    "mockinterviewer.cli.voice_cmd",
    "mockinterviewer.cli.code_cmd",
    "mockinterviewer.cli.user_cmd",
    "mockinterviewer.cli.serve_cmd",
]


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def _usage_error(exc: Exception) -> tuple[str, str | None, int] | None:
    """(what is wrong, how to fix it, exit code) of a command-line error, else None.

    The hint is None for a bare group name (`mockinterviewer bank`): the message is then its help.

    Typer raises its own copy of click's exceptions (newer Typer) or click's (older Typer): both
    are recognised by what they carry, so neither ever reaches the user as a traceback.
    """
    format_message = getattr(exc, "format_message", None)
    code = getattr(exc, "exit_code", None)
    if not callable(format_message) or not isinstance(code, int):
        return None
    ctx = getattr(exc, "ctx", None)
    command = getattr(ctx, "command_path", None) or "mockinterviewer"
    if type(exc).__name__ == "NoArgsIsHelpError":
        return format_message(), None, 2
    if code == 2:  # a usage error: unknown command or option, bad or missing value
        return format_message(), f"See '{command} --help' for what it accepts.", 2
    return format_message(), "", code


def run(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (see `errors.py`). Prints one clear message, never a traceback."""
    import click
    from rich.console import Console

    from mockinterviewer.safe_text import strip_controls

    _register()
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    try:
        result = app(args=argv, standalone_mode=False)
    except MockInterviewerError as exc:
        err.print("Error: ", style="bold red", end="")
        err.print(strip_controls(exc.message), markup=False)
        if exc.hint:
            err.print(strip_controls(exc.hint), markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("\nInterrupted. Everything up to the last completed turn is saved.", markup=False)
        return 130
    except (typer.Exit, click.exceptions.Exit) as exc:
        return int(getattr(exc, "exit_code", 0) or 0)
    except (typer.Abort, click.exceptions.Abort):
        err.print("Aborted.")
        return 1
    except (typer.TyperException, click.ClickException) as exc:
        usage = _usage_error(exc)
        if usage is None:
            raise
        message, hint, code = usage
        if hint is not None:
            err.print("Error: ", style="bold red", end="")
        err.print(strip_controls(message).rstrip("\n"), markup=False)
        if hint:
            err.print(hint, markup=False)
        return code
    return result if isinstance(result, int) else 0
