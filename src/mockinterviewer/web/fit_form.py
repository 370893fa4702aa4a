"""The job description and the résumé given in the new-interview form, pasted as text or uploaded as a
file (plain text, Markdown or PDF), read as `interview --job FILE --resume FILE` reads files
(`bank.documents.document_text`) into a `service.fitting.Document`: control characters stripped, size
caps, and a name that reads well in the fit notes ("Fitted to ... from the job description pasted in the
browser", "From your résumé (cv.pdf)"). Nothing given is sent anywhere: it is parsed here, offline, and
kept in the session's plan.
"""

from __future__ import annotations

from pathlib import PurePath

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from mockinterviewer.bank.documents import document_text
from mockinterviewer.errors import InputError
from mockinterviewer.safe_text import strip_controls
from mockinterviewer.service.fitting import Document

__all__ = ["MAX_FILE_BYTES", "MAX_PASTED", "given_documents"]

MAX_PASTED = 60_000  # characters: a long job description or résumé is about 15,000
MAX_FILE_BYTES = 5_000_000  # an uploaded file: a résumé PDF is rarely over 1 MB
MAX_NAME = 80  # characters of an uploaded file's name kept to show it by


async def _given(form: FormData, field: str, what: str, pasted_name: str) -> Document | None:
    """The document of the form's `field` (text) or `field`_file (an upload), None when neither was given."""
    text = form.get(field)
    pasted = strip_controls(text).strip() if isinstance(text, str) else ""
    upload = form.get(f"{field}_file")
    if isinstance(upload, UploadFile) and upload.filename:
        if pasted:
            raise InputError(f"The {what} came both pasted and as a file.", hint="Give one of them.")
        data = await upload.read(MAX_FILE_BYTES + 1)
        name = strip_controls(PurePath(upload.filename.replace("\\", "/")).name)[:MAX_NAME] or "the file"
        if len(data) > MAX_FILE_BYTES:
            raise InputError(f"The {what} file {name} is larger than {MAX_FILE_BYTES // 1_000_000} MB.",
                             hint="Upload only the part that matters, or paste it.")
        return Document(await run_in_threadpool(document_text, data, name=name, what=f"The {what} file"), name)
    if not pasted:
        return None
    if len(pasted) > MAX_PASTED:
        raise InputError(f"The {what} pasted is {len(pasted):,} characters long; the most is {MAX_PASTED:,}.",
                         hint="Paste only the part that matters.")
    return Document(pasted, pasted_name)


async def given_documents(form: FormData) -> tuple[Document | None, Document | None]:
    """(job description, résumé) as the form gives them; InputError saying what to change when one is refused."""
    job = await _given(form, "job", "job description", "the job description pasted in the browser")
    # reads "no experience lines found in the résumé pasted in the browser", "your résumé (pasted in ...)"
    resume = await _given(form, "resume", "résumé", "pasted in the browser")
    return job, resume
