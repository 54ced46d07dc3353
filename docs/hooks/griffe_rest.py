"""Griffe extension: the reST of negsim's docstrings, as Markdown for mkdocstrings.

The docstrings are written for reading in a terminal and in ``help()``: reST roles
(``:func:`negsim.analysis.nash_point```), ``.. math::`` blocks and ``::`` literal blocks.
This extension rewrites each docstring when the API pages are built, so the docstrings stay
as they are and the site shows them with rendered mathematics:

* ``.. math::  body`` (the body may continue on more-indented lines) becomes a display
  formula ``\\[ body \\]`` for pymdownx.arithmatex and MathJax; ``:math:`x``` becomes ``\\(x\\)``;
* ``:func:`~a.b```, ``:class:`a.b``` and the other roles become code (``b``, ``a.b``);
* a paragraph ending in ``::`` ends in ``:`` (its indented block is a code block already);
* the 3-space continuation lines of a numbered list item (reST) get the 4 spaces Markdown needs.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|exc|obj|ref|doc|py:\w+):`(~?)([^`]+)`")
_MATH_ROLE = re.compile(r":math:`([^`]+)`")
_MATH = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<first>.*)$")


def _role(match: re.Match[str]) -> str:
    short, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if short else target}`"


def _math_blocks(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _MATH.match(lines[i])
        if not match:
            out.append(lines[i])
            i += 1
            continue
        indent = match["indent"]
        body = [match["first"].strip()] if match["first"].strip() else []
        i += 1
        while i < len(lines) and lines[i].strip() == "" and not body:
            i += 1  # the blank line after a bare ``.. math::``
        while (
            i < len(lines)
            and lines[i].strip()
            and len(lines[i]) - len(lines[i].lstrip()) > len(indent)
        ):
            body.append(lines[i].strip())
            i += 1
        out += ["", f"{indent}\\[", *(f"{indent}{b}" for b in body), f"{indent}\\]", ""]
    return "\n".join(out)


def _list_indents(text: str) -> str:
    out: list[str] = []
    in_list = False
    for line in text.split("\n"):
        if re.match(r"\d+\. ", line):
            if in_list and out and out[-1].strip():
                out.append("")  # else Markdown reads the item as the last one's continuation
            in_list = True
        elif line.strip() and not line.startswith(" "):
            in_list = False
        elif in_list and re.match(r"   \S", line):
            line = " " + line
        out.append(line)
    return "\n".join(out)


def rest_to_markdown(text: str) -> str:
    """The docstring ``text`` with its reST rewritten as Markdown (see the module docstring)."""
    text = _math_blocks(_list_indents(text))
    text = _MATH_ROLE.sub(lambda m: f"\\({m[1]}\\)", text)
    text = _ROLE.sub(_role, text)
    return re.sub(r"(?<=\S)::$", ":", text, flags=re.M)


class RestToMarkdown(griffe.Extension):
    """Rewrite every docstring griffe loads (see the module docstring)."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rest_to_markdown(obj.docstring.value)
