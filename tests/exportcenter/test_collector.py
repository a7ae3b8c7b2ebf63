"""A web worker freezes its long-lived objects out of the garbage collector's full passes after its 1st,
2nd, 4th ... 1024th request, and only live ones (exportcenter/collector.py)."""

import gc
import os
import subprocess
import sys
import weakref
from pathlib import Path

from exportcenter import collector


class Cycle:
    def __init__(self):
        self.me = self


def test_the_worker_freezes_after_each_power_of_two_requests_and_never_garbage():
    warming = collector._Warming()
    frozen, kept = [], []
    try:
        for n in range(1, 9):
            kept.append([n])  # a new live object before each request ends
            garbage = weakref.ref(Cycle())  # unreachable at once: only a collection frees it
            warming()
            frozen.append(gc.get_freeze_count())
            if n in (1, 2, 4, 8):
                assert garbage() is None, "a freeze collects first: garbage is never frozen"
        grew = [n for n in range(2, 9) if frozen[n - 1] > frozen[n - 2]]
        assert grew == [2, 4, 8]
        assert frozen[0] > 0
    finally:
        gc.unfreeze()


def test_nothing_more_is_frozen_after_the_last_freeze():
    warming = collector._Warming()
    warming.requests = 2 * collector.LAST_FREEZE - 1  # the next is a power of two, past the last freeze
    try:
        before = gc.get_freeze_count()
        kept = [[n] for n in range(10)]  # live objects a freeze would take
        warming()
        assert gc.get_freeze_count() == before and kept
        warming.requests = collector.LAST_FREEZE - 1
        warming()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()


def test_the_wsgi_entry_point_turns_it_on():
    """In a process of its own: importing it connects the receiver for the rest of the process (the test
    suite's own processes have GC_FREEZE off)."""
    code = (
        "import gc, exportcenter.wsgi\n"
        "from django.core.signals import request_finished\n"
        "request_finished.send(sender=None)\n"
        "print(gc.get_freeze_count() > 0)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "exportcenter.settings", "GC_FREEZE": "true"}
    root = Path(__file__).resolve().parents[2]
    answer = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert answer.stdout.strip().splitlines()[-1:] == ["True"], answer.stderr[-2000:]
