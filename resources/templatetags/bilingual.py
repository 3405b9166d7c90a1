"""Pages shown in both languages at once (the error and offline pages: templates/error_page.html).

`{% other_language as OTHER_LANGUAGE %}` gives the code of the site's language that is not the
active one, for `{% language OTHER_LANGUAGE %}…{% endlanguage %}` and `lang="…"`. Needs neither
the request nor the database.
"""

from django import template
from django.conf import settings
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def other_language():
    current = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    others = [code for code, _name in settings.LANGUAGES if code != current]
    return others[0] if others else current
