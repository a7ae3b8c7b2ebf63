"""Rows made once per test module, as Django's `TestCase.setUpTestData` makes them once per class.

    @pytest.fixture(scope="module")
    def module_world(django_db_setup, django_db_blocker):
        with rows_for_this_module(django_db_blocker):
            with django_db_blocker.unblock():
                built = build_world()
            yield built

    @pytest.fixture
    def world(module_world, db):
        return copy.deepcopy(module_world)  # each test gets its own instances of the same rows

The rows are written inside a transaction that stays open while the module's tests run and is rolled back
after the last one, so nothing needs deleting. Each test still runs in its own savepoint (pytest-django's
`db`), so what a test changes is undone before the next. Not for modules with transactional tests
(`transaction=True`, `live_server`): their flush would empty the module's rows.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rows_for_this_module(django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        # Like TestCase's own transactions: code under test may still open `atomic(durable=True)`.
        atomic._from_testcase = True
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
