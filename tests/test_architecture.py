"""The floors of the house: every module imports only from its own package or a floor below.

config < models < docs, utils < routes < app.py, scripts (see README, "Layout"). The imports are
read from the source (ast), including those inside functions, so an upward import anywhere fails.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The floor of each top-level package; a module may import its own package or a lower floor.
# docs (the /docs strings, which quote the models' limits) and utils share a floor and so may not
# import each other.
FLOORS = {
    "config": 0,
    "models": 1,
    "docs": 2,
    "utils": 2,
    "routes": 3,
    "app": 4,
    "scripts": 4,
}


def _package(dotted: str) -> str:
    return dotted.split(".", 1)[0]


def upward_imports(source: str, own_package: str) -> list[str]:
    """The project modules that `source`, a module of `own_package`, imports from a floor not
    below its own."""
    floor = FLOORS[own_package]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            target = _package(name)
            if target in FLOORS and target != own_package and FLOORS[target] >= floor:
                found.append(name)
    return found


def _modules() -> list[tuple[Path, str]]:
    modules = [(ROOT / "app.py", "app")]
    for package in FLOORS:
        folder = ROOT / package
        if folder.is_dir():
            modules += [(path, package) for path in sorted(folder.rglob("*.py"))]
    return modules


def test_every_module_imports_only_its_own_package_or_a_floor_below() -> None:
    assert len(_modules()) > 50  # the walk found the project, not an empty folder
    offenders = {
        str(path.relative_to(ROOT)): bad
        for path, package in _modules()
        if (bad := upward_imports(path.read_text(encoding="utf-8"), package))
    }
    assert offenders == {}


def test_an_upward_import_is_reported_wherever_it_is_written() -> None:
    source = "import json\nfrom config import errors\n\ndef f():\n    from routes import deps\n"
    assert upward_imports(source, "utils") == ["routes"]
    assert upward_imports("import utils.users\n", "config") == ["utils.users"]
    assert upward_imports("from docs import users\n", "utils") == ["docs"]
    assert not upward_imports("from utils import users\nfrom routes import deps\n", "app")


def _imported(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_pure_helpers_import_no_database_and_no_module_that_does_io() -> None:
    for path in sorted((ROOT / "utils" / "pure").glob("*.py")):
        io = {
            name
            for name in _imported(path.read_text(encoding="utf-8"))
            if name.startswith("config.db")
            or (name.startswith("utils.") and not name.startswith("utils.pure"))
        }
        assert not io, f"{path.name} imports {io}"


def test_each_collection_is_named_by_exactly_one_utils_module() -> None:
    owners: dict[str, set[str]] = {}
    for path in sorted((ROOT / "utils").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for name in re.findall(r"db\.collection\(\"(\w+)\"\)", source):
            owners.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    assert owners  # the pattern still finds how collections are reached
    shared = {name: where for name, where in owners.items() if len(where) > 1}
    assert shared == {}
    assert all(where.pop().count("/") == 1 for where in owners.values())  # utils/<owner>.py
