"""Who may do what on the map and with risk sources (the jurisdiction itself is decided in ansheng.core.access).

* `map`: the risk map. Government users see their jurisdiction; enterprise users see the map of their own
  enterprise (every layer is restricted through the access door, so an enterprise's map holds its own records).
* `risk_source`: risk sources that are not enterprises. Regulators register and edit them within their
  jurisdiction; an industry department those of the kinds it supervises.
* `source_hazard`: hazards on a risk source and their supervised rectification.
"""

from ansheng.core import access
from ansheng.core.choices import Role

GOVERNMENT = {
    Role.CITY_ADMIN,
    Role.CITY_SUPERVISOR,
    Role.COUNTY_SUPERVISOR,
    Role.DEPARTMENT_SUPERVISOR,
    Role.INSPECTOR,
    Role.EXPERT,
}
EDITORS = {Role.CITY_ADMIN, Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR, Role.DEPARTMENT_SUPERVISOR}

access.register(
    "map",
    {
        "view": GOVERNMENT | {Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_STAFF},
        "export": GOVERNMENT | {Role.ENTERPRISE_ADMIN},
    },
)
access.register(
    "risk_source",
    {
        "view": GOVERNMENT,
        "create": EDITORS,
        "change": EDITORS,
        "delete": {Role.CITY_ADMIN, Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR},
        "export": GOVERNMENT,
    },
)
access.register(
    "source_hazard",
    {
        "view": GOVERNMENT,
        "create": EDITORS | {Role.INSPECTOR},
        "rectify": EDITORS,
        "reopen": EDITORS | {Role.INSPECTOR},
    },
)
