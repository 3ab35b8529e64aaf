#!/usr/bin/env bash
# The benchmark: builds Release, then runs a private redis-server, the API (production mode, SQLite store) and wrk,
# all on 127.0.0.1, and writes artifacts/bench/results.json. Installs wrk and redis-server when they are missing.
#   bash tests/bench/run.sh            full run (about 10 minutes)
#   bash tests/bench/run.sh --smoke    a few seconds per phase, to check the harness
#   --no-build --configuration Debug   reuse an existing build of the benchmark host (tests/bench/LearnProgress.Bench.Host)
#   bash tests/bench/run.sh --leaderboard   only the leaderboard reads at 100,000 members (about 30 s)
#   bash tests/bench/run.sh --tracing       only the bare, ping and traced phases: tracing's cost (about a minute)
#   bash tests/bench/run.sh --paced         only the bare, ping and paced phases: p99 with a flush in the window (about 3 minutes)
#   bash tests/bench/run.sh --cluster       only pings on one redis-server and on a loopback cluster of three primaries (cluster.json)
#   bash tests/bench/run.sh --soak          only the soak: 20 minutes of paced players in embedded mode (artifacts/bench/soak.json)
set -euo pipefail
cd "$(dirname "$0")/../.."

build=1
configuration=Release
limit=900
script=tests/bench/bench.py
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --configuration) configuration="$2"; shift ;;
    --leaderboard) script=tests/bench/leaderboard.py ;;
    --soak) limit=1800; args+=("$1") ;;
    *) args+=("$1") ;;
  esac
  shift
done

bash tests/install-tools.sh

if [ "$build" = 1 ]; then
  dotnet build tests/bench/LearnProgress.Bench.Host -c "$configuration" -nologo -v q
fi
exec timeout "$limit" python3 "$script" --api "tests/bench/LearnProgress.Bench.Host/bin/$configuration/net10.0/LearnProgress.Bench.Host.dll" "${args[@]}"
