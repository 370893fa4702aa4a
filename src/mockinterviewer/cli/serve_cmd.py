"""`mockinterviewer serve`: the web app for coaches and candidates, under uvicorn.

Needs the `web` extra (`pip install 'mockinterviewer[web]'`). It listens on 127.0.0.1 unless told
otherwise; put it behind a TLS-terminating proxy before exposing it to a network.
"""

from __future__ import annotations

import errno
import os
import socket
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
    """Serve the web app: sessions with grades, coach overrides and comments, progress, exports and
    interviews in the browser."""
    try:
        import uvicorn

        from mockinterviewer.web.app import SECURE_COOKIE_ENV, create_app
    except ModuleNotFoundError as exc:
        raise InputError(f"The web app needs {exc.name}, which is not installed.",
                         hint="Install the web extra: pip install 'mockinterviewer[web]'") from None
    settings = load_settings()
    os.environ[SECURE_COOKIE_ENV] = "1" if secure_cookie else "0"  # read by every worker's app
    create_app(settings)  # fail here, with one clear message, rather than in every worker
    check_address(host, port)  # a port in use or an unknown host: one message, before the server starts
    err.print(f"Serving on http://{host}:{port}/ (Ctrl-C stops it). Accounts: mockinterviewer user add NAME "
              "--role coach|candidate", markup=False)
    uvicorn.run("mockinterviewer.web.app:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level="info", server_header=False)


def check_address(host: str, port: int) -> None:
    """Refuse, with one message, an address the server could not listen on: an unknown host name, an address of
    another machine, a port in use or one that needs administrator rights. (Bound and closed at once, as
    uvicorn binds it; a server that takes the port in between still gets uvicorn's own error.)"""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror:
        raise InputError(f"Cannot listen on {host}: no such host name or address.",
                         hint="Give --host an address of this machine: 127.0.0.1 (the default) or 0.0.0.0 "
                              "(every network interface).") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds it
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError(f"Port {port} on {host} is in use: another program is listening on it.",
                                 hint="Stop that program, or pick another port with --port.") from None
            if exc.errno == errno.EACCES:
                raise InputError(f"Listening on port {port} needs administrator rights.",
                                 hint="Pick a port above 1023 with --port (the default is 8000).") from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise InputError(f"Cannot listen on {host}: it is not an address of this machine.",
                                 hint="Give --host 127.0.0.1 (the default) or 0.0.0.0 (every network "
                                      "interface).") from None
            raise InputError(f"Cannot listen on {host} port {port}: {exc.strerror}.",
                             hint="Pick another address with --host or port with --port.") from None
