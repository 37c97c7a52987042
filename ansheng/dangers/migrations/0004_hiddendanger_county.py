import django.db.models.deletion
from django.db import migrations, models


def fill_county(apps, schema_editor):
    HiddenDanger = apps.get_model("dangers", "HiddenDanger")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    for enterprise_id, county_id in Enterprise.objects.filter(
        pk__in=HiddenDanger.objects.values("enterprise_id")
    ).values_list("pk", "county_id"):
        HiddenDanger.objects.filter(enterprise_id=enterprise_id).update(county_id=county_id)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("dangers", "0003_hiddendanger_danger_reported_idx_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="hiddendanger",
            name="county",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.region",
                verbose_name="区县",
            ),
        ),
        migrations.RunPython(fill_county, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="hiddendanger",
            name="county",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.region", verbose_name="区县"
            ),
        ),
        migrations.AddIndex(
            model_name="hiddendanger",
            index=models.Index(fields=["county", "state"], name="danger_county_state_idx"),
        ),
        migrations.AddIndex(
            model_name="hiddendanger",
            index=models.Index(fields=["county", "-reported_at"], name="danger_county_reported_idx"),
        ),
    ]
