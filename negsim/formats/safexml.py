"""Reading XML from files negsim did not write, safely, with element paths for messages.

GENIUS files are plain XML without a document type. The parser here is the standard
library's expat feeding an :class:`xml.etree.ElementTree.TreeBuilder`, with three guards:

* **no DTD**: a ``<!DOCTYPE ...>`` (and so any ``<!ENTITY ...>`` declaration) is refused
  before anything is expanded, which rules out entity-expansion bombs ("billion laughs") and
  external entities. No GENIUS file has one;
* **size**: a file larger than :data:`MAX_XML_BYTES` is refused before it is parsed;
* **depth**: elements nested deeper than :data:`MAX_XML_DEPTH` are refused.

Every element is given a path for messages, XPath-like, with the ``index`` attribute where
GENIUS elements have one and the position among siblings of the same tag otherwise:
``/utility_space/objective/issue[@index="3"]/item[2] (line 14)``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

import attrs

from ..scenario.reader import Problem, ScenarioError

__all__ = ["MAX_XML_BYTES", "MAX_XML_DEPTH", "XmlDocument", "parse_xml", "read_bytes"]

#: The largest file read (GENIUS profiles are a few kilobytes).
MAX_XML_BYTES = 8 * 1024 * 1024
#: The deepest element nesting accepted.
MAX_XML_DEPTH = 32


class _Refused(Exception):
    def __init__(self, message: str, expected: str) -> None:
        super().__init__(message)
        self.expected = expected


@attrs.frozen(eq=False)
class XmlDocument:
    """A parsed XML file: its ``root`` element and a path for every element."""

    source: str
    root: ET.Element
    _paths: dict[int, str] = attrs.field(alias="paths", repr=False)

    def path(self, element: ET.Element) -> str:
        """The element's path and line, for messages."""
        return self._paths.get(id(element), f"<{element.tag}>")


def read_bytes(path: Path, limit: int = MAX_XML_BYTES) -> bytes:
    """A file's bytes, refusing files over ``limit`` before reading them."""
    try:
        size = path.stat().st_size
        if size > limit:
            problem = Problem("", f"{size:,} bytes", f"at most {limit:,} bytes")
            raise ScenarioError(str(path), [problem])
        return path.read_bytes()
    except OSError as error:
        raise ScenarioError(str(path), [Problem("", f"cannot read it: {error}")]) from None


def parse_xml(data: bytes, source: str) -> XmlDocument:
    """Parse ``data`` (the bytes of ``source``) under the guards of the module docstring."""
    if len(data) > MAX_XML_BYTES:
        raise ScenarioError(
            source, [Problem("", f"{len(data):,} bytes", f"at most {MAX_XML_BYTES:,} bytes")]
        )
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    paths: dict[int, str] = {}
    stack: list[tuple[str, dict[str, int]]] = [("", {})]

    def start(tag: str, attributes: dict[str, str]) -> None:
        if len(stack) > MAX_XML_DEPTH:
            raise _Refused(
                f"elements nested more than {MAX_XML_DEPTH} deep", f"at most {MAX_XML_DEPTH}"
            )
        parent, seen = stack[-1]
        seen[tag] = seen.get(tag, 0) + 1
        if "index" in attributes and tag in ("issue", "objective", "weight", "item"):
            step = f'{tag}[@index="{attributes["index"]}"]'
        else:
            step = f"{tag}[{seen[tag]}]" if seen[tag] > 1 else tag
        here = f"{parent}/{step}"
        element = builder.start(tag, attributes)
        paths[id(element)] = f"{here} (line {parser.CurrentLineNumber})"
        stack.append((here, {}))

    def end(tag: str) -> None:
        builder.end(tag)
        stack.pop()

    def doctype(*_: object) -> None:
        raise _Refused(
            "a <!DOCTYPE> declaration", "plain XML without a DTD (GENIUS files have none)"
        )

    def entity(*_: object) -> None:
        raise _Refused("an <!ENTITY> declaration", "plain XML without entity declarations")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except _Refused as error:
        where = f"line {parser.CurrentLineNumber}"
        raise ScenarioError(source, [Problem(where, str(error), error.expected)]) from None
    except expat.ExpatError as error:
        message = f"not well-formed XML: {expat.ErrorString(error.code)}"
        where = f"line {error.lineno}, column {error.offset + 1}"
        raise ScenarioError(source, [Problem(where, message)]) from None
    except RecursionError:
        raise ScenarioError(source, [Problem("", "nested too deeply")]) from None
    root = builder.close()
    return XmlDocument(source, root, paths)
