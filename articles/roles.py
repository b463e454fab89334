"""Who may do what: the two roles, the permissions each one gets, and the check editor pages use.

A role is a group of the same name ("编辑", "管理员") made by a migration that calls
``sync_roles``; a user has a role by being in its group (``manage.py createuser NAME --role …`` or
the admin). Readers need no account. A superuser counts as an admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import wraps

from django.apps import apps as global_apps
from django.contrib.auth.decorators import login_required
from django.contrib.auth.management import create_permissions
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, pgettext_lazy

_CRUD = ("add", "change", "delete", "view")


class Role(models.TextChoices):
    EDITOR = "editor", "编辑"
    ADMIN = "admin", "管理员"


# Editors upload and preview pages (add/view), publish and withdraw them (publish_page), and
# replace them or correct their paper, date and label (change_page); admins also correct splits
# and manage accounts.
EDITOR_PERMISSIONS = frozenset(
    {"articles.view_page", "articles.add_page", "articles.change_page", "articles.publish_page"}
)
# Admins' county tags and the history are edited through the correction pages and the Django admin
# (whose inlines and autocompletes need these too); axes' records let an admin lift a lockout.
ADMIN_PERMISSIONS = frozenset(
    {
        f"articles.{action}_{model}"
        for model in ("page", "article", "caption", "newspaper", "issue", "articlecounty")
        for action in _CRUD
    }
    | {"articles.publish_page", "articles.correct_page", "articles.view_county", "articles.view_pagerevision"}
    | {f"auth.{action}_{model}" for model in ("user", "group") for action in _CRUD}
    | {"axes.view_accessattempt", "axes.delete_accessattempt"}
    # A script's API key seen and revoked (deleted) in the admin: a key that leaked is stopped
    # there, without a shell (manage.py apitoken --revoke).
    | {"articles.view_apitoken", "articles.delete_apitoken"}
)
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {Role.EDITOR: EDITOR_PERMISSIONS, Role.ADMIN: ADMIN_PERMISSIONS}


def sync_roles_now(apps, schema_editor, roles: Mapping[str, Iterable[str]]) -> None:
    """``sync_roles`` from a migration: Django creates permissions after the whole migrate run
    (post_migrate), and the groups need them now (the models' own, axes')."""
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        config.models_module = None
    sync_roles(apps, roles)


def sync_roles(apps=global_apps, roles: Mapping[str, Iterable[str]] | None = None) -> None:
    """Create each role's group and give it exactly its permissions ("app_label.codename").

    ``roles`` maps group names to permissions, by default the lists above; a migration passes its
    own frozen copy and its app registry. The permissions must exist already (the migration creates
    them first): raises ``LookupError`` naming any that do not.
    """
    if roles is None:
        roles = {role.label: names for role, names in ROLE_PERMISSIONS.items()}
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = set().union(*roles.values())
    found = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in={name.split(".")[0] for name in wanted},
            codename__in={name.split(".")[1] for name in wanted},
        )
    }
    missing = sorted(wanted - found.keys())
    if missing:
        raise LookupError(f"permissions missing for the roles: {', '.join(missing)}")
    for group_name, names in roles.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set([found[name] for name in names])


def role_of(user) -> Role | None:
    """The user's role: admin over editor when in both groups; None for readers and visitors."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    names = set(user.groups.values_list("name", flat=True))
    for role in (Role.ADMIN, Role.EDITOR):
        if role.label in names:
            return role
    return None


def assign_role(user, role: Role) -> None:
    """Put the user in the role's group and no other role's; admins are staff (the Django admin).

    The group must exist (``manage.py migrate`` makes it): raises ``Group.DoesNotExist`` otherwise.
    """
    from django.contrib.auth.models import Group

    group = Group.objects.get(name=role.label)
    user.groups.remove(*Group.objects.filter(name__in=[r.label for r in Role if r != role]))
    user.groups.add(group)
    user.is_staff = role == Role.ADMIN
    user.save(update_fields=["is_staff"])


def roles_with(perm: str) -> list[Role]:
    """The roles whose group holds ``perm`` ("app_label.codename")."""
    return [role for role, names in ROLE_PERMISSIONS.items() if perm in names]


def role_required(perm: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Guard an editor or admin page: a visitor is sent to sign in (``login_required``); a signed-in
    user without ``perm`` gets the 403 page saying which role the page needs."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not request.user.has_perm(perm):
                raise PermissionDenied(_needs(perm))
            return view(request, *args, **kwargs)

        guarded.required_perm = perm  # kept by the decorators above it (functools.wraps): tests list these
        return guarded

    return decorator


# The roles' names as readers of the page's language see them (the labels above name the groups, so stay Chinese).
ROLE_NAMES = {Role.EDITOR: pgettext_lazy("role", "编辑"), Role.ADMIN: pgettext_lazy("role", "管理员")}


def role_names(perm: str) -> str:
    """The roles that hold ``perm`` as the reader's language names them (“编辑”或“管理员”); "" for none.
    The 403 page and the API's 403 say it alike."""
    return gettext("或").join(gettext("“%(role)s”") % {"role": ROLE_NAMES.get(role, role.label)} for role in roles_with(perm))


def _needs(perm: str) -> str:
    names = role_names(perm)
    if not names:
        return gettext("这个页面需要相应的权限，你的账户没有。")
    return gettext("这个页面需要%(roles)s角色，你的账户没有。") % {"roles": names}
