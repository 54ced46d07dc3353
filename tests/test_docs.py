"""Doctests of every negsim module docstring (the docs pages run via --doctest-glob)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

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
