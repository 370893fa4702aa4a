"""Running an untrusted command: bubblewrap for isolation, resource limits on top, nothing left behind.

Each run is a separate process tree: `bwrap` with every namespace unshared (no network, its own
PIDs), a read-only view of the language runtime (`/usr` and the paths a language adds), a fresh
working directory as the only writable place (plus an empty `/tmp`), and rlimits set before exec:
CPU seconds, address space, file size, open files and processes. As root, the code also runs
under a uid of its own, so the process limit counts only its processes and a sweep of that uid
at the end leaves none behind. Without bubblewrap only the limits apply (`isolated` is False).

The caller watches the run through `Watch`: it receives the harness's protocol lines and says
until when the run may go on; output past `Limits.output_bytes` ends the run.
"""

from __future__ import annotations

import contextlib
import os
import resource
import secrets
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

WORKDIR = "/work"  # where the working directory appears inside the sandbox


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 30
    memory_bytes: int = 1024 * 2**20  # address space (RLIMIT_AS)
    output_bytes: int = 1 * 2**20  # the candidate's stdout and stderr together
    protocol_bytes: int = 32 * 2**20  # the harness's results
    file_bytes: int = 16 * 2**20
    processes: int = 64
    open_files: int = 64


@dataclass(frozen=True)
class Finished:
    """How a run ended: `exited` (returncode), `deadline`, `output` (over the cap)."""

    ending: str
    returncode: int | None
    output: str
    seconds: float


class Watch(Protocol):
    def line(self, text: str) -> None: ...

    def deadline(self) -> float: ...  # time.monotonic() value after which the run is stopped


class Sandbox:
    """Starts commands in a working directory with bubblewrap (when present) and limits."""

    def __init__(self, *, isolate: bool = True) -> None:
        """isolate=False runs with resource limits only, as when bubblewrap is missing (for tests)."""
        found = shutil.which("bwrap") if isolate else None
        self.bwrap = found if found is not None and _bwrap_works(found) else None

    @property
    def isolated(self) -> bool:
        return self.bwrap is not None

    def run(self, argv: Sequence[str], workdir: Path, limits: Limits, watch: Watch,
            readable: Sequence[str] = ()) -> Finished:
        """Run `argv` (absolute runtime paths; files relative to the working directory)."""
        uid = _fresh_uid() if os.geteuid() == 0 else None
        if uid is not None:
            os.chown(workdir, uid, uid)
            for path in workdir.rglob("*"):
                os.chown(path, uid, uid)
        proto_read, proto_write = os.pipe()
        if uid is not None:  # the JVM reopens the pipe as /proc/self/fd/N, which checks its owner
            os.fchown(proto_write, uid, uid)
        command = [*self._wrap(workdir, readable), *argv] if self.isolated else list(argv)
        command = [a.replace("{fd}", str(proto_write)) for a in command]
        env = {"PATH": "/usr/bin:/bin", "HOME": WORKDIR if self.isolated else str(workdir), "LANG": "C.UTF-8",
               "MALLOC_ARENA_MAX": "2"}  # glibc reserves 64 MB of address space per arena otherwise
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                command, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, pass_fds=(proto_write,), start_new_session=True,
                preexec_fn=_limiter(limits, uid),
            )
        finally:
            os.close(proto_write)
        try:
            ending, output = _watch(process, proto_read, limits, watch)
        finally:
            os.close(proto_read)
            _kill(process, uid)
        return Finished(ending, process.returncode if ending == "exited" else None,
                        output.decode("utf-8", "replace"), time.monotonic() - started)

    def _wrap(self, workdir: Path, readable: Sequence[str]) -> list[str]:
        assert self.bwrap is not None
        args = [self.bwrap, "--unshare-all", "--die-with-parent", "--new-session", *_system_mounts(),
                "--tmpfs", "/tmp"]
        for path in readable:  # after /tmp, which would hide a path under it
            if os.path.exists(path) and not path.startswith("/usr/"):
                args += ["--ro-bind", path, path]
        args += ["--bind", str(workdir), WORKDIR, "--chdir", WORKDIR, "--"]
        return args


def _system_mounts() -> list[str]:
    """/usr read-only (with /bin, /lib ... as the host has them), a fresh /proc and a minimal /dev."""
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    return [*args, "--proc", "/proc", "--dev", "/dev"]


@cache
def _bwrap_works(bwrap: str) -> bool:
    """Whether bubblewrap can create its namespaces here, as the uid the code would run as.

    It cannot where unprivileged user namespaces are disabled (some kernels, AppArmor policies,
    containers); the code then runs with resource limits only, after the usual warning.
    """
    uid = _fresh_uid() if os.geteuid() == 0 else None
    command = [bwrap, "--unshare-all", "--die-with-parent", *_system_mounts(), "--", "/usr/bin/true"]
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=10,
                              preexec_fn=_limiter(Limits(), uid), cwd="/")
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _fresh_uid() -> int:
    """A uid no process uses, so the process limit and the final sweep see only this run."""
    while True:
        uid = 200_000 + secrets.randbelow(60_000)
        if not _pids_of(uid):
            return uid


def _pids_of(uid: int) -> list[int]:
    """Live processes of `uid` (zombies, already dead and waiting to be reaped, are left out)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            with open(f"/proc/{entry}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in (b"Z", b"X"):
            pids.append(int(entry))
    return pids


def _limiter(limits: Limits, uid: int | None):  # type: ignore[no-untyped-def]
    def apply() -> None:  # runs in the child between fork and exec: no Python objects shared
        cpu = limits.cpu_seconds
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if uid is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
        else:  # the user's own processes count too: allow that many more
            allowed = len(_pids_of(os.getuid())) + limits.processes
            resource.setrlimit(resource.RLIMIT_NPROC, (allowed, allowed))
    return apply


def _watch(process: subprocess.Popen[bytes], proto_fd: int, limits: Limits, watch: Watch) -> tuple[str, bytes]:
    assert process.stdout is not None
    output = bytearray()
    pending = b""
    proto_seen = 0
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ, "output")
    selector.register(proto_fd, selectors.EVENT_READ, "proto")
    open_streams = 2
    try:
        while open_streams:
            remaining = watch.deadline() - time.monotonic()
            if remaining <= 0:
                return "deadline", bytes(output)
            for key, _ in selector.select(timeout=min(remaining, 0.5)):
                fd = key.fd
                chunk = os.read(fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                if key.data == "output":
                    output += chunk
                    if len(output) > limits.output_bytes:
                        return "output", bytes(output[: limits.output_bytes])
                    continue
                proto_seen += len(chunk)
                if proto_seen > limits.protocol_bytes:
                    return "output", bytes(output)
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    watch.line(line.decode("utf-8", "replace"))
            if process.poll() is not None and open_streams and not selector.select(timeout=0.05):
                break  # the main process ended; a lingering child holding the pipes does not count
        process.wait(timeout=max(0.1, watch.deadline() - time.monotonic()))
        return "exited", bytes(output)
    except subprocess.TimeoutExpired:
        return "deadline", bytes(output)
    finally:
        selector.close()


def _kill(process: subprocess.Popen[bytes], uid: int | None) -> None:
    """End the whole process tree: its process group, then every process left with its uid."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.stdout is not None:
        process.stdout.close()
    process.wait()  # reaped first, so the sweep below sees only processes that escaped the group
    if uid is None:
        return
    for _ in range(100):
        pids = _pids_of(uid)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.01)
