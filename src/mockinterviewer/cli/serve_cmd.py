"""`mockinterviewer serve`: the web app for coaches and candidates, under uvicorn.

Needs the `web` extra (`pip install 'mockinterviewer[web]'`). It listens on 127.0.0.1 unless told
otherwise; put it behind a TLS-terminating proxy before exposing it to a network.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

from mockinterviewer.cli.app import app
from mockinterviewer.config import load_settings
from mockinterviewer.errors import InputError

err = Console(stderr=True, highlight=False, soft_wrap=True)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Server processes.")] = 1,
    secure_cookie: Annotated[bool, typer.Option(
        "--secure-cookie", help="Mark the login cookie Secure (HTTPS only): use it behind a TLS proxy.")] = False,
) -> None:
    """Serve the web app: the sessions list, transcripts with grades, coach overrides and comments."""
    try:
        import uvicorn

        from mockinterviewer.web.app import SECURE_COOKIE_ENV, create_app
    except ModuleNotFoundError as exc:
        raise InputError(f"The web app needs {exc.name}, which is not installed.",
                         hint="Install the web extra: pip install 'mockinterviewer[web]'") from None
    settings = load_settings()
    os.environ[SECURE_COOKIE_ENV] = "1" if secure_cookie else "0"  # read by every worker's app
    create_app(settings)  # fail here, with one clear message, rather than in every worker
    err.print(f"Serving on http://{host}:{port}/ (Ctrl-C stops it). Accounts: mockinterviewer user add NAME "
              "--role coach|candidate", markup=False)
    uvicorn.run("mockinterviewer.web.app:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level="info", server_header=False)
