"""Files named by the user or holding private data: owner-only folders and files, output files that
never silently replace an existing file nor follow a symbolic link, and input read with a size cap
(so `/dev/zero` or a huge file is refused instead of exhausting memory)."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import BinaryIO

from mockinterviewer.errors import InputError

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def private_dir(path: Path) -> bool:
    """Create `path` (and its parents) if needed and make it owner-only (0700), whatever the umask.

    Returns True when an existing folder was open to other accounts and had to be tightened.
    """
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077 or not existed:
        os.chmod(path, PRIVATE_DIR_MODE)
    return existed and bool(mode & 0o077)


def private_file(path: Path) -> bool:
    """Create `path` empty if it does not exist, and make it owner-only (0600) whatever the umask.

    Returns True when an existing file was readable by other accounts and had to be tightened.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, PRIVATE_FILE_MODE)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, PRIVATE_FILE_MODE)
            return True
        return False
    os.fchmod(fd, PRIVATE_FILE_MODE)
    os.close(fd)
    return False


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode)
    try:
        if mode == PRIVATE_FILE_MODE:
            os.fchmod(fd, mode)  # exact, whatever the umask
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def write_output(path: Path, data: bytes, *, overwrite: bool = False, mode: int = PRIVATE_FILE_MODE) -> None:
    """Write a new file at `path`. Refuses an existing file unless `overwrite`, and never follows a
    symbolic link (a link at `path` is refused, even with `overwrite`).

    An overwrite writes a temporary file beside `path` and renames it over `path`, so a failure leaves
    the old file whole. Raises `InputError` saying what to do.
    """
    path = Path(path)
    if path.is_symlink():
        raise InputError(
            f"{path} is a symbolic link; output files are never written through links.",
            hint="Remove the link or choose another path.",
        )
    try:
        if not overwrite:
            _write_new(path, data, mode)
            return
        if path.exists() and not path.is_file():
            raise InputError(f"{path} exists and is not a regular file.", hint="Choose another path.")
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            _write_new(tmp, data, mode)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except FileExistsError:
        raise InputError(
            f"{path} already exists; it was left as it is.", hint="Pass --force to replace it, or choose another path."
        ) from None
    except OSError as exc:
        raise InputError(f"Cannot write {path}: {exc.strerror or exc}.", hint="Choose a writable path.") from None


def read_capped(source: Path | BinaryIO, limit: int, *, what: str) -> bytes:
    """At most `limit` bytes of a file (or an open binary stream such as stdin).

    Raises `InputError` naming `what` when there is more, or when the file cannot be read.
    """
    name = getattr(source, "name", str(source))
    try:
        if isinstance(source, Path):
            with source.open("rb") as handle:
                data = handle.read(limit + 1)
        else:
            data = source.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{what} {name} does not exist.", hint="Pass an existing file.") from None
    except OSError as exc:
        raise InputError(
            f"Cannot read {what.lower()} {name}: {exc.strerror or exc}.", hint="Pass a readable text file."
        ) from None
    if len(data) > limit:
        raise InputError(
            f"{what} {name} is larger than {limit // 1_000_000} MB; only that much is read.",
            hint="Pass a smaller text file.",
        )
    return data
