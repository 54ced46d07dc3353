"""The command line: a thin layer over public functions.

Every command does what a notebook can do with the library (``load_scenario``,
``Scenario.run``, ``Scenario.analyse``, ``run_sweep``, ``negsim.plots``). Bad input gets one
clear message per problem and exit code 2, never a traceback; Ctrl-C prints one line and
exits with 130. Outputs are written to a staging folder that replaces the output folder only
when everything succeeded (:func:`negsim.outdir.staged_output`); text from user files is
printed through :func:`negsim.io.printable`.

Each command imports what it uses when it runs: building the parser loads no spatial model,
tournament, store or plot, so ``negsim run`` pays for none of them (the choices of
``--model`` and ``--rank-by`` are read from their modules only when a value is checked or
the help printed, :class:`_LazyChoices`).
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import NegsimError
from .io import bundled_folder, printable, write_json_atomic
from .outdir import check_output, staged_output
from .report import (
    format_analysis,
    format_diagnosis,
    format_run,
    format_scenario_analysis,
    format_win_sets,
)
from .scenario import (
    Scenario,
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    parse_override,
)

if TYPE_CHECKING:
    from .registry import Registry

__all__ = ["DEFAULT_SCENARIO", "main"]

EXIT_BAD_INPUT = 2
#: The exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130
#: What ``negsim run`` runs with no scenario: the flagship Kurils scenario.
DEFAULT_SCENARIO = "kurils-2018-2019"
DEFAULT_OUT = Path("negsim-output")
DEFAULT_FORECAST_OUT = Path("negsim-forecast")


class _LazyChoices:
    """The ``choices`` of an argparse option, read by ``load`` on first use: argparse only
    asks whether a value is among them (``in``) or lists them (help, an error message)."""

    def __init__(self, load: Callable[[], Sequence[str]]) -> None:
        self._load = load

    @functools.cached_property
    def _names(self) -> tuple[str, ...]:
        return tuple(self._load())

    def __contains__(self, value: object) -> bool:
        return value in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)


def _lazy_choices(action: argparse.Action, load: Callable[[], Sequence[str]]) -> None:
    """Give ``action`` its choices after ``add_argument`` (which would list them at once, to
    check the metavar), so the help and the checks read them only when needed."""
    action.choices = _LazyChoices(load)


def _model_names() -> Sequence[str]:
    from .spatial import MODELS

    return MODELS.names()


def _ranked_scores() -> Sequence[str]:
    from .tournaments import RANKED

    return RANKED


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _command(
    commands: Any, name: str, summary: str, description: str, example: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def _scenario_arguments(parser: argparse.ArgumentParser, optional: bool) -> None:
    parser.add_argument(
        "scenario",
        nargs="?" if optional else None,
        default=DEFAULT_SCENARIO if optional else None,
        help="a scenario file, or the name of a bundled one (see `negsim list`)"
        + (f"; default {DEFAULT_SCENARIO}" if optional else ""),
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change a value by key path, e.g. --set parties.russia.reservation=0.6 (repeatable)",
    )


def _seed_count(text: str) -> int:
    """An argparse type: a whole number of seeds, 0 up to the levers' limit."""
    from .levers import MAX_SEEDS

    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEEDS:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected a whole number from 0 to {MAX_SEEDS:,}"
        )
    return value


