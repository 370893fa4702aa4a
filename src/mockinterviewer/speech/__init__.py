"""Speech in and out for voice interviews, offline on a laptop CPU.

One concept per module; nothing heavy (sounddevice, faster-whisper, openai) is imported until used:

- settings:  VoiceSettings (`MOCKINTERVIEWER_VOICE_*`): models, devices, timings, speech output
- audio:     16 kHz mono int16 as the one form of audio; decoding files, resampling, Ogg/Opus and FLAC
- vad:       which frames are speech, where an answer ends (thinking time), speech regions of a file
- silero:    Silero VAD (faster-whisper's ONNX model) run frame by frame, the default speech detector
- devices:   the lazy sounddevice import and device errors that say what to do
- mic:       the microphone stream, recording an answer (VAD end or push-to-talk)
- speaker:   playing speech, stopping on a key or when the candidate starts talking (barge-in)
- models:    the speech models (tiny.en, Whisper base joined from its two packages) and their files
- stt:       faster-whisper transcription primed with the question's vocabulary
- tts:       espeak-ng (offline) or OpenAI text to speech behind one interface
- delivery:  pace, filler words, long pauses, talk time; session summary and advice
- pipeline:  the one path from samples or a file to a transcript with delivery metrics
- piecewise: an answer transcribed part by part, cut at its pauses, while it is recorded (the browser)
- stream_decoder / webm_stream: a recording decoded as its pieces arrive (WebM walked, each byte read once)
- wer:       word error rate, for tests and benchmarks

The voice channel that puts these together is `mockinterviewer.channels.voice`.
"""
