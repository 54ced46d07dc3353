"""Agents, protocols and forecast models from other installed packages (entry points).

A tiny distribution, ``negsim-fake-plugin``, is written to a temporary folder (a module and
its ``.dist-info`` with ``entry_points.txt``, as pip would install it) and put on
``sys.path``; :mod:`importlib.metadata` then finds it exactly as it finds an installed package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from cases import negsim_cli

import negsim
import negsim.registry as registry_module
from negsim.registry import Registry
from negsim.testing import check_agent, check_forecast_model, check_protocol

MODULE = "negsim_fake_plugin"

PLUGIN = '''
"""A plugin for negsim: one agent, one protocol, one forecast model."""
from typing import ClassVar

import attrs

import negsim
from negsim.spatial.models import Stokman


@attrs.frozen
class Stubborn(negsim.Agent):
    """Demands its best outcome; accepts only offers worth at least `floor`."""

    name: ClassVar[str] = "stubborn"
    floor: float = 0.8

    def propose(self, obs):
        return obs.best

    def respond(self, obs, offer):
        return obs.utility(offer) >= self.floor and obs.acceptable(offer)


@attrs.frozen
class QuickOffers(negsim.AlternatingOffers):
    """Alternating offers with a short deadline."""

    name: ClassVar[str] = "quick-offers"
    n_rounds: int = 6


@attrs.frozen
class PluginStokman(Stokman):
    """Stokman's exchange model, from a plugin."""

    name: ClassVar[str] = "plugin-stokman"


NOT_CALLABLE = 42
'''

ENTRY_POINTS = """
[negsim.agents]
stubborn = negsim_fake_plugin:Stubborn
boulware = negsim_fake_plugin:Stubborn
broken = negsim_fake_plugin_missing:Nothing
not-callable = negsim_fake_plugin:NOT_CALLABLE

[negsim.protocols]
quick-offers = negsim_fake_plugin:QuickOffers

[negsim.models]
plugin-stokman = negsim_fake_plugin:PluginStokman
"""

REGISTRIES: tuple[Registry[object], ...] = (
    negsim.AGENTS,  # type: ignore[has-type]
    negsim.PROTOCOLS,  # type: ignore[has-type]
    negsim.spatial.MODELS,  # type: ignore[has-type]
)


def write_plugin(folder: Path) -> Path:
    """The fake distribution, laid out as pip installs one, in ``folder``."""
    (folder / f"{MODULE}.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    info = folder / f"{MODULE}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: negsim-fake-plugin\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    return folder


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The fake plugin installed for one test; the registries as they were afterwards."""
    saved = [(r, dict(r._factories), dict(r._summaries), r._plugins) for r in REGISTRIES]
    monkeypatch.syspath_prepend(str(write_plugin(tmp_path)))
    with pytest.warns(UserWarning, match=r"'boulware' \(negsim_fake_plugin:Stubborn\)"):
        found = [registry.find_plugins() for registry in REGISTRIES]
    assert found == [["stubborn", "broken", "not-callable"], ["quick-offers"], ["plugin-stokman"]]
    yield tmp_path
    monkeypatch.undo()  # the plugin off sys.path, and forgotten:
    registry_module._installed_entry_points.cache_clear()
    for registry, factories, summaries, plugins in saved:
        registry._factories, registry._summaries, registry._plugins = (
            factories,
            summaries,
            plugins,
        )
    sys.modules.pop(MODULE, None)


def test_plugins_are_listed_and_imported_only_when_used(plugin: Path) -> None:
    assert "stubborn" in negsim.AGENTS
    assert "quick-offers" in negsim.PROTOCOLS.names()
    assert "plugin-stokman" in list(negsim.spatial.MODELS)
    assert MODULE not in sys.modules
    agent = negsim.make_agent("stubborn", floor=0.7)
    assert MODULE in sys.modules
    assert agent.describe() == {"kind": "stubborn", "floor": 0.7}
    assert negsim.AGENTS.summary("stubborn").startswith("Demands its best outcome")


def test_plugins_meet_the_contracts(plugin: Path) -> None:
    check_agent(negsim.make_agent("stubborn"))
    check_protocol(negsim.make_protocol("quick-offers"))
    check_forecast_model(negsim.spatial.make_model("plugin-stokman"))


def test_a_builtin_name_wins_over_a_plugin(plugin: Path) -> None:
    assert type(negsim.make_agent("boulware")).__name__ == "TimeDependent"


def test_a_broken_plugin_fails_when_used_naming_its_package(plugin: Path) -> None:
    with pytest.raises(negsim.NegsimError, match="negsim-fake-plugin") as info:
        negsim.make_agent("broken")
    assert "negsim_fake_plugin_missing:Nothing" in str(info.value)
    assert "ModuleNotFoundError" in str(info.value)
    with pytest.raises(negsim.NegsimError, match="is a int, expected a class"):
        negsim.make_agent("not-callable")
    negsim.make_agent("stubborn")  # the others still work


def test_plugins_are_reachable_from_scenario_files(plugin: Path) -> None:
    scenario = negsim.load_scenario("split-the-pie").with_overrides(
        {"parties.first.agent": "stubborn", "protocol.kind": "quick-offers"}
    )
    result = scenario.run(1).result
    assert result.protocol == "quick-offers"
    assert type(scenario.parties[0].agent).__name__ == "Stubborn"
    assert result.offers[::2].tolist() == [10] * len(result.offers[::2])  # never concedes


def test_plugins_are_reachable_from_the_cli(
    plugin: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin), *sys.path])}

    def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return negsim_cli(*args, cwd=tmp_path_factory.mktemp("cli"), env=env)

    agents = run_cli("agents")
    assert agents.returncode == 0, agents.stderr
    assert "stubborn         Demands its best outcome" in agents.stdout
    assert "broken           (not usable: agent 'broken': entry point" in agents.stdout
    done = run_cli(
        "run", "split-the-pie", "--set", "parties.second.agent=stubborn", "--no-plots",
        "--lever-seeds", "0",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Stubborn" in done.stdout or "stubborn" in done.stdout
    forecast = run_cli("forecast", "kurils-actors-2016", "--model", "plugin-stokman", "--no-plots")
    assert forecast.returncode == 0, forecast.stderr
    assert "plugin-stokman" in forecast.stdout