def _names(text: str) -> list[str]:
    """An argparse type: a comma-separated list of names."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"{text!r}: expected names separated by commas")
    return names


def _tournament_seeds(text: str) -> int:
    from .tournaments import MAX_SEEDS

    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_SEEDS:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected a whole number from 1 to {MAX_SEEDS:,}"
        )
    return int(text)


def _workers(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 256:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number from 1 to 256")
    return int(text)


def _lever_seeds(parser: argparse.ArgumentParser, default: int) -> None:
    parser.add_argument(
        "--lever-seeds",
        type=_seed_count,
        default=default,
        metavar="N",
        help=f"seeds per counterfactual lever in the account (default {default}; 0: none)",
    )


def _whole(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number >= 1")
    return value


def _scale_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    """--workers, --dask and --store (negsim.parallel.open_executor, negsim.store)."""
    parser.add_argument(
        "--workers", type=_workers, default=1, metavar="N", help="processes on this machine (1-256)"
    )
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on the Dask cluster whose scheduler is at ADDRESS (pip install 'negsim[dask]')",
    )
    parser.add_argument(
        "--store",
        type=Path,
        metavar="FILE",
        help=f"an SQLite file that keeps the {what} as they finish; rerun to resume",
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="negsim",
        description=(
            "Simulate negotiation positions: run scenario files, analyse them, sweep\n"
            "parameters. With no arguments, `negsim run` runs the flagship Kurils scenario."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    run = _command(
        commands,
        "run",
        "run a scenario and print the rounds",
        "Run a scenario: print every round (who offered what, each party's utility, the\n"
        "responses), how it ended, ratification, and the distance to the Nash point; write\n"
        "result.json, rounds.csv and the plots to the output folder.",
        "negsim run kurils-2018-2019 --seed 7 --set parties.japan.agent=conceder --out out/",
    )
    _scenario_arguments(run, optional=True)
    run.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    run.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help=f"default ./{DEFAULT_OUT}/"
    )
    run.add_argument("--format", choices=("png", "svg"), help="plot format (default: scenario's)")
    run.add_argument("--no-plots", action="store_true", help="write no plots")
    _lever_seeds(run, default=20)

    levers = _command(
        commands,
        "levers",
        "what would have changed the outcome: every counterfactual lever of a scenario",
        "Pull each lever of a scenario in turn (each red line and precondition removed, each\n"
        "third party's pressure off and doubled, ratification eased, reservations lowered,\n"
        "patience, a later deadline, no chance breakdown, a mediator) and report the zone of\n"
        "agreement, the outcomes that could be ratified, and the agreement and deal rates over\n"
        "N seeds beside the baseline; for continuous levers, the smallest change that makes a\n"
        "ratifiable deal possible. Writes levers.json and levers.png.",
        "negsim levers kurils-2018-2019 --seeds 100",
    )
    _scenario_arguments(levers, optional=True)
    levers.add_argument(
        "--seeds", type=_seed_count, default=100, help="runs per lever (default 100)"
    )
    levers.add_argument("--seed", type=int, help="base seed (default: the scenario's)")
    levers.add_argument(
        "--lever", action="append", metavar="NAME", help="only this lever (repeatable)"
    )
    levers.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help=f"default ./{DEFAULT_OUT}/"
    )
    levers.add_argument("--format", choices=("png", "svg"), default="png", help="plot format")
    levers.add_argument("--no-plots", action="store_true", help="write no plot")

    validate = _command(
        commands,
        "validate",
        "check scenario files",
        "Check scenario files and list every problem (file, key path, what was expected).",
        "negsim validate my-scenario.toml kurils-2016",
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="scenario files or names")

    _command(
        commands,
        "list",
        "list the bundled scenarios and actor data sets",
        "List the scenarios and the actor data sets bundled with negsim, one line each, and\n"
        "the folder they are read from (copy one from there to make your own).",
        "negsim list",
    )

    analyze = _command(
        commands,
        "analyze",
        "analyse a scenario without running it",
        "The zone of agreement, the Pareto frontier, the Nash and Kalai-Smorodinsky points\n"
        "(reservation values as disagreement point) and the win-sets, without running.",
        "negsim analyze kurils-2020-2022",
    )
    _scenario_arguments(analyze, optional=False)

    sweep = _command(
        commands,
        "sweep",
        "run a scenario over a grid or a sample of any number of parameters",
        "Run a scenario at every point of a grid of parameters (or at points sampled from\n"
        "their ranges: --sample lhs|random), several seeds each; print the rates with 95%\n"
        "intervals; write sweep.csv (one row per point), runs.csv (one row per run) and a plot\n"
        "(lines for one parameter, a heatmap or scatter for two). --workers or --dask run it\n"
        "in parallel; --store keeps every run as it finishes, so the same command resumes.",
        "negsim sweep kurils-2018-2019 --param parties.japan.pressures.united_states=0:1:11"
        " --workers 2 --store runs.sqlite",
    )
    _scenario_arguments(sweep, optional=False)
    sweep.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=START:STOP:STEPS",
        help="a parameter and its grid (repeatable; with --sample: KEY=LOW:HIGH; default: the"
        " scenario's [[sweeps]])",
    )
    sweep.add_argument(
        "--sample",
        choices=("lhs", "random"),
        help="sample points from the --param ranges (Latin hypercube or uniform) instead of a grid",
    )
    sweep.add_argument(
        "--samples", type=_whole, default=20, metavar="N", help="points to sample (default 20)"
    )
    sweep.add_argument("--seeds", type=int, default=5, help="runs per point (default 5)")
    sweep.add_argument("--seed", type=int, help="base seed (default: the scenario's)")
    _scale_arguments(sweep, "runs")
    sweep.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help=f"default ./{DEFAULT_OUT}/"
    )
    sweep.add_argument("--format", choices=("png", "svg"), default="png", help="plot format")

    contest = _command(
        commands,
        "tournament",
        "play agents against each other over scenarios and seeds, and rank them",
        "Play every assignment of the agents to each scenario's parties (both role orders),\n"
        "once per seed; print the ranking (mean scores with bootstrap intervals over the\n"
        "seeds) and how stable it is across seeds; write negotiations.csv (one row per\n"
        "negotiation), ranking.csv, tournament.json and ranking.png. --store keeps every\n"
        "negotiation as it finishes, so the same command resumes.",
        "negsim tournament --agents boulware,conceder,linear --scenarios kurils-2016,"
        "split-the-pie --seeds 10 --store runs.sqlite",
    )
    contest.add_argument(
        "--agents",
        type=_names,
        default=None,
        metavar="A,B,...",
        help="registered agent names, comma-separated (default: every registered agent)",
    )
    contest.add_argument(
        "--scenarios",
        type=_names,
        default=None,
        metavar="S,T,...",
        help="scenario files or bundled names, comma-separated (default: every bundled one)",
    )
    contest.add_argument(
        "--seeds", type=_tournament_seeds, default=5, metavar="N", help="seeds (default 5)"
    )
    contest.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    contest.add_argument("--self-play", action="store_true", help="let an agent meet itself")
    rank_by = contest.add_argument(
        "--rank-by", default="utility", help="the score that ranks (default utility)"
    )
    _lazy_choices(rank_by, _ranked_scores)
    _scale_arguments(contest, "negotiations")
    contest.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help=f"default ./{DEFAULT_OUT}/"
    )
    contest.add_argument("--format", choices=("png", "svg"), default="png", help="plot format")
    contest.add_argument("--no-plots", action="store_true", help="write no plot")

    play = _command(
        commands,
        "play",
        "negotiate yourself, in the terminal, against the scenario's agents",
        "Take the place of one party: see each offer and what it is worth to you, accept,\n"
        "reject, counter or quit; at the end, the same summary and plots as `negsim run`.",
        "negsim play kurils-2018-2019 --as japan",
    )
    _scenario_arguments(play, optional=True)
    play.add_argument("--as", dest="party", required=True, metavar="PARTY", help="your party")
    play.add_argument("--seed", type=int, help="random seed (default: the scenario's)")
    play.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help=f"default ./{DEFAULT_OUT}/"
    )
    play.add_argument("--format", choices=("png", "svg"), help="plot format (default: scenario's)")
    play.add_argument("--no-plots", action="store_true", help="write no plots")
    _lever_seeds(play, default=20)

    forecast = _command(
        commands,
        "forecast",
        "forecast with a spatial model (BDM, KTAB, Stokman) from actor data",
        "Run a spatial forecasting model on an actor table (KTAB or BDM CSV, or a bundled\n"
        "data set such as kurils-actors-2018-2019): print the round-by-round table and, with\n"
        "--montecarlo, how the forecast spreads when the inputs are perturbed; write\n"
        "forecast.json, positions.csv, forecasts.csv (and moves.csv, montecarlo.json,\n"
        "montecarlo.csv) and plots to the output folder. A Monte Carlo run warns when its\n"
        "band excludes the unperturbed forecast and says why (tied positions split, a\n"
        "discontinuous model); --keep-ties keeps tied actors together.",
        "negsim forecast kurils-actors-2018-2019 --model bdm --rounds 10 --montecarlo 200",
    )
    forecast.add_argument("file", metavar="FILE", help="an actor CSV file or a bundled data set")
    _lazy_choices(forecast.add_argument("--model", default="bdm", help="default bdm"), _model_names)
    forecast.add_argument("--rounds", type=int, default=10, help="rounds to run (default 10)")
    forecast.add_argument(
        "--montecarlo", type=int, default=0, metavar="N", help="perturbed draws (default 0: none)"
    )
    forecast.add_argument("--seed", type=int, default=0, help="Monte Carlo seed (default 0)")
    forecast.add_argument(
        "--keep-ties",
        action="store_true",
        help="Monte Carlo: actors who share a position move together (one draw per group)",
    )
    forecast.add_argument(
        "--what-if",
        action="store_true",
        help="rerun with each of the 3 weightiest actors moved along each scale (11 points)",
    )
    forecast.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a model option, e.g. --option probability=pair (repeatable)",
    )
    _scale_arguments(forecast, "Monte Carlo draws")
    forecast.add_argument(
        "--out", type=Path, default=DEFAULT_FORECAST_OUT, metavar="DIR",
        help=f"default ./{DEFAULT_FORECAST_OUT}/",
    )  # fmt: skip
    forecast.add_argument("--format", choices=("png", "svg"), default="png", help="plot format")
    forecast.add_argument("--no-plots", action="store_true", help="write no plots")

    convert = _command(
        commands,
        "convert",
        "convert a scenario between TOML, GENIUS and GeniusWeb",
        "Convert a scenario file, a bundled scenario or a folder of GENIUS or GeniusWeb files\n"
        "to a TOML file (OUT ends in .toml) or to a folder of GENIUS XML or GeniusWeb JSON\n"
        "files (--to). The output is written whole or not at all; notes say what the\n"
        "conversion normalised or approximated.",
        "negsim convert path/to/genius-folder england-zimbabwe.toml",
    )
    convert.add_argument("source", metavar="IN", help="a .toml file, a bundled name or a folder")
    convert.add_argument("target", metavar="OUT", help="a .toml file or an output folder")
    convert.add_argument(
        "--to", choices=("toml", "genius", "geniusweb"), help="format of OUT (default: from .toml)"
    )

    _command(commands, "agents", "list the registered agents", "List agents.", "negsim agents")
    _command(
        commands,
        "protocols",
        "list the registered protocols",
        "List protocols.",
        "negsim protocols",
    )
    return parser


# --- helpers ---------------------------------------------------------------------------------
def _load(args: argparse.Namespace) -> Scenario:
    scenario = load_scenario(args.scenario)
    overrides = dict(parse_override(item) for item in args.set)
    scenario = scenario.with_overrides(overrides) if overrides else scenario
    notes = list(scenario.notices)
    if Path(args.scenario).is_dir() and args.scenario not in bundled_scenarios():
        # what reading GENIUS / GeniusWeb files normalised
        from .formats.model import reading_notes

        notes += reading_notes(scenario.data)
    for notice in notes:
        print(f"negsim: note: {printable(notice)}", file=sys.stderr)
    return scenario


def _progress_bar(unit: str) -> Callable[[int, int], None]:
    """A progress callback that draws ``[####....] done/total unit`` on standard error."""

    def draw(done: int, total: int) -> None:
        width = 30
        filled = round(width * done / total)
        print(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {unit}",
            end="\n" if done == total else "",
            file=sys.stderr,
            flush=True,
        )

    return draw


_progress = _progress_bar("runs")
_negotiations = _progress_bar("negotiations")


# --- commands --------------------------------------------------------------------------------
def _run(args: argparse.Namespace) -> None:
    check_output(args.out)
    scenario = _load(args)
    _report(scenario, scenario.run(args.seed), args)


def _play(args: argparse.Namespace) -> None:
    from .play import play

    check_output(args.out)
    scenario = _load(args)
    run = play(scenario, args.party, seed=args.seed)
    print()
    _report(scenario, run, args)


def _report(scenario: Scenario, run: Any, args: argparse.Namespace) -> None:
    """What `run` and `play` print and write: the rounds, the analysis, why no deal and what
    would have changed it.

    The levers are evaluated on the other core (:mod:`negsim.background`) while this one
    prints the rounds and imports matplotlib; the result is the same as evaluated here.
    """
    from .background import start
    from .diagnosis import diagnose
    from .levers import evaluate_levers

    levers = None
    if args.lever_seeds > 0:
        levers = start(evaluate_levers, scenario, seeds=args.lever_seeds, rng=run.result.seed)
    with levers or nullcontext():
        print(format_run(scenario, run))
        print()
        print(format_analysis(scenario.preferences, scenario.names, run.result))
        win_sets = format_win_sets(scenario)
        if win_sets:
            print(win_sets)
        diagnosis = diagnose(scenario, run)
        if not args.no_plots:
            from . import plots  # matplotlib, while the levers are evaluated
        report = None if levers is None else levers.result()
    print()
    print(format_diagnosis(diagnosis, report))
    with staged_output(args.out) as staging:
        record = run.to_dict(diagnosis, report)
        write_json_atomic(staging / "result.json", record)
        run.result.to_csv(staging / "rounds.csv")
        written = ["result.json", "rounds.csv"]
        if not args.no_plots:
            with plots.plain_text():
                fmt = args.format or scenario.plots.get("format", "png")
                written += _plots(scenario, run, staging, fmt, diagnosis, report)
    print(f"\nWrote {', '.join(written)} to {args.out}/")


def _levers(args: argparse.Namespace) -> None:
    from .levers import evaluate_levers

    check_output(args.out)
    scenario = _load(args)
    report = evaluate_levers(scenario, args.lever, seeds=args.seeds, rng=args.seed)
    print(printable(scenario.title))
    print("=" * len(scenario.title))
    print(printable("\n".join(report.lines())))
    with staged_output(args.out) as staging:
        write_json_atomic(staging / "levers.json", report.to_dict())
        written = ["levers.json"]
        if not args.no_plots:
            from . import plots

            with plots.plain_text():
                ax = plots.levers(report, scenario.title)
                plots.save_figure(ax.figure, staging / f"levers.{args.format}")
            written.append(f"levers.{args.format}")
    print(f"\nWrote {', '.join(written)} to {args.out}/")


def _plots(
    scenario: Scenario,
    run: Any,
    folder: Path,
    fmt: str,
    diagnosis: Any,
    report: Any,
) -> list[str]:
    """The scenario's plots, then why-no-deal (the funnel and the levers), always."""
    from . import plots  # pyplot only when plots are drawn
    from .background import start
    from .protocols.base import target_curves

    kinds = scenario.plots.get("kinds", ["outcome-space", "concessions", "win-sets"])
    found = scenario.analyse()
    drawn: dict[str, Callable[[], Any]] = {
        "outcome-space": lambda: plots.outcome_space(
            found.U, scenario.names, found.reservations, run.result, scenario.title
        ),
        "concessions": lambda: plots.concessions(
            run.result,
            scenario.title,
            preferences=scenario.preferences,
            targets=target_curves(scenario.protocol, scenario.parties),
        ),
        "win-sets": lambda: plots.win_sets(
            found.U,
            scenario.names,
            found.win_sets,
            f"{scenario.title}: win-sets",
            reservations=found.reservations,
        ),
    }
    why = f"why-no-deal.{fmt}"
    names = []
    # the largest figure on the other core (negsim.background), the others here meanwhile
    with start(_save_why_no_deal, diagnosis, report, scenario.title, folder / why) as drawing:
        for kind in kinds:
            if kind == "win-sets" and all(r is None for r in scenario.ratifications):
                continue
            ax = drawn[kind]()
            name = f"{kind}.{fmt}"
            plots.save_figure(ax.figure, folder / name)
            names.append(name)
        drawing.result()
    return [*names, why]


def _save_why_no_deal(diagnosis: Any, report: Any, title: str, path: Path) -> None:
    from . import plots

    plots.save_figure(plots.why_no_deal(diagnosis, report, title), path)


def _validate(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        try:
            scenario = load_scenario(name)
        except ScenarioError as error:
            failed += 1
            for problem in error.problems:
                print(printable(problem.format(error.source)), file=sys.stderr)
            continue
        print(
            printable(
                f"{name}: ok — {scenario.title} ({_plural(scenario.space.n_issues, 'issue')}, "
                f"{scenario.space.size:,} outcomes, parties: {', '.join(scenario.names)})"
            )
        )
    return EXIT_BAD_INPUT if failed else 0


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _list() -> None:
    from . import spatial

    for name, path in bundled_scenarios().items():
        scenario = load_scenario(path)
        period = f" [{scenario.period}]" if scenario.period else ""
        print(f"{name:<24} {scenario.title}{period}")
    print("\nActor data sets, for `negsim forecast`:")
    for name in spatial.bundled_actor_data():
        data = spatial.load_actor_data(name)
        print(f"{name:<24} {data.n_actors} actors on {', '.join(data.dimensions)}")
    print(f"\nThe files are in {bundled_folder()}")


def _list_registry(registry: Registry[Any], width: int) -> None:
    """One line per registered name; a plugin that cannot be imported says why."""
    for name in registry:
        try:
            summary = registry.summary(name)
        except NegsimError as error:
            summary = f"(not usable: {error})"
        print(printable(f"{name:<{width}} {summary}"))


def _analyze(args: argparse.Namespace) -> None:
    print(format_scenario_analysis(_load(args)))


def _convert(args: argparse.Namespace) -> None:
    from .formats.folder import convert, target_format

    try:
        kind = target_format(args.target, args.to)
    except ValueError as error:
        raise NegsimError(str(error)) from None
    if kind != "toml":
        check_output(args.target)
    for note in convert(args.source, args.target, kind):
        print(f"negsim: note: {printable(note)}", file=sys.stderr)
    print(printable(f"Wrote {args.target} ({kind})"))


def _option(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise NegsimError(f"--option {text!r}: expected KEY=VALUE, e.g. probability=pair")
    for kind in (int, float):
        try:
            return key.strip(), kind(value)
        except ValueError:
            pass
    return key.strip(), value.strip()


def _forecast(args: argparse.Namespace) -> None:
    from . import spatial
    from .parallel import ExecutorFailed, open_executor
    from .spatial.report import format_forecast, write_forecast
    from .store import StoreError

    check_output(args.out)
    data = spatial.load_actor_data(args.file)
    model = spatial.make_model(args.model, **dict(_option(o) for o in args.option))
    if args.store is not None and not args.montecarlo:
        raise NegsimError("--store keeps Monte Carlo draws: give --montecarlo N too")
    try:
        result = model.run(data, args.rounds)
        montecarlo = None
        with open_executor(args.workers, args.dask) as executor:
            if args.montecarlo:
                montecarlo = spatial.monte_carlo(
                    data,
                    model,
                    args.rounds,
                    args.montecarlo,
                    perturbation=spatial.Perturbation(keep_ties=args.keep_ties),
                    rng=args.seed,
                    executor=executor,
                    store=args.store,
                )
            what_ifs: tuple[spatial.WhatIf, ...] = ()
            if args.what_if:
                what_ifs = tuple(
                    spatial.what_if(data, model, dimension=k, rounds=args.rounds, executor=executor)
                    for k in range(data.n_dimensions)
                )
    except (StoreError, ExecutorFailed):  # about the store or the executor, not the model
        raise
    except NegsimError as error:  # the model cannot use these data: name the file
        raise NegsimError(f"{args.file}: model {args.model}: {error}") from None
    print(format_forecast(result, montecarlo, what_ifs))
    with staged_output(args.out) as staging:
        written = write_forecast(
            staging, result, montecarlo, args.format, not args.no_plots, what_ifs
        )
    print(f"\nWrote {', '.join(written)} to {args.out}/")


def _sweep(args: argparse.Namespace) -> None:
    from . import plots
    from .parallel import open_executor
    from .sweep import grid, parse_bounds, parse_range, run_sweep, sample, scenario_sweeps

    check_output(args.out)
    scenario = _load(args)
    seed = args.seed if args.seed is not None else scenario.seed
    if args.store is not None and seed is None:
        raise NegsimError(f"--store {args.store}: a store resumes one sweep: give --seed too")
    if args.sample:
        if not args.param:
            raise NegsimError("--sample: give the ranges to sample, --param KEY=LOW:HIGH")
        ranges = [parse_bounds(text) for text in args.param]
        design = sample(ranges, args.samples, args.sample, rng=seed)
    else:
        design = grid([parse_range(text) for text in args.param] or scenario_sweeps(scenario))
    with open_executor(args.workers, args.dask) as executor:
        result = run_sweep(
            scenario,
            design,
            args.seeds,
            seed,
            progress=_progress,
            executor=executor,
            store=args.store,
        )
    print(printable(result.table()))
    with staged_output(args.out) as staging:
        result.to_csv(staging / "sweep.csv")
        result.runs_csv(staging / "runs.csv")
        written = ["sweep.csv", "runs.csv"]
        if len(design.params) <= 2:
            with plots.plain_text():
                ax = plots.sweep(result, f"{scenario.title}: sweep")
                plots.save_figure(ax.figure, staging / f"sweep.{args.format}")
            written.append(f"sweep.{args.format}")
    stored = f"; every run is in {args.store}" if args.store is not None else ""
    print(f"Wrote {', '.join(written)} to {args.out}/{stored}")


def _tournament(args: argparse.Namespace) -> None:
    from .agents import AGENTS
    from .parallel import open_executor
    from .tournaments import ranking_stability, tournament

    check_output(args.out)
    agents = args.agents or AGENTS.names()
    scenarios = args.scenarios or list(bundled_scenarios())
    with open_executor(args.workers, args.dask) as executor:
        result = tournament(
            agents, scenarios, args.seeds, args.seed, self_play=args.self_play,
            executor=executor, progress=_negotiations, store=args.store,
        )  # fmt: skip
    table = result.ranking(by=args.rank_by)
    print(
        printable(
            f"{result.n_negotiations:,} negotiations: {len(result.agents)} agents, "
            f"{len(result.scenarios)} scenarios ({', '.join(result.scenarios)}), "
            f"{result.n_seeds} seeds from seed {result.seed}; "
            f"{100 * result.agreement_rate:.1f}% agreed"
        )
    )
    print(printable("\n".join(table.lines())))
    if result.n_seeds >= 2:
        stability = ranking_stability(result, by=args.rank_by)
        print(
            f"\nStability across seeds: Kendall tau between the rankings of two disjoint halves"
            f" of the seeds ({stability.halves} each, {len(stability.taus)} random splits):"
            f" mean {stability.mean:.3f}, min {stability.min:.3f};"
            f" identical order in {100 * stability.identical:.0f}% of splits"
        )
    with staged_output(args.out) as staging:
        result.to_csv(staging / "negotiations.csv")
        table.to_csv(staging / "ranking.csv")
        result.to_json(staging / "tournament.json")
        written = ["negotiations.csv", "ranking.csv", "tournament.json"]
        if not args.no_plots:
            from . import plots

            with plots.plain_text():
                ax = plots.ranking(table, "Tournament: " + ", ".join(result.scenarios))
                plots.save_figure(ax.figure, staging / f"ranking.{args.format}")
            written.append(f"ranking.{args.format}")
    stored = f"; every negotiation is in {args.store}" if args.store is not None else ""
    print(f"\nWrote {', '.join(written)} to {args.out}/{stored}")


def command() -> int:
    """The ``negsim`` command (its console script and ``python -m negsim``): :func:`main` on
    the process's arguments, returning its exit code.

    Before the process ends, every object still alive is frozen (:func:`gc.freeze`), so the
    interpreter's last garbage collection at exit does not walk them all again: after a
    ``negsim run`` with its figures (matplotlib's objects) that walk took about 0.12 s of
    nothing useful. Only the cyclic collector is affected: files are closed, finalisers and
    ``atexit`` handlers run as usual. Library callers of :func:`main` (tests, notebooks) keep
    their collector untouched.
    """
    code = main()
    gc.freeze()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``negsim`` command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            _run(args)
        elif args.command == "play":
            _play(args)
        elif args.command == "levers":
            _levers(args)
        elif args.command == "validate":
            return _validate(args)
        elif args.command == "list":
            _list()
        elif args.command == "analyze":
            _analyze(args)
        elif args.command == "sweep":
            _sweep(args)
        elif args.command == "forecast":
            _forecast(args)
        elif args.command == "convert":
            _convert(args)
        elif args.command == "tournament":
            _tournament(args)
        elif args.command == "agents":
            from .agents import AGENTS

            _list_registry(AGENTS, 16)
        elif args.command == "protocols":
            from .protocols import PROTOCOLS

            _list_registry(PROTOCOLS, 20)
        else:
            parser.print_help()
    except BrokenPipeError:  # the reader went away (`negsim run | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:  # Ctrl-C: the staged output is already discarded
        print("\nnegsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ScenarioError as error:
        for problem in error.problems:
            print(f"negsim: {printable(problem.format(error.source))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (NegsimError, OSError) as error:
        print(f"negsim: error: {printable(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0
