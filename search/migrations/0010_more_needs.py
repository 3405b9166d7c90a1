"""More of the need lexicon, read from 0010_more_needs.csv beside this file (same columns as
0009): single words and short phrases the first seed lacked, by family: meals and appliances,
mental illnesses by name, deafness and blindness, identity papers, sexual and public health,
elders' money taken, women's and men's groups (men who hurt their partner), school
difficulties, Indigenous peoples, living in a car or outside, caregivers' exhaustion and
respite, the bus, newcomers, lodging ("hébergement" alone: shelters, not the
services that say "sans hébergement"). Same rules as 0009: an entry staff already have is left as it is.
"""

import importlib
from pathlib import Path

from django.db import migrations

# 0009's loader, unchanged since it was written (a migration never changes), read with this
# migration's file.
_seed_0009 = importlib.import_module("search.migrations.0009_seed_needs")
SEED = Path(__file__).with_suffix(".csv")


def seed(apps, schema_editor):
    _seed_0009.seed(apps, schema_editor, SEED)


class Migration(migrations.Migration):
    dependencies = [("search", "0009_seed_needs")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
