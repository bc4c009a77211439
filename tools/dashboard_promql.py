"""The PromQL of conf/grafana/locknode-redlock.json, as Grafana would send it to Prometheus.

Used by tests/compat/python/test_dashboard_queries.py (every panel's query against a real
scrape) and tools/render_dashboard.py (the panels drawn from query_range). Grafana substitutes
its variables before it sends a query; this does the same for the ones the dashboard uses:
  $instance          multi-value, regex context: Grafana sends (a|b|c), escaped
  $__rate_interval   max(4 x scrape interval, interval + scrape interval)
  $__range           the dashboard's time range, in seconds
"""
import json
import os
import re
import urllib.parse
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DASHBOARD = os.path.join(REPO, "conf", "grafana", "locknode-redlock.json")


def load(path=DASHBOARD):
    with open(path) as f:
        return json.load(f)


def panels(dash):
    """Non-row panels in the dashboard's order (a row holds its panels only when collapsed)."""
    out = []
    for p in dash["panels"]:
        if p["type"] == "row":
            out.extend(p.get("panels", []))
        else:
            out.append(p)
    return out


def instance_regex(instances):
    return "(" + "|".join(re.escape(i) for i in instances) + ")"


def expand(expr, instances, rate_interval_s, range_s):
    out = expr.replace("$__rate_interval", "%ds" % rate_interval_s)
    out = out.replace("$__range", "%ds" % range_s)
    out = out.replace("$instance", instance_regex(instances).replace("\\", "\\\\"))
    left = re.findall(r"\$\{?\w+", out)
    if left:
        raise ValueError("variable(s) %s not substituted in %s" % (left, expr))
    return out


def _get(base, path, params):
    url = "%s%s?%s" % (base, path, urllib.parse.urlencode(params))
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:  # Prometheus reports bad queries as 400 with a JSON body
        return json.load(e)


def query(base, expr, at):
    """(status, result or error text) of an instant query."""
    body = _get(base, "/api/v1/query", {"query": expr, "time": "%.3f" % at})
    if body.get("status") != "success":
        return "error", "%s: %s" % (body.get("errorType"), body.get("error"))
    return "success", body["data"]["result"]


def query_range(base, expr, start, end, step):
    body = _get(base, "/api/v1/query_range",
                {"query": expr, "start": "%.3f" % start, "end": "%.3f" % end, "step": step})
    if body.get("status") != "success":
        raise RuntimeError("%s: %s (%s)" % (body.get("errorType"), body.get("error"), expr))
    return body["data"]["result"]


def legend(fmt, labels):
    """Grafana's {{label}} legend format."""
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), fmt)
