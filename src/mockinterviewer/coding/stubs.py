"""The starting file a candidate edits: the statement and examples as comments, then the signature."""

from __future__ import annotations

import textwrap

from mockinterviewer.bank.schema import Question
from mockinterviewer.coding.cases import describe_input, prepare, shown
from mockinterviewer.coding.languages import LANGUAGE_INFO
from mockinterviewer.errors import InputError


def stub(question: Question, lang: str) -> str:
    spec = question.coding
    if spec is None:
        raise InputError(f"The question '{question.id}' has no coding spec, so it has no starting code.",
                         hint="Pick a coding question ('mockinterviewer bank list --round technical-phone-screen').")
    if lang not in spec.signatures:
        offered = ", ".join(spec.languages)
        raise InputError(f"The question '{question.id}' is not offered in '{lang}'.", hint=f"Use one of: {offered}.")
    mark = LANGUAGE_INFO[lang].comment
    lines = [f"{mark} {question.id} ({lang})", mark]
    lines += [f"{mark} {line}".rstrip() for line in textwrap.wrap(" ".join(spec.statement.split()), 96)]
    lines += [mark, f"{mark} Examples:"]
    for example in spec.examples[:4]:
        case = prepare(example)
        lines.append(f"{mark}   {describe_input(spec, case)}  ->  {shown(case.expected)}")
    if lang == "java":
        lines.append(f"{mark} The file is compiled as Solution.java: keep its classes non-public.")
    return "\n".join(lines) + "\n\n" + spec.signatures[lang].rstrip() + "\n"  # type: ignore[index]
