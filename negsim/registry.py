"""Registries: one explicit mapping from name to factory per family (agents, protocols).

A factory is a class or any callable returning a configured object; presets are factories
too (``"boulware"`` is ``TimeDependent`` with ``exponent=4``). Registering is one call, so a
user's own agent is reachable by name from scenario files and the CLI, and the contract suite
(:mod:`negsim.testing`) checks everything registered.

Other installed packages add to a registry through an entry point in their ``pyproject.toml``
(the groups ``negsim.agents``, ``negsim.protocols`` and ``negsim.models``)::

    [project.entry-points."negsim.agents"]
    stubborn = "my_package.agents:Stubborn"

The name on the left is then a registered name like any built-in one, in scenario files, the
CLI and :func:`negsim.make_agent`. Entry points are looked up the first time a registry is
asked for its names, and each is imported only when its name is first used, so an installed
plugin costs nothing until then and a broken one fails only when used, with an error naming
its package and entry point. A built-in name always wins: a plugin that reuses one is ignored
with a warning.
"""

from __future__ import annotations

import functools
import inspect
import typing
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from .errors import NegsimError, ValidationError, did_you_mean

if TYPE_CHECKING:
    from importlib import metadata

__all__ = ["REQUIRED", "Parameter", "Registry", "parameters_of"]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: The ``default`` of a parameter that has none.
REQUIRED: Any = _Required()

T = TypeVar("T")


@attrs.frozen
class Parameter:
    """One parameter of a registered factory, read from its attrs fields (or signature).

    ``annotation`` is the resolved type (``typing.Any`` when it cannot be resolved);
    ``default`` is :data:`REQUIRED` for a required parameter (a preset's value counts
    as the default); ``owner`` names the class or function it was read from.
    """

    name: str
    annotation: Any = Any
    default: Any = REQUIRED
    owner: str = ""

    @property
    def required(self) -> bool:
        """Whether the factory needs a value for it."""
        return self.default is REQUIRED


def _type_hints(target: Any) -> dict[str, Any]:
    """``typing.get_type_hints(target)``, resolved once per class or function (every scenario
    read asks for the same registered factories' hints; resolving string annotations
    compiles them each time); ``{}`` when an annotation cannot be resolved."""
    try:
        return _resolved_hints(target)
    except TypeError:  # unhashable: resolve it every time
        return _resolve_hints(target)


def _resolve_hints(target: Any) -> dict[str, Any]:
    try:
        return typing.get_type_hints(target)
    except Exception:  # an unresolvable annotation: fall back to Any
        return {}


# factories are classes and functions that live as long as the registries holding them
_resolved_hints = functools.lru_cache(maxsize=1024)(_resolve_hints)


def parameters_of(factory: Callable[..., Any]) -> tuple[Parameter, ...]:
    """The keyword parameters ``factory`` takes: an attrs class's ``init`` fields (by alias,
    with resolved types and defaults), through any :func:`functools.partial` presets, or
    else the named parameters of its signature (``*args``/``**kwargs`` are not listed)."""
    preset: dict[str, Any] = {}
    target: Any = factory
    while isinstance(target, functools.partial):
        preset = {**target.keywords, **preset}
        target = target.func
    owner = getattr(target, "__qualname__", type(target).__name__)
    hints = _type_hints(target)
    found: list[Parameter] = []
    if isinstance(target, type) and attrs.has(target):
        for field in attrs.fields(target):
            if not field.init:
                continue
            default = REQUIRED if field.default is attrs.NOTHING else field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                default = REQUIRED if default.takes_self else default.factory()
            name = field.alias or field.name
            default = preset.get(name, default)
            found.append(Parameter(name, hints.get(field.name, Any), default, owner))
        return tuple(found)
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return ()
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.POSITIONAL_ONLY):
            continue
        default = REQUIRED if p.default is p.empty else p.default
        default = preset.get(p.name, default)
        found.append(Parameter(p.name, hints.get(p.name, Any), default, owner))
    return tuple(found)


