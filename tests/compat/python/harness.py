"""Starts and stops locknode processes for the real-client compatibility tests.

The binary comes from $LOCKNODE_BINARY (ctest sets it to the CMake-built locknode). Every node
binds port 0 and writes the port it got to --port-file, so suites never collide. Nodes are
SIGKILLed and their temp dirs removed at the end of each test, even on failure.

LOCKNODE_COMPAT_SERVER=redis runs the same tests against real redis-server processes instead (to
tell a test bug from a server bug: a test must pass there too).

A missing client library or binary is a failure (exit 1, with a loud message), never a skip:
redis-py and the binary are required dependencies (.ci/install-deps test installs them).
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

def fail_missing(reason):
    sys.stderr.write("\n*** MISSING REQUIRED DEPENDENCY: %s ***\n\n" % reason)
    sys.stderr.flush()
    sys.exit(1)


def locknode_binary():
    if use_real_redis():
        return "redis-server"
    path = os.environ.get("LOCKNODE_BINARY", "")
    if not path or not os.access(path, os.X_OK):
        fail_missing("LOCKNODE_BINARY is not set to an executable locknode (got %r); "
                    "run through ctest" % path)
    return path


def import_redis():
    """Debian's python3-redis (4.3.4). Skips the whole file if it is missing."""
    try:
        import redis  # noqa: F401
    except ImportError:
        fail_missing("python module 'redis' not importable by %s; install Debian's python3-redis "
                    "(.ci/install-deps test) and run with /usr/bin/python3" % sys.executable)
    return redis


def use_real_redis():
    return os.environ.get("LOCKNODE_COMPAT_SERVER", "") == "redis"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """One locknode process (or redis-server, see use_real_redis) on a free port."""

    def __init__(self, binary, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="locknode-compat-py-")
        self.port_file = os.path.join(self.dir, "port")
        self.log_path = os.path.join(self.dir, "log")
        self._log = open(self.log_path, "wb")
        if use_real_redis():
            port = _free_port()
            with open(self.port_file, "w") as f:
                f.write(str(port))
            argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", self.dir] + list(extra_args)
        else:
            argv = [binary, "--port", "0", "--port-file", self.port_file] + list(extra_args)
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.port = self._wait_for_port(timeout=15.0)

    def _wait_for_port(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("locknode exited with %s before serving:\n%s"
                                   % (self.proc.returncode, self.log()))
            try:
                with open(self.port_file) as f:
                    text = f.read().strip()
                if text:
                    port = int(text)
                    with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                        return port
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        raise RuntimeError("locknode did not write a serving port within %.0fs:\n%s"
                           % (timeout, self.log()))

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""

    def kill(self, sig=signal.SIGKILL):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def close(self):
        self.kill()
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Cluster:
    """N nodes; use as a context manager or call close() (idempotent)."""

    def __init__(self, n=1, extra_args=()):
        binary = locknode_binary()
        self.nodes = []
        try:
            for _ in range(n):
                self.nodes.append(Node(binary, extra_args))
        except BaseException:
            self.close()
            raise

    def close(self):
        for node in self.nodes:
            node.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
