# Shared by the runnable examples (walkthrough.sh, read-side-demo.sh); sourced, not run. Before sourcing, a script sets
# BASE (the service's address), WORK (its temp folder) and NAME (how it calls itself in messages).
# It stops the service on exit (its own process group), keeps WORK after a failure or with KEEP=1, and offers die and
# wait_ready.

SERVICE_PID=""

cleanup() {
  local rc=$?
  if [[ -n "$SERVICE_PID" ]]; then
    kill -TERM -- "-$SERVICE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$SERVICE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$SERVICE_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 ]]; then
    echo "$NAME FAILED (exit $rc); service log: $WORK/service.log" >&2
  elif [[ -z "${KEEP:-}" ]]; then
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT

die() { echo "error: $*" >&2; exit 1; }

for tool in dotnet curl python3; do command -v "$tool" >/dev/null || die "$tool is required"; done
if curl -s -o /dev/null "$BASE/health/live"; then die "something already listens on $BASE; set PORT"; fi

# wait_ready: after the caller started the service in the background (setsid, output in $WORK/service.log) and set
# SERVICE_PID, waits until /health/ready answers 200, or fails naming why.
wait_ready() {
  local i
  for i in $(seq 1 180); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/ready" || true)" == 200 ]]; then return 0; fi
    kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 30 "$WORK/service.log" >&2; die "the service stopped during start"; }
    [[ $i -lt 180 ]] || die "the service was not ready after 180 s"
    sleep 1
  done
}