class Registry(Generic[T]):
    """Name → factory mapping for one family of objects.

    ``entry_point_group`` (for example ``"negsim.agents"``) names the entry-point group from
    which other installed packages add factories (see the module's docstring).
    """

    def __init__(self, family: str, entry_point_group: str | None = None) -> None:
        self.family = family
        self.entry_point_group = entry_point_group
        self._factories: dict[str, Callable[..., T]] = {}
        self._summaries: dict[str, str] = {}
        # plugins found but not imported yet; None until entry points were first looked up
        self._plugins: dict[str, metadata.EntryPoint] | None = None

    def find_plugins(self) -> list[str]:
        """Look up the entry points of :attr:`entry_point_group` (again) and return the
        names of the plugins not imported yet; a name already registered is skipped with a
        warning. Called by the first lookup; call it after installing a plugin in a running
        session (a notebook)."""
        _installed_entry_points.cache_clear()
        return self._find()

    def _find(self) -> list[str]:
        found: dict[str, metadata.EntryPoint] = {}
        if self.entry_point_group is not None:
            for point in _installed_entry_points().get(self.entry_point_group, ()):
                if point.name in self._factories or point.name in found:
                    warnings.warn(
                        f"negsim: {_origin(point)} ignored: {self.family} {point.name!r} "
                        "is already registered",
                        stacklevel=2,
                    )
                    continue
                found[point.name] = point
        self._plugins = found
        return list(found)

    def _pending(self) -> dict[str, metadata.EntryPoint]:
        if self._plugins is None:
            self._find()
        assert self._plugins is not None
        return self._plugins

    def _load(self, name: str) -> None:
        """Import the plugin ``name`` and register what its entry point names."""
        point = self._pending()[name]
        try:
            factory = point.load()
        except Exception as error:
            raise NegsimError(
                f"{self.family} {name!r}: {_origin(point)} cannot be imported: "
                f"{type(error).__name__}: {error}"
            ) from error
        if not callable(factory):
            raise NegsimError(
                f"{self.family} {name!r}: {_origin(point)} is a {type(factory).__name__}, "
                "expected a class or a function that makes one"
            )
        del self._pending()[name]
        self.register(name, factory)

    def register(self, name: str, factory: Callable[..., T], summary: str = "") -> None:
        """Make ``factory`` reachable as ``name`` (names are unique)."""
        if not name or name in self._factories or name in (self._plugins or {}):
            raise ValidationError(
                f"{self.family}.{name}", "empty or already registered", "a new name"
            )
        self._factories[name] = factory
        paragraph = (factory.__doc__ or "").strip().split("\n\n")[0]
        self._summaries[name] = summary or " ".join(paragraph.split())

    def unregister(self, name: str) -> None:
        """Remove ``name`` (useful in tests and notebooks)."""
        self._factories.pop(self._check(name))
        self._summaries.pop(name, None)

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

    def factory(self, name: str) -> Callable[..., T]:
        """The factory registered as ``name`` (a class, a preset or a function)."""
        return self._factories[self._check(name)]

    def parameter_specs(self, name: str) -> tuple[Parameter, ...]:
        """The parameters ``name``'s factory takes, with types and defaults (see
        :func:`parameters_of`): what a scenario file may set, read from the class itself
        (:meth:`parameters` gives just the names)."""
        return parameters_of(self.factory(name))

    def summary(self, name: str) -> str:
        """One-line description of ``name``."""
        return self._summaries[self._check(name)]

    def names(self) -> list[str]:
        """Registered names, in registration order, then the plugins not imported yet."""
        return [*self._factories, *self._pending()]

    def _check(self, name: str) -> str:
        if name in self._factories:
            return name
        if name in self._pending():
            self._load(name)
            return name
        raise ValidationError(
            self.family, f"no {self.family} {name!r}", did_you_mean(name, self.names())
        )

    def __contains__(self, name: object) -> bool:
        return name in self._factories or name in self._pending()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._factories) + len(self._pending())


@functools.cache
def _installed_entry_points() -> dict[str, tuple[metadata.EntryPoint, ...]]:
    """The ``negsim.*`` entry points of the installed packages, by group: read once for all
    registries (reading them walks the metadata of every installed distribution). The same
    entry point found twice (a package twice on ``sys.path``) counts once."""
    from importlib import metadata  # only when plugins are looked for: it is slow to import

    found: dict[str, dict[tuple[str, str], metadata.EntryPoint]] = {}
    for dist in metadata.distributions():
        for point in dist.entry_points:
            if point.group.startswith("negsim."):
                found.setdefault(point.group, {}).setdefault((point.name, point.value), point)
    return {group: tuple(points.values()) for group, points in found.items()}


def _origin(point: metadata.EntryPoint) -> str:
    """``entry point 'name = module:attr' of package 'dist'`` (for messages)."""
    package = f" of package {point.dist.name!r}" if point.dist is not None else ""
    return f"entry point {point.name!r} ({point.value}){package}"


def _signature(factory: Callable[..., Any]) -> inspect.Signature | None:
    """The call signature of ``factory`` (a class, function or partial), or ``None`` if
    Python cannot tell (some builtins)."""
    try:
        return inspect.signature(factory)
    except (TypeError, ValueError):
        return None
