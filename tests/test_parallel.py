"""negsim.parallel: ordered chunked maps on any executor, and a failing chunk's error."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from negsim.display import MAX_REPR, html_table, short_repr
from negsim.parallel import ExecutorFailed, default_chunksize, imap_chunks, map_ordered


def _square(x: int) -> int:
    return x * x


def _fail_on_seven(x: int) -> int:
    if x == 7:
        raise RuntimeError("seven")
    return x


@pytest.mark.parametrize("chunksize", [None, 1, 3, 100])
def test_results_in_task_order_on_a_process_pool(chunksize: int | None) -> None:
    with ProcessPoolExecutor(2) as pool:
        assert map_ordered(_square, range(23), pool, chunksize) == [x * x for x in range(23)]


def test_serial_and_thread_pool_agree() -> None:
    with ThreadPoolExecutor(3) as pool:
        assert map_ordered(_square, range(50), pool) == map_ordered(_square, range(50))


def test_chunks_cover_every_task_once() -> None:
    starts = sorted(start for start, _ in imap_chunks(_square, list(range(10)), chunksize=4))
    assert starts == [0, 4, 8]


def test_a_failing_chunk_names_its_tasks() -> None:
    with ThreadPoolExecutor(2) as pool, pytest.raises(ExecutorFailed, match=r"tasks 6\.\.8.*seven"):
        map_ordered(_fail_on_seven, range(12), pool, chunksize=3)


def test_default_chunksize_is_about_four_chunks_a_worker() -> None:
    with ThreadPoolExecutor(2) as pool:
        assert default_chunksize(800, pool) == 100
        assert default_chunksize(3, pool) == 1
    assert default_chunksize(0, None) == 1


def test_empty_task_list() -> None:
    assert map_ordered(_square, []) == []


def test_bad_chunksize() -> None:
    with pytest.raises(ValueError, match="chunksize"):
        map_ordered(_square, [1], chunksize=-1)


def test_short_repr_is_short_and_html_escapes() -> None:
    assert len(short_repr("X", a="y" * 1000, b=list(range(1000)), c=1.23456789)) <= MAX_REPR
    assert "1.235" in short_repr("X", c=1.23456789)
    assert "&lt;script&gt;" in html_table(["<script>"], [])
