#!/usr/bin/python3
"""Smoke test of bench/mrfp-bench: `mrfp-bench all --quick` runs every scenario once in its
quick form (~15 s). Every scenario must end "ok", with results, and every program it ran must
exit 0: a benchmark that crashes, times out, exits non-zero or prints nothing fails here. Then
the outputs of three scenarios are read in detail: switch (well-formed CSV and JSON with the
expected fields, env.json describing the run), grekey (10 legs, 7 rekeys against a real
mrfpd, every captured packet authenticated under its key) and workers (six scenario rows).
Checks the tooling, never the numbers (no timing assertion). Needs root for DPDK's EAL:
exit 77 (skipped) otherwise. Usage: bench_smoke.py MRFP_BENCH BUILD_DIR"""
import csv, json, os, re, subprocess, sys, tempfile

GREKEY_FIELDS = ["legs", "install_p50_ms", "install_p99_ms", "switch_p50_ms", "switch_p99_ms",
                 "retire_p50_ms", "retire_p99_ms", "both_p50_ms", "both_p99_ms",
                 "all_install_p50_ms", "all_switch_p50_ms",
                 "all_retire_p50_ms", "packets", "auth_bad", "keys_used", "keys_total"]
SWITCH_FIELDS = ["suite", "legs", "packets", "reps", "bare_ns", "pipeline_ns", "rate_ratio",
                 "drops", "sent", "expected", "rc", "valid", "note"]


def check(cond, what):
    if not cond:
        print("bench_smoke: FAIL: " + what)
        sys.exit(1)


