"""negsim.background: a function in a forked child, its result (or exception) collected later,
the same as called here; and ``negsim run``, which uses it, the same with or without forks."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cases import negsim_cli

from negsim import background
from negsim.background import BackgroundFailed, can_fork, start
from negsim.errors import NegsimError
from negsim.outdir import MARKER

forks = pytest.mark.skipif(not can_fork(), reason="forks only on Linux, 2+ cores, one thread")


@pytest.fixture(params=["forked", "here"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test twice: forking where it can, and with NEGSIM_NO_FORK (the work done here)."""
    if request.param == "forked" and not can_fork():
        pytest.skip("cannot fork here")
    if request.param == "here":
        monkeypatch.setenv("NEGSIM_NO_FORK", "1")
    return str(request.param)


def _raise_value_error(text: str) -> None:
    raise ValueError(text)


def _numbers(n: int, scale: float = 1.0) -> list[float]:
    return [scale * k for k in range(n)]


def test_the_result_and_where_it_ran(mode: str) -> None:
    with start(_numbers, 100_000, scale=0.5) as pending:  # larger than a pipe's buffer
        assert (pending.pid is not None) == (mode == "forked")
        assert pending.pid != os.getpid()
        value = pending.result()
    assert value == _numbers(100_000, 0.5)
    assert pending.result() == value  # collected once, kept
    assert pending.pid is None


def test_an_exception_is_raised_by_result_as_if_raised_here(mode: str) -> None:
    with (
        start(_raise_value_error, "bad input") as pending,
        pytest.raises(ValueError, match="bad input") as raised,
    ):
        pending.result()
    assert str(raised.value) == "bad input"
    if mode == "forked":  # its traceback in the child rides along as a note
        (note,) = raised.value.__notes__
        assert "background process" in note
        assert "_raise_value_error" in note


class _Unpicklable(Exception):
    def __init__(self, lock: object) -> None:
        super().__init__("with a lock")
        self.lock = lock

    def __reduce__(self) -> tuple[object, ...]:
        return (_Unpicklable, (self.lock,))


def _raise_unpicklable() -> None:
    raise _Unpicklable(threading.Lock())


def _returns_a_lock() -> object:
    return threading.Lock()


@forks
def test_what_will_not_cross_the_pipe_is_a_clear_error() -> None:
    with start(_raise_unpicklable) as pending, pytest.raises(BackgroundFailed) as raised:
        pending.result()
    assert "_raise_unpicklable" in str(raised.value)  # the child's traceback, as text
    assert isinstance(raised.value, NegsimError)
    with start(_returns_a_lock) as pending, pytest.raises(BackgroundFailed, match="not pickle"):
        pending.result()


def _killed_by(number: int) -> None:
    os.kill(os.getpid(), number)
    time.sleep(10)


@forks
@pytest.mark.parametrize(
    ("number", "said"),
    [
        (signal.SIGKILL, "SIGKILL"),
        (signal.SIGTERM, "SIGTERM"),
        (signal.SIGRTMIN + 1, str(signal.SIGRTMIN + 1)),  # a signal with no name
    ],
)
def test_a_child_that_dies_says_how(number: int, said: str) -> None:
    with start(_killed_by, number) as pending:
        with pytest.raises(BackgroundFailed, match=f"without a result \\(killed by {said}\\)"):
            pending.result()
        with pytest.raises(BackgroundFailed):  # and again: the failure is kept
            pending.result()
    with start(os._exit, 3) as pending, pytest.raises(BackgroundFailed, match="exit code 3"):
        pending.result()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@forks
def test_leaving_without_the_result_kills_and_reaps_the_child() -> None:
    with start(time.sleep, 60) as pending:
        pid = pending.pid
        assert pid is not None
        assert not _gone(pid)
    assert _gone(pid)  # killed and reaped: not even a zombie
    pids = []

    def interrupted() -> None:
        with start(time.sleep, 60) as pending:
            pids.append(pending.pid)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert pids[0] is not None
    assert _gone(pids[0])


def _sleep_then(value: str) -> str:
    time.sleep(0.3)
    return value


@forks
def test_the_child_ignores_ctrl_c_its_parent_decides() -> None:
    with start(_sleep_then, "done") as pending:
        assert pending.pid is not None
        os.kill(pending.pid, signal.SIGINT)
        assert pending.result() == "done"


