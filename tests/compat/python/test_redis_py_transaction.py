"""redis-py (Debian python3-redis 4.3.4) transactions against locknode: pipeline(transaction=True)
(MULTI ... EXEC in one write), WATCH with the optimistic-locking retry loop of the redis-py docs
(`Redis.transaction`), WatchError when another client changes a watched key, EXECABORT after a
queuing error, and per-command errors inside EXEC. Run with /usr/bin/python3.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

redis = harness.import_redis()

print("redis-py %s (%s)" % (redis.__version__, os.path.dirname(redis.__file__)), file=sys.stderr)


class RedisPyTransactionTest(unittest.TestCase):
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

    def test_pipeline_transaction(self):
        r = self.client()
        r.set("tx:b", "x")
        with r.pipeline(transaction=True) as p:
            p.set("tx:a", "1", px=30000).get("tx:a").delete("tx:b").pttl("tx:a").exists("tx:b")
            res = p.execute()
        self.assertEqual(res[0:3], [True, b"1", 1])
        self.assertTrue(0 < res[3] <= 30000)
        self.assertEqual(res[4], 0)

    def test_watch_release_and_watch_error(self):
        r = self.client()
        other = self.client()
        r.set("tx:lock", "tok", px=30000)
        # The check-and-delete release a client without scripts would use.
        with r.pipeline() as p:
            p.watch("tx:lock")
            self.assertEqual(p.get("tx:lock"), b"tok")  # immediate mode after WATCH
            p.multi()
            p.delete("tx:lock")
            self.assertEqual(p.execute(), [1])
        self.assertEqual(r.exists("tx:lock"), 0)
        # Another client takes the lock between WATCH and EXEC: WatchError, nothing deleted.
        r.set("tx:lock", "tok", px=30000)
        with r.pipeline() as p:
            p.watch("tx:lock")
            other.set("tx:lock", "thief", px=30000)
            p.multi()
            p.delete("tx:lock")
            with self.assertRaises(redis.exceptions.WatchError):
                p.execute()
        self.assertEqual(r.get("tx:lock"), b"thief")

    def test_transaction_helper_retries(self):
        r = self.client()
        other = self.client()
        r.set("tx:n", "10")
        calls = []

        def bump(pipe):
            value = int(pipe.get("tx:n"))
            if not calls:
                other.set("tx:n", "100")  # first attempt is invalidated
            calls.append(value)
            pipe.multi()
            pipe.set("tx:n", str(value + 1))

        self.assertEqual(r.transaction(bump, "tx:n"), [True])
        self.assertEqual(calls, [10, 100])
        self.assertEqual(r.get("tx:n"), b"101")

    def test_queuing_error_and_runtime_error(self):
        r = self.client()
        with r.pipeline(transaction=True) as p:
            p.set("tx:e", "1")
            p.execute_command("NOSUCHCMD")
            with self.assertRaises(redis.exceptions.ResponseError) as ctx:
                p.execute()
        # redis-py reads EXECABORT and raises the queuing error that caused it.
        self.assertIn("unknown command", str(ctx.exception))
        self.assertEqual(r.exists("tx:e"), 0)
        r.set("tx:e", "v")
        with r.pipeline(transaction=True) as p:
            p.pexpire("tx:e", "notanumber").get("tx:e")
            res = p.execute(raise_on_error=False)
        self.assertIsInstance(res[0], redis.exceptions.ResponseError)
        self.assertEqual(res[1], b"v")

    def test_resp_watch_expiry_counts_as_change(self):
        r = self.client()
        r.set("tx:exp", "v", px=50)
        with r.pipeline() as p:
            p.watch("tx:exp")
            import time
            time.sleep(0.2)
            p.multi()
            p.set("tx:other", "x")
            with self.assertRaises(redis.exceptions.WatchError):
                p.execute()
        self.assertEqual(r.exists("tx:other"), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