def grekey(out):
    with open(os.path.join(out, "grekey.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 1 and list(rows[0].keys()) == GREKEY_FIELDS,
          "grekey.csv: %d rows, header %s" % (len(rows), list(rows[0].keys()) if rows else "-"))
    row = rows[0]
    check(row["legs"] == "10" and float(row["switch_p50_ms"]) > 0, "grekey.csv row %s" % row)
    check(int(row["packets"]) > 0 and int(row["auth_bad"]) == 0 and int(row["keys_used"]) > 0,
          "grekey.csv: capture packets %s, not authenticating %s, keys seen %s" % (
              row["packets"], row["auth_bad"], row["keys_used"]))
    with open(os.path.join(out, "grekey.json")) as f:
        j = json.load(f)
    check(j["scenario"] == "grekey" and j["status"] == "ok" and j["columns"] == GREKEY_FIELDS,
          "grekey.json status %s" % j["status"])
    check(isinstance(j["results"][0]["switch_p99_ms"], float), "grekey.json result types")


WORKERS_FIELDS = ["scenario", "mpps_wall", "cpu_ns", "busy_ns", "handoff_batch"]


def workers(out):
    with open(os.path.join(out, "workers.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 6 and list(rows[0].keys()) == WORKERS_FIELDS and
          all(float(r["cpu_ns"]) > 0 for r in rows), "workers.csv: %s" % rows)
    with open(os.path.join(out, "workers.json")) as f:
        j = json.load(f)
    check(j["status"] == "ok" and j["columns"] == WORKERS_FIELDS and j["headline"],
          "workers.json status %s, warnings %s" % (j["status"], j["warnings"]))


def scenarios(mrfp_bench):
    """The scenario list as mrfp-bench itself declares it."""
    with open(mrfp_bench) as f:
        m = re.search(r"^SCENARIOS = (\[.*?\])$", f.read(), re.M)
    check(m is not None, "no SCENARIOS list in %s" % mrfp_bench)
    return json.loads(m.group(1))


def every_scenario(out, names):
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)["scenarios"]
    check(sorted(summary) == sorted(names), "summary.json scenarios %s, want %s" %
          (sorted(summary), sorted(names)))
    for name in names:
        with open(os.path.join(out, name + ".json")) as f:
            j = json.load(f)
        bad = [r for r in j["runs"] if r["rc"] != 0]
        check(not bad, "%s: %s" % (name, "; ".join("%s exited %s (raw log %s)" %
                                                   (r["cmd"], r["rc"], r["log"]) for r in bad)))
        check(j["status"] == "ok", "%s: status %s, warnings %s" % (name, j["status"], j["warnings"]))
        check(j["results"], "%s: no results" % name)
        print("bench_smoke: %-9s ok (%d results, %d runs)" % (name, len(j["results"]), len(j["runs"])))


def switch(out, stdout):
    check("| legs" in stdout and "report in" in stdout, "no human table on stdout")
    with open(os.path.join(out, "switch.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
        check(rows and list(rows[0].keys()) == SWITCH_FIELDS,
              "switch.csv header %s" % (list(rows[0].keys()) if rows else "(empty)"))
    check(len(rows) == 1, "switch.csv: %d rows, want 1" % len(rows))
    row = rows[0]
    check(row["suite"] == "AES_CM_128_HMAC_SHA1_80" and row["legs"] == "2", "switch.csv row")
    for k in ("bare_ns", "pipeline_ns", "rate_ratio"):
        check(float(row[k]) > 0, "switch.csv %s = %s" % (k, row[k]))
    check(int(row["drops"]) == 0 and row["valid"] == "True", "switch.csv: drops or invalid")
    check(int(row["sent"]) >= int(row["expected"]) == int(row["packets"]) * int(row["reps"]),
          "switch.csv sent/expected")

    with open(os.path.join(out, "switch.json")) as f:
        j = json.load(f)
    for k in ("scenario", "status", "headline", "columns", "results", "runs", "notes",
              "warnings"):
        check(k in j, "switch.json: no %s" % k)
    check(j["scenario"] == "switch" and j["status"] == "ok", "switch.json status %s" % j["status"])
    check(j["columns"] == SWITCH_FIELDS, "switch.json columns")
    r = j["results"][0]
    check(isinstance(r["bare_ns"], float) and isinstance(r["legs"], int) and
          r["valid"] is True, "switch.json result types")
    check(abs(r["rate_ratio"] - float(row["rate_ratio"])) < 1e-9, "JSON and CSV disagree")
    check(len(j["headline"]) == 1 and j["runs"][0]["rc"] == 0, "switch.json headline/runs")
    check(os.path.exists(os.path.join(out, j["runs"][0]["log"])), "raw log missing")

    with open(os.path.join(out, "env.json")) as f:
        env = json.load(f)
    check(env["cpu"]["model"] and isinstance(env["cpu"]["flags"], list) and
          env["cpu"]["flags"], "env.json cpu")
    check(env["kernel"] and env["date"] and env["engine"], "env.json kernel/date/engine")
    check(env["versions"]["dpdk"] and env["versions"]["libsrtp"] and
          env["versions"]["openssl"], "env.json versions %s" % env["versions"])
    check(env["git"]["commit"] is None or len(env["git"]["commit"]) == 40, "env.json git")
    with open(os.path.join(out, "summary.json")) as f:
        check(json.load(f)["scenarios"]["switch"]["status"] == "ok", "summary.json")


def main():
    mrfp_bench, build = sys.argv[1], sys.argv[2]
    if os.geteuid() != 0:
        print("bench_smoke: needs root for DPDK (EAL)")
        return 77
    names = scenarios(mrfp_bench)
    with tempfile.TemporaryDirectory(prefix="mrfp-bench-smoke-") as out:
        p = subprocess.run([sys.executable, mrfp_bench, "all", "--quick", "--no-plots",
                            "--out", out, "--build", build], capture_output=True, text=True,
                           timeout=240)
        print(p.stdout)
        print(p.stderr, file=sys.stderr)
        every_scenario(out, names)
        check(p.returncode == 0, "mrfp-bench all --quick exit %d" % p.returncode)
        switch(out, p.stdout)
        grekey(out)
        workers(out)
    print("bench_smoke: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
