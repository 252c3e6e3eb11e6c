"""The archive digest a render compares to skip unchanged sites: computed by a forked child while
the render reads the archive, the same value as computed in place, and in place wherever a fork
would be unsafe."""

from __future__ import annotations

import threading

from archive.digest import BackgroundDigest, archive_digest
from archive.store import Store


def test_the_background_digest_is_the_digest(store):
    expected = archive_digest(store)
    background = BackgroundDigest(store)
    assert background._child is not None  # a child was forked (one thread, a file archive)
    list(store.articles(texts=False))  # this process reads the archive meanwhile
    assert background.value() == expected == background.value()


def test_it_follows_changes(store):
    before = BackgroundDigest(store).value()
    store.conn.execute("UPDATE tags SET score = score / 2 WHERE rowid = 1")
    after = BackgroundDigest(store).value()
    assert before != after == archive_digest(store)
    store.conn.execute("INSERT INTO runs (command, started) VALUES ('render', 'now')")
    assert BackgroundDigest(store).value() == after  # run bookkeeping never reaches a page


def test_no_fork_with_other_threads_running(store):
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        background = BackgroundDigest(store)
        assert background._child is None
        assert background.value() == archive_digest(store)
    finally:
        stop.set()
        worker.join()


def test_in_memory_archive_is_digested_in_place():
    with Store.open(":memory:") as memory:
        background = BackgroundDigest(memory)
        assert background._child is None and background.value() == archive_digest(memory)


def test_a_child_that_cannot_read_the_archive_leaves_the_digest_to_the_parent(store, tmp_path):
    class Moved:  # a store whose file is gone by the time the child opens it
        conn, path = store.conn, tmp_path / "gone.sqlite3"

    moved = Moved()
    moved.path.write_bytes(b"not a database" * 100)  # exists when checked, unreadable as one
    background = BackgroundDigest(moved)  # type: ignore[arg-type]
    assert background._child is not None
    assert background.value() == archive_digest(store)


def test_ready_says_when_the_value_is_there(store):
    import time

    background = BackgroundDigest(store)
    deadline = time.monotonic() + 30
    while not background.ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert background.ready()
    assert background.value() == archive_digest(store) and background.ready()
