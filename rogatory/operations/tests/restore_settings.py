"""Settings of the server restored by test_backup_restore: the real ones, except that static
files are collected by Django's ManifestStaticFilesStorage instead of whitenoise's subclass.

Both keep the manifest without which every page answers 500 (what the restore must rebuild);
whitenoise also writes a gzip and a brotli copy of each file, two minutes of CPU on a busy
two-core machine, which tells nothing about the restore.
"""

from rogatory.settings import *  # noqa: F403
from rogatory.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
