"""Read a document a candidate gives (a job description, a résumé, a prep guide) as text: plain
text or Markdown as UTF-8, a PDF through pypdf. The one place these files are opened; everything
after works on the text. A missing, empty, huge, binary or broken file is one InputError saying
what to do, and nothing from the file leaves this process."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from mockinterviewer.errors import InputError
from mockinterviewer.safe_files import read_capped
from mockinterviewer.safe_text import strip_controls

MAX_TEXT_BYTES = 2_000_000  # a long job description is 10 kB; a guide a few hundred
MAX_PDF_BYTES = 20_000_000
MAX_PDF_PAGES = 40
MAX_CHARS = 200_000  # of text kept from a PDF


def read_document(path: Path, *, what: str) -> str:
    """The text of `path` (`what` names it in messages: "Job description", "Résumé" ...)."""
    if path.is_dir():
        raise InputError(f"{what} {path} is a folder.", hint="Pass a plain-text, Markdown or PDF file.")
    return document_text(read_capped(path, MAX_PDF_BYTES, what=what), name=str(path), what=what)


def document_text(data: bytes, *, name: str, what: str) -> str:
    """The text of a document's bytes (a file read, or one uploaded to the web app); `name` in messages."""
    if len(data) > MAX_PDF_BYTES:
        raise InputError(f"{what} {name} is larger than {MAX_PDF_BYTES // 1_000_000} MB.",
                         hint="Pass only the part that matters.")
    is_pdf = data.startswith(b"%PDF")
    if is_pdf:
        text = _pdf_text(data, name, what)
    else:
        if len(data) > MAX_TEXT_BYTES:
            raise InputError(f"{what} {name} is larger than {MAX_TEXT_BYTES // 1_000_000} MB of text.",
                             hint="Pass only the part that matters.")
        if b"\x00" in data[:8192]:
            raise InputError(f"{what} {name} is not text (it holds binary data).",
                             hint="Pass a plain-text, Markdown or PDF file.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{what} {name} is not UTF-8 text (byte {exc.start} cannot be read).",
                             hint="Save it as UTF-8 (or as a PDF) and pass it again.") from None
    text = strip_controls(text)
    if not text.strip():
        raise InputError(f"{what} {name} is empty" + (" (the PDF has no text layer: a scan?)." if
                                                     is_pdf else "."),
                         hint="Pass a file with the text in it (a PDF must have selectable text).")
    return text


def _pdf_text(data: bytes, path: str, what: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf reports a damaged file with its own errors and, for some damage, with the built-in ones below
    broken = (PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError,
              NotImplementedError)
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{what} {path} is a password-protected PDF.",
                             hint="Save an unprotected copy (or a text file) and pass that.")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise InputError(f"{what} {path} has {len(reader.pages)} pages; at most {MAX_PDF_PAGES} are read.",
                             hint="Pass only the pages that matter.")
        parts: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size > MAX_CHARS:
                break
    except broken as exc:
        raise InputError(f"{what} {path} is a broken PDF ({type(exc).__name__}: {str(exc)[:120]}).",
                         hint="Open it and save it again, or pass the text as a .txt or .md file.") from None
    return "\n".join(parts)[:MAX_CHARS]
