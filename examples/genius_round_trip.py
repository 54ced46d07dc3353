"""A negsim scenario as GENIUS and GeniusWeb files, and back: the same negotiation.

Writes the bundled ``split-the-pie`` scenario as a GENIUS folder (XML domain and profiles)
and as a GeniusWeb folder (JSON), reads both back as scenarios, and shows that every outcome
keeps its utilities and that the same seed gives the same run. Point ``negsim.load_scenario``
at any ANAC domain folder to do the same with GENIUS's own files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import negsim
from negsim.formats import read_folder, read_foreign, write_folder

original = negsim.load_scenario("split-the-pie")
U = negsim.utility_matrix(original.preferences)
rounds = original.data["protocol"]["n_rounds"]
# The files hold preferences only: give the parties their agents back, and read the folder
# over the scenario's deadline (GENIUS discounts by time, spread over those rounds).
agents = {f"parties.{key}.agent": original.data["parties"][key]["agent"] for key in original.keys}
for kind in ("genius", "geniusweb"):
    folder = Path(f"split-the-pie-{kind}")
    notes = write_folder(original, folder, kind)
    back = read_folder(folder, n_rounds=rounds).with_overrides(agents)
    files = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    difference = np.abs(negsim.utility_matrix(back.preferences) - U).max()
    same_run = back.run(rng=7).result.agreement == original.run(rng=7).result.agreement
    print(f"{kind}: wrote {', '.join(files)}")
    print(f"  largest utility difference after the round trip: {difference:.1e}")
    print(f"  same agreement with seed 7: {same_run}")
    for note in notes:
        print(f"  note: {note}")

# The profiles as the files say them give the format's own utilities (GENIUS: min(1, Σ w e)).
found = read_foreign("split-the-pie-genius")
genius = np.column_stack([p.utilities(found.domain) for p in found.profiles])
print(f"GENIUS's own utilities vs negsim's: largest difference {np.abs(genius - U).max():.1e}")
