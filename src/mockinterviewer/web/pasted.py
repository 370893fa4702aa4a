"""A job description and a résumé pasted into the new-interview form, read as `interview --job FILE
--resume FILE` reads files (`service.fitting.Document`): control characters stripped, a size cap, and a
name that reads well in the fit notes ("Fitted to ... from the job description pasted in the browser").
Nothing pasted is sent anywhere: it is parsed here, offline, and kept in the session's plan.
"""

from __future__ import annotations

from collections.abc import Mapping

from mockinterviewer.errors import InputError
from mockinterviewer.safe_text import strip_controls
from mockinterviewer.service.fitting import Document

__all__ = ["MAX_PASTED", "pasted_job", "pasted_resume"]

MAX_PASTED = 60_000  # characters: a long job description or résumé is about 15,000

JOB_NAME = "the job description pasted in the browser"
RESUME_NAME = "pasted in the browser"  # reads "the résumé pasted in the browser", "your résumé (pasted in ...)"


def _pasted(fields: Mapping[str, str], field: str, what: str, name: str) -> Document | None:
    text = strip_controls(fields.get(field, "")).strip()
    if not text:
        return None
    if len(text) > MAX_PASTED:
        raise InputError(f"The {what} pasted is {len(text):,} characters long; the most is {MAX_PASTED:,}.",
                         hint="Paste only the part that matters.")
    return Document(text, name)


def pasted_job(fields: Mapping[str, str]) -> Document | None:
    """The job description of the form's `job` field, or None when it was left empty."""
    return _pasted(fields, "job", "job description", JOB_NAME)


def pasted_resume(fields: Mapping[str, str]) -> Document | None:
    """The résumé of the form's `resume` field, or None when it was left empty."""
    return _pasted(fields, "resume", "résumé", RESUME_NAME)
