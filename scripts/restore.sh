#!/usr/bin/env bash
# Restore a Homeward backup into a FRESH database (never over a live one) and put the keys back.
#   TARGET_DATABASE_URL=postgres://.../homeward_restored KEY_BACKUP_PASSPHRASE_FILE=/path \
#     scripts/restore.sh DEST_DIR STAMP [KEYS_DIR]
# Creates the target database (it must not exist), restores the dump with pg_restore, checks SHA256SUMS first,
# decrypts the key archive into KEYS_DIR (default DEST_DIR/keys-STAMP; keys.env holds the values to configure) and
# installs the key files at the paths recorded in the archive; unpacks the media archive into MEDIA_ROOT. Then run `manage.py migrate` (a no-op when the code
# matches) and `manage.py verify_audit_chain`. See docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?usage: scripts/restore.sh DEST_DIR STAMP [KEYS_DIR]}
stamp=${2:?usage: scripts/restore.sh DEST_DIR STAMP [KEYS_DIR]}
keys_dir=${3:-$dest/keys-$stamp}
: "${TARGET_DATABASE_URL:?TARGET_DATABASE_URL must name the database to create and restore into}"
: "${KEY_BACKUP_PASSPHRASE_FILE:?KEY_BACKUP_PASSPHRASE_FILE must name the file holding the key archive passphrase}"
PY=${PYTHON:-.venv/bin/python}
(cd "$dest" && sha256sum --quiet --check "SHA256SUMS-$stamp")
target_db=${TARGET_DATABASE_URL##*/}
target_db=${target_db%%\?*}
server_url=${TARGET_DATABASE_URL%/*}/postgres
createdb --maintenance-db="$server_url" "$target_db"
pg_restore --no-owner --no-privileges --exit-on-error --jobs=2 --dbname="$TARGET_DATABASE_URL" "$dest/homeward-$stamp.dump"
media_root=$(DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-homeward.settings.dev} "$PY" -c \
  'import django; django.setup(); from django.conf import settings; print(settings.MEDIA_ROOT)')
mkdir -p "$media_root"
tar -xzf "$dest/homeward-media-$stamp.tar.gz" -C "$media_root"
echo "  media: $(find "$media_root" -type f | wc -l) files in $media_root"
"$PY" scripts/keys.py import --in "$dest/homeward-keys-$stamp.bin" --passphrase-file "$KEY_BACKUP_PASSPHRASE_FILE" \
  --dest "$keys_dir" --install
