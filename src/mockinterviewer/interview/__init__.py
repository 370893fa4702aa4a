"""The interview: planning, the pure state machine, interviewers (scripted, LLM) and the orchestrator."""
