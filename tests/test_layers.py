"""The shape of the package: only the CLI layer imports click, every module names its stage
and stays small enough to read."""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from weekly.stages import STAGES, rank

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "weekly"
DOCS = Path(__file__).resolve().parents[1] / "docs"
MODULES = sorted(PACKAGE.rglob("*.py"))
#: Modules another piece of work is splitting; every other module stays under the limit.
BEING_SPLIT: set[str] = set()  # every module is within the limit now
LINE_LIMIT = 420


def name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def imported_modules(path: Path) -> set[str]:
    """Return the top-level names of every module ``path`` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_the_package_has_modules() -> None:
    assert len(MODULES) > 40
    assert "cli/email.py" in {name(p) for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_only_the_cli_imports_click(path: Path) -> None:
    if name(path).startswith("cli/"):
        return
    assert "click" not in imported_modules(path), f"{name(path)} imports click"


def test_the_core_never_imports_the_cli() -> None:
    for path in MODULES:
        if name(path).startswith("cli/") or name(path) == "__main__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("weekly.cli"), f"{name(path)} imports the CLI"


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_every_module_opens_with_a_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring and docstring.strip(), f"{name(path)} has no docstring"


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_no_module_is_too_long_to_read(path: Path) -> None:
    if name(path) in BEING_SPLIT:
        return
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LINE_LIMIT, f"{name(path)} has {lines} lines; split it by job"


# -- the stage order ---------------------------------------------------------------------------
# weekly.stages.STAGES says which package may import which; these tests read every import of
# every module (inside functions and under TYPE_CHECKING too: a type from a later stage is a
# dependency on it all the same) and refuse an import of a later stage and any import cycle.


def module_names(package: Path) -> dict[str, Path]:
    """Return every module under ``package`` by its dotted name (``weekly.events.table``)."""
    names: dict[str, Path] = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def import_graph(package: Path) -> dict[str, set[str]]:
    """Return, for each module of ``package``, the modules of ``package`` it imports."""
    modules = module_names(package)

    def known(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(filter(None, (known(alias.name) for alias in node.names)))
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:  # ``from weekly.events import table``: the module
                    sub = f"{node.module}.{alias.name}"
                    found = sub if sub in modules else known(node.module)
                    if found:
                        targets.add(found)
            elif isinstance(node, ast.ImportFrom) and node.level:
                raise AssertionError(f"{name}: write imports in full, not relative")
        targets.discard(name)
        graph[name] = targets
    return graph


def package_of(module: str) -> str:
    """Return the top-level part of ``weekly`` a module belongs to (``events``, ``errors``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def later_imports(graph: dict[str, set[str]]) -> list[str]:
    """Return ``module -> module`` for every import of a package later in the stage order."""

    def position(module: str) -> int:
        package = package_of(module)
        return -1 if package == "" else rank(package)

    return sorted(
        f"{source} -> {target}"
        for source, targets in graph.items()
        for target in targets
        if package_of(target) != package_of(source) and position(target) > position(source)
    )


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the modules that import each other, one sorted list per cycle (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            cycle: list[str] = []
            while not cycle or cycle[-1] != module:
                cycle.append(stack.pop())
            if len(cycle) > 1:
                cycles.append(sorted(cycle))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(cycles)


def test_every_package_has_a_stage() -> None:
    packages = {package_of(module) for module in module_names(PACKAGE)} - {""}
    listed = [name for stage in STAGES for name in stage.packages]
    assert len(listed) == len(set(listed)), "a package is listed in two stages"
    assert sorted(packages) == sorted(listed)


def test_no_module_imports_a_later_stage() -> None:
    found = later_imports(import_graph(PACKAGE))
    assert not found, "imports of a later stage (see weekly.stages):\n" + "\n".join(found)


def test_no_modules_import_each_other() -> None:
    found = import_cycles(import_graph(PACKAGE))
    assert not found, "modules that import each other:\n" + "\n".join(map(" ↔ ".join, found))


def write_package(root: Path, files: dict[str, str]) -> Path:
    """Write a small ``weekly`` package of ``files`` (path -> source) under ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root / "weekly"


def test_an_import_of_a_later_stage_is_found(tmp_path: Path) -> None:
    package = write_package(
        tmp_path,
        {
            "weekly/__init__.py": '"""A."""\n',
            "weekly/inputs/__init__.py": '"""B."""\n',
            "weekly/inputs/edition.py": '"""C."""\ndef load():\n    from weekly.render import html\n',
            "weekly/render/__init__.py": '"""D."""\n',
            "weekly/render/html.py": '"""E."""\nfrom weekly.inputs.edition import load\n',
        },
    )
    assert later_imports(import_graph(package)) == ["weekly.inputs.edition -> weekly.render.html"]
    assert import_cycles(import_graph(package)) == [["weekly.inputs.edition", "weekly.render.html"]]


def test_a_cycle_inside_a_package_is_found(tmp_path: Path) -> None:
    package = write_package(
        tmp_path,
        {
            "weekly/__init__.py": '"""A."""\n',
            "weekly/events/__init__.py": '"""B."""\n',
            "weekly/events/maps.py": '"""C."""\nfrom weekly.events import legends\n',
            "weekly/events/legends.py": '"""D."""\nimport weekly.events.plots\n',
            "weekly/events/plots.py": (
                '"""E."""\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n'
                "    from weekly.events.maps import Map\n"
            ),
            "weekly/events/table.py": '"""F."""\nfrom weekly.events.plots import draw\n',
        },
    )
    assert later_imports(import_graph(package)) == []
    assert import_cycles(import_graph(package)) == [
        ["weekly.events.legends", "weekly.events.maps", "weekly.events.plots"]
    ]


def test_the_earlier_direction_is_allowed(tmp_path: Path) -> None:
    package = write_package(
        tmp_path,
        {
            "weekly/__init__.py": '"""A."""\n',
            "weekly/errors.py": '"""B."""\nfrom weekly import __version__\n',
            "weekly/render/__init__.py": '"""C."""\n',
            "weekly/render/html.py": '"""D."""\nfrom weekly.errors import Problem\n',
        },
    )
    graph = import_graph(package)
    assert graph["weekly.render.html"] == {"weekly.errors"}
    assert later_imports(graph) == [] and import_cycles(graph) == []


def load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("weekly_docs_hooks", DOCS / "hooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_architecture_page_is_generated_from_the_stage_order() -> None:
    page = (DOCS / "developers" / "architecture.md").read_text(encoding="utf-8")
    assert "\n<!-- weekly: stages -->\n" in page
    generated = load_hooks().expand(page)
    rows = [line for line in generated.splitlines() if line.startswith("| ") and "`weekly." in line]
    assert [row.split("|")[2].strip(" `") for row in rows] == [
        f"weekly.{package}" for stage in STAGES for package in stage.packages
    ]
    numbered = [line for line in generated.splitlines() if re.match(r"\d+\. \*\*", line)]
    assert numbered == [f"{n}. **{s.name}**: {s.job}" for n, s in enumerate(STAGES, 1)]
    assert "`drawing`, `helpers`" in generated  # the modules are read from the disk


def test_the_flow_on_the_page_follows_the_stage_order() -> None:
    page = (DOCS / "developers" / "architecture.md").read_text(encoding="utf-8")
    flow = re.findall(r"▼  weekly\.(\w+)", page)
    assert len(flow) >= 6
    assert flow == sorted(flow, key=rank)


def test_the_page_and_the_mail_search_one_template_path(tmp_path: Path) -> None:
    from weekly.inputs.templates import template_path, templates_dir
    from weekly.mail.message import mail_environment
    from weekly.render.html import environment

    own = tmp_path / "reports" / "templates" / "desk"
    own.mkdir(parents=True)
    (own / "_only_here.txt").write_text("the series' own\n", encoding="utf-8")
    path = template_path(tmp_path / "inputs", "desk")
    assert path == (own, templates_dir())
    assert template_path(tmp_path / "inputs", "other") == (templates_dir(),)
    for env in (environment(path), mail_environment(path)):
        assert env.get_template("_only_here.txt").render() == "the series' own\n"


# -- one writer: weekly.files ------------------------------------------------------------------


def test_files_made_one_at_a_time_are_written_all_or_none(tmp_path: Path) -> None:
    from weekly.files import write_atomically

    (tmp_path / "a.eml").write_bytes(b"old a")

    def drafts(fail: bool) -> Iterator[tuple[str, list[bytes]]]:
        yield "a.eml", [b"new ", b"a"]
        if fail:
            raise RuntimeError("the composer broke")
        yield "sub/b.eml", [b"new b"]

    with pytest.raises(RuntimeError):
        write_atomically(tmp_path, drafts(fail=True))
    assert [p.name for p in tmp_path.rglob("*")] == ["a.eml"]  # and no temporary file
    assert (tmp_path / "a.eml").read_bytes() == b"old a"
    write_atomically(tmp_path, drafts(fail=False), durable=True)
    assert (tmp_path / "a.eml").read_bytes() == b"new a"
    assert (tmp_path / "sub/b.eml").read_bytes() == b"new b"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.eml", "b.eml", "sub"]


def test_no_file_is_written_through_a_linked_folder(tmp_path: Path) -> None:
    from weekly.errors import WeeklyError
    from weekly.files import write_atomically

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out/figures").symlink_to(elsewhere, target_is_directory=True)
    files = iter([("page.html", [b"page"]), ("figures/chart.svg", [b"<svg/>"])])
    with pytest.raises(WeeklyError) as caught:
        write_atomically(tmp_path / "out", files)
    assert caught.value.problems[0].code == "E071"
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["figures"]
