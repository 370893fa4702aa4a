"""Imports only point down (../shared/DESIGN.md, "Layers"): read from the source, every import
including those inside functions and under TYPE_CHECKING."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "src" / "mockinterviewer"
FACES = {"cli", "web"}  # the top: they call the composition root
ROOT = "service"  # the composition root: wires the layers below and owns the session life cycle
ENTRY = "__main__"  # `python -m mockinterviewer`: above the faces
NOT_FROM_PROVIDERS = {"interview", "grading", "store", "evals", ROOT, *FACES}


def _imports(path: Path) -> set[str]:
    """Every mockinterviewer module the file imports, as 'mockinterviewer.a.b'."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "mockinterviewer":  # `from mockinterviewer import service`
                found.update(f"mockinterviewer.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] == "mockinterviewer"}


def _package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1].removesuffix(".py") if len(parts) > 1 else ""


def _layer(path: Path) -> str:
    relative = path.relative_to(PACKAGE).parts
    return relative[0].removesuffix(".py")


def _violations(allowed: callable) -> list[str]:  # type: ignore[valid-type]
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for module in sorted(_imports(path)):
            if not allowed(_layer(path), _package_of(module)):
                bad.append(f"{path.relative_to(PACKAGE)} imports {module}")
    return bad


def test_the_reader_sees_imports() -> None:
    """The test itself: it does see the imports it is looking for."""
    assert "mockinterviewer.service.wiring" in _imports(PACKAGE / "service" / "sessions.py")
    assert "mockinterviewer.service" in _imports(PACKAGE / "cli" / "interview_cmd.py")


def test_providers_never_import_the_layers_that_use_them() -> None:
    bad = _violations(lambda layer, target: layer != "providers" or target not in NOT_FROM_PROVIDERS)
    assert not bad, "providers/ must not import upward:\n" + "\n".join(bad)


def test_nothing_below_imports_the_composition_root_or_a_face() -> None:
    above = {ROOT, *FACES}
    bad = _violations(lambda layer, target: layer in above | {ENTRY} or target not in above)
    assert not bad, f"only {sorted(above)} may import {ROOT}/ or a face:\n" + "\n".join(bad)


def test_the_root_never_imports_a_face() -> None:
    bad = _violations(lambda layer, target: layer != ROOT or target not in FACES)
    assert not bad, "service/ must not import cli/ or web/:\n" + "\n".join(bad)
