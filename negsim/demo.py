"""The built-in demonstration: Japan and Russia, November 2018 – March 2019.

A compact teaching version of the peace-treaty talks between Singapore (14 Nov 2018, "accelerate
negotiations on the basis of the 1956 Joint Declaration") and Putin's "tempo has been lost"
(14 Mar 2019). Five issues, two parties, the United States pressing Japan.

Sources. Every number below encodes a position and says where it comes from. The option
values, weights, reservation values and pressure are *judgments* [J] taken from section 6 of
the project's fact sheet on the Kurils (``shared/kurils/FACTS.md``, §6.1 option values, §6.2
window-slice weights renormalised over the five issues modelled here, §6.3 reservation points,
§6.5 patience), each anchored there to a cited fact:

* Art. 9 of the 1956 Joint Declaration: transfer of Habomai and Shikotan after a peace treaty;
  Putin (15 Nov 2018): the text "neither says on what ground to return them nor under what
  sovereignty"; Suga (16 Nov 2018): Japanese sovereignty "would also be confirmed".
* Lavrov (14 Jan 2019): Russian sovereignty over the islands "is not subject to discussion" —
  Russia's red line on Kunashiri and Etorofu.
* Japan's formal position (1993 Tokyo Declaration; MOFA): conclude the treaty after resolving
  the attribution of the islands — Japan's precondition on the treaty; 80 % of Japanese reject
  recognising Russian sovereignty over all four (Asahi, Jan 2019) — Japan's red line.
* Putin (20 Dec 2018; 14 Mar 2019): guarantees that no US forces would be on transferred islands.
* US support for Japan's claim and alliance geography (Hagerty, 16 Feb 2018); US pressure is
  modelled on the security issue (FACTS §6.2 gives the US weight 0.45 on security) [J].

This is a demonstration of the library, not a forecast; the scenario files of a later release
carry the full, period-by-period model.
"""

from __future__ import annotations

from .agents import make_agent
from .conditions import IssueIs
from .issues import categorical
from .outcomes import OutcomeSpace
from .position import Position, Precondition, RedLine, ThirdPartyPressure
from .preferences import LinearAdditive
from .protocols import AlternatingOffers, Party

__all__ = ["DEMO_TITLE", "demo_negotiation", "demo_parties", "demo_protocol", "demo_space"]

DEMO_TITLE = "Japan–Russia peace treaty talks, Nov 2018 – Mar 2019 (demonstration)"

HS = "habomai_shikotan"
KE = "kunashiri_etorofu"


def demo_space() -> OutcomeSpace:
    """Five issues with the options actually tabled (FACTS §3, ladders of §6.1)."""
    return OutcomeSpace(
        [
            categorical(
                HS,
                [
                    "stay_russian",
                    "handover_basis_unspecified",  # Putin, 15 Nov 2018
                    "handover_japanese_sovereignty",  # Suga, 16 Nov 2018
                ],
            ),
            categorical(
                KE,
                [
                    "russian_sovereignty_recognised",  # Lavrov, 14 Jan 2019
                    "open_talks_continue",  # "two first, then continue" (Mori 2001)
                    "joint_special_regime",  # "plus alpha" (Clark 2016)
                    "japanese_sovereignty",  # Japan's formal goal
                ],
            ),
            categorical(
                "us_forces",
                [
                    "no_restriction",
                    "political_pledge",  # Abe to Putin, Singapore 2018 (Asahi)
                    "demilitarised",  # Malik 1955; Kyodo Oct 2016
                ],
            ),
            categorical("economy", ["none", "eight_point_plan", "plan_plus_30bn_target"]),
            categorical("peace_treaty", ["no_treaty", "treaty_signed"]),
        ]
    )


