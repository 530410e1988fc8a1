"""The import directions of docs/design.md ("Layout"), read from the source with `ast`.

A module may import its own layer or a lower one, never a higher one: not at the top, not
inside a function, not under `if TYPE_CHECKING:`. Top-level imports form no cycle, and no
function-level import closes one (that is an import moved into a function to dodge a cycle).
Function-level imports of a lower layer, for start-up speed, are fine.
"""

import ast
import graphlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT

# Lowest first. A module is in the layer of the longest prefix that names it.
LAYERS: dict[str, int] = {
    "generator.errors": 0,
    "generator.resources": 0,
    "generator.terminal": 0,
    "generator.clock": 0,
    "generator.cache": 0,
    "generator.version": 0,
    "generator.profiles": 1,
    "generator.locale": 2,
    "generator.letter": 3,
    "generator.tender": 4,
    "generator.intake": 5,
    "generator.render": 6,
    "generator.app": 7,
    "generator.web": 8,  # the sales workspace (aftersales serve)
    "generator": 9,  # generator/__init__.py: the public API
    "cli": 9,
}

# Upward imports the code still has, each one edge (importer, imported module). The test stays
# strict for everything else, and fails when an edge listed here is gone, so the list shrinks.
KNOWN_UPWARD: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    importer: str
    target: str  # a module of ours
    line: int
    top_level: bool  # runs when the importer is imported (not in a function, not type-only)

    def __str__(self) -> str:
        where = "top level" if self.top_level else "in a function or TYPE_CHECKING"
        return f"{self.importer} (line {self.line}, {where}) imports {self.target}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


SOURCES: dict[str, Path] = {
    _module_name(p): p for p in [*sorted((ROOT / "generator").rglob("*.py")), ROOT / "cli.py"]
}


def layer_of(module: str) -> int | None:
    """The layer of the longest LAYERS prefix; `generator` itself only names its __init__."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in LAYERS and (prefix != "generator" or module == "generator"):
            return LAYERS[prefix]
    return None


def _resolve(name: str) -> str | None:
    """The module of ours that `name` (a module or a name inside one) lives in, if any."""
    while name:
        if name in SOURCES:
            return name
        name = name.rpartition(".")[0]
    return None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports_in(module: str, source: str, is_package: bool = False) -> Iterator[Import]:
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST, top: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    target = _resolve(alias.name)
                    if target:
                        yield Import(module, target, child.lineno, top)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    # `from pkg import sub` names the module pkg.sub when there is one.
                    target = _resolve(f"{base}.{alias.name}") or _resolve(base)
                    if target and target != module:
                        yield Import(module, target, child.lineno, top)
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from visit(child, False)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                for stmt in child.body:
                    yield from visit(ast.Module(body=[stmt], type_ignores=[]), False)
                for stmt in child.orelse:
                    yield from visit(ast.Module(body=[stmt], type_ignores=[]), top)
            else:
                yield from visit(child, top)

    yield from visit(ast.parse(source, module), True)


def all_imports() -> list[Import]:
    return [
        imp
        for module, path in SOURCES.items()
        for imp in _imports_in(module, path.read_text(encoding="utf-8"), path.stem == "__init__")
    ]


def upward(imports: list[Import]) -> list[Import]:
    """Imports of a higher layer than the importer's (a module outside LAYERS is layer 0)."""
    return [i for i in imports if (layer_of(i.target) or 0) > (layer_of(i.importer) or 0)]


def top_level_cycle(imports: list[Import]) -> tuple[str, ...] | None:
    graph: dict[str, set[str]] = {}
    for i in imports:
        if i.top_level:
            graph.setdefault(i.importer, set()).add(i.target)
    try:
        tuple(graph and graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        return tuple(err.args[1])
    return None


def dodged_cycles(imports: list[Import]) -> list[Import]:
    """Function-level imports A -> B where B already reaches A through top-level imports."""
    graph: dict[str, set[str]] = {}
    for i in imports:
        if i.top_level:
            graph.setdefault(i.importer, set()).add(i.target)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph.get(node, ()))
        return False

    return [i for i in imports if not i.top_level and reaches(i.target, i.importer)]


def _lines(imports: list[Import]) -> str:
    return "\n".join(sorted({str(i) for i in imports}))


IMPORTS = all_imports()


def test_every_module_is_in_a_layer() -> None:
    lost = [m for m in SOURCES if layer_of(m) is None]
    assert not lost, f"add these modules to LAYERS here and in docs/design.md: {lost}"
    assert len(SOURCES) > 30  # the walk found the package


def test_no_module_imports_a_higher_layer() -> None:
    found = upward(IMPORTS)
    new = [i for i in found if (i.importer, i.target) not in KNOWN_UPWARD]
    assert not new, "imports against the layers of docs/design.md:\n" + _lines(new)
    gone = sorted(KNOWN_UPWARD - {(i.importer, i.target) for i in found})
    assert not gone, f"no longer imported upwards, delete from KNOWN_UPWARD: {gone}"


def test_no_import_cycle_at_top_level() -> None:
    assert top_level_cycle(IMPORTS) is None, " -> ".join(top_level_cycle(IMPORTS) or ())


def test_no_function_level_import_dodges_a_cycle() -> None:
    dodged = [i for i in dodged_cycles(IMPORTS) if (i.importer, i.target) not in KNOWN_UPWARD]
    assert not dodged, "these imports would be a cycle at top level:\n" + _lines(dodged)


def test_only_the_cli_imports_click() -> None:
    for module, path in SOURCES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and not node.level
        }
        assert module == "cli" or "click" not in names, module


# ---------------------------------------------------------------- the checker itself


@pytest.mark.parametrize(
    ("files", "flagged"),
    [
        ({"generator.profiles.models": "def f():\n    import generator.tender.model\n"},
         "generator.profiles.models"),
        ({"generator.locale.words": "from .. import resources\nfrom ..letter import document\n"},
         "generator.locale.words"),
        ({"generator.letter.compose": "from generator.app import batch\n"},
         "generator.letter.compose"),
        ({"generator.errors": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
          "    from generator.render.output import x\n"}, "generator.errors"),
        ({"generator.tender.check": "from generator import compose\n"}, "generator.tender.check"),
    ],
)  # fmt: skip
def test_checker_sees_upward_imports(files: dict[str, str], flagged: str) -> None:
    imports = [i for name, text in files.items() for i in _imports_in(name, text)]
    assert [i.importer for i in upward(imports)] == [flagged]


def test_checker_sees_cycles_and_dodges() -> None:
    a, b = "generator.letter.compose", "generator.letter.document"
    top = [Import(a, b, 1, True), Import(b, a, 1, True)]
    assert set(top_level_cycle(top) or ()) == {a, b}
    dodge = [Import(a, b, 1, True), Import(b, a, 9, False)]
    assert top_level_cycle(dodge) is None
    assert [str(i) for i in dodged_cycles(dodge)] == [str(dodge[1])]
