"""The docs site's rewriting of docstrings (docs/hooks/griffe_rest.py) and its API pages
(docs/hooks/api_pages.py). ``mkdocs build --strict`` itself runs in ``.ci/run``."""

from __future__ import annotations

import importlib.util
import inspect
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

import negsim

pytest.importorskip("griffe")  # the docs extra
pytest.importorskip("mkdocs")

HOOKS = Path(__file__).parent.parent / "docs" / "hooks"


def hook(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_docs_{name}", HOOKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


rest = hook("griffe_rest")


def test_math_blocks_become_display_formulas() -> None:
    text = "Its utility\n\n.. math::  u = a \\\\\n           + b,\n\nso u is small."
    assert rest.rest_to_markdown(text) == (
        "Its utility\n\n\n\\[\nu = a \\\\\n+ b,\n\\]\n\n\nso u is small."
    )
    assert rest.rest_to_markdown("where :math:`x_i` is") == "where \\(x_i\\) is"


def test_roles_become_code_and_lists_get_markdown_indents() -> None:
    text = "See :func:`~negsim.analysis.nash_point` and :class:`negsim.Scenario`::"
    assert rest.rest_to_markdown(text) == "See `nash_point` and `negsim.Scenario`:"
    assert rest.rest_to_markdown("1. one\n   more\n2. two") == "1. one\n    more\n\n2. two"


def test_every_math_block_of_negsim_is_rewritten() -> None:
    blocks = formulas = 0
    for info in pkgutil.walk_packages(negsim.__path__, "negsim."):
        if info.name == "negsim.__main__":
            continue
        module = importlib.import_module(info.name)
        for obj in [module, *vars(module).values()]:
            doc = inspect.getdoc(obj) if inspect.getmodule(obj) is module else None
            if doc and ".. math::" in doc:
                blocks += doc.count(".. math::")
                done = rest.rest_to_markdown(doc)
                assert ".. math::" not in done
                assert ":math:`" not in done
                formulas += done.count("\\[")
    assert blocks >= 10
    assert formulas == blocks


def test_every_public_module_gets_an_api_page() -> None:
    api = hook("api_pages")
    names = api.modules()
    for name in ("analysis", "agents", "protocols", "spatial", "scenario", "theory"):
        assert name in names
    assert "cli" not in names
    assert "scenarios" not in names
    assert "::: negsim.agents.time_dependent" in api.page("agents")
    assert api.page("analysis") == "# `negsim.analysis`\n\n::: negsim.analysis\n"


def test_every_page_gets_into_the_nav_and_repository_links_stay_readable() -> None:
    pages = hook("pages")
    docs = Path(__file__).parent.parent / "docs"
    config = {
        "docs_dir": str(docs),
        "nav": [{"Tutorials": []}, {"Reference": ["reference/api.md"]}],
    }
    nav = pages.on_config(config)["nav"]
    assert "tutorials/first-negotiation.md" in nav[0]["Tutorials"]
    assert nav[1]["Reference"].count("reference/api.md") == 1  # listed once, not again

    class File:
        src_path = "how-to/page.md"

    class Page:
        file = File()

    text = (
        "See [the figures](../../benchmarks/README.md), [a page](../reference/api.md) "
        "and [a typo](../../benchmarks/READ.md)."
    )
    done = pages.on_page_markdown(text, Page(), {"docs_dir": str(docs)}, None)
    assert done == (
        "See the figures (`benchmarks/README.md` in the repository), [a page](../reference/api.md) "
        "and [a typo](../../benchmarks/READ.md)."
    )
