"""The Redis cache backend (exportcenter/redis_cache.py) keeps one `redis.Redis` per connection pool
instead of making one per operation, and still behaves as Django's: values round-trip, a dead server fails
the operation (callers such as the widget cache then do without), another server has a client of its own.
On a private redis-server (tests/faults.py), never the shared one."""

import pytest
import redis

from exportcenter.redis_cache import RedisCache
from tests.faults import private_redis


def backend(url: str) -> RedisCache:
    return RedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})


def test_one_client_per_pool_and_values_round_trip(monkeypatch):
    made = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    with private_redis() as url:
        cache = backend(url)
        for number in range(20):
            cache.set(f"key-{number}", {"number": number})
        assert [cache.get(f"key-{number}")["number"] for number in range(20)] == list(range(20))
        assert cache.get_many(["key-1", "key-2"]) == {"key-1": {"number": 1}, "key-2": {"number": 2}}
        assert cache.add("key-count", 0)
        assert cache.incr("key-count") == 1
    assert len(made) == 1  # Django's own client makes one for each of the 43 operations


def test_a_dead_server_fails_the_operation_and_another_server_has_its_own_client():
    with private_redis() as url:
        cache = backend(url)
        cache.set("key", 1)
        client = cache._cache.get_client()
    # The server is gone: the kept client does not hide that.
    with pytest.raises(redis.exceptions.ConnectionError):
        cache.get("key")
    with private_redis() as other:
        # A cache on another server has its own pool and client.
        again = backend(other)
        again.set("key", 2)
        assert again.get("key") == 2
        assert again._cache.get_client() is not client
