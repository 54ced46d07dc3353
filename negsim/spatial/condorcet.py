"""Votes, coalitions, victory probabilities and probabilistic Condorcet elections, as in KTAB.

KTAB (KAPSARC Toolkit for Behavioral Analysis, ``KBase::Model`` in ``kmodel.cpp``) turns a
utility matrix ``U[a, i]`` (actor ``a``'s utility of option ``i``) and actor weights ``w_a > 0``
into a probability that each option prevails, in three steps.

**Votes.** Actor ``a`` weighs in on option ``i`` against option ``j`` with
``v_a(i:j) = w_a f(Δ)``, ``Δ = U[a, i] - U[a, j]``, where the voting rule ``f`` is

============== =================================================================
rule           ``f(Δ)``
============== =================================================================
binary         ``clip(Δ / 10⁻⁸, -1, 1)`` (a sign, linearly smoothed near 0)
prop_bin       ``0.8 Δ + 0.2 binary(Δ)``
proportional   ``Δ`` (KTAB's default, ``Prop``)
prop_cubic     ``0.5 Δ + 0.5 Δ³``
cubic          ``Δ³``
asym_prospect  ``Δ`` if ``Δ < 0``, else ``2Δ/3`` (prospect theory: gains count less)
============== =================================================================

**Coalitions.** ``C[i, j] = ε + Σ_a max(v_a(i:j), 0)`` with ``ε = 10⁻⁸``: the strength of the
coalition supporting ``i`` against ``j``; ``C[i, i] = ε``. KTAB evaluates each pair once, as
``v_a(i:j)`` with ``i > j``, and gives its negative part to ``C[j, i]``; for every rule but
``asym_prospect`` (whose votes are not antisymmetric) that is the same as the formula above.

**Victory probabilities** ``P[i, j]`` that ``i`` beats ``j`` (``P[i, j] + P[j, i] = 1``,
``P[i, i] = 1/2``): with ``x = C^q`` elementwise, ``P[i, j] = x[i, j] / (x[i, j] + x[j, i])``
for the power laws ``linear`` (``q = 1``: a 2:1 advantage wins with probability 2/3),
``square`` (``q = 2``: 4/5), ``quartic`` (16/17) and ``octic`` (256/257); ``binary`` is their
limit: a 10 % advantage (``C[i, j] ≥ 1.1 C[j, i]``) wins with probability ``1/(1 + 10⁻⁶)``,
and between the thresholds ``P[i, j] = (2.1 r - 1) / 0.1`` with ``r = C[i, j] / (C[i, j] +
C[j, i])``.

**Probabilistic Condorcet election (PCE)**, the probability ``p_i`` that option ``i`` is the
outcome:

* ``conditional`` (KTAB's default): ``p_i ∝ Π_j P[i, j]``, the probability that ``i`` beats
  every other option, conditional on some option doing so;
* ``markov_uniform``: the stationary distribution of challenges made uniformly at random,
  ``p_i = (1/k) Σ_j P[i, j] (p_i + p_j)``;
* ``markov_incentive``: challenges in proportion to the incentive ``N[i, j] = C[i, j] P[i, j]``
  (plus ``10⁻¹⁰`` on the diagonal): ``Q[i, j] = N[i, j] / Σ_l N[l, j]`` is the probability that
  ``i`` challenges an incumbent ``j``, and ``p_i = Σ_j P[i, j] (p_i Q[j, i] + p_j Q[i, j])``.

The Markov models are iterated as KTAB does, ``p ← (p + q)/2`` from the uniform distribution
until no probability changes by more than ``10⁻⁶`` (uniform) or ``10⁻⁸`` (incentive).

>>> import numpy as np
>>> U = np.array([[1.0, 0.5], [0.2, 1.0]])  # two actors, two options
>>> C = coalition_strengths(U, np.array([2.0, 1.0]))
>>> C.round(6).tolist()  # actor 0 backs option 0 with 2 * 0.5, actor 1 option 1 with 0.8
[[0.0, 1.0], [0.8, 0.0]]
>>> round(float(victory_probabilities(C)[0, 1]), 4)  # 1 / 1.8
0.5556
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from ..errors import NegsimError, ValidationError, did_you_mean

__all__ = [
    "PCE_MODELS",
    "VICTORY_MODELS",
    "VOTING_RULES",
    "coalition_strengths",
    "conditional_pce",
    "markov_incentive_pce",
    "markov_uniform_pce",
    "probabilistic_condorcet",
    "scalar_pce",
    "victory_probabilities",
    "vote",
]

Array = npt.NDArray[np.float64]

VOTING_RULES = ("binary", "prop_bin", "proportional", "prop_cubic", "cubic", "asym_prospect")
VICTORY_MODELS = ("linear", "square", "quartic", "octic", "binary")
PCE_MODELS = ("conditional", "markov_incentive", "markov_uniform")

# KTAB's own spellings (VotingRuleNames, VPModelNames, PCEModelNames), lower-cased.
_ALIASES = {
    "prop": "proportional",
    "propbin": "prop_bin",
    "propcbc": "prop_cubic",
    "asymprosp": "asym_prospect",
    "markovincentive": "markov_incentive",
    "markovuniform": "markov_uniform",
}

MIN_STRENGTH = 1e-8  # KTAB's minC: every coalition has this much strength
_BINARY_STEP = 1e-8  # width of the smoothed step of the binary voting rule
_THRESHOLD = 1.10  # binary victory: a 10 % advantage is decisive
_MIN_X = 1e-6
_SELF_INCENTIVE = 1e-10
_BLOCK = 1 << 22  # vote-array elements computed at once


def spelling(value: object) -> str:
    """An option's name normalised (case, ``-`` for ``_`` and KTAB's spellings); a converter
    of the model options, checked afterwards by their validators."""
    key = str(value).strip().lower().replace("-", "_")
    return _ALIASES.get(key, key)


def choose(field: str, value: str, valid: tuple[str, ...]) -> str:
    """``value`` as one of ``valid`` (case, ``-`` and KTAB's spellings tolerated), else raise."""
    key = spelling(value)
    if key not in valid:
        raise ValidationError(field, f"unknown {field} {value!r}", did_you_mean(str(value), valid))
    return key


def vote(
    u_i: Array | float, u_j: Array | float, weight: Array | float, rule: str = "proportional"
) -> Array:
    """``w f(u_i - u_j)``: an actor's vote for option ``i`` over ``j`` (broadcasts)."""
    rule = choose("voting", rule, VOTING_RULES)
    du = np.asarray(u_i, dtype=float) - np.asarray(u_j, dtype=float)

    def step() -> Array:
        result: Array = np.clip(du / _BINARY_STEP, -1.0, 1.0)
        return result

    responses: dict[str, Callable[[], Array]] = {
        "binary": step,
        "prop_bin": lambda: 0.8 * du + 0.2 * step(),
        "proportional": lambda: du,
        "prop_cubic": lambda: 0.5 * du + 0.5 * du**3,
        "cubic": lambda: du**3,
        "asym_prospect": lambda: np.where(du < 0, du, 2.0 * du / 3.0),
    }
    result: Array = np.asarray(weight, dtype=float) * responses[rule]()
    return result


def coalition_strengths(utilities: Array, weights: Array, rule: str = "proportional") -> Array:
    """``C[i, j]``: strength of the coalition for option ``i`` against ``j``.

    ``utilities`` is ``(n_actors, n_options)``, ``weights`` ``(n_actors,)`` and positive.
    """
    u = np.asarray(utilities, dtype=float)
    w = np.asarray(weights, dtype=float)
    if u.ndim != 2 or w.shape != (u.shape[0],):
        raise ValidationError("utilities", f"shapes {u.shape} and {w.shape}", "(n, k) and (n,)")
    if not (np.isfinite(w).all() and (w > 0).all()):
        raise ValidationError("weights", "zero, negative or not finite", "weights > 0")
    n, k = u.shape
    support, against = np.zeros((k, k)), np.zeros((k, k))
    block = max(1, _BLOCK // (k * k))  # actors per block: memory stays O(k²), not O(n k²)
    for start in range(0, n, block):
        a = slice(start, start + block)
        votes = vote(u[a, :, None], u[a, None, :], w[a, None, None], rule)  # [a, i, j]: v_a(i:j)
        support += np.clip(votes, 0.0, None).sum(axis=0)
        against += np.clip(-votes, 0.0, None).sum(axis=0)
    lower = np.tri(k, k, -1, dtype=bool)  # i > j: KTAB's evaluated half
    strengths: Array = MIN_STRENGTH + np.where(lower, support, against.T)
    return strengths


def victory_probabilities(strengths: Array, model: str = "linear") -> Array:
    """``P[i, j]``: probability that option ``i`` beats ``j`` given coalition strengths."""
    model = choose("victory", model, VICTORY_MODELS)
    c = np.asarray(strengths, dtype=float)
    if c.ndim != 2 or c.shape[0] != c.shape[1] or not (np.isfinite(c).all() and (c > 0).all()):
        raise ValidationError("strengths", "not a square matrix of positive numbers", "(k, k) > 0")
    if model == "binary":
        ratio = c / (c + c.T)
        between = (ratio * (_THRESHOLD + 1.0) - 1.0) / (_THRESHOLD - 1.0)
        win, lose = 1.0 / (1.0 + _MIN_X), _MIN_X / (1.0 + _MIN_X)
        ahead = c >= _THRESHOLD * c.T  # its transpose: the other side is ahead
        p = np.where(ahead, win, np.where(ahead.T, lose, between))
    else:
        power = {"linear": 1, "square": 2, "quartic": 4, "octic": 8}[model]
        x = (c / c.max()) ** power  # rescaled first: the ratios are unchanged, nothing overflows
        p = x / (x + x.T)
    np.fill_diagonal(p, 0.5)
    result: Array = p
    return result


def conditional_pce(victory: Array) -> Array:
    """``p_i ∝ Π_j P[i, j]``: the conditional probabilistic Condorcet election."""
    with np.errstate(divide="ignore"):
        log_p = np.log(np.asarray(victory, dtype=float)).sum(axis=1)
    p = np.exp(log_p - log_p.max())
    result: Array = p / p.sum()
    return result


def _iterate(step: Callable[[Array], Array], k: int, tol: float, name: str) -> Array:
    p = np.full(k, 1.0 / k)
    for _ in range(100_000):
        q = step(p)
        change = float(np.abs(q - p).max())
        p = (p + q) / 2.0
        if change <= tol:
            result: Array = p / p.sum()
            return result
    raise NegsimError(f"{name}: the Markov iteration did not converge")  # pragma: no cover


def markov_uniform_pce(victory: Array, tol: float = 1e-6) -> Array:
    """Stationary ``p`` of uniformly random challenges: ``p_i = Σ_j P[i, j](p_i + p_j) / k``."""
    v = np.asarray(victory, dtype=float)
    k = v.shape[0]
    transition = (np.diag(v.sum(axis=1)) + v) / k
    return _iterate(lambda p: transition @ p, k, tol, "markov_uniform")


def markov_incentive_pce(strengths: Array, victory: Array, tol: float = 1e-8) -> Array:
    """Stationary ``p`` of challenges in proportion to the incentive ``C[i, j] P[i, j]``."""
    c = np.asarray(strengths, dtype=float)
    v = np.asarray(victory, dtype=float)
    k = v.shape[0]
    incentive = c * v + _SELF_INCENTIVE * np.eye(k)
    challenge = incentive / incentive.sum(axis=0, keepdims=True)  # [i, j]: i challenges j
    keep = (v * challenge.T).sum(axis=1)  # Σ_j P[i, j] Q[j, i]: i survives the challenges
    take = v * challenge  # P[i, j] Q[i, j]: i challenges j and wins
    return _iterate(lambda p: p * keep + take @ p, k, tol, "markov_incentive")


def probabilistic_condorcet(
    strengths: Array, *, victory: str = "linear", pce: str = "conditional"
) -> tuple[Array, Array]:
    """``(p, P)``: option probabilities and victory probabilities (KTAB's ``probCE2``)."""
    pce = choose("pce", pce, PCE_MODELS)
    v = victory_probabilities(strengths, victory)
    if pce == "conditional":
        return conditional_pce(v), v
    if pce == "markov_uniform":
        return markov_uniform_pce(v), v
    return markov_incentive_pce(np.asarray(strengths, dtype=float), v), v


def scalar_pce(
    utilities: Array,
    weights: Array,
    *,
    voting: str = "proportional",
    victory: str = "linear",
    pce: str = "conditional",
) -> Array:
    """Probability that each option (column of ``utilities``) is the outcome of the election."""
    strengths = coalition_strengths(utilities, weights, voting)
    return probabilistic_condorcet(strengths, victory=victory, pce=pce)[0]
