"""The unmet-needs report in the admin (search/unmet_needs.py): the searches with no or few
results, by week and municipality, a CSV export, and for each query a link that opens the need
lexicon's form filled with it (search.models.NeedExpression). Opening it flushes the counters
kept in the cache first, so it shows the searches up to now."""

import csv
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from resources.models import Municipality, Sector

from . import unmet_needs
from .models import NeedExpression, SearchNeedStat
from .text import words

WEEK_CHOICES = (4, 8, 13, 26, 52)


@admin.register(SearchNeedStat)
class SearchNeedStatAdmin(admin.ModelAdmin):
    """Read-only: the rows are written by the flush alone."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        unmet_needs.flush()
        kind = request.GET.get("kind") if request.GET.get("kind") in unmet_needs.KINDS else "zero"
        try:
            weeks = int(request.GET.get("weeks", 8))
        except ValueError:
            weeks = 8
        weeks = weeks if weeks in WEEK_CHOICES else 8
        municipalities = list(Municipality.objects.in_mrc().order_by("name"))
        chosen = next(
            (m for m in municipalities if m.slug == request.GET.get("municipality")), None
        )
        rows = unmet_needs.report_rows(kind, weeks, chosen)
        sectors = {s.slug: s for s in Sector.objects.all()}
        for row in rows:
            row["sector_list"] = [sectors[s] for s in row["sectors"].split() if s in sectors]
        if request.GET.get("export") == "csv":
            return self._csv(rows, kind)
        known = set(NeedExpression.objects.values_list("normalized", "language"))
        can_add = request.user.has_perm("search.add_needexpression")
        add_url = reverse("admin:search_needexpression_add")
        weeks_shown = []
        for row in rows:
            normalized = " ".join(words(row["query"]))[:120]
            row["in_lexicon"] = (normalized, row["language"]) in known
            if can_add and row["query"] and not row["in_lexicon"]:
                row["add_url"] = (
                    add_url
                    + "?"
                    + urlencode(
                        {
                            "expression": row["query"],
                            "language": row["language"],
                            "sectors": ",".join(str(s.pk) for s in row["sector_list"]),
                        }
                    )
                )
            if not weeks_shown or weeks_shown[-1]["week"] != row["week"]:
                weeks_shown.append({"week": row["week"], "rows": []})
            if len(weeks_shown[-1]["rows"]) < unmet_needs.TOP:
                weeks_shown[-1]["rows"].append(row)
        query = request.GET.copy()
        query["export"] = "csv"
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Besoins non comblés"),
            "opts": self.model._meta,
            "weeks_shown": weeks_shown,
            "kind": kind,
            "weeks": weeks,
            "week_choices": WEEK_CHOICES,
            "municipalities": municipalities,
            "chosen": chosen,
            "csv_url": "?" + query.urlencode(),
            "min_seen": unmet_needs.MIN_SEEN,
            "low": unmet_needs.LOW,
            "top": unmet_needs.TOP,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/search/unmet_needs_report.html", context)

    def _csv(self, rows, kind):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="besoins-non-combles-{kind}.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 with its mark
        writer = csv.writer(response)
        writer.writerow(
            [
                "semaine",
                "municipalite",
                "recherche",
                "secteurs_compris",
                "langue",
                "recherches",
                "resultats_max",
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    row["week"].isoformat(),
                    row["municipality__name"] or "",
                    row["query"],
                    " ".join(str(s) for s in row["sector_list"]),
                    row["language"],
                    row["searches"],
                    row["results"],
                ]
            )
        return response
