"""Threads with their own database connections, standing in for workers that run at the same moment."""

import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connection


def at_once(*calls):
    """Run the calls in threads that start together; each closes its connection when done."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=10)
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(len(calls)) as pool:
        return [future.result(timeout=60) for future in [pool.submit(run, call) for call in calls]]
