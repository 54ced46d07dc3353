"""The mediated single negotiating text (Raiffa 1982, ch. 14)."""

from __future__ import annotations

import pytest

import negsim
from negsim.results import MEDIATOR


def test_a_neutral_mediator_opens_between_the_parties_and_reaches_the_logroll() -> None:
    pie = negsim.load_scenario("split-the-pie").with_overrides(
        {"parties.first.agent": "linear", "parties.second.agent": "linear"}
    )
    neutral = negsim.SingleText(n_rounds=40).run(pie.parties, rng=0)
    assert int(neutral.offers[0]) == 5  # the mean of 10 and 0
    assert set(neutral.proposers.tolist()) == {MEDIATOR}
    assert neutral.agreed
    biased = negsim.SingleText(n_rounds=40, bias=(3, 1)).run(pie.parties, rng=0)
    assert int(biased.offers[0]) == 8  # (3 * 10 + 1 * 0) / 4 = 7.5, rounded up
    trade = negsim.load_scenario("two-issue-trade")
    result = negsim.SingleText(n_rounds=40).run(trade.parties, rng=0)
    assert result.agreement_labels == {"price": "high", "delivery": "fast"}  # Raiffa's logroll


def test_texts_move_one_step_at_a_time() -> None:
    pie = negsim.load_scenario("split-the-pie")
    result = negsim.SingleText(n_rounds=40).run(pie.parties, rng=0)
    steps = abs(result.offers[1:] - result.offers[:-1])
    assert (steps <= 1).all()


def test_single_text_results_export_the_mediator() -> None:
    pie = negsim.load_scenario("split-the-pie")
    result = negsim.SingleText(n_rounds=10).run(pie.parties, rng=0)
    data = result.to_dict()
    assert data["rounds"][0]["proposer"] == "mediator"
    assert negsim.NegotiationResult.from_json(result.to_json()) == result
    assert result.to_csv().splitlines()[1].split(",")[1] == "mediator"


def test_bad_bias() -> None:
    pie = negsim.load_scenario("split-the-pie")
    with pytest.raises(negsim.ValidationError, match="bias"):
        negsim.SingleText(bias=(1, -1))
    with pytest.raises(negsim.ValidationError, match="bias"):
        negsim.SingleText(bias=(1, 1, 1)).run(pie.parties)
    with pytest.raises(negsim.ValidationError, match="bias"):
        negsim.SingleText(bias=(0, 0)).run(pie.parties)
