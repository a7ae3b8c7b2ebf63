"""Work a transaction hands on after it commits, batched: one callback per transaction and kind of work.

`collect(flush, item)` adds `item` to the current transaction's batch for `flush` and, the first time,
registers the batch with `transaction.on_commit`; after the commit `flush(items)` runs once with
everything the transaction collected (two emails queued by one submission are one broker message).
Outside a transaction (autocommit) it runs at once, as `on_commit` does.

A batch belongs to the savepoint it was registered in: work collected inside a nested `atomic` block
goes to that block's batch, which a rollback of the block discards together with the work.
"""

from collections.abc import Callable, Hashable

from django.db import transaction


class _Batch:
    def __init__(self, flush: Callable[[list], None]):
        self.flush = flush
        self.items: dict = {}  # an ordered set
        self.sent = False

    def __call__(self):
        self.sent = True
        self.flush(list(self.items))


def _savepoints(ids) -> set:
    return {sid for sid in ids if sid is not None}  # `atomic(savepoint=False)` adds a None


def collect(flush: Callable[[list], None], item: Hashable) -> None:
    """Hand `item` to `flush` after the current transaction commits, with the transaction's other items."""
    connection = transaction.get_connection()
    pending = None
    if connection.in_atomic_block:
        here = _savepoints(connection.savepoint_ids)
        pending = next(
            (
                callback
                for savepoints, callback, _robust in connection.run_on_commit
                if isinstance(callback, _Batch)
                and callback.flush is flush
                and not callback.sent
                and _savepoints(savepoints) == here
            ),
            None,
        )
    if pending is not None:
        pending.items[item] = None
        return
    pending = _Batch(flush)
    pending.items[item] = None
    transaction.on_commit(pending)  # last: outside a transaction it runs at once
