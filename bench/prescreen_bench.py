"""Pre-screen API benchmark: latency in process, settlements per second over HTTP.

    uv run python bench/prescreen_bench.py                  # both parts, defaults below
    uv run python bench/prescreen_bench.py --skip-http      # in process only

1. Data: a generated dataset (engine.generator, --lines fee lines, seed 1) in a temporary folder;
   the pre-screen loads its reference data and the last 180 days of claims, as the server does.
2. In process: --requests settlements drawn from the history (with their visit, lines and
   person), each as JSON bytes through what the view does: decode with exact decimals, check,
   judge against the history without the settlement itself, add it back to the history, encode
   the answer. Prints p50/p95/p99/max of that path and of the judging alone.
3. Over HTTP: gunicorn (--workers processes of --worker-class, --preload so the data is loaded
   once before forking) serving the real Django project on 127.0.0.1 with DEBUG off and an API
   key; a load generator of --clients processes x --threads threads with keep-alive connections
   POSTs the same kind of requests for --http-seconds after a warm-up, then stops the server.
   Prints settlements per second, client-side latency and the server's CPU time per request.

Loopback only, bounded in time, and everything it starts it stops. Target (the issue): p99 under
10 ms in process and at least 1000 settlements per second over HTTP on 2 cores. The load
generator shares those cores with the server, so the HTTP figure is a lower bound.
"""

import argparse
import gc
import http.client
import json
import multiprocessing as mp
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

KEY = "bench-key-" + "0" * 16
BUREAU = "BENCH"
URL = "/api/v1/prescreen"


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": ordered[-1], "mean": statistics.fmean(ordered)}


def show(label: str, ms: dict[str, float]) -> None:
    print(f"  {label:<38} p50 {ms['p50']:7.3f}  p95 {ms['p95']:7.3f}  p99 {ms['p99']:7.3f}  "
          f"max {ms['max']:8.3f}  mean {ms['mean']:7.3f}  (ms)")


# ---------------------------------------------------------------- data

def make_dataset(folder: Path, lines: int) -> Path:
    from yibao.monitoring.engine.generator import generate_dataset

    started = time.monotonic()
    report = generate_dataset(folder, lines=lines, seed=1)
    print(f"dataset: {lines:,} fee lines generated in {time.monotonic() - started:.1f}s "
          f"({report.rows['setl_d']:,} settlements, {report.rows['psn_info']:,} persons)")
    return folder


def request_bodies(loaded, n: int, seed: int = 1) -> list[bytes]:
    from yibao.monitoring.prescreen.loading import settlement_order

    ids = settlement_order(loaded.history)
    rng = random.Random(seed)
    return [json.dumps(loaded.request_for(rng.choice(ids)), ensure_ascii=False).encode() for _ in range(n)]


# ---------------------------------------------------------------- in process

def in_process(dataset: Path, n: int) -> list[bytes]:
    from yibao.monitoring.prescreen.evaluator import Prescreener
    from yibao.monitoring.prescreen.loading import load_dataset
    from yibao.monitoring.prescreen.request import parse_request

    loaded = load_dataset(dataset)
    print(f"history: {loaded.counts['settlements']:,} settlements and {loaded.counts['lines']:,} lines of the last "
          f"{loaded.history.history_days} days, loaded in {loaded.seconds:.1f}s")
    bodies = request_bodies(loaded, n)
    prescreener = Prescreener(loaded.reference, loaded.history)
    gc.collect()
    gc.freeze()  # as the service does after loading
    for body in bodies[:200]:  # warm-up
        prescreener.evaluate(parse_request(json.loads(body, parse_float=Decimal)))
    total, judged, verdicts, lines = [], [], {}, 0
    started = time.perf_counter()
    for body in bodies:
        t0 = time.perf_counter()
        request = parse_request(json.loads(body, parse_float=Decimal))
        result = prescreener.evaluate(request)
        prescreener.record(request)
        json.dumps(result.as_json(), ensure_ascii=False).encode()
        total.append((time.perf_counter() - t0) * 1000)
        judged.append(result.ms)
        verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
        lines += len(request.lines)
    seconds = time.perf_counter() - started
    print(f"\nIn process: {n:,} requests, {lines / n:.1f} fee lines each on average, one thread, "
          f"{n / seconds:,.0f} settlements/s; verdicts {verdicts}")
    show("JSON in -> JSON out (the view's work)", percentiles(total))
    show("judging only (evaluate)", percentiles(judged))
    return bodies


