"""Django's Redis cache backend with one `redis.Redis` per connection pool (issue 16).

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` for every cache operation; redis-py 8 builds
its table of ~170 response callbacks in each, about 0.1 ms, as long as the operation itself against a local
Redis. A page asks the cache several times (the session's rate limits, the reference data's version, the
inbox counts, the dashboards' stamps). A `redis.Redis` holds no connection of its own (it borrows one from
the pool per command) and is safe to share between threads, so one per pool is kept. Everything else is
Django's: the pools, the serializer, the options (`CACHES["default"]["OPTIONS"]`).

django-redis keeps its clients likewise, but taking it would change the serializer, the errors a failing
Redis raises (its `ConnectionInterrupted`) and the options the fault handling and its tests rely on; this
keeps Django's backend and changes one method.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # pool index -> redis.Redis

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            # Two threads may both make one: the same pool either way, and the last one is kept.
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
