"""Import steps for classification: taxonomies, their terms, and the attributes linking records
to them (docs/hsds-profile.md, "Taxonomies and attributes").

Our reference taxonomy is `Sector` (id TAXONOMY_ID). A feed's own taxonomies are kept as they
are (`Taxonomy`, `TaxonomyTerm`) and mapped onto our sectors through the mapping file; they never
change a sector. A term of our taxonomy found by id updates that sector (never detaching it from
its parent); found only by its code, its id is read as that sector's and nothing changes; known
neither way, it becomes a new sector.
"""

from resources.models import (
    Attribute,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Sector,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from resources.text_limits import too_long

from .nesting import SINGULAR
from .profile import PREFIX, TAXONOMY_ID, derived_id

X = PREFIX
# The HSDS entities whose records we keep with their own id: what an attribute may link.
LINKED = {
    "service": Service,
    "organization": Organization,
    "location": Location,
    "service_at_location": ServiceAtLocation,
    "phone": Phone,
    "schedule": Schedule,
    "service_area": ServiceArea,
    "cost_option": CostOption,
}


def tree_order(rows):
    """Rows with every parent given in `rows` before its children (cycles broken anywhere)."""
    by_id = {row["id"]: row for row in rows}

    def depth(row):
        count, seen, parent = 0, {row["id"]}, row.get("parent_id")
        while parent in by_id and parent not in seen:
            seen.add(parent)
            count += 1
            parent = by_id[parent].get("parent_id")
        return count

    return sorted(rows, key=lambda row: (depth(row), row["id"]))


class TaxonomyLoading:
    def load_taxonomy_terms(self):
        """Terms of our taxonomy onto sectors; a feed's taxonomies and terms kept as such, each
        term mapped to a sector by the mapping file (term id or code) or by a sector's id."""
        self.sector_slugs = {s.slug: self.remember(s) for s in Sector.objects.all()}
        by_uuid = {str(s.uuid): s for s in self.sector_slugs.values()}
        terms = self.rows("taxonomy_terms")
        ours = [t for t in terms if t.get("taxonomy_id") == TAXONOMY_ID]
        our_ids = {t["id"] for t in ours}
        theirs = []
        for row in terms:
            if row["id"] in our_ids:
                continue
            mapped = self.mapped_sector(row)
            if mapped is False:
                continue
            if mapped:
                self.sectors[row["id"]] = mapped
            elif row["id"] in by_uuid:
                # One of our sectors given without its taxonomy: it is that sector.
                self.sectors[row["id"]] = by_uuid[row["id"]]
                continue
            theirs.append(row)
        self.load_sectors(ours, by_uuid)
        self.load_taxonomies()
        self.load_feed_terms(theirs)

    def mapped_sector(self, row):
        """The sector the mapping file gives a term (by id, then code): None when it gives
        none, False (after an error) when it names no sector."""
        wanted = self.sector_map.get(row["id"]) or self.sector_map.get(row.get("code") or "")
        if not wanted:
            return None
        if wanted not in self.sector_slugs:
            self.fail("taxonomy_terms", row, "id", f"mapping names no sector '{wanted}'")
            return False
        return self.sector_slugs[wanted]

    def load_sectors(self, rows, by_uuid):
        """Terms of our own taxonomy. Our reference sectors keep their id and their parent: a
        term known only by its code maps its id onto that sector, changing nothing."""
        for row in tree_order(rows):
            sector = by_uuid.get(row["id"])
            if sector is None and row.get("code") in self.sector_slugs:
                self.sectors[row["id"]] = self.sector_slugs[row["code"]]
                self.counts["taxonomy_terms matched by code"] += 1
                continue
            created = sector is None
            sector = sector or Sector(uuid=row["id"], slug=row.get("code") or row["id"])
            parent = row.get("parent_id")
            found = (self.sectors.get(parent) or by_uuid.get(parent)) if parent else None
            if found is not None and found != sector:
                sector.parent = found
            elif parent:
                self.warn("taxonomy_terms", row, f"parent '{parent}' is no other sector here")
            # No parent (or an unknown one) says nothing: a stored subsector stays where it is.
            self.texts(
                "taxonomy_terms",
                sector,
                row,
                {"name": "name", "description": "description"},
                ("name",),
            )
            sector.airs_code = row.get(f"{X}airs_code", "")
            sector.position = row.get(f"{X}position", sector.position or 0)
            if self.save("taxonomy_terms", row, sector, created):
                self.sectors[row["id"]] = sector
                by_uuid[row["id"]] = sector

    def load_taxonomies(self):
        for row in self.rows("taxonomies"):
            if row["id"] == TAXONOMY_ID:
                continue  # ours is fixed (profile.TAXONOMY_NAMES)
            taxonomy, created = self.fetch(Taxonomy, row["id"])
            fields = ("name", "description", "uri", "version")
            self.plain("taxonomies", taxonomy, row, {name: name for name in fields})
            self.save("taxonomies", row, taxonomy, created)

    def term_taxonomy(self, row):
        """A feed term's taxonomy: its `taxonomies` row (imported or stored), else one made
        from the term's `taxonomy_id` and `taxonomy` name (an id derived from the name when it
        gives no id); None for a term of no taxonomy. False after an error."""
        name = row.get("taxonomy") or ""
        ident = row.get("taxonomy_id") or (derived_id("taxonomy", name) if name else None)
        if ident is None:
            return None
        found = self.known(Taxonomy, ident)
        if found is not None:
            return found
        taxonomy = Taxonomy(uuid=ident, name=name or ident)
        problem = too_long(Taxonomy, "name", taxonomy.name)
        if problem:
            self.fail("taxonomy_terms", row, "taxonomy", problem)
            return False
        if not self.save("taxonomies", {"id": ident}, taxonomy, True):
            return False
        return taxonomy

    def load_feed_terms(self, rows):
        unmapped = 0
        for row in tree_order(rows):
            taxonomy = self.term_taxonomy(row)
            if taxonomy is False:
                continue
            term, created = self.fetch(TaxonomyTerm, row["id"])
            term.taxonomy = taxonomy
            parent = row.get("parent_id")
            found = (self.terms.get(parent) or self.known(TaxonomyTerm, parent)) if parent else None
            if parent and (found is None or parent == row["id"]):
                # Feeds often nest a term in an attribute without its parent: kept on top.
                self.warn("taxonomy_terms", row, f"parent '{parent}' not given: kept without it")
                found = None
            term.parent = found
            fields = ("code", "name", "description", "term_uri", "language")
            self.plain("taxonomy_terms", term, row, {name: name for name in fields})
            if self.save("taxonomy_terms", row, term, created):
                self.terms[row["id"]] = term
                unmapped += row["id"] not in self.sectors
        if unmapped:
            self.warnings.append(
                f"taxonomy_terms: {unmapped} term(s) of a feed's taxonomy map to no sector: kept "
                "as its terms, they give their services no sector (add them to the mapping file)"
            )

    # Attributes -------------------------------------------------------------------------------

    def classification(self, ident):
        """(sector, feed term) of a term id: the file's terms, else the stored ones."""
        if ident in self.sectors or ident in self.terms:
            return self.sectors.get(ident), self.terms.get(ident)
        term = self.known(TaxonomyTerm, ident)
        if term is not None:
            wanted = self.sector_map.get(ident) or self.sector_map.get(term.code or "")
            return self.sector_slugs.get(wanted), term
        return self.known(Sector, ident), None

    def linked_record(self, row):
        """(record, entity) an attribute links, by its `link_entity` (any record we keep with
        that id when the entity is absent or not one we know); record None when unknown."""
        entity = row.get("link_entity") or ""
        entity = SINGULAR.get(entity, entity)
        ident = row.get("link_id")
        if not ident or ident in self.skipped:
            return None, entity
        for name, model in LINKED.items():
            if entity not in LINKED or entity == name:
                found = self.known(model, ident)
                if found is not None:
                    return found, name
        return None, entity

    def load_attributes(self):
        """A service's sectors (attributes naming our sectors, or feed terms mapped to them);
        every attribute naming a feed's term, and those naming a sector for another record than
        a service, stored as attributes. Unknown terms or records are skipped with a warning."""
        chosen = {}
        for row in self.rows("attributes"):
            sector, term = self.classification(row.get("taxonomy_term_id"))
            record, entity = self.linked_record(row)
            if sector is None and term is None:
                ident = row.get("taxonomy_term_id")
                self.warn("attributes", row, f"term '{ident}' is not known here: skipped")
                continue
            if record is None:
                what = entity if entity in LINKED else "record"
                message = f"links no {what} known here ('{row.get('link_id')}'): skipped"
                self.warn("attributes", row, message)
                continue
            label = row.get(f"{X}label", row.get("label"))
            if isinstance(record, Service) and sector is not None:
                chosen.setdefault(str(record.uuid), []).append(sector)
                if term is None:
                    if row.get("value") or label:
                        self.warn("attributes", row, "a sector link keeps no value or label")
                    continue  # a sector link: the service's sectors
            attribute, created = self.fetch(Attribute, row["id"])
            attribute.taxonomy_term, attribute.sector = term, None if term else sector
            attribute.link_entity, attribute.link_id = entity, record.uuid
            own_label = f"{X}label" if f"{X}label" in row else "label"
            fields = {"link_type": "link_type", "value": "value", "label": own_label}
            self.plain("attributes", attribute, row, fields)
            self.save("attributes", row, attribute, created)
        for row in self.rows("services"):
            service = self.objects.get(row["id"])
            if isinstance(service, Service):
                self.set_many("services", row, service, "sectors", chosen.get(row["id"], []))
