"""The former name of send_digest, kept so existing cron lines go on working."""

from rogatory.notifications.management.commands.send_digest import Command as SendDigest


class Command(SendDigest):
    help = "Same as send_digest (its former name)."
