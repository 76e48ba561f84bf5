"""Once every entry is chained: sequence required, sequence and hash unique."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_hash_chain_backfill'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='sequence',
            field=models.PositiveBigIntegerField(unique=True, verbose_name='sequence'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='hash',
            field=models.CharField(max_length=64, unique=True, verbose_name='hash'),
        ),
    ]
