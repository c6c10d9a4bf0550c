"""The shape of the code (issue 19): layered packages, no import cycles, small modules.

Every import counts: module level, inside functions, and under ``TYPE_CHECKING`` (an
annotation that names an upper layer is still a dependency a reader must follow).
Run ``python tests/test_architecture.py`` for the full list of what breaks a rule.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "evidence_kit"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

# Lowest first. A module may import from its own package or from a lower layer only.
LAYERS: list[tuple[str, ...]] = [
    ("evidence_kit.core.common",),
    ("evidence_kit.core.crypto", "evidence_kit.core.platforms"),
    ("evidence_kit.core.evidence",),
    ("evidence_kit.core.vault",),
    ("evidence_kit.core.chat", "evidence_kit.core.timestamps"),
    ("evidence_kit.core.documents",),
    ("evidence_kit.core.service",),
    ("evidence_kit.console",),
    ("evidence_kit.cli", "evidence_kit.gui"),
]
# The version string lives in the top package and is readable from anywhere.
FREE = {"evidence_kit"}
ENTRY_POINTS = {"evidence_kit.__main__", "evidence_kit.gui.__main__"}


def _modules() -> dict[str, Path]:
    mods: dict[str, Path] = {}
    for p in PKG.rglob("*.py"):
        parts = list(p.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = p
    return mods


def _imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in mods else mod for a in node.names]
            for t in targets:
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != name and t.startswith("evidence_kit"):
                    edges[name].add(t)
    return edges


def _layer(mod: str) -> tuple[int, str] | None:
    for rank, group in enumerate(LAYERS):
        for prefix in group:
            if mod == prefix or mod.startswith(prefix + "."):
                return rank, prefix
    return None


def layering_violations() -> list[str]:
    mods = _modules()
    out = []
    for src, targets in sorted(_imports(mods).items()):
        if src in ENTRY_POINTS:
            continue
        ls = _layer(src)
        for dst in sorted(targets):
            if dst in FREE:
                continue
            ld = _layer(dst)
            if ls is None or ld is None:
                out.append(f"{src} -> {dst}: module outside every layer (add it to LAYERS)")
            elif ld[0] > ls[0] or (ld[0] == ls[0] and ld[1] != ls[1]):
                out.append(f"{src} -> {dst}: imports upward or sideways ({ls[1]} may not use {ld[1]})")
    return out


def import_cycles() -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    edges = _imports(_modules())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(_modules()):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    x = stack.pop()
                    on.discard(x)
                    comp.append(x)
                    if x == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def long_modules() -> list[str]:
    out = []
    for name, path in sorted(_modules().items()):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_MODULE_LINES:
            out.append(f"{name}: {n} lines")
    return out


def long_functions() -> list[str]:
    out = []
    for name, path in sorted(_modules().items()):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    out.append(f"{name}.{node.name}: {n} lines")
    return out


def undocumented_packages() -> list[str]:
    """Each core package's docstring says what lives there and what it may import."""
    out = []
    for init in sorted((PKG / "core").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        if "May import" not in doc:
            out.append(f"{init.relative_to(ROOT)}: docstring lacks 'May import: ...'")
    return out


def test_no_upward_or_sideways_imports() -> None:
    assert layering_violations() == []


def test_no_import_cycles() -> None:
    assert import_cycles() == []


def test_no_module_over_600_lines() -> None:
    assert long_modules() == []


def test_no_function_over_80_lines() -> None:
    assert long_functions() == []


def test_every_core_package_says_what_it_may_import() -> None:
    assert undocumented_packages() == []


def test_the_checker_sees_a_cycle_and_an_upward_import(tmp_path: Path) -> None:
    """The rules above would pass vacuously if the import reader saw nothing."""
    edges = _imports(_modules())
    assert "evidence_kit.core.common.errors" in edges["evidence_kit.cli"] or any(
        d.startswith("evidence_kit.core") for d in edges["evidence_kit.cli"])
    assert sum(len(v) for v in edges.values()) > 200
    assert _layer("evidence_kit.core.vault.vault") == (3, "evidence_kit.core.vault")
    assert _layer("evidence_kit.gui.app") == (8, "evidence_kit.gui")


DOC = ROOT / "docs" / "architecture.md"
TREE_MARK = "<!-- tree -->"


def tree_lines() -> list[str]:
    """evidence_kit/ as an indented tree, each module with the first line of its docstring."""
    out = ["evidence_kit/"]

    def walk(folder: Path, depth: int) -> None:
        entries = sorted(folder.iterdir(), key=lambda p: (p.is_dir(), p.name != "__init__.py", p.name))
        for p in entries:
            if p.is_dir() and (p / "__init__.py").exists():
                out.append("  " * depth + p.name + "/")
                walk(p, depth + 1)
            elif p.suffix == ".py":
                doc = ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) or ""
                first = doc.strip().splitlines()[0] if doc.strip() else ""
                first = first if len(first) <= 90 else first[:87] + "..."
                out.append(f"{'  ' * depth + p.name:<34} {first}".rstrip())

    walk(PKG, 1)
    return out


def _tree_paths(lines: list[str]) -> set[str]:
    paths: set[str] = set()
    stack: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        name = line.split()[0]
        stack = stack[:depth]
        if name.endswith("/"):
            stack.append(name.rstrip("/"))
            paths.add("/".join(stack) + "/")
        elif name.endswith(".py"):
            paths.add("/".join([*stack, name]))
    return paths


def documented_tree_problems() -> list[str]:
    """The tree in docs/architecture.md names exactly the modules that exist."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if TREE_MARK not in text:
        return [f"{DOC.relative_to(ROOT)}: no {TREE_MARK} block"]
    block = text.split(TREE_MARK, 1)[1].split("```text", 1)[-1].split("```", 1)[0]
    documented = _tree_paths(block.strip("\n").splitlines())
    actual = _tree_paths(tree_lines())
    return [f"missing from the doc: {p}" for p in sorted(actual - documented)] + [
        f"in the doc but not in the code: {p}" for p in sorted(documented - actual)]


def test_the_documented_tree_matches_the_code() -> None:
    assert documented_tree_problems() == []


if __name__ == "__main__":
    import sys

    if "--tree" in sys.argv:
        print("\n".join(tree_lines()))
        raise SystemExit(0)
    for title, rows in (("layering", layering_violations()), ("cycles", [" <-> ".join(c) for c in import_cycles()]),
                        ("modules", long_modules()), ("functions", long_functions()),
                        ("package docs", undocumented_packages()), ("doc tree", documented_tree_problems())):
        print(f"== {title}: {len(rows)}")
        for r in rows:
            print("  ", r)
