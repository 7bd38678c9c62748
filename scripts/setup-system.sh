#!/usr/bin/env bash
# Install the Debian packages yibao needs on this machine: Chromium (browser tests),
# Noto CJK fonts (Chinese text in screenshots and printed documents), LibreOffice
# Writer without GUI (official documents DOCX → PDF), PostgreSQL (the second test
# database) and a Java runtime (for Spark). Safe to run again:
# when everything is already there it touches nothing and asks no registry.
set -euo pipefail

say() { printf '==> %s\n' "$*"; }

pg_server_present() {
    compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null && command -v pg_ctlcluster >/dev/null
}

cjk_fonts_present() {
    # grep reads everything (no -q): with pipefail an early exit would SIGPIPE fc-list.
    command -v fc-list >/dev/null && fc-list : family 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null
}

missing=()
command -v chromium >/dev/null || missing+=(chromium)
if ! cjk_fonts_present; then
    missing+=(fonts-noto-cjk)
    command -v fc-list >/dev/null || missing+=(fontconfig)
fi
pg_server_present || missing+=(postgresql)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v make >/dev/null || missing+=(make)

if [ ${#missing[@]} -eq 0 ]; then
    say "system packages: all present (chromium, Noto CJK fonts, libreoffice, postgresql, java)"
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
        SUDO=(sudo)
    else
        echo "setup-system.sh: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp -t yibao-apt.XXXXXX.log)
apt_opts=(-y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

run_logged() {
    # Keep the screen short; show the log only when the step fails.
    if ! "$@" >>"$log" 2>&1; then
        echo "setup-system.sh: failed: $*" >&2
        tail -n 40 "$log" >&2
        exit 1
    fi
}

say "apt-get update"
run_logged "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
say "apt-get install ${missing[*]} (log: $log)"
start=$(date +%s)
# LANG: the postgresql package creates its cluster in the current locale; make that UTF-8.
run_logged "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 apt-get install "${apt_opts[@]}" "${missing[@]}"
say "installed in $(($(date +%s) - start))s"

# Check what we promised.
command -v chromium >/dev/null || { echo "setup-system.sh: chromium still missing" >&2; exit 1; }
pg_server_present || { echo "setup-system.sh: PostgreSQL server still missing" >&2; exit 1; }
command -v java >/dev/null || { echo "setup-system.sh: java still missing" >&2; exit 1; }
cjk_fonts_present || { echo "setup-system.sh: Noto Sans CJK fonts still missing" >&2; exit 1; }
command -v soffice >/dev/null || { echo "setup-system.sh: LibreOffice (soffice) still missing" >&2; exit 1; }
say "system packages: ready"
