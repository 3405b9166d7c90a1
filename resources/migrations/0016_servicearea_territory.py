"""A service area over "toute la MRC" or "toute la région" names which one (`territory_code`,
blank: the site's home MRC or region, so existing areas keep their meaning), and the places of
places.csv get their MRC's name, so staff can choose those MRCs by name."""

import csv
from pathlib import Path

from django.db import migrations, models

PLACES = Path(__file__).resolve().parents[2] / "fixtures" / "reference" / "places.csv"


def name_places_mrcs(apps, schema_editor):
    Municipality = apps.get_model("resources", "Municipality")
    with open(PLACES, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("mrc_name"):
                Municipality.objects.filter(slug=row["slug"], mrc_name="").update(
                    mrc_name=row["mrc_name"]
                )


class Migration(migrations.Migration):

    dependencies = [
        ('resources', '0015_proposal_limits'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalservicearea',
            name='territory_code',
            field=models.CharField(blank=True, help_text='La MRC ou la région de la portée ; vide : celle du répertoire.', max_length=5, verbose_name='territoire'),
        ),
        migrations.AddField(
            model_name='servicearea',
            name='territory_code',
            field=models.CharField(blank=True, help_text='La MRC ou la région de la portée ; vide : celle du répertoire.', max_length=5, verbose_name='territoire'),
        ),
        migrations.AlterField(
            model_name='historicalservicearea',
            name='scope',
            field=models.CharField(choices=[('local', 'municipalités nommées'), ('mrc', 'toute la MRC'), ('region', 'toute la région'), ('metro', 'grand Montréal'), ('province', 'tout le Québec')], default='local', max_length=10, verbose_name='portée'),
        ),
        migrations.AlterField(
            model_name='servicearea',
            name='scope',
            field=models.CharField(choices=[('local', 'municipalités nommées'), ('mrc', 'toute la MRC'), ('region', 'toute la région'), ('metro', 'grand Montréal'), ('province', 'tout le Québec')], default='local', max_length=10, verbose_name='portée'),
        ),
        migrations.RunPython(name_places_mrcs, migrations.RunPython.noop),
    ]
