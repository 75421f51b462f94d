#!/usr/bin/env python3
"""The katib-sa benchmark driver.  Run it through bench/run.sh; see bench/README.md.

Builds katib-sa in release mode and bench/floor.c, generates the corpora from a
seed, measures every command several times with the commands of a group
alternated round-robin, and prints a markdown table of medians, ratios and
targets (met / missed).  Everything happens in a work directory under /tmp
that is removed at the end.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
PY = sys.executable or "python3"

FULL = {"files": [1000, 5000, 20000], "main_files": 5000, "streams": [1, 10, 50], "runs": 5, "ruamel_subset": 250}
QUICK = {"files": [200, 1000, 2000], "main_files": 1000, "streams": [1, 5, 10], "runs": 3, "ruamel_subset": 50}

TARGETS = {"check_vs_parse": 1.0, "inplace_vs_rewrite": 0.6, "inplace_vs_ruamel": 1 / 100,
           "stream_vs_parse": 2.0, "stream_rss_vs_input": 3.0, "flat": 0.25}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


# ---------------------------------------------------------------------------
# Running one command.


class Sample:
    def __init__(self, wall, rss_kb, rc, stderr):
        self.wall, self.rss_kb, self.rc, self.stderr = wall, rss_kb, rc, stderr


class Runner:
    def __init__(self, work):
        self.work = work
        self.time_bin = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
        self.time_file = os.path.join(work, "time.txt")

    def run(self, argv, stdin_path=None, stdout_path=None):
        full = [self.time_bin, "-v", "-o", self.time_file] + argv if self.time_bin else argv
        with open(stdin_path, "rb") if stdin_path else open(os.devnull, "rb") as inp, \
                open(stdout_path or os.devnull, "wb") as out, tempfile.TemporaryFile(dir=self.work) as err:
            t0 = time.perf_counter()
            p = subprocess.Popen(full, stdin=inp, stdout=out, stderr=err)
            _, status, usage = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            p.returncode = rc = os.waitstatus_to_exitcode(status)
            err.seek(0)
            err_text = err.read().decode("utf-8", "replace")
        rss = usage.ru_maxrss
        if self.time_bin:
            with open(self.time_file) as f:
                m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
            rss = int(m.group(1)) if m else None
        return Sample(wall, rss, rc, err_text)


def copy(src, dst):
    if os.path.lexists(dst):
        remove(dst)
    subprocess.run(["cp", "-a", src, dst], check=True)


def remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


class Cmd:
    """One measured command of a group.

    argv(inp) builds the command line for the input path inp.  With fresh=True
    the input is a fresh copy of source made before the run (not timed); with
    stdin=True the source file is the standard input and the standard output
    goes to a file.  ok_rc is the set of exit statuses that count as success.
    check(inp, sample) runs once after the warm-up run, for validation."""

    def __init__(self, key, argv, source, fresh=False, stdin=False, ok_rc=(0,), check=None):
        self.key, self.argv, self.source = key, argv, source
        self.fresh, self.stdin, self.ok_rc, self.check = fresh, stdin, set(ok_rc), check
        self.samples = []
        self.failed = None
        self.notes = []


class Bench:
    def __init__(self, args, work):
        self.args, self.work = args, work
        self.runner = Runner(work)
        self.results = {}  # (group, key) -> dict
        self.notes = []
        self.out_dir = os.path.join(work, "out")
        self.run_dir = os.path.join(work, "run")
        os.makedirs(self.out_dir)
        os.makedirs(self.run_dir)

    def execute(self, group, c, warm):
        inp = c.source
        if c.fresh:
            inp = os.path.join(self.run_dir, c.key + ("" if os.path.isdir(c.source) else ".yaml"))
            copy(c.source, inp)
        os.sync()  # nothing dirty left from copies or clean-ups while timing
        stdout = os.path.join(self.out_dir, "%s-%s.out" % (group, c.key))
        s = self.runner.run(c.argv(inp), stdin_path=c.source if c.stdin else None, stdout_path=stdout)
        if s.rc not in c.ok_rc:
            first = next((l for l in s.stderr.splitlines() if l.strip()), "")
            c.failed = "exit %d%s" % (s.rc, (": " + first[:160]) if first else "")
            log("  %s: FAILED, %s" % (c.key, c.failed))
        elif warm and c.check:
            c.check(inp, s)
        if c.fresh:
            remove(inp)
        return s

    def group(self, group, cmds, runs):
        log("[%s] warm-up and checks" % group)
        for c in cmds:
            self.execute(group, c, warm=True)
        active = [c for c in cmds if not c.failed]
        for r in range(runs):
            order = active[r % len(active):] + active[:r % len(active)] if active else []
            line = []
            for c in order:
                if c.failed:
                    continue
                s = self.execute(group, c, warm=False)
                if not c.failed:
                    c.samples.append(s)
                    line.append("%s %.3fs" % (c.key, s.wall))
            log("[%s] round %d/%d: %s" % (group, r + 1, runs, ", ".join(line)))
        for c in cmds:
            res = {"key": c.key, "failed": c.failed, "notes": c.notes}
            if c.samples and not c.failed:
                walls = [s.wall for s in c.samples]
                rss = [s.rss_kb for s in c.samples if s.rss_kb is not None]
                res.update(median=statistics.median(walls), min=min(walls), max=max(walls), walls=walls,
                           rss_kb=max(rss) if rss else None)
            self.results[(group, c.key)] = res
        return {c.key: self.results[(group, c.key)] for c in cmds}


# ---------------------------------------------------------------------------
# Set-up: tools, binaries, corpora.


def machine_info(work):
    info = {"nproc": len(os.sched_getaffinity(0)), "cpu": "unknown", "kernel": "%s %s" % (platform.system(), platform.release()),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "mem": "?", "fs": "?"}
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            if m:
                info["cpu"] = m.group(1).strip()
        with open("/proc/meminfo") as f:
            m = re.search(r"^MemTotal:\s*(\d+) kB", f.read(), re.M)
            if m:
                info["mem"] = "%.0f GB" % (int(m.group(1)) / 1024 / 1024)
    except OSError:
        pass
    r = sh(["df", "--output=fstype", work])
    if r.returncode == 0 and r.stdout.strip():
        info["fs"] = r.stdout.strip().splitlines()[-1].strip()
    info["load"] = "%.2f" % os.getloadavg()[0]
    info["python"] = platform.python_version()
    r = sh(["pkg-config", "--modversion", "yaml-0.1"])
    info["libyaml"] = r.stdout.strip() if r.returncode == 0 else "?"
    r = sh([PY, "-c", "import ruamel.yaml; print(ruamel.yaml.__version__)"])
    info["ruamel"] = r.stdout.strip() if r.returncode == 0 else None
    r = sh(["git", "-C", REPO, "describe", "--always", "--dirty"])
    info["commit"] = r.stdout.strip() if r.returncode == 0 else "?"
    return info


def build_floor(work):
    flags = sh(["pkg-config", "--cflags", "--libs", "yaml-0.1"])
    if flags.returncode != 0:
        raise SystemExit("bench: pkg-config yaml-0.1 failed (install libyaml-dev and pkg-config): " + flags.stderr)
    exe = os.path.join(work, "floor")
    cc = os.environ.get("CC", "cc")
    r = sh([cc, "-O2", "-o", exe, os.path.join(BENCH, "floor.c")] + flags.stdout.split())
    if r.returncode != 0:
        raise SystemExit("bench: building floor.c failed:\n" + r.stderr)
    return exe


def find_katib_sa(args):
    """Returns (path, None) or (None, reason to skip)."""
    explicit = args.bin or os.environ.get("KATIB_SA_BIN")
    if explicit:
        if os.access(explicit, os.X_OK):
            return os.path.abspath(explicit), None
        return None, "katib-sa binary %s not found or not executable" % explicit
    swift = shutil.which("swift")
    scratch = ["--scratch-path", args.scratch_path] if args.scratch_path else []
    if not args.no_build:
        if not swift:
            return None, "swift not found, cannot build katib-sa"
        log("bench: swift build -c release --product katib-sa %s" % " ".join(scratch))
        r = subprocess.run([swift, "build", "-c", "release", "--product", "katib-sa"] + scratch, cwd=REPO,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            tail = [l for l in r.stdout.splitlines() if "error" in l.lower()][:3] or r.stdout.splitlines()[-3:]
            log(r.stdout[-4000:])
            return None, "swift build -c release --product katib-sa failed (%s)" % "; ".join(t.strip() for t in tail)
    bin_dir = None
    if swift:
        r = sh([swift, "build", "-c", "release", "--show-bin-path"] + scratch, cwd=REPO)
        if r.returncode == 0:
            bin_dir = r.stdout.strip().splitlines()[-1]
    candidates = [os.path.join(bin_dir, "katib-sa")] if bin_dir else []
    candidates.append(os.path.join(args.scratch_path or os.path.join(REPO, ".build"), "release", "katib-sa"))
    for c in candidates:
        if os.access(c, os.X_OK):
            return c, None
    return None, "no katib-sa binary at %s" % candidates[0]


def gen_dir(work, seed, n):
    out = os.path.join(work, "corpus-%d" % n)
    r = sh([PY, os.path.join(BENCH, "gen_corpus.py"), str(seed), out, str(n)])
    if r.returncode != 0:
        raise SystemExit("bench: gen_corpus.py failed:\n" + r.stderr)
    return out, json.loads(r.stdout)


def gen_stream(work, seed, mb):
    out = os.path.join(work, "stream-%gMB.yaml" % mb)
    r = sh([PY, os.path.join(BENCH, "gen_corpus.py"), "--stream", str(seed), out, str(mb)])
    if r.returncode != 0:
        raise SystemExit("bench: gen_corpus.py --stream failed:\n" + r.stderr)
    return out, json.loads(r.stdout)


def make_subset(src, dst, k):
    """Every (N/k)-th file of the sorted corpus, keeping relative paths."""
    files = []
    for root, dirs, names in os.walk(src):
        dirs.sort()
        files.extend(os.path.join(root, n) for n in sorted(names))
    files.sort()
    step = max(1, len(files) // k)
    chosen = files[::step][:k]
    nbytes = 0
    for f in chosen:
        t = os.path.join(dst, os.path.relpath(f, src))
        os.makedirs(os.path.dirname(t), exist_ok=True)
        shutil.copy2(f, t)
        nbytes += os.path.getsize(f)
    return len(chosen), nbytes


def run_verify(orig, patched):
    r = sh([PY, os.path.join(BENCH, "verify.py"), "--quiet", orig, patched])
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": (r.stderr or r.stdout).strip()[:200]}


def verify_note(what, v, summ=None):
    if "error" in v:
        return "%s: verify.py failed: %s" % (what, v["error"])
    s = "%s: %d/%d files as expected, %d changed" % (what, v["ok"], v["files"], v["changed"])
    if summ is not None:
        s += " (%d hold an Experiment or a katib-config, %d more only trial templates)" % (
            summ["to_change"], summ.get("trial_templates_only", 0))
    if v["changed"]:
        s += ", %d of them by insertions only" % v["insertions_only"]
    if v["mismatched"] or v["missing"]:
        s += "; MISMATCHES: %s" % "; ".join(v["mismatch_examples"][:3])
    return s


# ---------------------------------------------------------------------------
# Formatting.


def fmt_s(x):
    if x is None:
        return "–"
    return "%.0f ms" % (x * 1e3) if x < 1 else "%.2f s" % x


def fmt_unit(x, unit):
    if x is None:
        return "–"
    if x < 1e-3:
        return "%.0f µs/%s" % (x * 1e6, unit)
    if x < 1:
        return "%.2f ms/%s" % (x * 1e3, unit)
    return "%.2f s/%s" % (x, unit)


def fmt_mb(nbytes):
    return "%.1f MB" % (nbytes / 1e6)


def fmt_rss(kb):
    return "–" if kb is None else "%.1f MB" % (kb * 1024 / 1e6)


def med(res):
    return res.get("median") if res and not res.get("failed") else None


def spread(res):
    if not med(res):
        return "–"
    return "±%.0f%%" % (50 * (res["max"] - res["min"]) / res["median"])


def status(res, skip_reason=None):
    if res is None:
        return "skipped" if skip_reason else "–"
    if res.get("failed"):
        return "failed: %s" % res["failed"]
    return None


def verdict(value, goal):
    return "met" if value <= goal else "**missed**"


# ---------------------------------------------------------------------------


def main(argv):
    ap = argparse.ArgumentParser(prog="bench/run.sh", description="katib-sa benchmark (see bench/README.md)")
    ap.add_argument("--quick", action="store_true", help="small sizes and 3 runs: a smoke test, not the real numbers")
    ap.add_argument("--runs", type=int, help="timed runs per command (default 5, quick 3)")
    ap.add_argument("--seed", default="42", help="corpus seed (default 42)")
    ap.add_argument("--files", help="comma-separated corpus sizes (default 1000,5000,20000)")
    ap.add_argument("--main-files", type=int, help="corpus size for the comparison rows (default 5000)")
    ap.add_argument("--streams", help="comma-separated stream sizes in MB (default 1,10,50); the largest is row 6")
    ap.add_argument("--ruamel-subset", type=int, help="files in the ruamel.yaml subset (default 250)")
    ap.add_argument("--bin", help="katib-sa binary to measure (default: build; or $KATIB_SA_BIN)")
    ap.add_argument("--no-build", action="store_true", help="do not run swift build; use an existing binary")
    ap.add_argument("--scratch-path", help="passed to swift build --scratch-path")
    ap.add_argument("--jobs", type=int, help="pass --jobs N to katib-sa (default: its own default)")
    ap.add_argument("--workdir", help="work directory (default: a new directory under /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--output", default=os.path.join(BENCH, "out", "results.md"),
                    help="also write the table here (default bench/out/results.md; results.json next to it)")
    args = ap.parse_args(argv[1:])

    cfg = dict(QUICK if args.quick else FULL)
    if args.files:
        cfg["files"] = sorted(int(x) for x in args.files.split(","))
        cfg["main_files"] = cfg["files"][len(cfg["files"]) // 2]
    if args.main_files:
        cfg["main_files"] = args.main_files
    if cfg["main_files"] not in cfg["files"]:
        cfg["files"] = sorted(cfg["files"] + [cfg["main_files"]])
    if args.streams:
        cfg["streams"] = sorted(float(x) for x in args.streams.split(","))
    if args.runs:
        cfg["runs"] = args.runs
    if args.ruamel_subset:
        cfg["ruamel_subset"] = args.ruamel_subset

    if args.workdir:
        os.makedirs(args.workdir, exist_ok=True)
        work = os.path.abspath(args.workdir)
    else:
        work = tempfile.mkdtemp(prefix="katib-sa-bench-", dir="/tmp")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t_start = time.time()
    try:
        return run(args, cfg, work, t_start)
    finally:
        if args.keep:
            log("bench: work directory kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


def run(args, cfg, work, t_start):
    info = machine_info(work)
    floor = build_floor(work)
    katib, skip = find_katib_sa(args)
    if katib:
        log("bench: katib-sa: %s" % katib)
    else:
        log("bench: katib-sa rows skipped: %s" % skip)
    ruamel_skip = None if info["ruamel"] else "ruamel.yaml not importable (pip install ruamel.yaml)"
    have_yaml = sh([PY, "-c", "import yaml"]).returncode == 0
    if not shutil.which("time") and not os.access("/usr/bin/time", os.X_OK):
        log("bench: /usr/bin/time missing (apt-get install time); peak RSS from wait4 instead")

    ks_flags = ["--quiet"] + (["--jobs", str(args.jobs)] if args.jobs else [])
    b = Bench(args, work)
    runs = cfg["runs"]
    corpora, streams = {}, {}

    log("bench: generating corpora (seed %s): %s files, %s MB streams" % (
        args.seed, ", ".join(map(str, cfg["files"])), ", ".join("%g" % x for x in cfg["streams"])))
    for n in cfg["files"]:
        corpora[n] = gen_dir(work, args.seed, n)
    for mb in cfg["streams"]:
        streams[mb] = gen_stream(work, args.seed, mb)

    # -- directory groups ---------------------------------------------------
    extra = {}
    for n in cfg["files"]:
        src, summ = corpora[n]
        main = n == cfg["main_files"]
        cmds = [Cmd("floor-parse", lambda i: [floor, "--quiet", "parse", i], src)]
        if n <= cfg["main_files"]:  # above the comparison size it only adds minutes of fsyncs
            cmds.append(Cmd("floor-rewrite", lambda i: [floor, "--quiet", "rewrite", i], src, fresh=True))
        if katib:
            cmds.append(Cmd("check", lambda i: [katib] + ks_flags + ["--check", i], src, ok_rc=(1,)))

            def check_inplace(inp, s, src=src, summ=summ, main=main, n=n):
                r = b.runner.run([katib, "--quiet", "--check", inp])
                b.notes.append("%d files: `katib-sa --check` on its own output exits %d%s" % (
                    n, r.rc, "" if r.rc == 0 else " (expected 0)"))
                if main and have_yaml:
                    b.notes.append(verify_note("%d files, katib-sa in place" % n, run_verify(src, inp), summ))

            cmds.append(Cmd("inplace", lambda i: [katib] + ks_flags + [i], src, fresh=True, check=check_inplace))
        if main and not ruamel_skip:
            sub = os.path.join(work, "ruamel-subset")
            k, kbytes = make_subset(src, sub, cfg["ruamel_subset"])
            empty = os.path.join(work, "empty")
            os.makedirs(empty, exist_ok=True)
            extra["ruamel"] = {"files": k, "bytes": kbytes}

            def check_ruamel(inp, s, sub=sub):
                if have_yaml:
                    b.notes.append(verify_note("ruamel.yaml subset", run_verify(sub, inp)))

            cmds.append(Cmd("ruamel", lambda i: [PY, os.path.join(BENCH, "ruamel_patch.py"), "--quiet", i], sub,
                            fresh=True, check=check_ruamel))
            cmds.append(Cmd("ruamel-startup", lambda i: [PY, os.path.join(BENCH, "ruamel_patch.py"), "--quiet", i], empty))
        b.group("%d files" % n, cmds, runs)

    # -- stream groups ------------------------------------------------------
    smallest = min(cfg["streams"])
    for mb in cfg["streams"]:
        src, summ = streams[mb]
        group = "%g MB" % mb
        cmds = [Cmd("floor-parse", lambda i: [floor, "--quiet", "parse", i], src)]
        if katib:
            stdin_out = os.path.join(b.out_dir, "%s-stdin.out" % group)

            def check_stdin(inp, s, src=src, mb=mb, stdin_out=stdin_out, group=group):
                kept = os.path.join(work, "stdin-%s.yaml" % group.replace(" ", ""))
                shutil.copyfile(stdin_out, kept)
                if mb == smallest and have_yaml:
                    b.notes.append(verify_note("%g MB stream via stdin" % mb, run_verify(src, kept)))

            def check_stream_inplace(inp, s, mb=mb, group=group):
                kept = os.path.join(work, "stdin-%s.yaml" % group.replace(" ", ""))
                if os.path.exists(kept):
                    same = sh(["cmp", "-s", kept, inp]).returncode == 0
                    b.notes.append("%g MB stream: in-place result %s the stdin result" % (
                        mb, "is byte-identical to" if same else "DIFFERS from"))

            cmds.append(Cmd("stdin", lambda i: [katib] + ks_flags, src, stdin=True, check=check_stdin))
            cmds.append(Cmd("inplace", lambda i: [katib] + ks_flags + [i], src, fresh=True, check=check_stream_inplace))
        b.group(group, cmds, runs)

    elapsed = time.time() - t_start
    md = report(args, cfg, info, b, corpora, streams, extra, katib, skip, ruamel_skip, elapsed)
    print(md)
    if args.output:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w") as f:
            f.write(md)
        raw = {"config": cfg, "machine": info, "katib_sa": katib, "skip": skip, "notes": b.notes,
               "corpora": {str(n): s for n, (_, s) in corpora.items()},
               "streams": {"%g" % mb: s for mb, (_, s) in streams.items()},
               "results": {"%s/%s" % k: v for k, v in b.results.items()}}
        with open(os.path.splitext(args.output)[0] + ".json", "w") as f:
            json.dump(raw, f, indent=1)
        log("bench: table written to %s" % args.output)
    return 0


def report(args, cfg, info, b, corpora, streams, extra, katib, skip, ruamel_skip, elapsed):
    R = b.results
    N = cfg["main_files"]
    g = "%d files" % N
    big = max(cfg["streams"])
    gs = "%g MB" % big
    _, csum = corpora[N]
    _, ssum = streams[big]
    L = []
    L.append("### katib-sa benchmark%s" % (" (QUICK MODE: reduced sizes, not the reference numbers)" if args.quick else ""))
    L.append("")
    L.append("- Date: %s; run took %.1f min" % (info["date"], elapsed / 60))
    L.append("- Machine: nproc %d, %s, %s, %s RAM; work dir on %s; load average %s at the start, %.2f at the end%s" % (
        info["nproc"], info["cpu"], info["kernel"], info["mem"], info["fs"], info["load"], os.getloadavg()[0],
        " (**other work was running at the start: numbers may be noisy**)" if float(info["load"]) > 0.5 else ""))
    L.append("- katib-sa: %s (commit %s%s); libyaml %s; Python %s; ruamel.yaml %s" % (
        "release build" if katib else "not measured", info["commit"],
        ", --jobs %d" % args.jobs if args.jobs else "", info["libyaml"], info["python"], info["ruamel"] or "missing"))
    L.append("- Corpus seed %s: %s files, %s (avg %.1f KB/file, %d documents; %d files hold an Experiment or a katib-config, %d more only "
             "trial templates); stream %s, %d documents"
             % (args.seed, f"{csum['files']:,}", fmt_mb(csum["bytes"]), csum["bytes"] / csum["files"] / 1e3,
                csum["documents"], csum["to_change"], csum.get("trial_templates_only", 0),
                fmt_mb(ssum["bytes"]), ssum["documents"]))
    L.append("- %d timed runs per command after one warm-up, commands alternated round-robin; median wall time; "
             "peak RSS is the maximum over runs; fresh copy and `sync` before every run that writes" % cfg["runs"])
    if not katib:
        L.append("- **katib-sa rows skipped: %s**" % skip)
    if ruamel_skip:
        L.append("- **ruamel.yaml row skipped: %s**" % ruamel_skip)
    L.append("")

    def row(num, what, res, inp, unit_n, unit, skip_reason=None, wall=None):
        st = status(res, skip_reason)
        if st:
            return "| %s | %s | %s | %s | | | |" % (num, what, inp, st)
        m = wall if wall is not None else med(res)
        return "| %s | %s | %s | %s | %s | %s | %s |" % (num, what, inp, fmt_s(m), spread(res),
                                                         fmt_unit(m / unit_n, unit), fmt_rss(res.get("rss_kb")))

    inp = "%s files, %s" % (f"{N:,}", fmt_mb(csum["bytes"]))
    sinp = "1 file, %s" % fmt_mb(ssum["bytes"])
    smb = ssum["bytes"] / 1e6
    L.append("| # | Measurement | Input | Median | Spread | Cost | Peak RSS |")
    L.append("|---|---|---|---|---|---|---|")
    L.append(row(1, "Floor: read + libyaml event parse, 1 thread (`floor parse`)", R.get((g, "floor-parse")), inp, N, "file"))
    L.append(row(2, "Floor: parse + naive safe rewrite of every file (`floor rewrite`)", R.get((g, "floor-rewrite")), inp, N, "file"))
    L.append(row(3, "`katib-sa --check DIR`", R.get((g, "check")), inp, N, "file", skip))
    L.append(row(4, "`katib-sa DIR` (in place)", R.get((g, "inplace")), inp, N, "file", skip))
    ruamel_scaled = None
    rr, rs = R.get((g, "ruamel")), R.get((g, "ruamel-startup"))
    if med(rr) and med(rs) and "ruamel" in extra:
        k = extra["ruamel"]["files"]
        ruamel_scaled = med(rs) + (med(rr) - med(rs)) * N / k
        L.append(row(5, "ruamel.yaml round trip, %d-file subset (%s), scaled to %s files: startup %s + per-file cost × %s"
                     % (k, fmt_mb(extra["ruamel"]["bytes"]), f"{N:,}", fmt_s(med(rs)), f"{N:,}"), rr, inp, N, "file", wall=ruamel_scaled))
    else:
        L.append(row(5, "ruamel.yaml round trip (subset, scaled)", rr, inp, N, "file", ruamel_skip))
    L.append(row("6a", "Floor: parse the stream", R.get((gs, "floor-parse")), sinp, smb, "MB"))
    L.append(row("6b", "`katib-sa < big.yaml > out.yaml`", R.get((gs, "stdin")), sinp, smb, "MB", skip))
    L.append(row("6c", "`katib-sa big.yaml` (in place)", R.get((gs, "inplace")), sinp, smb, "MB", skip))
    L.append("")

    # scaling
    L.append("Scaling (median wall time and cost per file / per MB):")
    L.append("")
    L.append("| Input | Floor parse | Floor rewrite | `katib-sa --check` | `katib-sa` in place |")
    L.append("|---|---|---|---|---|")

    def cell(res, n, unit, reason=None):
        st = status(res, reason)
        if st:
            return st
        return "%s (%s)" % (fmt_s(med(res)), fmt_unit(med(res) / n, unit))

    for n in cfg["files"]:
        gg = "%d files" % n
        _, s = corpora[n]
        L.append("| %s files, %s | %s | %s | %s | %s |" % (f"{n:,}", fmt_mb(s["bytes"]), cell(R.get((gg, "floor-parse")), n, "file"),
                                                       cell(R.get((gg, "floor-rewrite")), n, "file"),
                                                       cell(R.get((gg, "check")), n, "file", skip),
                                                       cell(R.get((gg, "inplace")), n, "file", skip)))
    L.append("")
    L.append("| Stream | Floor parse | `katib-sa < in > out` | `katib-sa FILE` in place | Peak RSS (stdin / in place) |")
    L.append("|---|---|---|---|---|")
    for mb in cfg["streams"]:
        gg = "%g MB" % mb
        _, s = streams[mb]
        m = s["bytes"] / 1e6
        L.append("| %s | %s | %s | %s | %s / %s |" % (fmt_mb(s["bytes"]), cell(R.get((gg, "floor-parse")), m, "MB"),
                                                 cell(R.get((gg, "stdin")), m, "MB", skip),
                                                 cell(R.get((gg, "inplace")), m, "MB", skip),
                                                 fmt_rss((R.get((gg, "stdin")) or {}).get("rss_kb")),
                                                 fmt_rss((R.get((gg, "inplace")) or {}).get("rss_kb"))))
    L.append("")

    # targets
    L.append("| Target | Measured | Goal | Result |")
    L.append("|---|---|---|---|")

    def target(name, num, den, goal, fmt="%.2f", reason=None, goal_text=None):
        goal_text = goal_text or "≤ " + (fmt % goal)
        if num is None or den is None:
            why = reason or "not measured"
            L.append("| %s | – | %s | not measured (%s) |" % (name, goal_text, why))
            return
        v = num / den
        L.append("| %s | %s | %s | %s |" % (name, fmt % v, goal_text, verdict(v, goal)))

    def why(*res):
        for r in res:
            if r is None:
                return "skipped, see above"
            if r.get("failed"):
                return "failed: " + r["failed"]
        return None

    a, c = R.get((g, "floor-parse")), R.get((g, "check"))
    target("`--check` ÷ parse floor, %s files" % f"{N:,}", med(c), med(a), TARGETS["check_vs_parse"], reason=why(c, a))
    a, c = R.get((g, "floor-rewrite")), R.get((g, "inplace"))
    target("in place ÷ naive safe-rewrite floor, %s files" % f"{N:,}", med(c), med(a), TARGETS["inplace_vs_rewrite"], reason=why(c, a))
    c = R.get((g, "inplace"))
    if ruamel_scaled and med(c):
        v = med(c) / ruamel_scaled
        L.append("| in place ÷ ruamel.yaml (scaled), %s files | 1/%.0f | ≤ 1/100 | %s |" % (f"{N:,}", 1 / v, verdict(v, TARGETS["inplace_vs_ruamel"])))
    else:
        L.append("| in place ÷ ruamel.yaml (scaled), %s files | – | ≤ 1/100 | not measured (%s) |" % (
            f"{N:,}", why(c, rr) or "not measured"))
    a = R.get((gs, "floor-parse"))
    for key, label in (("stdin", "stdin"), ("inplace", "in place")):
        c = R.get((gs, key))
        target("%s stream %s ÷ parse floor on the same file" % (fmt_mb(ssum["bytes"]), label), med(c), med(a),
               TARGETS["stream_vs_parse"], reason=why(c, a))
        rss = c.get("rss_kb") if c and not c.get("failed") else None
        target("%s stream %s: peak RSS ÷ input size" % (fmt_mb(ssum["bytes"]), label),
               rss * 1024 if rss else None, ssum["bytes"], TARGETS["stream_rss_vs_input"], reason=why(c))

    def flat(name, series):
        """series: list of (label, cost per unit or None)."""
        if not series or any(v is None for _, v in series) or len(series) < 2:
            L.append("| %s | – | within ±25%% of the smallest size | not measured (%s) |" % (
                name, "skipped, see above" if skip else "a run failed"))
            return
        ref = series[0][1]
        devs = [(lab, v / ref - 1) for lab, v in series[1:]]
        ok = all(abs(d) <= TARGETS["flat"] for _, d in devs)
        txt = ", ".join("%s %+.0f%%" % (lab, d * 100) for lab, d in devs)
        L.append("| %s | %s | within ±25%% of the smallest size | %s |" % (name, txt, "met" if ok else "**missed**"))

    def per(group, key, units):
        r = R.get((group, key))
        return med(r) / units if med(r) else None

    lo, hi = cfg["files"][0], cfg["files"][-1]
    for key, label in (("check", "`--check`"), ("inplace", "in place")):
        flat("%s cost per file, %s → %s files" % (label, f"{lo:,}", f"{hi:,}"),
             [("%d" % n, per("%d files" % n, key, n)) for n in cfg["files"]])
    slo, shi = cfg["streams"][0], cfg["streams"][-1]
    for key, label in (("stdin", "stdin"), ("inplace", "in place")):
        flat("stream %s cost per MB, %g → %g MB" % (label, slo, shi),
             [("%g MB" % mb, per("%g MB" % mb, key, streams[mb][1]["bytes"] / 1e6)) for mb in cfg["streams"]])
    L.append("")

    if b.notes:
        L.append("Checks (untimed, on the warm-up runs):")
        L.append("")
        for n in b.notes:
            L.append("- " + n)
        L.append("")
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
