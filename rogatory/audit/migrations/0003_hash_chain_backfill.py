"""Chain the entries written before the hash chain existed, and create the chain head.

Entries are numbered by (created_at, id) and hashed exactly as rogatory.audit.chain does
(canonical_json, entry_hash): the hashing is copied here because migrations must not import
app code that may change. The values hashed are those read back from the database, which is
what verify_audit will read too. Rows are read in keyset pages so millions of entries never
sit in memory at once. Run it with the application stopped: an entry written meanwhile by the
old code has no sequence, and 0004 would then fail.
"""

import datetime as dt
import hashlib
import json

from django.db import migrations

GENESIS_HASH = "0" * 64
PAGE = 2000
UPDATE_BATCH = 250


def entry_hash(fields):
    document = dict(
        fields,
        created_at=fields["created_at"].astimezone(dt.UTC).isoformat(timespec="microseconds"),
    )
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def chain_existing_entries(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    db = schema_editor.connection.alias
    entries = AuditEntry.objects.using(db).order_by("created_at", "id")
    sequence, prev_hash, after = 0, GENESIS_HASH, None
    while True:
        page = entries
        if after is not None:
            # (created_at, id) > after's, written so the created_at index bounds the scan.
            page = page.filter(created_at__gte=after.created_at).exclude(
                created_at=after.created_at, id__lte=after.id
            )
        page = list(page[:PAGE])
        if not page:
            break
        for entry in page:
            sequence += 1
            entry.sequence = sequence
            entry.prev_hash = prev_hash
            entry.hash = entry_hash(
                {
                    "sequence": entry.sequence,
                    "created_at": entry.created_at,
                    "authority_id": entry.authority_id,
                    "actor_id": entry.actor_id,
                    "actor_name": entry.actor_name,
                    "action": entry.action,
                    "object_type": entry.object_type,
                    "object_ref": entry.object_ref,
                    "details": entry.details,
                    "prev_hash": entry.prev_hash,
                }
            )
            prev_hash = entry.hash
        # Small UPDATE batches: bulk_update's CASE WHEN grows with the square of the batch.
        AuditEntry.objects.using(db).bulk_update(
            page, ["sequence", "prev_hash", "hash"], batch_size=UPDATE_BATCH
        )
        after = page[-1]
    AuditChainHead.objects.using(db).update_or_create(
        pk=1, defaults={"sequence": sequence, "hash": prev_hash}
    )


def remove_chain_head(apps, schema_editor):
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditChainHead.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_hash_chain_fields'),
    ]

    operations = [
        migrations.RunPython(chain_existing_entries, remove_chain_head),
    ]
