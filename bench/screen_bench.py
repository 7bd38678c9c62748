"""Benchmark of the full rule set over generated datasets: seconds, peak memory, lines per second.

    uv run python bench/screen_bench.py                       # 10M and 100M, every variant that fits
    uv run python bench/screen_bench.py --sizes 10M --only duckdb,handwritten --repeat 3

Variants (each run in a child process of its own, so that its peak memory is its own):

* ``duckdb``      the engine, ``screen(dataset, engine="duckdb")``, writing findings.parquet/.csv;
* ``handwritten`` the same rules as hand-written DuckDB SQL over the Parquet files (bench/handwritten.py),
                  the floor to approach;
* ``pandas``      the rules as an analyst would write them in pandas (bench/pandas_rules.py), 10M and below;
* ``spark``       the engine on Spark in local mode (``local[2]``), 10M and below.

Datasets are generated once with ``generate_dataset(out, lines=N, seed=SEED)`` and kept under
``var/bench/data/<size>`` (about 250 MB per 10M lines). Results are printed as a table and merged
into ``var/bench/results.json``. Peak memory is the largest resident set of the child's process tree
(sampled every 0.1 s, so Spark's JVM counts) or the child's own maximum from wait4, whichever is larger.
Not a timed test: the figures depend on what else the machine is doing; the load average at the start
of each run is recorded beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = ROOT / "var" / "bench"
SEED = 20250101
VARIANTS = ("duckdb", "handwritten", "pandas", "spark")
# pandas and Spark are compared at 10M only: beyond it they take far too long (or run out of memory).
MAX_LINES = {"pandas": 10_000_000, "spark": 10_000_000}


def parse_size(text: str) -> int:
    text = text.strip().upper()
    factor = {"K": 1_000, "M": 1_000_000, "G": 1_000_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def size_label(lines: int) -> str:
    for factor, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if lines >= factor and lines % factor == 0:
            return f"{lines // factor}{suffix}"
    return str(lines)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# Datasets

def ensure_dataset(lines: int, data_dir: Path) -> Path:
    out = data_dir / size_label(lines)
    if (out / "_planted.json").exists():
        return out
    from yibao.monitoring.engine.generator import generate_dataset

    if out.exists():  # left over from an interrupted generation (the generator writes to a hidden folder)
        shutil.rmtree(out)
    log(f"generating {size_label(lines)} fee lines into {out} (seed {SEED}) ...")
    started = time.monotonic()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= 10 or done == total:
            last[0] = time.monotonic()
            log(f"  generated {done:,}/{total:,} lines ({done / total:.0%}, {time.monotonic() - started:.0f}s)")

    report = generate_dataset(out, lines=lines, seed=SEED, progress=progress)
    log(f"generated {size_label(lines)} in {report.seconds:.0f}s, {report.bytes / 1e9:.2f} GB")
    return out


# ------------------------------------------------------------------------------------------------
# Children: one variant on one dataset; progress on stderr, one JSON line on stdout

def child(variant: str, dataset: Path, args: argparse.Namespace) -> dict:
    started = time.monotonic()

    def progress(rule: str, i: int, n: int) -> None:
        print(f"[{variant} {time.monotonic() - started:6.1f}s] {i}/{n} {rule}", file=sys.stderr, flush=True)

    if variant in ("duckdb", "spark"):
        from yibao.monitoring.engine.runner import screen

        out = VAR / "out" / f"{variant}-{dataset.name}"
        options = {}
        if variant == "duckdb":
            options = {"threads": args.threads, "memory_limit": args.memory_limit, "temp_dir": args.temp_dir}
        result = screen(dataset, engine=variant, out_dir=out, progress=progress, engine_options=options)
        return {"seconds": result.seconds, "findings": len(result.findings), "by_rule": result.by_rule}
    if variant == "handwritten":
        sys.path.insert(0, str(BENCH))
        import handwritten

        rows = handwritten.run(dataset, threads=args.threads, memory_limit=args.memory_limit,
                               temp_dir=args.temp_dir, progress=progress)
        by_rule = {r: len(v) for r, v in rows.items()}
        return {"seconds": time.monotonic() - started, "findings": sum(by_rule.values()), "by_rule": by_rule}
    raise ValueError(variant)


def child_command(variant: str, dataset: Path, args: argparse.Namespace) -> list[str]:
    if variant == "pandas":
        script = [str(BENCH / "pandas_rules.py"), str(dataset), "--json"]
        if importlib.util.find_spec("pandas") is not None:
            return [sys.executable, *script]
        # pandas is not one of yibao's dependencies: run the analyst's script in a throw-away
        # environment with it (uv caches it after the first time).
        return ["uv", "run", "--quiet", "--with", "pandas", "python", *script]
    return [sys.executable, str(Path(__file__).resolve()), "--child", variant, "--dataset", str(dataset),
            "--threads", str(args.threads), "--memory-limit", args.memory_limit, "--temp-dir", args.temp_dir]


class TreeSampler(threading.Thread):
    """Sample the summed resident memory of a process and its descendants."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak, self.stopped = pid, interval, 0, threading.Event()

    @staticmethod
    def _tree_rss(root: int) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        page = os.sysconf("SC_PAGE_SIZE")
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
                rss[int(entry)] = int(fields[21]) * page
            except (OSError, IndexError, ValueError):
                continue
        total, todo, seen = 0, [root], set()
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            total += rss.get(pid, 0)
            todo += [p for p, parent in parents.items() if parent == pid]
        return total

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, self._tree_rss(self.pid))
            self.stopped.wait(self.interval)


