"""redis-py (Debian python3-redis 4.3.4) counters and string commands against locknode: incr,
incrby, decr, incrbyfloat, getset/getdel/getex, append/setrange/strlen, rename/copy, with
redis-py's own reply parsing (int, float, bytes, None, ResponseError). 8 threads x 500 INCR on
one counter lose nothing (the server is single-threaded; this checks the client path).
"""
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

redis = harness.import_redis()


class RedisPyCountersTest(unittest.TestCase):

    def setUp(self):
        self.cluster = harness.Cluster(1)
        self.cluster.__enter__()
        self.addCleanup(self.cluster.__exit__, None, None, None)
        self.port = self.cluster.nodes[0].port
        self.r = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10)
        self.addCleanup(self.r.close)

    def test_integer_counters(self):
        r = self.r
        self.assertEqual(r.incr("c"), 1)
        self.assertEqual(r.incr("c", 10), 11)        # INCRBY
        self.assertEqual(r.decr("c"), 10)
        self.assertEqual(r.decr("c", 5), 5)          # DECRBY
        self.assertEqual(r.get("c"), b"5")
        r.set("big", 9223372036854775807)
        with self.assertRaisesRegex(redis.ResponseError, "increment or decrement would overflow"):
            r.incr("big")
        r.set("s", "abc")
        with self.assertRaisesRegex(redis.ResponseError, "not an integer or out of range"):
            r.incr("s")

    def test_float_counters(self):
        r = self.r
        self.assertEqual(r.incrbyfloat("f", 10.5), 10.5)
        self.assertAlmostEqual(r.incrbyfloat("f", 0.1), 10.6)
        self.assertEqual(r.get("f"), b"10.6")       # 17 digits, trailing zeros dropped
        self.assertEqual(r.incrbyfloat("f", -10.6), 0.0)
        self.assertEqual(r.get("f"), b"0")
        with self.assertRaisesRegex(redis.ResponseError, "NaN or Infinity"):
            r.incrbyfloat("f", float("inf"))

    def test_counter_keeps_ttl(self):
        r = self.r
        r.set("t", 1, px=60000)
        r.incr("t")
        self.assertGreater(r.pttl("t"), 0)

    def test_string_commands(self):
        r = self.r
        self.assertIsNone(r.getset("k", "a"))
        self.assertEqual(r.getset("k", "b"), b"a")
        self.assertEqual(r.append("k", "cd"), 3)
        self.assertEqual(r.setrange("k", 5, "x"), 6)
        self.assertEqual(r.get("k"), b"bcd\x00\x00x")
        self.assertEqual(r.strlen("k"), 6)
        self.assertEqual(r.getex("k", px=50000), b"bcd\x00\x00x")
        self.assertGreater(r.pttl("k"), 0)
        self.assertEqual(r.getex("k", persist=True), b"bcd\x00\x00x")
        self.assertEqual(r.pttl("k"), -1)
        self.assertTrue(r.rename("k", "k2"))
        self.assertTrue(r.copy("k2", "k3"))
        self.assertEqual(r.getdel("k3"), b"bcd\x00\x00x")
        self.assertIsNone(r.getdel("k3"))
        self.assertEqual(r.unlink("k2", "nokey"), 1)
        self.assertEqual(r.touch("k2"), 0)

    def test_concurrent_incr_loses_nothing(self):
        threads, per = 8, 500
        errors = []

        def worker():
            c = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10)
            try:
                for _ in range(per):
                    c.incr("shared")
            except Exception as e:  # reported below
                errors.append(repr(e))
            finally:
                c.close()

        ts = [threading.Thread(target=worker) for _ in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(int(self.r.get("shared")), threads * per)


if __name__ == "__main__":
    unittest.main()
