"""Results of a negotiation run, with provenance.

A :class:`NegotiationResult` records what was run (protocol name and parameters, parties,
agents and their parameters, the seed that replays it, the outcome space) and what happened:
for every round ``t`` the offer, its proposer, every party's response and every party's
utility of the offer *at that round*, ``δ_i^t D^t u_i(ω_t)`` (the party's own discount ``δ_i``
and the protocol's common discount ``D``); then how it ended (:class:`EndReason`), the
agreement and each party's final utility — the discounted utility of the agreement, or its
reservation value when there is none. Utilities are finite or ``-inf`` (a red line), never NaN:
protocols discount through :func:`negsim.preferences.discounted`.

Export: :meth:`~NegotiationResult.to_dict`, :meth:`~NegotiationResult.to_json`,
:meth:`~NegotiationResult.to_csv` (one row per round); back: :meth:`~NegotiationResult.from_dict`,
:meth:`~NegotiationResult.from_json`.
"""

from __future__ import annotations

import enum
import os
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .display import html_table, short_repr
from .errors import NegsimError, ValidationError
from .io import csv_text, json_number, json_text, number_from_json, read_json, write_text_atomic
from .outcomes import OutcomeSpace
from .validators import readonly

__all__ = ["MEDIATOR", "EndReason", "NegotiationResult"]

#: The proposer index of an offer made by the protocol itself (a mediator's text).
MEDIATOR = -1

FORMAT_VERSION = 1


class EndReason(enum.Enum):
    """Why a negotiation ended."""

    AGREEMENT = "agreement"
    DEADLINE = "deadline"
    BREAKDOWN = "breakdown"


def _ints(values: Any) -> npt.NDArray[np.int64]:
    return readonly(values, np.int64, copy=False)


def _floats(values: Any) -> npt.NDArray[np.float64]:
    return readonly(values, float, copy=False)


def _bools(values: Any) -> npt.NDArray[np.bool_]:
    return readonly(values, bool, copy=False)


