"""Values cached under change stamps (exportcenter/stamps.py), and one computation at a time with the last
value for readers meanwhile (`last_seconds`), on the real cache (Redis in CI)."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from exportcenter import stamps

STAMP = "test-stamps:stamp"
PREFIX = {"value": ""}


@pytest.fixture(autouse=True)
def _own_keys():
    """A stamp and a prefix of this test's own: no entry, last value or claim of another test can match."""
    stamps.renew([STAMP])
    PREFIX["value"] = f"test-stamps:{uuid.uuid4().hex}"


def read(compute, parts=("view",)):
    return stamps.cached(PREFIX["value"], [STAMP], parts, 60, compute, last_seconds=600)


def test_a_value_is_kept_until_its_stamp_is_renewed():
    assert read(lambda: 1) == 1
    assert read(lambda: 2) == 1
    stamps.renew([STAMP])
    assert read(lambda: 3) == 3


def test_a_reader_while_another_process_computes_gets_the_last_value_at_once():
    assert read(lambda: "before") == "before"
    stamps.renew([STAMP])  # a change committed
    computing, release = threading.Event(), threading.Event()

    def slow():
        computing.set()
        assert release.wait(10)
        return "after"

    with ThreadPoolExecutor(1) as pool:
        worker = pool.submit(read, slow)
        assert computing.wait(10)
        asked = []
        assert read(lambda: asked.append(1) or "computed twice") == "before"  # not computed, not waited for
        assert asked == []
        release.set()
        assert worker.result(timeout=10) == "after"
    assert read(lambda: "computed again") == "after"


def test_with_no_last_value_a_reader_computes_it_itself():
    cache.add(f"{_key()}:computing", 1, 30)  # another process is computing, and nothing was computed before
    assert read(lambda: "mine") == "mine"
    assert cache.get(f"{_key()}:computing") == 1  # the other process's claim stays until it is done


def test_each_view_has_its_own_last_value():
    assert read(lambda: "one", parts=("one",)) == "one"
    stamps.renew([STAMP])
    cache.add(f"{_key(('two',))}:computing", 1, 30)
    assert read(lambda: "two", parts=("two",)) == "two"  # view one's last value is not view two's


def test_a_computation_that_fails_lets_go():
    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        read(broken)
    assert read(lambda: "next reader") == "next reader"


def test_a_cache_that_fails_costs_the_computation(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get_many", "get", "add", "set", "delete"):
        monkeypatch.setattr(stamps.cache, method, down)
    assert read(lambda: "computed") == "computed"
    assert read(lambda: "again") == "again"


def _key(parts=("view",)) -> str:
    """The key `cached` uses for these parts under the test's current stamp."""
    current = cache.get(STAMP)
    return f"{PREFIX['value']}:" + stamps._digest([current, *parts])
