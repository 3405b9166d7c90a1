"""Staff roles: the groups "Éditeur" and "Administrateur" and their permissions, defined here
once and written on every `migrate` (a post_migrate handler, ResourcesConfig.ready), so that a
fresh database has them and later models are included (docs/staff.md).

- Éditeur: view, add and change every model of EDITOR_APPS (the listings, their history, and
  whatever those apps add later: verification requests, correction requests...); no delete, and
  nothing of accounts (users, groups) or of the sign-in lockouts.
- Administrateur: every permission, users and groups included.

Each group's permissions are set to exactly this definition on every migrate: a change made to
them in the admin lasts until the next deploy. Give other rights to a person, not to the group.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q

EDITOR = "Éditeur"
ADMINISTRATOR = "Administrateur"
# The apps whose records editors keep: every model in them, now and later.
EDITOR_APPS = ("resources",)
EDITOR_ACTIONS = ("view", "add", "change")


def editor_permissions(permission_model):
    actions = Q()
    for action in EDITOR_ACTIONS:
        actions |= Q(codename__startswith=f"{action}_")
    return permission_model.objects.filter(actions, content_type__app_label__in=EDITOR_APPS)


def administrator_permissions(permission_model):
    return permission_model.objects.all()


ROLES = {EDITOR: editor_permissions, ADMINISTRATOR: administrator_permissions}


def ensure_roles(using=DEFAULT_DB_ALIAS, **kwargs):
    """Create or update the groups of ROLES (idempotent). The permissions of every app are
    created first: post_migrate reaches the apps one by one, and some may come after this one."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    group_model = global_apps.get_model("auth", "Group")
    permission_model = global_apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _ = group_model.objects.using(using).get_or_create(name=name)
        group.permissions.set(permissions(permission_model).using(using))
