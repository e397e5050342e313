#!/usr/bin/env bash
# The worked example of api-docs/lifecycle.md, runnable: one application from filing through every review stage,
# publicity, vote, approval and certificate to revocation, plus the refusals a client meets on the way.
#
#   api-docs/examples/walkthrough.sh            # from anywhere; needs dotnet, curl, python3
#   PORT=5099 KEEP=1 api-docs/examples/walkthrough.sh   # KEEP=1 keeps the temp folder (service log, database)
#
# It copies the shipped reference data to a temp folder and adds a demo plan whose windows contain today (the shipped
# plans' windows are in the past), starts the service on that folder with a fresh ./data, runs every step, checks
# each answer's status and exits non-zero at the first unexpected one. The service is stopped on exit.
# Business dates are China Standard Time, as in the service. It needs a working-day calendar for the current year (and
# for the previous one when the publicities reach back into it) in src/TitleEval.Cases.Api/reference-data/calendar/,
# and the review meeting, 6 working days before today, must fall in the current year (no cross-year review).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PORT=${PORT:-5099}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/titleeval-walkthrough.XXXXXX")
REF="$WORK/reference-data"
NAME="walkthrough"
STEP=0
# shellcheck source=service.sh
source "$REPO/api-docs/examples/service.sh"

# ---------------------------------------------------------------------------------------------------------------------
# Dates. The service's business date is today in China Standard Time (UTC+8).
TODAY=$(date -u -d '+8 hours' +%F)
YEAR=${TODAY:0:4}
cp -r "$REPO/src/TitleEval.Cases.Api/reference-data" "$REF"
[[ -f "$REF/calendar/$YEAR.json" ]] || die "no working-day calendar for $YEAR in reference-data/calendar (see its README)"

# workday DATE N: the N-th working day after DATE (N > 0) or before it (N < 0), by the reference calendar.
workday() {
  python3 - "$REF/calendar" "$1" "$2" <<'PY'
import datetime as dt, json, os, sys
folder, day, n = sys.argv[1], dt.date.fromisoformat(sys.argv[2]), int(sys.argv[3])
years = {}
def working(d):
    if d.year not in years:
        path = os.path.join(folder, f"{d.year}.json")
        if not os.path.exists(path):
            sys.exit(f"no calendar for {d.year}")
        c = json.load(open(path, encoding="utf-8"))
        years[d.year] = (set(c["holidays"]), set(c["workdays"]))
    holidays, makeup = years[d.year]
    s = d.isoformat()
    return s not in holidays and (s in makeup or d.weekday() < 5)
step = 1 if n > 0 else -1
for _ in range(abs(n)):
    day += dt.timedelta(days=step)
    while not working(day):
        day += dt.timedelta(days=step)
print(day.isoformat())
PY
}

# Counted back from today, so that every publicity's 5 working days are over (it closes from the next day on):
# employer publicity, roster publicity, the review meeting, the result publicity, then today.
RESULT_END=$(workday "$TODAY" -1)
RESULT_START=$(workday "$RESULT_END" -4)
MEETING=$(workday "$RESULT_START" -1)
ROSTER_END=$(workday "$MEETING" -1)
ROSTER_START=$(workday "$ROSTER_END" -4)
EMPLOYER_END=$(workday "$ROSTER_START" -1)
EMPLOYER_START=$(workday "$EMPLOYER_END" -4)
[[ ${MEETING:0:4} == "$YEAR" ]] || die "the review meeting would fall on $MEETING, outside $YEAR (no cross-year review): run later in the year"
[[ "$TODAY" != "$YEAR-12-31" ]] || die "on 31 December no correction deadline can lie after today and inside the window: run on another day"

