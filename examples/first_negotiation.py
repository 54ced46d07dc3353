"""A first negotiation: two positions on the Kurils, alternating offers, and the analysis.

Japan wants sovereignty settled before a treaty; Russia will not transfer Kunashiri or Etorofu
(Lavrov, 14 Jan 2019: sovereignty "is not subject to discussion"); the United States presses
Japan on US forces. The numbers are illustrative judgments for teaching, not estimates.

Run it, then change things and run again:
* a reservation value (``reservation=`` below): what if Russia's alternative to a deal got
  worse?
* the agents (``"boulware"``, ``"linear"``, ``"conceder"``, ``"tit-for-tat"``, ...);
* the US pressure intensity (0 to 1).

It saves the outcome space, with both sides' offers, as ``first_negotiation.png``.
"""

from __future__ import annotations

import attrs

import negsim
from negsim import IssueIs
from negsim.report import format_analysis, format_result

SEED = 7
US_PRESSURE = 0.4

space = negsim.OutcomeSpace(
    [
        negsim.categorical("habomai_shikotan", ["russian", "handover", "japanese"]),
        negsim.categorical("kunashiri_etorofu", ["russian", "joint_regime", "japanese"]),
        negsim.categorical("us_forces", ["allowed", "pledge_none", "demilitarised"]),
        negsim.categorical("peace_treaty", ["no", "yes"]),
    ]
)

japan_base = negsim.LinearAdditive.from_tables(
    space,
    weights={
        "habomai_shikotan": 0.3,
        "kunashiri_etorofu": 0.4,
        "us_forces": 0.1,
        "peace_treaty": 0.2,
    },
    values={
        "habomai_shikotan": [0.0, 0.5, 1.0],
        "kunashiri_etorofu": [0.0, 0.6, 1.0],
        "us_forces": [1.0, 0.7, 0.4],
        "peace_treaty": [0.0, 1.0],
    },
    reservation=0.35,
)
us_displeasure = negsim.LinearAdditive.from_tables(
    space,
    weights={"habomai_shikotan": 0, "kunashiri_etorofu": 0, "us_forces": 1, "peace_treaty": 0},
    values={
        "habomai_shikotan": [0, 0, 0],
        "kunashiri_etorofu": [0, 0, 0],
        "us_forces": [0.0, 0.5, 1.0],
        "peace_treaty": [0, 0],
    },
)
japan = negsim.Position(
    japan_base,
    preconditions=[
        negsim.Precondition(
            when=IssueIs("peace_treaty", "yes"),
            requires=IssueIs("habomai_shikotan", "japanese"),
            reason="a treaty only once sovereignty is settled",
        )
    ],
    pressures=[negsim.ThirdPartyPressure("United States", us_displeasure, US_PRESSURE)],
)
russia = negsim.Position(
    negsim.LinearAdditive.from_tables(
        space,
        weights={
            "habomai_shikotan": 0.2,
            "kunashiri_etorofu": 0.3,
            "us_forces": 0.3,
            "peace_treaty": 0.2,
        },
        values={
            "habomai_shikotan": [1.0, 0.7, 0.4],
            "kunashiri_etorofu": [1.0, 0.6, 0.0],
            "us_forces": [0.0, 0.5, 1.0],
            "peace_treaty": [0.0, 1.0],
        },
        reservation=0.4,
    ),
    red_lines=[negsim.RedLine(IssueIs("kunashiri_etorofu", "japanese"), "Lavrov, 14 Jan 2019")],
)

protocol = negsim.AlternatingOffers(n_rounds=20)
parties = [
    negsim.Party("Japan", japan, negsim.make_agent("linear")),
    negsim.Party("Russia", russia, negsim.make_agent("linear")),
]
result = protocol.run(parties, rng=SEED)
print(format_result(result, "A first negotiation"))
print()
print(format_analysis([japan, russia], ["Japan", "Russia"], result))

# What if Russia's alternative to a deal were worse? One line with attrs.evolve:
weaker = attrs.evolve(russia, reservation=0.2)
U = negsim.utility_matrix([japan, weaker])
zone = negsim.analysis.zone_of_agreement(U, [japan.reservation, weaker.reservation])
print(f"\nWith Russia's reservation at 0.2 the zone of agreement has {zone.size} outcomes.")

from negsim import plots  # noqa: E402  (pyplot only once we draw)

U = negsim.utility_matrix([japan, russia])
ax = plots.outcome_space(
    U, ["Japan", "Russia"], [japan.reservation, russia.reservation], result, "A first negotiation"
)
plots.save_figure(ax.figure, "first_negotiation.png")
print("Saved first_negotiation.png")
