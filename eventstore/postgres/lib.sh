# shellcheck shell=bash
# Shared helpers for the eventstore/postgres scripts. Source it, don't run it.
#
# Conventions:
#   * every diagnostic goes to stderr (log/die);
#   * the PostgreSQL server always runs as a non-root OS user: `postgres` when
#     the caller is root, otherwise the caller itself;
#   * clients (psql, createdb, Message DB's install.sh) connect over TCP to
#     127.0.0.1 with trust auth, so they can run as the calling user.

# Pinned Message DB release (npm package @eventide/message-db).
# Note: its database/VERSION.txt and message_store_version() say "1.3.0";
# the npm package.json says 1.3.1. That is upstream's quirk, not a bad download.
readonly MESSAGE_DB_VERSION="1.3.1"
# shellcheck disable=SC2034
readonly MESSAGE_DB_NPM_SPEC="@eventide/message-db@${MESSAGE_DB_VERSION}"
# shellcheck disable=SC2034 # sha256 of the npm tarball, checked by install.sh
readonly MESSAGE_DB_TGZ_SHA256="d7938e108d950e29da1974e3acad05bcf680045d0961f6a12039fb002140840d"

# shellcheck disable=SC2034
readonly TITLEEVAL_DEFAULT_PORT=55432
readonly TITLEEVAL_DB=message_store
readonly TITLEEVAL_APP_ROLE=message_store

TITLEEVAL_PG_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly TITLEEVAL_PG_SCRIPT_DIR

log() { printf '[titleeval-pg] %s\n' "$*" >&2; }
die() { printf '[titleeval-pg] ERROR: %s\n' "$*" >&2; exit 1; }

# Default Message DB cache dir (overridable with MESSAGE_DB_DIR).
message_db_dir() {
  if [[ -n "${MESSAGE_DB_DIR:-}" ]]; then
    printf '%s\n' "$MESSAGE_DB_DIR"
  else
    local cache="${XDG_CACHE_HOME:-${HOME:?HOME is not set; set MESSAGE_DB_DIR or XDG_CACHE_HOME}/.cache}"
    printf '%s\n' "${cache}/titleeval/message-db-${MESSAGE_DB_VERSION}"
  fi
}

# Prints the bin dir of the newest PostgreSQL under /usr/lib/postgresql that
# has initdb, or nothing. PG_BIN overrides the search.
find_pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "${PG_BIN}/initdb" ]] && printf '%s\n' "$PG_BIN"
    return 0
  fi
  local d best="" best_ver=""
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "${d}/initdb" && -x "${d}/pg_ctl" && -x "${d}/psql" ]] || continue
    local ver="${d#/usr/lib/postgresql/}"
    ver="${ver%/bin}"
    if [[ -z "$best" ]] || [[ "$(printf '%s\n%s\n' "$best_ver" "$ver" | sort -V | tail -n1)" == "$ver" ]]; then
      best="$d"
      best_ver="$ver"
    fi
  done
  [[ -n "$best" ]] && printf '%s\n' "$best"
  return 0
}

