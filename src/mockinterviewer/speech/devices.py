"""Sound devices through sounddevice/PortAudio: the lazy import, device lookup, and errors that say what to do.

`sounddevice` is imported only when a device is first needed: it raises `OSError` at import when
the PortAudio library is missing, and the rest of the program must work without it.
"""

from __future__ import annotations

import importlib
from typing import Any

from mockinterviewer.errors import SpeechError

__all__ = ["device_error", "input_device_info", "load_sounddevice", "parse_device"]

_INSTALL_HINT = (
    "Install PortAudio (Debian/Ubuntu: sudo apt-get install libportaudio2; macOS: brew install portaudio) "
    "and the voice extra (pip install 'mockinterviewer[voice]'), or run the interview without --voice."
)


_import = importlib.import_module  # one seam, so tests can simulate a missing PortAudio


def load_sounddevice() -> Any:
    """The `sounddevice` module, or `SpeechError` saying how to install what is missing."""
    try:
        return _import("sounddevice")
    except ImportError:
        raise SpeechError("The sounddevice package is not installed.", hint=_INSTALL_HINT) from None
    except OSError as exc:
        raise SpeechError(f"The PortAudio library cannot be loaded ({exc}).", hint=_INSTALL_HINT) from None


def parse_device(device: str | int | None) -> str | int | None:
    """A device index given as text ("3") becomes an int; names and None pass through."""
    if isinstance(device, str):
        text = device.strip()
        if not text:
            return None
        return int(text) if text.isdigit() else text
    return device


def device_error(exc: BaseException, kind: str, device: str | int | None) -> SpeechError:
    """A `SpeechError` for a PortAudio failure opening a microphone (`kind="input"`) or speaker."""
    what = "microphone" if kind == "input" else "speaker"
    variable = "MOCKINTERVIEWER_VOICE_INPUT_DEVICE" if kind == "input" else "MOCKINTERVIEWER_VOICE_OUTPUT_DEVICE"
    named = f" '{device}'" if device is not None else ""
    if isinstance(exc, ValueError):
        message = f"No {what}{named} was found ({exc})."
    elif "querying device -1" in str(exc) or "-9996" in str(exc):
        message = f"No {what} is available (no default {kind} device)."
    else:
        message = f"Cannot open the {what}{named} ({exc})."
    hint = (
        f"Connect one, or pick another with {variable}=NAME_OR_INDEX "
        "(list them with 'mockinterviewer voice-check'); you can also answer by typing."
    )
    return SpeechError(message, hint=hint)


def input_device_info(device: str | int | None = None, kind: str = "input") -> dict[str, Any]:
    """PortAudio's description of the chosen device (name, default sample rate ...), or `SpeechError`."""
    sd = load_sounddevice()
    try:
        return dict(sd.query_devices(parse_device(device), kind=kind))
    except (ValueError, sd.PortAudioError) as exc:
        raise device_error(exc, kind, device) from None


def list_devices() -> list[dict[str, Any]]:
    """Every device PortAudio sees (index, name, input and output channel counts)."""
    sd = load_sounddevice()
    try:
        devices = sd.query_devices()
    except sd.PortAudioError as exc:
        raise SpeechError(f"Cannot list sound devices ({exc}).", hint=_INSTALL_HINT) from None
    return [
        {
            "index": i,
            "name": d["name"],
            "inputs": d["max_input_channels"],
            "outputs": d["max_output_channels"],
            "default_samplerate": d["default_samplerate"],
        }
        for i, d in enumerate(devices)
    ]
