"""Background noise made with sox for the voice-activity tests: a fan-like hum and keyboard clicks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np

from mockinterviewer.speech.audio import SAMPLE_RATE, load_audio
from tests.speech.conftest import missing

RATE = ["-r", str(SAMPLE_RATE), "-c", "1", "-b", "16"]


def sox(folder: Path, name: str, *effects: str, seconds: float) -> np.ndarray:
    """`sox -n ... synth` into `folder/name`, read back as 16 kHz int16 (repeatable: -R)."""
    if shutil.which("sox") is None:
        missing("sox is not installed (apt-get install sox)")
    path = folder / name
    subprocess.run(["sox", "-R", "-n", *RATE, str(path), "synth", f"{seconds}", *effects], check=True,
                   capture_output=True)
    return load_audio(path)


def hum(folder: Path, seconds: float) -> np.ndarray:
    """A fan: low-passed brown noise and a 100 Hz motor tone, about 20 dB under espeak-ng's speech."""
    brown = sox(folder, "brown.wav", "brownnoise", "lowpass", "600", "vol", "0.08", seconds=seconds)
    motor = sox(folder, "motor.wav", "sine", "100", "vol", "0.01", seconds=seconds)
    return (brown.astype(np.int32) + motor)[: int(seconds * SAMPLE_RATE)].clip(-32768, 32767).astype(np.int16)


def keyboard(folder: Path, seconds: float, seed: int = 3) -> np.ndarray:
    """Typing: a sox-made key click repeated 5 to 9 times a second, in bursts."""
    click = sox(folder, "click.wav", "whitenoise", "highpass", "1500", "fade", "0", "0.015", "0.012", "vol", "0.35",
                seconds=0.015).astype(np.int32)
    rng = np.random.default_rng(seed)
    track = np.zeros(int(seconds * SAMPLE_RATE) + click.size, np.int32)
    t = 0.2
    while t < seconds:
        burst_end = t + rng.uniform(1.5, 3.0)
        while t < min(burst_end, seconds):
            at = int(t * SAMPLE_RATE)
            track[at : at + click.size] += (click * rng.uniform(0.4, 1.0)).astype(np.int32)
            t += rng.uniform(0.11, 0.2)
        t += rng.uniform(0.3, 1.0)
    return track[: int(seconds * SAMPLE_RATE)].clip(-32768, 32767).astype(np.int16)


def mix(*tracks: np.ndarray) -> np.ndarray:
    """The tracks played together (each from the start; the result is as long as the longest)."""
    out = np.zeros(max(t.size for t in tracks), np.int32)
    for t in tracks:
        out[: t.size] += t
    return out.clip(-32768, 32767).astype(np.int16)
