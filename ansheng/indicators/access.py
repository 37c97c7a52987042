"""Who may see the plan's indicators and keep the statistics inputs (jurisdiction: the region, core.access).

Indicators are region aggregates against a plan; they are shown to the bureaus, inspectors and experts of the
region. Industry departments see the accident statistics of the sectors they regulate (accidents app) but not the
plan's rates, whose numerators would be partial for them.
"""

from ansheng.core import access
from ansheng.core.choices import Role

VIEWERS = frozenset({Role.CITY_ADMIN, Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR, Role.INSPECTOR, Role.EXPERT})
KEEPERS = frozenset({Role.CITY_ADMIN, Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR})

access.register("indicator", {"view": VIEWERS, "export": VIEWERS})
access.register("statistics_input", {"view": VIEWERS, "change": KEEPERS, "import": KEEPERS, "export": VIEWERS})
access.register("safety_report", {"view": VIEWERS | {Role.DEPARTMENT_SUPERVISOR}})
