"""A file pyarrow's streaming CSV reader may read only a few blocks ahead of its consumer.

The reader fetches input on a background thread as fast as it can: for a file of 100 MB
it held the whole file in memory before the first block was tallied. Handed this stream
instead, a fetch waits while the bytes fetched are ``AHEAD`` blocks past the batches taken
(`batches`), so memory stays near a few blocks whatever the file's size. A batch needs a
block or two of input, so the reader always has what it needs for the next one; should a
fetch still wait for ``STALL`` seconds while the consumer waits on the reader, it goes
ahead, so the two can never wait on each other for good. Closing the stream wakes a
waiting fetch, which then reads nothing (end of file).

The fetches run on pyarrow's I/O thread and call into Python. One still running when the
interpreter shuts down cannot take the GIL: the thread is stopped inside C++ and the
process aborts ("terminate called without an active exception", exit 134). That happened
when an error left a reader unfinished (its generator held by the error's traceback, a
fetch waiting for batches no one would take, waking each `STALL`): so at exit, while the
interpreter is whole (`atexit` runs before shutdown begins), every stream still open is
closed first, so its reader fetches the end of its file and stops, and only then does a
collection finish the abandoned readers (the other way round, a reader let go while its
fetches were still running aborted about one exit in 150); and the reader's user closes
its Python file itself (`_columnar`), so the file is never let go on the I/O thread.
"""

from __future__ import annotations

import atexit
import gc
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gapdiag.model._input import open_input
from gapdiag.sources._dialect import quotes_in

AHEAD = 2
"""Blocks of input the reader may hold beyond the batches taken so far."""
STALL = 1.0
"""Seconds a fetch waits, while the consumer waits on the reader, before it goes ahead."""


_OPEN: weakref.WeakSet[Paced] = weakref.WeakSet()
"""Streams not yet closed (closed at exit, see the module docstring)."""
_ALL: weakref.WeakSet[Paced] = weakref.WeakSet()
"""Every stream alive (at exit, each waits for its fetches to be out of Python)."""
SETTLE = 0.05
"""Seconds with no fetch in Python after which a stream is settled (at exit)."""


@atexit.register
def close_all() -> None:
    """Finish abandoned readers and close every stream still open (run at exit)."""
    abandoned = bool(_OPEN)
    for stream in list(_OPEN):  # first: every fetch wakes and reads the end of its file,
        stream.close()  # so the reader stops fetching while it is still whole
    for stream in list(_ALL):  # a woken fetch must be out of Python before shutdown
        stream.settle()
    if abandoned:  # then the readers left unfinished: their generators, if held only by
        gc.collect()  # cycles (an error's traceback), run their `finally` while Python is whole
        for stream in list(_ALL):
            stream.settle()


class Paced:
    """The first `end` bytes of a file, fetched no further than AHEAD blocks ahead."""

    def __init__(self, path: Path, end: int, block: int) -> None:
        self._file = open_input(path, name="export_bytes")
        self._left = end
        self._block = block
        self._taken = 0
        self._waiting = True  # until a batch is taken: opening the reader reads too
        self._done = False
        self._turn = threading.Condition()
        self.position = 0
        """Bytes handed to the reader so far."""
        self.quotes = 0
        """Quotes ('"') in those bytes: an odd count may be a quoted cell never closed."""
        self._fetching = 0  # fetches inside `read` now
        _OPEN.add(self)
        _ALL.add(self)

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes, once the consumer is close enough behind (pyarrow calls this)."""
        with self._turn:
            self._fetching += 1
            try:
                return self._fetch(size)
            finally:
                self._fetching -= 1
                self._turn.notify_all()

    def _fetch(self, size: int) -> bytes:
        """`read`'s work, the condition held."""
        while not self._done and self.position >= (self._taken + AHEAD) * self._block:
            if not self._turn.wait(timeout=STALL) and self._waiting:
                break  # the consumer waits on the reader and nothing moved: go ahead
        if self._done:
            return b""
        data = self._file.read(self._left if size < 0 else min(size, self._left))
        self._left -= len(data)
        self.position += len(data)
        self.quotes += quotes_in(data)
        return data

    def batches(self, reader: Any) -> Iterator[Any]:
        """The reader's record batches, letting it fetch ahead as they are taken."""
        try:
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
                self._signal(waiting=False, taken=1)  # the consumer is busy with a batch
                yield batch
                self._signal(waiting=True)
        finally:
            self.close()

    def _signal(self, *, waiting: bool, taken: int = 0) -> None:
        with self._turn:
            self._waiting = waiting
            self._taken += taken
            self._turn.notify_all()

    def close(self) -> None:
        """Wake any waiting fetch (it reads nothing) and close the file."""
        with self._turn:
            self._done = True
            self._turn.notify_all()
            self._file.close()
        _OPEN.discard(self)

    def settle(self, most: float = 2.0) -> None:
        """Wait (at most `most` seconds) until no fetch has been in `read` for `SETTLE`."""
        deadline = time.monotonic() + most
        with self._turn:
            while time.monotonic() < deadline:
                if self._fetching:
                    self._turn.wait(timeout=SETTLE)
                elif not self._turn.wait(timeout=SETTLE):  # quiet for SETTLE: done
                    return

    @property
    def closed(self) -> bool:
        """Whether the stream is closed (pyarrow asks)."""
        return self._done

    def readable(self) -> bool:
        """A readable stream (pyarrow asks)."""
        return True

    def seekable(self) -> bool:
        """Not seekable: read front to back (pyarrow asks)."""
        return False
