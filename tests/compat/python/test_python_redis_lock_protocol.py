"""python-redis-lock 4.0.0's protocol, replayed with redis-py (issue 18).

python-redis-lock is on PyPI only (not in Debian or npm), so it cannot be a CI dependency. Its
protocol is small and is replayed here exactly as its Lock class sends it (redis_lock/__init__.py,
4.0.0): acquire is `SET lock:<name> <id> NX EX <expire>`, and a busy lock waits with
`BLPOP lock-signal:<name> <timeout>` (timeout = the acquire timeout, else the expire, else 0);
release runs UNLOCK_SCRIPT, which DELs the signal list, LPUSHes one element to it and PEXPIREs it
(signal_expire, 1000 ms) before deleting the lock, so exactly one waiter wakes per release.
The scripts below are the library's bytes, sent through redis-py's Script (EVALSHA, NOSCRIPT
fallback), as the library does. Run with /usr/bin/python3 (LOCKNODE_COMPAT_SERVER=redis: the same
tests against redis-server).
"""
import os
import sys
import threading
import time
import unittest
import uuid
from base64 import b64encode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

redis = harness.import_redis()

UNLOCK_SCRIPT = b"""
    if redis.call("get", KEYS[1]) ~= ARGV[1] then
        return 1
    else
        redis.call("del", KEYS[2])
        redis.call("lpush", KEYS[2], 1)
        redis.call("pexpire", KEYS[2], ARGV[2])
        redis.call("del", KEYS[1])
        return 0
    end
"""

EXTEND_SCRIPT = b"""
    if redis.call("get", KEYS[1]) ~= ARGV[1] then
        return 1
    elseif redis.call("ttl", KEYS[1]) < 0 then
        return 2
    else
        redis.call("expire", KEYS[1], ARGV[2])
        return 0
    end
"""

RESET_SCRIPT = b"""
    redis.call('del', KEYS[2])
    redis.call('lpush', KEYS[2], 1)
    redis.call('pexpire', KEYS[2], ARGV[2])
    return redis.call('del', KEYS[1])
"""


class ReplayLock:
    """The requests of redis_lock.Lock (acquire, extend, release, reset), nothing more."""

    def __init__(self, client, name, expire=None, signal_expire=1000):
        self.client = client
        self.expire = expire
        self.signal_expire = signal_expire
        self.id = b64encode(os.urandom(18)).decode("ascii")
        self.name = "lock:" + name
        self.signal = "lock-signal:" + name
        self.unlock = client.register_script(UNLOCK_SCRIPT)
        self.extend_script = client.register_script(EXTEND_SCRIPT)
        self.reset_script = client.register_script(RESET_SCRIPT)

    def acquire(self, blocking=True, timeout=None):
        busy = True
        blpop_timeout = timeout or self.expire or 0
        timed_out = False
        while busy:
            busy = not self.client.set(self.name, self.id, nx=True, ex=self.expire)
            if busy:
                if timed_out:
                    return False
                if not blocking:
                    return False
                timed_out = not self.client.blpop(self.signal, blpop_timeout) and timeout
        return True

    def extend(self, expire):
        return self.extend_script(keys=(self.name, self.signal), args=(self.id, expire),
                                  client=self.client)

    def release(self):
        return self.unlock(keys=(self.name, self.signal), args=(self.id, self.signal_expire),
                           client=self.client)

    def reset(self):
        return self.reset_script(keys=(self.name, self.signal), args=(self.id, self.signal_expire),
                                 client=self.client)


class PythonRedisLockProtocolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = harness.Cluster(1)
        cls.port = cls.cluster.nodes[0].port

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def client(self):
        r = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=20)
        self.addCleanup(r.close)
        return r

    def lock_name(self):
        return "prl-" + uuid.uuid4().hex

    def test_acquire_release_and_signal_list(self):
        r = self.client()
        name = self.lock_name()
        lock = ReplayLock(r, name, expire=30)
        self.assertTrue(lock.acquire(blocking=False))
        self.assertEqual(r.get(lock.name).decode(), lock.id)
        self.assertTrue(0 < r.ttl(lock.name) <= 30)
        rival = ReplayLock(self.client(), name, expire=30)
        self.assertFalse(rival.acquire(blocking=False))
        self.assertEqual(rival.release(), 1)  # not the owner
        self.assertEqual(lock.release(), 0)
        self.assertEqual(r.exists(lock.name), 0)
        # The signal list holds one "1", expiring after signal_expire ms.
        self.assertEqual(r.lrange(lock.signal, 0, -1), [b"1"])
        self.assertTrue(0 < r.pttl(lock.signal) <= 1000)
        self.assertEqual(lock.extend(10), 1)  # released: extend refuses

    def test_waiter_wakes_on_release(self):
        name = self.lock_name()
        holder = ReplayLock(self.client(), name, expire=30)
        self.assertTrue(holder.acquire())
        waiter = ReplayLock(self.client(), name, expire=30)
        got = {}

        def wait():
            start = time.monotonic()
            got["ok"] = waiter.acquire(timeout=10)
            got["waited"] = time.monotonic() - start

        thread = threading.Thread(target=wait)
        thread.start()
        observer = self.client()
        self._await_blocked(observer, 1)
        time.sleep(0.2)
        self.assertEqual(holder.release(), 0)
        thread.join(15)
        self.assertTrue(got["ok"])
        self.assertGreaterEqual(got["waited"], 0.2)
        self.assertLess(got["waited"], 5)  # woken by the release, not by its 10 s timeout
        self.assertEqual(observer.get(waiter.name).decode(), waiter.id)
        # The waiter's BLPOP took the signal element: the list is gone.
        self.assertEqual(observer.exists(waiter.signal), 0)
        self.assertEqual(waiter.release(), 0)

    def test_three_waiters_take_turns(self):
        name = self.lock_name()
        holder = ReplayLock(self.client(), name, expire=30)
        self.assertTrue(holder.acquire())
        order = []
        done = threading.Event()
        waiters = [ReplayLock(self.client(), name, expire=30) for _ in range(3)]

        def work(i):
            self.assertTrue(waiters[i].acquire(timeout=20))
            order.append(i)
            time.sleep(0.05)
            self.assertEqual(waiters[i].release(), 0)
            if len(order) == 3:
                done.set()

        observer = self.client()
        threads = []
        for i in range(3):
            threads.append(threading.Thread(target=work, args=(i,)))
            threads[-1].start()
            self._await_blocked(observer, i + 1)  # a known blocking order: FIFO
        self.assertEqual(holder.release(), 0)
        self.assertTrue(done.wait(20))
        for t in threads:
            t.join(5)
        self.assertEqual(order, [0, 1, 2])
        self.assertEqual(observer.exists("lock:" + name), 0)

    def test_blpop_timeout_then_expire(self):
        r = self.client()
        name = self.lock_name()
        holder = ReplayLock(r, name, expire=1)
        self.assertTrue(holder.acquire())
        waiter = ReplayLock(self.client(), name, expire=5)
        start = time.monotonic()
        # timeout=1: BLPOP signal 1 times out; the retry then finds the holder's key expired
        # (EX 1) or returns False after the timed-out retry.
        acquired = waiter.acquire(timeout=1)
        elapsed = time.monotonic() - start
        self.assertGreaterEqual(elapsed, 0.9)
        if acquired:
            self.assertEqual(r.get(waiter.name).decode(), waiter.id)
            self.assertEqual(waiter.release(), 0)

    def test_reset_wakes_a_waiter(self):
        name = self.lock_name()
        holder = ReplayLock(self.client(), name, expire=30)
        self.assertTrue(holder.acquire())
        waiter = ReplayLock(self.client(), name, expire=30)
        result = {}
        thread = threading.Thread(target=lambda: result.update(ok=waiter.acquire(timeout=10)))
        thread.start()
        observer = self.client()
        self._await_blocked(observer, 1)
        stranger = ReplayLock(self.client(), name)
        self.assertEqual(stranger.reset(), 1)  # DEL of the held lock
        thread.join(15)
        self.assertTrue(result["ok"])
        self.assertEqual(waiter.release(), 0)

    def _await_blocked(self, r, n):
        for _ in range(2000):
            if r.info("clients")["blocked_clients"] == n:
                return
            time.sleep(0.001)
        self.fail("never %d blocked clients" % n)


if __name__ == "__main__":
    unittest.main()
