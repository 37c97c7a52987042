"""Who may do what with hidden dangers (the jurisdiction itself is decided in ansheng.core.access).

Enterprises find, report, grade and rectify their own dangers (自查自报自治); regulators report what they find,
are notified of 重大 dangers, put them under supervision (挂牌督办), answer extension requests and review the
closing of a supervised danger. Who *in the enterprise* may act (the responsible person starts and submits, someone
other than the rectifier accepts) is checked by the services.
"""

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
ENTERPRISE = {Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_STAFF}
BUREAU = {Role.COUNTY_SUPERVISOR, Role.CITY_SUPERVISOR, Role.CITY_ADMIN}

access.register(
    "hidden_danger",
    {
        "view": VIEWERS,
        "report": ENTERPRISE | BUREAU | {Role.INSPECTOR, Role.DEPARTMENT_SUPERVISOR},
        "grade": {Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN},
        "assign": {Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN},
        "rectify": ENTERPRISE,
        "accept": ENTERPRISE | {Role.COUNTY_SUPERVISOR, Role.INSPECTOR},
        "close": {Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN},
        "extend": ENTERPRISE,
        "supervise": BUREAU,
        "export": VIEWERS,
    },
)
