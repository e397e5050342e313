#!/usr/bin/env bash
# Event-store throughput: our layer vs each engine's raw limit, SQLite and PostgreSQL + Message DB, in one run;
# then full case lifecycles over HTTP (tests/TitleEval.Cases.Benchmarks.Lifecycle) against the bare append rate.
#
#   ./bench.sh                      # full run (1,000,000-event read test; several minutes)
#   ./bench.sh --events 200000      # extra flags go to the program (see --help)
#
# Starts a throwaway PostgreSQL + Message DB on 127.0.0.1:55440 (eventstore/postgres/start.sh), runs
# tests/TitleEval.Cases.Benchmarks in Release, prints the results table on stdout (progress on stderr) and
# stops and deletes the cluster on exit. Override the port with BENCH_PG_PORT.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
PORT="${BENCH_PG_PORT:-55440}"

cleanup() { eventstore/postgres/stop.sh "$PORT" || true; }
trap cleanup EXIT

CS="$(eventstore/postgres/start.sh "$PORT")"
dotnet run -c Release --project tests/TitleEval.Cases.Benchmarks -- --engine all --pg "$CS" "$@"
# Full case lifecycles over HTTP against the bare append rate (LIFECYCLE_CASES cases, 8 clients).
Serilog__MinimumLevel__Default=Warning \
  dotnet run -c Release --project tests/TitleEval.Cases.Benchmarks.Lifecycle -- --engine all --pg "$CS" --cases "${LIFECYCLE_CASES:-400}"
