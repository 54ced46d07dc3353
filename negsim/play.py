"""Play a scenario in the terminal: a person negotiates for one party against the agents.

:func:`play` replaces one party's agent by a :class:`HumanAgent` that asks a person, through
an ``ask`` function (``input`` in the terminal, a script in tests), what to do:

* when the other side proposes, it shows the offer option by option, what it is worth to the
  person's party (discounted to this round), the reservation value to compare it with, and
  the party's red lines or preconditions it breaks; the person answers ``a`` (accept), ``r``
  (reject, then counter when it is their turn) or ``q`` (leave the table);
* when it is the person's turn, it asks for an option on every issue (a number or a label;
  Enter keeps the one shown), then shows what the proposal is worth to the party.

Wrong input is explained and asked again, never a crash; an offer that crosses one of the
party's red lines cannot be accepted. Leaving the table (or the end of the
input) makes the party hold to its best outcome and reject everything for the rest of the
talks. The result is an ordinary :class:`~negsim.scenario.ScenarioRun`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import attrs
import numpy as np

from .agents.base import Agent
from .errors import ValidationError, did_you_mean
from .observation import Observation
from .position import Position
from .rng import resolve_seed
from .scenario import Scenario, ScenarioRun
from .twolevel import Ratification

__all__ = ["HumanAgent", "play"]

Ask = Callable[[str], str]
Say = Callable[[str], Any]


@attrs.frozen(eq=False)
class HumanAgent(Agent):
    """An agent whose decisions a person types (see the module docstring)."""

    name: ClassVar[str] = "human"
    ask: Ask
    say: Say = print
    #: the other parties' names, to say who rejected a proposal
    others: tuple[str, ...] = ()
    #: the party's ratification stage at home, to say what each constituency thinks
    ratification: Ratification | None = None

    def describe(self) -> dict[str, Any]:
        return {"kind": self.name}

    def start(self, obs: Observation) -> None:
        say = self.say
        say(f"You negotiate for {obs.party_name}. Your reservation value (what you get with no")
        say(f"deal) is {obs.reservation:.2f}; your best outcome is worth {obs.best_utility:.2f}.")
        say(f"The talks last at most {obs.n_rounds} rounds. The issues:")
        for issue in obs.space.issues:
            options = ", ".join(f"{j}={label}" for j, label in enumerate(issue.options))
            say(f"  {issue.name}: {options}")
        if isinstance(obs.preferences, Position) and obs.preferences.pressures:
            say("Pressure: a third party that dislikes an outcome lowers what it is worth to you")
            say("(by its displeasure, 0 to 1, times how hard it presses); the lines")
            say("'pressure from ...' below show that cost.")
        if self.ratification is not None:
            say(f"At home, a deal needs support of at least {self.ratification.threshold:.2f}.")

    def _rejected(self, obs: Observation) -> None:
        """Say that the person's last proposal was rejected (the talks went on after it)."""
        mine = obs.memory.get("proposed")
        if mine is not None and mine == obs.round - 1:
            who = " and ".join(self.others) or "the other side"
            self.say(f"{who} {'reject' if len(self.others) > 1 else 'rejects'} your proposal.")
            obs.memory["proposed"] = None

    def _home(self, obs: Observation, outcome: int) -> None:
        """What each constituency at home thinks of ``outcome``, and the verdict."""
        if self.ratification is None:
            return
        for name, support in self.ratification.supports(obs.space, outcome).items():
            self.say(f"  {name}: support {support:.2f}")
        vote = self.ratification.vote(obs.space, outcome, rng=0)
        verdict = (
            "would be ratified"
            if vote.support >= self.ratification.threshold - 1e-12
            else ("would fail ratification")
        )
        self.say(f"  at home: support {vote.support:.2f}: {verdict}")

    def _read(self, prompt: str, obs: Observation) -> str | None:
        if obs.memory.get("left"):
            return None
        while True:
            try:
                return self.ask(prompt).strip()
            except EOFError:
                obs.memory["left"] = True
                self.say("(no more input: you leave the table)")
                return None
            except UnicodeDecodeError:  # bytes the terminal's encoding cannot read
                self.say("  That could not be read as text; please type it again.")

    def respond(self, obs: Observation, offer: int) -> bool:
        say = self.say
        say("")
        self._rejected(obs)
        proposer = obs.history[-1].proposer if len(obs.history) else -1
        who = "the mediator" if proposer < 0 else _name(self.others, obs, proposer)
        say(f"Round {obs.round}: {who} proposes")
        say("  " + obs.space.describe(obs.space.outcome_at(offer)))
        worth = obs.worth(offer)
        say(f"  worth to you now: {_value(worth)} (no deal: {obs.reservation:.2f})")
        if isinstance(obs.preferences, Position):
            for line in obs.preferences.explain(obs.space.outcome_at(offer)):
                say(f"  {line}")
        self._home(obs, offer)
        while True:
            answer = self._read("[a]ccept, [r]eject or [q]uit? ", obs)
            if answer is None:
                return False
            choice = answer.lower()[:1]
            if choice == "a" and answer.lower() in ("a", "accept"):
                if np.isneginf(worth):
                    say("  You cannot accept it: it crosses one of your red lines.")
                    continue
                if worth < obs.reservation:
                    say("  (You accept less than no deal would give you.)")
                return True
            if choice == "r" and answer.lower() in ("r", "reject"):
                return False
            if choice == "q" and answer.lower() in ("q", "quit"):
                obs.memory["left"] = True
                say("You leave the table.")
                return False
            say(f"  '{answer}' is not an answer here: type a, r or q.")

    def propose(self, obs: Observation) -> int:
        if obs.memory.get("left"):
            return obs.best
        say = self.say
        say("")
        self._rejected(obs)
        say(f"Round {obs.round}: your proposal (a number or a label; Enter keeps [the one shown])")
        last = obs.memory.get("last", obs.best)
        chosen = obs.space.outcome_at(last).copy()
        for i, issue in enumerate(obs.space.issues):
            while True:
                current = issue.options[int(chosen[i])]
                answer = self._read(f"  {issue.name} [{current}]: ", obs)
                if answer is None:
                    return int(last)
                if answer == "":
                    break
                try:
                    chosen[i] = _option(issue.options, answer)
                    break
                except ValidationError as error:
                    say(f"  {error}")
        index = int(obs.space.index_of(chosen))
        obs.memory["last"] = index
        obs.memory["proposed"] = obs.round
        say(f"  Your proposal is worth {_value(obs.worth(index))} to you now.")
        if isinstance(obs.preferences, Position):
            for line in obs.preferences.explain(obs.space.outcome_at(index)):
                say(f"  {line}")
        self._home(obs, index)
        return index


