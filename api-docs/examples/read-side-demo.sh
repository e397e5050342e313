#!/usr/bin/env bash
# The read side on a seeded store, runnable: what issue 4 asks people to be able to do with the README's run command.
#   - a committee office finds a case by its id and reads its full history;
#   - an inspector lists the active integrity blacklist;
#   - a partner system verifies a certificate and downloads the roster as XLSX.
#
#   api-docs/examples/read-side-demo.sh              # needs dotnet, curl, python3
#   APPS=1000 PORT=5098 KEEP=1 api-docs/examples/read-side-demo.sh
#
# It seeds APPS applications (default 300) through the real command path into a fresh ./data in a temp folder
# (`seed`), starts the service there on the embedded default, mints local tokens with `tokens issue`, runs each
# step, checks each answer's status and exits non-zero at the first unexpected one. The service is stopped on exit.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PORT=${PORT:-5098}
APPS=${APPS:-300}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/titleeval-read-demo.XXXXXX")
NAME="read-side demo"
# shellcheck source=service.sh
source "$REPO/api-docs/examples/service.sh"

api() { (cd "$WORK" && dotnet run --no-build --project "$REPO/src/TitleEval.Cases.Api" -- "$@"); }

echo "building ..."
dotnet build "$REPO/src/TitleEval.Cases.Api" -v q --nologo >"$WORK/build.log" 2>&1 || { tail -n 20 "$WORK/build.log" >&2; die "build failed"; }

echo "seeding $APPS applications into $WORK/data ..."
api seed --applications "$APPS" | tee "$WORK/seed.log"

echo "starting the service on $BASE ..."
(cd "$WORK" && exec setsid dotnet run --no-build --project "$REPO/src/TitleEval.Cases.Api" --urls "$BASE" >"$WORK/service.log" 2>&1) &
SERVICE_PID=$!
wait_ready

# Local tokens (Development only), minted in the same folder, so with the service's key (./data/local-token-signing.key).
# The seeded Engineering senior cases belong to the committee hohhot-engineering-senior.
token() { api tokens issue "$@" 2>>"$WORK/service.log" | tail -n 1; }
OFFICE=$(token --role committee-office --sub office-sun --org 12150100MB0003003X --committee hohhot-engineering-senior)
INSPECTOR=$(token --role inspector --sub inspector-qian --org 11150000MB0004004X)
PARTNER=$(token --role partner --sub hr-portal --org 11150100MB0007007X --client hr-portal --scope 'certificates:read results:read')

# get EXPECTED TOKEN PATH [curl args]: the answer is left in $WORK/body; prints the status.
get() {
  local expect=$1 bearer=$2 path=$3; shift 3
  local status
  status=$(curl -sS -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $bearer" "$BASE$path" "$@")
  echo "GET $path -> $status"
  [[ "$status" == "$expect" ]] || { head -c 600 "$WORK/body" >&2; echo >&2; die "expected $expect"; }
}
json() { python3 -c "import json,sys; d=json.load(open('$WORK/body')); print($1)"; }

echo
echo "== a committee office finds a case and reads its history"
get 200 "$OFFICE" "/api/v1/applications?committee=hohhot-engineering-senior&limit=5"
ID=$(json 'd["items"][0]["applicationId"]')
[[ -n "$ID" ]] || die "the office's search found no case"
get 200 "$OFFICE" "/api/v1/applications/$ID"
json '"  status " + str(d.get("status"))'
get 200 "$OFFICE" "/api/v1/applications/$ID/history"
json '"  %d events: " % len(d["entries"]) + ", ".join(e["eventType"] for e in d["entries"])'

echo
echo "== an inspector lists the active blacklist"
get 200 "$INSPECTOR" "/api/v1/integrity-records?limit=10"
json '"  %d active records on this page; first: %s" % (len(d["items"]), (d["items"][0]["misconduct"] if d["items"] else "-"))'

echo
echo "== a partner verifies a certificate and downloads the roster as XLSX"
get 200 "$OFFICE" "/api/v1/applications?committee=hohhot-engineering-senior&status=CertificateIssued&limit=1"
CERTIFIED=$(json 'd["items"][0]["applicationId"] if d["items"] else ""')
[[ -n "$CERTIFIED" ]] || die "no certified case in the office's committee: seed more applications (APPS)"
get 200 "$OFFICE" "/api/v1/applications/$CERTIFIED"
NUMBER=$(json 'd["certificateNumber"]')
get 200 "$PARTNER" "/api/v1/certificates/$NUMBER"
json '"  " + json.dumps(d, ensure_ascii=False)'
get 200 "$PARTNER" "/api/v1/rosters?committee=hohhot-engineering-senior&planYear=2026&format=xlsx" -D "$WORK/roster-headers"
cp "$WORK/body" "$WORK/roster.xlsx"
python3 - "$WORK/roster.xlsx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
print(f"  roster.xlsx: {sheet.count('<x:row') + sheet.count('<row')} rows (header included)")
PY
grep -i '^content-disposition' "$WORK/roster-headers" | sed 's/^/  /'
# Its scopes name certificates and results, not cases: reading a case is refused.
get 403 "$PARTNER" "/api/v1/applications/$ID"

echo
echo "read-side demo passed"
