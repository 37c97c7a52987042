"""Who sees the command dashboard: government users, each within their jurisdiction (a county supervisor their
own county's dashboard only; a county outside it answers 404)."""

from ansheng.core import access
from ansheng.core.choices import Role

access.register(
    "dashboard",
    {
        "view": {
            Role.CITY_ADMIN,
            Role.CITY_SUPERVISOR,
            Role.COUNTY_SUPERVISOR,
            Role.DEPARTMENT_SUPERVISOR,
            Role.INSPECTOR,
            Role.EXPERT,
        }
    },
)
