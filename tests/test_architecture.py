"""The rooms of the code and which way their imports may point (docs in README, "Architecture").

Imports are read from the source with `ast`, every one of them, including those inside
functions (a lazy import is still a dependency). An "app" is a Django app of ours: `core`,
`safeguarding`, `catalogue`, `ratings`, `search`, `market_statement` and each
`marketplace.<journey>` app;
what is left of `marketplace` (settings, urls, wsgi) is the project package, which may import
anything and which nothing imports.
"""

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The rooms below the journey: they import nothing from `marketplace`.
# Safeguarding imports only core, so that catalogue, ratings and the journeys can all raise a
# concern.
LOWER_APPS = ("safeguarding", "catalogue", "ratings", "search", "market_statement")
JOURNEY_APPS = ("accounts", "pages", "demo", "plans", "ras", "openreferral")
APPS = ("core", *LOWER_APPS, *(f"marketplace.{name}" for name in JOURNEY_APPS))
PROJECT = "marketplace"


def app_of(module: str) -> str | None:
    """The app a dotted module name belongs to (the project package for the rest of
    `marketplace`), None outside the project."""
    for app in APPS:
        if module == app or module.startswith(app + "."):
            return app
    if module == PROJECT or module.startswith(PROJECT + "."):
        return PROJECT
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, module: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import in the file (named `module`, by default from its
    place in the repository), relative ones resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = (module or module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module
            # `from marketplace import limits` imports the module marketplace.limits.
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"


def source_files(app: str) -> Iterator[Path]:
    folder = ROOT.joinpath(*app.split("."))
    for path in sorted(folder.rglob("*.py")):
        if app == PROJECT and any(path.is_relative_to(folder / name) for name in JOURNEY_APPS):
            continue
        yield path


@cache
def app_imports() -> dict[str, dict[str, list[str]]]:
    """For each app, the apps it imports, each with where (file:line)."""
    graph: dict[str, dict[str, list[str]]] = {}
    for app in (*APPS, PROJECT):
        edges: dict[str, list[str]] = {}
        for path in source_files(app):
            for line, module in imported_modules(path):
                target = app_of(module)
                if target and target != app:
                    where = f"{path.relative_to(ROOT)}:{line}"
                    if where not in edges.setdefault(target, []):
                        edges[target].append(where)
        graph[app] = edges
    return graph


def test_the_reader_sees_lazy_and_relative_imports(tmp_path):
    """The checks below are only as good as the reader: an import inside a function counts,
    and a relative import is resolved to the module it names."""
    source = tmp_path / "metrics.py"
    source.write_text(
        "from . import stats\n"
        "from ..core import roles\n"
        "def figures():\n"
        "    from marketplace.plans.models import Enquiry\n"
        "    import search.models\n"
    )
    modules = {name for _line, name in imported_modules(source, "market_statement.metrics")}
    assert {
        "market_statement.stats",
        "core.roles",
        "marketplace.plans.models",
        "search.models",
    } <= modules
    assert {app_of(name) for name in modules} >= {"market_statement", "core", "search"}
    assert app_of("marketplace.plans.models") == "marketplace.plans"
    assert app_of("marketplace.settings.base") == PROJECT
    assert app_of("catalogues") is None


def test_the_reader_resolves_imports_inside_a_package(tmp_path):
    """A big module split into a package (catalogue.services, market_statement.metrics) keeps
    its imports under the same rules: a submodule's `..` is its app, and the package's own
    __init__ resolves `.` to itself."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "__init__.py").write_text("from .supply import providers_services\n")
    (folder / "supply.py").write_text(
        "from .. import readers\n"
        "from ..figures import Figures\n"
        "from .registry import metric\n"
        "def figures():\n"
        "    from marketplace.plans import selectors\n"
    )
    init = {n for _line, n in imported_modules(folder / "__init__.py", "market_statement.metrics")}
    assert "market_statement.metrics.supply" in init
    supply = {
        name
        for _line, name in imported_modules(folder / "supply.py", "market_statement.metrics.supply")
    }
    assert {
        "market_statement.readers",
        "market_statement.figures",
        "market_statement.metrics.registry",
        "marketplace.plans.selectors",
    } <= supply
    assert {app_of(name) for name in supply} == {"market_statement", "marketplace.plans"}
    # The real packages are read file by file, submodules included.
    assert ROOT / "catalogue" / "services" / "listings.py" in set(source_files("catalogue"))
    assert ROOT / "market_statement" / "metrics" / "supply.py" in set(
        source_files("market_statement")
    )


@pytest.mark.parametrize("app", LOWER_APPS)
def test_lower_apps_import_nothing_from_marketplace(app):
    wrong = {
        target: where
        for target, where in app_imports()[app].items()
        if app_of(target) == PROJECT or target.startswith(PROJECT + ".")
    }
    assert wrong == {}, f"{app} reaches up into marketplace"


def test_core_imports_no_project_app():
    assert app_imports()["core"] == {}, "core must import only Django, Wagtail and libraries"


def test_nothing_imports_the_project_package():
    """Settings, urls and wsgi are the top: no app imports them (settings through
    django.conf.settings)."""
    wrong = {app: edges[PROJECT] for app, edges in app_imports().items() if PROJECT in edges}
    assert wrong == {}


def test_no_import_cycles_between_apps():
    graph = {app: set(edges) for app, edges in app_imports().items()}
    cycles = []

    def visit(app: str, path: list[str]) -> None:
        for target in sorted(graph.get(app, ())):
            if target == path[0]:
                cycles.append(" -> ".join([*path, target]))
            elif target not in path and target > path[0]:
                visit(target, [*path, target])

    for app in sorted(graph):
        visit(app, [app])
    assert cycles == []
