#!/usr/bin/env bash
# Restores a folder written by scripts/backup.sh into the database DATABASE_URL and the folder
# STORAGE_DIR (README "Backup and restore"). Refuses a target that holds anything (a database with
# tables, a STORAGE_DIR with files) unless --force, which then DROPS that database and EMPTIES that
# folder first. Nothing is changed before every check has passed (checksums, the dump reads, targets).
#
# Usage: DATABASE_URL=… STORAGE_DIR=… scripts/restore.sh [--force] [--jobs=N] BACKUP_DIR
# The database is created when missing (on the same server, through its `postgres` database).
# Afterwards start the app as usual (`npm start`) with the JWT_SECRET of the backed-up installation and
# a Redis with nothing under its QUEUE_PREFIX: it applies only migrations newer than the backup.
set -euo pipefail

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/trainingdesk}"
STORAGE_DIR="${STORAGE_DIR:-./data}"
force=0
jobs="$(nproc 2>/dev/null || echo 2)"
[ "$jobs" -gt 4 ] && jobs=4
backup=""
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --jobs=*) jobs="${arg#--jobs=}" ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "restore: unknown option $arg" >&2; exit 2 ;;
    *) [ -z "$backup" ] || { echo "restore: one backup folder only" >&2; exit 2; }; backup="$arg" ;;
  esac
done

