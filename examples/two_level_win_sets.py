"""Two-level games: the deals each government could sell at home (Putnam 1988).

In the 2018-2019 scenario both governments must carry their publics: Russia's polls (Levada,
VCIOM) and Japan's (Nikkei, Kyodo, Asahi) define each side's win-set. The script compares the
outcomes both governments prefer to no deal with those both publics would ratify, then asks:
how far would Russian opinion have to move on Habomai and Shikotan for the win-sets to meet?
It saves ``two_level_win_sets.png``.
"""

from __future__ import annotations

import numpy as np

import negsim
from negsim import plots

scenario = negsim.load_scenario("kurils-2018-2019")
found = scenario.analyse()
zone = found.bargaining.zone
overlap = found.win_set_overlap
assert overlap is not None
print(f"{scenario.title}")
for name, members in zip(scenario.names, found.win_sets, strict=True):
    size = 0 if members is None else members.size
    print(f"  {name}'s win-set: {size} of {scenario.space.size} outcomes")
print(
    f"  in both win-sets: {overlap.size}; also in the zone of agreement: "
    f"{np.intersect1d(zone, overlap).size} of {zone.size}"
)

# What would it take? Russian support for handing over Habomai and Shikotan with Japanese
# sovereignty (17 % in 2018), and the support the Kremlin needs to carry a deal (0.5).
RUSSIA = "parties.russia.ratification"
SUPPORT = f"{RUSSIA}.constituencies.0.shares.habomai_shikotan.handover_japanese_sovereignty"
print("  Russian support / needed -> ratifiable deals in the zone")
for share in (0.17, 0.5, 0.8):
    for needed in (0.5, 0.45):
        variant = scenario.with_overrides({SUPPORT: share, f"{RUSSIA}.threshold": needed})
        again = variant.analyse()
        assert again.win_set_overlap is not None
        both = np.intersect1d(again.bargaining.zone, again.win_set_overlap).size
        print(f"  {share:.2f} / {needed:.2f} -> {both}")

ax = plots.win_sets(
    found.U,
    scenario.names,
    found.win_sets,
    f"{scenario.title}: win-sets",
    reservations=found.reservations,
)
plots.save_figure(ax.figure, "two_level_win_sets.png")
print("Saved two_level_win_sets.png")
