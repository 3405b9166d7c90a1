"""Starting synonyms (staff edit them in the admin): what people type → what the directory says."""

import re
import unicodedata

from django.db import migrations

# Historical code: this migration keeps its own copy of how synonym terms were keyed when it was
# written (search.text.synonym_key), so later changes to the app never change what it does.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_WORD = re.compile(r"[a-z0-9]+")


def synonym_key(text):
    text = unicodedata.normalize("NFKD", (text or "").translate(_LIGATURES))
    words = _WORD.findall(text.encode("ascii", "ignore").decode().lower())
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words)

SYNONYMS = [
    ("bouffe", "alimentation"),
    ("bouffe", "aide alimentaire"),
    ("manger", "alimentation"),
    ("nourriture", "alimentation"),
    ("épicerie", "aide alimentaire"),
    ("dépannage", "aide alimentaire"),
    ("panier de Noël", "aide alimentaire"),
    ("comptoir alimentaire", "banque alimentaire"),
    ("food bank", "banque alimentaire"),
    ("food", "alimentation"),
    ("soupe populaire", "repas communautaire"),
    ("popote", "popote roulante"),
    ("meals on wheels", "popote roulante"),
    ("HLM", "logement social"),
    ("OMH", "office municipal d'habitation"),
    ("appartement", "logement"),
    ("loyer", "logement"),
    ("Régie du logement", "Tribunal administratif du logement"),
    ("TAL", "Tribunal administratif du logement"),
    ("sans-abri", "itinérance"),
    ("SDF", "itinérance"),
    ("homeless", "itinérance"),
    ("refuge", "hébergement d'urgence"),
    ("shelter", "hébergement"),
    ("CLSC", "CISSS de Lanaudière"),
    ("CLSC", "centre local de services communautaires"),
    ("CISSS", "centre intégré de santé et de services sociaux"),
    ("CAB", "centre d'action bénévole"),
    ("bénévolat", "centre d'action bénévole"),
    ("CJE", "carrefour jeunesse-emploi"),
    ("job", "emploi"),
    ("travail", "emploi"),
    ("chômage", "assurance-emploi"),
    ("BS", "aide sociale"),
    ("aide sociale", "solidarité sociale"),
    ("welfare", "aide sociale"),
    ("personnes âgées", "aînés"),
    ("troisième âge", "aînés"),
    ("elderly", "seniors"),
    ("vieux", "aînés"),
    ("ado", "jeunesse"),
    ("adolescent", "jeunesse"),
    ("teen", "youth"),
    ("garderie", "service de garde"),
    ("daycare", "service de garde"),
    ("drogue", "dépendances"),
    ("alcool", "dépendances"),
    ("toxicomanie", "dépendances"),
    ("suicide", "prévention du suicide"),
    ("déprime", "santé mentale"),
    ("dépression", "santé mentale"),
    ("violence conjugale", "maison d'hébergement"),
    ("immigrant", "immigration"),
    ("réfugié", "immigration"),
    ("francisation", "cours de français"),
    ("impôts", "déclaration de revenus"),
    ("rapport d'impôt", "déclaration de revenus"),
    ("taxes", "déclaration de revenus"),
    ("meubles", "assistance matérielle"),
    ("vêtements", "friperie"),
    ("linge", "friperie"),
    ("avocat", "aide juridique"),
    ("lawyer", "aide juridique"),
    ("handicap", "handicaps"),
    ("fauteuil roulant", "accessible"),
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.bulk_create(
        [Synonym(term=t, expansion=e, normalized_term=synonym_key(t)) for t, e in SYNONYMS],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    apps.get_model("search", "Synonym").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engine_structures")]

    operations = [migrations.RunPython(seed, unseed)]
