"""Pure Python work done in a process of its own while this one goes on writing (issue 17 item 6).

An import of a region's return works out its new children's daily figures (``placements.care.daily``) from
records it already holds: seconds of Python that need nothing from the database and write nothing. Forked
before the import's rows are written, a child process works them out on the other core while this process
builds and sends the rows; the result comes back through a pipe when the writer needs it.

The child only computes: it never uses the database connection it inherits, writes nothing, and leaves with
``os._exit`` (no clean-up of what it shares with its parent). It may be forked while the parent's writing thread
(``bulk_insert.writing_behind``) is sending a COPY: only the forking thread goes on in the child, and the child
touches nothing that thread holds (the connection, its queue). If it fails, the parent raises its error where it
asks for the result, inside the writer's transaction, so nothing is written. Where processes cannot be forked,
or the work is small, it is done in this process when asked for.
"""

from __future__ import annotations

import os
import pickle
import signal
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Forking is allowed (tests turn it off or force it).
ENABLED = hasattr(os, "fork")


class WorkAsideFailed(RuntimeError):
    """The process working aside failed; its traceback is the message."""


@contextmanager
def worked_aside(fn: Callable[..., Any], *args, fork: bool = True) -> Iterator[Callable[[], Any]]:
    """``fn(*args)`` worked out in a forked process from now on; yields a function that waits for and returns
    its result (or raises ``WorkAsideFailed``). With ``fork`` false (or forking not possible here), ``fn`` is
    called when the result is asked for. Leaving the block without asking ends the process."""
    if not (fork and ENABLED):
        done: list = []

        def here():
            if not done:
                done.append(fn(*args))
            return done[0]
        yield here
        return

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, hand the result over, leave without any clean-up
        try:
            os.close(read_end)
            try:
                payload = pickle.dumps((True, fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # noqa: BLE001 - everything goes back to the parent
                payload = pickle.dumps((False, traceback.format_exc()))
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)

    os.close(write_end)
    state = {"collected": False}

    def result():
        if not state["collected"]:
            state["collected"] = True
            with os.fdopen(read_end, "rb") as pipe:
                payload = pipe.read()
            os.waitpid(pid, 0)
            if not payload:
                raise WorkAsideFailed("The process working aside ended without a result.")
            state["value"] = pickle.loads(payload)
        ok, value = state["value"]
        if not ok:
            raise WorkAsideFailed(value)
        return value

    result.pid = pid  # the process working aside (for tests)
    try:
        yield result
    finally:
        if not state["collected"]:  # not asked for (the writer failed first): end the process
            state["collected"] = True
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            os.close(read_end)
