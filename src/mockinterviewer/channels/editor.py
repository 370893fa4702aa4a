"""Open the candidate's own text editor on a file and wait for it to close.

The editor is `$VISUAL`, else `$EDITOR` (either may carry arguments, e.g. "code --wait"), else
the first of a few common terminal editors that exists. None at all is one clear message.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from mockinterviewer.errors import InputError

FALLBACK_EDITORS = ("nano", "vim", "vi", "micro", "emacs")


def editor_command(env: dict[str, str] | None = None) -> list[str]:
    """The editor to run, as an argument list; raises InputError when there is none."""
    env = dict(os.environ) if env is None else env
    for variable in ("VISUAL", "EDITOR"):
        value = env.get(variable, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError:
                raise InputError(f"${variable} ({value}) cannot be read as a command.",
                                 hint=f"Set {variable} to an editor, e.g. {variable}=nano.") from None
            if words and shutil.which(words[0], path=env.get("PATH")):
                return words
            raise InputError(f"${variable} names '{words[0] if words else value}', which is not installed.",
                             hint=f"Set {variable} to an installed editor, or give a file: /code PATH.")
    for name in FALLBACK_EDITORS:
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return [found]
    raise InputError("No text editor found (set $VISUAL or $EDITOR).",
                     hint="Or paste your code between two ``` lines, or give a file: /code PATH.")


def edit(path: Path, env: dict[str, str] | None = None) -> None:
    """Run the editor on `path` in this terminal and wait; raises InputError when it cannot run."""
    command = [*editor_command(env), str(path)]
    try:
        completed = subprocess.run(command, check=False)
    except OSError as exc:
        raise InputError(f"Cannot start the editor {command[0]}: {exc.strerror or exc}.",
                         hint="Set $VISUAL or $EDITOR to an installed editor, or give a file: /code PATH.") from None
    if completed.returncode != 0:
        raise InputError(f"The editor {Path(command[0]).name} exited with status {completed.returncode}; "
                         "your last saved file is kept.", hint="Open it again with /code.")
