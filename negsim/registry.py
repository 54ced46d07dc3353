"""Registries: one explicit mapping from name to factory per family (agents, protocols).

A factory is a class or any callable returning a configured object; presets are factories
too (``"boulware"`` is ``TimeDependent`` with ``exponent=4``). Registering is one call, so a
user's own agent is reachable by name from scenario files and the CLI, and the contract suite
(:mod:`negsim.testing`) checks everything registered.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from .errors import ValidationError, did_you_mean

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """Name → factory mapping for one family of objects."""

    def __init__(self, family: str) -> None:
        self.family = family
        self._factories: dict[str, Callable[..., T]] = {}
        self._summaries: dict[str, str] = {}

    def register(self, name: str, factory: Callable[..., T], summary: str = "") -> None:
        """Make ``factory`` reachable as ``name`` (names are unique)."""
        if not name or name in self._factories:
            raise ValidationError(
                f"{self.family}.{name}", "empty or already registered", "a new name"
            )
        self._factories[name] = factory
        paragraph = (factory.__doc__ or "").strip().split("\n\n")[0]
        self._summaries[name] = summary or " ".join(paragraph.split())

    def unregister(self, name: str) -> None:
        """Remove ``name`` (useful in tests and notebooks)."""
        self._factories.pop(self._check(name))
        self._summaries.pop(name)

    def make(self, name: str, **params: Any) -> T:
        """A new object from the factory called ``name``, configured with ``params``.

        Parameters the factory's signature does not take (or required ones missing) raise a
        :class:`ValidationError` listing the valid parameter names; any error the factory
        itself raises (a bad value, or a bug inside it) propagates unchanged.
        """
        factory = self._factories[self._check(name)]
        self._bind(name, factory, params)
        return factory(**params)

    def parameters(self, name: str) -> list[str]:
        """The parameter names the factory called ``name`` takes (empty if it cannot say)."""
        signature = _signature(self._factories[self._check(name)])
        if signature is None:
            return []
        return [
            p.name
            for p in signature.parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]

    def _bind(self, name: str, factory: Callable[..., T], params: dict[str, Any]) -> None:
        signature = _signature(factory)
        if signature is None:
            return
        try:
            signature.bind(**params)
        except TypeError as error:
            valid = self.parameters(name)
            unknown = [k for k in params if k not in valid]
            if unknown and not any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
                message = f"no parameter {unknown[0]!r}"
                hint = did_you_mean(unknown[0], valid)
            else:
                message, hint = str(error), "valid: " + ", ".join(repr(v) for v in valid)
            raise ValidationError(f"{self.family}.{name}", message, hint) from None

    def summary(self, name: str) -> str:
        """One-line description of ``name``."""
        return self._summaries[self._check(name)]

    def names(self) -> list[str]:
        """Registered names, in registration order."""
        return list(self._factories)

    def _check(self, name: str) -> str:
        if name not in self._factories:
            raise ValidationError(
                self.family, f"no {self.family} {name!r}", did_you_mean(name, self._factories)
            )
        return name

    def __contains__(self, name: object) -> bool:
        return name in self._factories

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)


def _signature(factory: Callable[..., Any]) -> inspect.Signature | None:
    """The call signature of ``factory`` (a class, function or partial), or ``None`` if
    Python cannot tell (some builtins)."""
    try:
        return inspect.signature(factory)
    except (TypeError, ValueError):
        return None
