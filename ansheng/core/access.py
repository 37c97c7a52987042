"""The one access door: what each user may see and do (ARCHITECTURE principle 2).

* `scope_for(user)` says which part of the city a user sees: everything under a region code prefix (city and
  county bureaus, inspectors, experts), the sectors an industry department regulates within its region, one
  enterprise (its administrators and staff), or nothing (the public).
* Models that hold user-scoped records declare where their jurisdiction lies with a `Scoping` (the path to the
  enterprise, to the county code, to the regulatory category).
* `restrict(queryset, user, action)` filters a queryset to what the user may see and, for other actions, may do.
* `get_for(user, queryset, pk, action)` fetches one record or raises NotFound: a record outside the caller's
  jurisdiction is indistinguishable from a missing one (404, never 403). A visible record the user's role may not
  act on raises PermissionDenied (403).
* `can(user, action, noun)` answers role questions from one permission table that every app extends.

Views and API endpoints never fetch user-scoped objects by bare primary key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from ansheng.core.choices import Role
from ansheng.core.errors import NotFound, PermissionDenied

if TYPE_CHECKING:
    from ansheng.core.models import User

M = TypeVar("M", bound=models.Model)

ALL = "all"
REGION = "region"
DEPARTMENT = "department"
ENTERPRISE = "enterprise"
NONE = "none"


@dataclass(frozen=True)
class Scope:
    kind: str
    region_prefix: str = ""
    enterprise_id: int | None = None
    organisation_id: int | None = None
    sectors: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_government(self) -> bool:
        return self.kind in {ALL, REGION, DEPARTMENT}

    def covers_region(self, code: str | None) -> bool:
        if self.kind == ALL:
            return True
        if self.kind in {REGION, DEPARTMENT}:
            return bool(code) and str(code).startswith(self.region_prefix)
        return False


@dataclass(frozen=True)
class Scoping:
    """Where a model's jurisdiction lies, as ORM paths to plain values.

    enterprise: path to the enterprise id ("pk" on Enterprise itself, "enterprise_id", "unit__enterprise_id");
                None when records are not tied to an enterprise (enterprise users then see none of them).
    region:     path to the region code of the record's county or finer ("county__code", "enterprise__county__code",
                "region_code"); required.
    category:   path to a regulatory category, for records an industry department sees without an enterprise.
    owner:      path to a user id who may always see the record (e.g. the person who filed a public report).
    """

    region: str
    enterprise: str | None = None
    category: str | None = None
    owner: str | None = None


def scope_for(user: Any) -> Scope:
    """The jurisdiction of a user; cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(NONE)
    cached = getattr(user, "_ansheng_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._ansheng_scope = scope
    return scope


def _compute_scope(user: User) -> Scope:
    role = user.role
    if user.is_superuser and role not in Role.ENTERPRISE:
        return Scope(ALL)
    if role in Role.ENTERPRISE:
        return Scope(ENTERPRISE, enterprise_id=user.enterprise_id) if user.enterprise_id else Scope(NONE)
    region_code = user.region_id or (user.organisation.region_id if user.organisation_id else None)
    if role == Role.DEPARTMENT_SUPERVISOR:
        if not user.organisation_id or not region_code:
            return Scope(NONE)
        from ansheng.core.models.regions import division_prefix

        return Scope(
            DEPARTMENT,
            region_prefix=division_prefix(region_code),
            organisation_id=user.organisation_id,
            sectors=frozenset(user.organisation.sectors or []),
        )
    if role in {Role.CITY_ADMIN, Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR, Role.INSPECTOR, Role.EXPERT}:
        if not region_code:
            return Scope(ALL) if role == Role.CITY_ADMIN else Scope(NONE)
        from ansheng.core.models.regions import division_prefix

        return Scope(REGION, region_prefix=division_prefix(region_code))
    return Scope(NONE)


# ---------------------------------------------------------------------------------------------------------------
# The permission table: noun → action → roles. Apps extend it from their access.py with `register`.

_EVERY_SIGNED_IN = frozenset(value for value in Role.values() if value != Role.PUBLIC)
_PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {}


def register(noun: str, actions: dict[str, Iterable[str]]) -> None:
    table = _PERMISSIONS.setdefault(noun, {})
    for action, roles in actions.items():
        table[action] = frozenset(roles)


def can(user: Any, action: str, noun: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        roles_for_public = _PERMISSIONS.get(noun, {}).get(action, frozenset())
        return Role.PUBLIC in roles_for_public
    table = _PERMISSIONS.get(noun)
    if table is None:
        raise LookupError(f"no permissions registered for {noun!r}")
    allowed = table.get(action, frozenset())
    if user.is_superuser and user.role not in Role.ENTERPRISE:
        return True
    return user.role in allowed


def require(user: Any, action: str, noun: str) -> None:
    if not can(user, action, noun):
        raise PermissionDenied()


# ---------------------------------------------------------------------------------------------------------------


def scope_q(model: type[models.Model], scope: Scope) -> Q | None:
    """The filter for a scope on a model; None means "no restriction"."""
    scoping: Scoping | None = getattr(model, "scoping", None)
    if scoping is None:
        raise LookupError(f"{model.__name__} declares no scoping; it cannot be read through the access door")
    if scope.kind == ALL:
        return None
    if scope.kind == NONE:
        return Q(pk__in=[])
    if scope.kind == ENTERPRISE:
        if scoping.enterprise is None:
            return Q(pk__in=[])
        return Q(**{scoping.enterprise: scope.enterprise_id})
    region_q = (
        Q(**{scoping.region + "__startswith": scope.region_prefix})
        if scope.region_prefix and not prefix_covers_everything(scope.region_prefix)
        else Q()
    )
    if scope.kind == REGION:
        return region_q if region_q else None
    # An industry department sees, within its region, the enterprises in the sectors it regulates and those that
    # name it among their regulating departments, and what belongs to them.
    if scoping.enterprise is not None:
        q = Q(**{scoping.enterprise + "__in": department_enterprises(scope)})
        if scoping.category is not None:
            # A record tied to no registered enterprise (a road accident of private vehicles) goes by its category.
            q |= Q(**{scoping.enterprise + "__isnull": True, scoping.category + "__in": sorted(scope.sectors)})
        return region_q & q
    if scoping.category is not None:
        return region_q & Q(**{scoping.category + "__in": sorted(scope.sectors)})
    return Q(pk__in=[])


_COVERS: dict[str, tuple[float, bool]] = {}


def prefix_covers_everything(prefix: str) -> bool:
    """Whether every county-level region of this deployment lies under `prefix` (a city deployment's city).

    Then a city-wide scope needs no filter at all, which keeps city dashboards and deep list pages on their
    indexes. Cached for a minute per process: regions change rarely.
    """
    import time

    now = time.monotonic()
    cached = _COVERS.get(prefix)
    if cached is not None and now - cached[0] < 60:
        return cached[1]
    from ansheng.core.models import Region

    covers = not Region.objects.filter(level__in=["county", "township"]).exclude(code__startswith=prefix).exists()
    _COVERS[prefix] = (now, covers)
    return covers


def forget_region_coverage(**_kwargs: Any) -> None:
    _COVERS.clear()


def department_enterprises(scope: Scope) -> QuerySet:
    from ansheng.enterprises.models import Enterprise

    regulated = Enterprise.regulators.through.objects.filter(organisation_id=scope.organisation_id).values(
        "enterprise_id"
    )
    return Enterprise.objects.filter(
        Q(category__in=sorted(scope.sectors)) | Q(pk__in=regulated), county__code__startswith=scope.region_prefix
    ).values("pk")


def restrict(queryset: QuerySet[M], user: Any, action: str = "view", noun: str | None = None) -> QuerySet[M]:
    """The part of `queryset` the user may see (and, for another action, act on)."""
    if noun is not None and not can(user, action, noun):
        return queryset.none()
    scope = scope_for(user)
    q = scope_q(queryset.model, scope)
    scoping: Scoping = queryset.model.scoping  # type: ignore[attr-defined]
    if scoping.owner and getattr(user, "is_authenticated", False):
        own = Q(**{scoping.owner: user.pk})
        q = own if q is None else (q | own)
    return queryset if q is None else queryset.filter(q)


def get_for(
    user: Any,
    queryset: QuerySet[M] | type[M],
    pk: Any,
    action: str = "view",
    noun: str | None = None,
    *,
    lock: bool = False,
) -> M:
    """One record the user may see, or NotFound; PermissionDenied when visible but the action is not theirs."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    visible = restrict(queryset, user, "view")
    if lock:
        visible = visible.select_for_update()
    try:
        obj = visible.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if noun is not None and not can(user, action, noun):
        if not can(user, "view", noun):
            raise NotFound()
        raise PermissionDenied()
    return obj


def visible_regions(user: Any) -> QuerySet:
    """The county-level regions a user may pick from (for filters and forms)."""
    from ansheng.core.choices import RegionLevel
    from ansheng.core.models import Region

    scope = scope_for(user)
    regions = Region.objects.filter(level=RegionLevel.COUNTY)
    if scope.kind == ALL:
        return regions
    if scope.kind in {REGION, DEPARTMENT}:
        return regions.filter(code__startswith=scope.region_prefix)
    if scope.kind == ENTERPRISE:
        from ansheng.enterprises.models import Enterprise

        return regions.filter(code__in=Enterprise.objects.filter(pk=scope.enterprise_id).values("county_id"))
    return regions.none()


register(
    "changelog",
    {"view": {Role.CITY_ADMIN, Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR, Role.DEPARTMENT_SUPERVISOR}},
)
register("audit_event", {"view": {Role.CITY_ADMIN}, "verify": {Role.CITY_ADMIN}})
_ALL_ROLES = frozenset(Role.values())
register("token", {"view": _ALL_ROLES, "create": _ALL_ROLES, "revoke": _ALL_ROLES})
register("job", {"view": _EVERY_SIGNED_IN})
EVERY_SIGNED_IN = _EVERY_SIGNED_IN
register(
    "user",
    {
        "view": {Role.CITY_ADMIN, Role.COUNTY_SUPERVISOR, Role.ENTERPRISE_ADMIN},
        "create": {Role.CITY_ADMIN, Role.COUNTY_SUPERVISOR, Role.ENTERPRISE_ADMIN},
    },
)
