"""Top-level sector counts per municipality in the indexer's aggregate (search.counts), for the
sectors a search with few results suggests first (search.suggestions), which were counted live
over the directory's tables (200 ms at 100,000 services). The next whole rebuild of the index,
or an edit of a sector or municipality, writes them; until then the suggestions count live.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0017_english_sort_names'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='servicecount',
            name='unique_count_key',
        ),
        migrations.AddField(
            model_name='servicecount',
            name='place',
            field=models.IntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name='servicecount',
            constraint=models.UniqueConstraint(fields=('kind', 'place', 'key'), name='unique_count_place_key'),
        ),
    ]
