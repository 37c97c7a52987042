"""Who may do what with accident records (the jurisdiction itself is decided in ansheng.core.access).

Beyond the role table, two guards live in the services: a link of the reporting chain is recorded by the level
that sends it (the enterprise, the county bureau, the city bureau), and the investigation of a 较大 or higher
accident is the city's (493号令 第十九条: 设区的市级人民政府 and above), so a county supervisor may not open it.
"""

from ansheng.core import access
from ansheng.core.choices import Role

REGULATORS = frozenset({Role.CITY_ADMIN, Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR})
GOVERNMENT_VIEW = REGULATORS | {Role.DEPARTMENT_SUPERVISOR, Role.INSPECTOR, Role.EXPERT}

access.register(
    "accident",
    {
        "view": GOVERNMENT_VIEW | {Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_STAFF},
        "report": REGULATORS | {Role.ENTERPRISE_ADMIN},
        "follow_up": REGULATORS | {Role.ENTERPRISE_ADMIN},
        "correct": REGULATORS | {Role.ENTERPRISE_ADMIN},
        "record_step": REGULATORS | {Role.ENTERPRISE_ADMIN},
        "verify": REGULATORS,
        "withdraw": REGULATORS,
        "investigate": REGULATORS,
        "close": REGULATORS,
        "complete_measure": REGULATORS | {Role.ENTERPRISE_ADMIN},
        "export": GOVERNMENT_VIEW,
    },
)
access.register("accident_statistics", {"view": GOVERNMENT_VIEW, "export": GOVERNMENT_VIEW})
