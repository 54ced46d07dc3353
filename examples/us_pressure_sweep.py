"""How much does US pressure on Japan matter? A sweep over its intensity.

US pressure on Japan is ``parties.japan.pressures.united_states`` in the scenario files: 0
means the United States stays out, 1 that it presses as hard as it can.

* 2018-2019: the script counts the outcomes both governments prefer to no deal (Level I) as
  the pressure rises — pressure on the alliance issues shrinks Japan's room to concede.
* 1956: it sweeps Dulles's Ryukyu threat and runs the talks three times per value; watch
  what Japan ends up accepting about Kunashiri and Etorofu as the threat grows.

It saves ``us_pressure_sweep.png``. Change ``VALUES`` or the seeds and run it again.
"""

from __future__ import annotations

import numpy as np

import negsim
from negsim import analysis, plots
from negsim.sweep import run_sweep

PARAM = "parties.japan.pressures.united_states"
VALUES = np.linspace(0.0, 1.0, 6).round(2).tolist()

flagship = negsim.load_scenario("kurils-2018-2019")
print(f"{flagship.title}: the zone of agreement as the US presses harder")
for value in VALUES:
    variant = flagship.with_overrides({PARAM: value})
    U = negsim.utility_matrix(variant.preferences)
    d = [p.reservation for p in variant.preferences]
    print(f"  US pressure {value:.1f}: {analysis.zone_of_agreement(U, d).size:3d} outcomes")

talks_1956 = negsim.load_scenario("kurils-1956")
result = run_sweep(talks_1956, [(PARAM, VALUES)], n_seeds=3, rng=1956)
print(f"\n{talks_1956.title}: runs as the US threat grows")
print(result.to_csv())
ax = plots.sweep(result, f"{talks_1956.title}: the US threat over the Ryukyus")
plots.save_figure(ax.figure, "us_pressure_sweep.png")
print("Saved us_pressure_sweep.png")
