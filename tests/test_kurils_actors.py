"""The bundled Kurils actor data sets (``negsim/scenarios/kurils-actors-*.csv``), for the
spatial models.

Each file must read with :func:`negsim.spatial.read_actor_csv`, name the actors of its period,
keep every number in 0-100, and cite every number. The citation convention (stated at the top
of each file): one comment line per number,

    # cite | ACTOR | COLUMN | VALUE | SOURCE

where COLUMN is ``Power`` or a column header, VALUE equals the number in the actor's row, and
SOURCE cites a section of the fact sheet (``FACTS §n``) or starts with ``judgment:`` and a reason.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest

import negsim.scenarios
from negsim.spatial import read_actor_csv, weighted_median

SCENARIOS = Path(negsim.scenarios.__file__).parent
FILES = sorted(SCENARIOS.glob("kurils-actors-*.csv"))
PERIODS = ("1956", "2016", "2018-2019", "2020-2022")

GOVERNMENTS = {"Japan", "United States"}
MODERN = GOVERNMENTS | {
    "Russia",
    "Japanese public",
    "Russian public",
    "Island residents",
    "Former islanders",
}
REQUIRED = {
    "1956": GOVERNMENTS | {"USSR"},  # FACTS has no 1950s polls or residents' statements
    "2016": MODERN,
    "2018-2019": MODERN | {"Diet opposition"},
    "2020-2022": MODERN,
}
CITE = re.compile(
    r"^#\s*cite\s*\|(?P<actor>[^|]+)\|(?P<column>[^|]+)\|(?P<value>[^|]+)\|(?P<text>.+)$"
)
SOURCED = re.compile(r"FACTS §\d")
JUDGMENT = re.compile(r"^judgment:\s*\S.{10,}")


def _period(path: Path) -> str:
    return path.stem.removeprefix("kurils-actors-")


def _table(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and actor rows, skipping comments and the KTAB title row."""
    text = path.read_text(encoding="utf-8")
    rows = [
        [cell.strip() for cell in row]
        for row in csv.reader(io.StringIO(text))
        if any(cell.strip() for cell in row) and not row[0].strip().startswith("#")
    ]
    return rows[1], rows[2:]


def _cites(path: Path) -> dict[tuple[str, str], list[tuple[float, str]]]:
    found: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = CITE.match(line.strip())
        if match:
            key = (match["actor"].strip(), match["column"].strip())
            found.setdefault(key, []).append((float(match["value"]), match["text"].strip()))
    return found


def test_every_period_is_bundled() -> None:
    assert [_period(path) for path in FILES] == sorted(PERIODS)


@pytest.mark.parametrize("path", FILES, ids=_period)
def test_file_reads_with_the_period_actors_and_scales(path: Path) -> None:
    data = read_actor_csv(path)
    assert data.title == path.stem
    assert len(set(data.names)) == data.n_actors
    assert REQUIRED[_period(path)] <= set(data.names)
    assert data.dimensions[0] == "territory"
    assert data.dimensions[1:] in ((), ("security",))
    for values in (data.capability, data.positions, data.saliences):
        assert ((values >= 0) & (values <= 100)).all()
    assert all("FACTS §" in text for text in data.descriptions)


@pytest.mark.parametrize("path", FILES, ids=_period)
def test_every_number_is_cited(path: Path) -> None:
    header, rows = _table(path)
    numeric = header[2:]
    cites = _cites(path)
    expected = set()
    for row in rows:
        for column, cell in zip(numeric, row[2:], strict=True):
            key = (row[0], column)
            expected.add(key)
            assert len(cites.get(key, [])) == 1, f"{path.name}: one cite line for {key}"
            value, text = cites[key][0]
            assert value == float(cell), f"{path.name}: {key} cites {value}, row has {cell}"
            assert SOURCED.search(text) or JUDGMENT.match(text), f"{path.name}: {key}: {text}"
    assert set(cites) == expected, f"{path.name}: cites for no row: {set(cites) - expected}"


@pytest.mark.parametrize("path", FILES, ids=_period)
def test_russia_never_offers_more_than_habomai_and_shikotan(path: Path) -> None:
    # FACTS §4.2: no proposal from Moscow after 1956 went beyond Habomai + Shikotan (50)
    data = read_actor_csv(path)
    moscow = data.names.index("USSR" if _period(path) == "1956" else "Russia")
    assert data.positions[moscow, 0] <= 50


def test_after_the_constitutional_ban_no_transfer_is_forecast() -> None:
    # FACTS §1: the July 2020 amendment bans ceding territory; Russia's position is 0
    data = read_actor_csv(SCENARIOS / "kurils-actors-2020-2022.csv")
    assert data.positions[data.names.index("Russia"), 0] == 0
    assert weighted_median(data)[0] == 0


GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("NEGSIM_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("model", ["bdm", "ktab", "stokman"])
@pytest.mark.parametrize("name", ["kurils-actors-2016", "kurils-actors-2018-2019"])
def test_forecast_matches_its_golden_transcript(name: str, model: str) -> None:
    """The full report of each model on each period, diffed (numbers printed to 4 places).
    Refreshing is deliberate: ``NEGSIM_UPDATE_GOLDEN=1 pytest tests/test_kurils_actors.py``."""
    from negsim.spatial import load_actor_data, make_model
    from negsim.spatial.report import format_forecast

    transcript = format_forecast(make_model(model).run(load_actor_data(name), 10)) + "\n"
    path = GOLDEN / f"forecast-{name}-{model}.txt"
    if UPDATE:
        path.write_text(transcript, encoding="utf-8")
    assert path.exists(), f"no golden transcript for {name}/{model}: NEGSIM_UPDATE_GOLDEN=1"
    assert transcript == path.read_text(encoding="utf-8")
