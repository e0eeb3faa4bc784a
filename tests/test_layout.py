"""The shape of the code: no import cycles, short functions, no silenced type errors, a complete public API."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "index", "prompts", "ui")
MAX_FUNCTION_LINES = 60
LAYOUT_FUNCTIONS = {("ui/app.py", "build_app")}  # Gradio layout reads top to bottom; splitting it hides the page


def project_modules() -> dict[str, Path]:
    """Dotted module name → file, for every module of the project's packages."""
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_modules(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules `path` imports anywhere: at the top, inside functions, under TYPE_CHECKING."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from index import settings` imports index.settings; `from index.store import X` imports index.store.
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_late_imports_included() -> None:
    modules = project_modules()
    graph = {name: imported_modules(path, modules) - {name} for name, path in modules.items()}
    # A package imports its own modules (its __init__ re-exports them); a module importing its package is a cycle.
    assert cycles(graph) == []
    assert "assistant.core" in graph["assistant"]  # the walk does see imports


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def functions(path: Path) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, (node.end_lineno or node.lineno) - node.lineno + 1


def test_no_function_is_longer_than_60_lines() -> None:
    long = [
        f"{path.relative_to(REPO)}:{name} ({lines} lines)"
        for package in ("assistant", "index", "ui")
        for path in sorted((REPO / package).rglob("*.py"))
        for name, lines in functions(path)
        if lines > MAX_FUNCTION_LINES and (str(path.relative_to(REPO)), name) not in LAYOUT_FUNCTIONS
    ]
    assert long == []


def test_no_type_errors_are_silenced() -> None:
    silenced = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in (*PACKAGES, "tests", "bench")
        for path in sorted((REPO / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "type: " + "ignore" in line  # spelled apart so this line does not count itself
    ]
    assert silenced == []


def test_the_public_api_exports_every_type_a_caller_meets() -> None:
    import assistant
    import index.errors
    from assistant import Assistant, RecapError, Settings

    assert Assistant and Settings and issubclass(RecapError, Exception)
    errors = {
        name
        for name, value in vars(index.errors).items()
        if isinstance(value, type) and issubclass(value, index.errors.RecapError)
    }
    assert errors <= set(assistant.__all__)
    for name in assistant.__all__:
        assert getattr(assistant, name) is not None


def test_assistant_overrides_are_validated_like_the_environment(tmp_path: Path) -> None:
    from assistant import Assistant, SettingsError

    with pytest.raises(SettingsError, match=r"top_k: Input should be greater than or equal to 1"):
        Assistant(data_dir=tmp_path, top_k=0)
    with pytest.raises(SettingsError, match="unknown setting"):
        Assistant(data_dir=tmp_path, topk=3)
    assert Assistant(data_dir=tmp_path, top_k=3, auto_ingest=False).settings.top_k == 3


def test_an_empty_question_is_a_recap_error(tmp_path: Path) -> None:
    from assistant import Assistant, BadQuestionError, RecapError

    assistant = Assistant(data_dir=tmp_path, auto_ingest=False)
    with pytest.raises(RecapError, match="needs a question") as caught:
        assistant.ask("   ")
    assert isinstance(caught.value, BadQuestionError)
