"""Who may do what with major hazard sources (the jurisdiction itself is decided in ansheng.core.access)."""

from ansheng.core import access
from ansheng.core.choices import Role

VIEWERS = {
    Role.CITY_ADMIN,
    Role.CITY_SUPERVISOR,
    Role.COUNTY_SUPERVISOR,
    Role.DEPARTMENT_SUPERVISOR,
    Role.INSPECTOR,
    Role.EXPERT,
    Role.ENTERPRISE_ADMIN,
    Role.ENTERPRISE_STAFF,
}

access.register(
    "hazard_source",
    {
        "view": VIEWERS,
        # The enterprise identifies and grades its own units; the city administrator may correct a record.
        "create": {Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN},
        "change": {Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN},
        # 包保 checks are recorded by the enterprise's people (the operating person is often staff).
        "check": {Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_STAFF},
        # 备案: the enterprise submits, the county bureau reviews (the city administrator may act for it).
        "submit": {Role.ENTERPRISE_ADMIN},
        "review": {Role.COUNTY_SUPERVISOR, Role.CITY_ADMIN},
    },
)