def test_no_fork_with_another_thread_running_or_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
        with start(_numbers, 3) as pending:
            assert pending.pid is None
            assert pending.result() == [0.0, 1.0, 2.0]
    finally:
        stop.set()
        thread.join()
    monkeypatch.setenv("NEGSIM_NO_FORK", "1")
    assert not can_fork()
    monkeypatch.setenv("NEGSIM_NO_FORK", "")
    monkeypatch.setattr(background.sys, "platform", "darwin")
    assert not can_fork()


def _freeze_count() -> int:
    return gc.get_freeze_count()


@forks
def test_the_child_leaves_what_it_inherits_to_the_parent_and_the_parent_collects_as_before() -> (
    None
):
    assert gc.get_freeze_count() == 0
    with start(_freeze_count) as pending:
        assert gc.get_freeze_count() == 0  # unfrozen here as soon as the child is made
        frozen_in_child = pending.result()
    assert frozen_in_child > 1000  # this test process's objects, frozen in the child's copy
    assert gc.get_freeze_count() == 0


@forks
def test_a_caller_that_froze_its_objects_keeps_them_frozen() -> None:
    gc.freeze()
    try:
        with start(_freeze_count) as pending:
            assert pending.result() > 1000
        assert gc.get_freeze_count() > 1000  # start did not unfreeze what it found frozen
    finally:
        gc.unfreeze()


def test_a_failing_fork_does_the_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_more_processes() -> int:
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(background, "can_fork", lambda: True)
    monkeypatch.setattr(background.os, "fork", no_more_processes)
    with start(_numbers, 2) as pending:
        assert pending.pid is None
        assert pending.result() == [0.0, 1.0]


# --- negsim run: the same account and files, forked or not -----------------------------------
@forks
def test_negsim_run_is_the_same_with_and_without_forks(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.pop("NEGSIM_NO_FORK", None)
    ours, theirs = tmp_path / "forked", tmp_path / "here"
    ours.mkdir()
    theirs.mkdir()
    forked = negsim_cli("run", "--out", "out", env=env, cwd=ours)
    here = negsim_cli("run", "--out", "out", env={**env, "NEGSIM_NO_FORK": "1"}, cwd=theirs)
    assert forked.returncode == here.returncode == 0, forked.stderr + here.stderr
    assert forked.stdout == here.stdout
    assert forked.stderr == here.stderr == ""
    ours, theirs = ours / "out", theirs / "out"
    names = sorted(p.name for p in ours.iterdir() if p.name != MARKER)  # the marker: a time
    assert names == sorted(p.name for p in theirs.iterdir() if p.name != MARKER)
    assert {"why-no-deal.png", "outcome-space.png", "result.json"} <= set(names)
    for name in names:
        assert (ours / name).read_bytes() == (theirs / name).read_bytes(), name


@forks
def test_ctrl_c_during_the_forked_work_stops_everything_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    """SIGINT to the whole process group, as a terminal sends it, while the figures are drawn
    (the first is saved, the largest is being drawn in the child): exit 130, one line, no
    folder, no process left behind."""
    env = {k: v for k, v in os.environ.items() if k != "NEGSIM_NO_FORK"}
    process = subprocess.Popen(
        [sys.executable, "-m", "negsim", "run", "--out", "out"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    deadline = time.monotonic() + 120
    while not any(tmp_path.glob(".out.negsim-*/outcome-space.png")) and time.monotonic() < deadline:
        assert process.poll() is None, "negsim run ended before it could be interrupted"
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip() == "negsim: interrupted"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ProcessLookupError):  # the children too are gone
        os.killpg(process.pid, 0)


def test_negsim_run_in_one_process_in_this_interpreter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same command called as a function with NEGSIM_NO_FORK: the levers and every figure
    done here (what a notebook, with its threads, gets)."""
    from negsim.cli import main

    monkeypatch.setenv("NEGSIM_NO_FORK", "1")
    out = tmp_path / "out"
    assert main(["run", "split-the-pie", "--lever-seeds", "2", "--out", str(out)]) == 0
    assert "What would have changed it (over 2 seeds)" in capsys.readouterr().out
    assert (out / "why-no-deal.png").read_bytes().startswith(b"\x89PNG")
