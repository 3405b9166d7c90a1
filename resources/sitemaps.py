"""What search engines are told to visit: sitemap.xml (both languages, each address with its
other-language alternates and x-default) and robots.txt.

Only page addresses: the public pages, sectors, the MRC's municipalities, active organizations
and listed services. No location has a page, and a sitemap holds no address of any kind, so a
confidential location cannot appear in it (tests/resources/test_public_pages.py checks it)."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import Municipality, Organization, Sector, Service


class BilingualSitemap(Sitemap):
    """Each page in French and in English, each listing both and x-default."""

    i18n = True
    alternates = True
    x_default = True

    def get_urls(self, page=1, site=None, protocol=None):
        """x-default is the default language's address, as the pages' hreflang links say.
        Django's would be that address without its /fr/: only the home page (`/`, redirected by
        Accept-Language) exists there, the others' French words 404 in English."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            by_language = {a["lang_code"]: a["location"] for a in url["alternates"]}
            for alternate in url["alternates"]:
                if alternate["lang_code"] == "x-default":
                    alternate["location"] = by_language[settings.LANGUAGE_CODE]
        return urls


class PageSitemap(BilingualSitemap):
    """The pages without a record: home, about, privacy, accessibility."""

    def items(self):
        return ["resources:home", "about", "privacy", "accessibility"]

    def location(self, item):
        return reverse(item)


class SectorSitemap(BilingualSitemap):
    def items(self):
        return Sector.objects.order_by("slug").only("slug")


class MunicipalitySitemap(BilingualSitemap):
    def items(self):
        return Municipality.objects.in_mrc().order_by("slug").only("slug")


class OrganizationSitemap(BilingualSitemap):
    def items(self):
        return Organization.objects.active().order_by("slug").only("slug", "modified")

    def lastmod(self, item):
        return item.modified


class ServiceSitemap(BilingualSitemap):
    def items(self):
        return Service.objects.active().order_by("slug").only("slug", "modified")

    def lastmod(self, item):
        return item.modified


SITEMAPS = {
    "pages": PageSitemap,
    "sectors": SectorSitemap,
    "municipalities": MunicipalitySitemap,
    "organizations": OrganizationSitemap,
    "services": ServiceSitemap,
}


@require_safe
def robots_txt(request):
    """Every page may be crawled; the sitemap's absolute address. The staff admin is not named
    (its path may be a secret one, ADMIN_URL): its pages answer `X-Robots-Tag: noindex`."""
    lines = [
        "User-agent: *",
        "Disallow:",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
