"""Known answers of classic bargaining theory (sources in each test)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import legislatures

import negsim
from negsim.errors import EquilibriumNotFound
from negsim.theory import BaronFerejohn, baron_ferejohn, finite_horizon, rubinstein

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


def equilibrium_violation(solution: BaronFerejohn, recognition: Any, delta: float) -> float:
    """How far ``solution`` is from a stationary equilibrium, recomputed from its ``q`` and
    ``v`` alone (Baron & Ferejohn 1989; Eraslan 2002, JET 103(1):11-30, eq. for v_j)."""
    pi = np.asarray(recognition, dtype=float)
    v, q = solution.values, solution.partner_choice
    n = len(v)
    m = (n - 1) // 2
    worst = 0.0
    for k in range(n):
        others = [j for j in range(n) if j != k]
        cheapest = sorted(delta * v[j] for j in others)[:m]
        paid = sum(q[k, j] * delta * v[j] for j in others)
        worst = max(worst, abs(paid - sum(cheapest)), abs(q[k].sum() - m), abs(q[k, k]))
        worst = max(worst, -q[k].min(), q[k].max() - 1)
        worst = max(worst, abs(solution.proposer_share[k] - (1 - paid)))
    for j in range(n):
        as_proposer = pi[j] * (1 - sum(q[j, i] * delta * v[i] for i in range(n)))
        as_partner = delta * v[j] * sum(pi[k] * q[k, j] for k in range(n))
        worst = max(worst, abs(v[j] - as_proposer - as_partner))
    worst = max(worst, abs(v.sum() - 1), -v.min())  # shares of the budget are >= 0
    return max(worst, float(np.abs(solution.partner_price - delta * v).max()))


@pytest.mark.parametrize("n", [3, 5, 7, 9, 15])
@pytest.mark.parametrize("delta", [0.0, 0.5, 0.8, 0.95, 1.0])
def test_baron_ferejohn_equal_recognition(n: int, delta: float) -> None:
    # Baron & Ferejohn (1989), APSR 83(4):1181-1206, closed rule with equal recognition: the
    # proposer keeps 1 - d(n-1)/(2n) and buys (n-1)/2 partners at d/n each (n = 5, d = 0.8:
    # 0.68 and 0.16).
    solution = baron_ferejohn(n, delta)
    assert solution.proposer_share == pytest.approx(np.full(n, 1 - delta * (n - 1) / (2 * n)))
    assert solution.partner_price == pytest.approx(np.full(n, delta / n))
    assert solution.values == pytest.approx(np.full(n, 1 / n))
    assert equilibrium_violation(solution, np.full(n, 1 / n), delta) < 1e-10


def test_baron_ferejohn_patient_unequal_recognition_needs_mixing() -> None:
    # delta = 1, pi = (0.5, 0.3, 0.2): v = 1/3 each. With all votes at 1/3, v_j = 1/3 needs
    # sum_k pi_k q_kj = 1 - 2 pi_j: nobody buys 1; 2 and 3 buy each other; 1 buys 2 with
    # probability 0.4 and 3 with 0.6 (0.5 q_12 + 0.2 = 0.4). Sharing the tie evenly, as the
    # old solver did, gives (0.354, 0.346, 0.300), no equilibrium.
    solution = baron_ferejohn(3, 1.0, [0.5, 0.3, 0.2])
    assert solution.values == pytest.approx(np.full(3, 1 / 3), abs=1e-12)
    assert solution.partner_choice == pytest.approx(
        np.array([[0, 0.4, 0.6], [0, 0, 1], [0, 1, 0]]), abs=1e-12
    )
    assert equilibrium_violation(solution, [0.5, 0.3, 0.2], 1.0) < 1e-12


@pytest.mark.parametrize(
    ("recognition", "values"),
    [
        ([0.6, 0.2, 0.2], [3 / 7, 2 / 7, 2 / 7]),
        ([0.2, 0.7, 0.1], [3 / 13, 7 / 13, 3 / 13]),
    ],
)
def test_baron_ferejohn_patient_recognition_matters_beyond_2_over_n_plus_1(
    recognition: list[float], values: list[float]
) -> None:
    # Kawamori (2005), Economics Bulletin 3(43): patient legislators with similar recognition
    # get 1/n whatever their recognition. At delta = 1 "similar" ends at pi_j = 2/(n+1): for
    # pi = (0.6, 0.2, 0.2) legislator 1 is never bought, 2 and 3 tie at w, and
    # w = 0.2(1 - w) + w (0.6/2 + 0.2) gives w = 2/7, v_1 = 0.6 (1 - w) = 3/7.
    solution = baron_ferejohn(3, 1.0, recognition)
    assert solution.values == pytest.approx(values, abs=1e-12)
    assert equilibrium_violation(solution, recognition, 1.0) < 1e-12


def test_baron_ferejohn_impatient_unequal_recognition() -> None:
    # delta = 0.9, pi = (0.5, 0.3, 0.2). By hand: 2 and 3 tie at w below v_1; 1 buys 2 with
    # probability a, 3 with 1 - a; 2 and 3 buy each other. Adding v_2 + v_3 = 2w:
    # 0.5 (1 - 0.9 w) + 0.9 w = 2 w, so w = 10/31 and v_1 = 0.5 (1 - 0.9 w) = 11/31.
    solution = baron_ferejohn(3, 0.9, [0.5, 0.3, 0.2])
    assert solution.values == pytest.approx(np.array([11, 10, 10]) / 31, abs=1e-12)
    assert equilibrium_violation(solution, [0.5, 0.3, 0.2], 0.9) < 1e-12
    # five legislators, all recognised differently: (8, 6, 5, 5, 5)/29, checked by the
    # equilibrium conditions recomputed here from q and v
    recognition = [0.4, 0.3, 0.15, 0.1, 0.05]
    five = baron_ferejohn(5, 0.9, recognition)
    assert five.values == pytest.approx(np.array([8, 6, 5, 5, 5]) / 29, abs=1e-12)
    assert equilibrium_violation(five, recognition, 0.9) < 1e-12
    assert (five.partner_choice[:, :2] == 0).all()  # the two most recognised are never bought


def test_baron_ferejohn_unequal_recognition() -> None:
    # Eraslan (2002), JET 103(1):11-30: stationary payoffs are unique; more recognition,
    # more expected payoff; the values sum to 1.
    solution = baron_ferejohn(5, 0.8, [0.4, 0.15, 0.15, 0.15, 0.15])
    assert solution.values.sum() == pytest.approx(1)
    assert solution.values[0] > solution.values[1]
    assert np.allclose(solution.values[1:], solution.values[1])
    assert equilibrium_violation(solution, [0.4, 0.15, 0.15, 0.15, 0.15], 0.8) < 1e-10


def test_baron_ferejohn_never_recognised() -> None:
    # A legislator never recognised has v = 0 for delta < 1 (v_j (1 - delta r_j) = 0), and
    # at delta = 1 negsim returns that limit. With m = 1 of them for n = 3 the others buy
    # it for nothing and keep the budget: v = pi.
    for delta in (0.5, 1.0):
        solution = baron_ferejohn(3, delta, [0.0, 0.5, 0.5])
        assert solution.values == pytest.approx([0.0, 0.5, 0.5], abs=1e-12)
        assert equilibrium_violation(solution, [0.0, 0.5, 0.5], delta) < 1e-12


@given(legislatures())
def test_baron_ferejohn_is_an_equilibrium(case: tuple[int, float, Any]) -> None:
    n, delta, pi = case
    solution = baron_ferejohn(n, delta, pi)
    assert equilibrium_violation(solution, pi, delta) < 1e-10
    assert solution.values.sum() == pytest.approx(1, abs=1e-12)
    # each proposer mixes only among the cheapest votes of the others
    price = solution.partner_price
    for k in range(n):
        others = np.delete(np.arange(n), k)
        cutoff = np.sort(price[others])[(n - 1) // 2 - 1]
        assert (solution.partner_choice[k, price > cutoff + 1e-10] == 0).all()
    # Eraslan (2002) for delta < 1 (and delta = 1 with pi > 0): more recognition, no less value
    v = solution.values
    ordered = np.argsort(pi, kind="stable")
    assert (np.diff(v[ordered]) >= -1e-10).all()
    assert np.allclose(v[pi == 0], 0.0)


@given(legislatures(), st.randoms(use_true_random=False))
def test_baron_ferejohn_relabelling_permutes_the_values(
    case: tuple[int, float, Any], random: Any
) -> None:
    # Unique values (Eraslan 2002): renaming the legislators renames their values.
    n, delta, pi = case
    order = list(range(n))
    random.shuffle(order)
    solution = baron_ferejohn(n, delta, pi)
    relabelled = baron_ferejohn(n, delta, pi[order])
    assert relabelled.values == pytest.approx(solution.values[order], abs=1e-10)


@given(legislatures())
def test_baron_ferejohn_patient_values_are_equal_exactly_when_recognition_is_similar(
    case: tuple[int, float, Any],
) -> None:
    # delta = 1: v = 1/n exactly when max pi <= 2/(n+1) (Kawamori 2005 for patient players),
    # everyone being recognised sometimes (else negsim gives the never-recognised 0; and a
    # pi_j of 1e-250 is 0 to the linear algebra: both answers then meet the conditions).
    n, _, drawn = case
    pi = (np.asarray(drawn) + 1e-3) / (np.sum(drawn) + n * 1e-3)  # everyone recognised sometimes
    values = baron_ferejohn(n, 1.0, pi).values
    limit = 2 / (n + 1)
    if pi.max() < limit - 1e-9:
        assert values == pytest.approx(np.full(n, 1 / n), abs=1e-10)
    elif pi.max() > limit + 1e-3:  # clearly above: near the boundary the excess is tiny
        assert values.max() > 1 / n + 1e-12


def test_baron_ferejohn_result_is_read_only() -> None:
    solution = baron_ferejohn(3, 0.9, [0.5, 0.3, 0.2])
    with pytest.raises(ValueError, match="read-only"):
        solution.partner_choice[0, 0] = 1.0
    assert solution == baron_ferejohn(3, 0.9, [0.5, 0.3, 0.2])


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((4, 0.8), "odd"),
        ((1, 0.8), "n"),
        ((3.0, 0.8), "n"),
        ((True, 0.8), "n"),
        ((103, 0.8), "at most 101"),
        ((3, 1.2), "discount"),
        ((3, float("nan")), "discount"),
        ((3, 0.8, [0.5, 0.5, 0.5]), "recognition"),
        ((3, 0.8, [0.5, 0.5]), "recognition"),
        ((3, 0.8, [1.2, -0.1, -0.1]), "recognition"),
        ((3, 0.8, [float("nan"), 0.5, 0.5]), "recognition"),
    ],
)
def test_bad_baron_ferejohn_input(args: tuple[Any, ...], field: str) -> None:
    with pytest.raises(negsim.ValidationError, match=field):
        baron_ferejohn(*args)


def test_baron_ferejohn_raises_rather_than_return_a_non_equilibrium(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Plant the old answer for pi = (0.5, 0.3, 0.2), delta = 1 (in ascending recognition
    # order): each proposer buys the single cheapest vote, v = (0.300, 0.346, 0.354). It is
    # no fixed point, so the check must refuse it and the caller gets an error, not values.
    planted = (
        np.array([0.30023588, 0.34624147, 0.35352264]),
        np.array([[0.0, 1, 0], [1, 0, 0], [1, 0, 0]]),
    )
    monkeypatch.setattr(negsim.theory, "_solve_block", lambda *args: planted)
    with pytest.raises(EquilibriumNotFound, match="no stationary equilibrium"):
        baron_ferejohn(3, 1.0, [0.5, 0.3, 0.2])


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
