"""The shape of the test suite: helpers live in ``support``, fixtures in ``conftest.py``, a
test file imports no other test file, and no assertion is one that cannot fail."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from support import TESTS

TEST_FILES = sorted(TESTS.rglob("test_*.py"))
SUPPORT_FILES = sorted((TESTS / "support").rglob("*.py"))


def name(path: Path) -> str:
    return path.relative_to(TESTS).as_posix() if path.is_relative_to(TESTS) else path.name


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line, top-level module) for every import in ``path``, in functions too."""
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module.split(".")[0]


def test_the_suite_has_test_files_and_a_support_package() -> None:
    assert len(TEST_FILES) > 50
    assert TESTS / "support" / "__init__.py" in SUPPORT_FILES


@pytest.mark.parametrize("path", TEST_FILES + SUPPORT_FILES, ids=name)
def test_no_test_file_or_helper_imports_a_test_file_or_conftest(path: Path) -> None:
    wrong = [
        f"{name(path)}:{line}: imports {module}"
        for line, module in imported(path)
        if module == "conftest" or module.startswith("test_")
    ]
    assert wrong == [], "helpers belong in tests/support, fixtures in conftest.py"


def test_the_check_above_sees_function_level_imports(tmp_path: Path) -> None:
    path = tmp_path / "test_sample.py"
    path.write_text("def test_x():\n    from test_other import helper\n", encoding="utf-8")
    assert list(imported(path)) == [(2, "test_other")]


def test_conftest_holds_only_fixtures_and_hooks() -> None:
    conftest = TESTS / "conftest.py"
    others = []
    for node in tree(conftest).body:
        if isinstance(node, ast.ClassDef):
            others.append(f"class {node.name}")
        elif isinstance(node, ast.FunctionDef):
            fixture = any("fixture" in ast.unparse(d) for d in node.decorator_list)
            if not fixture and not node.name.startswith("pytest_"):
                others.append(f"def {node.name}")
    assert others == [], "conftest.py: move these helpers into tests/support"


#: Test files that cover more than one package stay at the top of tests/.
CROSS_CUTTING = {
    "test_axe.py",  # axe-core over pages of render, preview, site and mail
    "test_docs.py",
    "test_first_edition.py",
    "test_golden.py",
    "test_hardening.py",
    "test_hostile_inputs.py",
    "test_layers.py",
    "test_nu.py",
    "test_pipeline.py",  # weekly/pipeline.py: the stages in order
    "test_security.py",
    "test_suite_shape.py",
}


def test_test_files_sit_in_the_folder_of_their_package() -> None:
    """The tests mirror the packages: tests/<package>/test_*.py for a package of weekly, the
    top of tests/ only for the cross-cutting files."""
    packages = {p.parent.name for p in (TESTS.parent / "src" / "weekly").glob("*/__init__.py")}
    folders = {path.parent.relative_to(TESTS).as_posix() for path in TEST_FILES} - {"."}
    assert folders <= packages
    assert {path.name for path in TEST_FILES if path.parent == TESTS} == CROSS_CUTTING


def test_test_file_names_are_unique() -> None:
    """pytest imports test files by their base name (no ``__init__.py``): two files of one
    name in different folders would clash."""
    names = [path.name for path in TEST_FILES]
    assert sorted({n for n in names if names.count(n) > 1}) == []


# --- assertions that cannot fail ----------------------------------------------------------


