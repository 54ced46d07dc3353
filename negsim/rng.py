"""One way to pass randomness: the ``rng`` argument.

Every stochastic function in negsim takes ``rng: np.random.Generator | int | None`` and
normalises it once with :func:`resolve_rng`, which also returns the integer seed that replays
the run. Results record that seed, so any run can be repeated exactly:

* an ``int`` is the seed itself;
* ``None`` draws a fresh seed from the operating system's entropy;
* a ``Generator`` is asked for a seed (one draw), so a caller's stream still drives the run and
  the result still records a seed that replays it.

Batches use :func:`spawn_seeds` (``SeedSequence(seed).spawn(n)``) so results do not depend on
order or on the number of workers.
"""

from __future__ import annotations

import numpy as np

from .errors import ValidationError

__all__ = ["RNGLike", "resolve_rng", "resolve_seed", "spawn_seeds"]

RNGLike = np.random.Generator | int | None

_SEED_BOUND = 2**63


def resolve_rng(rng: RNGLike) -> tuple[np.random.Generator, int]:
    """Normalise ``rng`` to ``(generator, seed)`` where ``default_rng(seed)`` replays it."""
    seed = resolve_seed(rng)
    return np.random.default_rng(seed), seed


def resolve_seed(rng: RNGLike) -> int:
    """The seed :func:`resolve_rng` would use (without building a generator)."""
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        seed = int(rng)
        if seed < 0:
            raise ValidationError("rng", f"seed {seed} is negative", "an integer >= 0")
    elif isinstance(rng, np.random.Generator):
        seed = int(rng.integers(_SEED_BOUND))
    elif rng is None:
        seed = int(np.random.SeedSequence().entropy % _SEED_BOUND)  # type: ignore[operator]
    else:
        raise ValidationError(
            "rng", f"got {type(rng).__name__}", "a numpy Generator, an int seed or None"
        )
    return seed


def spawn_seeds(seed: int, n: int) -> list[int]:
    """``n`` independent child seeds of ``seed``, the same whatever order they are used in."""
    children = np.random.SeedSequence(seed).spawn(n)
    return [int(c.generate_state(1, np.uint64)[0] % _SEED_BOUND) for c in children]
