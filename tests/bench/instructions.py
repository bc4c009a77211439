#!/usr/bin/env python3
"""Instructions per lock cycle (or INCR), counted by valgrind (callgrind): locknode and redis-server.

A deterministic complement to side_by_side.py for a shared, noisy machine: CPU time per op moves
with the neighbours' load, the instruction count does not. Each server runs under callgrind and
serves N lock cycles (SET key token NX PX 30000, then the standard EVALSHA release, one request
per round trip as a client without pipelining sends them); two runs with N1 and N2 cycles give
(Ir(N2) - Ir(N1)) / (N2 - N1), which cancels startup and shutdown. User-space instructions
only: the kernel's share of each recv/send is not counted (see side_by_side.py for CPU time).

  python3 tests/bench/instructions.py build-bench/locknode [other/locknode ...] [--redis]
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

RELEASE = ('if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) '
           'else return 0 end')
TOKEN = "tok-0123456789abcdef0123456789abcdef"


def encode(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Conn:
    def __init__(self, port):
        for _ in range(600):  # valgrind starts slowly
            try:
                self.sock = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"no server on port {port}")
        self.buf = b""

    def call(self, *args):
        self.sock.sendall(encode(*args))
        while b"\r\n" not in self.buf:
            self.buf += self.sock.recv(65536)
        line, rest = self.buf.split(b"\r\n", 1)
        if line[:1] == b"$" and int(line[1:]) >= 0:
            n = int(line[1:])
            while len(rest) < n + 2:
                rest += self.sock.recv(65536)
            self.buf = rest[n + 2:]
            return rest[:n]
        self.buf = rest
        return line


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lock_cycle(conn, sha, i):
    key = f"lock:{i}"
    return ((conn.call("SET", key, TOKEN, "NX", "PX", "30000"),
             conn.call("EVALSHA", sha, "1", key, TOKEN)) == (b"+OK", b":1"))


def incr_cycle(conn, sha, i):
    """One INCR on one of 1,000 counters (the loadgen's incr workload)."""
    return conn.call("INCR", f"counter:{i % 1000}").startswith(b":")


WORKLOADS = {"lock": lock_cycle, "incr": incr_cycle}


def count(cmd, cycles, tmp, workload=lock_cycle):
    """Total instructions of one server run that serves `cycles` cycles of `workload`."""
    out = os.path.join(tmp, f"callgrind.{cycles}")
    port = free_port()
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd(port)
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
    conn = Conn(port)
    sha = conn.call("SCRIPT", "LOAD", RELEASE)
    for i in range(cycles):
        if not workload(conn, sha, i):
            raise RuntimeError(f"unexpected reply in cycle {i}")
    conn.sock.sendall(encode("SHUTDOWN", "NOSAVE"))
    proc.wait(timeout=600)
    text = open(out).read()
    m = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
    if not m:
        raise RuntimeError("no instruction total in the callgrind output")
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("locknode", nargs="+", help="locknode binaries to count")
    ap.add_argument("--redis", action="store_true", help="count redis-server too")
    ap.add_argument("--cycles", type=int, nargs=2, default=[1000, 3000])
    ap.add_argument("--workload", choices=sorted(WORKLOADS), default="lock",
                    help="lock: SET NX PX + EVALSHA release; incr: INCR on 1,000 counters")
    a = ap.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind missing (apt-get install valgrind)")
    servers = [(path, lambda port, p=os.path.abspath(path): [p, "--port", str(port), "--loglevel", "warn"])
               for path in a.locknode]
    if a.redis:
        servers.append(("redis-server", lambda port: [
            "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--loglevel", "warning"]))
    n1, n2 = a.cycles
    results = []
    for name, cmd in servers:
        with tempfile.TemporaryDirectory(prefix="locknode-instr-") as tmp:
            work = WORKLOADS[a.workload]
            per_cycle = (count(cmd, n2, tmp, work) - count(cmd, n1, tmp, work)) / (n2 - n1)
        results.append((name, per_cycle))
        print(f"{name}: {per_cycle:,.0f} instructions per {a.workload} cycle", flush=True)
    base = results[-1][1] if a.redis else results[0][1]
    print(f"\nratios to {'redis-server' if a.redis else results[0][0]}:")
    for name, per_cycle in results:
        print(f"  {name:<50} {per_cycle / base:.3f}")


if __name__ == "__main__":
    main()
