""" "Ma liste": the services a social worker gathers for a client, carried in the URL only.

No account and nothing kept on the server: the list is the `ids` query parameter of the list
page (`?ids=<uuid>,<uuid>,...`, HSDS service uuids, in the list's order). Other pages carry the
current list, when they know it, as a `liste` parameter, so their "Ajouter à ma liste" links
lead to the list page with it plus the service added (`add_url`). A bad, repeated or extra id
is dropped silently, never an error; unknown and inactive services are dropped by the view.
"""

import uuid
from urllib.parse import quote, urlencode

from django.utils.translation import gettext

from . import links

MAX_SERVICES = 30
SEPARATOR = ","


def parse_ids(value):
    """The first MAX_SERVICES distinct well-formed uuids of `value` (comma-separated), in order."""
    found = []
    for part in (value or "").split(SEPARATOR):
        try:
            parsed = uuid.UUID(part.strip())
        except ValueError:
            continue
        if parsed not in found:
            found.append(parsed)
            if len(found) == MAX_SERVICES:
                break
    return found


def list_url(ids):
    """The list page holding `ids` (uuids, in order); the bare page when empty."""
    path = links.url("resources:my-list")
    ids = list(ids)[:MAX_SERVICES]
    if not ids:
        return path
    return f"{path}?{urlencode({'ids': SEPARATOR.join(str(i) for i in ids)}, safe=SEPARATOR)}"


def add_url(existing, service_uuid):
    """The list page with `existing` (uuids) and `service_uuid` last (moved last if there)."""
    service_uuid = uuid.UUID(str(service_uuid))
    kept = [i for i in existing if i != service_uuid][: MAX_SERVICES - 1]
    return list_url([*kept, service_uuid])


def without(ids, index):
    return ids[:index] + ids[index + 1 :]


def moved(ids, index, step):
    """`ids` with the one at `index` swapped with its neighbour `step` (-1 up, +1 down)."""
    other = index + step
    if not 0 <= other < len(ids):
        return list(ids)
    swapped = list(ids)
    swapped[index], swapped[other] = swapped[other], swapped[index]
    return swapped


def mailto(items, share_url):
    """A `mailto:` link whose body lists each service's name, phones and public addresses, then
    the share link (never the note typed on the page: it is never sent)."""
    lines = []
    for item in items:
        service = item["service"]
        lines.append(service.name)
        lines += [f"  {phone}" for phone in item["phones"]]
        for location in item["places"]:
            lines.append(f"  {address_line(location)}")
        lines.append("")
    lines.append(share_url)
    subject = gettext("Ma liste de services — Répertoire 211")
    return "mailto:?" + urlencode({"subject": subject, "body": "\n".join(lines)}, quote_via=quote)


def address_line(location):
    """One line for a place: a confidential one names only its municipality."""
    municipality = str(location.municipality or "")
    if location.is_confidential:
        return f"{gettext('Adresse confidentielle')} — {municipality}"
    if location.location_type == "virtual":
        return location.url or gettext("En ligne")
    street = ", ".join(part for part in (location.address_1, location.address_2) if part)
    return ", ".join(
        part for part in (street, f"{municipality} {location.postal_code}".strip()) if part
    )
