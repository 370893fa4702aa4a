"""The composition root: the one library API the faces (`cli/`, later `web/`) call.

It wires the layers below it (which interviewer and grader run: `wiring.py`) and owns the session
life cycle (`sessions.py`): start, resume, take replies through a channel, finish and grade, load a
report. Imports only point down from here: `interview/`, `grading/`, `store/`, then `providers/`,
`bank/`, `config`; nothing below imports this package.
"""

from mockinterviewer.service.sessions import Interviews, Running
from mockinterviewer.service.wiring import build_grader, build_interviewer, use_llm

__all__ = ["Interviews", "Running", "build_grader", "build_interviewer", "use_llm"]
