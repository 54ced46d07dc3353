"""Plots: functions that take results and return matplotlib Axes.

Only this module imports pyplot, so ``import negsim`` stays light. No function here runs a
simulation or calls ``plt.show()``; each takes an ``ax`` (a new figure is made when it is
``None``) and returns it (:func:`why_no_deal`, two panels, takes and returns a figure).

* :func:`outcome_space` — every outcome in utility coordinates: the Pareto frontier, the
  zone of agreement, the Nash and Kalai–Smorodinsky points, the reservation lines, each
  party's offers as numbered paths and the agreement, undiscounted, zoomed onto the outcomes
  no red line excludes (the others counted in the legend);
* :func:`concessions` — each party's utility of every offer, round by round, with targets;
* :func:`funnel`, :func:`levers`, :func:`why_no_deal` — why the run ended as it did, and what
  one change at a time would have done;
* :func:`win_sets` — which outcomes each party could ratify at home, and their overlap;
* :func:`sweep` — agreement rate and utilities against a parameter, or a heatmap for two;
* :func:`ranking` — a tournament's agents in rank order, each mean with its interval.

Names and titles come from user files, so text is never read as mathtext: inside
:func:`plain_text` (which :func:`save_figure` and the command line use) a ``$`` is a dollar
sign, and a name such as ``$\\frac{$`` cannot make drawing fail.
"""

from __future__ import annotations

from ._common import PARTY_COLOURS as PARTY_COLOURS
from .concession_curves import concessions
from .diagnosis import funnel, levers, why_no_deal
from .research import ranking, sweep
from .saving import DPI as DPI
from .saving import PNG_COMPRESSION as PNG_COMPRESSION
from .saving import plain_text, save_figure
from .space import outcome_space, win_sets

__all__ = [
    "concessions",
    "funnel",
    "levers",
    "outcome_space",
    "plain_text",
    "ranking",
    "save_figure",
    "sweep",
    "why_no_deal",
    "win_sets",
]
