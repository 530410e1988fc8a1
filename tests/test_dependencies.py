"""Every library generator/ and cli.py import is declared in pyproject.toml."""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"generator", "cli"}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported() -> dict[str, str]:
    """Top-level module → the first file importing it, for every absolute import."""
    found: dict[str, str] = {}
    for path in sorted([ROOT / "cli.py", *(ROOT / "generator").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_imported_library_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        _canonical(re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0]) for r in project["dependencies"]
    }
    distributions = importlib.metadata.packages_distributions()
    missing = {
        module: where
        for module, where in _imported().items()
        if module not in sys.stdlib_module_names
        and module not in FIRST_PARTY
        and not declared & {_canonical(d) for d in distributions.get(module, [module])}
    }
    assert missing == {}
