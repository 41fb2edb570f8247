"""The import-cycle guard (tools/check_import_cycles.py) that ``make lint`` runs."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import grimp
import pytest

TOOL = Path(__file__).resolve().parents[4] / "tools" / "check_import_cycles.py"


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("check_import_cycles", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _package(root: Path, name: str, files: dict[str, str]) -> None:
    for path, source in files.items():
        target = root / name / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(source))


def test_finds_loops_inside_an_app_with_function_level_imports(checker, tmp_path, monkeypatch):
    _package(
        tmp_path,
        "cyclepkg",
        {
            "__init__.py": "",
            "shop/__init__.py": "",
            # models -> pricing -> (inside a function) models: a deferred loop still counts
            "shop/models.py": "from . import pricing\n",
            "shop/pricing.py": "def price():\n    from .models import Item\n",
            # only for the type checker: never runs, so no loop
            "shop/views.py": (
                "from typing import TYPE_CHECKING\n"
                "from . import models\n"
                "if TYPE_CHECKING:\n"
                "    from . import views_helpers\n"
            ),
            "shop/views_helpers.py": "from . import views\n",
            # a three-module loop inside a sub-package
            "stock/__init__.py": "",
            "stock/a/__init__.py": "",
            "stock/a/x.py": "from cyclepkg.stock.a import y\n",
            "stock/a/y.py": "from cyclepkg.stock import z\n",
            "stock/z.py": "import cyclepkg.stock.a.x\n",
            # a loop between two apps is import-linter's business, not this guard's
            "other/__init__.py": "from cyclepkg.shop import views\n",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("cyclepkg", exclude_type_checking_imports=True, cache_dir=None)
    found = checker.find_cycles(graph, root="cyclepkg")
    assert found == [
        (
            "cyclepkg.shop",
            ["cyclepkg.shop.models", "cyclepkg.shop.pricing"],
            ["cyclepkg.shop.models", "cyclepkg.shop.pricing", "cyclepkg.shop.models"],
        ),
        (
            "cyclepkg.stock",
            ["cyclepkg.stock.a.x", "cyclepkg.stock.a.y", "cyclepkg.stock.z"],
            ["cyclepkg.stock.a.x", "cyclepkg.stock.a.y", "cyclepkg.stock.z", "cyclepkg.stock.a.x"],
        ),
    ]
    assert "(l.2)" in checker.describe(graph, found[0][2])  # the function-level import's line
    for name in [m for m in sys.modules if m.startswith("cyclepkg")]:
        del sys.modules[name]


def test_the_project_has_no_cycle_beyond_the_allowed_ones(checker, capsys):
    assert checker.main() == 0, capsys.readouterr().out


def test_an_allowance_that_is_no_longer_a_cycle_fails(checker, capsys):
    stale = {frozenset({"ctxh.organizations.models", "ctxh.organizations.headcount"}): "old"}
    assert checker.main(allowed={**checker.ALLOWED_CYCLES, **stale}) == 1
    assert "no longer a cycle (old)" in capsys.readouterr().out


def test_a_cycle_not_allowed_fails(checker, capsys):
    if not checker.ALLOWED_CYCLES:
        pytest.skip("no known cycle left to withhold")
    assert checker.main(allowed={}) == 1
    assert "import cycle in" in capsys.readouterr().out
