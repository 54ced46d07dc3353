"""Many negotiations at once, as arrays.

>>> import numpy as np, negsim
>>> from negsim import batch
>>> space = negsim.OutcomeSpace([negsim.integer("share", 0, 10)])
>>> N = 1000
>>> up, down = np.linspace(0, 1, 11), np.linspace(1, 0, 11)
>>> weights = np.ones((N, 2, 1))
>>> tables = [np.broadcast_to([up, down], (N, 2, 11))]
>>> reservations = np.full((N, 2), 0.2)
>>> out = batch.run(negsim.AlternatingOffers(n_rounds=20), space, weights, tables,
...                 reservations, ["boulware", "conceder"], rng=1)
>>> out.engine in ('compiled', 'batch'), out.agreement[:3].tolist(), str(out.end[0])
(True, [7, 7, 7], 'agreement')
>>> out.result(0) == negsim.AlternatingOffers(n_rounds=20).run(
...     batch.build_parties(space, weights, tables, reservations,
...                         [negsim.make_agent("boulware"), negsim.make_agent("conceder")],
...                         ["p0", "p1"], 0), rng=int(out.seeds[0]))
True

:func:`run` takes the parties' linear-additive preferences of ``N`` runs as arrays and
returns a :class:`BatchResult` of arrays; ``result(i)`` is run ``i`` in full, identical to
the object API's. Alternating offers (bilateral and stacked, with discounting, breakdown risk
and deadlines, under incomplete or complete information) runs as arrays for the
time-dependent agents (joint space and legacy), the hardliner, tit-for-tat and the random
agent (:mod:`negsim.batch.agents`); anything else runs one by one through the object API
(:class:`LoopFallbackWarning`). With Numba installed (``negsim[fast]``) the runs are
played by compiled code (:mod:`negsim.batch.compiled`, ``engine="compiled"``), with the
same results. :func:`supports` tells which; :func:`from_scenarios` builds
the arrays from scenarios. The mathematics of a round is in :mod:`negsim.batch.engine`.
"""

from __future__ import annotations

from .agents import batch_kinds
from .engine import CHUNK_SIZE, LoopFallbackWarning, obstacle, run, supports
from .inputs import BatchInput, build_parties, from_scenarios
from .result import BatchResult
from .seeds import spawn_seeds_array

__all__ = [
    "CHUNK_SIZE",
    "BatchInput",
    "BatchResult",
    "LoopFallbackWarning",
    "batch_kinds",
    "build_parties",
    "from_scenarios",
    "obstacle",
    "run",
    "spawn_seeds_array",
    "supports",
]
