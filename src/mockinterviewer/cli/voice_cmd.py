"""`mockinterviewer transcribe` and `mockinterviewer voice-check`: speech from files, and device diagnosis."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from mockinterviewer.cli.app import app
from mockinterviewer.errors import SpeechError
from mockinterviewer.grading.delivery_words import delivery_figures

console = Console(highlight=False)


def _vocabulary(question_id: str | None) -> str:
    if question_id is None:
        return ""
    from mockinterviewer.bank.loader import load_bank
    from mockinterviewer.config import load_settings
    from mockinterviewer.interview.orchestrator import question_vocabulary

    return question_vocabulary(load_bank(load_settings().bank_dir).question(question_id))


@app.command("transcribe")
def transcribe(
    audio_file: Annotated[Path, typer.Argument(help="An audio file (WAV, FLAC, MP3, Ogg, M4A, WebM ...).")],
    question: Annotated[
        str | None, typer.Option("--question", help="Prime recognition with this bank question's words.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: text, segments, duration, delivery.")] = False,
    model: Annotated[
        str | None, typer.Option("--model", help="tiny.en (default), base, or a CTranslate2 model directory.")
    ] = None,
) -> None:
    """Transcribe an answer recorded in a file, the way a spoken interview answer is transcribed."""
    from mockinterviewer.speech import delivery
    from mockinterviewer.speech.pipeline import transcribe_file
    from mockinterviewer.speech.settings import load_voice_settings

    vocabulary = _vocabulary(question)
    settings = load_voice_settings(**({"stt_model": model} if model else {}))
    heard = transcribe_file(audio_file, vocabulary, settings=settings)
    if not heard.text:
        raise SpeechError(
            f"No speech was recognised in {audio_file} ({heard.transcript.duration:.1f} s of audio).",
            hint="The recording may be silent or only noise; check the microphone level and record again.",
        )
    if as_json:
        data = heard.to_dict()
        data["question"] = question
        typer.echo(json.dumps(data, indent=2))
        return
    console.print(escape(heard.text), soft_wrap=True)
    d = heard.delivery
    figures = ", ".join(delivery_figures(d))
    console.print(
        f"[dim]{heard.transcript.duration:.1f} s of audio: {escape(figures)}; "
        f"transcribed in {heard.transcript.stt_ms} ms[/]"
    )
    for line in delivery.feedback(d):
        console.print(f"[dim]- {escape(line)}[/]")


@app.command("voice-check")
def voice_check(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check what a voice interview needs: PortAudio, microphone, speaker, espeak-ng, speech model, end of answer."""
    from mockinterviewer.speech.devices import input_device_info, list_devices
    from mockinterviewer.speech.models import resolve
    from mockinterviewer.speech.settings import load_voice_settings
    from mockinterviewer.speech.vad import describe_detector

    settings = load_voice_settings()
    checks: dict[str, Any] = {}

    def attempt(name: str, fn: Any) -> None:
        try:
            checks[name] = {"ok": True, "detail": fn()}
        except SpeechError as exc:
            checks[name] = {"ok": False, "detail": exc.message, "hint": exc.hint}

    attempt("devices", lambda: list_devices())
    attempt("microphone", lambda: input_device_info(settings.input_device, "input")["name"])
    attempt("speaker", lambda: input_device_info(settings.output_device, "output")["name"])
    espeak = shutil.which("espeak-ng") or shutil.which("espeak")
    checks["espeak-ng"] = {"ok": espeak is not None, "detail": espeak or "not found",
                           "hint": None if espeak else "sudo apt-get install espeak-ng (or brew install espeak-ng)"}
    attempt("speech model", lambda: resolve(settings.stt_model).describe())  # which model, and where
    attempt("end of answer", lambda: f"{describe_detector(settings.vad)}, after "
            f"{settings.thinking_seconds:g} s of silence")
    if as_json:
        typer.echo(json.dumps(checks, indent=2, default=str))
    else:
        for name, result in checks.items():
            detail = result["detail"]
            if name == "devices" and result["ok"]:
                detail = "; ".join(f"{d['index']}: {d['name']} (in {d['inputs']}, out {d['outputs']})"
                                   for d in detail) or "none"
            mark = "[green]ok[/]" if result["ok"] else "[red]missing[/]"
            console.print(f"{mark}  {name}: {escape(str(detail))}", soft_wrap=True)
            if not result["ok"] and result.get("hint"):
                console.print(f"     [dim]{escape(str(result['hint']))}[/]", soft_wrap=True)
    essential = ("microphone", "speech model")
    if not all(checks[name]["ok"] for name in essential):
        raise typer.Exit(7)
