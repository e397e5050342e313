#!/usr/bin/env bash
# Idempotent installer for the local event store:
#   1. PostgreSQL server binaries (Debian package `postgresql`) when no
#      /usr/lib/postgresql/*/bin/initdb exists;
#   2. Message DB (npm package @eventide/message-db, pinned in lib.sh), packed
#      and extracted to $MESSAGE_DB_DIR so that
#      $MESSAGE_DB_DIR/package/database/install.sh exists.
# All output goes to stderr.
set -euo pipefail

# shellcheck source=eventstore/postgres/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

exec 1>&2

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run '$*' (PostgreSQL is not installed); re-run as root or install sudo"
  fi
}

install_postgresql() {
  if [[ -n "$(find_pg_bin)" ]]; then
    log "PostgreSQL found: $(find_pg_bin)"
    return 0
  fi
  log "PostgreSQL server binaries not found; installing Debian package 'postgresql'"
  command -v apt-get >/dev/null 2>&1 || die "apt-get not available; install PostgreSQL server binaries manually (or set PG_BIN)"
  # Do not let the package create (and start) the system 'main' cluster on
  # port 5432: we only ever run throwaway clusters. Drop-in read through the
  # include_dir of /etc/postgresql-common/createcluster.conf.
  as_root mkdir -p /etc/postgresql-common/createcluster.d
  printf 'create_main_cluster = false\n' | as_root tee /etc/postgresql-common/createcluster.d/titleeval-no-main-cluster.conf >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
  [[ -n "$(find_pg_bin)" ]] || die "installed 'postgresql' but still no /usr/lib/postgresql/*/bin/initdb"
  log "PostgreSQL installed: $(find_pg_bin)"
}

install_message_db() {
  local dir
  dir="$(message_db_dir)"
  if [[ -f "${dir}/package/database/install.sh" ]] \
    && grep -q "\"version\": *\"${MESSAGE_DB_VERSION}\"" "${dir}/package/package.json" 2>/dev/null; then
    log "Message DB ${MESSAGE_DB_VERSION} found: ${dir}/package"
  else
    command -v npm >/dev/null 2>&1 || die "npm is required to fetch ${MESSAGE_DB_NPM_SPEC} (install Node.js/npm)"
    mkdir -p "$dir"
    local tmp
    tmp="$(mktemp -d "${dir}/.fetch.XXXXXX")"
    # shellcheck disable=SC2064 # expand $tmp now
    trap "rm -rf '${tmp}'" EXIT
    log "fetching ${MESSAGE_DB_NPM_SPEC} with npm pack into ${dir}"
    (cd "$tmp" && npm pack --silent "$MESSAGE_DB_NPM_SPEC" >/dev/null)
    local tgz
    tgz="$(find "$tmp" -maxdepth 1 -name '*.tgz' -print -quit)"
    [[ -n "$tgz" ]] || die "npm pack produced no tarball"
    local sum
    sum="$(sha256sum "$tgz" | cut -d' ' -f1)"
    [[ "$sum" == "$MESSAGE_DB_TGZ_SHA256" ]] || die "checksum mismatch for ${tgz##*/}: got ${sum}, want ${MESSAGE_DB_TGZ_SHA256}"
    tar -xzf "$tgz" -C "$tmp" --no-same-owner
    [[ -f "${tmp}/package/database/install.sh" ]] || die "unexpected tarball layout: no package/database/install.sh"
    cp "$tgz" "${dir}/"
    rm -rf "${dir}/package"
    mv "${tmp}/package" "${dir}/package"
    rm -rf "$tmp"
    trap - EXIT
    log "Message DB ${MESSAGE_DB_VERSION} extracted to ${dir}/package"
  fi
  # Readable (and scripts runnable) by any OS user, e.g. `postgres` running psql.
  chmod -R a+rX "${dir}"
  chmod a+x "${dir}"/package/database/*.sh
}

install_postgresql
install_message_db
