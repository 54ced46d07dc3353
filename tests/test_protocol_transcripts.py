"""Golden transcripts of the protocols other than alternating offers (those are the bundled
scenarios' own transcripts, tests/test_scenarios.py): Zeuthen concession, the mediated single
text and the Nash demand game, each on the textbook scenarios and the 1956 talks, seeded.

Refreshing is a deliberate act, as for the scenarios:
``NEGSIM_UPDATE_GOLDEN=1 pytest tests/test_protocol_transcripts.py``; then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs
import pytest

import negsim
from negsim.report import format_result

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("NEGSIM_UPDATE_GOLDEN") == "1"
SCENARIOS = ["split-the-pie", "two-issue-trade", "kurils-1956"]
#: protocol, its parameters, and the agent every party uses (None: the scenario's own)
PROTOCOLS = {
    "zeuthen": ({"n_rounds": 20}, "zeuthen"),  # complete information: Zeuthen agents
    "single-text": ({"n_rounds": 20}, None),
    "nash-demand": ({}, None),
}


def transcript(protocol: str, name: str) -> str:
    """The seeded run of ``protocol`` among the parties of bundled scenario ``name``."""
    scenario = negsim.load_scenario(name)
    params, agent = PROTOCOLS[protocol]
    parties = [
        p if agent is None else attrs.evolve(p, agent=negsim.make_agent(agent))
        for p in scenario.parties
    ]
    result = negsim.make_protocol(protocol, **params).run(parties, rng=scenario.seed)
    return format_result(result, f"{scenario.title} under {protocol}") + "\n"


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("protocol", list(PROTOCOLS))
def test_protocol_matches_its_golden_transcript(protocol: str, name: str) -> None:
    text = transcript(protocol, name)
    path = GOLDEN / f"protocol-{protocol}-{name}.txt"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden transcript for {protocol}/{name}: NEGSIM_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
