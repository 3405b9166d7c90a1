from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import NeedExpression, Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "expansion"]
    search_fields = ["term", "expansion", "normalized_term"]


@admin.register(NeedExpression)
class NeedExpressionAdmin(admin.ModelAdmin):
    list_display = ["expression", "language", "kind", "sector_names"]
    list_filter = ["kind", "language", "sectors"]
    search_fields = ["expression", "normalized", "sectors__name_fr", "sectors__name_en"]
    filter_horizontal = ["sectors"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sectors")

    @admin.display(description=_("secteurs"))
    def sector_names(self, obj):
        return ", ".join(str(s) for s in obj.sectors.all())


# The unmet-needs report (search/admin_unmet_needs.py registers it).
from . import admin_unmet_needs  # noqa: E402, F401
