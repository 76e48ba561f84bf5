#!/bin/sh
# Scheduled backup (decision 0023): an encrypted backup, the older ones pruned, and a copy
# sent off the machine. For cron (as the service user; cron's bare environment is enough):
#
#   15 2 * * *  /srv/rogatory/scripts/backup.sh /etc/rogatory/backup.env
#
# The environment file holds the server's own settings (DATA_DIR, DATABASE_URL, SECRET_KEY,
# EXCHANGE_KEK…, as the server runs with them) and:
#   BACKUP_DIR       where backups are written: outside DATA_DIR, ideally another disk
#   BACKUP_KEEP      how many to keep there (default 14)
#   BACKUP_COPY_TO   optional: an rsync destination off this machine, e.g.
#                    backup@vault.example.org:rogatory/ (over SSH) or a mounted removable disk
# Backups are encrypted to BACKUP_RECIPIENTS / BACKUP_RECIPIENTS_FILE (manage.py
# backup_keygen): the copy may go to storage that is not trusted with casework. Each backup
# has a .sha256 beside it; the receiving side can check its copies with `sha256sum -c`.
set -eu
cd "$(dirname "$0")/.."
if [ $# -ge 1 ]; then
  set -a
  # shellcheck disable=SC1090
  . "$1"
  set +a
fi
: "${BACKUP_DIR:?set BACKUP_DIR to the folder for backups (outside DATA_DIR)}"
.venv/bin/python manage.py backup --output "$BACKUP_DIR" --keep "${BACKUP_KEEP:-14}"
if [ -n "${BACKUP_COPY_TO:-}" ]; then
  # New backups only: pruning here never deletes the copies kept elsewhere.
  rsync --archive --exclude='*.part' --include='rogatory-backup-*' --exclude='*' \
    "$BACKUP_DIR"/ "$BACKUP_COPY_TO"
fi
