"""Worker processes for a batch: chunks out, results back in the order they went, and a stop
that never waits on a worker that is gone.

concurrent.futures' ProcessPoolExecutor is not used: its shutdown, after its workers were
terminated, could wait for ever on a result a worker had only half sent (its manager thread
blocked reading the pipe), and so could the interpreter's exit, which joins that thread.
Python 3.14's ``terminate_workers`` mends that; on the Pythons this package supports, a pool
with no thread in this process is the way to an interrupt that always ends the command.
Each worker has a pipe of its own each way. A thread in the worker reads the chunks sent to it
as they come, so this process never blocks sending a chunk while the worker, busy sending a
result, is not reading.
"""

from __future__ import annotations

import contextlib
import pickle  # nosec B403 - results from this package's own worker processes
import queue
import threading
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from typing import Any, Generic, TypeVar

from assess.i18n import _

Task = TypeVar("Task")
Result = TypeVar("Result")

STOP_WAIT = 5.0
"""Seconds a terminated worker has to end before it is killed."""


class WorkerLost(RuntimeError):
    """A worker process ended before it sent back the result of a chunk it was given."""


class _Worker:
    __slots__ = ("process", "results", "tasks", "waiting")

    def __init__(self, process: Any, tasks: Connection, results: Connection) -> None:
        self.process = process
        self.tasks = tasks
        self.results = results
        self.waiting: deque[int] = deque()  # tickets of the chunks sent, oldest first


class Pool(Generic[Task, Result]):
    """``count`` worker processes, each running ``initializer(*args)`` once and then ``work``
    on every task sent to it.

    Use it as a context manager: entering starts the workers (or :meth:`start` them);
    leaving the block normally lets them finish and end; leaving it by an exception (an
    interrupt, SIGTERM raised in this process, a consumer that stops early) terminates them
    at once, and then kills any that has not ended within :data:`STOP_WAIT` seconds.
    """

    def __init__(self, count: int, context: BaseContext, work: Callable[[Task], Result],
                 initializer: Callable[..., None], args: Sequence[Any] = ()) -> None:
        self._count = count
        self._context = context
        self._work = work
        self._initializer = initializer
        self._args = tuple(args)
        self._workers: list[_Worker] = []
        self._order: deque[int] = deque()
        self._done: dict[int, tuple[bool, Any]] = {}
        self._tickets = 0
        self._ended = False

    def start(self) -> None:
        """Start the workers; any that started are stopped if this fails or is interrupted."""
        context = self._context
        forking = context.get_start_method() == "fork"
        try:
            for _number in range(self._count):  # not `_`: the module translates with it
                tasks_in, tasks_out = context.Pipe(duplex=False)
                results_in, results_out = context.Pipe(duplex=False)
                # A forked worker inherits this process's ends of the earlier workers' pipes;
                # it closes them, or a worker would not see its pipe close when this process ends.
                inherited = [end for worker in self._workers for end in (worker.tasks, worker.results)]
                process = context.Process(  # type: ignore[attr-defined]
                    target=_serve, args=(tasks_in, results_out, inherited if forking else [], self._work,
                                         self._initializer, self._args), daemon=True)
                process.start()
                tasks_in.close()
                results_out.close()
                self._workers.append(_Worker(process, tasks_out, results_in))
        except BaseException:
            self.stop()
            raise

    def __enter__(self) -> Pool[Task, Result]:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: object) -> None:
        if kind is None:
            self.close()
        else:
            self.stop()

    @property
    def pids(self) -> list[int]:
        return [worker.process.pid for worker in self._workers]

    @property
    def pending(self) -> int:
        """Tasks sent whose results have not been taken by :meth:`next`."""
        return len(self._order)

    def submit(self, task: Task) -> None:
        """Send ``task`` to the worker with the fewest tasks in hand (the first, on a tie)."""
        worker = min(self._workers, key=lambda each: len(each.waiting))
        try:
            worker.tasks.send(task)
        except OSError as exc:  # its end of the pipe closed: the worker is gone
            raise self._lost(worker) from exc
        ticket = self._tickets
        self._tickets += 1
        worker.waiting.append(ticket)
        self._order.append(ticket)

    def next(self) -> Result:
        """The result of the oldest task whose result has not been taken, waiting for it.

        An exception the task raised in its worker is raised here; a worker that ended
        without answering raises :class:`WorkerLost`."""
        ticket = self._order.popleft()
        while ticket not in self._done:
            busy = {worker.results: worker for worker in self._workers if worker.waiting}
            for ready in wait(list(busy)):
                worker = busy[ready]  # type: ignore[index]
                try:
                    answer = worker.results.recv()
                except (EOFError, OSError) as exc:
                    raise self._lost(worker) from exc
                self._done[worker.waiting.popleft()] = answer
        succeeded, payload = self._done.pop(ticket)
        if not succeeded:
            raise payload
        return payload  # type: ignore[no-any-return]

    def close(self) -> None:
        """Let each worker end once it has done what it was sent, and wait for it."""
        if self._ended:
            return
        self._ended = True
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.tasks.send(None)
        for worker in self._workers:
            worker.tasks.close()
            worker.results.close()
        for worker in self._workers:
            worker.process.join()

    def stop(self) -> None:
        """End the workers now, whatever they are doing: nothing here reads from them again."""
        if self._ended:
            return
        self._ended = True
        for worker in self._workers:
            worker.process.terminate()
        for worker in self._workers:
            worker.tasks.close()
            worker.results.close()
        for worker in self._workers:
            worker.process.join(STOP_WAIT)
            if worker.process.exitcode is None:
                worker.process.kill()
                worker.process.join()

    def _lost(self, worker: _Worker) -> WorkerLost:
        worker.process.join(STOP_WAIT)
        return WorkerLost(_("worker process {pid} ended before it sent back its results (exit code {code})")
                          .format(pid=worker.process.pid, code=worker.process.exitcode))


def _serve(tasks: Connection, results: Connection, inherited: list[Connection], work: Callable[[Any], Any],
           initializer: Callable[..., None], args: tuple[Any, ...]) -> None:
    for end in inherited:
        end.close()
    initializer(*args)
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                task = tasks.recv()
            except (EOFError, OSError):  # the parent closed its end, or ended
                inbox.put(None)
                return
            except Exception as exc:  # noqa: BLE001 - a task that cannot be unpickled: its answer
                inbox.put(_Unreadable(exc))
                continue
            inbox.put(task)
            if task is None:
                return

    threading.Thread(target=read, name="assess-worker-inbox", daemon=True).start()
    while (task := inbox.get()) is not None:
        answer: tuple[bool, Any]
        if isinstance(task, _Unreadable):
            answer = (False, _portable(task.error))
        else:
            try:
                answer = (True, work(task))
            except Exception as exc:  # noqa: BLE001 - raised in the parent, as the task's outcome
                answer = (False, _portable(exc))
        try:
            results.send(answer)
        except OSError:  # the parent closed its end: nobody wants the result
            return
        except Exception as exc:  # noqa: BLE001 - pickling fails before anything is written
            results.send((False, RuntimeError(f"the result could not be sent back: {exc!r}")))


class _Unreadable:
    """A task the worker received but could not unpickle; answered with the error, in turn."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _portable(exc: Exception) -> BaseException:
    """``exc`` itself when it can be pickled; otherwise a RuntimeError with its traceback."""
    try:
        pickle.dumps(exc)
    except Exception:  # noqa: BLE001 - whatever stops it pickling, the text still travels
        return RuntimeError("".join(traceback.format_exception(exc)))
    return exc
