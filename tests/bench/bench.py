#!/usr/bin/env python3
"""Benchmark of the ping path: a real redis-server, the API in production mode (SQLite store) and wrk, all on
127.0.0.1. Every figure comes from one run, so ratios hold even on a busy machine. Started by tests/bench/run.sh."""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LOAD = os.path.join(ROOT, "tests", "bench", "load.lua")
SUBSCRIBERS = os.path.join(ROOT, "tests", "bench", "subscribers.mjs")
HOST = "127.0.0.1"
LECTURES_PER_COURSE = 10
QUIET = "01:00:00"  # a flush interval no phase reaches: the harness flushes

# (seconds of load per phase, learners, backlog keys to flush, learners for the memory figure)
# and for instructor analytics: learners on one course and reads of its analytics)
# and for the paced phases, the flush intervals (s) each run for two of, and the seconds between a learner's pings.
FULL = dict(warmup=5, bare=15, ping=20, half=15, get=15, through=15, learners=10_000, backlog=100_000, memory=10_000,
            analytics=10_000, analytics_reads=200, paced=(30, 60), embedded=15, push=15, subscribers=1_000,
            soak=20, soak_minute=60)
SMOKE = dict(warmup=1, bare=2, ping=2, half=2, get=2, through=2, learners=10_000, backlog=2_000, memory=500,
             analytics=300, analytics_reads=20, paced=(4,), embedded=2, push=2, subscribers=50, soak=3, soak_minute=3)
PING_PERIOD = 5  # seconds between two pings of a player

COURSES = [
    "algebra-101", "linear-algebra", "calculus-1", "statistics-intro", "python-basics", "python-data-analysis",
    "web-development-html-css", "javascript-fundamentals", "react-in-practice", "sql-for-beginners",
    "machine-learning-foundations", "deep-learning-intro", "cloud-architecture", "docker-and-kubernetes",
    "git-essentials", "cybersecurity-101", "product-management", "ux-design-principles", "public-speaking",
    "spanish-a1",
]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(key: str, sub: str, admin: bool = False) -> str:
    now = int(time.time())
    claims = {"sub": sub, "iss": "learnprogress", "aud": "learnprogress", "iat": now, "nbf": now - 60, "exp": now + 7200}
    if admin:
        claims["role"] = "admin"
    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(json.dumps(claims, separators=(",", ":")).encode())
    return signing_input + "." + b64(hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest())


def resident_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read())[1]) * 1024


def directory_bytes(path: str) -> int:
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files
               if os.path.exists(os.path.join(d, f)))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection; the harness's own requests (seeding, fills, scrapes)."""

    def __init__(self, port: int, bearer: str | None = None):
        self.conn = http.client.HTTPConnection(HOST, port, timeout=120)
        self.bearer = bearer

    def call(self, method: str, path: str, body=None, bearer: str | None = None, ok=(200, 201)):
        headers = {"Content-Type": "application/json"}
        if bearer or self.bearer:
            headers["Authorization"] = "Bearer " + (bearer or self.bearer)
        self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status not in ok:
            raise RuntimeError(f"{method} {path} -> {response.status}: {data[:300]!r}")
        return json.loads(data) if data and response.getheader("Content-Type", "").find("json") >= 0 else data.decode()


