"""Errors negsim raises on bad input.

Every error names what was wrong (the field or key path), what was expected, and, for a
misspelt name, the closest valid names. All of them are :class:`ValueError` subclasses, so
code that already catches ``ValueError`` keeps working.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "EquilibriumNotFound",
    "NegsimError",
    "OutcomeSpaceTooLarge",
    "ValidationError",
    "did_you_mean",
    "with_expected",
]


class NegsimError(ValueError):
    """Base class of every error negsim raises on purpose."""


class ValidationError(NegsimError):
    """A value handed to negsim is not valid.

    ``field`` is the name or key path of the offending value (for example
    ``"weights.sovereignty"``) and ``expected`` says what would have been valid.
    """

    def __init__(self, field: str, message: str, expected: str | None = None) -> None:
        self.field = field
        self.expected = expected
        super().__init__(f"{field}: {with_expected(message, expected)}")


class OutcomeSpaceTooLarge(NegsimError):
    """An outcome space is larger than the caller allowed negsim to enumerate."""


class EquilibriumNotFound(NegsimError):
    """An equilibrium solver found no solution it could verify, so it returns none."""


def with_expected(message: str, expected: str | None) -> str:
    """``message (expected ...)``, or ``message; did you mean ...`` for a name hint."""
    if not expected:
        return message
    if expected.startswith(("did you mean", "valid:")):
        return f"{message}; {expected}"
    return f"{message} (expected {expected})"


def did_you_mean(name: str, valid: Iterable[str]) -> str:
    """Return a hint naming the valid choices closest to ``name`` (or all of them)."""
    valid = list(valid)
    if not valid:
        return "valid: none are defined"
    close = difflib.get_close_matches(name, valid, n=3, cutoff=0.6)
    listed = ", ".join(repr(v) for v in valid)
    if close:
        return f"did you mean {' or '.join(repr(c) for c in close)}? valid: {listed}"
    return f"valid: {listed}"
