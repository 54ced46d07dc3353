"""Protocols and their registry.

=======================  ================================================================
name                     protocol
=======================  ================================================================
``alternating-offers``   :class:`AlternatingOffers` (bilateral, or stacked for n > 2)
``zeuthen``              :class:`ZeuthenConcession` (Zeuthen-Harsanyi concessions)
``single-text``          :class:`SingleText` (a mediator's single negotiating text)
``nash-demand``          :class:`NashDemand` (one-shot simultaneous demands)
=======================  ================================================================
"""

from __future__ import annotations

from ..registry import Registry
from .alternating import AlternatingOffers
from .base import Party, Protocol, check_parties
from .nash_demand import NashDemand
from .single_text import SingleText
from .zeuthen import ZeuthenConcession

__all__ = [
    "PROTOCOLS",
    "AlternatingOffers",
    "NashDemand",
    "Party",
    "Protocol",
    "SingleText",
    "ZeuthenConcession",
    "check_parties",
    "make_protocol",
]

#: Every registered protocol, by name.
PROTOCOLS: Registry[Protocol] = Registry("protocol", "negsim.protocols")
PROTOCOLS.register(AlternatingOffers.name, AlternatingOffers)
PROTOCOLS.register(ZeuthenConcession.name, ZeuthenConcession)
PROTOCOLS.register(SingleText.name, SingleText)
PROTOCOLS.register(NashDemand.name, NashDemand)


def make_protocol(name: str, **params: object) -> Protocol:
    """A protocol from its registered name and rule parameters."""
    return PROTOCOLS.make(name, **params)