class Bench:
    def __init__(self, args):
        self.args = args
        self.plan = SMOKE if args.smoke else FULL
        self.work = tempfile.mkdtemp(prefix="lp-bench-")
        self.key = secrets.token_hex(32)
        self.admin = token(self.key, "bench-admin", admin=True)
        self.processes: list[subprocess.Popen] = []
        self.api: subprocess.Popen | None = None
        self.api_port = 0
        self.rng = random.Random(42)

    # ---- processes -------------------------------------------------------------------------------------------
    def start_redis(self):
        self.redis_port = free_port()
        # Production settings from docs/production.md: AOF every second, never evict an unflushed key.
        self.processes.append(subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", HOST, "--dir", self.work, "--save", "",
             "--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction"],
            stdout=subprocess.DEVNULL, start_new_session=True))
        for _ in range(100):
            if self.redis("PING") == "PONG":
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def redis(self, *command: str) -> str:
        try:
            return subprocess.run(["redis-cli", "-h", HOST, "-p", str(self.redis_port), *command],
                                  capture_output=True, text=True, timeout=30).stdout.strip()
        except FileNotFoundError:
            raise RuntimeError("redis-cli is missing (Debian package redis-tools)")

    def start_api(self, flush_interval: str, embedded: bool = False, settings: dict[str, str] | None = None):
        """The API in production mode on the run's redis-server, or in embedded mode (Garnet in the process)."""
        self.stop_api()
        self.api_port = free_port()
        env = dict(os.environ,
                   ASPNETCORE_ENVIRONMENT="Production",
                   ASPNETCORE_URLS=f"http://{HOST}:{self.api_port}",
                   Storage__DataDirectory=os.path.join(self.work, "embedded" if embedded else "data"),
                   Auth__SigningKey=self.key,
                   WriteBehind__FlushInterval=flush_interval,
                   # The load comes from a few connections cycling through 10,000 learners' tokens; the
                   # per-learner budget is not what is measured here.
                   RateLimiting__PingTokensPerSecond="1000",
                   RateLimiting__PingBurst="10000",
                   DOTNET_TieredPGO="1")
        if not embedded:
            env["ConnectionStrings__Redis"] = f"{HOST}:{self.redis_port}"
        env.update(settings or {})
        log = open(os.path.join(self.work, "api.log"), "ab")
        # Run from the build output, as a deployment does, so the API finds its appsettings.json.
        api = os.path.abspath(self.args.api)
        self.api = subprocess.Popen(["dotnet", api], env=env, stdout=log, stderr=subprocess.STDOUT,
                                    cwd=os.path.dirname(api), start_new_session=True)
        self.processes.append(self.api)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.api.poll() is not None:
                raise RuntimeError(f"the API exited; see {self.work}/api.log")
            try:
                Client(self.api_port).call("GET", "/health/ready")
                return
            except (OSError, RuntimeError):
                time.sleep(0.2)
        raise RuntimeError("the API did not become ready")

    def stop_api(self):
        if self.api and self.api.poll() is None:
            self.api.send_signal(signal.SIGTERM)
            try:
                self.api.wait(20)
            except subprocess.TimeoutExpired:
                self.api.kill()
        self.api = None

    def close(self):
        self.stop_api()
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        if not self.args.keep:
            shutil.rmtree(self.work, ignore_errors=True)

    # ---- data --------------------------------------------------------------------------------------------------
    def seed(self):
        self.seed_courses()
        self.learners = [self.new_learner() for _ in range(self.plan["learners"])]
        self.write_learners("learners.txt", self.learners)

    def write_learners(self, name: str, learners) -> str:
        """The wrk script's learners file: each learner watches one lecture, from a random point of its first 300 s."""
        path = os.path.join(self.work, name)
        with open(path, "w") as f:
            for i, (learner, bearer) in enumerate(learners):
                course = i % len(self.courses)
                lecture = (i // len(self.courses)) % LECTURES_PER_COURSE
                f.write(f"{learner} {bearer} {course} {lecture} {self.rng.randrange(0, 300)}\n")
        return path

    def seed_courses(self):
        admin = Client(self.api_port, self.admin)
        catalog = random.Random(42)  # the same catalog on every store
        self.courses = []
        for course in COURSES:
            admin.call("POST", "/api/v1/courses", {"id": course, "title": course.replace("-", " ").title()}, ok=(201, 409))
            lectures = []
            for n in range(1, LECTURES_PER_COURSE + 1):
                lecture, duration = f"{course}-lecture-{n:02d}", catalog.randrange(300, 1800)
                admin.call("PUT", f"/api/v1/courses/{course}/lectures/{lecture}", {"title": f"Lecture {n}", "durationSeconds": duration})
                lectures.append((lecture, duration))
            self.courses.append((course, lectures))
        with open(os.path.join(self.work, "courses.txt"), "w") as f:
            for course, lectures in self.courses:
                f.write(course + " " + " ".join(f"{lecture} {duration}" for lecture, duration in lectures) + "\n")

    def new_learner(self):
        learner = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return learner, token(self.key, learner)

    def players(self, name: str, rate: float) -> tuple[int, str]:
        """As many learners as pinging every PING_PERIOD s at `rate` pings/s needs (new ones added when the seeded ones
        are too few), written to a wrk learners file: their number and the file."""
        count = round(rate * PING_PERIOD)
        learners = self.learners + [self.new_learner() for _ in range(max(0, count - len(self.learners)))]
        return count, self.write_learners(name, learners[:count])

    @staticmethod
    def half_delay(rps: float) -> int:
        """The ms each of 32 connections waits so that together they offer about rps/2 (a request's own ~1 ms counts
        towards its connection's cycle)."""
        return max(1, round(32 * 1000 / (rps / 2)) - 1)

    def send_batches(self, batches):
        """Posts (bearer, pings) batches over a few keep-alive connections."""
        def worker(part):
            client = Client(self.api_port)
            for bearer, pings in part:
                result = client.call("POST", "/api/v1/progress/batch", {"pings": pings}, bearer=bearer)
                if result["accepted"] != len(pings):
                    raise RuntimeError(f"batch refused pings: {result}")
        parts = [batches[i::4] for i in range(4)]
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(worker, parts))

    # ---- measuring ---------------------------------------------------------------------------------------------
    def metrics(self) -> dict[str, float]:
        text = Client(self.api_port).call("GET", "/metrics")
        values: dict[str, float] = {}
        for line in text.splitlines():
            match = re.match(r"^(learnprogress_[a-z_]+)(?:\{[^}]*\})? (\S+)", line)
            if match:
                values[match[1]] = values.get(match[1], 0.0) + float(match[2])
        return values

    def flush(self) -> dict:
        return Client(self.api_port, self.admin).call("POST", "/api/v1/admin/flush")

    def wrk(self, name: str, path: str, seconds: int, connections: int, delay_ms: int = 0, mode: str = "ping",
            background: bool = False, learners: str | None = None):
        """wrk with load.lua; for mode paced, delay_ms is instead the seconds between two pings of a learner."""
        out = os.path.join(self.work, name + ".json")
        command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", LOAD,
                   f"http://{HOST}:{self.api_port}", "--", learners or os.path.join(self.work, "learners.txt"),
                   os.path.join(self.work, "courses.txt"), mode, path, str(delay_ms)]
        process = subprocess.Popen(command, env=dict(os.environ, WRK_OUT=out, WRK_THREADS="2"), stdout=subprocess.DEVNULL,
                                   start_new_session=True)
        self.processes.append(process)
        return (process, out) if background else self.wrk_result(process, out)

    def wrk_result(self, process, out) -> dict:
        if process.wait(timeout=300) != 0:
            raise RuntimeError("wrk failed")
        with open(out) as f:
            result = json.load(f)
        result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
        bad = result["errors"] + result["status_errors"]
        if bad > result["requests"] * 0.001:
            raise RuntimeError(f"{out}: {bad} of {result['requests']} requests failed; see {self.work}/api.log")
        return result

    def run(self) -> dict:
        p = self.plan
        self.start_redis()
        # The harness flushes (the same job the schedule runs) between phases, so each flush's CPU is measured on its
        # own instead of landing in whichever phase a recurring flush happens to fall in.
        self.start_api(QUIET)
        self.seed()
        save, bare, through = "/api/v1/progress/save", "/api/v1/bench/bare", "/api/v1/bench/through"

        # JIT and caches warm up on both paths before anything is measured.
        self.wrk("warmup-ping", save, p["warmup"], 32)
        self.wrk("warmup-bare", bare, p["warmup"], 32)
        self.flush()

        before = self.metrics()
        # CPU per request of the API and of redis-server, per phase: where a ping's extra cost goes.
        servers = {"api": self.api.pid, "redis": self.processes[0].pid}
        cpu_start = {name: cpu_seconds(pid) for name, pid in servers.items()}
        bare_run = self.wrk("bare", bare, p["bare"], 32)
        cpu_bare = {name: cpu_seconds(pid) for name, pid in servers.items()}
        ping_run = self.wrk("ping", save, p["ping"], 32)
        cpu_ping = {name: cpu_seconds(pid) for name, pid in servers.items()}
        if self.args.tracing:
            traced = self.traced(save)
            return {"bare_rps": round(bare_run["rps"]), "ping_rps": round(ping_run["rps"]),
                    "ping_p99_ms": round(ping_run["p99_us"] / 1000, 2), **traced,
                    "ping_traced_to_ping": round(traced["ping_traced_rps"] / ping_run["rps"], 3),
                    "ping_traced_all_to_ping": round(traced["ping_traced_all_rps"] / ping_run["rps"], 3)}
        if self.args.paced:
            self.flush()
            players, players_file = self.players("paced-learners.txt", ping_run["rps"] / 2)
            return {"bare_rps": round(bare_run["rps"]), "ping_rps": round(ping_run["rps"]),
                    **{f"paced_{name}_{interval}s": value for interval in p["paced"]
                       for name, value in self.paced(interval, players_file, players).items()}}
        # Writing behind costs the flush of what the pings buffered: its CPU, per ping of the phase.
        self.flush()
        cpu_flush = {name: cpu_seconds(pid) for name, pid in servers.items()}
        # Half the saturated rate: each of 32 connections waits so that together they offer about rps/2
        # (a request's own ~1 ms counts towards its connection's cycle).
        half_delay = self.half_delay(ping_run["rps"])
        half_run = self.wrk("half", save, p["half"], 32, half_delay)
        load, load_out = self.wrk("get-load", save, p["get"], 32, half_delay, background=True)
        get_run = self.wrk("get", "/api/v1/progress/", p["get"], 4, 5, mode="get")
        get_load = self.wrk_result(load, load_out)
        self.flush()
        after = self.metrics()

        through_before = after
        through_run = self.wrk("through", through, p["through"], 32)
        through_after = self.metrics()

        def delta(a, b, name):
            return b.get(name, 0.0) - a.get(name, 0.0)

        pings = delta(before, after, "learnprogress_pings_accepted_total")
        writes = delta(before, after, "learnprogress_store_writes_total")
        keys = delta(before, after, "learnprogress_flush_keys_total")
        through_pings = delta(through_before, through_after, "learnprogress_pings_accepted_total")
        through_writes = delta(through_before, through_after, "learnprogress_store_writes_total")
        push = self.push(save)

        self.flush()
        players, paced_file = self.players("paced-learners.txt", ping_run["rps"] / 2)
        paced = {interval: self.paced(interval, paced_file, players) for interval in p["paced"]}

        # The flush figure needs a quiet buffer: nothing else may take part of the backlog.
        self.flush()
        courses = self.courses
        backlog_learners = p["backlog"] // len(courses)
        batches = [(bearer, [{"courseId": course, "lectureId": lectures[0][0], "watchTime": 1 + i % 200,
                              "clientTs": int(time.time() * 1000)} for course, lectures in courses])
                   for i, (_, bearer) in enumerate(self.learners[:backlog_learners])]
        self.send_batches(batches)
        flushed = self.flush()

        memory_before = self.used_memory()
        fresh = [self.new_learner() for _ in range(p["memory"])]
        course, lectures = courses[0]
        self.send_batches([(bearer, [{"courseId": course, "lectureId": lecture, "watchTime": min(60, duration),
                                      "clientTs": int(time.time() * 1000)} for lecture, duration in lectures])
                           for _, bearer in fresh])
        memory_after = self.used_memory()

        # Instructor analytics: every learner plays a 25 s piece of each lecture of one course. The curves are
        # recomputed by a recurring job, so the flush does no analytics work; the job's run and the read are timed.
        course, lectures = courses[1]
        now = int(time.time() * 1000)
        batches = []
        for _, bearer in self.learners[:p["analytics"]]:
            played = []
            for lecture, duration in lectures:
                start = self.rng.randrange(0, duration - 30)
                played.append({"courseId": course, "lectureId": lecture, "segmentStart": start, "watchTime": start + 25, "clientTs": now})
            batches.append((bearer, played))
        self.send_batches(batches)
        analytics_flush = self.flush()
        admin = Client(self.api_port, self.admin)
        refresh = admin.call("POST", f"/api/v1/bench/analytics/{course}")
        reads = []
        for _ in range(p["analytics_reads"]):
            started = time.perf_counter()
            admin.call("GET", f"/api/v1/courses/{course}/analytics")
            reads.append((time.perf_counter() - started) * 1000)
        reads.sort()

        traced = self.traced(save)
        replicated = self.replicated(save)
        embedded = self.embedded(save)

        return {
            "ping_rps": round(ping_run["rps"]),
            "ping_p50_ms": round(ping_run["p50_us"] / 1000, 2),
            "ping_p99_ms": round(ping_run["p99_us"] / 1000, 2),
            "ping_half_rps": round(half_run["rps"]),
            "ping_half_p99_ms": round(half_run["p99_us"] / 1000, 2),
            "bare_rps": round(bare_run["rps"]),
            "ping_to_bare": round(ping_run["rps"] / bare_run["rps"], 3),
            "bare_api_cpu_us": round((cpu_bare["api"] - cpu_start["api"]) * 1e6 / bare_run["requests"], 1),
            "ping_api_cpu_us": round((cpu_ping["api"] - cpu_bare["api"]) * 1e6 / ping_run["requests"], 1),
            "ping_redis_cpu_us": round((cpu_ping["redis"] - cpu_bare["redis"]) * 1e6 / ping_run["requests"], 1),
            "ping_flush_api_cpu_us": round((cpu_flush["api"] - cpu_ping["api"]) * 1e6 / ping_run["requests"], 1),
            "ping_flush_redis_cpu_us": round((cpu_flush["redis"] - cpu_ping["redis"]) * 1e6 / ping_run["requests"], 1),
            "through_rps": round(through_run["rps"]),
            "db_writes_per_ping": round(writes / pings, 4),
            "through_db_writes_per_ping": round(through_writes / through_pings, 4),
            "pings_per_key_per_flush": round(pings / keys, 2) if keys else 0,
            "get_rps": round(get_run["rps"]),
            "get_p99_ms": round(get_run["p99_us"] / 1000, 2),
            "get_load_ping_rps": round(get_load["rps"]),
            "flush_backlog_keys": flushed["flushed"],
            "flush_keys_per_s": round(flushed["flushed"] / (flushed["durationMs"] / 1000)),
            "redis_bytes_per_active_course": round((memory_after - memory_before) / len(fresh)),
            **{f"paced_{name}_{interval}s": value for interval, figures in paced.items() for name, value in figures.items()},
            **traced,
            "ping_traced_to_ping": round(traced["ping_traced_rps"] / ping_run["rps"], 3),
            "ping_traced_all_to_ping": round(traced["ping_traced_all_rps"] / ping_run["rps"], 3),
            **replicated,
            "ping_wait_to_ping": round(replicated["ping_wait_rps"] / ping_run["rps"], 3),
            **embedded,
            **push,
            "analytics_learners": p["analytics"],
            "analytics_flush_keys": analytics_flush["flushed"],
            "analytics_flush_ms": analytics_flush["durationMs"],
            "analytics_refresh_ms": refresh["durationMs"],
            "analytics_read_p50_ms": round(reads[len(reads) // 2], 2),
            "analytics_read_p99_ms": round(reads[min(len(reads) - 1, int(len(reads) * 0.99))], 2),
            "cores": os.cpu_count(),
            "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
            "smoke": self.args.smoke,
        }

    def paced(self, interval: int, learners_file: str, learners: int) -> dict:
        """Players: each learner pings every PING_PERIOD s with advancing positions for two flush intervals, and the
        harness flushes at each interval's end. Store rows written per ping and per flushed key, over both intervals."""
        self.flush()
        before = self.metrics()
        process, out = self.wrk(f"paced-{interval}", "/api/v1/progress/save", 2 * interval, 32, PING_PERIOD, mode="paced",
                                background=True, learners=learners_file)
        time.sleep(interval)
        first = self.flush()
        run = self.wrk_result(process, out)
        second = self.flush()
        after = self.metrics()
        pings = after["learnprogress_pings_accepted_total"] - before.get("learnprogress_pings_accepted_total", 0)
        writes = after["learnprogress_store_writes_total"] - before.get("learnprogress_store_writes_total", 0)
        keys = first["flushed"] + second["flushed"]
        return {
            "rps": round(run["rps"]),
            "p99_ms": round(run["p99_us"] / 1000, 2),
            "learners": learners,
            "pings_per_learner_per_interval": round(pings / learners / 2, 2),
            "db_writes_per_ping": round(writes / pings, 4),
            "db_writes_per_key": round(writes / keys, 3) if keys else 0,
            "keys_per_learner_per_interval": round(keys / learners / 2, 2),
        }

    def push(self, save: str) -> dict:
        """What the hub's pushes cost: the same saturated ping load over a set of learners, first with nobody listening,
        then with one hub connection per learner (the SDK's hub client, run by node) receiving every push."""
        n, seconds = self.plan["subscribers"], self.plan["push"]
        learners = self.write_learners("subscribed-learners.txt", self.learners[:n])

        def measured(name):
            cpu = cpu_seconds(self.api.pid)
            run = self.wrk(name, save, seconds, 32, learners=learners)
            return run, (cpu_seconds(self.api.pid) - cpu) * 1e6 / run["requests"]

        quiet, quiet_cpu = measured("push-none")
        out = os.path.join(self.work, "subscribers.json")
        listeners = subprocess.Popen(["node", "--experimental-websocket", SUBSCRIBERS, f"http://{HOST}:{self.api_port}", learners, out],
                                     stdout=subprocess.PIPE, text=True, start_new_session=True)
        self.processes.append(listeners)
        ready = listeners.stdout.readline()
        if not ready.startswith("ready"):
            raise RuntimeError(f"the hub subscribers did not connect: {ready!r}")
        time.sleep(2)  # presence is announced to every instance
        heard, heard_cpu = measured("push-all")
        listeners.send_signal(signal.SIGTERM)
        listeners.wait(30)
        with open(out) as f:
            received = json.load(f)
        return {
            "push_subscribers": received["connected"],
            "push_none_rps": round(quiet["rps"]),
            "push_all_rps": round(heard["rps"]),
            "push_none_api_cpu_us": round(quiet_cpu, 1),
            "push_all_api_cpu_us": round(heard_cpu, 1),
            "push_all_p99_ms": round(heard["p99_us"] / 1000, 2),
            "pushes_per_ping": round(received["pushes"] / heard["requests"], 3),
        }

    def traced(self, save: str) -> dict:
        """Tracing on (Tracing:Enabled), with no collector to export to: what recording spans costs the ping path, with
        pings sampled at the default 1 % and at 100 %."""
        figures = {}
        for name, ratio in (("ping_traced", None), ("ping_traced_all", "1")):
            settings = {"Tracing__Enabled": "true"} | ({"Tracing__PingSampleRatio": ratio} if ratio else {})
            self.start_api(QUIET, settings=settings)
            self.wrk(f"warmup-{name}", save, self.plan["warmup"], 32)
            run = self.wrk(name, save, self.plan["ping"], 32)
            self.flush()
            figures |= {f"{name}_rps": round(run["rps"]), f"{name}_p99_ms": round(run["p99_us"] / 1000, 2)}
        return figures

    def replicated(self, save: str) -> dict:
        """Pings acknowledged only once a replica holds them (WriteBehind:WaitReplicas=1): the run's redis-server gets a
        replica on the same machine, and every ping waits for its WAIT."""
        port = free_port()
        self.processes.append(subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", HOST, "--dir", self.work, "--dbfilename", "replica.rdb", "--save", "",
             "--appendonly", "no", "--replicaof", HOST, str(self.redis_port)],
            stdout=subprocess.DEVNULL, start_new_session=True))
        deadline = time.time() + 60
        while "connected_slaves:1" not in self.redis("INFO", "replication") or \
                "master_link_status:up" not in subprocess.run(["redis-cli", "-h", HOST, "-p", str(port), "INFO", "replication"],
                                                             capture_output=True, text=True).stdout:
            if time.time() > deadline:
                raise RuntimeError("the replica did not attach")
            time.sleep(0.1)
        self.start_api(QUIET, settings={"WriteBehind__WaitReplicas": "1"})
        self.wrk("warmup-wait", save, self.plan["warmup"], 32)
        run = self.wrk("ping-wait", save, self.plan["ping"], 32)
        self.flush()
        return {"ping_wait_rps": round(run["rps"]), "ping_wait_p99_ms": round(run["p99_us"] / 1000, 2)}

    def embedded(self, save: str) -> dict:
        """What `dotnet run` gives a user: the API with Garnet in its own process and the SQLite store, at saturation and
        at half that rate, with each grouped call's AOF commit synced to disk (Storage:SyncToDisk, the default); then at
        saturation with the sync off (an acknowledged ping survives kill -9, not a power loss)."""
        figures = {}
        for name, sync in (("ping_embedded", "true"), ("ping_embedded_nosync", "false")):
            # Each variant on fresh files, the harness flushing between phases as in production mode (the soak runs
            # the recurring flush).
            self.start_api(QUIET, embedded=True, settings={"Storage__SyncToDisk": sync,
                                                           "Storage__DataDirectory": os.path.join(self.work, name)})
            self.seed_courses()
            self.wrk(f"warmup-{name}", save, self.plan["warmup"], 32)
            self.flush()
            cpu = cpu_seconds(self.api.pid)
            run = self.wrk(name, save, self.plan["embedded"], 32)
            figures |= {
                f"{name}_rps": round(run["rps"]),
                f"{name}_p99_ms": round(run["p99_us"] / 1000, 2),
                f"{name}_api_cpu_us": round((cpu_seconds(self.api.pid) - cpu) * 1e6 / run["requests"], 1),
            }
            if name == "ping_embedded":
                self.flush()
                half = self.wrk(f"{name}-half", save, self.plan["half"], 32, self.half_delay(run["rps"]))
                figures |= {"ping_embedded_half_rps": round(half["rps"]), "ping_embedded_half_p99_ms": round(half["p99_us"] / 1000, 2)}
        return figures

    def soak(self) -> dict:
        """Paced players for plan["soak"] minutes in embedded mode with the recurring flush on (every 30 s): each minute
        one wrk run of 60 s, then the API's resident memory, the bytes of Garnet's files and of the SQLite file and log on
        disk, and that minute's p99. Each figure stays flat when its last third is within 10 % of its middle third."""
        self.start_api("00:00:30", embedded=True)
        self.seed()
        save = "/api/v1/progress/save"
        self.wrk("warmup-soak", save, self.plan["warmup"], 32)
        saturated = self.wrk("soak-saturated", save, self.plan["embedded"], 32)
        players, learners_file = self.players("soak-learners.txt", saturated["rps"] / 2)
        data = os.path.join(self.work, "embedded")
        minutes = []
        for minute in range(1, self.plan["soak"] + 1):
            run = self.wrk(f"soak-{minute}", save, self.plan["soak_minute"], 32, PING_PERIOD, mode="paced", learners=learners_file)
            minutes.append({
                "minute": minute,
                "pings_per_s": round(run["rps"]),
                "p99_ms": round(run["p99_us"] / 1000, 2),
                "api_rss_mib": round(resident_bytes(self.api.pid) / 2**20, 1),
                "garnet_mib": round(directory_bytes(os.path.join(data, "garnet")) / 2**20, 1),
                "sqlite_mib": round(sum(os.path.getsize(f) for f in (os.path.join(data, n) for n in
                                        ("learnprogress.db", "learnprogress.db-wal")) if os.path.exists(f)) / 2**20, 1),
            })
            print(json.dumps(minutes[-1]), flush=True)
        third = max(1, len(minutes) // 3)

        def flat(name):
            middle = max(m[name] for m in minutes[third:2 * third] or minutes)
            last = max(m[name] for m in minutes[-third:])
            return last <= middle * 1.1

        return {"soak_players": players, "soak_minutes": minutes,
                **{f"soak_{name}_flat": flat(name) for name in ("p99_ms", "api_rss_mib", "garnet_mib", "sqlite_mib")},
                "cores": os.cpu_count(), "smoke": self.args.smoke,
                "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()}

    def cluster(self) -> dict:
        """Group commit on a Redis Cluster: one lane per hash slot (a script may touch one slot only), so a group carries
        only the learners of one bucket. The same saturated ping load against the run's single redis-server and then
        against a loopback cluster of three primaries (AOF every second, as in production), with the CPU each costs."""
        self.start_redis()
        self.start_api(QUIET)
        self.seed()
        save = "/api/v1/progress/save"
        self.wrk("warmup-single", save, self.plan["warmup"], 32)
        cpu = cpu_seconds(self.api.pid)
        single = self.wrk("ping-single", save, self.plan["ping"], 32)
        single_cpu = (cpu_seconds(self.api.pid) - cpu) * 1e6 / single["requests"]
        ports = []
        while len(ports) < 3:  # a node's cluster bus listens on its port + 10000
            if (port := free_port()) + 10000 <= 65535 and port not in ports:
                ports.append(port)
        nodes = []
        for port in ports:
            directory = os.path.join(self.work, f"node-{port}")
            os.makedirs(directory)
            nodes.append(subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", HOST, "--dir", directory, "--cluster-enabled", "yes",
                 "--cluster-config-file", "nodes.conf", "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
                 "--maxmemory-policy", "noeviction"], stdout=subprocess.DEVNULL, start_new_session=True))
        self.processes.extend(nodes)
        time.sleep(0.5)
        subprocess.run(["redis-cli", "--cluster", "create", *[f"{HOST}:{port}" for port in ports], "--cluster-replicas", "0",
                        "--cluster-yes"], check=True, capture_output=True, timeout=60)
        deadline = time.time() + 30
        while "cluster_state:ok" not in subprocess.run(["redis-cli", "-h", HOST, "-p", str(ports[0]), "CLUSTER", "INFO"],
                                                       capture_output=True, text=True).stdout:
            if time.time() > deadline:
                raise RuntimeError("the cluster did not reach state ok")
            time.sleep(0.2)
        self.start_api(QUIET, settings={"ConnectionStrings__Redis": ",".join(f"{HOST}:{port}" for port in ports)})
        self.seed_courses()
        self.wrk("warmup-cluster", save, self.plan["warmup"], 32)
        cpu = cpu_seconds(self.api.pid)
        nodes_cpu = sum(cpu_seconds(n.pid) for n in nodes)
        clustered = self.wrk("ping-cluster", save, self.plan["ping"], 32)
        return {
            "ping_rps": round(single["rps"]), "ping_p99_ms": round(single["p99_us"] / 1000, 2), "ping_api_cpu_us": round(single_cpu, 1),
            "ping_cluster_rps": round(clustered["rps"]), "ping_cluster_p99_ms": round(clustered["p99_us"] / 1000, 2),
            "ping_cluster_api_cpu_us": round((cpu_seconds(self.api.pid) - cpu) * 1e6 / clustered["requests"], 1),
            "ping_cluster_redis_cpu_us": round((sum(cpu_seconds(n.pid) for n in nodes) - nodes_cpu) * 1e6 / clustered["requests"], 1),
            "ping_cluster_to_ping": round(clustered["rps"] / single["rps"], 3),
        }

    def used_memory(self) -> int:
        info = self.redis("INFO", "memory")
        return int(re.search(r"used_memory:(\d+)", info)[1])


