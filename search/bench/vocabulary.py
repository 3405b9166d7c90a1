"""Words the bench data (search/bench/data.py) is made of: a built-in bilingual 211 vocabulary, and
the demo directory's service names and descriptions when fixtures/demo/*.json exist."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.text import slugify

from resources.demo import DEMO_DIR

# The demo's services are the directory's real vocabulary: they weigh more than the built-in
# terms, which still bring variety while the demo files are few.
DEMO_WEIGHT = 4


def _pairs(text):
    """Alternating French and English lines → [(fr, en), ...]."""
    lines = text.strip().splitlines()
    return list(zip(lines[::2], lines[1::2], strict=True))


# subsector slug | French name | English name — the kind of services a 211 line lists.
BUILT_IN_TERMS = """
food-banks|Banque alimentaire|Food bank
food-banks|Dépannage alimentaire d'urgence|Emergency food assistance
food-banks|Paniers de Noël|Christmas food baskets
meals|Popote roulante|Meals on wheels
meals|Repas communautaires|Community meals
meals|Soupe populaire|Soup kitchen
collective-kitchens|Cuisine collective|Collective kitchen
food-security|Jardin communautaire|Community garden
food-security|Frigo partagé|Community fridge
low-cost-groceries|Épicerie solidaire|Low-cost grocery
clothing|Friperie communautaire|Community thrift store
clothing|Comptoir vestimentaire|Clothing bank
furniture|Meubles usagés à prix modique|Low-cost used furniture
emergency-funds|Aide financière d'urgence|Emergency financial assistance
tax-clinics|Clinique d'impôts bénévole|Volunteer tax clinic
budget-debt|Consultation budgétaire|Budget counselling
budget-debt|Prêt sans intérêt|Interest-free loan
school-supplies|Fournitures scolaires de la rentrée|Back-to-school supplies
housing-search|Aide à la recherche de logement|Housing search assistance
social-housing|Logement social|Social housing
social-housing|Coopérative d'habitation|Housing co-operative
social-housing|Habitation à loyer modique|Low-rent housing
tenant-rights|Comité logement|Tenants' association
tenant-rights|Information sur les droits des locataires|Tenant rights information
moving-help|Aide au déménagement du 1er juillet|July 1st moving help
supportive-housing|Logement avec soutien communautaire|Supportive housing
emergency-shelter|Hébergement d'urgence|Emergency shelter
emergency-shelter|Refuge de nuit|Overnight shelter
day-centres|Centre de jour|Drop-in centre
street-outreach|Travail de rue|Street outreach
transitional-housing|Hébergement de transition|Transitional housing
public-health-services|Services de santé courants|Walk-in health services
public-health-services|Clinique de vaccination|Vaccination clinic
home-care|Soutien à domicile|Home support
home-care|Aide à l'entretien ménager|Housekeeping help
sexual-health|Clinique jeunesse de santé sexuelle|Youth sexual health clinic
sexual-health|Suivi de grossesse|Pregnancy follow-up
chronic-illness|Soutien aux personnes diabétiques|Diabetes support
chronic-illness|Soutien aux personnes atteintes de cancer|Cancer support
palliative|Accompagnement en soins palliatifs|Palliative care support
palliative|Groupe de soutien au deuil|Grief support group
listening-lines|Ligne d'écoute|Listening line
listening-lines|Écoute téléphonique de nuit|Overnight listening line
suicide-prevention|Intervention en prévention du suicide|Suicide prevention intervention
peer-support|Groupe d'entraide en santé mentale|Mental health peer support group
crisis-centres|Centre de crise|Crisis centre
family-support-mh|Soutien aux proches en santé mentale|Support for relatives in mental health
substance-use|Aide en toxicomanie|Substance use help
substance-use|Groupe d'entraide alcool et drogues|Alcohol and drug support group
gambling|Aide pour le jeu excessif|Problem gambling help
harm-reduction|Matériel d'injection stérile|Sterile injection supplies
harm-reduction|Trousses de naloxone gratuites|Free naloxone kits
treatment|Thérapie en dépendance avec hébergement|Residential addiction treatment
home-support-seniors|Maintien à domicile des aînés|Aging at home support
home-support-seniors|Menus travaux pour aînés|Small repairs for seniors
isolation|Visites d'amitié|Friendly visits
isolation|Appels d'amitié|Friendly phone calls
elder-abuse|Aide contre la maltraitance des aînés|Elder abuse help
caregivers|Répit pour proches aidants|Respite for caregivers
caregivers|Groupe de soutien pour proches aidants|Caregiver support group
senior-housing|Résidence communautaire pour aînés|Community seniors' residence
family-centres|Maison de la famille|Family resource centre
family-centres|Ateliers parents-enfants|Parent-child workshops
perinatal|Soutien à l'allaitement|Breastfeeding support
perinatal|Rencontres prénatales|Prenatal classes
parenting|Soutien parental|Parenting support
parenting|Ateliers de discipline positive|Positive discipline workshops
childcare|Halte-garderie|Drop-in childcare
separation|Soutien aux familles monoparentales|Single-parent family support
separation|Médiation familiale|Family mediation
youth-centres|Maison des jeunes|Youth centre
school-support|Aide aux devoirs|Homework help
school-support|Persévérance scolaire|School retention program
youth-shelter|Hébergement jeunesse|Youth shelter
youth-outreach|Travail de rue jeunesse|Youth street outreach
literacy|Alphabétisation populaire|Adult literacy
french-courses|Cours de francisation|French classes for newcomers
adult-education|Formation générale des adultes|Adult general education
digital-literacy|Initiation à l'informatique|Computer basics
digital-literacy|Aide avec le téléphone intelligent|Smartphone help
job-search|Aide à la recherche d'emploi|Job search assistance
job-search|Rédaction de curriculum vitæ|Résumé writing
youth-employment|Carrefour jeunesse-emploi|Youth employment centre
work-integration|Entreprise d'insertion|Work-integration business
income-support|Aide aux demandes de prestations|Help with benefit applications
settlement|Accueil des nouveaux arrivants|Newcomer welcome services
settlement|Jumelage interculturel|Intercultural matching
interpreting|Interprétation communautaire|Community interpreting
status-refugees|Accompagnement des demandeurs d'asile|Asylum seeker support
intercultural|Activités interculturelles|Intercultural activities
indigenous-services|Centre d'amitié autochtone|Indigenous friendship centre
indigenous-culture|Cercle de partage autochtone|Indigenous sharing circle
intellectual-autism|Soutien aux familles d'enfants autistes|Support for families of autistic kids
physical-sensory|Aide aux personnes malentendantes|Help for hard-of-hearing people
respite|Répit pour familles d'enfants handicapés|Respite for families of disabled children
adapted-leisure|Loisirs adaptés|Adapted recreation
domestic-violence|Maison d'hébergement en violence conjugale|Domestic violence shelter
domestic-violence|Ligne d'urgence en violence conjugale|Domestic violence crisis line
sexual-assault|Aide aux victimes d'agression sexuelle|Sexual assault support
victims|Aide aux victimes d'actes criminels|Crime victim assistance
men-help|Aide aux hommes en difficulté|Help for men in difficulty
advocacy|Défense collective des droits|Collective rights advocacy
advocacy|Assistance aux plaintes en santé|Health complaint assistance
legal-aid|Clinique d'information juridique|Legal information clinic
consumer|Association de consommateurs|Consumer association
alternative-justice|Médiation citoyenne|Community mediation
womens-centres|Centre de femmes|Women's centre
mens-groups|Groupe de soutien pour pères|Fathers' support group
lgbtq|Groupe jeunesse LGBTQ+|LGBTQ+ youth group
medical-transport|Accompagnement-transport médical|Medical escort transport
paratransit|Transport adapté|Paratransit
public-transit|Transport collectif rural|Rural public transit
volunteering|Centre d'action bénévole|Volunteer centre
community-centres|Centre communautaire de loisirs|Community recreation centre
concertation|Table de concertation en développement social|Social development round table
provincial-services|Bureau de services gouvernementaux|Government services office
federal-services|Aide aux prestations fédérales|Federal benefits help
municipal-services|Programme municipal d'aide au logement|Municipal housing assistance program
helplines|Ligne d'information communautaire|Community information line
"""

PUBLICS = [  # (French, with its preposition), English
    ("aux familles", "families"),
    ("aux aînés", "seniors"),
    ("aux jeunes de 12 à 17 ans", "youth aged 12 to 17"),
    ("aux personnes seules", "people living alone"),
    ("aux personnes nouvellement arrivées", "newcomers"),
    ("aux personnes à faible revenu", "low-income people"),
    ("aux proches aidants", "caregivers"),
    ("à toute la population", "everyone"),
    ("aux femmes et à leurs enfants", "women and their children"),
    ("aux personnes handicapées", "people with disabilities"),
]
OPENING_SENTENCES = [
    ("{org} offre le service « {term} » {place_fr}.", "{org} offers “{term_en}” {place_en}."),
    (
        "{term} : un service de {org} qui s'adresse {public_fr}.",
        "{term_en}: a service of {org} for {public_en}.",
    ),
    (
        "Depuis {year}, {org} répond aux besoins {place_fr} avec son service « {term} ».",
        "Since {year}, {org} has met local needs {place_en} with its “{term_en}” service.",
    ),
]
GENERIC_SENTENCES = _pairs(
    """
