"""MkDocs hook: one API reference page per public module of negsim, generated at build time.

The list of modules is read from the package itself (every module or subpackage directly
under ``negsim`` whose name does not start with ``_``, less the few that are not a library
API), so a new module gets its page without anyone editing the site's configuration; each
page is one ``::: negsim.module`` block that mkdocstrings fills from the docstrings.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
# not a library API: the command line, the fuzzers' harness, the bundled data files
SKIP = {"cli", "fuzz", "scenarios"}
FOLDER = "reference/modules"


def modules() -> list[str]:
    """The public modules and subpackages directly under negsim, sorted."""
    found = pkgutil.iter_modules([str(ROOT / "negsim")])
    return sorted(m.name for m in found if not m.name.startswith("_") and m.name not in SKIP)


def on_config(config: Any) -> Any:
    """Add the generated pages to the navigation, under Reference."""
    pages = [{f"negsim.{name}": f"{FOLDER}/{name}.md"} for name in modules()]
    for section in config["nav"]:
        if isinstance(section, dict) and "Reference" in section:
            section["Reference"].append({"API, from the docstrings": pages})
    return config


def page(name: str) -> str:
    """The page of ``negsim.name``: a module's docstring and members; for a subpackage, its
    docstring, then each of its public modules (where its members are defined)."""
    folder = ROOT / "negsim" / name
    if not folder.is_dir():
        return f"# `negsim.{name}`\n\n::: negsim.{name}\n"
    parts = [f"# `negsim.{name}`\n\n::: negsim.{name}\n    options:\n      members: false\n"]
    for sub in pkgutil.iter_modules([str(folder)]):
        if not sub.name.startswith("_") and sub.name not in SKIP:
            parts.append(f"::: negsim.{name}.{sub.name}\n    options:\n      heading_level: 2\n")
    return "\n".join(parts)


def on_files(files: Files, config: Any) -> Files:
    """Write one page per module."""
    for name in modules():
        files.append(File.generated(config, f"{FOLDER}/{name}.md", content=page(name)))
    return files
