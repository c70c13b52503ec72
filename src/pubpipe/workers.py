"""Parallel builds: how many doit workers, and what a worker does while it has nothing to do.

``doit`` and ``pubpipe build`` run tasks in worker processes by default (``DOIT_CONFIG``
``num_process``; ``doit -n 1`` or ``PUBPIPE_JOBS=1`` for one worker, ``-n 0`` in-process).
A single manuscript's renditions are independent once its JATS exists, so the critical
path of a cold build is JATS, then the PDF (the EPUB and the web page are built beside
it by the other worker).

While the first worker makes the JATS the other one has no task. Instead of waiting
idle it imports WeasyPrint and the PDF stage, parses the C declarations WeasyPrint
allocates and loads the hyphenation dictionaries of the manuscripts' languages (about
a second, a quarter of the PDF's time), so that the PDF task finds them loaded. This
is done by a thread started in each freshly forked worker (``os.register_at_fork``)
that gives way as soon as the worker is given a task of its own: a worker that starts
with a task (every worker of a journal issue does) never warms up, so nothing
competes with real work. The thread only imports modules, parses declarations and
reads dictionaries; nothing is laid out, patched or written by it. A task that needs
a module the thread is still importing waits for that import to finish (Python's
per-module import locks). ``PUBPIPE_WARMUP=0`` turns it off.

Which worker takes the PDF matters, then: doit hands out the tasks a finished task
releases in the order of a ``set`` (``ExecNode.waiting_me``), so the PDF came out
first, second or third at random, and as often as not went to the worker that had
just made the JATS, cold. :func:`install` makes that collection keep insertion
order, so released tasks are dispatched in the order they are declared (the PDF,
the longest, first) and the first one goes to the worker that has been waiting.

A worker also turns SIGTERM (what doit's parent sends its workers when the build is
interrupted) into ``KeyboardInterrupt``, so an output being written is removed rather
than left half-made as a ``.part`` file (:mod:`pubpipe.atomic`), and on Linux asks to be
sent SIGTERM when the process that forked it dies: a ``doit`` killed outright leaves no
worker running on.
"""

from __future__ import annotations

import os
import signal
import threading

MAX_DEFAULT_JOBS = 8  # each worker holds WeasyPrint and a laid-out document (~200-300 MB)
IDLE_GRACE_S = 0.02  # a worker whose first task has not started by then is idle

_languages: set[str] = set()
_registered = False
_task_started = threading.Event()


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_jobs(manuscripts: int) -> int:
    """Worker processes for a build of *manuscripts* folders: ``PUBPIPE_JOBS``, else one per
    CPU, at most three per manuscript (its renditions) and :data:`MAX_DEFAULT_JOBS`.
    0 means doit's in-process runner (no workers)."""
    env = os.environ.get("PUBPIPE_JOBS", "").strip()
    if env.isdigit():
        return int(env)
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        return 0  # doit's workers receive the tasks by fork; pickled (spawn) they would lose their actions
    jobs = min(cpu_count(), 3 * max(manuscripts, 1), MAX_DEFAULT_JOBS)
    return jobs if jobs > 1 else 0


def install(languages: set[str]) -> None:
    """Prepare the workers doit forks from this process (idempotent)."""
    global _registered
    _languages.update(lang for lang in languages if lang)
    if _registered or not hasattr(os, "register_at_fork"):
        return
    os.register_at_fork(after_in_child=_after_fork_in_child)
    _dispatch_in_declared_order()
    _registered = True


class _InsertionOrderedSet(dict):
    """The ``set`` operations doit uses on ``ExecNode.waiting_me`` (add, iterate), in insertion order."""

    def add(self, item) -> None:
        self[item] = None

    def remove(self, item) -> None:
        del self[item]

    def discard(self, item) -> None:
        self.pop(item, None)


def _dispatch_in_declared_order() -> None:
    """Release the tasks waiting on a finished task in the order they were declared (see above)."""
    try:
        from doit.control import ExecNode
    except ImportError:  # pragma: no cover
        return
    original = ExecNode.__init__
    if getattr(original, "__wrapped__", None) is not None:
        return

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if type(getattr(self, "waiting_me", None)) is set and not self.waiting_me:
            self.waiting_me = _InsertionOrderedSet()

    __init__.__wrapped__ = original
    ExecNode.__init__ = __init__


def task_started() -> None:
    """Called at the start of every task action: this process has real work now."""
    _task_started.set()


def _after_fork_in_child() -> None:
    global _task_started
    _task_started = threading.Event()  # the parent's state does not carry over
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
        _terminate_with_parent()
    if os.environ.get("PUBPIPE_WARMUP", "1") != "0":
        threading.Thread(target=_warm_up, args=(_task_started, sorted(_languages)),
                         name="pubpipe-warm-up", daemon=True).start()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _terminate_with_parent() -> None:
    """SIGTERM this process when its parent dies (Linux ``PR_SET_PDEATHSIG``)."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        parent = os.getppid()
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the request was made
            os.kill(os.getpid(), signal.SIGTERM)
    except (OSError, AttributeError):  # pragma: no cover
        pass


def _warm_up(started: threading.Event, languages: list[str]) -> None:
    if started.wait(IDLE_GRACE_S):
        return  # this worker started with a task: leave the CPU to it
    try:
        import weasyprint  # noqa: F401  (cffi declarations, Pango, fontconfig, fontTools: ~0.9 s)
        import pyphen
        from weasyprint.text.ffi import ffi

        from .weasy_patches import FFI_TYPES

        for cdecl in FFI_TYPES:  # parsed once per process, ~6 ms each (cffi caches them, thread-safely)
            ffi.typeof(cdecl)
        from . import manuscript, render_pdf  # noqa: F401  (the stage itself; YAML for the print options)

        for lang in languages:
            fallback = pyphen.language_fallback(lang)  # as WeasyPrint looks it up
            if fallback:
                pyphen.Pyphen(lang=fallback)  # parsed once per process into pyphen's cache
    except Exception:  # noqa: BLE001 - a warm-up never fails a build; the task imports for itself
        return
