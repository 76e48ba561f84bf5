"""The day each request was disposed of, stored on the request (decision 0044, "Later").

The column is filled for the requests already recorded by the rule the statistics computed
until now with a correlated subquery on the history (``cases.stats.disposition_day``, repeated
here because a migration imports no app code): for a request in a final status, its execution
date, else the day of its first move to a final status, else its closing date; NULL otherwise.
So no figure changes. The statistics index is rebuilt to carry the column, after the backfill.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Coalesce, TruncDate

FINAL_STATUSES = ["closed", "executed", "refused", "withdrawn"]


def fill_disposed_on(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    first_final_move = (
        CaseEvent.objects.filter(
            case=models.OuterRef("pk"), kind="transition", to_status__in=FINAL_STATUSES
        )
        .order_by("at")
        .annotate(day=TruncDate("at"))
        .values("day")[:1]
    )
    Case.objects.filter(status__in=FINAL_STATUSES).update(
        disposed_on=Coalesce(
            models.F("executed_on"),
            models.Subquery(first_final_move, output_field=models.DateField()),
            models.F("closed_on"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_user_language"),
        ("cases", "0013_case_statistics_index"),
        ("directory", "0002_initial"),
        ("reference", "0001_initial"),
        ("treaties", "0005_status_list_imports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="disposed_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="disposed of on"
            ),
        ),
        # Nothing to undo: going back drops the column.
        migrations.RunPython(fill_disposed_on, migrations.RunPython.noop, elidable=True),
        migrations.RemoveIndex(model_name="case", name="case_statistics"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["authority", "direction", "received_on", "sent_on"],
                include=(
                    "status",
                    "status_is_final",
                    "kind",
                    "channel",
                    "urgency",
                    "counterpart_state",
                    "officer",
                    "confidentiality",
                    "acknowledged_on",
                    "executed_on",
                    "closed_on",
                    "disposed_on",
                    "refusal_ground",
                    "legal_basis",
                ),
                name="case_statistics",
            ),
        ),
    ]
