"""redis-py (Debian python3-redis 4.3.4) against locknode: 20 threads contend for one Lock and
increment a counter read-sleep-write; no lost update and no overlapping holds (SAFETY.md §4.1).
"""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

redis = harness.import_redis()

print("redis-py %s (%s)" % (redis.__version__, os.path.dirname(redis.__file__)), file=sys.stderr)


class RedisPyContentionTest(unittest.TestCase):
    """20 threads increment one counter under the lock, read-sleep-write, and log their holds."""

    THREADS = 20
    ROUNDS = 5

    def test_twenty_threads_no_lost_update(self):
        with harness.Cluster(1) as cluster:
            port = cluster.nodes[0].port
            name = "counter-lock"
            setup = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
            self.addCleanup(setup.close)
            setup.set("counter", 0)
            holds = []  # (acquired, released, thread) on time.monotonic in this process
            holds_mu = threading.Lock()
            py_counter = [0]
            errors = []

            def worker(idx):
                r = redis.Redis(host="127.0.0.1", port=port, socket_timeout=10)
                try:
                    lock = r.lock(name, timeout=10, sleep=0.005, blocking_timeout=60)
                    for _ in range(self.ROUNDS):
                        if not lock.acquire():
                            errors.append("thread %d: blocking_timeout expired" % idx)
                            return
                        t_acq = time.monotonic()
                        value = int(r.get("counter"))      # read ...
                        local = py_counter[0]
                        time.sleep(0.002)                  # ... sleep a little ...
                        r.set("counter", value + 1)        # ... write.
                        py_counter[0] = local + 1
                        t_rel = time.monotonic()
                        lock.release()
                        with holds_mu:
                            holds.append((t_acq, t_rel, idx))
                except Exception as e:  # reported below, with the thread
                    errors.append("thread %d: %r" % (idx, e))
                finally:
                    r.close()

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(self.THREADS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            self.assertEqual(errors, [])
            total = self.THREADS * self.ROUNDS
            self.assertEqual(len(holds), total)
            self.assertEqual(int(setup.get("counter")), total, "lost update in the locknode counter")
            self.assertEqual(py_counter[0], total, "lost update in the in-process counter")
            # No two holds overlap (SAFETY.md §4.1 interval checker; one resource).
            holds.sort()
            hi_end, hi_who = float("-inf"), None
            violations = []
            for start, end, who in holds:
                if start < hi_end and who != hi_who:
                    violations.append((hi_who, who, hi_end - start))
                if end > hi_end:
                    hi_end, hi_who = end, who
            self.assertEqual(violations, [], "overlapping holds (holder, next, overlap s)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
