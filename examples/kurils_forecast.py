"""Forecasting the 2018–2019 Kurils talks with three spatial models, and how fragile that is.

The actors (the governments of Japan, Russia and the United States, both publics, the island
residents, former islanders, Nemuro, the Diet opposition, Russia's security establishment)
sit on a territorial scale (0 = all four islands Russian, 50 = the 1956 Declaration's two
islands, 100 = all four Japanese) and a security scale; every number is cited in
``negsim/scenarios/kurils-actors-2018-2019.csv`` or labelled a judgment.

The script prints each model's forecast, reruns BDM on 200 perturbed copies of the data
(seed 2019), and asks what would have moved the forecast: each of the three weightiest actors
(Russia, Japan, the Russian public) moved alone along the territorial scale. It saves
``kurils_forecast.png``: the positions by round, Russia's quad chart (why nobody presses whom),
the Monte Carlo band and the what-if lines.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from negsim.plots import save_figure
from negsim.spatial import load_actor_data, make_model, monte_carlo, plots, what_if

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

sweep = what_if(data, bdm, dimension="territory", rounds=10)
print("\nWhat would have moved BDM's territory forecast? One actor moved at a time:")
print(sweep.table())
print("(only Russia's own government moves it: the forecast is Russia's position)")

figure, axes = plt.subplots(2, 2, figsize=(18, 11), layout="constrained")
plots.positions(baseline, "territory", data.title, ax=axes[0, 0])
plots.quad_chart(baseline.detail[0], "Russia", 0, data.title, ax=axes[0, 1])
plots.forecast_band(spread, "territory", data.title, ax=axes[1, 0])
plots.what_if(sweep, data.title, ax=axes[1, 1])
save_figure(figure, "kurils_forecast.png")
print("Saved kurils_forecast.png")
