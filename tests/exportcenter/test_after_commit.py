"""exportcenter/after_commit.py: one after-commit callback per transaction and kind of work."""

import pytest
from django.db import transaction

from exportcenter import after_commit

flushed: list[list] = []


def remember(items):
    flushed.append(items)


def other(items):
    flushed.append(["other", *items])


@pytest.fixture(autouse=True)
def _clean():
    flushed.clear()


@pytest.mark.django_db
def test_a_transaction_hands_on_its_items_once_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        after_commit.collect(remember, 1)
        after_commit.collect(remember, 2)
        after_commit.collect(remember, 1)  # twice, handed on once
        after_commit.collect(other, 3)
        assert flushed == []  # nothing before the commit
    assert len(callbacks) == 2
    assert flushed == [[1, 2], ["other", 3]]


@pytest.mark.django_db
def test_a_rolled_back_block_takes_its_items_with_it(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        after_commit.collect(remember, "kept")
        with pytest.raises(RuntimeError), transaction.atomic():
            after_commit.collect(remember, "undone")
            raise RuntimeError
        with transaction.atomic():
            after_commit.collect(remember, "inner")
    assert ["undone"] not in flushed and all("undone" not in items for items in flushed)
    assert ["kept"] in flushed and ["inner"] in flushed


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_runs_at_once():
    after_commit.collect(remember, "now")
    assert flushed == [["now"]]
    after_commit.collect(remember, "again")  # a new batch: the first one has run
    assert flushed == [["now"], ["again"]]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_hands_on_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        after_commit.collect(remember, "lost")
        raise RuntimeError
    assert flushed == []
    with transaction.atomic():
        after_commit.collect(remember, "next")
    assert flushed == [["next"]]
