"""The figures a student reads: what each one draws, counted artist by artist."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import negsim
from negsim import plots
from negsim.diagnosis import diagnose
from negsim.levers import evaluate_levers
from negsim.protocols.base import target_curves

SCENARIOS = ("kurils-2018-2019", "kurils-1956", "kurils-2016", "split-the-pie")


@pytest.fixture(autouse=True)
def _close_figures() -> object:
    yield
    plt.close("all")


def _legend(ax: plt.Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def _bars(ax: plt.Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def _flagship() -> tuple[negsim.Scenario, negsim.ScenarioRun]:
    # negotiators who do not keep to their win-sets, so that offers move across the space
    scenario = negsim.load_scenario("kurils-2018-2019").with_overrides(
        {f"parties.{p}.ratification.anticipated": False for p in ("japan", "russia")}
    )
    return scenario, scenario.run(2018)


# --- concessions -------------------------------------------------------------------------------
def test_concessions_draw_undiscounted_utilities_targets_repeats_and_red_lines() -> None:
    scenario, run = _flagship()
    result = run.result
    targets = target_curves(scenario.protocol, scenario.parties)
    ax = plots.concessions(
        result, scenario.title, preferences=scenario.preferences, targets=targets
    )
    assert "undiscounted" in ax.get_ylabel()
    labels = _legend(ax)
    # a target line per scheduled agent, drawn over the rounds played
    for name in targets:
        assert f"{name}'s target τ(t)" in labels
        (line,) = [li for li in ax.lines if li.get_label() == f"{name}'s target τ(t)"]
        np.testing.assert_allclose(line.get_ydata(), targets[name][: result.n_rounds])
    # the own-offer lines carry the undiscounted utility, u_i(ω_t), not φ^t u_i(ω_t)
    japan = scenario.preferences[0].grid_utilities()[result.offers]
    (own,) = [li for li in ax.lines if li.get_label() == "Japan: its own offers"]
    np.testing.assert_allclose(own.get_ydata(), japan[result.proposers == 0])
    assert not np.allclose(own.get_ydata(), result.utilities[result.proposers == 0, 0])
    # the reservation rises as r / φ^t when the run discounts
    assert any("rising as r/φᵗ" in label for label in labels)
    # repeats: an offer equal to its proposer's previous one (here rounds 4..7)
    expected = sum(
        result.offers[i] == result.offers[i - 2] for i in range(2, result.n_rounds)
    )  # two parties alternating: a proposer's previous offer is two rounds back
    assert expected == 4
    repeats = [label for label in labels if label.startswith("repeats")]
    assert repeats == [f"repeats the proposer's previous offer ({expected})"]
    # two opening demands cross the other side's red line: drawn, counted, on the band
    assert "crosses a red line of the party in that colour (2)" in labels
    assert ax.get_yticklabels()[-1].get_text() == "crosses a\nred line"
    band = ax.get_yticks()[-1]
    crossing = [
        c
        for c in ax.collections
        if isinstance(c, PathCollection) and len(c.get_offsets())
        if np.allclose(np.asarray(c.get_offsets())[:, 1], band)
    ]
    assert sum(len(c.get_offsets()) for c in crossing) == 2
    assert "broke down after round 7" in ax.get_title(loc="right")


def test_concessions_without_preferences_say_discounted_and_old_calls_work() -> None:
    scenario, run = _flagship()
    ax = plots.concessions(run.result, scenario.title)
    assert "discounted" in ax.get_ylabel()
    assert "undiscounted" not in ax.get_ylabel()
    (own,) = [li for li in ax.lines if li.get_label() == "Japan: its own offers"]
    np.testing.assert_allclose(own.get_ydata(), run.result.utilities[run.result.proposers == 0, 0])
    assert not any("target" in label for label in _legend(ax))
    with pytest.raises(negsim.ValidationError, match="one per party"):
        plots.concessions(run.result, preferences=scenario.preferences[:1])


def test_an_agreement_is_marked_in_the_concessions() -> None:
    scenario = negsim.load_scenario("split-the-pie")
    run = scenario.run()
    ax = plots.concessions(run.result, preferences=scenario.preferences)
    last = int(run.result.offer_rounds[-1])
    assert f"agreement (round {last})" in _legend(ax)
    assert not any("crosses a red line" in label for label in _legend(ax))


# --- outcome space ----------------------------------------------------------------------------
def test_outcome_space_zooms_on_what_no_red_line_excludes() -> None:
    scenario, run = _flagship()
    found = scenario.analyse()
    ax = plots.outcome_space(found.U, scenario.names, found.reservations, run.result)
    drawn = np.isfinite(found.U).all(axis=1)
    labels = _legend(ax)
    assert f"possible outcome ({int(drawn.sum())})" in labels
    (note,) = [label for label in labels if label.startswith("not drawn")]
    assert f"{int((~drawn).sum()):,} of {len(drawn):,} outcomes" in note
    assert "Japan's: 1,323" in note
    assert "Russia's: 1,080" in note
    # no band: the y axis starts near the lowest drawn outcome, not below zero
    low = float(found.U[drawn, 1].min())
    assert low - 0.1 < ax.get_ylim()[0] < low
    # undiscounted throughout; the discounted zone of the last round is a dotted note
    result = run.result
    last = int(result.offer_rounds[-1])
    late = found.reservations / result.discounts**last  # r_i / φ_i^t of the last round
    zone = int((found.U[drawn] > late).all(axis=1).sum())
    assert any(label.startswith(f"reservations as round {last} values them") for label in labels)
    assert f"zone then: {zone} outcome{'' if zone == 1 else 's'})" in " ".join(labels)


def test_outcome_space_draws_each_proposers_offers_as_a_numbered_path() -> None:
    scenario, run = _flagship()
    found = scenario.analyse()
    ax = plots.outcome_space(found.U, scenario.names, found.reservations, run.result)
    texts = [t.get_text() for t in ax.texts]
    # Japan offers 1542 in rounds 2, 4, 6; Russia 1496 in 3, 5, 7; the openings cross a line
    assert "2, 4, 6" in texts
    assert "3, 5, 7" in texts
    assert "0 (crosses Russia's red line)" in texts
    assert "1 (crosses Japan's red line)" in texts
    arrows = [t for t in ax.texts if t.get_text() == "" and getattr(t, "arrow_patch", None)]
    assert len(arrows) == 2  # each side: opening → its one concession (repeats add none)
    labels = _legend(ax)
    assert "Japan's offers (numbered by round)" in labels
    assert any(label.startswith("Japan's offers crossing a red line") for label in labels)


def test_outcome_space_with_every_outcome_ruled_out_says_so() -> None:
    scenario = negsim.load_scenario("kurils-2020-2022")
    found = scenario.analyse()
    ax = plots.outcome_space(found.U, scenario.names, found.reservations, scenario.run().result)
    assert any("no outcome to draw" in t.get_text() for t in ax.texts)


# --- the funnel, the levers, why no deal -------------------------------------------------------
@pytest.fixture(scope="module")
def flagship_report() -> negsim.levers.LeverReport:
    return evaluate_levers(negsim.load_scenario("kurils-2018-2019"), seeds=4)


def test_funnel_has_a_bar_per_step_with_its_count() -> None:
    scenario, run = _flagship()
    diagnosis = diagnose(scenario, run)
    ax = plots.funnel(diagnosis)
    assert len(_bars(ax)) == len(diagnosis.funnel)
    assert ax.get_xscale() == "log"  # 1,728 down to 2
    assert ax.xaxis.get_major_formatter()(1000, 0) == "1,000"  # not mathtext (saved plain)
    assert ax.xaxis.get_minorticklocs().size == 0  # the bars carry their counts
    counts = [t.get_text() for t in ax.texts]
    assert counts == [f"{s.count:,}" for s in diagnosis.funnel]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0] == "all outcomes"
    assert [t.get_color() for t in ax.get_yticklabels()].count("#c44e52") == 1
    assert "How it ended" in ax.get_xlabel()


def test_levers_has_two_bars_per_lever_and_the_baseline(
    flagship_report: negsim.levers.LeverReport,
) -> None:
    ax = plots.levers(flagship_report)
    n = len(flagship_report.outcomes)
    assert len(_bars(ax)) == 2 * n
    assert len(ax.get_yticklabels()) == n
    labels = _legend(ax)
    assert any(label.startswith("baseline deal rate") for label in labels)
    assert any(label.startswith("baseline agreement rate") for label in labels)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    # the strongest lever first; continuous levers name their smallest change
    assert ticks[0].startswith(flagship_report.strongest(1)[0].label.split(" (")[0])
    for outcome in flagship_report.outcomes:
        if outcome.minimal_change:
            assert any(
                f"ratifiable from a change of {outcome.minimal_change:.3f}" in t for t in ticks
            )
        elif outcome.minimal_text and outcome.minimal_change is None:
            assert any("no value makes a deal ratifiable" in t for t in ticks)
    assert all(len(line) <= 60 for t in ticks for line in t.splitlines())
    height = ax.figure.get_size_inches()[1]
    assert 6.0 < height <= 18.0


def test_why_no_deal_puts_the_funnel_beside_the_levers(
    flagship_report: negsim.levers.LeverReport,
) -> None:
    scenario, run = _flagship()
    diagnosis = diagnose(scenario, run)
    fig = plots.why_no_deal(diagnosis, flagship_report, scenario.title)
    axes = {ax.get_label(): ax for ax in fig.axes}
    funnel, levers = axes["funnel"], axes["levers"]
    counts = diagnosis.zone_by_round
    assert ("zone" in axes) == (counts.min() != counts.max())  # drawn when discounting shrinks it
    if "zone" in axes:
        assert 0 < len(_bars(axes["zone"])) <= len(counts)
    assert len(_bars(funnel)) == len(diagnosis.funnel)
    assert len(_bars(levers)) == 2 * len(flagship_report.outcomes)
    assert fig.get_suptitle() == f"{scenario.title}: why no deal"
    alone = plots.why_no_deal(diagnose(*_split_the_pie()))
    assert len(alone.axes) == 1  # no report, a zone that never shrinks: the funnel alone
    assert alone.get_suptitle() == "What made the deal possible"


def _split_the_pie() -> tuple[negsim.Scenario, negsim.ScenarioRun]:
    scenario = negsim.load_scenario("split-the-pie")
    return scenario, scenario.run()


def test_why_no_deal_draws_into_a_subfigure() -> None:
    fig = plt.figure(layout="constrained")
    left, _ = fig.subfigures(1, 2)
    out = plots.why_no_deal(diagnose(*_split_the_pie()), fig=left)
    assert out is left
    assert len(left.axes) == 1


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_figure_draws_for_the_bundled_scenarios(name: str, tmp_path: Path) -> None:
    scenario = negsim.load_scenario(name)
    run = scenario.run()
    found = scenario.analyse()
    figures = [
        plots.outcome_space(found.U, scenario.names, found.reservations, run.result).figure,
        plots.concessions(
            run.result,
            scenario.title,
            preferences=scenario.preferences,
            targets=target_curves(scenario.protocol, scenario.parties),
        ).figure,
        plots.why_no_deal(diagnose(scenario, run), evaluate_levers(scenario, seeds=2)),
    ]
    for i, figure in enumerate(figures):
        path = plots.save_figure(figure, tmp_path / f"{i}.png")
        assert path.stat().st_size > 10_000


def test_the_lever_panel_says_so_when_no_lever_leads_to_an_agreement() -> None:
    scenario = negsim.load_scenario("kurils-2018-2019")
    report = evaluate_levers(scenario, ["no-breakdown", "patience"], seeds=3)
    ax = plots.levers(report, scenario.title)
    assert any("No single lever leads to an agreement" in t.get_text() for t in ax.texts)
    helped = evaluate_levers(negsim.load_scenario("split-the-pie"), ["mediator"], seeds=3)
    ax = plots.levers(helped)
    assert not any("No single lever" in t.get_text() for t in ax.texts)


def test_a_laid_out_figure_is_drawn_once_to_the_pixels_savefig_draws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = negsim.load_scenario("two-issue-trade")
    found = scenario.analyse()

    def figure() -> Figure:
        ax = plots.outcome_space(found.U, scenario.names, found.reservations, scenario.run().result)
        return ax.figure  # type: ignore[return-value]

    reference = figure()
    with plots.plain_text():  # matplotlib's own save: a layout draw, then the real one
        reference.savefig(
            tmp_path / "reference.png",
            dpi=plots.DPI,
            pil_kwargs={"compress_level": plots.PNG_COMPRESSION},
        )
    draws: list[Figure] = []
    real_draw = Figure.draw

    def counted(self: Figure, renderer: object) -> None:
        draws.append(self)
        real_draw(self, renderer)  # type: ignore[arg-type]

    monkeypatch.setattr(Figure, "draw", counted)
    ours = figure()
    engine = ours.get_layout_engine()
    plots.save_figure(ours, tmp_path / "ours.png")
    assert draws == [ours]  # one draw, not a layout draw first
    assert ours.get_layout_engine() is engine  # restored
    assert (tmp_path / "ours.png").read_bytes() == (tmp_path / "reference.png").read_bytes()
