#!/usr/bin/env python3
"""Side-by-side benchmark: locknode (A) against Debian's redis-server (B). Run via run.sh.

Every (round, workload, server) gets a freshly started server pinned to CPU 0; the load
generator (locknode_loadgen, tests/bench/loadgen) runs pinned to CPU 1 and measures the server's
CPU (/proc/<pid>/stat), RSS (/proc/<pid>/status) and its own CPU. Rounds alternate A B A B.
Prints per metric both medians, the ratio of the medians, the min..max of the per-round ratios
(A_r / B_r) and whether the issue's target is met; writes everything (raw runs too) to JSON.
Python 3 standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

# (workload, loadgen arguments). {keys}, {seconds}, ... are filled from the command line.
WORKLOADS = {
    "acquire": "--mode acquire --clients 50 --pipeline 1 --keys 1000000 --px 30000",
    "acquire_p32": "--mode acquire --clients 50 --pipeline 32 --keys 1000000 --px 30000",
    "contended": "--mode contended --clients 50 --pipeline 1 --px 30000",
    "release": "--mode release --clients 50 --pipeline 1 --keys {held_keys}",
    # Redis 8.4's DELEX IFEQ release of the same keys. Redis 7.0 has no DELEX: locknode only,
    # compared with the EVALSHA release of both servers in the same run (CROSS below).
    "delex_release": "--mode delex_release --clients 50 --pipeline 1 --keys {held_keys}",
    # Fencing-token counters: INCR on 1000 counters.
    "incr": "--mode incr --clients 50 --pipeline 1 --keys 1000",
    "cycle": "--mode cycle --clients 50 --keys 1000000 --px 30000",
    # StackExchange.Redis's LockRelease below 8.4: SET NX PX, then WATCH+GET, MULTI+DEL+EXEC.
    "txcycle": "--mode txcycle --clients 50 --keys 1000000 --px 30000",
    "latency": "--mode latency --clients 50 --rate {rate} --keys 1000000 --px 30000",
    "memory": "--mode memory --clients 50 --keys {fill_keys} --px 600000",
    "expiry": "--mode expiry --clients 50 --keys {fill_keys} --px 2000",
    "idle": "--mode idle --idle-conns {idle_conns}",
    # The same connections never sending a byte: what a pool's spare connections cost.
    "idle_silent": "--mode idle --idle-ping no --idle-conns {idle_conns}",
    # redis-semaphore's Semaphore (sorted set): acquire script + ZREM, limit 10, 50 clients.
    "semaphore": "--mode semaphore --clients 50 --px 30000",
    "semaphore_memory": "--mode semaphore_memory --clients 50 --keys {sem_holders} --px 600000",
    # Redisson RLock: its tryLock script, and its unlock script with its PUBLISH (to a channel
    # nobody subscribes to: the cost of the publish itself, not of a delivery).
    "hash_cycle": "--mode cycle --hash yes --clients 50 --keys 1000000 --px 30000",
    "hash_memory": "--mode memory --hash yes --clients 50 --keys {fill_keys} --px 600000",
    "publish": "--mode publish --clients 8 --pipeline 32",
    # python-redis-lock's wait: 50 clients blocked in BLPOP on one list, one pusher.
    "handoff": "--mode handoff --clients 50 --pipeline 8",
}

# (workload, metric, label, target ratio locknode/redis, "ge" (>= target) or "le"); None: info.
METRICS = [
    ("acquire", "ops_per_sec", "acquire ops/s", 1.3, "ge"),
    ("acquire", "server_cpu_us_per_op", "acquire server CPU us/op", 0.75, "le"),
    ("acquire_p32", "ops_per_sec", "acquire P32 ops/s", 2.0, "ge"),
    ("contended", "ops_per_sec", "contended ops/s", 1.5, "ge"),
    ("contended", "server_cpu_us_per_op", "  server CPU us/op", None, None),
    ("release", "ops_per_sec", "release ops/s", 3.0, "ge"),
    ("release", "server_cpu_us_per_op", "  server CPU us/op", None, None),
    ("incr", "ops_per_sec", "incr ops/s", None, None),
    ("incr", "server_cpu_us_per_op", "incr server CPU us/op", 0.7, "le"),
    ("cycle", "ops_per_sec", "full cycle cycles/s", 1.5, "ge"),
    ("cycle", "server_cpu_us_per_op", "  server CPU us/cycle", None, None),
    ("txcycle", "ops_per_sec", "tx release cycles/s", None, None),
    ("txcycle", "server_cpu_us_per_op", "  server CPU us/tx cycle", 0.7, "le"),
    ("latency", "p50_us", "acquire@rate p50 us", None, None),
    ("latency", "p99_us", "acquire@rate p99 us", 0.8, "le"),
    ("latency", "p999_us", "acquire@rate p99.9 us", None, None),
    ("memory", "bytes_per_lock", "bytes per lock", 0.5, "le"),
    ("expiry", "reclaim_after_deadline_ms", "expiry reclaim ms", 0.5, "le"),
    ("expiry", "expiry_cpu_net_s", "expiry server CPU s", 0.5, "le"),
    ("expiry", "reclaim_server_cpu_s", "  of which after fill", None, None),
    ("idle", "bytes_per_conn", "bytes per idle conn", 1.0, "le"),
    ("idle_silent", "bytes_per_conn", "  never sent a command", 1.0, "le"),
    ("semaphore", "server_cpu_us_per_op", "semaphore server CPU us/cycle", 0.7, "le"),
    ("semaphore", "ops_per_sec", "  semaphore cycles/s", None, None),
    ("semaphore_memory", "bytes_per_semaphore", "bytes per 10-holder semaphore", 1.0, "le"),
    ("hash_cycle", "ops_per_sec", "Redisson lock cycles/s", None, None),
    ("hash_cycle", "server_cpu_us_per_op", "  server CPU us/cycle", 0.6, "le"),
    ("hash_memory", "bytes_per_lock", "bytes per hash lock", 0.5, "le"),
    ("idle", "p99_us", "PING p99 us w/ idle", None, None),
    ("publish", "ops_per_sec", "publish->1 sub msgs/s", None, None),
    ("publish", "server_cpu_us_per_op", "  server CPU us/msg", 0.6, "le"),
    ("handoff", "ops_per_sec", "BLPOP handoffs/s (50 waiters)", None, None),
    ("handoff", "server_cpu_us_per_op", "  server CPU us/handoff", 0.7, "le"),
]


# Workloads only locknode can run (commands Redis 7.0 lacks).
LOCKNODE_ONLY = {"delex_release"}

# Cross-workload rows: (workload A, server A, workload B, server B, metric, label, target, how).
CROSS = [
    ("delex_release", "locknode", "release", "locknode", "server_cpu_us_per_op",
     "DELEX vs own EVALSHA us/op", 1.0, "le"),
    ("delex_release", "locknode", "release", "redis", "server_cpu_us_per_op",
     "DELEX vs redis EVALSHA us/op", None, None),
    ("delex_release", "locknode", "release", "locknode", "ops_per_sec",
     "DELEX vs own EVALSHA ops/s", None, None),
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ping(port, deadline=10.0):
    end = time.time() + deadline
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"server on port {port} did not answer PING")


class Server:
    def __init__(self, kind, locknode, tmp, server_cpu, locknode_args=()):
        """kind "redis" starts redis-server; any other kind the `locknode` binary given."""
        self.kind = kind
        if kind != "redis":
            port_file = os.path.join(tmp, "locknode.port")
            if os.path.exists(port_file):
                os.unlink(port_file)
            cmd = ["taskset", "-c", server_cpu, locknode, "--port", "0", "--port-file", port_file,
                   "--loglevel", "warn", "--maxclients", "10100", *locknode_args]
            self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                         stderr=open(os.path.join(tmp, "locknode.log"), "a"))
            end = time.time() + 10
            while not (os.path.exists(port_file) and os.path.getsize(port_file) > 0):
                if time.time() > end or self.proc.poll() is not None:
                    raise RuntimeError("locknode did not start (see its log)")
                time.sleep(0.02)
            self.port = int(open(port_file).read().strip())
        else:
            self.port = free_port()
            cmd = ["taskset", "-c", server_cpu, "redis-server", "--port", str(self.port),
                   "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp,
                   "--logfile", os.path.join(tmp, "redis.log"), "--maxclients", "10100"]
            self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_ping(self.port)
        self.pid = self.proc.pid  # taskset execs the server: same pid

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run_loadgen(loadgen, server, args, gen_cpu, timeout):
    cmd = ["taskset", "-c", gen_cpu, loadgen, "--port", str(server.port), "--pid", str(server.pid)]
    cmd += args
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"loadgen failed ({' '.join(cmd)}): {out.stderr.strip()} {out.stdout}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


def machine_info():
    info = {"uname": " ".join(platform.uname()), "nproc": os.cpu_count()}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        info["loadavg_start"] = open("/proc/loadavg").read().strip()
    except OSError:
        pass
    try:
        info["redis_server"] = subprocess.run(["redis-server", "--version"], capture_output=True,
                                              text=True).stdout.strip()
    except OSError:
        pass
    return info


def run_micro(build, min_time):
    results = {}
    for name in ("parser", "wheel", "dispatch"):
        exe = os.path.join(build, "tests", "bench", f"locknode_bench_{name}")
        if not os.path.exists(exe):
            continue
        out = subprocess.run(["taskset", "-c", "0", exe, "--benchmark_format=json",
                              f"--benchmark_min_time={min_time}"], capture_output=True, text=True)
        if out.returncode != 0:
            print(f"micro-benchmark {name} failed: {out.stderr.strip()}", file=sys.stderr)
            continue
        results[name] = json.loads(out.stdout)["benchmarks"]
    return results


def compare(values, names, a_kind, b_kind, with_targets=False):
    """One row per METRICS entry: medians of a_kind and b_kind, their ratio, per-round ratios."""
    rows = []
    for w, metric, label, target, how in METRICS:
        if w not in names:
            continue
        a_vals, b_vals = values(w, a_kind, metric), values(w, b_kind, metric)
        if not a_vals or not b_vals or None in a_vals or None in b_vals:
            continue
        ma, mb = statistics.median(a_vals), statistics.median(b_vals)
        ratio = ma / mb if mb else None
        per_round = [x / y for x, y in zip(a_vals, b_vals) if y]
        met = None
        if not with_targets:
            target = None
        if target is not None and ratio is not None:
            met = ratio >= target if how == "ge" else ratio <= target
        rows.append({"workload": w, "metric": metric, "label": label, a_kind: a_vals,
                     b_kind: b_vals, f"{a_kind}_median": ma, f"{b_kind}_median": mb, "ratio": ratio,
                     "round_ratio_min": min(per_round) if per_round else None,
                     "round_ratio_max": max(per_round) if per_round else None,
                     "target": (">=" if how == "ge" else "<=") + f" {target}x" if target else "",
                     "met": met})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build-bench", help="build dir with locknode and the loadgen")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0, help="measured seconds per throughput run")
    ap.add_argument("--warmup", type=float, default=0.5)
    ap.add_argument("--rate", type=float, default=10000, help="acquire rate of the latency workload")
    ap.add_argument("--fill-keys", type=int, default=1000000, help="locks for memory and expiry")
    ap.add_argument("--held-keys", type=int, default=500000, help="prefilled held keys (release)")
    ap.add_argument("--idle-conns", type=int, default=10000)
    ap.add_argument("--semaphores", type=int, default=50000,
                    help="10-holder semaphores for semaphore_memory")
    ap.add_argument("--only", default="", help="comma-separated subset of: " + ",".join(WORKLOADS))
    ap.add_argument("--json", default="", help="output file (default <build>/side_by_side.json)")
    ap.add_argument("--micro", action="store_true", help="also run the Google Benchmark binaries")
    ap.add_argument("--server-cpu", default="0")
    ap.add_argument("--gen-cpu", default="1")
    ap.add_argument("--baseline", default="",
                    help="build dir of another locknode (e.g. an older commit): it runs as a third "
                         "server in every round, and a second table compares locknode with it")
    ap.add_argument("--locknode-arg", action="append", default=[],
                    help="extra locknode option, repeatable (e.g. --locknode-arg=--io-uring=no "
                         "for what a container with the default seccomp profile gets)")
    a = ap.parse_args()

    locknode = os.path.join(a.build, "locknode")
    loadgen = os.path.join(a.build, "tests", "bench", "locknode_loadgen")
    binaries = {"locknode": locknode, "redis": None}
    if a.baseline:
        binaries = {"locknode": locknode, "baseline": os.path.join(a.baseline, "locknode"),
                    "redis": None}
    for path in [loadgen] + [b for b in binaries.values() if b]:
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: configure with -DLOCKNODE_BENCH=ON and build first")
    if not shutil.which("redis-server"):
        sys.exit("redis-server missing (apt-get install redis-server)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # idle: 10,000 connections
    if hard < a.idle_conns + 200:
        sys.exit(f"open-file limit {hard} is too low for {a.idle_conns} idle connections")

    names = [w for w in WORKLOADS if not a.only or w in a.only.split(",")]
    params = {"held_keys": a.held_keys, "rate": a.rate, "fill_keys": a.fill_keys,
              "idle_conns": a.idle_conns, "sem_holders": a.semaphores * 10}
    common = ["--seconds", str(a.seconds), "--warmup", str(a.warmup)]
    info = machine_info()
    started = datetime.datetime.now(datetime.timezone.utc)
    runs = []  # {round, workload, server, result}
    tmp = tempfile.mkdtemp(prefix="locknode-bench-")
    try:
        for r in range(a.rounds):
            for w in names:
                args = WORKLOADS[w].format(**params).split() + common
                for kind, binary in binaries.items():  # A (then the baseline) then B
                    if kind == "redis" and w in LOCKNODE_ONLY:
                        continue
                    server = Server(kind, binary, tmp, a.server_cpu, a.locknode_arg)
                    try:
                        res = run_loadgen(loadgen, server, args, a.gen_cpu, timeout=300)
                    finally:
                        server.stop()
                    runs.append({"round": r, "workload": w, "server": kind, "result": res,
                                 "loadavg": open("/proc/loadavg").read().split()[0]})
                    print(f"round {r + 1}/{a.rounds} {w:<12} {kind:<8} " +
                          " ".join(f"{k}={fmt(res[k])}" for k in
                                   ("ops_per_sec", "p99_us", "bytes_per_lock", "bytes_per_conn",
                                    "reclaim_after_deadline_ms", "server_cpu_pct", "gen_cpu_pct")
                                   if k in res), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # Expiry CPU net of the fill: (fill + expiry) minus the same round's memory fill (1M SETs,
    # nothing expiring). Redis fills slower than PX 2000, so part of its expiry work happens
    # during the fill; "reclaim_server_cpu_s" alone would miss it.
    for x in runs:
        if x["workload"] == "expiry" and "total_server_cpu_s" in x["result"]:
            mem = [m for m in runs if m["workload"] == "memory" and m["round"] == x["round"]
                   and m["server"] == x["server"]]
            if mem and a.fill_keys == x["result"]["keys"]:
                x["result"]["expiry_cpu_net_s"] = (x["result"]["total_server_cpu_s"] -
                                                   mem[0]["result"]["fill_server_cpu_s"])

    def values(w, server, metric):
        return [x["result"].get(metric) for x in sorted(runs, key=lambda x: x["round"])
                if x["workload"] == w and x["server"] == server]

    rows = compare(values, names, "locknode", "redis", with_targets=True)
    baseline_rows = compare(values, names, "locknode", "baseline") if a.baseline else []

    for wa, sa, wb, sb, metric, label, target, how in CROSS:
        if wa not in names or wb not in names:
            continue
        a_vals, b_vals = values(wa, sa, metric), values(wb, sb, metric)
        if not a_vals or not b_vals or None in a_vals or None in b_vals:
            continue
        ma, mb = statistics.median(a_vals), statistics.median(b_vals)
        ratio = ma / mb if mb else None
        per_round = [x / y for x, y in zip(a_vals, b_vals) if y]
        met = None
        if target is not None and ratio is not None:
            met = ratio >= target if how == "ge" else ratio <= target
        rows.append({"workload": f"{wa}/{sa} vs {wb}/{sb}", "metric": metric, "label": label,
                     "locknode": a_vals, "redis": b_vals, "locknode_median": ma,
                     "redis_median": mb, "ratio": ratio,
                     "round_ratio_min": min(per_round) if per_round else None,
                     "round_ratio_max": max(per_round) if per_round else None,
                     "target": (">=" if how == "ge" else "<=") + f" {target}x" if target else "",
                     "met": met})

    cpu_rows = []
    for w in names:
        row = {"workload": w}
        for kind in binaries:
            for key in ("server_cpu_pct", "gen_cpu_pct"):
                v = [x for x in values(w, kind, key) if x is not None]
                row[f"{kind}_{key}"] = statistics.median(v) if v else None
        cpu_rows.append(row)

    print()
    print(f"locknode vs redis-server, {a.rounds} rounds, {started:%Y-%m-%d %H:%M} UTC, "
          f"{info.get('cpu', '?')} x{info['nproc']}, load {info.get('loadavg_start', '?')}")
    hdr = f"{'metric':<26} {'locknode':>12} {'redis':>12} {'ratio':>7} {'rounds min..max':>16} {'target':>9} met?"
    print(hdr)
    print("-" * len(hdr))
    for x in rows:
        rr = (f"{x['round_ratio_min']:.2f}..{x['round_ratio_max']:.2f}"
              if x["round_ratio_min"] is not None else "-")
        met = "-" if x["met"] is None else ("yes" if x["met"] else "NO")
        print(f"{x['label']:<26} {fmt(x['locknode_median']):>12} {fmt(x['redis_median']):>12} "
              f"{x['ratio']:>7.2f} {rr:>16} {x['target']:>9} {met}")
    if baseline_rows:
        print()
        print(f"locknode ({a.build}) vs baseline locknode ({a.baseline}), same rounds")
        hdr = f"{'metric':<26} {'locknode':>12} {'baseline':>12} {'ratio':>7} {'rounds min..max':>16}"
        print(hdr)
        print("-" * len(hdr))
        for x in baseline_rows:
            rr = (f"{x['round_ratio_min']:.2f}..{x['round_ratio_max']:.2f}"
                  if x["round_ratio_min"] is not None else "-")
            print(f"{x['label']:<26} {fmt(x['locknode_median']):>12} "
                  f"{fmt(x['baseline_median']):>12} {x['ratio']:>7.2f} {rr:>16}")
    print()
    print("CPU during the measured interval (medians, % of one core): server on CPU "
          f"{a.server_cpu}, generator on CPU {a.gen_cpu}")
    print(f"{'workload':<12}" + "".join(f" {k + ' srv':>13} {'gen':>6}" for k in binaries))
    for c in cpu_rows:
        print(f"{c['workload']:<12}" + "".join(
            f" {fmt(c[k + '_server_cpu_pct']):>13} {fmt(c[k + '_gen_cpu_pct']):>6}"
            for k in binaries))

    # Say plainly when a closed-loop number is not a capacity figure.
    notes = []
    closed_loop = ("acquire", "acquire_p32", "contended", "release", "delex_release", "incr",
                   "cycle", "txcycle")
    for c in cpu_rows:
        for kind in binaries:
            gen, srv = c[f"{kind}_gen_cpu_pct"], c[f"{kind}_server_cpu_pct"]
            if gen is not None and gen >= 85:
                notes.append(f"{c['workload']}/{kind}: generator at {gen:.0f}% of its core: "
                             "it may be the bottleneck")
            if c["workload"] in closed_loop and srv is not None and srv < 85:
                notes.append(f"{c['workload']}/{kind}: server only at {srv:.0f}% of its core "
                             "(generator " + (f"{gen:.0f}%" if gen is not None else "?") +
                             "): neither side saturated, CPUs shared with other processes")
    for n in notes:
        print("note: " + n)

    micro = run_micro(a.build, 0.2) if a.micro else {}
    if micro:
        print()
        print("micro-benchmarks (Google Benchmark, CPU 0):")
        for name, bms in micro.items():
            for b in bms:
                extra = ""
                if "bytes_per_second" in b:
                    extra = f"  {b['bytes_per_second'] / 1e6:,.0f} MB/s"
                elif "items_per_second" in b:
                    extra = f"  {b['items_per_second'] / 1e6:,.2f} M items/s"
                print(f"  {b['name']:<40} {b['cpu_time']:>10.1f} {b['time_unit']}{extra}")

    info["loadavg_end"] = open("/proc/loadavg").read().strip()
    out = a.json or os.path.join(a.build, "side_by_side.json")
    with open(out, "w") as f:
        json.dump({"started_utc": started.isoformat(), "machine": info, "config": vars(a),
                   "summary": rows, "baseline_summary": baseline_rows, "cpu": cpu_rows, "notes": notes, "runs": runs, "micro": micro}, f, indent=1)
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()