def paced_bound(r: dict, interval: int) -> float:
    """One store row per buffered key per flush: each player's keys over the pings it sent in an interval, + 5 %."""
    return r[f"paced_keys_per_learner_per_interval_{interval}s"] / r[f"paced_pings_per_learner_per_interval_{interval}s"] * 1.05


def table(results: dict) -> str:
    """Every figure of the run, with the targets of docs/performance.md; met is blank for a figure without one."""
    r = results
    paced = sorted({int(k.rsplit("_", 1)[1][:-1]) for k in r if k.startswith("paced_rps_")})
    embedded_to_ping = round(r["ping_embedded_rps"] / r["ping_rps"], 3)
    api_to_bare = round(r["ping_api_cpu_us"] / r["bare_api_cpu_us"], 2)
    rows = [
        ("ping_rps", r["ping_rps"], f"≥ 0.6 × bare_rps ({0.6 * r['bare_rps']:.0f}); ratio {r['ping_to_bare']}", r["ping_to_bare"] >= 0.6),
        ("ping_p50_ms / ping_p99_ms", f"{r['ping_p50_ms']} / {r['ping_p99_ms']}", "at saturation", None),
        ("ping_embedded_rps", r["ping_embedded_rps"],
         f"≥ 0.5 × ping_rps: {embedded_to_ping}; embedded mode (Garnet in the process, each group's AOF commit synced to disk), "
         f"p99 {r['ping_embedded_p99_ms']} ms, API CPU {r['ping_embedded_api_cpu_us']} µs per ping", embedded_to_ping >= 0.5),
        ("ping_embedded_half_p99_ms", r["ping_embedded_half_p99_ms"], f"≤ 20 ms at {r['ping_embedded_half_rps']} rps", r["ping_embedded_half_p99_ms"] <= 20),
        ("ping_embedded_nosync_rps", r["ping_embedded_nosync_rps"],
         f"Storage:SyncToDisk=false (survives kill -9, not a power loss); p99 {r['ping_embedded_nosync_p99_ms']} ms, "
         f"API CPU {r['ping_embedded_nosync_api_cpu_us']} µs per ping; synced ÷ unsynced "
         f"{round(r['ping_embedded_rps'] / r['ping_embedded_nosync_rps'], 3)}", None),
        ("CPU µs per request", f"API {r['ping_api_cpu_us']} + redis {r['ping_redis_cpu_us']} (ping); API {r['bare_api_cpu_us']} (bare)",
         f"API ≤ 1.3 × bare: {api_to_bare}", api_to_bare <= 1.3),
        ("redis-server CPU µs per ping", r["ping_redis_cpu_us"], "≤ 25", r["ping_redis_cpu_us"] <= 25),
        ("ping_traced_rps / ping_traced_p99_ms", f"{r['ping_traced_rps']} / {r['ping_traced_p99_ms']}",
         f"tracing on, pings sampled at 1 %; ratio to ping_rps {r['ping_traced_to_ping']}", None),
        ("ping_traced_all_rps / ping_traced_all_p99_ms", f"{r['ping_traced_all_rps']} / {r['ping_traced_all_p99_ms']}",
         f"tracing on, every ping sampled; ratio to ping_rps {r['ping_traced_all_to_ping']}", None),
        ("ping_wait_rps / ping_wait_p99_ms", f"{r['ping_wait_rps']} / {r['ping_wait_p99_ms']}",
         f"WriteBehind:WaitReplicas=1, one replica; ratio to ping_rps {r['ping_wait_to_ping']}", None),
        ("ping_half_p99_ms", r["ping_half_p99_ms"], f"at {r['ping_half_rps']} rps", None),
        ("bare_rps", r["bare_rps"], "web stack ceiling", None),
        ("flush CPU µs per ping", f"API {r['ping_flush_api_cpu_us']} + redis {r['ping_flush_redis_cpu_us']}",
         f"the flush of the ping phase's buffer ({r['pings_per_key_per_flush']} pings per key), per ping", None),
        ("through_rps", r["through_rps"], "write-through baseline", None),
        ("db_writes_per_ping", r["db_writes_per_ping"],
         f"one row per flushed key: ≤ 1/{r['pings_per_key_per_flush']} pings per key (write-through: {r['through_db_writes_per_ping']})",
         r["pings_per_key_per_flush"] > 0 and r["db_writes_per_ping"] <= 1 / r["pings_per_key_per_flush"] + 5e-4),
        *[(f"paced_db_writes_per_ping_{i}s", r[f"paced_db_writes_per_ping_{i}s"],
           f"{r[f'paced_learners_{i}s']} players at {r[f'paced_rps_{i}s']} pings/s, "
           f"{r[f'paced_pings_per_learner_per_interval_{i}s']} pings and {r[f'paced_keys_per_learner_per_interval_{i}s']} keys "
           f"per player per {i} s flush; {r[f'paced_db_writes_per_key_{i}s']} rows per key; "
           f"≤ keys/pings + 5 % ({paced_bound(r, i):.4f})",
           r[f"paced_db_writes_per_ping_{i}s"] <= paced_bound(r, i))
          for i in paced],
        *[(f"paced_p99_ms_{i}s", r[f"paced_p99_ms_{i}s"], "≤ 15 ms with a flush in the window", r[f"paced_p99_ms_{i}s"] <= 15) for i in paced],
        ("push_all_rps", r["push_all_rps"],
         f"pings of {r['push_subscribers']} learners, each with a hub connection: {r['push_all_api_cpu_us']} µs API CPU per ping "
         f"against {r['push_none_api_cpu_us']} with nobody listening ({r['push_none_rps']} rps); p99 {r['push_all_p99_ms']} ms; "
         f"{r['pushes_per_ping']} pushes received per ping", None),
        ("get_p99_ms", r["get_p99_ms"], f"under {r['get_load_ping_rps']} pings/s", None),
        ("flush_keys_per_s", r["flush_keys_per_s"], f"≥ 25,000 (backlog {r['flush_backlog_keys']})", r["flush_keys_per_s"] >= 25_000),
        ("redis_bytes_per_active_course", r["redis_bytes_per_active_course"], "≤ 1,024", r["redis_bytes_per_active_course"] <= 1024),
        ("analytics_refresh_ms", r["analytics_refresh_ms"], f"one job run for a course with {r['analytics_learners']} learners × 10 lectures", None),
        ("analytics_read_p50_ms / p99", f"{r['analytics_read_p50_ms']} / {r['analytics_read_p99_ms']}", "a stored result, whatever the learners", None),
        ("analytics_flush_ms", r["analytics_flush_ms"], f"flush of {r['analytics_flush_keys']} keys; no analytics work in it", None),
    ]
    lines = ["| figure | value | target | met |", "|---|---|---|---|"]
    for name, value, target, met in rows:
        lines.append(f"| `{name}` | {value} | {target} | {'' if met is None else ('yes' if met else 'no')} |")
    lines.append(f"\n{r['cores']} cores, commit {r['commit'][:10]}{' (smoke run)' if r['smoke'] else ''}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="a few seconds per phase, to check the harness")
    parser.add_argument("--api", required=True, help="path of the built benchmark host, LearnProgress.Bench.Host.dll")
    parser.add_argument("--out", default=os.path.join(ROOT, "artifacts", "bench"))
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs, wrk output)")
    parser.add_argument("--tracing", action="store_true", help="only the bare, ping and traced phases (about a minute)")
    parser.add_argument("--paced", action="store_true", help="only the bare, ping and paced phases (about 3 minutes)")
    parser.add_argument("--cluster", action="store_true", help="only ping on one redis-server and on a cluster of three primaries")
    parser.add_argument("--soak", action="store_true", help="only the soak: 20 minutes of paced players in embedded mode")
    args = parser.parse_args()
    bench = Bench(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        results = bench.soak() if args.soak else bench.cluster() if args.cluster else bench.run()
    finally:
        bench.close()
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "soak.json" if args.soak else "cluster.json" if args.cluster else "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps(results, indent=2) if args.tracing or args.soak or args.paced or args.cluster else table(results))


if __name__ == "__main__":
    main()
