"""Progress reporting and cancellation shared by every long task.

A long task is a plain function that takes ``progress`` and ``cancel`` keyword
arguments. It calls ``progress(done, total)`` now and then and
``cancel.raise_if_cancelled()`` between units of work. The GUI runs such a
function in a worker thread and forwards progress as signals; the CLI prints a
line; tests call it synchronously. Nothing here touches any UI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from vigtool.errors import Cancelled

Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """A progress callback that ignores what it is told."""


class CancelToken:
    """Thread-safe flag: set from any thread, checked by the worker."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled; nothing was changed")


NEVER_CANCELLED = CancelToken()
