#!/usr/bin/env bash
# Back up Homeward: the PostgreSQL database (pg_dump custom format) and, separately, the keys (encrypted archive).
#   DATABASE_URL=postgres://... KEY_BACKUP_PASSPHRASE_FILE=/path scripts/backup.sh DEST_DIR
# Writes DEST_DIR/homeward-<UTC stamp>.dump, homeward-keys-<stamp>.bin, homeward-media-<stamp>.tar.gz (MEDIA_ROOT)
# and SHA256SUMS-<stamp>.
# Run it with the same environment (settings, secrets) as the application. See docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?usage: scripts/backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
: "${KEY_BACKUP_PASSPHRASE_FILE:?KEY_BACKUP_PASSPHRASE_FILE must name the file holding the key archive passphrase}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup.sh: DATABASE_URL is not PostgreSQL" >&2; exit 2;; esac
PY=${PYTHON:-.venv/bin/python}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dest"
umask 077
dump="$dest/homeward-$stamp.dump"
keys="$dest/homeward-keys-$stamp.bin"
# -Fc: compressed, restorable table by table with pg_restore; consistent snapshot (one transaction).
pg_dump --format=custom --no-owner --no-privileges --file="$dump.partial" --dbname="$DATABASE_URL"
mv "$dump.partial" "$dump"
"$PY" scripts/keys.py export --out "$keys" --passphrase-file "$KEY_BACKUP_PASSPHRASE_FILE" >&2
# Uploaded files (photos, attachments) live under MEDIA_ROOT, outside the database.
media_root=$(DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-homeward.settings.dev} "$PY" -c \
  'import django; django.setup(); from django.conf import settings; print(settings.MEDIA_ROOT)')
media="$dest/homeward-media-$stamp.tar.gz"
if [ -d "$media_root" ]; then tar -czf "$media" -C "$media_root" .; else tar -czf "$media" --files-from /dev/null; fi
echo "  media archive $(basename "$media"): $(tar -tzf "$media" | grep -vc '/$') files from $media_root" >&2
(cd "$dest" && sha256sum "$(basename "$dump")" "$(basename "$keys")" "$(basename "$media")" > "SHA256SUMS-$stamp")
echo "  database dump $(basename "$dump"): $(stat -c %s "$dump") bytes, $(pg_restore --list "$dump" | grep -c 'TABLE DATA') tables" >&2
# The one line on standard output: the stamp that names this backup (for scripts/restore.sh).
echo "$stamp"
