"""Who may do what with risks and inspection tasks (the jurisdiction itself is decided in ansheng.core.access)."""

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
REGULATORS = VIEWERS - {Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_STAFF}
# Who does checklists (and sees 我的排查任务).
PERFORMERS = {Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_STAFF}

access.register(
    "risk",
    {
        "view": VIEWERS,
        # 自辨自评自控: the enterprise identifies, assesses and controls its own risks; regulators read.
        "create": {Role.ENTERPRISE_ADMIN},
        "change": {Role.ENTERPRISE_ADMIN},
        "assess": {Role.ENTERPRISE_ADMIN},
    },
)
access.register(
    "inspection",
    {
        "view": VIEWERS,
        "create": {Role.ENTERPRISE_ADMIN},
        "change": {Role.ENTERPRISE_ADMIN},
        # Doing the checklist: the assignees (staff or administrators) of the enterprise.
        "perform": PERFORMERS,
    },
)
access.register("risk_colour", {"view": VIEWERS})
