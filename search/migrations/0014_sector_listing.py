"""The "sector only" listing by name (search.models.SectorListing), filled from the index rows
an existing directory has, so that its sector pages list the same services before any rebuild."""

import django.db.models.deletion
from django.db import migrations, models



def fill(apps, schema_editor):
    entry = apps.get_model("search", "SearchEntry")
    listing = apps.get_model("search", "SectorListing")
    parents = dict(apps.get_model("resources", "Sector").objects.values_list("pk", "parent_id"))
    rows = []
    primary = entry.objects.filter(is_primary=True).order_by("pk")
    for service_id, sort_name, keys in primary.values_list(
        "service_id", "sort_name", "sector_keys"
    ).iterator(chunk_size=2000):
        sectors = {int(k) for k in keys.strip("|").split("|") if k}
        sectors |= {parents[pk] for pk in sectors if parents.get(pk)}
        rows += [listing(sector_id=pk, sort_name=sort_name, service_id=service_id) for pk in sectors]
        if len(rows) >= 2000:
            listing.objects.bulk_create(rows)
            rows = []
    listing.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ('resources', '0016_servicearea_territory'),
        ('search', '0013_territory_keys'),
    ]

    operations = [
        migrations.CreateModel(
            name='SectorListing',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sector_id', models.IntegerField()),
                ('sort_name', models.CharField(max_length=200)),
                ('service', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='resources.service')),
            ],
            options={
                'indexes': [models.Index(fields=['sector_id', 'sort_name', 'service'], name='search_listing_order')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
