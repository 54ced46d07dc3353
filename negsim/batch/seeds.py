"""Child seeds of a batch, computed for the whole batch at once.

:func:`negsim.rng.spawn_seeds` asks numpy for ``SeedSequence(seed).spawn(n)`` and one 64-bit
word of each child's state: about 12 µs a child, more than a whole negotiation costs in the
batch engine. :func:`spawn_seeds_array` computes the same numbers for all children at once.

A child ``i`` is ``SeedSequence(seed, spawn_key=(i,))``. Its entropy pool (four 32-bit words)
is the parent's pool — the seed's words, padded with zeros to four, hashed and mixed — with the
spawn key's word mixed into every word last (O'Neill's ``seed_seq_fe``, as numpy implements
it). Only that last step depends on ``i``, and the hash constants it uses do not depend on the
data, so it vectorises over the children. The result is checked against numpy's own
:class:`numpy.random.SeedSequence` in the tests.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["spawn_seeds_array"]

_POOL = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_MASK = 0xFFFFFFFF
_SEED_BOUND = 2**63


def _words(value: int) -> list[int]:
    """An integer as little-endian 32-bit words (``[0]`` for zero), as numpy coerces it."""
    words = []
    while True:
        words.append(value & _MASK)
        value >>= 32
        if not value:
            return words


class _Hash:
    """The running hash constant of ``mix_entropy`` (it advances at every use)."""

    def __init__(self) -> None:
        self.const = _INIT_A

    def mix(self, value: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        value = (value ^ np.uint64(self.const)) & np.uint64(_MASK)
        self.const = (self.const * _MULT_A) & _MASK
        value = (value * np.uint64(self.const)) & np.uint64(_MASK)
        return value ^ (value >> np.uint64(16))


def _mix(x: npt.NDArray[np.uint64], y: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    left = (np.uint64(_MIX_L) * x) & np.uint64(_MASK)
    right = (np.uint64(_MIX_R) * y) & np.uint64(_MASK)
    result = (left - right) & np.uint64(_MASK)
    return result ^ (result >> np.uint64(16))


def spawn_seeds_array(seed: int, n: int) -> npt.NDArray[np.int64]:
    """``negsim.rng.spawn_seeds(seed, n)`` as an ``int64`` array, computed at once."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    children = np.arange(n, dtype=np.uint64)
    run = _words(int(seed))
    run += [0] * (_POOL - len(run))  # a spawned sequence pads its run entropy to the pool
    hashing = _Hash()
    pool = [
        hashing.mix(np.full(1, run[i] if i < len(run) else 0, dtype=np.uint64))
        for i in range(_POOL)
    ]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = _mix(pool[dst], hashing.mix(pool[src]))
    for src in range(_POOL, len(run)):  # run entropy longer than the pool
        for dst in range(_POOL):
            pool[dst] = _mix(pool[dst], hashing.mix(np.full(1, run[src], dtype=np.uint64)))
    if n > _MASK:
        raise ValueError("at most 2**32 children")
    for dst in range(_POOL):  # the spawn key, one word per child
        pool[dst] = _mix(pool[dst], hashing.mix(children))
    words = []
    const = _INIT_B
    for i in range(2):  # generate_state(1, uint64): two 32-bit words, low first
        value = (pool[i] ^ np.uint64(const)) & np.uint64(_MASK)
        const = (const * _MULT_B) & _MASK
        value = (value * np.uint64(const)) & np.uint64(_MASK)
        words.append(value ^ (value >> np.uint64(16)))
    state = words[0] | (words[1] << np.uint64(32))
    return (state % np.uint64(_SEED_BOUND)).astype(np.int64)  # type: ignore[no-any-return]
