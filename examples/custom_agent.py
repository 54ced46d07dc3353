"""Write your own agent in about fifteen lines, register it, check it, and run it.

The agent below ("stubborn") opens with its best outcome and concedes only in the last fifth
of the talks, and then only down to a floor above its reservation value. Change ``floor`` or
the concession rule and run the contract checks again: they tell you if the agent breaks a
rule every negsim agent must keep (valid offers, replayable runs, never accepting less than
no deal).
"""

from __future__ import annotations

from typing import ClassVar

import attrs

import negsim
from negsim.testing import check_agent


@attrs.frozen
class Stubborn(negsim.Agent):
    """Holds out, then concedes linearly in the last fifth of the rounds, never below floor."""

    name: ClassVar[str] = "stubborn"
    floor: float = 0.6

    def target(self, obs: negsim.Observation) -> float:
        late = max(0.0, (obs.time - 0.8) / 0.2)  # 0 until t = 0.8, then up to 1
        level = obs.best_utility - late * (obs.best_utility - self.floor)
        return max(level, obs.reservation)

    def propose(self, obs: negsim.Observation) -> int:
        ranked = obs.ranked_utilities  # acceptable outcomes, by increasing own utility
        above = [
            i for i, u in zip(obs.ranked_outcomes, ranked, strict=True) if u >= self.target(obs)
        ]
        return above[0] if above else obs.best

    def respond(self, obs: negsim.Observation, offer: int) -> bool:
        return obs.utility(offer) >= self.target(obs) and obs.acceptable(offer)


negsim.register_agent(Stubborn)  # now "stubborn" works wherever an agent name does
check_agent(negsim.make_agent("stubborn"))  # raises ContractError if a rule is broken
print("stubborn passes the agent contract")

space = negsim.OutcomeSpace([negsim.integer("share", 0, 10)])
mine = negsim.LinearAdditive.from_tables(space, {"share": 1}, {"share": "increasing"}, 0.3)
theirs = negsim.LinearAdditive.from_tables(space, {"share": 1}, {"share": "decreasing"}, 0.3)
for opponent in ("conceder", "linear", "boulware", "hardliner"):
    result = negsim.AlternatingOffers(n_rounds=30).run(
        [
            negsim.Party("stubborn", mine, negsim.make_agent("stubborn", floor=0.6)),
            negsim.Party(opponent, theirs, negsim.make_agent(opponent)),
        ],
        rng=1,
    )
    shares = ", ".join(f"{u:.2f}" for u in result.final_utilities)
    print(
        f"against {opponent:<10} {result.end.value:<10} after {result.n_rounds:>2} rounds: {shares}"
    )
    if opponent == "linear":
        against_linear = result

from negsim import plots  # noqa: E402  (pyplot only once we draw)

ax = plots.concessions(against_linear, "Stubborn against Linear")
plots.save_figure(ax.figure, "custom_agent.png")
print("Saved custom_agent.png")
