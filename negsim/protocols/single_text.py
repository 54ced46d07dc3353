"""The mediated single negotiating text (Raiffa 1982; Camp David, 1978).

Raiffa, *The Art and Science of Negotiation* (1982), ch. 14: at Camp David the US team
drafted one text, asked Egypt and Israel only for criticisms, and revised it — 23 drafts —
until both could sign. :class:`SingleText` models that procedure with a mediator that works
only from what the parties say, not from their utilities:

1. **Opening text.** Every party states the outcome it would like (``propose``); on each
   ordered or numeric issue the mediator takes the weighted mean of the options asked for
   (rounded half up), on each categorical issue the option most asked for (ties: the lowest),
   each party's voice weighted by the mediator's ``bias`` (equal: a neutral mediator).
2. **Each round** every party accepts the current text or rejects it (``respond``); if all
   accept, it is the agreement.
3. **Revision.** Each critic states what it would like instead (``propose``). On ordered and
   numeric issues the critics' pulls add up (weighted, with their directions) and the text may
   move one option the net way — equal and opposite pulls cancel; on categorical issues each
   option asked for gets the weight of the critics asking for it. The mediator makes the one
   change of largest weight (ties: lowest issue, then option): one small step per draft, as
   in the Camp David drafts — never back to a draft one of the present critics rejected
   while another change is asked for. A draft that only others rejected may come back: the
   present critics accepted it when it was last tabled, and those who rejected it then
   accept the present text, so as they concede it may be signed (in the 1956 talks the
   text goes back and forth between the draft Japan signs and the one the USSR signs until
   the USSR signs Japan's). When every change asked for would bring back a barred draft, it
   tables the one tabled longest ago: a rejection is news of its round, and parties concede
   as time passes. If the criticisms cancel out, the text stays.
4. After ``n_rounds`` drafts without agreement the deadline has passed.

Texts are recorded as offers made by the mediator (proposer ``MEDIATOR``); each party's
utility of an agreement in round ``t`` is discounted by ``(δ_i D)^t``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import attrs
import numpy as np

from ..errors import ValidationError
from ..observation import Offer
from ..results import MEDIATOR, EndReason, NegotiationResult
from ..rng import RNGLike
from ..validators import count, unit
from .base import Party, Protocol, setup

__all__ = ["SingleText"]


def _bias(value: Any) -> tuple[float, ...] | None:
    return None if value is None else tuple(float(v) for v in value)


@attrs.frozen
class SingleText(Protocol):
    """A mediator revises one text from the parties' criticisms until all accept."""

    name: ClassVar[str] = "single-text"
    n_rounds: int = attrs.field(default=50, converter=int, validator=count(minimum=1))
    bias: tuple[float, ...] | None = attrs.field(default=None, converter=_bias)
    discount: float = attrs.field(default=1.0, converter=float, validator=unit(open_low=True))

    def __attrs_post_init__(self) -> None:
        if self.bias is not None and not all(math.isfinite(b) and b >= 0 for b in self.bias):
            raise ValidationError("bias", f"{list(self.bias)}", "weights >= 0, one per party")

    def check_run(self, parties: tuple[Party, ...]) -> None:
        weights = self._weights(len(parties))
        if weights.shape != (len(parties),) or weights.sum() <= 0:
            raise ValidationError("bias", f"{list(weights)}", f"{len(parties)} weights, not all 0")

    def _weights(self, n: int) -> np.ndarray:
        return np.ones(n) if self.bias is None else np.asarray(self.bias)

    def run(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        table = setup(self, parties, rng, n_rounds=self.n_rounds, discount=self.discount)
        space, state, n = table.space, table.state, len(table.parties)
        weights = self._weights(n)
        wishes = [table.propose(i) for i in range(n)]
        text = space.outcome_at(_opening(space, wishes, weights))
        accepted: list[list[bool]] = []
        verdicts: dict[int, tuple[int, list[bool]]] = {}
        end = EndReason.DEADLINE
        for t in range(self.n_rounds):
            state.round = t
            index = int(space.index_of(text))
            state.history.append(Offer(t, MEDIATOR, index))
            answers = [table.respond(i, index) for i in range(n)]
            accepted.append(answers)
            if all(answers):
                end = EndReason.AGREEMENT
                break
            critics = [i for i in range(n) if not answers[i]]
            asks = {i: space.outcome_at(table.propose(i)) for i in critics}
            verdicts[index] = (t, answers)  # each draft's last round and answers to it
            # barred: the drafts one of these critics rejected when they were last tabled
            barred = {
                d: r for d, (r, said) in verdicts.items() if not all(said[i] for i in critics)
            }
            text = _revise(space, text, asks, weights, barred)
        return table.result(accepted, end)


def _opening(space: Any, wishes: list[int], weights: np.ndarray) -> int:
    """The first draft: on an ordered or numeric issue the weighted mean of the options asked
    for (rounded half up); on a categorical one the option most asked for (weighted; ties to
    the lowest option)."""
    asked = space.outcome_at(np.array(wishes, dtype=np.int64))
    share = weights / weights.sum()
    text = []
    for i, issue in enumerate(space.issues):
        if issue.kind == "categorical":
            counts = np.bincount(asked[:, i], weights=weights, minlength=issue.size)
            text.append(int(np.argmax(counts)))
        else:
            text.append(math.floor(float(share @ asked[:, i]) + 0.5))
    return int(space.index_of(np.array(text)))


def _revise(
    space: Any,
    text: np.ndarray,
    asks: dict[int, np.ndarray],
    weights: np.ndarray,
    drafts: dict[int, int],
) -> np.ndarray:
    """One change to the text: the issue and option the critics press for most.

    On an ordered or numeric issue the critics' pulls add up with their signs (weighted) and
    the text moves one option in the net direction; opposite pulls of equal weight cancel. On
    a categorical issue each asked-for option gets the weight of the critics asking for it.
    The change of largest weight is made (ties: lowest issue, then option) — unless it would
    bring back a barred draft (``drafts``: by outcome index, the last round each was tabled;
    :class:`SingleText` bars the drafts one of the present critics rejected), when the next
    change is made instead, or failing that the two heaviest changes on different issues
    together: a mediator does not table a text it has seen fail for its critics while
    another is asked for (without this, two critics pulling one issue back and forth make
    the drafts cycle for ever, both rejecting each).

    When every one of those texts is barred, the one tabled longest ago comes back
    (ties: in the order above). A rejection is news of its round: the parties concede as time
    passes, so the stalest rejection is the likeliest to have lapsed. Taking the heaviest
    change instead would bounce the text between the drafts rejected last — two critics
    asking in turn — and never return to an earlier draft that they would now both sign."""
    votes: dict[tuple[int, int], float] = {}
    for i, issue in enumerate(space.issues):
        if issue.kind == "categorical":
            for critic, wish in asks.items():
                if wish[i] != text[i]:
                    key = (i, int(wish[i]))
                    votes[key] = votes.get(key, 0.0) + float(weights[critic])
        else:
            pull = sum(float(weights[c]) * float(np.sign(w[i] - text[i])) for c, w in asks.items())
            if pull:
                votes[(i, int(text[i] + np.sign(pull)))] = abs(pull)
    if not votes:
        return text
    ranked = sorted(votes, key=lambda key: (-votes[key], key))
    oldest: tuple[int, np.ndarray] | None = None  # (round last tabled, text)
    for revised in _changes(text, ranked):
        index = int(space.index_of(revised))
        if index not in drafts:
            return revised
        if oldest is None or drafts[index] < oldest[0]:
            oldest = (drafts[index], revised)
    assert oldest is not None  # ranked is not empty: there is at least one change
    return oldest[1]


def _changes(text: np.ndarray, ranked: list[tuple[int, int]]) -> Iterator[np.ndarray]:
    """The texts ``ranked``'s changes make of ``text``, in the mediator's order: each change
    alone, heaviest first, then two changes on different issues together."""
    for issue, option in ranked:
        revised = text.copy()
        revised[issue] = option
        yield revised
    for first, second in itertools.combinations(ranked, 2):
        if first[0] != second[0]:
            revised = text.copy()
            revised[first[0]], revised[second[0]] = first[1], second[1]
            yield revised
