from django.urls import path, re_path

from . import views

app_name = "api"

urlpatterns = [
    path("", views.root, name="root"),
    path("openapi.json", views.openapi, name="openapi"),
    path("profile", views.profile, name="profile"),
    path("services", views.services, name="services"),
    path("services/<uuid:ident>", views.service_detail, name="service-detail"),
    path("organizations", views.organizations, name="organizations"),
    path("organizations/<uuid:ident>", views.organization_detail, name="organization-detail"),
    path("taxonomies", views.taxonomies, name="taxonomies"),
    path("taxonomies/<uuid:ident>", views.taxonomy_detail, name="taxonomy-detail"),
    path("taxonomy_terms", views.taxonomy_terms, name="taxonomy-terms"),
    path("taxonomy_terms/<uuid:ident>", views.taxonomy_term_detail, name="taxonomy-term-detail"),
    path("service_at_locations", views.service_at_locations, name="service-at-locations"),
    path(
        "service_at_locations/<uuid:ident>",
        views.service_at_location_detail,
        name="service-at-location-detail",
    ),
    # Anything else under /api/ (a malformed id too) is a JSON 404, not the site's HTML page.
    re_path(r"^(?P<path>[\s\S]*)\Z", views.not_found, name="not-found"),
]
