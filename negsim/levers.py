"""What would have changed it: counterfactual levers on a scenario.

A **lever** is one change to a scenario, named like ``no-red-line:russia:0``; applying it
re-reads the scenario with the change (:meth:`~negsim.Scenario.with_overrides`), so the
scenario you pass in is never modified. The levers of a scenario (:func:`levers`):

=============================  =============================================================
``no-red-line:P:i``            party ``P``'s red line ``i`` removed
``no-precondition:P:i``        party ``P``'s precondition ``i`` removed
``no-pressure:P:T``            third party ``T``'s pressure on ``P`` off
``double-pressure:P:T``        that pressure doubled (at most 1)
``ease-ratification:P``        ``P``'s ratification threshold lowered by 0.1  (continuous)
``lower-reservation:P``        ``P``'s reservation value lowered by 0.1       (continuous)
``patience``                   no discounting (every party and the protocol patient)
``later-deadline``             twice the rounds
``no-breakdown``               no chance breakdown
``mediator``                   a mediator's single negotiating text instead of the protocol
=============================  =============================================================

For each lever :func:`evaluate_levers` reports the zone of agreement ``|Z|`` (outcomes better
than no deal for every party), the win-set overlap ``|W| = |W_1 ∩ ... ∩ W_n|`` (what every
public would ratify), the overlap inside the zone ``|Z ∩ W|`` (the outcomes that could become
a ratified deal), and over ``N`` seeds the agreement rate and
the ratified-deal rate, beside the baseline's. For a continuous lever it also finds by
bisection the smallest change ``x`` for which ``Z ∩ W`` is non-empty, if any ``x`` in the
lever's range does: both the zone and the win-sets only grow as a reservation or a threshold
falls, so the test is monotone in ``x`` and bisection finds the boundary to ``1e-3``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from .display import figure_bundle, html_image, html_table, png_bytes, short_repr
from .errors import NegsimError, did_you_mean
from .rng import RNGLike, resolve_seed

if TYPE_CHECKING:
    from .scenario import Scenario

__all__ = ["Lever", "LeverError", "LeverOutcome", "LeverReport", "evaluate_levers", "levers"]

STEP = 0.1  #: how far a continuous lever moves for its bar
TOLERANCE = 1e-3  #: bisection precision
MAX_SEEDS = 10_000  #: runs per lever at most (each lever reruns the scenario that often)


class LeverError(NegsimError):
    """A lever that names nothing in the scenario, or cannot apply to it."""


@attrs.frozen
class Lever:
    """One counterfactual change: ``name``, a plain ``label`` and how to apply it.

    ``change(x)`` gives the key-path overrides for an amount ``x`` (``STEP`` for the bar);
    a continuous lever has ``span`` (the largest amount that makes sense), a discrete one
    ``None``.
    """

    name: str
    label: str
    change: Callable[[float], dict[str, Any]] = attrs.field(eq=False, repr=False)
    span: float | None = None
    #: what a continuous lever lowers, as words ("its ratification threshold")
    quantity: str = ""

    def apply(self, scenario: Scenario, amount: float = STEP) -> Scenario:
        """The scenario with this lever pulled (a new object)."""
        return scenario.with_overrides(self.change(amount))


@attrs.frozen
class LeverOutcome:
    """What one lever (``None``: the baseline) does."""

    lever: str
    label: str
    zone: int
    ratifiable: int | None
    agreement_rate: float
    deal_rate: float
    minimal_change: float | None = None
    minimal_text: str = ""
    #: outcomes in every party's win-set, in the zone or not (``None`` without Level II)
    win_set_overlap: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class LeverReport:
    """The baseline and every lever, over ``seeds`` runs from base seed ``seed``."""

    title: str
    baseline: LeverOutcome
    outcomes: tuple[LeverOutcome, ...]
    not_applicable: tuple[tuple[str, str], ...]
    seeds: int
    seed: int

    def __repr__(self) -> str:
        return short_repr(
            "LeverReport",
            title=self.title,
            seeds=self.seeds,
            seed=self.seed,
            baseline_deal_rate=self.baseline.deal_rate,
            levers=len(self.outcomes),
            strongest=tuple(o.lever for o in self.strongest()),
        )

    def _repr_html_(self) -> str:
        return self._table_html() + "\n" + html_image(self._repr_png_(), "the levers")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return figure_bundle(repr(self), self._table_html(), self._repr_png_(), "the levers")

    def _table_html(self) -> str:
        rows = [
            [
                o.label,
                f"{o.zone:,}",
                "-" if o.ratifiable is None else f"{o.ratifiable:,}",
                f"{o.agreement_rate:.0%}",
                f"{o.deal_rate:.0%}",
                o.minimal_text or "",
            ]
            for o in (self.baseline, *self.outcomes)
        ]
        return html_table(
            ["lever", "zone", "ratifiable", "agreement rate", "deal rate", "smallest change"],
            rows,
            f"{self.title}: every lever over {self.seeds} seeds from seed {self.seed}",
        )

    def _repr_png_(self) -> bytes:
        """The levers plot (:func:`negsim.plots.levers`), for notebooks."""
        from . import plots

        with plots.plain_text():
            return png_bytes(plots.levers(self, self.title).figure)

    def strongest(self, k: int = 3) -> tuple[LeverOutcome, ...]:
        """The ``k`` levers that raise the deal rate most (then the ratifiable zone, then the
        agreement rate, then the zone), leaving out those that change nothing."""
        b = self.baseline

        def gain(o: LeverOutcome) -> tuple[float, int, float, int]:
            return (
                o.deal_rate - b.deal_rate,
                (o.ratifiable or 0) - (b.ratifiable or 0),
                o.agreement_rate - b.agreement_rate,
                o.zone - b.zone,
            )

        moving = [o for o in self.outcomes if any(g > 0 for g in gain(o))]
        return tuple(sorted(moving, key=lambda o: tuple(-g for g in gain(o)))[:k])

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "seeds": self.seeds,
            "seed": self.seed,
            "baseline": self.baseline.to_dict(),
            "levers": [o.to_dict() for o in self.outcomes],
            "not_applicable": [{"lever": n, "why": why} for n, why in self.not_applicable],
        }

    def lines(self) -> list[str]:
        """A table, one lever a line, and what does not apply."""
        rows = [self.baseline, *self.outcomes]
        width = max(len(o.label) for o in rows)
        lines = [
            f"{'lever':<{width}}  {'zone':>6}  {'overlap':>7}  {'ratifiable':>10}  "
            f"{'agree':>6}  {'deal':>6}",
        ]
        for o in rows:
            ratifiable = "-" if o.ratifiable is None else f"{o.ratifiable:,}"
            overlap = "-" if o.win_set_overlap is None else f"{o.win_set_overlap:,}"
            lines.append(
                f"{o.label:<{width}}  {o.zone:>6,}  {overlap:>7}  {ratifiable:>10}  "
                f"{o.agreement_rate:>6.0%}  {o.deal_rate:>6.0%}"
                + (f"  {o.minimal_text}" if o.minimal_text else "")
            )
        lines += [f"not applicable: {name}: {why}" for name, why in self.not_applicable]
        lines.append(f"(rates over {self.seeds} seeds from seed {self.seed})")
        return lines


# --- which levers a scenario has -------------------------------------------------------------
Change = Callable[[float], dict[str, Any]]


def _fixed(values: dict[str, Any]) -> Change:
    """A discrete change: the same overrides whatever the amount."""
    return lambda _: copy.deepcopy(values)


def _lowered(path: str, start: float) -> Change:
    """A continuous change: ``path`` lowered by the amount, not below 0."""
    return lambda x: {path: max(0.0, start - x)}


def _protocol_value(scenario: Scenario, name: str, default: Any) -> Any:
    return getattr(scenario.protocol, name, default)


def _short_reason(reason: str, width: int = 48) -> str:
    """A red line's or precondition's reason for a lever's label: the text before its source
    in parentheses; longer than ``width``, its first clause (up to ``:`` or ``;``) if that
    fits, else cut at a word with an ellipsis."""
    text = reason.split(" (")[0].strip().rstrip(" :;,")
    if len(text) <= width:
        return text
    clause = re.split(r"[:;] ", text, maxsplit=1)[0]
    if len(clause) <= width:
        return clause
    head = text[: width - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(" ,") + "…"


def levers(scenario: Scenario) -> tuple[tuple[Lever, ...], tuple[tuple[str, str], ...]]:
    """Every lever of ``scenario`` (module docstring) and those that cannot apply, with why."""
    raw = scenario.data  # one copy (the property copies the scenario's data each time)
    found: list[Lever] = []
    skipped: list[tuple[str, str]] = []
    for key, name in zip(scenario.keys, scenario.names, strict=True):
        data = raw["parties"][key]
        for field, word in (("red_lines", "red line"), ("preconditions", "precondition")):
            items = list(data.get(field, []))
            kind = "no-red-line" if field == "red_lines" else "no-precondition"
            for i, item in enumerate(items):
                rest = items[:i] + items[i + 1 :]
                reason = _short_reason(str(item.get("reason", "")))
                found.append(
                    Lever(
                        f"{kind}:{key}:{i}",
                        f"{name}: no {word} {i}" + (f" ({reason})" if reason else ""),
                        _fixed({f"parties.{key}.{field}": rest}),
                    )
                )
        for source, intensity in data.get("pressures", {}).items():
            path = f"parties.{key}.pressures.{source}"
            label = raw.get("third_parties", {}).get(source, {}).get("label", source)
            found.append(
                Lever(
                    f"no-pressure:{key}:{source}",
                    f"{name}: no {label} pressure",
                    _fixed({path: 0.0}),
                )
            )
            doubled = min(1.0, 2 * float(intensity))
            found.append(
                Lever(
                    f"double-pressure:{key}:{source}",
                    f"{name}: {label} pressure doubled ({float(intensity):g} → {doubled:g})",
                    _fixed({path: doubled}),
                )
            )
        if "ratification" in data:
            theta = float(data["ratification"].get("threshold", 0.5))
            path = f"parties.{key}.ratification.threshold"
            found.append(
                Lever(
                    f"ease-ratification:{key}",
                    f"{name}: ratification threshold {theta:g} → {max(0.0, theta - STEP):g}",
                    _lowered(path, theta),
                    span=theta,
                    quantity="its ratification threshold",
                )
            )
        else:
            skipped.append((f"ease-ratification:{key}", f"{name} has no ratification (Level II)"))
        reservation = float(data.get("reservation", 0.0))
        found.append(
            Lever(
                f"lower-reservation:{key}",
                f"{name}: reservation {reservation:g} → {max(0.0, reservation - STEP):g}",
                _lowered(f"parties.{key}.reservation", reservation),
                span=reservation,
                quantity="its reservation value",
            )
        )
    discounted = [f"parties.{k}.discount" for k in scenario.keys if "discount" in raw["parties"][k]]
    if "discount" in raw.get("protocol", {}):
        discounted.append("protocol.discount")
    if discounted:
        found.append(
            Lever(
                "patience",
                "everyone patient (no discounting)",
                _fixed(dict.fromkeys(discounted, 1.0)),
            )
        )
    else:
        skipped.append(("patience", "no party discounts: everyone is already patient"))
    n_rounds = _protocol_value(scenario, "n_rounds", None)
    if n_rounds is not None:
        found.append(
            Lever(
                "later-deadline",
                f"deadline {n_rounds} → {2 * n_rounds} rounds",
                _fixed({"protocol.n_rounds": 2 * n_rounds}),
            )
        )
    if _protocol_value(scenario, "breakdown_probability", 0.0):
        found.append(
            Lever(
                "no-breakdown",
                "no chance breakdown",
                _fixed({"protocol.breakdown_probability": 0.0}),
            )
        )
    else:
        skipped.append(("no-breakdown", "the protocol has no chance breakdown"))
    if scenario.protocol.name != "single-text":
        rounds = int(n_rounds or 50)
        found.append(
            Lever(
                "mediator",
                "a mediator's single text",
                _fixed({"protocol": {"kind": "single-text", "n_rounds": rounds}}),
            )
        )
    else:
        skipped.append(("mediator", "the scenario already has a mediator"))
    return tuple(found), tuple(skipped)


def lever(scenario: Scenario, name: str) -> Lever:
    """The lever called ``name``; a :class:`LeverError` lists the valid names otherwise."""
    found, skipped = levers(scenario)
    by_name = {lv.name: lv for lv in found}
    if name in by_name:
        return by_name[name]
    why = dict(skipped)
    if name in why:
        raise LeverError(f"lever {name!r} cannot apply: {why[name]}")
    raise LeverError(f"no lever {name!r} in this scenario ({did_you_mean(name, list(by_name))})")


# --- evaluating them ---------------------------------------------------------------------
def _sizes(scenario: Scenario) -> tuple[int, int | None, int | None]:
    """``|Z|``, ``|Z ∩ W|`` and ``|W|`` (``W`` the win-set overlap; ``None`` without one)."""
    found = scenario.analyse()
    zone = found.bargaining.zone
    overlap = found.win_set_overlap
    if overlap is None:
        return int(zone.size), None, None
    return int(zone.size), int(np.intersect1d(zone, overlap).size), int(overlap.size)


def _rates(scenario: Scenario, seeds: Sequence[int]) -> tuple[float, float]:
    runs = [scenario.run(s) for s in seeds]
    return (
        float(np.mean([r.result.agreed for r in runs])),
        float(np.mean([r.deal for r in runs])),
    )


def _ratifiable_deal(scenario: Scenario) -> bool:
    zone, ratifiable, _ = _sizes(scenario)
    return (ratifiable if ratifiable is not None else zone) > 0


def minimal_change(scenario: Scenario, lever: Lever) -> float | None:
    """The smallest amount of a continuous ``lever`` that makes a ratifiable deal possible
    (``Z ∩ W`` non-empty), to :data:`TOLERANCE`; ``None`` if none in its span does."""
    if lever.span is None:
        raise LeverError(f"lever {lever.name!r} is not continuous")
    if _ratifiable_deal(scenario):
        return 0.0
    if lever.span <= 0 or not _ratifiable_deal(lever.apply(scenario, lever.span)):
        return None
    low, high = 0.0, lever.span
    while high - low > TOLERANCE:
        middle = (low + high) / 2
        if _ratifiable_deal(lever.apply(scenario, middle)):
            high = middle
        else:
            low = middle
    return high


def evaluate_levers(
    scenario: Scenario,
    names: Sequence[str] | None = None,
    seeds: int = 100,
    rng: RNGLike = None,
) -> LeverReport:
    """The baseline and each lever (all of them, or those ``names``), over ``seeds`` runs.

    Run ``i`` of every variant uses the same seed, child ``i`` of ``rng`` (default: the
    scenario's seed), so the levers are compared on common random numbers.
    """
    if not 1 <= seeds <= MAX_SEEDS:
        raise LeverError(f"seeds: {seeds}; expected a whole number from 1 to {MAX_SEEDS:,}")
    base = resolve_seed(scenario.seed if rng is None else rng)
    children = np.random.SeedSequence(base).spawn(seeds)
    run_seeds = [int(c.generate_state(1)[0]) for c in children]
    found, skipped = levers(scenario)
    chosen = found if names is None else tuple(lever(scenario, n) for n in names)
    zone, ratifiable, overlap = _sizes(scenario)
    agreement, deal = _rates(scenario, run_seeds)
    baseline = LeverOutcome(
        "baseline",
        "baseline (the scenario as written)",
        zone,
        ratifiable,
        agreement,
        deal,
        win_set_overlap=overlap,
    )
    outcomes = []
    for item in chosen:
        variant = item.apply(scenario)
        zone, ratifiable, overlap = _sizes(variant)
        agreement, deal = _rates(variant, run_seeds)
        amount, text = None, ""
        if item.span is not None:
            amount = minimal_change(scenario, item)
            start = item.span
            party = item.label.split(":")[0]
            if amount is None:
                text = f"{party}: lowering {item.quantity} alone never makes a ratifiable deal "
                text += "possible"
            elif amount == 0:
                text = ""  # a ratifiable deal is possible already
            else:
                text = f"{party}: a ratifiable deal needs {item.quantity} lowered by "
                text += f"{amount:.3f} ({start:g} → {start - amount:.3f})"
                _, at_least = _rates(item.apply(scenario, amount), run_seeds)
                text += (
                    f"; lowered so far, the runs end in a ratified deal {at_least:.0%} of the time"
                )
        outcomes.append(
            LeverOutcome(
                item.name, item.label, zone, ratifiable, agreement, deal, amount, text, overlap
            )
        )
    return LeverReport(
        scenario.title,
        baseline,
        tuple(outcomes),
        () if names is not None else skipped,
        seeds,
        base,
    )
