"""What an agent sees during a negotiation: a read-only view of the run.

Agents never see each other, only an :class:`Observation` of their own party: the round and
the time fraction, their own preferences (and the utility of every outcome index under them),
the offer history and the outcome space. The protocol owns the run state; the observation
reads it through properties, so nothing an agent does can change it.

Time is ``t = round / (n_rounds - 1)`` in ``[0, 1]``: 0 in the first round, 1 in the last.
Offers are outcome indices (see :class:`~negsim.OutcomeSpace`). :meth:`Observation.utility` is
the undiscounted ``u(ω)``; :meth:`Observation.worth` is what agreeing on ``ω`` now would give,
``φ^round · u(ω)`` with ``φ`` the party's per-round factor under the protocol (its own discount
times the protocol's), to be compared with the reservation value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np

from .preferences import GridProfile, PreferenceModel, Utilities, discounted

if TYPE_CHECKING:
    from .outcomes import OutcomeSpace

__all__ = ["Observation", "Offer", "RunState"]


class Offer(NamedTuple):
    """One proposal: the round, the proposing party's index, the outcome index."""

    round: int
    proposer: int
    outcome: int


class RunState:
    """Mutable state of one run, private to the protocol that created it."""

    __slots__ = ("history", "n_rounds", "round")

    def __init__(self, n_rounds: int) -> None:
        self.round = 0
        self.n_rounds = n_rounds
        self.history: list[Offer] = []


class _HistoryView(Sequence[Offer]):
    """Read-only sequence over the run's list of offers (no copying)."""

    __slots__ = ("_items",)

    def __init__(self, items: list[Offer]) -> None:
        self._items = items

    @overload
    def __getitem__(self, index: int) -> Offer: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Offer]: ...
    def __getitem__(self, index: int | slice) -> Offer | Sequence[Offer]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)


class Observation:
    """A party's read-only view of one run (created by the protocol, one per party)."""

    __slots__ = (
        "_discount",
        "_profile",
        "_reservation",
        "_rng",
        "_seed",
        "_state",
        "_values",
        "announcements",
        "history",
        "memory",
        "n_parties",
        "party",
        "party_name",
        "preferences",
    )

    _discount: float
    _profile: GridProfile
    announcements: Mapping[str, Any]
    _reservation: float
    _rng: np.random.Generator | None
    _seed: int
    _state: RunState
    _values: Sequence[float]
    history: Sequence[Offer]
    memory: dict[str, Any]
    n_parties: int
    party: int
    party_name: str
    preferences: PreferenceModel

    def __init__(
        self,
        state: RunState,
        party: int,
        party_name: str,
        n_parties: int,
        preferences: PreferenceModel,
        seed: int,
        discount: float = 1.0,
        announcements: dict[str, Any] | None = None,
    ) -> None:
        setattr_ = object.__setattr__
        profile = preferences.profile()
        setattr_(self, "_state", state)
        setattr_(self, "party", party)
        setattr_(self, "party_name", party_name)
        setattr_(self, "n_parties", n_parties)
        setattr_(self, "preferences", preferences)
        setattr_(self, "_profile", profile)
        setattr_(self, "_values", profile.values)
        setattr_(self, "_seed", seed)
        setattr_(self, "_discount", discount)
        setattr_(self, "_reservation", float(preferences.reservation))
        setattr_(self, "_rng", None)
        setattr_(self, "history", _HistoryView(state.history))
        setattr_(self, "memory", {})
        # what the protocol tells this party (read-only), e.g. under complete information
        # the other side's utilities; empty for protocols that announce nothing
        # (a live view: the protocol may update its announcements between rounds)
        shared = {} if announcements is None else announcements
        setattr_(self, "announcements", MappingProxyType(shared))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Observation is read-only (tried to set {name!r})")

    @property
    def round(self) -> int:
        """Current round, from 0."""
        return self._state.round

    @property
    def n_rounds(self) -> int:
        """Maximum number of rounds."""
        return self._state.n_rounds

    @property
    def time(self) -> float:
        """Time fraction ``round / (n_rounds - 1)`` in ``[0, 1]``."""
        n = self._state.n_rounds
        return self._state.round / (n - 1) if n > 1 else 1.0

    @property
    def space(self) -> OutcomeSpace:
        """The outcome space."""
        return self.preferences.space

    @property
    def reservation(self) -> float:
        """Own reservation value."""
        return self._reservation

    @property
    def profile(self) -> GridProfile:
        """Own :class:`~negsim.preferences.GridProfile` (utilities of every outcome, ranked)."""
        return self._profile

    @property
    def utilities(self) -> Utilities:
        """Own (undiscounted) utility of every outcome index (read-only array)."""
        return self._profile.utilities

    @property
    def best(self) -> int:
        """Index of the own best outcome (lowest index among ties)."""
        return self._profile.best

    @property
    def best_utility(self) -> float:
        """Own utility of :attr:`best`."""
        return self._values[self._profile.best]

    @property
    def ranked_outcomes(self) -> Sequence[int]:
        """Outcomes of finite own utility, by increasing utility (ties: lowest index first)."""
        return self._profile.ranked_outcomes

    @property
    def ranked_utilities(self) -> Sequence[float]:
        """Own utilities of :attr:`ranked_outcomes`."""
        return self._profile.ranked_utilities

    def utility(self, outcome: int) -> float:
        """Own (undiscounted) utility of an outcome index."""
        return self._values[outcome]

    @property
    def round_discount(self) -> float:
        """``φ``: the party's per-round factor under the protocol (own discount × common)."""
        return self._discount

    @property
    def discount_factor(self) -> float:
        """``φ^round``: the factor an agreement in this round is worth (1 without discounting)."""
        return float(self._discount**self._state.round)

    def worth(self, outcome: int) -> float:
        """Own utility of agreeing on ``outcome`` this round, ``φ^round · u(ω)``."""
        u = self._values[outcome]
        return u if self._discount == 1.0 else discounted(u, self.discount_factor)

    def acceptable(self, outcome: int) -> bool:
        """Whether agreeing on ``outcome`` now is worth at least the reservation value."""
        return self.worth(outcome) >= self._reservation

    @property
    def last_offer(self) -> Offer | None:
        """The most recent offer made by another party, or ``None``."""
        for offer in reversed(self._state.history):
            if offer.proposer != self.party:
                return offer
        return None

    @property
    def rng(self) -> np.random.Generator:
        """This party's own random stream for the run, created on first use.

        It is child ``party`` of the run's seed (``SeedSequence(seed, spawn_key=(party,))``,
        the same as ``SeedSequence(seed).spawn(n)[party]``), so the parties' streams are
        independent of each other and of the protocol's chance events.
        """
        if self._rng is None:
            stream = np.random.SeedSequence(self._seed, spawn_key=(self.party,))
            object.__setattr__(self, "_rng", np.random.default_rng(stream))
        assert self._rng is not None
        return self._rng
