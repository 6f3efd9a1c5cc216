"""Forgetting cached fragments that hold a purged item's words.

Bumping an item's version makes its cached card and comment lists unreachable, but the old
entries stay in the cache (the database cache table, or Redis) until they expire, with the
words in them. A purge must not leave them there, so this deletes every entry whose key
starts with one of the given prefixes ("post_card:40:", "discussion:list:12:").

Django's cache API has no "delete by prefix": each backend Staffroom runs on is handled
here (database, Redis, local memory). Another backend falls back to letting the entries
expire, which the bumped versions already make unreachable.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router


def forget_cached(prefixes: list[str]) -> None:
    # The backend itself, not django.core.cache.cache (a proxy isinstance can't see through);
    # typed Any: the private parts used below aren't in the type stubs.
    real = caches["default"]
    backend: Any = real
    made = [real.make_key(prefix) for prefix in prefixes]
    if isinstance(real, DatabaseCache):
        _forget_in_database(backend, made)
    elif isinstance(real, RedisCache):
        client: Any = backend._cache.get_client(None, write=True)
        for prefix in made:
            keys = list(client.scan_iter(match=_glob_escape(prefix) + "*"))
            if keys:
                client.delete(*keys)
    elif isinstance(real, LocMemCache):
        with backend._lock:
            for key in [k for k in backend._cache if k.startswith(tuple(made))]:
                backend._cache.pop(key, None)
                backend._expire_info.pop(key, None)


def _forget_in_database(backend: Any, made: list[str]) -> None:
    db = router.db_for_write(backend.cache_model_class)
    connection = connections[db]
    table = connection.ops.quote_name(backend._table)
    with connection.cursor() as cursor:
        for prefix in made:
            # LIKE narrows to candidates; the exact prefix test is done here (LIKE treats
            # "_" in "post_card" as a wildcard).
            cursor.execute(
                f"SELECT cache_key FROM {table} WHERE cache_key LIKE %s",  # noqa: S608  # table name from settings
                [prefix.replace("%", "_") + "%"],
            )
            keys = [row[0] for row in cursor.fetchall() if row[0].startswith(prefix)]
            for start in range(0, len(keys), 500):
                batch = keys[start : start + 500]
                placeholders = ", ".join(["%s"] * len(batch))
                cursor.execute(
                    f"DELETE FROM {table} WHERE cache_key IN ({placeholders})",  # noqa: S608  # placeholders only
                    batch,
                )


def _glob_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)
