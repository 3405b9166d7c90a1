"""Wheelchair access becomes yes / no / unknown. The old field could not say "unknown" and
"no" was its default, so a stored "no" was never known to be true: it becomes "unknown" (staff
or an import say "no" again where it is). Back: unknown is "no", as before."""

from django.db import migrations, models


def no_is_unknown(apps, schema_editor):
    apps.get_model("resources", "Location").objects.filter(wheelchair_accessible=False).update(
        wheelchair_accessible=None
    )


def unknown_is_no(apps, schema_editor):
    apps.get_model("resources", "Location").objects.filter(
        wheelchair_accessible__isnull=True
    ).update(wheelchair_accessible=False)


class Migration(migrations.Migration):

    dependencies = [
        ('resources', '0005_phone_languages_location_url'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicallocation',
            name='wheelchair_accessible',
            field=models.BooleanField(blank=True, default=None, help_text="Laissez « Inconnu » tant que personne ne l'a vérifié.", null=True, verbose_name='accessible en fauteuil roulant'),
        ),
        migrations.AlterField(
            model_name='location',
            name='wheelchair_accessible',
            field=models.BooleanField(blank=True, default=None, help_text="Laissez « Inconnu » tant que personne ne l'a vérifié.", null=True, verbose_name='accessible en fauteuil roulant'),
        ),
        migrations.RunPython(no_is_unknown, unknown_is_no),
    ]
