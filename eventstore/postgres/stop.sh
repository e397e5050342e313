#!/usr/bin/env bash
# Usage: eventstore/postgres/stop.sh [PORT] [DATA_DIR]
#
# Stops the throwaway cluster started by start.sh (pg_ctl -m fast stop, as the
# OS user owning the data dir) and deletes DATA_DIR unless KEEP_DATA=1.
# Succeeds quietly when nothing is running / the data dir does not exist.
set -euo pipefail

# shellcheck source=eventstore/postgres/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

exec 1>&2

PORT="${1:-$TITLEEVAL_DEFAULT_PORT}"
check_port "$PORT"
DATA_DIR="${2:-/tmp/titleeval-pg-${PORT}}"
check_data_dir "$DATA_DIR"
DATA_DIR="${DATA_DIR%/}"

[[ -e "$DATA_DIR" ]] || exit 0
[[ -d "$DATA_DIR" ]] || die "${DATA_DIR} is not a directory"

lock_data_dir "$DATA_DIR"

if [[ -f "${DATA_DIR}/PG_VERSION" ]]; then
  # Use the binaries of the cluster's own major version when present.
  major="$(cat "${DATA_DIR}/PG_VERSION")"
  if [[ -x "/usr/lib/postgresql/${major}/bin/pg_ctl" ]]; then
    PG_BIN="/usr/lib/postgresql/${major}/bin"
  fi
  require_pg_bin
  adopt_data_dir_owner "$DATA_DIR"
  if server_running "$DATA_DIR"; then
    log "stopping PostgreSQL in ${DATA_DIR}"
    as_server_user "${PG_BIN}/pg_ctl" -D "$DATA_DIR" -m fast -w -t 60 stop >/dev/null 9>&- || {
      dump_server_log "$DATA_DIR"
      die "pg_ctl stop failed"
    }
  fi
elif [[ -n "$(ls -A "$DATA_DIR")" ]]; then
  # Not a cluster and not empty: never rm -rf something that isn't ours.
  die "${DATA_DIR} is not a PostgreSQL data dir; not deleting it"
fi

if [[ "${KEEP_DATA:-0}" != "1" ]]; then
  rm -rf -- "$DATA_DIR" "${DATA_DIR}.initdb.log"
  unlock_and_remove_lock "$DATA_DIR"
fi
