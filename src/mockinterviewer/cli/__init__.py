"""The `mockinterviewer` command: one Typer app; each sub-module adds its commands.

Thin on purpose: parse, call the library, render. Library errors become one clear message and an
exit code, never a traceback.
"""

from __future__ import annotations

import sys

from mockinterviewer.cli.app import app, run

__all__ = ["app", "main"]


def main() -> None:
    sys.exit(run())
