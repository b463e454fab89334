"""Several writers at once for ``manage.py ingest --writers N`` (articles/writer.py, ``ingest_sources``).

Each of N forked processes parses a whole batch of files and writes it through its own database
connection, so the server's share of the load (rows, TOAST, the GIN indexes) runs in N backends
instead of one. Everything else is the one writer's (``Writer``):

- each batch is one transaction, and a batch the database refuses is written again one file per
  transaction, so a bad file fails alone and by name;
- the files' text, their places and the papers and issues a batch may create are locked in the
  batch's transaction (``Writer._lock``): when two writers meet the same file at the same time,
  the second waits for the first to commit and reports the file as already in the archive;
- a ``kill -9`` of the command's process group ends every writer's open transaction: committed
  batches stay, the others are not written, and running the command again completes the load.

Results come back in the order of the files, batch by batch, as from one writer.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.db import connections

from articles.writer import IngestResult, SameSlot, Source, Writer, _chunks, ignore_interrupt, prepare

_writer: Writer | None = None
_options: dict[str, object] = {}
# The parent's connection objects, inherited by the fork: kept referenced and never used or
# closed (their sockets are the parent's; closing one would end the parent's session).
_inherited: list[object] = []


def _start(status: str, user, same_slot: SameSlot) -> None:
    """In each forked writer: forget the parent's connections (its own are opened on first use).

    Nothing here should fail (the pool would be broken before any batch ran). The Writer
    (which queries the database) is made by the first batch, whose error reaches the command
    like any other."""
    from multiprocessing.util import Finalize

    ignore_interrupt()  # Ctrl-C: the command finishes the batches in flight, then says so
    for conn in connections.all(initialized_only=True):
        _inherited.append(conn)
        del connections[conn.alias]
    # When the pool is closed normally, say goodbye to the server instead of dropping the socket.
    Finalize(None, connections.close_all, exitpriority=10)
    _options.update(status=status, user=user, same_slot=same_slot)


def _write(chunk: list[Source]) -> list[IngestResult]:
    global _writer
    if _writer is None:
        _writer = Writer(**_options)
    return _writer.write([prepare(source) for source in chunk])


class WriterDied(RuntimeError):
    """A writer process ended without answering (killed, out of memory, crashed)."""


def write_in_processes(
    sources: Iterable[Source], *, writers: int, batch: int, status: str, user=None, same_slot: SameSlot = "report"
) -> Iterator[IngestResult]:
    """One result per file, in the order given; at most ``writers + 1`` batches in flight, so
    memory stays bounded however many files there are.

    A writer that dies (``kill -9``, out of memory) ends the run with ``WriterDied``: its open
    transaction ended with it, so its batch is not written; batches already reported are stored.
    (A ``multiprocessing.Pool`` would start another process and wait for the lost batch for ever.)
    """
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(writers, mp_context=context, initializer=_start, initargs=(status, user, same_slot)) as pool:
        pending: deque = deque()
        try:
            for chunk in _chunks(sources, batch):
                pending.append(pool.submit(_write, chunk))
                if len(pending) > writers:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BrokenProcessPool:
            raise WriterDied("a writer process ended without finishing its batch") from None
        except KeyboardInterrupt:
            # Ctrl-C, which the writers ignore (ignore_interrupt): batches not begun are dropped
            # and the writers ended now — not waited for, since one may wait on a lock — so their
            # open transactions roll back, as after kill -9. What was reported is stored.
            processes = list((pool._processes or {}).values())  # the executor's own (shutdown forgets them)
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
            raise
