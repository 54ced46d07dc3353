"""Sweeps and plots: what they compute and what a student sees."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import negsim
from negsim import plots
from negsim.sweep import parse_range, run_sweep


def test_parse_range() -> None:
    assert parse_range("a.b=0:1:3") == ("a.b", (0.0, 0.5, 1.0))
    assert parse_range("a.b=2:2:1") == ("a.b", (2.0,))
    for bad in ("a.b", "a.b=0:1", "a.b=0:1:0", "a.b=x:1:2"):
        with pytest.raises(negsim.ValidationError, match="start:stop:steps"):
            parse_range(bad)


def test_one_parameter_sweep_is_reproducible(tmp_path: Path) -> None:
    scenario = negsim.load_scenario("split-the-pie")
    params = [parse_range("parties.second.reservation=0:0.9:4")]
    result = run_sweep(scenario, params, n_seeds=3)
    again = run_sweep(scenario, params, n_seeds=3)
    assert result.seed == scenario.seed
    np.testing.assert_array_equal(result.mean_payoffs, again.mean_payoffs)
    assert result.points.shape == (4, 1)
    # as the second party's outside option improves, it never gets less
    assert (np.diff(result.mean_payoffs[:, 1]) >= -1e-12).all()
    text = result.to_csv(tmp_path / "sweep.csv")
    assert text.splitlines()[0].startswith("parties.second.reservation,agreement_rate")
    assert len(text.splitlines()) == 5
    ax = plots.sweep(result)
    assert "parties.second.reservation" in ax.get_xlabel()
    assert ax.get_legend() is not None
    plt.close("all")


def test_two_parameter_sweep_draws_a_heatmap() -> None:
    scenario = negsim.load_scenario("two-issue-trade")
    params = [
        parse_range("parties.seller.reservation=0:0.6:2"),
        parse_range("parties.buyer.reservation=0:0.6:3"),
    ]
    seen: list[tuple[int, int]] = []
    result = run_sweep(
        scenario, params, n_seeds=1, rng=5, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (6, 6)
    assert result.deal_rate.shape == (6,)
    ax = plots.sweep(result)
    assert ax.get_ylabel() == "parties.buyer.reservation"
    assert len(ax.images) == 1
    plt.close("all")
    with pytest.raises(negsim.ValidationError, match="each key path once"):
        run_sweep(scenario, params * 2)
    with pytest.raises(negsim.ValidationError, match="at least 1"):
        run_sweep(scenario, params[:1], n_seeds=0)


def test_outcome_space_plot_has_what_a_student_needs() -> None:
    scenario = negsim.load_scenario("kurils-2018-2019")
    run = scenario.run()
    found = scenario.analyse()
    ax = plots.outcome_space(
        found.U, scenario.names, found.reservations, run.result, scenario.title
    )
    assert ax.get_xlabel() == "Utility to Japan (undiscounted)"
    assert ax.get_ylabel() == "Utility to Russia (undiscounted)"
    assert ax.get_title() == scenario.title
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    for expected in (
        "Pareto frontier",
        "Nash solution",
        "Japan's offers",
        f"Russia's reservation ({found.reservations[1]:.2f})",
    ):
        assert any(expected in label for label in labels), labels
    texts = [t.get_text() for t in ax.texts]
    assert any("crosses Russia's red line" in text for text in texts), texts
    plt.close("all")


def test_concessions_and_win_sets_plots(tmp_path: Path) -> None:
    scenario = negsim.load_scenario("kurils-2020-2022")
    run = scenario.run()
    ax = plots.concessions(run.result, scenario.title)
    assert ax.get_xlabel() == "Round"
    assert any("Japan" in t.get_text() for t in ax.get_legend().get_texts())
    found = scenario.analyse()
    ax2 = plots.win_sets(found.U, scenario.names, found.win_sets, reservations=found.reservations)
    labels = [t.get_text() for t in ax2.get_legend().get_texts()]
    assert "in both win-sets (ratifiable deal): 0" in labels
    path = plots.save_figure(ax2.figure, tmp_path / "out" / "win-sets.svg")
    assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert [p.name for p in path.parent.iterdir()] == ["win-sets.svg"]
    plt.close("all")


def test_a_plot_can_go_on_the_callers_axes() -> None:
    scenario = negsim.load_scenario("two-issue-trade")
    fig, (left, right) = plt.subplots(1, 2)
    found = scenario.analyse()
    assert plots.outcome_space(found.U, scenario.names, ax=left) is left
    assert plots.concessions(scenario.run().result, ax=right) is right
    plt.close(fig)
