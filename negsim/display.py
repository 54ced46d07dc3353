"""Short text and HTML views of negsim's value objects, for terminals and notebooks.

Every result, scenario, analysis, forecast and sweep prints as one short line
(:data:`MAX_REPR` characters at most: what it is and its headline figures, never its arrays),
and renders in a notebook as a small HTML table. This module is the one place that decides how:

>>> short_repr("NegotiationResult", end="agreement", rounds=7, utilities=(0.61, 0.52))
"NegotiationResult(end='agreement', rounds=7, utilities=(0.61, 0.52))"
>>> len(short_repr("Big", values=list(range(10_000)))) <= MAX_REPR
True
>>> print(html_table(["party", "utility"], [["japan", 0.61]], caption="a <b>"))
<table>
<caption>a &lt;b&gt;</caption>
<thead><tr><th>party</th><th>utility</th></tr></thead>
<tbody>
<tr><td>japan</td><td>0.61</td></tr>
</tbody>
</table>
"""

from __future__ import annotations

import base64
import html
import io
import reprlib
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "MAX_REPR",
    "figure_bundle",
    "fmt",
    "html_image",
    "html_table",
    "png_bytes",
    "short_repr",
]

MAX_REPR = 300
"""The longest ``repr()`` of any negsim value object, in characters."""

_VALUES = reprlib.Repr()
_VALUES.maxlist = _VALUES.maxtuple = _VALUES.maxdict = _VALUES.maxset = 4
_VALUES.maxstring = _VALUES.maxother = 40


def fmt(value: Any) -> str:
    """A value as a short string: floats to 4 significant digits, containers abbreviated."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, tuple) and all(isinstance(v, float) for v in value):
        return "(" + ", ".join(f"{v:.4g}" for v in value) + ("," if len(value) == 1 else "") + ")"
    return _VALUES.repr(value)


def short_repr(name: str, /, **fields: Any) -> str:
    """``name(key=value, ...)`` with every value abbreviated (:func:`fmt`), cut to
    :data:`MAX_REPR` characters with ``…)`` if it is still longer."""
    text = f"{name}(" + ", ".join(f"{k}={fmt(v)}" for k, v in fields.items()) + ")"
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 2] + "…)"


def html_table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], caption: str | None = None
) -> str:
    """An HTML table (every cell escaped; floats as :func:`fmt` writes them)."""

    def cell(value: Any) -> str:
        return html.escape(fmt(value) if isinstance(value, float) else str(value))

    lines = ["<table>"]
    if caption:
        lines.append(f"<caption>{html.escape(caption)}</caption>")
    lines.append("<thead><tr>" + "".join(f"<th>{cell(h)}</th>" for h in headers) + "</tr></thead>")
    lines.append("<tbody>")
    lines += ["<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows]
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def png_bytes(figure: Any) -> bytes:
    """Render a matplotlib figure as PNG bytes (for ``_repr_png_``) and close it."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    finally:
        plt.close(figure)
    return buffer.getvalue()


def html_image(png: bytes, alt: str = "") -> str:
    """An ``<img>`` holding ``png`` inline, for a ``_repr_html_`` that shows a picture under
    its table (notebooks show the HTML of an object rather than its PNG when it has both)."""
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def figure_bundle(text: str, table: str, png: bytes, alt: str = "") -> dict[str, str]:
    """Every view of an object with a picture, for its ``_repr_mimebundle_``: its repr, its
    table with the picture under it, and the picture (base64, as notebooks store it).

    IPython takes every format it finds here from here, so the picture is drawn once rather
    than once for ``_repr_html_`` and again for ``_repr_png_``."""
    return {
        "text/plain": text,
        "text/html": table + "\n" + html_image(png, alt),
        "image/png": base64.b64encode(png).decode("ascii"),
    }
