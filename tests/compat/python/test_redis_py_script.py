"""redis-py (Debian python3-redis 4.3.4) against locknode: register_script, EVALSHA with the
NOSCRIPT -> SCRIPT LOAD fallback after SCRIPT FLUSH (COMPAT.md §2.1). Run with /usr/bin/python3.
"""
import os
import sys
import hashlib
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

redis = harness.import_redis()

print("redis-py %s (%s)" % (redis.__version__, os.path.dirname(redis.__file__)), file=sys.stderr)


class RedisPyScriptTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = harness.Cluster(1)
        cls.port = cls.cluster.nodes[0].port

    @classmethod
    def tearDownClass(cls):
        cls.cluster.close()

    def test_register_script_noscript_fallback(self):
        r = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=10)
        self.addCleanup(r.close)
        body = ("local v = redis.call('GET', KEYS[1]) "
                "if v == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
                "return {v or 'none', tonumber(ARGV[2]) * 2}")
        script = r.register_script(body)
        self.assertEqual(script.sha, hashlib.sha1(body.encode()).hexdigest())
        r.script_flush()
        self.assertEqual(r.script_exists(script.sha), [False])
        # First call: EVALSHA -> NOSCRIPT -> SCRIPT LOAD -> EVALSHA.
        self.assertEqual(script(keys=["sk"], args=["tok", 21]), [b"none", 42])
        self.assertEqual(r.script_exists(script.sha), [True])
        r.set("sk", "tok")
        self.assertEqual(script(keys=["sk"], args=["tok", 1]), 1)
        self.assertEqual(r.exists("sk"), 0)
        # After SCRIPT FLUSH the next call takes the fallback again.
        self.assertTrue(r.script_flush())
        self.assertEqual(r.script_exists(script.sha), [False])
        r.set("sk", "other")
        self.assertEqual(script(keys=["sk"], args=["tok", 4]), [b"other", 8])
        self.assertEqual(r.script_exists(script.sha), [True])
        # The raw error redis-py maps to NoScriptError (first word NOSCRIPT).
        with self.assertRaises(redis.exceptions.NoScriptError) as ctx:
            r.evalsha("0" * 40, 0)
        self.assertEqual(str(ctx.exception), "No matching script. Please use EVAL.")
        # A script error surfaces as ResponseError, not a broken connection.
        bad = r.register_script("return redis.call('NOSUCHCMD')")
        with self.assertRaises(redis.exceptions.ResponseError):
            bad()
        self.assertTrue(r.ping())
        # Pipelined script calls (redis-py loads missing scripts before the pipeline runs).
        # transaction=False: locknode has no MULTI/EXEC (not in COMPAT §5.1).
        r.script_flush()
        pipe = r.pipeline(transaction=False)
        script(keys=["sk"], args=["x", 5], client=pipe)
        pipe.get("sk")
        self.assertEqual(pipe.execute(), [[b"other", 10], b"other"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
