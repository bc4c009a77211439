"""A small Redlock workload against N locknode nodes, for the dashboard's test and screenshot.

Each worker takes locks from a small pool of keys on every node with the same token (Redlock:
held when a majority granted), holds them briefly and releases them with the compare-and-delete
script the lock libraries use (run natively by locknode). Some holders extend once; a few
"crash" (never release: the lock expires while held) or "overrun" (work past the TTL, then the
extend and the release come too late: missed); a few requests carry an invalid TTL (an error
reply). A node that does not answer (down, restarting, quarantined) counts as not granted.
Workers contend for the same keys, so some acquisitions are refused.

  python3 tools/lock_workload.py --nodes 127.0.0.1:7001,...,127.0.0.1:7005 --seconds 120
  (password from $LOCKNODE_PASSWORD when set)
"""
import argparse
import os
import random
import threading
import time
import uuid

RELEASE = ("if redis.call('get',KEYS[1]) == ARGV[1] then return redis.call('del',KEYS[1]) "
           "else return 0 end")
EXTEND = ("if redis.call('get',KEYS[1]) == ARGV[1] then "
          "return redis.call('pexpire',KEYS[1],ARGV[2]) else return 0 end")


def _call(fn, *args, **kw):
    """A node that is down, restarting or in its quarantine answers no: Redlock goes on with the
    others (a client needs a majority, not every node)."""
    import redis
    try:
        return fn(*args, **kw)
    except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
        return None


def _worker(clients, seconds, seed, stop):
    rnd = random.Random(seed)
    release = [c.register_script(RELEASE) for c in clients]
    extend = [c.register_script(EXTEND) for c in clients]
    quorum = len(clients) // 2 + 1
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stop.is_set():
        key, token = "lock:job:%d" % rnd.randrange(6), uuid.uuid4().hex
        fate = rnd.random()
        ttl = 100 if fate < 0.04 else 300 if fate < 0.08 else 1000
        if fate > 0.97:  # a client bug: an invalid TTL, answered with ERR by every node
            for c in clients:
                _call(c.set, key, token, nx=True, px=0)
        got = [bool(_call(c.set, key, token, nx=True, px=ttl)) for c in clients]
        if sum(got) < quorum:  # not held: give back what was granted
            for i, ok in enumerate(got):
                if ok:
                    _call(release[i], keys=[key], args=[token])
            time.sleep(rnd.uniform(0.005, 0.03))
            continue
        if 0.04 <= fate < 0.08:  # crashed holder: never releases, the lock expires
            continue
        time.sleep(0.15 if fate < 0.04 else rnd.uniform(0.005, 0.06))
        if fate < 0.04 or fate > 0.75:  # extend once (too late for the overrunning holder)
            for i, ok in enumerate(got):
                if ok:
                    _call(extend[i], keys=[key], args=[token, 1000])
        for i, ok in enumerate(got):
            if ok:
                _call(release[i], keys=[key], args=[token])
        time.sleep(rnd.uniform(0.0, 0.02))


def run(addrs, seconds, workers=3, password=None, seed=1):
    """addrs: [(host, port)]. Runs `workers` threads for `seconds`; raises a worker's error."""
    import redis
    stop, errors = threading.Event(), []

    def target(n):
        clients = [redis.Redis(host=h, port=p, password=password, socket_timeout=5)
                   for h, p in addrs]
        try:
            _worker(clients, seconds, seed * 100 + n, stop)
        except Exception as e:  # noqa: BLE001 - reported to the caller below
            errors.append(e)
            stop.set()
        finally:
            for c in clients:
                c.close()

    threads = [threading.Thread(target=target, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", required=True, help="host:port,host:port,...")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=3)
    args = ap.parse_args()
    addrs = [(a.rsplit(":", 1)[0], int(a.rsplit(":", 1)[1])) for a in args.nodes.split(",")]
    run(addrs, args.seconds, args.workers, os.environ.get("LOCKNODE_PASSWORD") or None)


if __name__ == "__main__":
    main()
