"""Channels: how the orchestrator talks to the candidate (terminal, answers file, voice)."""