# Sets PG_BIN and puts it first on PATH (so Message DB's install.sh uses the
# versioned psql/createdb rather than Debian's pg_wrapper).
require_pg_bin() {
  PG_BIN="$(find_pg_bin)"
  [[ -n "$PG_BIN" ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin; run eventstore/postgres/install.sh"
  export PG_BIN
  export PATH="${PG_BIN}:${PATH}"
}

# The OS user that owns/runs the server (PG_OS_USER overrides; root must not).
server_os_user() {
  if [[ -n "${PG_OS_USER:-}" ]]; then
    printf '%s\n' "$PG_OS_USER"
  elif [[ "$(id -u)" -eq 0 ]]; then
    id -u postgres >/dev/null 2>&1 || die "running as root but OS user 'postgres' does not exist (is the postgresql package installed?)"
    printf 'postgres\n'
  else
    id -un
  fi
}

# As root, act as whoever owns an existing cluster dir (start.sh may have been
# run by another non-root user); a root-owned or missing dir means `postgres`.
adopt_data_dir_owner() { # data_dir
  if [[ "$(id -u)" -eq 0 && -d "$1" ]]; then
    local owner
    owner="$(stat -c %U "$1")"
    if [[ "$owner" != "root" ]]; then
      export PG_OS_USER="$owner"
    fi
  fi
  return 0
}

# Runs a command as the server OS user, from / (root's cwd may be unreadable).
as_server_user() {
  local user
  user="$(server_os_user)"
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd / && runuser -u "$user" -- "$@")
  else
    (cd / && "$@")
  fi
}

# Validates a TCP port argument.
check_port() {
  if ! [[ "$1" =~ ^[0-9]+$ ]] || (( $1 < 1024 || $1 > 65535 )); then
    die "invalid port '$1' (want 1024..65535)"
  fi
}

# Validates a data dir argument: absolute, no whitespace (it goes into pg_ctl -o).
check_data_dir() {
  [[ "$1" == /* ]] || die "data dir must be an absolute path: '$1'"
  [[ "$1" != *[[:space:]]* ]] || die "data dir must not contain whitespace: '$1'"
  [[ "$1" != "/" ]] || die "refusing to use / as data dir"
}

# psql as the postgres superuser over TCP; no ~/.psqlrc, stop on first error.
pg_super_psql() {
  local port="$1"
  shift
  PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGPASSWORD='' PSQLRC=/dev/null \
    PGOPTIONS='-c client_min_messages=warning' \
    psql -X -q -v ON_ERROR_STOP=1 "$@"
}

server_running() { # data_dir
  [[ -f "$1/PG_VERSION" ]] || return 1
  as_server_user pg_ctl -D "$1" status >/dev/null 2>&1
}

server_healthy() { # port data_dir
  server_running "$2" || return 1
  "${PG_BIN}/pg_isready" -q -h 127.0.0.1 -p "$1" -d postgres -U postgres -t 5 || return 1
  # Make sure the server on this port is the one using this data dir.
  local dd
  dd="$(pg_super_psql "$1" -d postgres -tAc 'show data_directory' 2>/dev/null)" || return 1
  [[ "$(cd "$dd" 2>/dev/null && pwd -P)" == "$(cd "$2" && pwd -P)" ]]
}

dump_server_log() { # data_dir
  if [[ -f "$1/server.log" ]]; then
    log "---- tail of $1/server.log ----"
    tail -n 40 "$1/server.log" >&2 || true
    log "---- end of server.log ----"
  fi
}

connection_string() { # port
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=%s\n' "$1" "$TITLEEVAL_DB" "$TITLEEVAL_APP_ROLE"
}

# True when database message_store exists and Message DB finished installing
# (its last step grants privileges; we check the function and the grant).
message_db_installed() { # port
  local out
  out="$(pg_super_psql "$1" -d postgres -tAc "select 1 from pg_database where datname = '${TITLEEVAL_DB}'")" || return 1
  [[ "$out" == "1" ]] || return 1
  out="$(pg_super_psql "$1" -d "$TITLEEVAL_DB" -tAc \
    "select has_function_privilege('${TITLEEVAL_APP_ROLE}', 'message_store.write_message(varchar, varchar, varchar, jsonb, jsonb, bigint)', 'execute')
            and has_table_privilege('${TITLEEVAL_APP_ROLE}', 'message_store.type_summary', 'select')" 2>/dev/null)" || return 1
  [[ "$out" == "t" ]]
}

# Runs Message DB's database/install.sh against the cluster (creates role,
# database message_store, schema, table, functions, indexes, views, grants).
install_message_db_schema() { # port
  local port="$1" mdb_dir
  mdb_dir="$(message_db_dir)"
  [[ -f "${mdb_dir}/package/database/install.sh" ]] || die "Message DB not found in ${mdb_dir}; run eventstore/postgres/install.sh"
  log "installing Message DB ${MESSAGE_DB_VERSION} into database ${TITLEEVAL_DB} on port ${port}"
  # Its scripts use bare `psql`/`createdb` and read connection info from PG* env.
  (
    cd "${mdb_dir}/package/database" || exit 1
    unset PGDATABASE PGSERVICE PGSSLMODE
    export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGPASSWORD='' PSQLRC=/dev/null
    export DATABASE_NAME="$TITLEEVAL_DB" CREATE_DATABASE=on
    bash ./install.sh
  ) 1>&2
}

apply_titleeval_schema() { # port
  log "applying titleeval-schema.sql"
  pg_super_psql "$1" -d "$TITLEEVAL_DB" -f "${TITLEEVAL_PG_SCRIPT_DIR}/titleeval-schema.sql" 1>&2
}

# Serializes start/stop/reset for one data dir (parallel test runs). The lock
# fd (9) must not leak into the postmaster, see start.sh. stop.sh deletes the
# lock file while holding it, so after locking we check that the path still
# names the file we locked, else retry.
lock_data_dir() { # data_dir
  local lock="${1%/}.lock" tries=0
  while :; do
    exec 9>>"$lock" || die "cannot open lock file $lock"
    flock -w 120 9 || die "timed out waiting for lock $lock"
    if [[ "$(stat -c %d:%i "$lock" 2>/dev/null)" == "$(stat -L -c %d:%i /proc/$$/fd/9)" ]]; then
      return 0
    fi
    exec 9>&-
    tries=$((tries + 1))
    (( tries < 50 )) || die "could not lock $lock"
  done
}

unlock_and_remove_lock() { # data_dir
  rm -f -- "${1%/}.lock"
  exec 9>&-
}
