"""Capacity model: what a deployment needs for N concurrent players pinging every few seconds, recomputed from the
per-request CPU the benchmark measured (artifacts/bench/results.json).

    python3 tests/bench/capacity.py [results.json] [--players 100000 1000000] [--interval 5]

Every figure is arithmetic on measured costs plus the stated assumptions below; the output shows the arithmetic.
"""
import argparse
import json
import math
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# Assumptions (not measured here; change them to match your hardware and SLOs).
API_UTILISATION = 0.6      # keep API cores at most 60 % busy, for bursts and a lost instance
REDIS_UTILISATION = 0.5    # a Redis primary runs commands on one core; keep it at most half busy
KEYS_PER_PLAYER = 2        # a playing learner's buffered keys: the course's progress and the day's spans
MONGO_WRITES_PER_SHARD = 10_000  # majority-acknowledged upserts per second one shard's primary sustains (assumed)
FLUSH_INTERVALS = (30, 300)


def model(r: dict, players: int, ping_period: float) -> list[tuple[str, str, float]]:
    pings = players / ping_period
    # The ping phase's flush wrote each buffered key once for pings_per_key_per_flush pings: its CPU per key.
    per_key = r["pings_per_key_per_flush"]
    api_key_us = r["ping_flush_api_cpu_us"] * per_key
    redis_key_us = r["ping_flush_redis_cpu_us"] * per_key
    rows = [("pings per second", f"{players:,} players / {ping_period:g} s", pings)]
    for interval in FLUSH_INTERVALS:
        keys = players * KEYS_PER_PLAYER / interval
        rows += [
            (f"{interval} s flush: keys flushed (= store writes) per second", f"{players:,} players × {KEYS_PER_PLAYER} keys / {interval} s", keys),
            (f"{interval} s flush: API cores",
             f"({pings:,.0f} pings/s × {r['ping_api_cpu_us']} µs + {keys:,.0f} keys/s × {api_key_us:.1f} µs) / {API_UTILISATION}",
             (pings * r["ping_api_cpu_us"] + keys * api_key_us) / 1e6 / API_UTILISATION),
            (f"{interval} s flush: Redis primaries",
             f"({pings:,.0f} pings/s × {r['ping_redis_cpu_us']} µs + {keys:,.0f} keys/s × {redis_key_us:.1f} µs) / {REDIS_UTILISATION}, rounded up",
             math.ceil((pings * r["ping_redis_cpu_us"] + keys * redis_key_us) / 1e6 / REDIS_UTILISATION)),
            (f"{interval} s flush: MongoDB shards", f"{keys:,.0f} writes/s / {MONGO_WRITES_PER_SHARD:,} per shard, rounded up",
             max(1, math.ceil(keys / MONGO_WRITES_PER_SHARD))),
        ]
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results", nargs="?", default=os.path.join(ROOT, "artifacts", "bench", "results.json"))
    parser.add_argument("--players", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--interval", type=float, default=5, help="seconds between two pings of a player")
    args = parser.parse_args()
    with open(args.results) as f:
        results = json.load(f)
    print(f"from {args.results} (commit {results.get('commit', '?')[:10]}{', smoke run' if results.get('smoke') else ''})")
    for players in args.players:
        print(f"\n| {players:,} players | arithmetic | value |\n|---|---|---|")
        for name, arithmetic, value in model(results, players, args.interval):
            print(f"| {name} | {arithmetic} | {value:,.1f} |" if isinstance(value, float) else f"| {name} | {arithmetic} | {value:,} |")


if __name__ == "__main__":
    main()
