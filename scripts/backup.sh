#!/usr/bin/env bash
# Backs up TrainingDesk: the database (pg_dump, custom format) and STORAGE_DIR (the recap photos), into
# one new folder <BACKUP_ROOT>/trainingdesk-<UTC time>/ (README "Backup and restore"):
#   database.dump   pg_dump -Fc of DATABASE_URL: one consistent snapshot, taken while the app runs
#   storage.tar     STORAGE_DIR, archived right after the dump
#   backup.txt      when, from where, which pg_dump and server, the last migration applied
#   SHA256SUMS      checked by scripts/restore.sh before it changes anything
#
# Usage: DATABASE_URL=… STORAGE_DIR=… scripts/backup.sh [BACKUP_ROOT]   (BACKUP_ROOT: ./backups)
# DATABASE_URL and STORAGE_DIR are read as the app reads them, with the app's defaults; a relative
# STORAGE_DIR is taken from the current directory, as the app takes it from its own: run this where the
# app runs. The last line of the output is the new folder. Redis is not backed up (README says why).
set -euo pipefail

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/trainingdesk}"
STORAGE_DIR="${STORAGE_DIR:-./data}"
BACKUP_ROOT="${1:-./backups}"

say() { echo "backup: $*" >&2; }
die() { echo "backup: $*" >&2; exit 1; }
# The URL without its password, for messages.
shown_url() { sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"; }

for tool in pg_dump pg_restore psql tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (Debian: apt-get install postgresql-client-15 tar coreutils)"
done
psql --no-psqlrc -qtAX -d "$DATABASE_URL" -c 'SELECT 1' >/dev/null || die "cannot connect to $(shown_url "$DATABASE_URL")"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$BACKUP_ROOT"
final="$BACKUP_ROOT/trainingdesk-$stamp"
[ -e "$final" ] && die "$final exists already"
# Written under another name and renamed at the end: a folder named trainingdesk-<time> is always complete.
work="$final.partial"
rm -rf "$work"
mkdir "$work"
trap 'rm -rf "$work"' EXIT

server_version="$(psql --no-psqlrc -qtAX -d "$DATABASE_URL" -c 'SHOW server_version')"
last_migration="$(psql --no-psqlrc -qtAX -d "$DATABASE_URL" -c "SELECT CASE WHEN to_regclass('migrations') IS NULL THEN '(none)' ELSE coalesce((SELECT name FROM migrations ORDER BY id DESC LIMIT 1), '(none)') END")"

# 1. The database first. pg_dump reads one snapshot (a repeatable-read transaction), so the dump is
#    consistent however busy the app is; it blocks no writer. Ownership and grants are kept in the file
#    and skipped at restore (--no-owner --no-privileges), so another server with other roles can take it.
dump_started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
start_ns="$(date +%s%N)"
pg_dump --format=custom --file="$work/database.dump" --dbname="$DATABASE_URL"
pg_restore --list "$work/database.dump" >/dev/null || die "the dump just written does not read back"
dump_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

# 2. Then STORAGE_DIR. Photo files are written before their row is committed and removed after it is
#    deleted, and never change, so archived after the dump every photo the dump names is in the archive
#    (unless it was deleted in the seconds between); photos uploaded meanwhile are extra files, unused.
#    Half-written files (*.tmp, renamed when complete) are left out.
start_ns="$(date +%s%N)"
if [ -d "$STORAGE_DIR" ]; then
  set +e
  tar --create --file="$work/storage.tar" --directory="$STORAGE_DIR" --exclude='*.tmp' .
  rc=$?
  set -e
  # 1: a file changed or vanished while it was read (an upload or a deletion just then); the rest is there.
  [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || die "tar of $STORAGE_DIR failed ($rc)"
  [ "$rc" -eq 0 ] || say "warning: a file in $STORAGE_DIR changed while it was archived (an upload or a deletion at that moment)"
  files="$(tar --list --file="$work/storage.tar" | grep -vc '/$' || true)"
else
  say "STORAGE_DIR $STORAGE_DIR does not exist (no photo uploaded yet): storing an empty archive"
  tar --create --file="$work/storage.tar" --files-from=/dev/null
  files=0
fi
tar_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

cat >"$work/backup.txt" <<EOF
TrainingDesk backup $stamp
database: $(shown_url "$DATABASE_URL") (PostgreSQL $server_version), dumped from $dump_started with $(pg_dump --version)
last migration applied: $last_migration
storage: $(cd "$STORAGE_DIR" 2>/dev/null && pwd || echo "$STORAGE_DIR (missing)"), $files files, archived after the dump
restore: scripts/restore.sh $final (README "Backup and restore"); start the app with the same JWT_SECRET
EOF
(cd "$work" && sha256sum database.dump storage.tar backup.txt >SHA256SUMS)

mv "$work" "$final"
trap - EXIT
say "database $(du -k "$final/database.dump" | cut -f1) KB in $dump_ms ms, storage $files files ($(du -k "$final/storage.tar" | cut -f1) KB) in $tar_ms ms"
echo "$final"
