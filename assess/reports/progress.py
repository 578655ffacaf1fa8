"""Progress on long work, through tqdm: count, total, rate and time left, on standard
error only when it is a terminal (a log file or a pipe gets nothing)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TypeVar

T = TypeVar("T")


def count_units(paths: Sequence[str]) -> int | None:
    """How many units the inputs hold, by counting files and JSONL lines without parsing
    them; None for standard input."""
    total = 0
    for raw in paths:
        path = Path(raw)
        if raw == "-":
            return None
        if path.is_dir():
            total += sum(1 for _ in path.glob("*.json"))
        elif path.suffix == ".jsonl":
            try:
                with path.open("rb") as stream:
                    total += sum(1 for line in stream if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total


class Progress:
    """Bars on one stream, shown only when it is a terminal."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.enabled = stream.isatty()

    def track(self, items: Iterable[T], total: int | None, what: str) -> Iterator[T]:
        if not self.enabled:
            yield from items
            return
        from tqdm import tqdm  # only a terminal shows bars: a command's start does not wait for tqdm

        with tqdm(items, total=total, desc=f"assess: {what}", unit="个", file=self.stream, dynamic_ncols=True,
                  mininterval=0.5) as bar:
            yield from bar
