"""The command line: a thin layer over public functions.

``negsim run`` runs the built-in demonstration negotiation and prints a round-by-round
account; ``negsim agents`` and ``negsim protocols`` list what is registered. Bad input gets one
clear message and exit code 2, never a traceback; output files are written atomically.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .agents import AGENTS
from .demo import DEMO_TITLE, demo_negotiation
from .errors import NegsimError
from .protocols import PROTOCOLS
from .report import format_analysis, format_result

__all__ = ["main"]

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"negsim: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="negsim",
        description="Simulate negotiation positions: run bargaining rounds and analyse them.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="run the built-in Japan–Russia demonstration negotiation",
        description=(
            "Run the built-in demonstration (Japan–Russia, Nov 2018 – Mar 2019) under\n"
            "alternating offers and print every round, the end and the bargaining analysis."
        ),
        epilog="example:\n  negsim run --seed 7 --japan conceder --russia boulware --out results/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--seed", type=int, default=2018, help="random seed (default 2018)")
    run.add_argument("--rounds", type=int, default=30, help="maximum rounds (default 30)")
    run.add_argument("--japan", default="boulware", metavar="AGENT", help="Japan's agent")
    run.add_argument("--russia", default="boulware", metavar="AGENT", help="Russia's agent")
    run.add_argument(
        "--us-pressure", type=float, default=0.3, metavar="S", help="US pressure in [0, 1]"
    )
    run.add_argument("--out", type=Path, metavar="DIR", help="write result.json and rounds.csv")
    commands.add_parser("agents", help="list the registered agents", description="List agents.")
    commands.add_parser(
        "protocols", help="list the registered protocols", description="List protocols."
    )
    return parser


def _run(args: argparse.Namespace) -> None:
    protocol, parties = demo_negotiation(args.japan, args.russia, args.us_pressure, args.rounds)
    result = protocol.run(parties, rng=args.seed)
    print(format_result(result, DEMO_TITLE))
    print()
    print(format_analysis([p.preferences for p in parties], [p.name for p in parties], result))
    if args.out is not None:
        result.to_json(args.out / "result.json")
        result.to_csv(args.out / "rounds.csv")
        print(f"\nWrote {args.out / 'result.json'} and {args.out / 'rounds.csv'}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``negsim`` command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            _run(args)
        elif args.command == "agents":
            for name in AGENTS:
                print(f"{name:<16} {AGENTS.summary(name)}")
        elif args.command == "protocols":
            for name in PROTOCOLS:
                print(f"{name:<20} {PROTOCOLS.summary(name)}")
        else:
            parser.print_help()
    except BrokenPipeError:  # the reader went away (`negsim run | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except NegsimError as error:
        print(f"negsim: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"negsim: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0
