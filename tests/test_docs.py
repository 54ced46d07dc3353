"""Doctests of every negsim module docstring (the docs pages run via --doctest-glob)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import negsim

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(negsim.__path__, "negsim.") if m.name != "negsim.__main__"
)


@pytest.mark.parametrize("name", ["negsim", *MODULES])
def test_module_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


DOCS = Path(__file__).parent.parent / "docs"


def test_every_registered_agent_and_protocol_is_documented() -> None:
    page = (DOCS / "reference" / "agents.md").read_text(encoding="utf-8")
    for name in [*negsim.AGENTS.names(), *negsim.PROTOCOLS.names()]:
        assert f"`{name}`" in page, name


def test_every_public_name_is_in_the_api_reference() -> None:
    page = (DOCS / "reference" / "api.md").read_text(encoding="utf-8")
    for name in negsim.__all__:
        assert f"`{name}" in page, name
