"""The example notebooks run from top to bottom (executed by nbclient, in a fresh kernel).

nbclient, nbformat and ipykernel come with the ``notebook`` extra, which the ``test`` extra
includes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).parent.parent / "examples").glob("*.ipynb"))


def test_there_is_an_example_notebook() -> None:
    assert [p.name for p in NOTEBOOKS] == ["kurils.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_notebook_runs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells), "commit it without outputs"
    # in its own folder, as Jupyter runs it; the kernel inherits PYTHONPATH from
    # tests/conftest.py, so it imports the tests' negsim
    nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": path.parent}}
    ).execute()
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o["data"] for o in outputs if o.output_type == "execute_result"]
    html = [d["text/html"] for d in shown if "text/html" in d]
    assert sum("<table>" in page for page in html) >= 5  # scenario, run, analysis, ...
    assert sum("data:image/png;base64," in page for page in html) >= 3  # funnel, levers, sweep
    assert all(len(d["text/plain"]) <= 300 for d in shown)
    assert shown[-1]["text/plain"].startswith("[0.05")  # deals below some threshold
