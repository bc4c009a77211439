"""Debian's perl-redis client (see tests/compat/debian/perl_redis_transaction.pl) runs its transaction API against
locknode: the script exits non-zero on the first failed check. A missing interpreter or client
package is a failure (.ci/install-deps test installs them)."""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "debian", "perl_redis_transaction.pl")


class DebianClientTransactionTest(unittest.TestCase):
    def test_transaction_api(self):
        if shutil.which("perl") is None:
            harness.fail_missing("perl (.ci/install-deps test)")
        with harness.Cluster(1) as cluster:
            run = subprocess.run(["perl", SCRIPT, str(cluster.nodes[0].port)],
                                 capture_output=True, text=True, timeout=60)
        sys.stderr.write(run.stdout + run.stderr)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
