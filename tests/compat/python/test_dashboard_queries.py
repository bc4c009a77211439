"""Every query of the Grafana dashboard (conf/grafana/locknode-redlock.json) against a real scrape.

Three locknode nodes, one prometheus-redis-exporter in multi-target mode with
--script=conf/exporter/locks.lua, and Debian's Prometheus 2.42 scraping every second with
conf/prometheus/prometheus.yml (only the node and exporter addresses and the interval changed)
and its alert rules (conf/prometheus/alerts.yml).
After a Redlock workload (tools/lock_workload.py: contention, releases, extensions, locks left
to expire, late releases, error replies) each panel target, with Grafana's variables
substituted (tools/dashboard_promql.py), must be valid PromQL with a non-empty result, and
cover every node where its legend is per node. The lock-safety stats must show the expiries and
late releases the workload caused. Also checks the dashboard's structure.

The panels are also drawn from this run (tools/render_dashboard.py) into a temp file, or to
LOCKNODE_DASHBOARD_PNG=path.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(REPO, "tools"))
import dashboard_promql as dq  # noqa: E402
import lock_workload  # noqa: E402

EXPORTER = "prometheus-redis-exporter"
PROMETHEUS = "prometheus"
NODES = 3
SCRAPE_S = 1
WORKLOAD_S = 8


def check_structure(dash):
    assert 38 <= dash["schemaVersion"] <= 39, dash["schemaVersion"]
    names = {v["name"]: v for v in dash["templating"]["list"]}
    assert names["datasource"]["type"] == "datasource"
    assert names["datasource"]["query"] == "prometheus"
    assert names["instance"]["multi"] and names["instance"]["includeAll"]
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids)), ids
    cells = set()
    for p in dash["panels"]:
        g = p["gridPos"]
        assert g["x"] >= 0 and g["w"] > 0 and g["x"] + g["w"] <= 24, (p["title"], g)
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                assert (x, y) not in cells, "panel %r overlaps another at %s" % (p["title"], (x, y))
                cells.add((x, y))
    for p in dq.panels(dash):
        assert p["datasource"]["uid"] == "${datasource}", p["title"]
        assert p["targets"], p["title"]
        for t in p["targets"]:
            assert t["datasource"]["uid"] == "${datasource}", p["title"]
            assert "$instance" in t["expr"], (p["title"], t["expr"])


def prometheus_config(path, node_ports, exporter_port):
    """conf/prometheus/prometheus.yml with this run's addresses and a 1 s scrape interval."""
    import yaml
    with open(os.path.join(REPO, "conf", "prometheus", "prometheus.yml")) as f:
        conf = yaml.safe_load(f)
    conf["rule_files"] = [os.path.join(REPO, "conf", "prometheus", f) for f in conf["rule_files"]]
    conf["global"]["scrape_interval"] = "%ds" % SCRAPE_S
    conf["global"]["evaluation_interval"] = "%ds" % SCRAPE_S
    for job in conf["scrape_configs"]:
        for sc in job.get("static_configs", []):
            if job["job_name"] == "locknode":
                sc["targets"] = ["127.0.0.1:%d" % p for p in node_ports]
            else:
                sc["targets"] = ["127.0.0.1:%d" % exporter_port]
        for rc in job.get("relabel_configs", []):
            if rc.get("target_label") == "__address__":
                rc["replacement"] = "127.0.0.1:%d" % exporter_port
    with open(path, "w") as f:
        yaml.safe_dump(conf, f)


