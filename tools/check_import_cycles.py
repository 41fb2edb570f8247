"""Import-cycle guard: no two modules of one app import each other, directly or round a loop.

``make lint`` (hence ``make test``) runs it. The graph is grimp's (the library under
import-linter), built from the source without importing it. Every import it sees counts,
module-level or inside a function: a function-level import that closes a loop is still a
loop, only deferred (it breaks the day someone moves it to the top, and it hides which
module is the lower one). Imports under ``if TYPE_CHECKING:`` do not count: they never run.

Cycles are looked for inside each app package (``ctxh.<app>``, its sub-packages included);
between apps, import-linter's layers contract already forbids them. Each cycle is printed
as one loop of modules with the line of every import on it.

``ALLOWED_CYCLES`` lists the cycles tolerated for now; an entry that no longer is a cycle
fails too, so the list cannot outlive the fix. Run ``python tools/check_import_cycles.py``.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp

ROOT = "ctxh"
SRC = Path(__file__).resolve().parent.parent / "src"

#: Cycles tolerated for now (each the set of its modules), with the reason.
ALLOWED_CYCLES: dict[frozenset[str], str] = {}


def strongly_connected(nodes: Iterable[str], edges: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module (or a module that
    imports itself), each sorted; iterative, so deep graphs do not hit the recursion limit."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    components.append(sorted(component))
    return sorted(components)


def shortest_loop(component: list[str], edges: Mapping[str, set[str]]) -> list[str]:
    """One shortest loop through the first module of ``component``, as a closed path."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(edges.get(node, ()) & members):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [start, *reversed(path[:-1]), start] if node != start else [start, start]
            if child not in previous:
                previous[child] = node
                queue.append(child)
    return [start, start]  # unreachable for a real component


def app_edges(graph, app: str) -> tuple[set[str], dict[str, set[str]]]:
    """The modules of ``app`` and, for each, the modules of the same app it imports."""
    modules = {app, *graph.find_descendants(app)}
    edges = {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}
    return modules, edges


def find_cycles(graph, root: str = ROOT) -> list[tuple[str, list[str], list[str]]]:
    """Every cycle inside an app of ``root``: (app, sorted modules, one loop through them)."""
    found = []
    for app in sorted(graph.find_children(root)):
        modules, edges = app_edges(graph, app)
        for component in strongly_connected(modules, edges):
            found.append((app, component, shortest_loop(component, edges)))
    return found


def describe(graph, loop: list[str]) -> str:
    steps = []
    for importer, imported in zip(loop, loop[1:], strict=False):
        lines = sorted(
            d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)
        )
        where = f" (l.{', '.join(map(str, lines))})" if lines else ""
        steps.append(f"    {importer} -> {imported}{where}")
    return "\n".join(steps)


def main(allowed: Mapping[frozenset[str], str] = ALLOWED_CYCLES) -> int:
    if str(SRC) not in sys.path:
        sys.path.insert(0, str(SRC))
    graph = grimp.build_graph(ROOT, exclude_type_checking_imports=True, cache_dir=None)
    cycles = find_cycles(graph)
    seen = set()
    failures = 0
    for app, component, loop in cycles:
        key = frozenset(component)
        seen.add(key)
        if key in allowed:
            print(f"allowed for now ({allowed[key]}): {' <-> '.join(component)}")
            continue
        failures += 1
        print(f"import cycle in {app}: {len(component)} modules import each other")
        print(describe(graph, loop))
    for key, reason in allowed.items():
        if key not in seen:
            failures += 1
            print(
                f"no longer a cycle ({reason}): remove {sorted(key)} from ALLOWED_CYCLES "
                "in tools/check_import_cycles.py"
            )
    if failures:
        print(
            f"{failures} import-cycle problem(s): move what both modules need into a lower "
            "module of the app, so the imports point one way"
        )
        return 1
    print(f"import cycles: none inside the apps of {ROOT} ({len(graph.modules)} modules)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
