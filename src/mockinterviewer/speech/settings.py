"""Voice settings: models, devices, timings and speech output, from `MOCKINTERVIEWER_VOICE_*` variables.

Kept apart from the main `Settings` so that the voice extra owns its own knobs. Every field can be
set in the environment, e.g. `MOCKINTERVIEWER_VOICE_THINKING_SECONDS=5`, or passed as a keyword to
`load_voice_settings`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class VoiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCKINTERVIEWER_VOICE_", extra="ignore", populate_by_name=True)

    # Speech to text (faster-whisper)
    stt_model: str = Field(
        default="tiny.en",
        validation_alias=AliasChoices("MOCKINTERVIEWER_STT_MODEL", "MOCKINTERVIEWER_VOICE_STT_MODEL"),
        description="'tiny.en' (bundled, the default), 'base' (Whisper base, the voice-base extra) or a "
        "directory holding a CTranslate2 model. Env: MOCKINTERVIEWER_STT_MODEL.",
    )
    stt_compute_type: str = "int8"
    stt_threads: int = Field(default=2, ge=1, le=64)
    stt_beam_size: int = Field(default=1, ge=1, le=10)
    stt_prompt_tokens: int = Field(
        default=120, ge=0, le=223, description="Upper bound on the question-vocabulary prompt, in tokens."
    )

    # Capture and end of answer
    input_device: str | None = Field(default=None, description="Microphone name or index; default device.")
    output_device: str | None = Field(default=None, description="Speaker name or index; default device.")
    thinking_seconds: float = Field(
        default=3.0, ge=0.3, le=30, description="Silence after speech that ends an answer."
    )
    wait_for_speech_seconds: float = Field(
        default=30.0, gt=0, description="How long to wait for the candidate to start talking."
    )
    max_answer_seconds: float = Field(default=600.0, gt=0)
    push_to_talk: bool = Field(default=False, description="Enter starts and stops recording instead of VAD.")
    early_transcription: bool = Field(
        default=True, description="Start transcribing at the first pause, during the thinking time."
    )
    confirm_transcript: bool = Field(
        default=True, description="Show each transcript and let the candidate accept, correct or re-record it."
    )
    vad: Literal["silero", "energy"] = Field(
        default="silero",
        description="End-of-answer detector: Silero VAD (faster-whisper's model) or the energy detector "
        "(evals/bench_vad.py compares them on noisy answers).",
    )
    vad_ratio: float = Field(
        default=4.0, gt=1, description="Energy detector: speech is this many times louder (power) than the noise floor."
    )
    vad_min_dbfs: float = Field(
        default=-50.0, description="Energy detector: frames quieter than this are never speech."
    )

    # Speech out
    tts: Literal["espeak", "openai", "off"] = "espeak"
    espeak_voice: str = "en-us"
    espeak_rate: int = Field(default=165, ge=80, le=450, description="espeak-ng words per minute.")
    openai_tts_model: str = "gpt-4o-mini-tts"
    openai_tts_voice: str = "alloy"
    barge_in: bool = Field(default=True, description="Stop speaking when the microphone hears the candidate.")
    barge_in_ratio: float = Field(
        default=2.0, gt=1, description="How much louder than the expected echo the candidate must be to barge in."
    )

    # Delivery analysis and storage
    long_pause_seconds: float = Field(default=2.0, gt=0)
    audio_format: Literal["ogg", "flac"] = "ogg"

    # The LLM key and endpoint, shared with the main settings (OpenAI TTS only).
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")


def load_voice_settings(settings: Any = None, **overrides: Any) -> VoiceSettings:
    """Voice settings from the environment; the OpenAI key and URL default to those of `settings`.

    `settings` may be a `VoiceSettings` (returned with `overrides` applied), the main `Settings`, or None.
    """
    if isinstance(settings, VoiceSettings):
        return settings.model_copy(update=overrides) if overrides else settings
    voice = VoiceSettings(**overrides)
    if settings is not None:
        update: dict[str, Any] = {}
        if voice.openai_api_key is None and getattr(settings, "openai_api_key", None) is not None:
            update["openai_api_key"] = settings.openai_api_key
        if voice.openai_base_url is None and getattr(settings, "openai_base_url", None):
            update["openai_base_url"] = settings.openai_base_url
        if update:
            voice = voice.model_copy(update=update)
    return voice
