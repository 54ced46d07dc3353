"""Known answers of classic bargaining theory (sources in each test)."""

from __future__ import annotations

import numpy as np
import pytest

import negsim
from negsim.theory import baron_ferejohn, finite_horizon, rubinstein

# Rubinstein (1982), Econometrica 50(1):97-109: the first proposer's share (1 - d2)/(1 - d1 d2).
RUBINSTEIN_CASES = [
    ((0.9, 0.9), 1 / 1.9),
    ((0.9, 0.8), 0.2 / 0.28),
    ((0.8, 0.9), 0.1 / 0.28),
    ((0.95, 0.5), 0.5 / 0.525),
]


@pytest.mark.parametrize(("discounts", "share"), RUBINSTEIN_CASES)
def test_rubinstein_closed_form(discounts: tuple[float, float], share: float) -> None:
    split = rubinstein(*discounts)
    assert split.first == pytest.approx(share, abs=1e-12)
    assert split.second == pytest.approx(1 - share, abs=1e-12)
    # the opener's advantage: player 1 gets more proposing than responding
    assert split.first > split.first_when_responding


@pytest.mark.parametrize(("discounts", "share"), RUBINSTEIN_CASES)
def test_finite_horizon_converges_to_the_closed_form(
    discounts: tuple[float, float], share: float
) -> None:
    # Stahl (1972) / Rubinstein (1982): backward induction's limit as the horizon grows
    short, long = finite_horizon(3, *discounts), finite_horizon(401, *discounts)
    assert long[0, 0] == pytest.approx(share, abs=1e-9)
    assert abs(short[0, 0] - share) > abs(long[0, 0] - share)
    assert np.allclose(long.sum(axis=1), 1.0)
    assert finite_horizon(1, *discounts)[0].tolist() == [1.0, 0.0]  # ultimatum


def test_breakdown_risk_tends_to_the_nash_solution() -> None:
    # Binmore, Rubinstein & Wolinsky (1986), RAND J. Econ. 17(2):176-188: as the breakdown
    # probability p -> 0 (no discounting) the split tends to the Nash bargaining solution
    # with the breakdown payoffs b as disagreement point: x = (1 + b1 - b2) / 2 on a unit pie.
    b = (0.2, 0.1)
    gaps = [abs(rubinstein(1, 1, p, b).first - 0.55) for p in (0.5, 0.1, 0.01, 0.001)]
    assert gaps == sorted(gaps, reverse=True)
    assert rubinstein(1, 1, 1e-7, b).first == pytest.approx(0.55, abs=1e-6)
    x = np.linspace(0, 1, 100_001)
    nash = negsim.analysis.nash_point(np.column_stack([x, 1 - x]), b)
    assert nash is not None
    assert x[nash] == pytest.approx(0.55, abs=1e-4)


def test_outside_option_principle() -> None:
    # Binmore, Shaked & Sutton (1989), QJE 104(4):753-770: an outside option matters only
    # when it beats the responder's equilibrium share, and then the responder gets exactly it.
    inside = rubinstein(0.9, 0.9)
    assert rubinstein(0.9, 0.9, outside_options=(0.0, 0.3)).first == pytest.approx(inside.first)
    assert rubinstein(0.9, 0.9, outside_options=(0.0, 0.6)).second == pytest.approx(0.6)


def test_bad_rubinstein_input() -> None:
    with pytest.raises(negsim.ValidationError, match="d1"):
        rubinstein(1.2, 0.5)
    with pytest.raises(negsim.ValidationError, match="cost of delay"):
        rubinstein(1.0, 1.0)
    with pytest.raises(negsim.ValidationError, match="at most 1"):
        rubinstein(0.9, 0.9, 0.1, (0.7, 0.6))
    with pytest.raises(negsim.ValidationError, match="n_rounds"):
        finite_horizon(0, 0.9, 0.9)


@pytest.mark.parametrize(("n", "proposer", "partner"), [(3, 1 - 0.8 / 3, 0.8 / 3), (5, 0.68, 0.16)])
def test_baron_ferejohn_equal_recognition(n: int, proposer: float, partner: float) -> None:
    # Baron & Ferejohn (1989), APSR 83(4):1181-1206, closed rule: the proposer keeps
    # 1 - d(n-1)/(2n) and buys (n-1)/2 partners at d/n each (n = 5, d = 0.8: 0.68, 0.16).
    solution = baron_ferejohn(n, 0.8)
    assert np.allclose(solution.proposer_share, proposer)
    assert np.allclose(solution.partner_price, partner)
    assert np.allclose(solution.values, 1 / n)
    assert solution.proposer_share[0] + (n - 1) / 2 * solution.partner_price[0] == pytest.approx(1)


