#!/usr/bin/env bash
# Runs every test project, with the contract suite against BOTH event-store engines.
# On a fresh machine it installs and starts what it needs: PostgreSQL (Debian package) and
# Message DB (npm, pinned), as a throwaway cluster on 127.0.0.1 that is stopped again at the end.
# Ends with one line: "N passed, N failed, N skipped". Exit status: non-zero on any failure.
#
# Usage: ./test.sh [extra dotnet test arguments]
#   TITLEEVAL_TEST_PG_PORT   port of the throwaway cluster (default 55439)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

port="${TITLEEVAL_TEST_PG_PORT:-55439}"
log="$(mktemp -t titleeval-test.XXXXXX)"
cleanup() {
  eventstore/postgres/stop.sh "$port" >/dev/null 2>&1 || true
  rm -f "$log"
}
trap cleanup EXIT

echo "== starting PostgreSQL + Message DB on 127.0.0.1:${port}" >&2
TITLEEVAL_TEST_POSTGRES="$(eventstore/postgres/start.sh "$port")"
export TITLEEVAL_TEST_POSTGRES
# Nothing may be skipped here: a missing server fails the PostgreSQL tests instead.
export TITLEEVAL_REQUIRE_POSTGRES=1

status=0
dotnet test TitleEval.Cases.sln --nologo "$@" 2>&1 | tee "$log" || status=$?

# Each test project prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T, ...": sum them.
read -r passed failed skipped projects < <(
  sed -nE 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+), +Skipped: +([0-9]+).*/\2 \3 \4/p' "$log" |
    awk '{ f += $1; p += $2; s += $3; n++ } END { printf "%d %d %d %d\n", p, f, s, n }')

expected_projects="$(find tests -name '*.Tests.csproj' | wc -l)"
if (( projects != expected_projects )); then
  echo "expected results from ${expected_projects} test projects, got ${projects} (a build or run failed)" >&2
  status=1
fi
if (( failed > 0 || passed == 0 )); then
  status=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