say() { echo "restore: $*" >&2; }
die() { echo "restore: $*" >&2; exit 1; }
refuse() { echo "restore: $*" >&2; exit 3; }
shown_url() { sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$1"; }
q() { psql --no-psqlrc -qtAX -v ON_ERROR_STOP=1 "$@"; }

[ -n "$backup" ] || { echo "usage: scripts/restore.sh [--force] [--jobs=N] BACKUP_DIR" >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "restore: --jobs must be a whole number ≥ 1" >&2; exit 2; }
for tool in pg_restore psql tar sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (Debian: apt-get install postgresql-client-15 tar coreutils)"
done

# 1. The backup: complete, unchanged, readable by this pg_restore.
for f in database.dump storage.tar SHA256SUMS; do
  [ -f "$backup/$f" ] || die "$backup/$f is missing: not a folder written by scripts/backup.sh"
done
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || die "checksums of $backup do not match: the backup is damaged"
pg_restore --list "$backup/database.dump" >/dev/null || die "$backup/database.dump cannot be read by $(pg_restore --version)"

# 2. The targets. The database's name is the URL's path; its server is reached through `postgres`.
base="${DATABASE_URL%%\?*}"
query=""
[ "$base" = "$DATABASE_URL" ] || query="?${DATABASE_URL#*\?}"
rest="${base#*://}"
if [[ "$rest" != */?* ]]; then die "DATABASE_URL names no database: $(shown_url "$DATABASE_URL")"; fi
dbname="${rest#*/}"
dbname="$(printf '%b' "${dbname//%/\\x}")"
admin_url="${base%/*}/postgres$query"
q -d "$admin_url" -c 'SELECT 1' >/dev/null || die "cannot connect to the server of $(shown_url "$DATABASE_URL")"

exists="$(q -d "$admin_url" -v name="$dbname" <<<"SELECT count(*) FROM pg_database WHERE datname = :'name'")"
relations=0
if [ "$exists" = 1 ]; then
  relations="$(q -d "$DATABASE_URL" -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'")"
fi
storage_entries=0
[ -d "$STORAGE_DIR" ] && storage_entries="$(find "$STORAGE_DIR" -mindepth 1 -maxdepth 1 | wc -l)"
if [ "$force" = 0 ]; then
  [ "$relations" = 0 ] || refuse "database \"$dbname\" is not empty ($relations tables, indexes or sequences): restore into a new database, or pass --force to drop it first"
  [ "$storage_entries" = 0 ] || refuse "STORAGE_DIR $STORAGE_DIR is not empty: restore into a new folder, or pass --force to empty it first"
fi

# 3. The database: dropped (--force) or created, then pg_restore with several jobs. --no-owner and
#    --no-privileges: the objects belong to the user of DATABASE_URL, whatever roles the old server had.
#    The dump holds the migrations table too, so the app then applies only migrations newer than it.
start_ns="$(date +%s%N)"
if [ "$exists" = 1 ] && [ "$relations" != 0 ]; then
  say "--force: dropping database \"$dbname\" ($relations relations)"
  q -d "$admin_url" -v name="$dbname" <<<'DROP DATABASE :"name" WITH (FORCE)'
  exists=0
fi
[ "$exists" = 1 ] || q -d "$admin_url" -v name="$dbname" <<<'CREATE DATABASE :"name"'
pg_restore --no-owner --no-privileges --exit-on-error --jobs="$jobs" --dbname="$DATABASE_URL" "$backup/database.dump"
# pg_restore brings no planner statistics; the reports' plans depend on them.
q -d "$DATABASE_URL" -c 'ANALYZE' >/dev/null

# 4. What lived in Redis only, made again from the database (the restored app starts on an empty
#    queue prefix). Outbox rows `pending` are relayed at start anyway; rows `enqueued` (their job was in
#    Redis when the dump was taken) go back to `pending` now rather than after the relay's 10-minute
#    sweep; a mail already `sent` is never sent again (mail.send checks the stored message first).
#    Reminders are BullMQ delayed jobs recorded in event_reminder: the workers add a missing one again at
#    start (src/invitations/reminder-recovery.ts); here that record is dropped and each reminder asked for
#    again through the outbox anyway, so it is planned from the restored event as it stands.
q -d "$DATABASE_URL" >/dev/null <<'SQL'
BEGIN;
UPDATE outbox SET status = 'pending', enqueued_at = NULL WHERE status = 'enqueued';
DO $$
BEGIN
  IF to_regclass('event_reminder') IS NOT NULL THEN
    INSERT INTO outbox (id, job_name, payload, job_id)
      SELECT r.id, 'reminders.plan', jsonb_build_object('eventId', r.event_id), 'reminders.plan-' || r.id
        FROM (SELECT gen_random_uuid() AS id, event_id FROM event_reminder) r;
    DELETE FROM event_reminder;
  END IF;
END $$;
COMMIT;
SQL
db_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

# 5. STORAGE_DIR.
start_ns="$(date +%s%N)"
if [ "$storage_entries" != 0 ]; then
  say "--force: emptying STORAGE_DIR $STORAGE_DIR"
  find "$STORAGE_DIR" -mindepth 1 -delete
fi
mkdir -p "$STORAGE_DIR"
tar --extract --file="$backup/storage.tar" --directory="$STORAGE_DIR" --no-same-owner
files_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

# 6. Every photo row has its two files?
photos=0
missing=0
if [ "$(q -d "$DATABASE_URL" -c "SELECT to_regclass('event_photo') IS NOT NULL")" = t ]; then
  while read -r id; do
    [ -n "$id" ] || continue
    photos=$((photos + 1))
    for variant in web thumb; do
      [ -f "$STORAGE_DIR/photos/$id-$variant.jpg" ] || { missing=$((missing + 1)); say "warning: photo $id has no $variant file"; }
    done
  done < <(q -d "$DATABASE_URL" -c 'SELECT id FROM event_photo')
fi
last_migration="$(q -d "$DATABASE_URL" -c "SELECT CASE WHEN to_regclass('migrations') IS NULL THEN '(none)' ELSE coalesce((SELECT name FROM migrations ORDER BY id DESC LIMIT 1), '(none)') END")"

say "database \"$dbname\" restored in $db_ms ms ($jobs jobs; last migration $last_migration), STORAGE_DIR in $files_ms ms ($photos photos, $missing files missing)"
say "next: start the app on it with the old JWT_SECRET and an empty QUEUE_PREFIX in Redis (README \"Backup and restore\")"
