"""The login limit counted in the database (store/login_limits.py), on SQLite and on the real PostgreSQL:
tries arriving at once from many threads never check more than the limit, a block ends, a right password
starts the name again, and what was typed is never stored."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from mockinterviewer.store import Store
from mockinterviewer.store.account_tables import LoginFailureRow
from mockinterviewer.store.login_limits import LoginAttempts, LoginKeys
from mockinterviewer.transcript import utcnow

ADA = LoginKeys(account="name-ada", address="addr-1")


def test_ten_tries_then_a_block_that_ends(migrated_store: Store) -> None:
    attempts = LoginAttempts(migrated_store, limit=10, address_limit=50, block=timedelta(minutes=5))
    now = utcnow()
    assert all(attempts.begin(ADA, now) is None for _ in range(10))  # ten passwords may be checked
    until = attempts.begin(ADA, now + timedelta(seconds=1))
    assert until is not None and timedelta(minutes=4) < until - now <= timedelta(minutes=5)
    assert attempts.begin(ADA, now + timedelta(minutes=4)) == until  # a refused try does not lengthen it
    other = LoginKeys(account="name-carol", address=ADA.address)
    assert attempts.begin(other, now) is None  # another name from the same address may still try
    after = now + timedelta(minutes=5, seconds=1)
    assert attempts.begin(ADA, after) is None  # the block is over: one more try
    again = attempts.begin(ADA, after)  # ... and that one was wrong: blocked again at once
    assert again is not None and again - after > timedelta(minutes=4)
    attempts.succeeded(ADA)  # (as if the try after the block had been right)
    assert attempts.begin(ADA, after) is None


def test_a_right_password_starts_the_name_again_and_gives_the_address_its_try_back(migrated_store: Store) -> None:
    attempts = LoginAttempts(migrated_store, limit=3, address_limit=5)
    now = utcnow()
    for _ in range(20):  # twenty right logins in a row never block the address
        assert attempts.begin(ADA, now) is None
        attempts.succeeded(ADA)
    for _ in range(2):
        assert attempts.begin(ADA, now) is None
    attempts.succeeded(ADA)
    assert all(attempts.begin(ADA, now) is None for _ in range(3))  # the name counts from zero again
    assert attempts.begin(ADA, now) is not None
    sprayed = [LoginKeys(account=f"name-{i}", address="addr-2") for i in range(6)]
    assert [attempts.begin(keys, now) is None for keys in sprayed] == [True] * 5 + [False]  # one name each


def test_a_day_without_a_wrong_password_forgets_the_count(migrated_store: Store) -> None:
    attempts = LoginAttempts(migrated_store, limit=3, forget=timedelta(days=1))
    now = utcnow()
    for _ in range(2):
        attempts.begin(ADA, now)
    later = now + timedelta(days=1, seconds=1)
    assert all(attempts.begin(ADA, later) is None for _ in range(3))
    assert attempts.begin(ADA, later) is not None
    stale = LoginKeys(account="name-old", address="addr-old")
    attempts.begin(stale, now)
    attempts.begin(ADA, now + timedelta(days=3))  # any try clears the rows nobody needs any more
    with migrated_store._tx() as orm:
        keys = set(orm.scalars(select(LoginFailureRow.key)).all())
    assert stale.account not in keys and ADA.account in keys


def test_tries_at_once_from_many_threads_check_at_most_the_limit(migrated_store: Store) -> None:
    attempts = LoginAttempts(migrated_store, limit=10, address_limit=1000)
    now, start = utcnow(), threading.Barrier(40)
    allowed: list[bool] = []

    def one_try(i: int) -> None:
        start.wait()
        allowed.append(attempts.begin(LoginKeys(account="name-ada", address=f"addr-{i}"), now) is None)

    threads = [threading.Thread(target=one_try, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 10 and allowed.count(False) == 30


def test_every_process_on_the_database_makes_the_same_opaque_keys(migrated_store: Store) -> None:
    stores = [Store(migrated_store.url, migrated_store.data_dir) for _ in range(4)]  # four servers' first try
    start, made = threading.Barrier(len(stores)), []

    def first_keys(store: Store) -> None:
        start.wait()
        made.append(LoginAttempts(store).keys("ada", "10.0.0.7"))

    threads = [threading.Thread(target=first_keys, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 4 and len(set(made)) == 1
    keys = made[0]
    assert keys != LoginAttempts(migrated_store).keys("bob", "10.0.0.7") and "ada" not in keys.account
    assert LoginAttempts(migrated_store).keys("bob", "10.0.0.7").address == keys.address
    assert "10.0.0.7" not in keys.address and len(keys.account) == 64
