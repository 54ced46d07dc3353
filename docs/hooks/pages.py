"""MkDocs hook: every page of docs/ in the navigation, and links to the repository's files.

* A page under ``docs/tutorials``, ``docs/how-to``, ``docs/explanation`` or
  ``docs/reference`` that ``mkdocs.yml``'s ``nav`` does not list is appended to its section,
  so a new page can never be left out of the site.
* The pages are read on GitHub too, where a link such as ``../../benchmarks/README.md``
  points to a file of the repository outside ``docs/``. On the site there is no such page: a
  link whose target exists in the repository becomes its text followed by the path as code;
  a link to a file that does not exist is left alone, so ``--strict`` still fails on it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = {
    "tutorials": "Tutorials",
    "how-to": "How-to guides",
    "explanation": "Explanation",
    "reference": "Reference",
}
_LINK = re.compile(r"\[([^\]]+)\]\((\.\./[^)#\s]+)(#[^)\s]*)?\)")


def _listed(nav: Any) -> set[str]:
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, list):
        return set().union(*(_listed(item) for item in nav))
    if isinstance(nav, dict):
        return set().union(*(_listed(item) for item in nav.values()))
    return set()


def on_config(config: Any) -> Any:
    """Append the pages the nav does not list to their sections."""
    docs = Path(config["docs_dir"])
    listed = _listed(config["nav"])
    for folder, title in SECTIONS.items():
        missing = sorted(
            p.relative_to(docs).as_posix()
            for p in (docs / folder).glob("*.md")
            if p.relative_to(docs).as_posix() not in listed
        )
        for section in config["nav"]:
            if isinstance(section, dict) and title in section:
                section[title].extend(missing)
    return config


def on_page_markdown(markdown: str, page: Page, config: Any, files: Any) -> str:
    """Links to repository files outside docs/: their text, then the path as code."""
    docs = Path(config["docs_dir"]).resolve()
    here = (docs / page.file.src_path).parent

    def unlink(match: re.Match[str]) -> str:
        text, target = match[1], match[2]
        path = (here / target).resolve()
        if docs in path.parents or not path.exists() or ROOT not in path.parents:
            return match[0]
        return f"{text} (`{path.relative_to(ROOT).as_posix()}` in the repository)"

    return _LINK.sub(unlink, markdown)