def run_variant(variant: str, dataset: Path, lines: int, args: argparse.Namespace) -> dict:
    load = os.getloadavg()[0]
    log(f"{variant} on {dataset.name}: starting (load average {load:.1f})")
    proc = subprocess.Popen(child_command(variant, dataset, args), stdout=subprocess.PIPE, text=True,
                            start_new_session=True, cwd=ROOT)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    out_lines: list[str] = []
    reader = threading.Thread(target=lambda: out_lines.extend(proc.stdout), daemon=True)
    reader.start()
    started = time.monotonic()
    status, usage = None, None
    while status is None:
        pid, status_code, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status = status_code
            break
        if time.monotonic() - started > args.timeout:
            log(f"{variant} on {dataset.name}: over {args.timeout}s, stopping it")
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    sampler.stopped.set()
    sampler.join()
    reader.join(timeout=5)
    peak = max(sampler.peak, usage.ru_maxrss * 1024 if usage else 0)
    row = {"variant": variant, "size": dataset.name, "lines": lines, "wall_seconds": round(wall, 2),
           "peak_rss_gb": round(peak / 1e9, 2), "load_average": round(load, 1),
           "at": dt.datetime.now().isoformat(timespec="seconds")}
    try:
        result = json.loads(out_lines[-1]) if proc.returncode == 0 and out_lines else None
    except json.JSONDecodeError:
        result = None
    if result is None:
        row.update(status="timeout" if wall > args.timeout else f"failed (exit {proc.returncode})")
        log(f"{variant} on {dataset.name}: {row['status']}")
        return row
    seconds = float(result["seconds"])
    row.update(status="ok", seconds=round(seconds, 2), lines_per_second=round(lines / seconds),
               findings=result["findings"], by_rule=result.get("by_rule"))
    log(f"{variant} on {dataset.name}: {seconds:.1f}s, peak {row['peak_rss_gb']} GB, {result['findings']} findings")
    return row


# ------------------------------------------------------------------------------------------------

def best_of(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["status"] == "ok"]
    if not ok:
        return runs[-1]
    best = dict(min(ok, key=lambda r: r["seconds"]))
    best["runs_seconds"] = [r.get("seconds") for r in runs]
    best["peak_rss_gb"] = max(r["peak_rss_gb"] for r in ok)
    return best


def print_table(rows: list[dict]) -> None:
    head = f"{'variant':<12} {'size':>6} {'seconds':>9} {'peak GB':>8} {'lines/s':>12} {'findings':>9} {'load':>5}  runs"
    print(head)
    print("-" * len(head))
    for r in rows:
        if r["status"] != "ok":
            print(f"{r['variant']:<12} {r['size']:>6} {r['status']:>9}")
            continue
        runs = ", ".join(f"{s:.1f}" for s in r.get("runs_seconds", [r["seconds"]]) if s is not None)
        print(f"{r['variant']:<12} {r['size']:>6} {r['seconds']:>9.1f} {r['peak_rss_gb']:>8.2f} "
              f"{r['lines_per_second']:>12,} {r['findings']:>9} {r['load_average']:>5.1f}  {runs}")


def save(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(path.read_text()) if path.exists() else {"results": []}
    keep = [r for r in existing["results"] if not any(r["variant"] == n["variant"] and r["size"] == n["size"]
                                                      for n in rows)]
    existing["results"] = keep + rows
    existing["machine"] = {"cpus": os.cpu_count(), "memory_gb": round(os.sysconf("SC_PAGE_SIZE")
                                                                      * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}
    path.write_text(json.dumps(existing, ensure_ascii=False, indent=1) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10M,100M", help="comma-separated line counts: 100k,10M,100M")
    ap.add_argument("--only", default=",".join(VARIANTS), help="comma-separated variants: " + ",".join(VARIANTS))
    ap.add_argument("--memory-limit", default="12GB", help="DuckDB memory_limit (engine and hand-written SQL)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--temp-dir", default=str(VAR / "tmp"), help="DuckDB's spill directory")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each variant; the best is reported")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds before a run is stopped")
    ap.add_argument("--data", type=Path, default=VAR / "data", help="where the generated datasets are kept")
    ap.add_argument("--results", type=Path, default=VAR / "results.json")
    ap.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    ap.add_argument("--dataset", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    Path(args.temp_dir).mkdir(parents=True, exist_ok=True)
    if args.child:
        print(json.dumps(child(args.child, args.dataset, args)), flush=True)
        return 0

    variants = [v.strip() for v in args.only.split(",") if v.strip()]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        ap.error(f"unknown variants: {', '.join(sorted(unknown))}")
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    rows: list[dict] = []
    for lines in sorted(sizes):
        dataset = ensure_dataset(lines, args.data)
        for variant in variants:
            if lines > MAX_LINES.get(variant, lines):
                log(f"{variant} skipped at {size_label(lines)} (compared at {size_label(MAX_LINES[variant])} only)")
                continue
            runs = [run_variant(variant, dataset, lines, args) for _ in range(args.repeat)]
            rows.append(best_of(runs))
            save(rows, args.results)
    print()
    print_table(rows)
    print(f"\nresults in {args.results}")
    counts = {(r["size"], r["variant"]): r.get("by_rule") for r in rows if r["status"] == "ok"}
    for size in {r["size"] for r in rows}:
        seen = {v: c for (s, v), c in counts.items() if s == size and c}
        if len({json.dumps(c, sort_keys=True) for c in seen.values()}) > 1:
            print(f"WARNING: findings per rule differ at {size}: {seen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