def _names(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _records(values: Any) -> tuple[dict[str, Any], ...]:
    return tuple(dict(v) for v in values)


_array_eq = attrs.cmp_using(eq=np.array_equal)


@attrs.frozen
class NegotiationResult:
    """One run's record (see the module docstring)."""

    protocol: str
    parameters: dict[str, Any]
    seed: int
    party_names: tuple[str, ...] = attrs.field(converter=_names)
    agents: tuple[dict[str, Any], ...] = attrs.field(converter=_records)
    space: OutcomeSpace
    offers: npt.NDArray[np.int64] = attrs.field(converter=_ints, eq=_array_eq)
    proposers: npt.NDArray[np.int64] = attrs.field(converter=_ints, eq=_array_eq)
    utilities: npt.NDArray[np.float64] = attrs.field(converter=_floats, eq=_array_eq)
    accepted: npt.NDArray[np.bool_] = attrs.field(converter=_bools, eq=_array_eq)
    end: EndReason = attrs.field(converter=EndReason)  # accepts the enum or its value
    agreement: int | None
    final_utilities: npt.NDArray[np.float64] = attrs.field(converter=_floats, eq=_array_eq)
    reservations: npt.NDArray[np.float64] = attrs.field(converter=_floats, eq=_array_eq)
    #: The round of each offer (protocols with simultaneous offers make several per round);
    #: by default one offer per round, ``0, 1, 2, ...``.
    offer_rounds: npt.NDArray[np.int64] = attrs.field(
        default=attrs.Factory(lambda self: np.arange(len(self.offers)), takes_self=True),
        converter=_ints,
        eq=_array_eq,
    )
    #: Each party's per-round factor ``φ_i`` (its own discount times the protocol's): an
    #: agreement in round ``t`` is worth ``φ_i^t u_i``; all 1 without discounting.
    discounts: npt.NDArray[np.float64] = attrs.field(
        default=attrs.Factory(lambda self: np.ones(len(self.party_names)), takes_self=True),
        converter=_floats,
        eq=_array_eq,
    )

    def __attrs_post_init__(self) -> None:
        if self.offer_rounds.shape != self.offers.shape:
            raise ValidationError("offer_rounds", f"{self.offer_rounds.size}", "one per offer")
        shape = (len(self.offers), len(self.party_names))
        for name in ("utilities", "accepted"):
            if getattr(self, name).shape != shape:
                raise ValidationError(name, f"shape {getattr(self, name).shape}", f"{shape}")

    # --- derived ---------------------------------------------------------------------------
    @property
    def n_rounds(self) -> int:
        """Rounds played (offers made)."""
        return len(self.offers)

    @property
    def agreed(self) -> bool:
        """Whether an agreement was reached."""
        return self.end is EndReason.AGREEMENT

    @property
    def agreement_round(self) -> int | None:
        """The round of the agreement (the last offer's round), or ``None``."""
        return int(self.offer_rounds[-1]) if self.agreed else None

    @property
    def agreement_labels(self) -> dict[str, str] | None:
        """The agreement as ``{issue: option}``, or ``None``."""
        if self.agreement is None:
            return None
        return self.space.labels(self.space.outcome_at(self.agreement))

    def proposer_name(self, t: int) -> str:
        """Who made offer ``t``: a party's name, or ``"mediator"``."""
        proposer = int(self.proposers[t])
        return "mediator" if proposer == MEDIATOR else self.party_names[proposer]

    def offer_labels(self, round: int) -> dict[str, str]:
        """The offer of ``round`` as ``{issue: option}``."""
        return self.space.labels(self.space.outcome_at(int(self.offers[round])))

    # --- export ----------------------------------------------------------------------------
    def __repr__(self) -> str:
        return short_repr(
            "NegotiationResult",
            protocol=self.protocol,
            parties=self.party_names,
            end=self.end.value,
            rounds=self.n_rounds,
            agreement=self.agreement_labels,
            utilities=tuple(float(u) for u in self.final_utilities),
            seed=self.seed,
        )

    def _repr_html_(self) -> str:
        from .agents import agent_label  # the agents import this module

        labels = self.agreement_labels
        agreement = ", ".join(f"{k} = {v}" for k, v in labels.items()) if labels else "none"
        rows = [
            [name, agent_label(agent), float(r), float(u)]
            for name, agent, r, u in zip(
                self.party_names, self.agents, self.reservations, self.final_utilities, strict=True
            )
        ]
        return html_table(
            ["party", "agent", "reservation", "utility"],
            rows,
            f"{self.protocol}: {self.end.value} after {self.n_rounds} rounds, seed "
            f"{self.seed}; agreement: {agreement}",
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready): provenance, space, rounds, end."""
        rounds = [
            {
                "round": int(self.offer_rounds[t]),
                "proposer": self.proposer_name(t),
                "offer": int(self.offers[t]),
                "labels": self.offer_labels(t),
                "utilities": [json_number(u) for u in self.utilities[t]],
                "accepted": [bool(a) for a in self.accepted[t]],
            }
            for t in range(self.n_rounds)
        ]
        return {
            "format": FORMAT_VERSION,
            "protocol": self.protocol,
            "parameters": dict(self.parameters),
            "seed": self.seed,
            "party_names": list(self.party_names),
            "agents": [dict(a) for a in self.agents],
            "space": self.space.to_dict(),
            "rounds": rounds,
            "end": self.end.value,
            "agreement": self.agreement,
            "agreement_labels": self.agreement_labels,
            "final_utilities": [json_number(u) for u in self.final_utilities],
            "reservations": [json_number(r) for r in self.reservations],
            "discounts": [json_number(f) for f in self.discounts],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NegotiationResult:
        """Rebuild a result from :meth:`to_dict` output."""
        names = tuple(data["party_names"])
        rounds = data["rounds"]
        n = len(names)
        return cls(
            protocol=data["protocol"],
            parameters=data["parameters"],
            seed=data["seed"],
            party_names=names,
            agents=data["agents"],
            space=OutcomeSpace.from_dict(data["space"]),
            offers=[r["offer"] for r in rounds],
            proposers=[
                MEDIATOR if r["proposer"] == "mediator" else names.index(r["proposer"])
                for r in rounds
            ],
            utilities=np.array(
                [[number_from_json(u) for u in r["utilities"]] for r in rounds]
            ).reshape(-1, n),
            accepted=np.array([r["accepted"] for r in rounds], dtype=bool).reshape(-1, n),
            end=data["end"],
            agreement=data["agreement"],
            final_utilities=[number_from_json(u) for u in data["final_utilities"]],
            reservations=[number_from_json(r) for r in data["reservations"]],
            offer_rounds=[r["round"] for r in rounds],
            discounts=data.get("discounts", [1.0] * n),
        )

    def to_json(self, path: str | os.PathLike[str] | None = None, indent: int = 2) -> str:
        """Valid JSON text (non-finite numbers as in :func:`negsim.io.json_number`: ``-inf`` is
        ``"-inf"``); also written atomically to ``path`` when given."""
        text = json_text(self.to_dict(), indent=indent)
        if path is not None:
            write_text_atomic(path, text)
        return text

    @classmethod
    def from_json(cls, source: str | os.PathLike[str]) -> NegotiationResult:
        """Read a result from JSON text or from a ``.json`` file path.

        A malformed file raises a :class:`~negsim.errors.NegsimError` naming the file and the
        key (``run.json: rounds[2].offer: missing``) or the line and column of bad JSON.
        """
        data, name = read_json(source)
        _check_keys(data, name, "", _KEYS)
        for t, entry in enumerate(data["rounds"] if isinstance(data["rounds"], list) else ()):
            _check_keys(entry, name, f"rounds[{t}]", _ROUND_KEYS)
        try:
            return cls.from_dict(data)
        except (NegsimError, KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
            problem = f"missing key {error}" if isinstance(error, KeyError) else str(error)
            raise NegsimError(f"{name}: {problem}") from None

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """One row per round: round, proposer, offer index, one column per issue, then each
        party's utility and response. Also written atomically to ``path`` when given."""
        header = (
            ["round", "proposer", "offer", *self.space.issue_names]
            + [f"utility_{p}" for p in self.party_names]
            + [f"accepted_{p}" for p in self.party_names]
        )
        rows = (
            [int(self.offer_rounds[t]), self.proposer_name(t), int(self.offers[t])]
            + list(self.offer_labels(t).values())
            + [float(u) for u in self.utilities[t]]
            + [bool(a) for a in self.accepted[t]]
            for t in range(self.n_rounds)
        )
        return csv_text(header, rows, path)


_KEYS = (
    "protocol",
    "parameters",
    "seed",
    "party_names",
    "agents",
    "space",
    "rounds",
    "end",
    "agreement",
    "final_utilities",
    "reservations",
)
_ROUND_KEYS = ("round", "proposer", "offer", "utilities", "accepted")


def _check_keys(data: Any, name: str, path: str, keys: tuple[str, ...]) -> None:
    """Raise naming ``name`` and the key path if ``data`` is not an object with ``keys``."""
    if not isinstance(data, dict):
        raise NegsimError(
            f"{name}: {path or '(top level)'}: got {type(data).__name__}, expected a JSON object"
        )
    for key in keys:
        if key not in data:
            raise NegsimError(f"{name}: {f'{path}.{key}' if path else key}: missing")
