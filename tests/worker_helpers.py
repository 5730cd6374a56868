"""Functions the worker tests run in a worker process (imported there as ``tests.worker_helpers``)."""
import os
import time


def beat(path: str, seconds: float, progress=None) -> int:
    """Write the time into ``path`` every 20 ms for ``seconds`` (so a test can see whether the
    process still computes), reporting the fraction done to ``progress``; returns the process id."""
    start = time.monotonic()
    while (done := time.monotonic() - start) < seconds:
        with open(path, "w") as f:
            f.write(repr(time.time()))
        if progress is not None:
            progress(done / seconds)
        time.sleep(0.02)
    return os.getpid()


class Unpicklable(Exception):
    def __init__(self, a, b):  # pickle rebuilds an exception from .args alone: this one fails
        super().__init__(f"{a}-{b}")


def fail(kind: str):
    if kind == "value":
        raise ValueError("a clear message")
    if kind == "unpicklable":
        raise Unpicklable(1, 2)
    if kind == "result":
        return lambda: None  # a result pickle cannot send
    if kind == "exit":
        os._exit(3)  # the process dies (as when the OS kills it for memory)
