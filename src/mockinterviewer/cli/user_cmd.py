"""`mockinterviewer user ...`: coach and candidate accounts, and which coach follows which candidate.

The password is read without echo from the terminal (asked twice), or as one line from stdin when
stdin is not a terminal (`printf '%s\\n' "$PW" | mockinterviewer user add ada --role candidate`). It
is hashed with Argon2 at once: never printed, logged nor stored in clear.

`user password NAME` sets a new password and ends every browser login of the account at once.

Exit codes (errors.py): 3 for an unknown user, 5 for a wrong role, a taken name or an unusable password.
"""

from __future__ import annotations

import getpass
import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mockinterviewer.cli.app import app
from mockinterviewer.config import load_settings
from mockinterviewer.errors import InputError
from mockinterviewer.safe_text import rich_safe
from mockinterviewer.store import open_store
from mockinterviewer.store.accounts import MAX_PASSWORD, Accounts, check_name, check_password, parse_role

user_app = typer.Typer(help="Accounts: coaches and candidates (a candidate's sessions are those held with "
                            "--candidate NAME).", no_args_is_help=True)
app.add_typer(user_app, name="user")

console = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _accounts() -> Accounts:
    store = open_store(load_settings())
    for line in store.notices:
        err.print(line, markup=False)
    return Accounts(store)


def read_password() -> str:
    """Twice without echo from a terminal; else the first line of stdin (its line ending removed)."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise InputError("The two passwords differ.", hint="Run the command again and type the same password.")
        return check_password(first)
    line = sys.stdin.readline(MAX_PASSWORD + 2) if sys.stdin is not None else ""
    password = line.removesuffix("\n").removesuffix("\r")
    if not password:
        raise InputError("No password on stdin.", hint="Give the password as one line on stdin, or run in a terminal.")
    return check_password(password)


@user_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The account's name (a candidate's: the --candidate of their sessions).")],
    role: Annotated[str, typer.Option("--role", help="coach or candidate.")],
) -> None:
    """Create an account; its password is asked twice (or read as one line from stdin)."""
    account_role, name = parse_role(role), check_name(name)
    accounts = _accounts()
    if accounts.find(name) is not None:
        raise InputError(f"A user named '{name}' already exists.", hint="Choose another name.")
    account = accounts.add_user(name, account_role, read_password())
    console.print(f"Added the {account.role.value} ", rich_safe(account.name), ".", sep="")


@user_app.command("password")
def password(
    name: Annotated[str, typer.Argument(help="The account's name.")],
) -> None:
    """Set a new password (asked twice, or one line from stdin); every browser login of the account ends."""
    accounts = _accounts()
    account = accounts.get(name)
    ended = accounts.set_password(account.name, read_password())
    logins = f"; {ended} browser login{'s' if ended != 1 else ''} ended" if ended else ""
    console.print("New password set for ", rich_safe(account.name), logins, ".", sep="")


@user_app.command("assign")
def assign(
    coach: Annotated[str, typer.Argument(help="A coach's name.")],
    candidate: Annotated[str, typer.Argument(help="A candidate's name.")],
) -> None:
    """Let COACH see and review CANDIDATE's sessions."""
    added = _accounts().assign(coach, candidate)
    what = "now follows" if added else "already follows"
    console.print(rich_safe(coach), f" {what} ", rich_safe(candidate), ".", sep="")


@user_app.command("list")
def list_users(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: name, role, created_at, assigned.")] = False,
) -> None:
    """Every account with its role, and the candidates of each coach (the coaches of each candidate)."""
    rows = _accounts().list_users()
    if as_json:
        print(json.dumps([{"name": r.account.name, "role": r.account.role.value,
                           "created_at": r.account.created_at.isoformat(), "assigned": r.assigned} for r in rows],
                         indent=2, ensure_ascii=False))
        return
    if not rows:
        console.print("No accounts yet. Add one with 'mockinterviewer user add NAME --role coach|candidate'.")
        return
    table = Table("name", "role", "follows / followed by", "created")
    for r in rows:
        table.add_row(rich_safe(r.account.name), r.account.role.value, rich_safe(", ".join(r.assigned)),
                      r.account.created_at.strftime("%Y-%m-%d"))
    console.print(table)
