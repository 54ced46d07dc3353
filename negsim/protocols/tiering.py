"""When :meth:`AlternatingOffers.run <negsim.AlternatingOffers.run>` hands a run to compiled
code (tiered execution, as a JIT does).

A run can be played by the compiled engine (:func:`negsim.batch.compiled.run_one`, with Numba
installed: ``pip install "negsim[fast]"``) when every party is a plain
:class:`~negsim.Party` whose preferences are an exact :class:`~negsim.LinearAdditive` or a
:class:`~negsim.Position` whose utilities are its base's (:func:`linear`: its own reservation
and discount allowed), with no win-set at home, over a space of at most :data:`SMALL_SPACE`
outcomes, and every agent has a compiled form (the time-dependent family but the legacy
opponent model, the hardliner, tit-for-tat). The result is the one the
Python agents give, bit for bit: same offers, answers, utilities and end (the tests compare
the two offer by offer). Played so, a small negotiation costs tens of microseconds instead of
hundreds.

Loading the compiled code costs about half a second (importing Numba, reading its cache on
disk; the very first time after an install it is compiled, about ten seconds), more than
a thousand runs cost in Python. So the object API starts in Python and switches by the rule
of *ski rental*, or rent-or-buy (Karlin, Manasse, Rudolph & Sleator 1988, "Competitive
snoopy caching", *Algorithmica* 3:79–119): keep paying per run until
what the runs that could be compiled have cost equals the price of loading
(:data:`BREAK_EVEN` seconds), then load; if a batch (:func:`negsim.batch.run`) has
loaded it already, at once. No process pays more than twice what the better
choice in hindsight would have cost, and a process that runs a handful of negotiations never
loads Numba.

``NEGSIM_COMPILED`` (environment, read at import) or :func:`use` sets the mode:

* ``"auto"`` (the default): the rule above;
* ``"always"``: load at the first run that can be compiled;
* ``"never"``: always Python.

If loading fails (a broken Numba), the runs stay in Python and the failure is logged once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from ..position import Position
from ..preferences import LinearAdditive
from ..rng import RNGLike, resolve_seed
from .base import Party, check_parties

if TYPE_CHECKING:
    from ..results import NegotiationResult
    from .alternating import AlternatingOffers

__all__ = ["BREAK_EVEN", "MODES", "SMALL_SPACE", "linear", "mode", "use"]

#: What :func:`use` and ``NEGSIM_COMPILED`` take.
MODES = ("auto", "always", "never")
#: Seconds of compilable runs in Python after which ``"auto"`` loads the compiled code (what
#: loading it from Numba's cache costs here: 0.28 s to import Numba, 0.22 s to read the cache).
BREAK_EVEN = 0.5

_log = logging.getLogger("negsim")
_LOADED = "negsim.batch._kernels"


class _Tier:
    """The process's state: the mode, the seconds spent in Python on compilable runs, and
    the compiled engine once loaded (``None`` before; ``False`` if it cannot be)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.spent = 0.0
        self.engine: Any = None


def _mode_from_environment() -> str:
    given = os.environ.get("NEGSIM_COMPILED", "")
    value = given.strip().lower() or "auto"
    if value not in MODES:
        _log.warning(
            "negsim: NEGSIM_COMPILED=%r is not one of %s; using 'auto'", given, ", ".join(MODES)
        )
        return "auto"
    return value


_TIER = _Tier(_mode_from_environment())


def mode() -> str:
    """The mode in force (one of :data:`MODES`)."""
    return _TIER.mode


@contextlib.contextmanager
def _restoring(previous: str) -> Iterator[None]:
    try:
        yield
    finally:
        _TIER.mode = previous


def use(new_mode: str) -> contextlib.AbstractContextManager[None]:
    """Set the mode (one of :data:`MODES`) for the process; used as a context manager
    (``with tiering.use("never"): ...``) the previous mode comes back at its end."""
    if new_mode not in MODES:
        raise ValidationError("mode", f"{new_mode!r}", f"one of {', '.join(MODES)}")
    previous, _TIER.mode = _TIER.mode, new_mode
    return _restoring(previous)


#: Runs over larger spaces stay in Python: their cost is in numpy's work over the outcomes,
#: not in Python's per-round overhead, and compiled code would enumerate them whole.
SMALL_SPACE = 1 << 16


def linear(model: Any) -> bool:
    """Whether ``model`` is an exact :class:`~negsim.LinearAdditive`, or a
    :class:`~negsim.Position` whose utilities are its linear-additive base's, bit for bit
    (no red lines, preconditions or pressure; its reservation and its own discount may
    differ), as a scenario's party without them is."""
    kind = type(model)
    if kind is LinearAdditive:
        return True
    return (
        kind is Position
        and type(model.base) is LinearAdditive
        and not (model.red_lines or model.preconditions or model.pressures)
    )


def _could_compile(parties: Sequence[Any]) -> bool:
    """The checks that need no import: plain parties with exact linear-additive models over
    a small space that may be enumerated (a space over its enumeration limit raises in
    Python)."""
    if type(parties) not in (list, tuple) or not parties:
        return False
    for party in parties:
        if (
            type(party) is not Party
            or party.ratifiable is not None
            or not linear(party.preferences)
        ):
            return False
    space = parties[0].preferences.space
    return space.size <= min(SMALL_SPACE, space.enumeration_limit)  # type: ignore[no-any-return]


def _compiled_engine(parties: Sequence[Party]) -> tuple[Any, tuple[int, ...]] | None:
    """The compiled engine's module and the agents' codes, loading it if need be (``None``
    if these agents have no compiled form, or there is no compiled engine)."""
    if _TIER.engine is False:
        return None
    from ..batch import compiled

    codes = compiled.compiled_kinds(tuple(party.agent for party in parties))
    if codes is None:
        return None
    if _TIER.engine is None:
        if not compiled.available():
            _TIER.engine = False
            return None
        try:
            compiled._kernels()
        except Exception as error:  # a broken Numba must not break the object API
            _log.warning("negsim: compiled code unavailable (%s); running in Python", error)
            _TIER.engine = False
            return None
        _TIER.engine = compiled
    return _TIER.engine, codes


def run(
    protocol: AlternatingOffers,
    parties: Sequence[Party],
    rng: RNGLike,
    in_python: Callable[[Sequence[Party], RNGLike], NegotiationResult],
) -> NegotiationResult:
    """``protocol``'s run among ``parties``: by the compiled engine if the mode and the
    parties allow, else ``in_python(parties, rng)`` (timed, if it could be compiled)."""
    tier = _TIER
    if tier.mode == "never" or not _could_compile(parties):
        return in_python(parties, rng)
    if (
        tier.engine is not None
        or tier.mode == "always"
        or tier.spent >= BREAK_EVEN
        or _LOADED in sys.modules  # a batch loaded it: nothing left to pay
    ):
        found = _compiled_engine(parties)
        if found is not None:
            engine, codes = found
            checked = check_parties(protocol, parties)
            return engine.run_one(protocol, checked, codes, resolve_seed(rng))  # type: ignore[no-any-return]
    started = time.perf_counter()
    result = in_python(parties, rng)
    tier.spent += time.perf_counter() - started
    return result
