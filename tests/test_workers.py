"""The worker pool under `assess rank --jobs`: results in the order the chunks went, a task's
error raised where the results are read, and a stop that returns whatever the workers were
doing (a worker killed, one blocked sending a result nobody reads, a read interrupted halfway)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from assess.workers import Pool, WorkerLost

from .conftest import alive

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

BIG = 48 * 1024 * 1024  # far more than a pipe holds: the worker blocks sending it until it is read


class Refused(Exception):
    pass


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("holds a lock")
        self.lock = threading.Lock()


class Interrupted(BaseException):
    pass


def nothing() -> None:
    pass


def explode() -> None:
    raise ValueError("cannot be read in the worker")


class Poison:
    """A task that pickles here and fails to unpickle in the worker."""

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return explode, ()


def work(task: tuple[str, float, int]) -> object:
    kind, pause, value = task
    time.sleep(pause)
    if kind == "refuse":
        raise Refused(f"task {value} refused")
    if kind == "unpicklable":
        raise Unpicklable
    if kind == "big":
        return b"x" * value
    return value


@pytest.fixture(params=["fork", "spawn"])
def context(request: pytest.FixtureRequest) -> multiprocessing.context.BaseContext:
    if request.param not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {request.param} here")
    return multiprocessing.get_context(request.param)


def test_results_come_back_in_the_order_the_tasks_went(context: multiprocessing.context.BaseContext) -> None:
    # the first worker's tasks are slow, the second's quick: the second's results wait their turn
    pauses = [0.2, 0.0, 0.1, 0.0, 0.0, 0.05, 0.0, 0.0]
    with Pool(2, context, work, nothing) as pool:
        for value, pause in enumerate(pauses):
            pool.submit(("value", pause, value))
        got = [pool.next() for _ in pauses]
        assert pool.pending == 0
    assert got == list(range(len(pauses)))


def test_tasks_go_to_the_worker_with_the_fewest_in_hand(context: multiprocessing.context.BaseContext) -> None:
    with Pool(2, context, work, nothing) as pool:
        for value in range(6):
            pool.submit(("value", 0.0, value))
        assert [len(worker.waiting) for worker in pool._workers] == [3, 3]
        assert [pool.next() for _ in range(6)] == list(range(6))


def test_an_error_in_a_task_is_raised_where_its_result_is_read(context: multiprocessing.context.BaseContext) -> None:
    with Pool(1, context, work, nothing) as pool:
        pool.submit(("value", 0.0, 1))
        pool.submit(("refuse", 0.0, 2))
        pool.submit(("unpicklable", 0.0, 3))
        pool.submit(("value", 0.0, 4))
        assert pool.next() == 1
        with pytest.raises(Refused, match="task 2 refused"):
            pool.next()
        with pytest.raises(RuntimeError, match="Unpicklable: holds a lock"):
            pool.next()
        assert pool.next() == 4  # the worker goes on


def test_a_task_the_worker_cannot_read_is_answered_with_the_error(
        context: multiprocessing.context.BaseContext) -> None:
    with Pool(1, context, work, nothing) as pool:
        pool.submit(Poison())  # type: ignore[arg-type]
        pool.submit(("value", 0.0, 2))
        with pytest.raises(ValueError, match="cannot be read in the worker"):
            pool.next()
        assert pool.next() == 2


def test_a_worker_killed_mid_task_is_reported_not_waited_for() -> None:
    with pytest.raises(WorkerLost, match="exit code -9"), Pool(1, multiprocessing.get_context("fork"), work,
                                                                nothing) as pool:
        pool.submit(("value", 30.0, 1))
        time.sleep(0.2)
        os.kill(pool.pids[0], signal.SIGKILL)
        started = time.monotonic()
        try:
            pool.next()
        finally:
            assert time.monotonic() - started < 10
    assert not alive(pool.pids[0])


def test_stopping_does_not_wait_for_a_worker_blocked_sending_a_result() -> None:
    threads = threading.enumerate()
    pool = Pool(2, multiprocessing.get_context("fork"), work, nothing)
    pool.start()
    pool.submit(("big", 0.0, BIG))
    pool.submit(("value", 30.0, 2))
    time.sleep(1.0)  # the first worker is blocked writing, the second asleep
    started = time.monotonic()
    pool.stop()
    assert time.monotonic() - started < 10
    assert not [pid for pid in pool.pids if alive(pid)]
    assert threading.enumerate() == threads  # nothing left in this process to join at exit


def test_a_read_interrupted_halfway_still_stops_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    # What SIGTERM or Ctrl-C does to `assess rank` as a big result streams in: the handler
    # raises mid-read, the worker is left blocked writing the rest.
    read = Connection._recv
    halfway = {"calls": 0}
    here = os.getpid()

    def interrupted(self: Connection, size: int, *args: object) -> object:
        if size <= 8 or os.getpid() != here:  # the message's length, or the worker reading a task
            return read(self, size, *args)
        os.read(self.fileno(), 1024 * 1024)
        halfway["calls"] += 1
        raise Interrupted

    monkeypatch.setattr(Connection, "_recv", interrupted)
    threads = threading.enumerate()
    pool = Pool(1, multiprocessing.get_context("fork"), work, nothing)
    with pytest.raises(Interrupted), pool:
        pool.submit(("big", 0.0, BIG))
        pool.next()
    assert halfway["calls"] == 1
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and alive(pool.pids[0]):
        time.sleep(0.05)
    assert not alive(pool.pids[0])
    assert threading.enumerate() == threads


def test_the_pool_leaves_no_thread_in_this_process(context: multiprocessing.context.BaseContext) -> None:
    before = threading.active_count()
    with Pool(2, context, work, nothing) as pool:
        pool.submit(("value", 0.0, 1))
        assert threading.active_count() == before
        assert pool.next() == 1
    assert not [pid for pid in pool.pids if alive(pid)]
