"""Draws conf/grafana/locknode-redlock.json's panels to a PNG from a real Prometheus (no Grafana).

Grafana is not packaged for Debian (nor on npm), so docs/dashboard.png is made by this script:
every panel's queries, with the variables substituted as Grafana would (tools/dashboard_promql.py),
are run through Prometheus's HTTP API (query_range for time series, an instant query at the end
for stats) and drawn at the panel's grid position with matplotlib. Colours, thresholds and value
mappings follow the JSON; styling is not Grafana's.

  python3 tools/render_dashboard.py --prometheus http://127.0.0.1:9090 --start T0 --end T1 \
      --instances node1:6379,node2:6379,... --out docs/dashboard.png [--note "what ran"]
"""
import argparse
import datetime
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dashboard_promql as dq  # noqa: E402

COLORS = {"green": "#37872d", "orange": "#fa6400", "red": "#c4162a", "yellow": "#e0b400"}
UNITS = {"ops": "/s", "percentunit": "ratio", "ms": "ms", "µs": "µs", "bytes": "bytes", "s": "s"}


def step_color(steps, value):
    color = steps[0]["color"]
    for s in steps[1:]:
        if value >= s["value"]:
            color = s["color"]
    return COLORS.get(color, color)


def mapped(mappings, value):
    for m in mappings:
        if m["type"] == "value" and str(int(value)) in m["options"]:
            o = m["options"][str(int(value))]
            return o["text"], COLORS.get(o["color"], o["color"])
    return None, None


def draw_stat(ax, panel, args, range_s):
    defaults = panel["fieldConfig"]["defaults"]
    steps = defaults["thresholds"]["steps"]
    values = []
    for t in panel["targets"]:
        expr = dq.expand(t["expr"], args.instances, args.rate_interval, range_s)
        status, result = dq.query(args.prometheus, expr, args.end)
        if status != "success":
            raise RuntimeError("%s: %s" % (expr, result))
        for r in sorted(result, key=lambda r: dq.legend(t["legendFormat"], r["metric"])):
            values.append((dq.legend(t["legendFormat"], r["metric"]), float(r["value"][1])))
    ax.set_axis_off()
    ax.set_title(panel["title"], fontsize=9, loc="left")
    n = max(len(values), 1)
    for i, (label, v) in enumerate(values):
        text, color = mapped(defaults.get("mappings", []), v)
        text = text or ("%.0f" % v if abs(v - round(v)) < 0.05 else "%.1f" % v)
        color = color or step_color(steps, v)
        x0 = i / n
        ax.add_patch(plt.Rectangle((x0 + 0.01, 0.02), 1 / n - 0.02, 0.9, color=color,
                                   transform=ax.transAxes))
        ax.text(x0 + 0.5 / n, 0.5, text, ha="center", va="center", color="white",
                fontsize=22 if n == 1 else 12, weight="bold", transform=ax.transAxes)
        if n > 1 or label not in ("up", "expired", "missed"):
            ax.text(x0 + 0.5 / n, 0.12, label, ha="center", va="center", color="white",
                    fontsize=7, transform=ax.transAxes)


def draw_timeseries(ax, panel, args, range_s):
    defaults = panel["fieldConfig"]["defaults"]
    for t in panel["targets"]:
        expr = dq.expand(t["expr"], args.instances, args.rate_interval, range_s)
        for r in dq.query_range(args.prometheus, expr, args.start, args.end, args.step):
            xs = [datetime.datetime.fromtimestamp(float(ts), datetime.timezone.utc)
                  for ts, _ in r["values"]]
            ys = [float(v) for _, v in r["values"]]
            ax.plot(xs, ys, linewidth=1, label=dq.legend(t["legendFormat"], r["metric"]))
    if defaults["custom"]["thresholdsStyle"]["mode"] == "line":
        for s in defaults["thresholds"]["steps"][1:]:
            ax.axhline(s["value"], color=COLORS.get(s["color"], s["color"]), linestyle="--",
                       linewidth=1)
    if "min" in defaults:
        ax.set_ylim(bottom=defaults["min"])
    unit = UNITS.get(defaults.get("unit"), "")
    ax.set_title(panel["title"] + (" [%s]" % unit if unit and unit not in panel["title"] else ""),
                 fontsize=9, loc="left")
    ax.tick_params(labelsize=7)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S"))
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(fontsize=6, ncol=3 if len(handles) > 6 else 2, loc="upper left")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prometheus", required=True)
    ap.add_argument("--start", type=float, required=True)
    ap.add_argument("--end", type=float, required=True)
    ap.add_argument("--step", default="2")
    ap.add_argument("--rate-interval", type=int, default=60, help="$__rate_interval, seconds")
    ap.add_argument("--instances", required=True, help="comma-separated instance labels")
    ap.add_argument("--note", default="", help="what ran, printed in the header")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    args.instances = args.instances.split(",")
    range_s = int(args.end - args.start)

    dash = dq.load()
    height = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in dash["panels"])
    fig = plt.figure(figsize=(22, height * 0.33))
    top = 0.955  # room for the header
    unit_h = top / height
    for p in dash["panels"]:
        g = p["gridPos"]
        left, bottom = g["x"] / 24 + 0.03, top - (g["y"] + g["h"]) * unit_h
        width, h = g["w"] / 24 - 0.04, g["h"] * unit_h
        if p["type"] == "row":
            fig.text(0.01, bottom + h * 0.2, p["title"], fontsize=12, weight="bold")
            continue
        ax = fig.add_axes([left, bottom + unit_h * 0.9, width, h - unit_h * 1.6])
        (draw_stat if p["type"] == "stat" else draw_timeseries)(ax, p, args, range_s)
    when = "%s to %s UTC" % tuple(
        datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        for t in (args.start, args.end))
    fig.text(0.01, 0.985, "%s (conf/grafana/locknode-redlock.json)" % dash["title"], fontsize=15,
             weight="bold")
    fig.text(0.01, 0.968, "NOT a Grafana screenshot: drawn by tools/render_dashboard.py with "
             "matplotlib from the dashboard's own queries against a real Prometheus 2.42 scrape, "
             "%s. %s" % (when, args.note), fontsize=9, style="italic")
    fig.savefig(args.out, dpi=72)
    print("wrote %s" % args.out)


if __name__ == "__main__":
    main()
