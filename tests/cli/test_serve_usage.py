"""`mockinterviewer serve` on an address it cannot listen on: one message and exit 5 before any server starts,
never uvicorn's log lines after a "Serving on" that was not true."""

from __future__ import annotations

import socket

import pytest

from tests.cli.helpers import cli


@pytest.fixture(autouse=True)
def _no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the server was started")

    monkeypatch.setattr(uvicorn, "run", refuse)


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, out, err = cli(capsys, "serve", *args)
    assert code == 5, err
    assert "Traceback" not in out + err and "Serving on" not in out + err
    assert len([line for line in err.splitlines() if line.strip()]) == 2, err  # what is wrong, what to do
    return err


def test_a_port_in_use_is_one_message(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = _refused(capsys, "--port", str(port))
    assert f"Port {port} on 127.0.0.1 is in use" in err and "--port" in err


def test_an_unknown_host_or_another_machines_address_is_one_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert "no such host name or address" in _refused(capsys, "--host", "no-such-host.invalid")
    assert "not an address of this machine" in _refused(capsys, "--host", "192.0.2.1")  # TEST-NET-1