# The demo plan: every level's window opens 45 days ago (or on 1 January) and closes 14 days ahead (or on 31 December).
OPENS=$(date -d "$TODAY -45 days" +%F); [[ ${OPENS:0:4} == "$YEAR" ]] || OPENS="$YEAR-01-01"
CLOSES=$(date -d "$TODAY +14 days" +%F); [[ ${CLOSES:0:4} == "$YEAR" ]] || CLOSES="$YEAR-12-31"
PLAN="demo-$YEAR"
python3 - "$REF/plans/$PLAN.json" "$PLAN" "$YEAR" "$OPENS" "$CLOSES" <<'PY'
import json, sys
path, plan, year, opens, closes = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
doc = {
    "_comment": "DEMO plan written by api-docs/examples/walkthrough.sh into a temporary copy of reference-data; "
                "not a real notice. Every level's window contains the day the script ran.",
    "id": plan,
    "year": year,
    "region": "呼和浩特市",
    "name": f"演示计划 {year}（walkthrough demo）",
    "source": "api-docs/examples/walkthrough.sh (demo, no notice)",
    "greenChannel": False,
    "windows": [{"level": level, "opens": opens, "closes": closes}
                for level in ["FullSenior", "DeputySenior", "Intermediate", "Assistant", "Junior"]],
    "qualificationCutOff": None,
    "reviewDeadline": f"{year}-12-31",
}
with open(path, "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False, indent=2)
PY

CORRECTION_DEADLINE=$(date -d "$TODAY +7 days" +%F); [[ "$CORRECTION_DEADLINE" < "$CLOSES" ]] || CORRECTION_DEADLINE=$CLOSES
LATE_DEADLINE=$(date -d "$CLOSES +1 day" +%F)

echo "today (CST) $TODAY; demo plan $REF/plans/$PLAN.json:"
cat "$REF/plans/$PLAN.json"; echo
echo "employer publicity $EMPLOYER_START..$EMPLOYER_END, roster $ROSTER_START..$ROSTER_END, meeting $MEETING, result $RESULT_START..$RESULT_END"

# ---------------------------------------------------------------------------------------------------------------------
# The service, in its own process group (stopped by the trap), with a fresh ./data in the temp folder.
mkdir -p "$WORK/run"
echo "starting the service on $BASE (reference data $REF) ..."
(cd "$WORK/run" && ReferenceData__Folder="$REF" exec setsid dotnet run --project "$REPO/src/TitleEval.Cases.Api" --urls "$BASE" \
  >"$WORK/service.log" 2>&1) &
SERVICE_PID=$!
wait_ready

# ---------------------------------------------------------------------------------------------------------------------
# Tokens of the local issuer (Development only), one per role, minted with the service's own command in the same
# folder, so with the same key (./data/local-token-signing.key). Each role's claims put the demo case in its scope:
# the employer's org is the filing's employer code, the department's its employer.department, the bureau's region its
# employer.region, the committee office's committee its committeeId.
declare -A TOKEN
token() {
  local role=$1; shift
  TOKEN[$role]=$(cd "$WORK/run" && dotnet run --no-build --project "$REPO/src/TitleEval.Cases.Api" -- tokens issue --role "$role" "$@" 2>>"$WORK/service.log" | tail -n 1)
  [[ -n "${TOKEN[$role]}" ]] || die "could not issue a $role token"
}
token applicant --sub applicant-150102198805123014 --org individual
token employer --sub emp-hr-li --org 91150100MA0DEMO001
token department --sub dept-wang --org 11150100MBDEMO0001
token bureau --sub bureau-zhao --org 11150100MB0002002X --region 呼和浩特市
token committee-office --sub office-sun --org 12150100MB0003003X --committee hohhot-engineering-intermediate
token inspector --sub inspector-zhou --org 11150000MB0004004X
# Another unit's HR: the demo case is outside its scope.
TOKEN[other-employer]=$(cd "$WORK/run" && dotnet run --no-build --project "$REPO/src/TitleEval.Cases.Api" -- tokens issue --role employer --sub emp-other --org 91150100MA0OTHER01 2>>"$WORK/service.log" | tail -n 1)

# call EXPECTED METHOD PATH ROLE [BODY] [more curl arguments]: prints the request and the answer, checks the status.
# ROLE "-" sends no token. The answer is left in $WORK/body and $WORK/headers.

call() {
  local expect=$1 method=$2 path=$3 role=$4 body=${5-}
  shift $(( $# < 5 ? $# : 5 ))
  STEP=$((STEP + 1))
  local args=(-sS -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$method" "$BASE$path")
  if [[ "$role" != "-" ]]; then
    args+=(-H "Authorization: Bearer ${TOKEN[$role]}")
  fi
  if [[ -n "$body" ]]; then args+=(-H 'Content-Type: application/json' --data "$body"); fi
  args+=("$@")
  echo
  echo "[$STEP] $method $path  (${role/#-/no token}) $*"
  if [[ -n "$body" ]]; then
    if (( ${#body} > 240 )); then echo "    ${body:0:120}… (${#body} characters)"; else echo "    $body"; fi
  fi
  local status
  status=$(curl "${args[@]}")
  python3 - "$status" "$WORK/headers" "$WORK/body" <<'PY'
import json, sys
status, headers, body = sys.argv[1], open(sys.argv[2], encoding="utf-8").read(), open(sys.argv[3], encoding="utf-8").read()
keep = [l.strip() for l in headers.splitlines() if l.split(":")[0].lower() in ("etag", "location", "idempotent-replayed")]
print(f"  → {status} " + "  ".join(keep))
if body:
    try:
        doc = json.loads(body)
        text = json.dumps(doc, ensure_ascii=False, indent=2 if "type" in doc else None)
    except ValueError:
        text = body
    print("    " + text.replace("\n", "\n    "))
PY
  if [[ "$status" != "$expect" ]]; then
    die "step $STEP: expected HTTP $expect, got $status"
  fi
}

# json EXPR: evaluates a Python expression on the last answer's body (as `b`).
json() { python3 -c "import json,sys; b=json.load(open(sys.argv[1], encoding='utf-8')); print($1)" "$WORK/body"; }
etag() { sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' "$WORK/headers" | tr -d '\r'; }
expect_eq() { [[ "$1" == "$2" ]] || die "step $STEP: expected $3 = '$2', got '$1'"; }

# ---------------------------------------------------------------------------------------------------------------------
call 200 GET /health/ready -

FILING=$(cat <<JSON
{"planId":"$PLAN","applicant":{"name":"张伟","residentId":"150102198805123014","gender":"Male","ethnicity":"汉族","birthDate":"1988-05-12","phone":"13904711234","education":"本科","graduatedFrom":"内蒙古工业大学","graduatedOn":"2010-07-01","major":"土木工程","currentTitle":"助理工程师","currentTitleObtainedOn":"2016-09-30","currentSpeciality":"建筑工程","employmentStatus":"Employed"},"series":"Engineering","speciality":"建筑工程","level":"Intermediate","channel":"Review","committeeId":"hohhot-engineering-intermediate","employer":{"code":"91150100MA0DEMO001","name":"呼和浩特市某建筑设计院有限公司","affiliation":"City","region":"呼和浩特市","department":"11150100MBDEMO0001"},"preferentialPolicies":[7],"continuingEducation":"Completed","materials":["专业技术职称评审表","学历证书","现有职称证书","业绩成果材料","继续教育审验卡"],"integrityPledgeAccepted":true}
JSON
)

# No token: 401. An empty body: 400 listing every offending field at once.
call 401 POST /api/v1/applications - '{}'
call 400 POST /api/v1/applications applicant '{}'

# File: 201 with Location and ETag.
call 201 POST /api/v1/applications applicant "$FILING" -H 'Idempotency-Key: walkthrough-filing-1'
APP=$(json 'b["applicationId"]')
expect_eq "$(json 'b["status"]')" InReview status
A="/api/v1/applications/$APP"

# The same request with the same key (a client retry): the first answer again, nothing new written.
call 201 POST /api/v1/applications applicant "$FILING" -H 'Idempotency-Key: walkthrough-filing-1'
expect_eq "$(json 'b["applicationId"]')" "$APP" "replayed applicationId"
grep -qi '^Idempotent-Replayed: true' "$WORK/headers" || die "step $STEP: no Idempotent-Replayed header"

# The same key with another body: 422.
call 422 POST /api/v1/applications applicant "${FILING/\"level\":\"Intermediate\"/\"level\":\"DeputySenior\"}" -H 'Idempotency-Key: walkthrough-filing-1'
expect_eq "$(json 'b["type"]')" /problems/idempotency-key-reused type

# A second filing for the same level and year (new key): 422 duplicate-application.
call 422 POST /api/v1/applications applicant "$FILING" -H 'Idempotency-Key: walkthrough-filing-2'
expect_eq "$(json 'b["type"]')" /problems/duplicate-application type

call 200 GET "$A" applicant

# Employer stage (初审): not before the in-unit publicity has been held and closed.
call 409 POST "$A/reviews" employer '{"stage":"Employer","reviewer":"李华","opinion":"材料真实完整，同意推荐"}'
expect_eq "$(json 'b["type"]')" /problems/publicity-missing type
call 200 POST "$A/publicities" employer "{\"stage\":\"Employer\",\"start\":\"$EMPLOYER_START\",\"workingDays\":5,\"postedAt\":\"单位公告栏及内网\"}"
call 200 POST "$A/publicities/Employer/close" employer '{"note":"公示期满无异议"}'
call 200 POST "$A/reviews" employer '{"stage":"Employer","reviewer":"李华","opinion":"材料真实完整，同意推荐"}'

# Department stage (复审): a return for correction, refused first because its deadline passes the window's close.
call 422 POST "$A/returns" department "{\"stage\":\"Department\",\"items\":[\"业绩成果材料缺少单位盖章\",\"继续教育审验卡未年审\"],\"deadline\":\"$LATE_DEADLINE\"}"
expect_eq "$(json 'b["type"]')" /problems/correction-deadline-invalid type
call 200 POST "$A/returns" department "{\"stage\":\"Department\",\"items\":[\"业绩成果材料缺少单位盖章\",\"继续教育审验卡未年审\"],\"deadline\":\"$CORRECTION_DEADLINE\"}"
expect_eq "$(json 'b["status"]')" Returned status
STALE=$(etag)
call 200 POST "$A/resubmission" applicant '{"changes":"补充盖章的业绩成果材料；继续教育审验卡已年审"}'
expect_eq "$(json 'b["status"]')" InReview status

# Optimistic concurrency: an If-Match read before the resubmission is stale, so 412 and nothing written ...
call 412 POST "$A/reviews" department '{"stage":"Department","reviewer":"王强","opinion":"复审通过"}' -H "If-Match: $STALE"
# ... read again, and resend with the current ETag.
call 200 GET "$A" department
call 200 POST "$A/reviews" department '{"stage":"Department","reviewer":"王强","opinion":"复审通过"}' -H "If-Match: $(etag)"

# Bureau stage (人社审核): the roster publicity, then pass.
call 200 POST "$A/publicities" bureau "{\"stage\":\"Roster\",\"start\":\"$ROSTER_START\",\"workingDays\":5,\"postedAt\":\"呼和浩特市人社局门户网站\"}"
call 200 POST "$A/publicities/Roster/close" bureau '{}'
call 200 POST "$A/reviews" bureau '{"stage":"Bureau","reviewer":"赵敏","opinion":"审核通过，报送评委会"}'

# Committee office check (复核): accepts the case for review.
call 200 POST "$A/reviews" committee-office '{"stage":"CommitteeOffice","reviewer":"孙立","opinion":"符合申报条件，受理"}'
expect_eq "$(json 'b["status"]')" Accepted status

# The vote: 25 members, 1 recused, 21 present (≥ 2/3 of 24), 18 yes (≥ 2/3 of 21): passed, computed by the service.
call 200 POST "$A/vote" committee-office "{\"meetingDate\":\"$MEETING\",\"members\":25,\"present\":21,\"recused\":1,\"yes\":18,\"no\":2,\"abstain\":1,\"blind\":true}"
expect_eq "$(json 'b["status"]')" ReviewPassed status

# After the vote there is nothing to withdraw.
call 409 POST "$A/withdrawal" applicant '{"reason":"个人原因"}'
expect_eq "$(json 'b["type"]')" /problems/not-allowed-in-status type

# Result publicity, with an objection lodged during it.
call 200 POST "$A/publicities" committee-office "{\"stage\":\"Result\",\"start\":\"$RESULT_START\",\"workingDays\":5,\"postedAt\":\"评委会门户网站\"}"
OBJECTION=3f2b8c1e-0d4a-4c5e-9b7a-2a1d6e8f9c01
call 200 POST "$A/objections" committee-office "{\"objectionId\":\"$OBJECTION\",\"topic\":\"ReviewWork\",\"summary\":\"来信反映评审会议回避不到位\"}"
call 409 POST "$A/approval" bureau '{"authority":"呼和浩特市人力资源和社会保障局"}'
expect_eq "$(json 'b["type"]')" /problems/publicity-not-closed type
call 200 POST "$A/publicities/Result/close" committee-office '{}'
call 409 POST "$A/approval" bureau '{"authority":"呼和浩特市人力资源和社会保障局"}'
expect_eq "$(json 'b["type"]')" /problems/objection-open type
call 200 POST "$A/objections/$OBJECTION/resolution" committee-office '{"outcome":"Dismissed","findings":"经核查，相关专家已按规定回避，反映问题不属实"}'

# Approval (核准备案) and the electronic certificate.
call 200 POST "$A/approval" bureau '{"authority":"呼和浩特市人力资源和社会保障局"}'
expect_eq "$(json 'b["status"]')" Approved status
call 200 POST "$A/certificate" bureau
expect_eq "$(json 'b["status"]')" CertificateIssued status
call 200 GET "$A" bureau
CERT=$(json 'b["certificateNumber"]')
expected_cert="ZC$YEAR-$(echo "${APP//-/}" | cut -c1-12 | tr a-f A-F)"
expect_eq "$CERT" "$expected_cert" certificateNumber

# Fraud found later: revocation, with a three-year integrity record in the same commit.
call 200 POST "$A/revocation" bureau '{"grounds":"FalseMaterials","decisionNumber":"呼人社职改字〔'"$YEAR"'〕1号","authority":"呼和浩特市人力资源和社会保障局"}'
expect_eq "$(json 'b["status"]')" RevokedForFraud status

# The person files again: refused while the record is active.
call 422 POST /api/v1/applications applicant "$FILING" -H 'Idempotency-Key: walkthrough-filing-3'
expect_eq "$(json 'b["type"]')" /problems/integrity-record-blocks-filing type

# An inspector reads everything and writes nothing (403); another unit's HR cannot even see the case (404).
call 403 POST "$A/withdrawal" inspector '{"reason":"x"}'
call 404 GET "$A" other-employer
call 200 GET "$A" inspector
expect_eq "$(json '" ".join(p["stage"] + ":" + p["end"] for p in b["publicities"])')" \
  "Employer:$EMPLOYER_END Roster:$ROSTER_END Result:$RESULT_END" "publicity ends computed by the service"
echo
echo "walkthrough passed: $STEP requests, every status as expected (application $APP, certificate $CERT)"