# ---------------------------------------------------------------- over HTTP

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(conn: http.client.HTTPConnection, body: bytes, query: str = "") -> tuple[int, bytes, bool]:
    conn.request("POST", URL + query, body, {"Content-Type": "application/json", "X-Api-Key": KEY,
                                             "Connection": "keep-alive"})
    response = conn.getresponse()
    data = response.read()
    return response.status, data, response.will_close


class RawClient:
    """A keep-alive HTTP/1.1 client on a plain socket: the request bytes are built once, the
    answer is read by Content-Length. A fraction of http.client's CPU, which matters when the
    load generator shares the cores with the server."""

    def __init__(self, port: int):
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    @staticmethod
    def message(body: bytes) -> bytes:
        head = (f"POST {URL} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"X-Api-Key: {KEY}\r\nContent-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n")
        return head.encode() + body

    def send(self, message: bytes) -> int:
        """Send one request, return the status; reconnect when the server closes."""
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        self.sock.sendall(message)
        while b"\r\n\r\n" not in self.buffer:
            self._read()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lower = head.lower()
        start = lower.index(b"content-length:") + 15
        length = int(lower[start:lower.index(b"\r\n", start) if b"\r\n" in lower[start:] else None])
        while len(rest) < length:
            self.buffer = rest
            self._read()
            rest = self.buffer
        self.buffer = rest[length:]
        if b"connection: close" in lower:
            self.close()
        return int(head[9:12])

    def _read(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed by the server")
        self.buffer += data

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None


def client_process(port: int, bodies: list[bytes], threads: int, start_at: float, stop_at: float,
                   out: "mp.Queue") -> None:
    """Threads with one keep-alive connection each POST until stop_at; counts from start_at."""
    messages = [RawClient.message(b) for b in bodies]
    results = []

    def run(offset: int) -> None:
        client = RawClient(port)
        ok = errors = 0
        latencies = []
        i = offset
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            message = messages[i % len(messages)]
            i += threads
            t0 = time.perf_counter()
            try:
                status = client.send(message)
            except (OSError, ValueError):
                errors += 1
                client.close()
                continue
            if now >= start_at:
                if status == 200:
                    ok += 1
                    latencies.append((time.perf_counter() - t0) * 1000)
                else:
                    errors += 1
        client.close()
        results.append((ok, errors, latencies))

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    time.sleep(max(0.0, start_at - time.monotonic()))
    cpu = time.process_time()
    time.sleep(max(0.0, stop_at - time.monotonic()))
    cpu = time.process_time() - cpu
    for w in workers:
        w.join()
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    latencies = [x for r in results for x in r[2]]
    out.put((ok, errors, latencies, cpu))


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError):
            pass
    return total


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def over_http(dataset: Path, bodies: list[bytes], args: argparse.Namespace) -> None:
    port = free_port()
    work = Path(tempfile.mkdtemp(prefix="prescreen-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "yibao.settings",
        "PYTHONPATH": str(ROOT / "src"),
        "YIBAO_DEBUG": "0",
        "YIBAO_SECRET_KEY": "bench-only-" + "x" * 40,
        "YIBAO_ALLOWED_HOSTS": "127.0.0.1",
        "YIBAO_VAR": str(work / "var"),
        "YIBAO_LOG_LEVEL": "WARNING",
        "YIBAO_PRESCREEN_KEYS": f"{KEY}={BUREAU}",
        "YIBAO_PRESCREEN_DATASET": str(dataset),
        "YIBAO_PRESCREEN_JOURNAL_DIR": str(work / "journal"),
        "YIBAO_PRESCREEN_FAST_PATH": "0" if args.no_fast_path else "1",
    }
    command = [sys.executable, "-m", "gunicorn", "yibao.monitoring.prescreen.wsgi:application", "--preload",
               "--workers", str(args.workers), "--worker-class", args.worker_class, "--threads",
               str(args.server_threads), "--bind", f"127.0.0.1:{port}", "--backlog", "2048",
               "--log-level", "warning", "--keep-alive", "30"]
    log_path = work / "gunicorn.log"
    route = "Django middleware and view" if args.no_fast_path else "WSGI fast path (fastpath.py)"
    print(f"\nOver HTTP ({route}): gunicorn {args.workers} x {args.worker_class}"
          f"{f' ({args.server_threads} threads)' if args.worker_class == 'gthread' else ''} on 127.0.0.1:{port}; "
          f"load {args.clients} processes x {args.threads} threads, keep-alive, {args.http_seconds:.0f}s "
          f"after {args.warmup:.0f}s warm-up")
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped (exit {server.returncode}):\n{log_path.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                status, data, _ = post(conn, bodies[0], "?dry_run=1")
                conn.close()
                if status == 200:
                    break
                raise SystemExit(f"pre-screen answered {status}: {data[:300]!r}")
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not answer within 180 s") from None
                time.sleep(0.3)
        workers = children(server.pid)
        load_before = os.getloadavg()[0]
        now = time.monotonic()
        start_at = now + args.warmup
        stop_at = start_at + args.http_seconds
        queue: mp.Queue = mp.Queue()
        slices = [bodies[k::args.clients] for k in range(args.clients)]
        procs = [mp.Process(target=client_process, args=(port, slices[k], args.threads, start_at, stop_at, queue))
                 for k in range(args.clients)]
        for p in procs:
            p.start()
        time.sleep(max(0.0, start_at - time.monotonic()))
        cpu_start = cpu_seconds(workers)
        time.sleep(max(0.0, stop_at - time.monotonic()))
        cpu_used = cpu_seconds(workers) - cpu_start
        outcomes = [queue.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=30)
        ok = sum(o[0] for o in outcomes)
        errors = sum(o[1] for o in outcomes)
        latencies = [x for o in outcomes for x in o[2]]
        client_cpu = sum(o[3] for o in outcomes)
        print(f"  {ok / args.http_seconds:,.0f} settlements/s ({ok:,} answered 200 in {args.http_seconds:.0f}s, "
              f"{errors} errors)")
        print(f"  CPU per settlement: server {1000 * cpu_used / max(ok, 1):.2f} ms, load generator "
              f"{1000 * client_cpu / max(ok, 1):.2f} ms; CPU used {(cpu_used + client_cpu) / args.http_seconds:.2f} "
              f"of {os.cpu_count()} cores; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
        if latencies:
            show("client-side latency", percentiles(latencies))
        journal = work / "journal" / f"{BUREAU}.jsonl"
        if journal.exists():
            print(f"  journal: {journal.stat().st_size / 1e6:.1f} MB appended")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=200_000, help="fee lines of the generated dataset")
    parser.add_argument("--requests", type=int, default=10_000, help="in-process requests")
    parser.add_argument("--http-seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="gthread", choices=("sync", "gthread"))
    parser.add_argument("--server-threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--clients", type=int, default=2, help="load generator processes")
    parser.add_argument("--threads", type=int, default=8, help="threads (connections) per load generator process")
    parser.add_argument("--dataset", type=Path, help="use this dataset folder instead of generating one")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--no-fast-path", action="store_true",
                        help="send the API-key requests through Django's middleware and view too")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="prescreen-data-") as tmp:
        dataset = args.dataset or make_dataset(Path(tmp) / "dataset", args.lines)
        bodies = in_process(dataset, args.requests)
        if not args.skip_http:
            over_http(dataset, bodies, args)


if __name__ == "__main__":
    main()
