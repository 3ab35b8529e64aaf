#!/usr/bin/env python3
"""Leaderboard reads at 100,000 members: a real redis-server, the API in production mode and wrk, all on 127.0.0.1.
One course board of the current week is filled with 100,000 learners (scores and display names, the shape the flush
writes), then wrk reads it as 1,000 of those learners (top 50 + the caller's rank) and, in the same run, the bare
endpoint of the same host. Started by tests/bench/run.sh --leaderboard; writes artifacts/bench/leaderboard.json."""
import argparse
import datetime
import json
import os
import random
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench as harness  # noqa: E402  (the benchmark's processes, tokens and wrk driver)

MEMBERS = 100_000
READERS = 1_000


def resp(*parts: str) -> bytes:
    """One command in the Redis protocol, for redis-cli --pipe."""
    out = [f"*{len(parts)}\r\n".encode()]
    for part in parts:
        data = part.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True, help="path of the built benchmark host, LearnProgress.Bench.Host.dll")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of load per measured phase")
    parser.add_argument("--out", default=os.path.join(harness.ROOT, "artifacts", "bench"))
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.smoke = True
    run = harness.Bench(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        run.start_redis()
        run.start_api(harness.QUIET)
        run.seed_courses()
        course = run.courses[0][0]
        readers = [run.new_learner() for _ in range(READERS)]
        today = datetime.datetime.now(datetime.timezone.utc).date()
        week = (today - datetime.timedelta(days=today.weekday())).isoformat()
        board = f"lp:lb:{week}:c:{course}"
        rng = random.Random(7)
        members = [learner for learner, _ in readers] + [f"bench-{i:06d}" for i in range(MEMBERS - READERS)]
        # Whole seconds of a week's play, so many learners tie, as they do on a real board.
        commands = b"".join(resp("ZADD", board, str(rng.randrange(0, 36_000)), m) + resp("HSET", "lp:lb:names", m, f"Learner {i}")
                            for i, m in enumerate(members))
        filled = subprocess.run(["redis-cli", "-h", harness.HOST, "-p", str(run.redis_port), "--pipe"], input=commands,
                                capture_output=True, timeout=120)
        if filled.returncode != 0:
            raise RuntimeError(f"fill failed: {filled.stdout[-300:]!r} {filled.stderr[-300:]!r}")
        size = int(run.redis("ZCARD", board))
        if size != MEMBERS:
            raise RuntimeError(f"the board holds {size} members, not {MEMBERS}")

        sample = harness.Client(run.api_port, readers[0][1]).call("GET", f"/api/v1/leaderboards/weekly?courseId={course}")
        if len(sample["entries"]) != 50 or not sample["me"] or not sample["me"]["rank"]:
            raise RuntimeError(f"unexpected board answer: {json.dumps(sample)[:300]}")

        # Every reader is a member of the board; the wrk script reads "<path><course>" for each.
        readers_file = os.path.join(run.work, "readers.txt")
        with open(readers_file, "w") as f:
            for learner, bearer in readers:
                f.write(f"{learner} {bearer} 0 0 0\n")
        run.write_learners("learners.txt", readers)
        path = "/api/v1/leaderboards/weekly?courseId="
        run.wrk("warmup-board", path, 2, 32, mode="get", learners=readers_file)
        run.wrk("warmup-bare", "/api/v1/bench/bare", 2, 32)
        bare = run.wrk("bare", "/api/v1/bench/bare", args.seconds, 32)
        read = run.wrk("board", path, args.seconds, 32, mode="get", learners=readers_file)
        results = {
            "members": MEMBERS,
            "board_rps": round(read["rps"]),
            "bare_rps": round(bare["rps"]),
            "board_to_bare": round(read["rps"] / bare["rps"], 3),
            "board_p50_ms": round(read["p50_us"] / 1000, 2),
            "board_p99_ms": round(read["p99_us"] / 1000, 2),
            "bare_p50_ms": round(bare["p50_us"] / 1000, 2),
            "bare_p99_ms": round(bare["p99_us"] / 1000, 2),
            "seconds": args.seconds,
            "cores": os.cpu_count(),
        }
    finally:
        run.close()
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "leaderboard.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
