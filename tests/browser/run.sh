#!/usr/bin/env bash
# The browser SDK's tests: node unit tests (injected clock, fetch, storage), the JSDoc type check, and the
# end-to-end tests, Playwright driving Debian's Chromium against the real API process (Release build, which
# embeds the SDK and the pages). Node packages come from the committed lock file; no browser is downloaded.
set -uo pipefail
cd "$(dirname "$0")/../.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

status=0
(cd src/player && npm ci --no-audit --no-fund --loglevel=error) || { echo "browser: npm ci failed"; exit 1; }

unit=$(mktemp); e2e=$(mktemp)
trap 'rm -f "$unit" "$e2e"' EXIT
(cd src/player && node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$unit" test/) || status=1

types=ok
(cd src/player && npm run check --silent) || { types=failed; status=1; }

dotnet build src/LearnProgress.Api -c Release --nologo -v quiet -clp:ErrorsOnly || status=1
# One file at a time: each starts its own API and browser, and the machine's cores are shared.
node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$e2e" tests/browser/ || status=1

count() { grep -E "^# $2 [0-9]+" "$1" | tail -n 1 | grep -Eo '[0-9]+' || echo 0; }
# A suite skipped as a whole (no Chromium) is one "# SKIP" line with its reason, not counted among the tests.
skips() { grep -c '# SKIP' "$1" || true; }
echo "browser tests: unit $(count "$unit" pass) passed, $(count "$unit" fail) failed;" \
  "e2e $(count "$e2e" pass) passed, $(count "$e2e" fail) failed, $(skips "$e2e") skipped; types $types"
exit "$status"