def test_baron_ferejohn_unequal_recognition() -> None:
    # Eraslan (2002), JET 103(1):11-30: stationary payoffs are unique; more recognition,
    # more expected payoff; the values sum to 1.
    solution = baron_ferejohn(5, 0.8, [0.4, 0.15, 0.15, 0.15, 0.15])
    assert solution.values.sum() == pytest.approx(1)
    assert solution.values[0] > solution.values[1]
    assert np.allclose(solution.values[1:], solution.values[1])
    with pytest.raises(negsim.ValidationError, match="odd"):
        baron_ferejohn(4, 0.8)
    with pytest.raises(negsim.ValidationError, match="recognition"):
        baron_ferejohn(3, 0.8, [0.5, 0.5, 0.5])


@pytest.mark.parametrize(("discounts", "share"), RUBINSTEIN_CASES)
def test_equilibrium_agents_reproduce_the_closed_form(
    discounts: tuple[float, float], share: float
) -> None:
    d1, d2 = discounts
    space = negsim.OutcomeSpace([negsim.integer("share", 0, 1000)])
    first = negsim.LinearAdditive.from_tables(space, {"share": 1}, {"share": "increasing"})
    second = negsim.LinearAdditive.from_tables(space, {"share": 1}, {"share": "decreasing"})
    parties = [
        negsim.Party(
            "one",
            negsim.Position(first, discount=d1),
            negsim.make_agent("rubinstein", opponent_discount=d2),
        ),
        negsim.Party(
            "two",
            negsim.Position(second, discount=d2),
            negsim.make_agent("rubinstein", opponent_discount=d1),
        ),
    ]
    result = negsim.AlternatingOffers(n_rounds=10).run(parties, rng=0)
    assert result.agreed
    assert result.n_rounds == 1  # agreement at once, as in equilibrium
    assert result.final_utilities[0] == pytest.approx(share, abs=1e-3)


def test_zeuthen_converges_to_the_nash_solution() -> None:
    # Harsanyi (1956), Econometrica 24(2):144-157: Zeuthen's concession rule (the party with
    # the smaller risk limit concedes) leads to the Nash bargaining solution. For u1 = x,
    # u2 = sqrt(1 - x), d = 0 the Nash solution is x = 2/3 (Nash 1950).
    x = np.linspace(0, 1, 301)
    space = negsim.OutcomeSpace([negsim.integer("x", 0, 300)])
    first = negsim.LinearAdditive(space, [1.0], [x], 0.0)
    second = negsim.LinearAdditive(space, [1.0], [np.sqrt(1 - x)], 0.0)
    parties = [
        negsim.Party("one", first, negsim.make_agent("zeuthen")),
        negsim.Party("two", second, negsim.make_agent("zeuthen")),
    ]
    result = negsim.ZeuthenConcession(n_rounds=500).run(parties, rng=0)
    assert result.agreed
    assert result.agreement is not None
    assert x[result.agreement] == pytest.approx(2 / 3, abs=1 / 300)
    # two simultaneous proposals per round, the agreed one recorded last
    assert (np.bincount(result.offer_rounds) <= 2).all()


def test_zeuthen_conflict_when_a_party_will_not_concede() -> None:
    x = np.linspace(0, 1, 11)
    space = negsim.OutcomeSpace([negsim.integer("x", 0, 10)])
    first = negsim.LinearAdditive(space, [1.0], [x], 0.0)
    second = negsim.LinearAdditive(space, [1.0], [1 - x], 0.0)
    parties = [
        negsim.Party("one", first, negsim.make_agent("hardliner")),
        negsim.Party("two", second, negsim.make_agent("hardliner")),
    ]
    result = negsim.ZeuthenConcession(n_rounds=20).run(parties, rng=0)
    assert result.end is negsim.EndReason.BREAKDOWN
    assert result.agreement is None
    assert result.offer_rounds.max() == 1  # the first refusal to concede ends the talks
