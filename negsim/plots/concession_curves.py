"""The concession curves: :func:`concessions`, each party's utility of every offer, round by
round, with its targets and reservation values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from ..errors import ValidationError
from ..preferences import PreferenceModel
from ..results import NegotiationResult
from ._common import PARTY_COLOURS, _axes, _legend_outside

__all__ = ["concessions"]


def _ending_words(result: NegotiationResult) -> str:
    if not result.n_rounds:
        return f"{result.end.value} before any offer"
    last = int(result.offer_rounds[-1])
    if result.agreed:
        return f"agreement in round {last}"
    if result.end.value == "breakdown":
        return f"broke down after round {last}"
    return f"deadline reached after round {last}"


def concessions(
    result: NegotiationResult,
    title: str = "",
    ax: Axes | None = None,
    *,
    preferences: Sequence[PreferenceModel] | None = None,
    targets: Mapping[str, Any] | None = None,
) -> Axes:
    """The concession curves: each party's utility of every offer, round by round.

    ``preferences`` (one model per party, as ``scenario.preferences``) gives the utilities
    *undiscounted*, ``u_i(ω_t)``; without it the result's own utilities are drawn, discounted
    as the run discounts them, ``φ_i^t u_i(ω_t)``, and the axis says so. ``targets``
    (``{party name: τ(t) by round}``, from :func:`negsim.protocols.base.target_curves`) adds
    each scheduled agent's target.

    How to read it: each party has a colour. Its solid line with filled dots is the utility
    to it of its own offers (what it asks for), its dashed line with open dots the utility to
    it of the offers it received (what it is offered); the gap between them is what still
    separates the sides. A thick pale line is its target ``τ(t)``, the dotted line its
    reservation value (rising as ``r_i/φ_i^t`` when the run discounts and the utilities are
    undiscounted: an offer below it is worth less than no deal in that round). A black ring
    marks an offer that repeats the proposer's previous offer. Offers that cross a party's red
    line (utility ``-inf`` to it) are drawn as crosses on the band "crosses a red line" at
    the bottom, in the colour of the party whose red line they cross.
    """
    ax = _axes(ax, (9.0, 5.0))
    names = result.party_names
    rounds = np.asarray(result.offer_rounds)
    if preferences is not None:
        models = tuple(preferences)
        if len(models) != len(names):
            raise ValidationError(
                "preferences", f"{len(models)} models", f"one per party ({len(names)})"
            )
        values = np.column_stack([m.grid_utilities()[result.offers] for m in models])
        values = values.reshape(result.n_rounds, len(names))
        kind = "undiscounted, uᵢ"
    else:
        values = np.asarray(result.utilities, dtype=float)
        kind = "discounted, φᵢᵗ·uᵢ"
    crossed = np.isneginf(values)
    finite = values[np.isfinite(values)]
    floor = min(float(finite.min()) if finite.size else 0.0, 0.0, *result.reservations)
    band = floor - 0.1
    last = int(rounds[-1]) if rounds.size else 0
    span = np.arange(last + 1)
    mediator = (result.proposers < 0).any()
    for j, name in enumerate(names):
        colour = PARTY_COLOURS[j % len(PARTY_COLOURS)]
        own = result.proposers == j
        line = np.where(crossed[:, j], np.nan, values[:, j])
        if own.any():
            ax.plot(rounds[own], line[own], "-o", c=colour, ms=5, label=f"{name}: its own offers")
        if (~own).any():
            ax.plot(
                rounds[~own],
                line[~own],
                "--o",
                mfc="white",
                c=colour,
                ms=5,
                alpha=0.85,
                label=f"{name}: offers it received" + (" (and the mediator's)" if mediator else ""),
            )
        if targets is not None and name in targets:
            tau = np.asarray(targets[name], dtype=float)[: last + 1]
            ax.plot(
                span[: len(tau)],
                tau,
                "-",
                lw=4,
                c=colour,
                alpha=0.22,
                solid_capstyle="round",
                label=f"{name}'s target τ(t)",
            )
        r = float(result.reservations[j])
        phi = float(result.discounts[j])
        if preferences is not None and phi < 1.0:
            ax.plot(
                span,
                r / phi**span,
                ":",
                lw=1.4,
                c=colour,
                label=f"{name}'s reservation, rising as r/φᵗ\n(r = {r:.2f}, φ = {phi:.3g} a round)",
            )
        else:
            ax.axhline(r, ls=":", lw=1.4, c=colour, label=f"{name}'s reservation ({r:.2f})")
        if crossed[:, j].any():
            ax.scatter(
                rounds[crossed[:, j]],
                np.full(int(crossed[:, j].sum()), band),
                marker="X",
                s=60,
                c=colour,
                zorder=4,
                clip_on=False,
            )
    if result.agreed:
        ax.axvline(last, c="black", lw=0.9, alpha=0.6, label=f"agreement (round {last})")
    repeated = _repeats(result)
    if repeated.any():
        own = values[np.flatnonzero(repeated), result.proposers[repeated]]
        points = np.where(np.isneginf(own), band, own)
        ax.scatter(
            rounds[repeated],
            points,
            s=140,
            facecolors="none",
            edgecolors="black",
            linewidths=1.2,
            zorder=5,
            label=f"repeats the proposer's previous offer ({int(repeated.sum())})",
        )
    if crossed.any():
        count = int(crossed.any(axis=1).sum())
        ax.axhspan(band - 0.04, band + 0.04, color="#c44e52", alpha=0.07, lw=0)
        ax.scatter(
            [],
            [],
            marker="X",
            s=60,
            c="#888888",
            label=f"crosses a red line of the party in that colour ({count})",
        )
        top = max(1.05, float(finite.max()) + 0.05 if finite.size else 1.05)
        ax.set_ylim(band - 0.07, top)
        ticks = [t for t in MaxNLocator(6).tick_values(floor, top) if floor - 1e-9 <= t <= top]
        ax.set_yticks([*ticks, band], [f"{round(t, 6):g}" for t in ticks] + ["crosses a\nred line"])
        label = ax.get_yticklabels()[-1]
        label.set_color("#c44e52")
        label.set_fontsize(8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.5, last + 0.5)
    ax.set_title(f"{title}\n" if title else "", loc="left", fontsize=11)
    ax.set_title(f"Concessions round by round ({_ending_words(result)})", fontsize=10, loc="right")
    ax.set_xlabel("Round")
    ax.set_ylabel(f"Utility of the offer ({kind})")
    _legend_outside(ax)
    ax.grid(alpha=0.2)
    return ax


def _repeats(result: NegotiationResult) -> npt.NDArray[np.bool_]:
    """Whether each offer is the same as its proposer's previous offer."""
    previous: dict[int, int] = {}
    found = np.zeros(result.n_rounds, dtype=bool)
    for i, (offer, proposer) in enumerate(zip(result.offers, result.proposers, strict=True)):
        found[i] = proposer >= 0 and previous.get(int(proposer)) == int(offer)
        previous[int(proposer)] = int(offer)
    return found
