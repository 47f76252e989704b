#!/usr/bin/python3
"""Smoke test of bench/mrfp-bench: one tiny switch run (2 legs, 2 000 packets x 3) must emit
well-formed CSV and JSON with the expected fields, and env.json must describe the run; one
tiny group-rekey run (grekey --quick: 10 legs, 7 rekeys against a real mrfpd, ~6 s) must emit
its row with every captured packet authenticated under its key; one tiny workers run
(workers --quick, < 2 s) must emit its six scenario rows. Checks the tooling, never the
numbers (no timing assertion). Needs root for DPDK's EAL: exit 77
(skipped) otherwise. Usage: bench_smoke.py MRFP_BENCH BUILD_DIR"""
import csv, json, os, subprocess, sys, tempfile

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


def grekey(mrfp_bench, build):
    with tempfile.TemporaryDirectory(prefix="mrfp-bench-smoke-") as out:
        p = subprocess.run([sys.executable, mrfp_bench, "grekey", "--quick", "--out", out,
                            "--build", build], capture_output=True, text=True, timeout=60)
        print(p.stdout)
        print(p.stderr, file=sys.stderr)
        check(p.returncode == 0, "mrfp-bench grekey exit %d" % p.returncode)
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


def workers(mrfp_bench, build):
    with tempfile.TemporaryDirectory(prefix="mrfp-bench-smoke-") as out:
        p = subprocess.run([sys.executable, mrfp_bench, "workers", "--quick", "--out", out,
                            "--build", build], capture_output=True, text=True, timeout=30)
        print(p.stdout)
        print(p.stderr, file=sys.stderr)
        check(p.returncode == 0, "mrfp-bench workers exit %d" % p.returncode)
        with open(os.path.join(out, "workers.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        check(len(rows) == 6 and list(rows[0].keys()) == WORKERS_FIELDS and
              all(float(r["cpu_ns"]) > 0 for r in rows), "workers.csv: %s" % rows)
        with open(os.path.join(out, "workers.json")) as f:
            j = json.load(f)
        check(j["status"] == "ok" and j["columns"] == WORKERS_FIELDS and j["headline"],
              "workers.json status %s, warnings %s" % (j["status"], j["warnings"]))


def main():
    mrfp_bench, build = sys.argv[1], sys.argv[2]
    if os.geteuid() != 0:
        print("bench_smoke: needs root for DPDK (EAL)")
        return 77
    with tempfile.TemporaryDirectory(prefix="mrfp-bench-smoke-") as out:
        p = subprocess.run([sys.executable, mrfp_bench, "switch", "--quick", "--out", out,
                            "--build", build], capture_output=True, text=True, timeout=50)
        print(p.stdout)
        print(p.stderr, file=sys.stderr)
        check(p.returncode == 0, "mrfp-bench exit %d" % p.returncode)
        check("| legs" in p.stdout and "report in" in p.stdout, "no human table on stdout")

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
    grekey(mrfp_bench, build)
    workers(mrfp_bench, build)
    print("bench_smoke: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
