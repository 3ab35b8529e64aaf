#!/usr/bin/env bash
# Runs every test against real servers. Installs what the tests need when it is missing:
# redis-server (Debian package) for the buffer contract suite and the Redis-mode API tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server is missing; installing it with apt-get"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test LearnProgress.sln -c Release --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain summary line for whoever reads only the end of the log.
count() { grep -E "^ +$1: +[0-9]+" "$log" | tail -n 1 | grep -Eo '[0-9]+' || echo 0; }
if grep -q '^Total tests:' "$log"; then
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi
exit "$status"