def weak(test: ast.expr, before: ast.stmt | None) -> str | None:
    """Return why the asserted expression ``test`` cannot fail, or None."""
    if isinstance(test, ast.Constant):
        return "asserts a constant"
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        if any(isinstance(v, ast.Constant) and v.value for v in test.values):
            return "an `or` with a true constant"
        texts = [ast.unparse(v) for v in test.values]
        for text in texts:
            if f"not {text}" in texts or f"not ({text})" in texts:
                return "`x or not x`"
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if (
            isinstance(op, ast.In)
            and isinstance(left, ast.Constant)
            and left.value in (":", " ", "")
            and isinstance(right, ast.Call)
            and ast.unparse(right.func) in ("str", "repr")
        ):
            return f"`{left.value!r} in str(...)` holds for almost anything"
        if (
            isinstance(op, ast.GtE)
            and isinstance(left, ast.Call)
            and ast.unparse(left.func) == "len"
            and isinstance(right, ast.Constant)
            and right.value == 0
        ):
            return "`len(x) >= 0` always holds"
        calls = any(isinstance(n, ast.Call) for n in ast.walk(left))
        # f() == f() is a real test (the same answer twice); x == x is not.
        if (
            not calls
            and ast.unparse(left) == ast.unparse(right)
            and isinstance(op, ast.Eq | ast.Is)
        ):
            return "compares a value with itself"
    if (
        isinstance(before, ast.Assign)
        and len(before.targets) == 1
        and isinstance(before.targets[0], ast.Name)
        and isinstance(before.value, ast.Constant)
        and isinstance(test, ast.Compare)
        and {ast.unparse(test.left), *map(ast.unparse, test.comparators)}
        <= {before.targets[0].id, ast.unparse(before.value)}
    ):
        return "asserts the literal just assigned"
    return None


def weak_assertions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(tree(path)):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for before, statement in zip([None, *body], body, strict=False):
            if isinstance(statement, ast.Assert):
                why = weak(statement.test, before)
                if why:
                    found.append(f"{name(path)}:{statement.lineno}: {why}")
    return found


@pytest.mark.parametrize("path", TEST_FILES, ids=name)
def test_no_assertion_is_one_that_cannot_fail(path: Path) -> None:
    assert weak_assertions(path) == []


@pytest.mark.parametrize(
    "source",
    [
        "assert True",
        "assert result.ok or True",
        "assert ':' in str(finding)",
        "assert len(items) >= 0",
        "assert x == x",
        "assert found or not found",
        "count = 3\nassert count == 3",
    ],
)
def test_the_scan_finds_each_kind_of_weak_assertion(source: str, tmp_path: Path) -> None:
    path = tmp_path / "test_sample.py"
    path.write_text(
        f"def test_x():\n{''.join('    ' + line + chr(10) for line in source.splitlines())}"
    )
    assert len(weak_assertions(path)) == 1


def test_the_scan_passes_real_assertions(tmp_path: Path) -> None:
    path = tmp_path / "test_sample.py"
    path.write_text(
        "def test_x(result, finding):\n"
        "    assert result.returncode == 0\n"
        "    assert str(finding).startswith('inputs/update.md:3:')\n"
        "    assert len(result.stdout) > 0\n",
        encoding="utf-8",
    )
    assert weak_assertions(path) == []


# --- the test extra installs what the suite imports ---------------------------------------


def requirement_name(requirement: str) -> str:
    """Return the normalised distribution name of a requirement (``PyYAML>=6`` -> ``pyyaml``)."""
    import re

    return re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def installed_by_the_test_extra() -> set[str]:
    """The distributions ``pip install -e .[test]`` asks for: the runtime dependencies, the
    ``test`` extra and the extras it names (``weekly[docs]``)."""
    import tomllib

    from support import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted = set(project["dependencies"])
    pending = ["test"]
    while pending:
        for requirement in extras[pending.pop()]:
            if requirement_name(requirement) == project["name"]:
                pending += requirement.split("[", 1)[1].split("]", 1)[0].split(",")
            else:
                wanted.add(requirement)
    return {requirement_name(r) for r in wanted}


def test_the_test_extra_provides_every_import_of_the_suite() -> None:
    import importlib.metadata
    import sys

    distributions = importlib.metadata.packages_distributions()
    provided = installed_by_the_test_extra()
    ours = {"weekly", "support", "conftest"} | {p.stem for p in TEST_FILES}
    missing = {}
    for path in TEST_FILES + SUPPORT_FILES + [TESTS / "conftest.py"]:
        for _, module in imported(path):
            if module in sys.stdlib_module_names or module in ours:
                continue
            names = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
            if not names & provided:
                missing.setdefault(module, name(path))
    assert missing == {}, "add these to the test extra (or the dependencies) in pyproject.toml"
    assert {"mkdocs", "mkdocs-material", "pytest", "playwright"} <= provided