def demo_parties(us_pressure: float = 0.3) -> tuple[Position, Position]:
    """Japan's and Russia's positions; ``us_pressure`` is the US intensity in [0, 1] [J]."""
    space = demo_space()
    japan_base = LinearAdditive.from_tables(
        space,
        # §6.2 Japan (window): H+S 0.15, K+E 0.25, security 0.15, economy 0.05, sequencing
        # 0.10 (here the treaty), renormalised to sum 1 [J]
        weights={
            HS: 0.2143,
            KE: 0.3571,
            "us_forces": 0.2143,
            "economy": 0.0714,
            "peace_treaty": 0.1429,
        },
        values={
            HS: [0.0, 0.45, 0.9],  # §6.1 [J]
            KE: [0.0, 0.55, 0.6, 1.0],  # §6.1 [J]
            "us_forces": [1.0, 0.8, 0.5],  # §6.1 [J]
            "economy": [0.5, 0.6, 0.55],  # §6.1 [J]
            "peace_treaty": [0.0, 1.0],  # a treaty is the goal of the talks [J]
        },
        reservation=0.45,  # §6.3: H+S with sovereignty and K+E left open is the floor [J]
    )
    us_displeasure = LinearAdditive.from_tables(
        space,
        weights={HS: 0.0, KE: 0.0, "us_forces": 1.0, "economy": 0.0, "peace_treaty": 0.0},
        values={
            HS: [0, 0, 0],
            KE: [0, 0, 0, 0],
            "us_forces": [0.0, 0.4, 1.0],  # alliance geography matters most to the US (§4.3) [J]
            "economy": [0, 0, 0],
            "peace_treaty": [0, 0],
        },
    )
    japan = Position(
        japan_base,
        red_lines=[
            RedLine(
                IssueIs(KE, "russian_sovereignty_recognised"),
                "80 % of Japanese reject recognising Russian sovereignty (Asahi, Jan 2019)",
            )
        ],
        preconditions=[
            Precondition(
                when=IssueIs("peace_treaty", "treaty_signed"),
                requires=IssueIs(HS, "handover_japanese_sovereignty"),
                reason="sovereignty settled before a treaty (Tokyo Declaration 1993; MOFA)",
            )
        ],
        pressures=[ThirdPartyPressure("United States", us_displeasure, us_pressure)],
        # §6.5: Japan less patient, δ ≈ 0.9 per summit round [J]; a round here is one offer,
        # about six offers to a summit [J], so δ per offer = 0.9 ** (1 / 6) ≈ 0.983
        discount=0.983,
    )
    russia_base = LinearAdditive.from_tables(
        space,
        # §6.2 Russia (window): H+S 0.10, K+E 0.25, security 0.25, economy 0.15, sequencing 0.10
        weights={
            HS: 0.1176,
            KE: 0.2941,
            "us_forces": 0.2941,
            "economy": 0.1765,
            "peace_treaty": 0.1177,
        },
        values={
            HS: [1.0, 0.7, 0.45],  # §6.1 [J]
            KE: [1.0, 0.35, 0.6, 0.0],  # §6.1 [J]
            "us_forces": [0.0, 0.3, 0.7],  # §6.1 [J]
            "economy": [0.0, 0.6, 1.0],  # §6.1 [J]
            "peace_treaty": [0.0, 1.0],  # Putin, 12 Sep 2018: a treaty "without preconditions"
        },
        reservation=0.5,  # §6.3: at most H+S, basis unspecified, with no US forces [J]
    )
    russia = Position(
        russia_base,
        red_lines=[
            RedLine(
                IssueIs(KE, "japanese_sovereignty"),
                "sovereignty 'not subject to discussion' (Lavrov, 14 Jan 2019)",
            )
        ],
        # §6.5: Russia holds the islands and is more patient, δ ≈ 0.95 per summit round [J];
        # per offer 0.95 ** (1 / 6) ≈ 0.991
        discount=0.991,
    )
    return japan, russia


def demo_protocol(n_rounds: int = 30) -> AlternatingOffers:
    """Alternating offers, Japan opening; a 5 % chance of breakdown after each rejection [J]."""
    return AlternatingOffers(n_rounds=n_rounds, opener=0, breakdown_probability=0.05)


def demo_negotiation(
    japan_agent: str = "boulware",
    russia_agent: str = "boulware",
    us_pressure: float = 0.3,
    n_rounds: int = 30,
) -> tuple[AlternatingOffers, list[Party]]:
    """The demonstration's protocol and parties, ready to ``run``."""
    japan, russia = demo_parties(us_pressure)
    parties = [
        Party("Japan", japan, make_agent(japan_agent)),
        Party("Russia", russia, make_agent(russia_agent)),
    ]
    return demo_protocol(n_rounds), parties
