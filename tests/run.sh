#!/usr/bin/env bash
# Runs every test against real servers. Installs what the tests need when it is missing (Debian packages):
# redis-server for the buffer contract suite and the Redis-mode API tests, wrk for the benchmark's smoke run,
# chromium and ffmpeg for the browser SDK's end-to-end tests (tests/browser/run.sh), poppler-utils (pdftoppm) to render
# the weekly report's PDF.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install-tools.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test LearnProgress.sln -c Release --logger "console;verbosity=detailed" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The fault suite's counts (its tests print "fault suite: ..."), then one plain summary line for whoever reads
# only the end of the log.
grep -a "fault suite:" "$log" | sed 's/^ *//' | sort -u || true
count() { grep -E "^ +$1: +[0-9]+" "$log" | tail -n 1 | grep -Eo '[0-9]+' || echo 0; }
if grep -q '^Total tests:' "$log"; then
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi

# Known vulnerabilities of high or critical severity in the packages fail the run.
bash tests/supply-chain.sh || status=1

# The browser SDK: unit tests, type check, end-to-end tests in Chromium against the API's Release build.
bash tests/browser/run.sh || status=1
exit "$status"
