"""Daphne with tracemalloc, for finding what a socket holds (bench_watchers --trace).

Each SIGUSR1 writes a snapshot to ``$BENCH_TRACE_DIR/<pid>-<n>.snap``; the benchmark takes
one before and one after the connect storm and prints the largest differences. Tracing
starts at the first signal, once the application is loaded: tracing the imports too would
make a start on a loaded machine take minutes.

    python bench/traced_daphne.py [daphne arguments]
"""

import os
import signal
import sys
import tracemalloc
from itertools import count

from daphne.cli import CommandLineInterface

_numbers = count()


def _dump(_signum, _frame) -> None:
    if not tracemalloc.is_tracing():
        tracemalloc.start(8)
    path = os.path.join(os.environ["BENCH_TRACE_DIR"], f"{os.getpid()}-{next(_numbers)}.snap")
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)]
    )
    snapshot.dump(path + ".part")
    os.replace(path + ".part", path)  # the reader waits for the complete file


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _dump)
    CommandLineInterface().run(sys.argv[1:])
