"""redis-py (Debian python3-redis 4.3.4) against locknode: redis.lock.Lock end to end.

What the library sends is in COMPAT.md §1.3 (no HELLO, optional AUTH) and §2.1 (SET PX NX, GET,
EVALSHA -> SCRIPT LOAD -> EVALSHA for release/extend/reacquire). Run with /usr/bin/python3.
"""
import os
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

redis = harness.import_redis()
from redis.exceptions import LockError, LockNotOwnedError  # noqa: E402

print("redis-py %s (%s)" % (redis.__version__, os.path.dirname(redis.__file__)), file=sys.stderr)


class RedisPyLockTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = harness.Cluster(1)
        cls.port = cls.cluster.nodes[0].port

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def client(self, **kw):
        r = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10, **kw)
        self.addCleanup(r.close)
        return r

    def name(self):
        return "pylock:" + uuid.uuid4().hex

    def test_acquire_release_locked_owned(self):
        r = self.client()
        other = self.client()
        name = self.name()
        lock = r.lock(name, timeout=30)
        self.assertFalse(lock.locked())
        self.assertTrue(lock.acquire(blocking=False))
        self.assertTrue(lock.locked())
        self.assertTrue(lock.owned())
        self.assertEqual(r.get(name), lock.local.token)
        ttl = r.pttl(name)
        self.assertTrue(0 < ttl <= 30000, ttl)

        # A second Lock object on another connection sees it held but not owned.
        rival = other.lock(name, timeout=30)
        self.assertTrue(rival.locked())
        self.assertFalse(rival.owned())
        self.assertFalse(rival.acquire(blocking=False))
        self.assertFalse(rival.acquire(blocking=True, blocking_timeout=0.3))
        # Releasing a lock it does not hold is refused (the script compares tokens).
        with self.assertRaises(LockError):
            rival.release()
        self.assertTrue(lock.owned())

        lock.release()
        self.assertFalse(lock.locked())
        self.assertIsNone(r.get(name))
        self.assertTrue(rival.acquire(blocking=False))
        self.assertTrue(rival.owned())
        rival.release()

    def test_lock_without_timeout_has_no_ttl(self):
        r = self.client()
        name = self.name()
        lock = r.lock(name)  # SET name token NX (no PX)
        self.assertTrue(lock.acquire(blocking=False))
        self.assertEqual(r.pttl(name), -1)
        lock.release()
        self.assertEqual(r.exists(name), 0)

    def test_context_manager_and_blocking_acquire(self):
        r = self.client()
        name = self.name()
        holder = r.lock(name, timeout=0.5)  # expires on its own
        self.assertTrue(holder.acquire(blocking=False))
        waiter = self.client().lock(name, timeout=5, sleep=0.05, blocking_timeout=15)
        started = time.monotonic()
        with waiter:
            self.assertTrue(waiter.owned())
            # It could only get the lock after the holder's 0.5 s PX expired.
            self.assertGreaterEqual(time.monotonic() - started, 0.3)
        self.assertFalse(waiter.locked())

    def test_extend_add_and_replace(self):
        r = self.client()
        name = self.name()
        lock = r.lock(name, timeout=10)
        self.assertTrue(lock.acquire(blocking=False))
        self.assertTrue(lock.extend(20))  # adds to the remaining TTL (ARGV[3] == "0")
        ttl = r.pttl(name)
        self.assertTrue(25000 < ttl <= 30000, ttl)
        self.assertTrue(lock.extend(5, replace_ttl=True))  # replaces it (ARGV[3] == "1")
        ttl = r.pttl(name)
        self.assertTrue(0 < ttl <= 5000, ttl)
        self.assertTrue(lock.extend(0.25))  # fractional seconds -> 250 ms added
        ttl = r.pttl(name)
        self.assertTrue(4000 < ttl <= 5250, ttl)
        lock.release()

    def test_extend_without_timeout_is_refused(self):
        r = self.client()
        lock = r.lock(self.name())
        self.assertTrue(lock.acquire(blocking=False))
        with self.assertRaises(LockError):
            lock.extend(10)  # client-side check: a lock without timeout cannot be extended
        lock.release()

    def test_reacquire(self):
        r = self.client()
        name = self.name()
        lock = r.lock(name, timeout=20)
        self.assertTrue(lock.acquire(blocking=False))
        r.pexpire(name, 1000)
        self.assertTrue(lock.reacquire())
        ttl = r.pttl(name)
        self.assertTrue(15000 < ttl <= 20000, ttl)
        lock.release()

    def test_expired_lock_is_not_owned(self):
        r = self.client()
        name = self.name()
        lock = r.lock(name, timeout=0.1)
        self.assertTrue(lock.acquire(blocking=False))
        time.sleep(0.4)
        self.assertFalse(lock.locked())
        self.assertFalse(lock.owned())
        with self.assertRaises(LockNotOwnedError):
            lock.extend(1)
        with self.assertRaises(LockNotOwnedError):
            lock.reacquire()
        with self.assertRaises(LockNotOwnedError):
            lock.release()

    def test_lock_taken_over_after_expiry(self):
        r = self.client()
        name = self.name()
        first = r.lock(name, timeout=0.1)
        self.assertTrue(first.acquire(blocking=False))
        time.sleep(0.4)
        second = self.client().lock(name, timeout=30)
        self.assertTrue(second.acquire(blocking=False))
        # The stale holder's release/extend must not touch the new holder's key.
        with self.assertRaises(LockNotOwnedError):
            first.extend(10)
        with self.assertRaises(LockNotOwnedError):
            first.reacquire()
        with self.assertRaises(LockNotOwnedError):
            first.release()  # (clears the local token)
        self.assertEqual(r.get(name), second.local.token)
        self.assertTrue(r.pttl(name) > 20000)
        second.release()

    def test_lock_scripts_survive_script_flush(self):
        r = self.client()
        name = self.name()
        lock = r.lock(name, timeout=30)
        self.assertTrue(lock.acquire(blocking=False))
        self.assertTrue(lock.extend(1))
        self.assertTrue(r.script_flush())
        # EVALSHA -> NOSCRIPT -> SCRIPT LOAD -> EVALSHA, inside redis-py's Script.__call__.
        self.assertTrue(lock.extend(1))
        r.script_flush()
        self.assertTrue(lock.reacquire())
        r.script_flush()
        lock.release()
        self.assertEqual(r.exists(name), 0)

    def test_password(self):
        with harness.Cluster(1, ["--requirepass", "s3cret"]) as cluster:
            port = cluster.nodes[0].port
            bad = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
            self.addCleanup(bad.close)
            with self.assertRaises(redis.exceptions.AuthenticationError):
                bad.get("x")  # NOAUTH Authentication required.
            r = redis.Redis(host="127.0.0.1", port=port, password="s3cret", socket_timeout=10,
                            client_name="compat-py")
            self.addCleanup(r.close)
            lock = r.lock("pw-lock", timeout=10)
            self.assertTrue(lock.acquire(blocking=False))
            self.assertTrue(lock.extend(1))
            lock.release()
            self.assertEqual(r.client_getname(), "compat-py")
            wrong = redis.Redis(host="127.0.0.1", port=port, password="nope", socket_timeout=10)
            self.addCleanup(wrong.close)
            # redis-py 4.3.4 maps WRONGPASS to a plain ResponseError (COMPAT §1.3).
            with self.assertRaises(redis.exceptions.ResponseError) as ctx:
                wrong.get("x")
            self.assertIn("WRONGPASS", str(ctx.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)