def wait_http(url, timeout, proc, what):
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s" % (what, proc.returncode))
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def wait_query(base, expr, want, timeout):
    deadline = time.monotonic() + timeout
    while True:
        status, result = dq.query(base, expr, time.time())
        if status == "success" and want(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError("%s: %s %s" % (expr, status, result))
        time.sleep(0.25)


def main():
    if harness.use_real_redis():
        print("runs locknode's lock metrics; nothing to do with LOCKNODE_COMPAT_SERVER")
        return
    for tool, pkg in ((EXPORTER, "prometheus-redis-exporter"), (PROMETHEUS, "prometheus")):
        if shutil.which(tool) is None:
            harness.fail_missing("%s (apt-get install %s; .ci/install-deps test)" % (tool, pkg))
    for module, pkg in (("yaml", "python3-yaml"), ("matplotlib", "python3-matplotlib")):
        try:
            __import__(module)
        except ImportError:
            harness.fail_missing("python module %r (apt-get install %s; .ci/install-deps test)"
                                 % (module, pkg))
    harness.import_redis()
    dash = dq.load()
    check_structure(dash)

    work = tempfile.mkdtemp(prefix="locknode-dashboard-")
    procs, logs = [], []
    cluster = harness.Cluster(NODES)
    try:
        ports = [n.port for n in cluster.nodes]
        instances = ["127.0.0.1:%d" % p for p in ports]
        exporter_port, prom_port = harness._free_port(), harness._free_port()

        def start(argv, name):
            log = open(os.path.join(work, name + ".log"), "wb")
            logs.append(log)
            procs.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL))
            return procs[-1]

        # --redis.addr= (empty): multi-target only, /metrics has the exporter's own metrics and
        # does not try a default localhost:6379.
        exporter = start([EXPORTER, "--redis.addr=",
                          "--web.listen-address=127.0.0.1:%d" % exporter_port,
                          "--script=" + os.path.join(REPO, "conf", "exporter", "locks.lua")],
                         "exporter")
        wait_http("http://127.0.0.1:%d/metrics" % exporter_port, 10, exporter, EXPORTER)
        config = os.path.join(work, "prometheus.yml")
        prometheus_config(config, ports, exporter_port)
        prom = start([PROMETHEUS, "--config.file=" + config,
                      "--storage.tsdb.path=" + os.path.join(work, "tsdb"),
                      "--web.listen-address=127.0.0.1:%d" % prom_port], "prometheus")
        base = "http://127.0.0.1:%d" % prom_port
        wait_http(base + "/-/ready", 20, prom, PROMETHEUS)
        # Every node scraped through the exporter (instance = the node's address) before the load.
        wait_query(base, 'redis_up{job="locknode"} == 1', lambda r: len(r) == NODES, 15)
        start_t = time.time()
        lock_workload.run([("127.0.0.1", p) for p in ports], WORKLOAD_S, workers=3)
        # Two more scrapes see the workload's end and the expiries of its last abandoned locks.
        time.sleep(2.5 * SCRAPE_S)
        end_t = time.time()
        range_s = int(end_t - start_t) + 1
        with urllib.request.urlopen(base + "/api/v1/targets?state=active", timeout=10) as r:
            active = json.load(r)["data"]["activeTargets"]
        health = sorted((t["labels"]["job"], t["labels"]["instance"], t["health"]) for t in active)
        assert len(active) == NODES + 1 and all(h == "up" for _, _, h in health), health
        rate_s = 4 * SCRAPE_S  # Grafana's $__rate_interval for a 1 s scrape interval

        targets, failures = 0, []
        for p in dq.panels(dash):
            for t in p["targets"]:
                targets += 1
                expr = dq.expand(t["expr"], instances, rate_s, range_s)
                status, result = dq.query(base, expr, end_t)
                if status != "success":
                    failures.append("%s / %s: %s -> %s" % (p["title"], t["refId"], expr, result))
                    continue
                if not result:
                    failures.append("%s / %s: %s -> empty" % (p["title"], t["refId"], expr))
                    continue
                if "{{instance}}" in t.get("legendFormat", ""):
                    seen = {r["metric"].get("instance") for r in result}
                    if seen != set(instances):
                        failures.append("%s / %s: instances %s, want %s"
                                        % (p["title"], t["refId"], sorted(seen), instances))
        assert not failures, "\n".join(failures)

        # The lock-safety stats show what the workload did (expiries, late releases) on every
        # node; their thresholds make them orange/red, which is the point of the run.
        stats = {p["title"]: p for p in dq.panels(dash) if p["type"] == "stat"}
        for title, minimum in (("Nodes up (Redlock quorum: 3 of 5)", NODES),
                               ("Locks expired while held (time range)", 1),
                               ("Releases after expiry (owner had lost the lock)", 1)):
            expr = dq.expand(stats[title]["targets"][0]["expr"], instances, rate_s, range_s)
            _, result = dq.query(base, expr, end_t)
            got = float(result[0]["value"][1])
            assert got >= minimum, (title, got, minimum)
            print("%s: %.1f" % (title, got))
        # conf/prometheus/alerts.yml: every rule evaluates without error, and the late releases
        # fire on every node (the rule has no `for`).
        with urllib.request.urlopen(base + "/api/v1/rules", timeout=10) as r:
            rules = [x for g in json.load(r)["data"]["groups"] for x in g["rules"]]
        bad = [(x["name"], x.get("lastError")) for x in rules if x["health"] != "ok"]
        assert len(rules) >= 14 and not bad, (len(rules), bad)
        late = [x for x in rules if x["name"] == "LockReleasedAfterExpiry"][0]
        firing = {a["labels"]["instance"] for a in late["alerts"] if a["state"] == "firing"}
        assert firing == set(instances), (firing, late)
        print("alert rules: %d, all evaluated; firing: %s" % (
            len(rules), sorted({x["name"] for x in rules if x["state"] == "firing"})))
        print("dashboard: %d panels, %d targets, all valid and non-empty over %d nodes"
              % (len(dq.panels(dash)), targets, NODES))

        # The renderer runs on every test run too (into the temp dir), so it cannot drift from
        # the dashboard's JSON unnoticed.
        png = os.environ.get("LOCKNODE_DASHBOARD_PNG") or os.path.join(work, "dashboard.png")
        subprocess.run([sys.executable, os.path.join(REPO, "tools", "render_dashboard.py"),
                        "--prometheus", base, "--start", "%.0f" % (start_t - 2),
                        "--end", "%.0f" % end_t, "--step", "1", "--rate-interval", str(rate_s),
                        "--instances", ",".join(instances), "--out", png,
                        "--note", "test_dashboard_queries.py: %d nodes, %d s workload"
                        % (NODES, WORKLOAD_S)], check=True)
        assert os.path.getsize(png) > 50000, png
        for name in ("exporter", "prometheus"):
            with open(os.path.join(work, name + ".log")) as f:
                text = f.read()
            assert "level=error" not in text, (name, text[-3000:])
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()
        for log in logs:
            log.close()
        cluster.close()
        shutil.rmtree(work, ignore_errors=True)
    print("OK")


if __name__ == "__main__":
    main()