L'accueil est chaleureux, confidentiel et sans jugement.
The welcome is warm, confidential and free of judgment.
Une intervenante évalue les besoins lors d'un premier appel.
A worker assesses needs during a first call.
Les bénévoles accompagnent les personnes dans leurs démarches.
Volunteers support people through the steps.
Le service est offert en français et, au besoin, en anglais.
The service is offered in French and, if needed, in English.
Il est préférable de téléphoner avant de se présenter.
It is best to call before coming in.
Les locaux sont accessibles en fauteuil roulant.
The premises are wheelchair accessible.
Une preuve de résidence peut être demandée.
Proof of residence may be requested.
Les rencontres individuelles se font sur rendez-vous.
Individual meetings are by appointment.
Des ateliers de groupe ont lieu chaque semaine.
Group workshops are held every week.
L'organisme travaille avec le CLSC et les écoles du secteur.
The organization works with the local CLSC and schools.
Les personnes peuvent être orientées vers d'autres ressources.
People can be referred to other resources.
Une collation est servie lors des activités.
A snack is served during activities.
Le transport peut être organisé pour les personnes sans voiture.
Transportation can be arranged for people without a car.
Les inscriptions sont ouvertes toute l'année.
Registration is open all year.
Aucune référence n'est nécessaire.
No referral is needed.
Le service est offert en personne, par téléphone ou par visioconférence.
The service is offered in person, by phone or by video call.
L'équipe est formée à l'intervention psychosociale.
The team is trained in psychosocial intervention.
Une liste d'attente s'applique pendant la période des Fêtes.
A waiting list applies during the holiday season.
Les enfants sont les bienvenus et une halte est offerte.
Children are welcome and childcare is offered.
Des interprètes peuvent être présents sur demande.
Interpreters can attend on request.
Les dons de nourriture et de vêtements sont acceptés.
Food and clothing donations are accepted.
Les personnes proches aidantes peuvent aussi recevoir du soutien.
Caregivers can also receive support.
Un suivi est proposé quelques semaines après la première rencontre.
A follow-up is offered a few weeks after the first meeting.
L'organisme est membre de la table de concertation locale.
The organization belongs to the local round table.
"""
)
ORGANIZATION_KINDS = [
    ("Centre d'entraide", "Mutual aid centre"),
    ("Carrefour communautaire", "Community crossroads"),
    ("Maison communautaire", "Community house"),
    ("Association", "Association"),
    ("Regroupement", "Coalition"),
    ("Coopérative de solidarité", "Solidarity co-operative"),
    ("Société d'entraide", "Mutual aid society"),
    ("Fondation", "Foundation"),
]
PROPER_NAMES = [
    "Le Phare",
    "La Passerelle",
    "L'Arc-en-ciel",
    "Le Relais",
    "La Boussole",
    "L'Envol",
    "Le Tournesol",
    "La Source",
    "Le Pont",
    "L'Éclaircie",
    "La Ruche",
    "Le Havre",
    "Les Moulins",
    "La Rivière",
    "Le Ruisseau",
    "Les Érables",
    "Le Fleuve",
    "La Marée",
    "L'Ancrage",
    "Le Sentier",
    "La Grande Ourse",
    "Le Quai",
    "L'Oasis",
]

STREETS = [
    "rue Notre-Dame",
    "rue Principale",
    "boulevard Iberville",
    "chemin du Roy",
    "rue Saint-Jean",
    "avenue des Érables",
    "montée Saint-Laurent",
    "rue de l'Église",
    "boulevard Lacombe",
    "rue Valmont",
    "rue du Moulin",
    "rang Saint-Esprit",
    "rue Saint-Paul",
    "avenue du Parc",
    "rue des Pins",
]
OTHER_LANGUAGES = [
    "spa",
    "ara",
    "cmn",
    "hat",
    "por",
    "vie",
    "fas",
    "rus",
    "ukr",
    "ron",
    "tam",
    "pan",
    "tgl",
    "kab",
    "atj",
]


@dataclass
class Topic:
    """What a service is about: its subsector, names, and (from the demo) a description."""

    sector: str
    name_fr: str
    name_en: str
    text_fr: str = ""
    text_en: str = ""
    weight: int = 1  # how often it is picked, relative to the others of its sector
    slug: str = field(init=False)

    def __post_init__(self):
        self.slug = slugify(self.name_fr)[:80]


def _pair(value):
    """A demo translated text as (fr, en), English falling back to French."""
    value = value or {}
    return value.get("fr") or "", value.get("en") or value.get("fr") or ""


def load_vocabulary(demo_dir=DEMO_DIR):
    """(topics, organization names, unreadable demo files) from the demo files and built-ins."""
    topics = [Topic(*line.split("|")) for line in BUILT_IN_TERMS.strip().splitlines()]
    names, unreadable = [], []
    for path in sorted(Path(demo_dir).glob("*.json")):
        try:
            organizations = json.loads(path.read_text(encoding="utf-8"))["organizations"]
        except (OSError, ValueError, KeyError, TypeError):
            unreadable.append(path.name)  # a demo file being written right now, for example
            continue
        for organization in organizations:
            names.append(_pair(organization.get("name")))
            for service in organization.get("services", []):
                name, text = _pair(service.get("name")), _pair(service.get("description"))
                if service.get("sectors") and all(name):
                    topics.append(Topic(service["sectors"][0], *name, *text, DEMO_WEIGHT))
    return topics, [n for n in names if all(n)], unreadable
