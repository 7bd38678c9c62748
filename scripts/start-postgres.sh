#!/usr/bin/env bash
# Start the machine's PostgreSQL server and make sure a role and database exist for yibao.
# Safe to run again. Progress goes to stderr; the last thing on stdout is the database URL:
#
#     export YIBAO_DATABASE_URL=$(bash scripts/start-postgres.sh)
#
# The role has CREATEDB, because pytest-django creates (and drops) test_<dbname> itself.
# Override with YIBAO_PG_USER, YIBAO_PG_PASSWORD, YIBAO_PG_DB, YIBAO_PG_CLUSTER (default main).
set -euo pipefail

PG_USER=${YIBAO_PG_USER:-yibao}
PG_PASSWORD=${YIBAO_PG_PASSWORD:-yibao}
PG_DB=${YIBAO_PG_DB:-yibao}
CLUSTER=${YIBAO_PG_CLUSTER:-main}
[[ $CLUSTER =~ ^[A-Za-z0-9_-]+$ ]] || { echo "start-postgres.sh: bad cluster name: $CLUSTER" >&2; exit 1; }

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'start-postgres.sh: %s\n' "$*" >&2; exit 1; }

for name in "$PG_USER" "$PG_DB"; do
    [[ $name =~ ^[a-z_][a-z0-9_]*$ ]] || die "role and database names must be plain lower-case identifiers: $name"
done
[[ $PG_PASSWORD != *"'"* ]] || die "the password must not contain a single quote"

as_postgres() {
    # Run a command as the postgres OS user, from a directory it may enter.
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && su postgres -s /bin/sh -c "$(printf '%q ' "$@")")
    else
        (cd / && sudo -n -u postgres "$@")
    fi
}

if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || ! command -v pg_ctlcluster >/dev/null; then
    say "PostgreSQL server not installed: installing the Debian package postgresql"
    SUDO=()
    [ "$(id -u)" -eq 0 ] || SUDO=(sudo -n)
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    # The package creates the cluster "main" in the current locale: make that UTF-8.
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 apt-get install -y -q -o DPkg::Lock::Timeout=600 postgresql >/dev/null
fi

VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
[ -n "$VERSION" ] || die "no PostgreSQL version under /usr/lib/postgresql"

# The Debian package normally creates the cluster "main"; make it if it is missing.
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {found = 1} END {exit !found}'; then
    say "creating PostgreSQL $VERSION cluster $CLUSTER"
    SUDO=()
    [ "$(id -u)" -eq 0 ] || SUDO=(sudo -n)
    "${SUDO[@]}" pg_createcluster --locale=C.UTF-8 --encoding=UTF8 "$VERSION" "$CLUSTER" >/dev/null
fi

read -r PORT STATUS < <(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {print $3, $4}')

if [[ $STATUS != online* ]]; then
    say "starting PostgreSQL $VERSION/$CLUSTER on port $PORT"
    SUDO=()
    [ "$(id -u)" -eq 0 ] || SUDO=(sudo -n)
    # Without systemd running (containers, CI) pg_ctlcluster starts the server directly.
    # A server killed without a clean stop (a machine image taken while it ran) leaves its
    # socket lock behind, and the new server refuses to start while it is there.
    lock=/var/run/postgresql/.s.PGSQL.$PORT.lock
    if [ -f "$lock" ]; then
        owner=$(head -n 1 "$lock" 2>/dev/null || true)
        if [[ $owner =~ ^[0-9]+$ ]] && ! kill -0 "$owner" 2>/dev/null; then
            say "removing the stale socket lock $lock (PID $owner is gone)"
            "${SUDO[@]}" rm -f "$lock"
        fi
    fi
    err=$(mktemp)
    # Its stdout goes to stderr too ("Removed stale pid file." after an unclean stop), so that
    # the only line on stdout is the URL.
    if ! "${SUDO[@]}" pg_ctlcluster "$VERSION" "$CLUSTER" start 2>"$err" >&2; then
        "${SUDO[@]}" pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start >&2 \
            || { cat "$err" >&2; rm -f "$err"; die "could not start PostgreSQL $VERSION/$CLUSTER"; }
    fi
    rm -f "$err"
else
    say "PostgreSQL $VERSION/$CLUSTER already running on port $PORT"
fi

for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && break
    sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || die "PostgreSQL did not accept connections on 127.0.0.1:$PORT"

# Django creates test_<dbname> from template1: Chinese text needs it in UTF-8, not SQL_ASCII.
if [ "$(as_postgres psql -p "$PORT" -X -tAq -d postgres -c \
        "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'")" != UTF8 ]; then
    say "rebuilding template1 in UTF-8"
    as_postgres psql -p "$PORT" -X -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<'SQL'
UPDATE pg_database SET datistemplate = FALSE WHERE datname = 'template1';
DROP DATABASE template1;
CREATE DATABASE template1 WITH TEMPLATE = template0 ENCODING = 'UTF8' LC_COLLATE = 'C.UTF-8' LC_CTYPE = 'C.UTF-8';
UPDATE pg_database SET datistemplate = TRUE WHERE datname = 'template1';
SQL
fi

as_postgres psql -p "$PORT" -X -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
        CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
    ELSE
        ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
    END IF;
END
\$\$;
SQL

if ! as_postgres psql -p "$PORT" -X -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
    as_postgres createdb >&2 -p "$PORT" -O "$PG_USER" -E UTF8 -T template0 --locale=C.UTF-8 "$PG_DB"
fi
say "role $PG_USER (CREATEDB) and database $PG_DB ready"

echo "postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PORT/$PG_DB"
