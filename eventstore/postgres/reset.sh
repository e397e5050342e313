#!/usr/bin/env bash
# Usage: eventstore/postgres/reset.sh [PORT] [DATA_DIR]
#
# On the cluster started by start.sh: drops database message_store (forcibly
# closing its connections), re-runs Message DB's install.sh and
# titleeval-schema.sql. stdout: the connection string only (as start.sh).
set -euo pipefail

# shellcheck source=eventstore/postgres/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

exec 3>&1 1>&2

PORT="${1:-$TITLEEVAL_DEFAULT_PORT}"
check_port "$PORT"
DATA_DIR="${2:-/tmp/titleeval-pg-${PORT}}"
check_data_dir "$DATA_DIR"
DATA_DIR="${DATA_DIR%/}"

require_pg_bin
lock_data_dir "$DATA_DIR"
adopt_data_dir_owner "$DATA_DIR"
server_healthy "$PORT" "$DATA_DIR" || die "no healthy cluster on 127.0.0.1:${PORT} with data dir ${DATA_DIR}; run start.sh first"

log "dropping database ${TITLEEVAL_DB}"
pg_super_psql "$PORT" -d postgres -c "DROP DATABASE IF EXISTS ${TITLEEVAL_DB} WITH (FORCE)"
install_message_db_schema "$PORT"
message_db_installed "$PORT" || die "Message DB install did not complete"
apply_titleeval_schema "$PORT"

log "reset done"
connection_string "$PORT" >&3
