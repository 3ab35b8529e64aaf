#!/usr/bin/env bash
# Fails on a known vulnerability of high or critical severity: in any NuGet package of the solution, transitive ones
# included (the advisories nuget.org publishes), and in the browser SDK's runtime npm packages (npm's advisories).
set -euo pipefail
cd "$(dirname "$0")/.."

report=$(dotnet list LearnProgress.sln package --vulnerable --include-transitive 2>&1)
if echo "$report" | grep -Eq '^\s+>.*\b(High|Critical)\b'; then
  echo "$report"
  echo "supply chain: NuGet packages with known high or critical vulnerabilities (above)"
  exit 1
fi
echo "supply chain: no NuGet package with a known high or critical vulnerability"

(cd src/player && npm audit --omit=dev --audit-level=high)
echo "supply chain: no npm runtime package with a known high or critical vulnerability"
