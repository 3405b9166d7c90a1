"""Which numbers a person calls for a service: one rule for the service page, "Ma liste", the
organization page's cards and the search index's cards (search.indexing).

A service's own numbers, else those of the places it is offered at, else its organization's.
A card shows one of them: the first that reaches a person (a fax does not), as a call or, for a
texting line, a text message."""

from django.db.models import prefetch_related_objects

NOT_ON_A_CARD = {"fax"}


def numbers_to_call(own, places, organization):
    """The first non-empty of the three lists of numbers, in that order."""
    return list(own) or list(places) or list(organization)


def card_number(numbers):
    """The number a card shows among `numbers_to_call`, or None."""
    return next((n for n in numbers if n.type not in NOT_ON_A_CARD), None)


def prefetch_calls(services):
    """Reads what `phones_to_call` needs beyond ServiceQuerySet.with_listing_data: the places'
    numbers of the services without their own (one query), and their organization's for
    those whose places have none either (one more; none when already read)."""
    without = [service for service in services if not service.phones.all()]
    if without:
        prefetch_related_objects(without, "service_at_locations__location__phones")
    unreached = [service for service in without if not places_phones(service)]
    if unreached:
        prefetch_related_objects(unreached, "organization__phones")


def places_phones(service):
    return [
        phone for sal in service.service_at_locations.all() for phone in sal.location.phones.all()
    ]


def phones_to_call(service):
    """`numbers_to_call` for a service read with `prefetch_calls`."""
    own = service.phones.all()
    if own:
        return list(own)
    return numbers_to_call((), places_phones(service), service.organization.phones.all())
