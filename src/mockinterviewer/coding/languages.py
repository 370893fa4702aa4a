"""The supported languages: where each runtime lives, how a solution is compiled and run, its stub.

One `Language` record per language; nothing here starts a process (the runner does, through the
sandbox). Runtimes are looked up on the host: the system `python3` (so the sandbox needs only
`/usr`), `node` and the JDK's `javac`/`java` (their real paths, under `/usr/lib/jvm`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HARNESS_DIR = Path(__file__).parent / "harness"
JAVA_FLAGS = ("-Xss16m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CompressedClassSpaceSize=64m",
              "-XX:ReservedCodeCacheSize=48m", "-Xshare:auto", "-XX:-UsePerfData")


@dataclass(frozen=True)
class Language:
    name: str
    source: str  # the candidate's file name in the working directory
    harness: str  # the harness file in HARNESS_DIR
    comment: str  # line comment marker for the stub's header
    runtime: str  # the command whose absence makes the language unavailable
    package: str  # the Debian package that provides it


LANGUAGE_INFO = {
    "python": Language("python", "solution.py", "python_runner.py", "#", "python3", "python3"),
    "javascript": Language("javascript", "solution.js", "javascript_runner.js", "//", "node", "nodejs"),
    "java": Language("java", "Solution.java", "JavaRunner.java", "//", "javac", "default-jdk-headless"),
}


@cache
def runtime_path(command: str) -> str | None:
    """The real path of a runtime: /usr/bin/python3 rather than a virtualenv's or pyenv's shim."""
    preferred = f"/usr/bin/{command}"
    found = preferred if os.access(preferred, os.X_OK) else shutil.which(command)
    return os.path.realpath(found) if found else None


def readable_paths(lang: str) -> list[str]:
    """Paths outside /usr the runtime reads (the JDK's configuration lives in /etc)."""
    if lang != "java":
        return []
    javac = runtime_path("javac")
    if javac is None:
        return []
    home = Path(javac).parent.parent
    targets = {os.path.dirname(os.path.realpath(os.path.join(folder, name)))
               for folder, dirs, files in os.walk(home / "conf")
               for name in (*dirs, *files) if os.path.islink(os.path.join(folder, name))}
    outside = sorted(t for t in targets if not t.startswith("/usr/"))
    return [t for t in outside if not any(t.startswith(other + "/") for other in outside)]


def run_command(lang: str, runner_dir: str | None = None, classes: str = "classes") -> list[str]:
    """The harness's command line; `{fd}` is replaced by the results pipe's descriptor.

    Java's classpath is the compiled harness (`runner_dir`, else ./runner) and the candidate's
    `classes` folder (an absolute path inside the sandbox, relative without it).
    """
    info = LANGUAGE_INFO[lang]
    runtime = runtime_path(info.runtime)
    assert runtime is not None
    if lang == "python":
        return [runtime, "-X", "utf8", "-B", info.harness, "tests.json", "{fd}"]
    if lang == "javascript":
        return [runtime, "--max-old-space-size=256", "--single-threaded", info.harness, "tests.json", "{fd}"]
    java = str(Path(runtime).with_name("java"))
    classpath = f"{runner_dir or 'runner'}:{classes}"
    return [java, *JAVA_FLAGS, "-cp", classpath, "JavaRunner", "tests.json", "{fd}"]


def compile_command(lang: str, sources: list[str], out_dir: str = "classes") -> list[str] | None:
    """javac for Java (None for the other languages): quiet, no annotation processing."""
    if lang != "java":
        return None
    javac = runtime_path("javac")
    assert javac is not None
    flags = [f"-J{flag}" for flag in JAVA_FLAGS if not flag.startswith("-Xss")]
    return [javac, *flags, "-proc:none", "-nowarn", "-encoding", "UTF-8", "-d", out_dir, *sources]
