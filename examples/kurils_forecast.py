"""Forecasting the 2018–2019 Kurils talks with three spatial models, and how fragile that is.

The actors (the governments of Japan, Russia and the United States, both publics, the island
residents, former islanders, Nemuro, the Diet opposition, Russia's security establishment)
sit on a territorial scale (0 = all four islands Russian, 50 = the 1956 Declaration's two
islands, 100 = all four Japanese) and a security scale; every number is cited in
``scenarios/kurils-actors-2018-2019.csv`` or labelled a judgment.

The script prints each model's forecast, reruns BDM on 200 perturbed copies of the data
(seed 2019), and asks what-ifs: had Japan's government taken the 1956 line (50) as its
position, or Russia's public or government had moved, where would the forecast be? It saves
``kurils_forecast.png``.
"""

from __future__ import annotations

import attrs
import matplotlib.pyplot as plt

from negsim.plots import save_figure
from negsim.spatial import load_actor_data, make_model, monte_carlo, plots

data = load_actor_data("kurils-actors-2018-2019")
territory = data.dimensions.index("territory")
print(f"{data.title}: {data.n_actors} actors on {', '.join(data.dimensions)}")

for name in ("bdm", "ktab", "stokman"):
    forecast = make_model(name).run(data, rounds=10)
    final = ", ".join(
        f"{dim} {value:.1f}"
        for dim, value in zip(data.dimensions, forecast.forecast[-1], strict=True)
    )
    print(f"  {name:<8} {forecast.headline:<14} after {forecast.rounds:>2} rounds: {final}")

bdm = make_model("bdm")
baseline = bdm.run(data, rounds=10)
spread = monte_carlo(data, bdm, rounds=10, draws=200, rng=2019)
print("\nBDM with every input perturbed (200 draws, seed 2019), final forecast:")
print(spread.summary())

print("\nWhat would have moved BDM's territory forecast? One actor moved at a time:")
print(f"  as the sources have it: {baseline.forecast[-1, territory]:.1f}")
for actor, position in (("Japan", 50.0), ("Russian public", 40.0), ("Russia", 50.0)):
    moved = data.positions.copy()
    moved[data.names.index(actor), territory] = position
    what_if = bdm.run(attrs.evolve(data, positions=moved), rounds=10)
    print(f"  {actor} at {position:g}: {what_if.forecast[-1, territory]:.1f}")
print("  (only Russia's own government moves it: the forecast is Russia's position)")

figure, (left, right) = plt.subplots(1, 2, figsize=(16, 5.5), layout="constrained")
plots.positions(baseline, "territory", data.title, ax=left)
plots.forecast_band(spread, "territory", data.title, ax=right)
save_figure(figure, "kurils_forecast.png")
print("Saved kurils_forecast.png")