def _name(others: tuple[str, ...], obs: Observation, proposer: int) -> str:
    """The name of party ``proposer`` (``others`` lists every party but the person's)."""
    if not others:
        return "the other side"
    rest = [i for i in range(obs.n_parties) if i != obs.party]
    return others[rest.index(proposer)] if proposer in rest else "the other side"


def _value(u: float) -> str:
    return "nothing: it crosses one of your red lines" if np.isneginf(u) else f"{u:.2f}"


def _option(options: tuple[str, ...], answer: str) -> int:
    """The option an answer names: its number (ASCII digits only: ``'²'.isdigit()`` is true
    but ``int('²')`` fails) or its label; a ValidationError otherwise, never a crash."""
    number = answer.lstrip("0") or "0"  # int() refuses strings of over 4,300 digits
    digits = answer.isascii() and answer.isdigit()
    if digits and len(number) <= 9 and int(number) < len(options):
        return int(number)
    if answer in options:
        return options.index(answer)
    if digits:
        shown = answer if len(answer) <= 12 else f"{number[:6]}... ({len(number):,} digits)"
        raise ValidationError(
            "option", f"'{shown}' is not an option", f"a number from 0 to {len(options) - 1}"
        )
    shown = answer if len(answer) <= 40 else answer[:40] + "..."
    hint = did_you_mean(answer, options) if len(answer) <= 200 else "valid: " + ", ".join(options)
    raise ValidationError("option", f"'{shown}' is not an option", hint)


def play(
    scenario: Scenario,
    party: str,
    ask: Ask | None = None,
    say: Say = print,
    seed: int | None = None,
) -> ScenarioRun:
    """Run ``scenario`` with a person (through ``ask``/``say``; default the terminal's
    ``input`` and ``print``) negotiating for ``party`` (a key or name) against its agents.

    Each game draws a fresh seed unless ``seed`` is given; the seed is said at the start and
    recorded in the result, so a game can be replayed."""
    if ask is None:

        def ask(prompt: str) -> str:
            return input(prompt)

    keys = list(scenario.keys)
    names = list(scenario.names)
    if party in keys:
        index = keys.index(party)
    elif party in names:
        index = names.index(party)
    else:
        raise ValidationError("--as", f"no party {party!r}", did_you_mean(party, keys))
    others = tuple(n for i, n in enumerate(names) if i != index)
    human = HumanAgent(ask, say, others, scenario.ratifications[index])
    seed = resolve_seed(seed)
    say(f"Seed {seed} (play the same game again with --seed {seed}).")
    run = scenario.run(seed, agents={keys[index]: human})
    if run.result.agreed and run.result.proposers[-1] == index:
        say(f"{' and '.join(others)} {'accept' if len(others) > 1 else 'accepts'} your proposal.")
    return run
