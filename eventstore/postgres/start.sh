#!/usr/bin/env bash
# Usage: eventstore/postgres/start.sh [PORT] [DATA_DIR]
#
# Starts (or reuses) a throwaway PostgreSQL cluster on 127.0.0.1:PORT
# (default 55432) with data in DATA_DIR (default /tmp/titleeval-pg-PORT),
# installs Message DB into database message_store and applies
# titleeval-schema.sql. Idempotent: a healthy cluster on that data dir is reused.
#
# stdout: exactly one line, the Npgsql connection string:
#   Host=127.0.0.1;Port=PORT;Database=message_store;Username=message_store
# Everything else goes to stderr, so `CS=$(eventstore/postgres/start.sh)` works.
set -euo pipefail

# shellcheck source=eventstore/postgres/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

# Keep the real stdout on fd 3 for the connection string only.
exec 3>&1 1>&2

PORT="${1:-$TITLEEVAL_DEFAULT_PORT}"
check_port "$PORT"
DATA_DIR="${2:-/tmp/titleeval-pg-${PORT}}"
check_data_dir "$DATA_DIR"
DATA_DIR="${DATA_DIR%/}"

on_exit() {
  local rc=$?
  if (( rc != 0 )); then
    log "start.sh failed (exit ${rc})"
    dump_server_log "$DATA_DIR"
  fi
}
trap on_exit EXIT

"${TITLEEVAL_PG_SCRIPT_DIR}/install.sh"
require_pg_bin
lock_data_dir "$DATA_DIR"
adopt_data_dir_owner "$DATA_DIR"

PG_USER="$(server_os_user)"
PG_MAJOR="$("${PG_BIN}/postgres" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')"

init_cluster() {
  local locale="C"
  local locales
  locales="$(locale -a 2>/dev/null || true)"
  if grep -qiE '^c\.utf-?8$' <<<"$locales"; then
    locale="C.UTF-8"
  fi
  mkdir -p "$DATA_DIR"
  if [[ "$(id -u)" -eq 0 ]]; then
    chown "${PG_USER}:" "$DATA_DIR"
  fi
  chmod 0700 "$DATA_DIR"
  log "initdb ${DATA_DIR} (PostgreSQL ${PG_MAJOR}, locale ${locale}, OS user ${PG_USER})"
  as_server_user "${PG_BIN}/initdb" -D "$DATA_DIR" --auth=trust --username=postgres \
    --encoding=UTF8 --locale="$locale" >"${DATA_DIR}.initdb.log" 2>&1 || {
    cat "${DATA_DIR}.initdb.log" >&2
    die "initdb failed"
  }
  rm -f "${DATA_DIR}.initdb.log"
}

start_cluster() {
  log "starting PostgreSQL on 127.0.0.1:${PORT} (data ${DATA_DIR}, log ${DATA_DIR}/server.log)"
  # 3>&- 9>&- : the postmaster must not inherit the captured stdout (fd 3, a
  # `$(start.sh)` would never return) nor our lock fd.
  as_server_user "${PG_BIN}/pg_ctl" -D "$DATA_DIR" -l "${DATA_DIR}/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p ${PORT} -k ${DATA_DIR} -c fsync=on -c synchronous_commit=on -c max_connections=200" \
    start 3>&- 9>&- || die "pg_ctl start failed (is port ${PORT} already in use?)"
}

if server_healthy "$PORT" "$DATA_DIR"; then
  log "reusing running cluster on 127.0.0.1:${PORT} (${DATA_DIR})"
else
  if server_running "$DATA_DIR"; then
    log "cluster in ${DATA_DIR} is running but not healthy on port ${PORT}; restarting it"
    as_server_user "${PG_BIN}/pg_ctl" -D "$DATA_DIR" -m fast -w -t 60 stop 9>&- || die "could not stop the running cluster"
  fi
  if [[ -f "${DATA_DIR}/PG_VERSION" ]]; then
    existing="$(cat "${DATA_DIR}/PG_VERSION")"
    [[ "$existing" == "$PG_MAJOR" ]] || die "${DATA_DIR} holds a PostgreSQL ${existing} cluster but binaries are ${PG_MAJOR}; run stop.sh to delete it"
    log "reusing existing data dir ${DATA_DIR}"
  else
    if [[ -d "$DATA_DIR" ]] && [[ -n "$(ls -A "$DATA_DIR")" ]]; then
      die "${DATA_DIR} exists, is not empty and is not a PostgreSQL data dir; refusing to touch it"
    fi
    init_cluster
  fi
  start_cluster
  server_healthy "$PORT" "$DATA_DIR" || die "server started but is not answering on 127.0.0.1:${PORT}"
fi

if message_db_installed "$PORT"; then
  log "Message DB already installed in database ${TITLEEVAL_DB}"
else
  # A database left behind by an interrupted install is dropped and redone.
  pg_super_psql "$PORT" -d postgres -c "DROP DATABASE IF EXISTS ${TITLEEVAL_DB} WITH (FORCE)" >&2
  install_message_db_schema "$PORT"
  message_db_installed "$PORT" || die "Message DB install did not complete"
fi
apply_titleeval_schema "$PORT"

log "ready"
connection_string "$PORT" >&3
