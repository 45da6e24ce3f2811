"""A dependency-free progress bar for long commands (`copy`, `verify`, `bench`).

It redraws one line on a terminal and stays silent otherwise (pipes, CI logs, tests), so command
output stays clean where nobody watches it. Thread-safe: workers of a pool call `advance`.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO


class Progress:
    """`with Progress(total, "copy") as bar: bar.advance()` draws `copy [###    ] 12/40 3.1s`."""

    _WIDTH = 30
    _MIN_INTERVAL_S = 0.1  # redraw at most ten times a second

    def __init__(
        self, total: int, label: str, stream: TextIO | None = None, enabled: bool | None = None
    ) -> None:
        self.total = max(total, 0)
        self.label = label
        self.done = 0
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = self._stream.isatty() if enabled is None else enabled
        self._lock = threading.Lock()
        self._start = time.perf_counter()
        self._last_draw = 0.0

    def __enter__(self) -> Progress:
        self._draw(force=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._draw(force=True)
        if self._enabled:
            self._stream.write("\n")
            self._stream.flush()

    def advance(self, count: int = 1, note: str = "") -> None:
        with self._lock:
            self.done += count
            self._draw(force=self.done >= self.total, note=note)

    def _draw(self, force: bool = False, note: str = "") -> None:
        if not self._enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last_draw < self._MIN_INTERVAL_S:
            return
        self._last_draw = now
        filled = self._WIDTH * self.done // self.total if self.total else self._WIDTH
        bar = "#" * filled + " " * (self._WIDTH - filled)
        line = f"\r{self.label} [{bar}] {self.done}/{self.total} {now - self._start:.1f}s {note}"
        self._stream.write(line[:160].ljust(80))
        self._stream.flush()
