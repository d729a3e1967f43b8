"""Cross-region comparative analytics for Chinese health-reform policy documents."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
MANIFEST = RAW_DIR / "documents.yml"

# Below this many documents a pool of fresh worker processes costs more (starting, importing,
# sending tables) than it saves: documents are read and shared wording found in the build's own
# process, and a second core, if any, gets a forked copy of it (`beside`) for the topic coding and
# the table files.
PARALLEL_FROM = 16


def in_parallel(jobs: int, n_docs: int) -> bool:
    """Whether a stage given `jobs` processes runs work in processes of its own for `n_docs` documents."""
    return jobs > 1 and n_docs >= PARALLEL_FROM


def cores() -> int:
    """The cores this process may run on."""
    import os

    return max(1, len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether `beside` forks: on Linux (macOS's system libraries are not safe to use in a forked copy)."""
    import multiprocessing
    import sys

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class beside:
    """`fn(*args)` run in a forked copy of this process while this one goes on: nothing is sent to
    it (it has this process's memory, copied only where written), its result comes back pickled.
    `result()` waits for it, raising what it raised; leaving the `with` block ends it, at once when
    the caller failed. For the small inputs it is used with (a few documents' tables) a fork takes
    a few milliseconds, where a fresh process would spend half a second importing pandas.

    With `inbox`, the copy is started before its input exists, and may do several jobs: it runs
    `fn(receive, reply, *args)`; `receive()` returns the next value this process hands it with
    `send` (pickled, sent by a thread, so this process goes on while the copy is still busy), and
    `reply(value)` is what the next `result()` here returns, the copy going on; its return value
    is the last result."""

    def __init__(self, fn, *args, inbox: bool = False):
        import gc
        import multiprocessing
        import sys

        for stream in (sys.stdout, sys.stderr):     # else the copy would print this process's unflushed output again
            stream.flush()
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._inbox = self._sending = receive = None
        if inbox:
            receive, self._inbox = context.Pipe(duplex=False)
            self._sending = _Outbox(self._inbox)
        # the copy closes this process's ends of the pipes first: else, this process killed, a copy
        # waiting in receive() would hold a writer of its own inbox and never see its end
        parents = (self._receive, self._inbox)
        self._process = context.Process(target=_run_beside, args=(send, fn, args, parents, receive), daemon=True)
        # the objects of this moment frozen before the fork: neither process's collector walks them
        # again (in the copy a pass would write the header of every object it visits, copying
        # their pages), and this one's young generations start empty; 0.1 s of the five
        # documents' build. They stay frozen here too: what lives at a fork lives on (freed
        # as ever when no longer referenced; only a cycle among them would wait for the exit)
        gc.freeze()
        self._process.start()
        send.close()
        if inbox:
            receive.close()

    def send(self, value) -> None:
        """Hand `value` to the copy's next `receive()` (`_Outbox`: this process goes on while the
        copy is still busy)."""
        self._sending.send(value)

    def result(self):
        try:
            kind, value = self._receive.recv()
        except EOFError:        # it died without a word: killed, or out of memory
            self._process.join()
            raise RuntimeError(f"the side process ended (exit code {self._process.exitcode}) before its result") from None
        if kind == "reply":
            return value
        self._process.join()
        if kind == "done":
            return value
        raise value

    def __enter__(self):
        return self

    def __exit__(self, *failed):
        self.end()
        if self._sending is not None:
            self._sending.join()    # the copy is gone: a write still waiting fails at once
        for pipe in (self._receive, self._inbox):
            if pipe is not None:
                pipe.close()

    def end(self) -> None:
        """End the copy now (at once if it is still working) and wait until it has."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


class _Outbox:
    """Values sent down a pipe in order by a thread, so the sender goes on while the reader is
    busy (a pipe holds 64 KB: a larger value would block the sender until the other side reads).
    Pickled in the caller's thread: a thread pickling beside this one's Python would wait for the
    interpreter."""

    def __init__(self, conn):
        self._conn = conn
        self._last = None

    def send(self, value) -> None:
        import threading
        from multiprocessing.reduction import ForkingPickler

        data = bytes(ForkingPickler.dumps(value))

        def post(before):
            if before is not None:      # one message after the other on the pipe
                before.join()
            try:
                self._conn.send_bytes(data)
            except OSError:     # the other side is gone; its end says how
                pass

        self._last = threading.Thread(target=post, args=(self._last,), daemon=True)
        self._last.start()

    def join(self) -> None:
        """Wait until everything sent is written."""
        if self._last is not None:
            self._last.join()


def _run_beside(send, fn, args, parents=(), receive=None) -> None:
    for pipe in parents:
        if pipe is not None:
            pipe.close()
    outbox = _Outbox(send)      # a reply is written while the copy goes on to its next job
    if receive is not None:
        args = (receive.recv, lambda value: outbox.send(("reply", value)), *args)
    try:
        out = ("done", fn(*args))
    except BaseException as exc:    # noqa: BLE001 - the caller raises it
        out = ("error", exc)
    try:
        outbox.send(out)
    except Exception as exc:        # noqa: BLE001 - a value that cannot be pickled: its words
        words = f"{type(out[1]).__name__}: {out[1]}" if out[0] == "error" else str(exc)
        outbox.send(("error", RuntimeError(words)))
    outbox.join()
    send.close()


def side_process(wanted: bool):
    """A pool of one forkserver process (it gets what it is sent, not a copy of this process's
    memory; leaving the pool ends it, at once when the caller failed), or a null context."""
    import multiprocessing
    from contextlib import nullcontext

    return multiprocessing.get_context("forkserver").Pool(1) if wanted else nullcontext()


def give_back_memory() -> None:
    """Hand the heap's free pages back to the system. glibc's malloc keeps what a stage freed
    (its intermediate strings and arrays) for later use, so a process's resident memory stays at
    its high-water mark; at 100 synthetic documents the build's main process holds 17% less after
    the wording stage once this runs. Nothing happens where there is no glibc."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
