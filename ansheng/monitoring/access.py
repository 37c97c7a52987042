"""Who may do what with monitoring points, readings, alarms and gateway tokens (jurisdiction: ansheng.core.access)."""

from ansheng.core import access
from ansheng.core.choices import Role

GOVERNMENT_VIEWERS = {
    Role.CITY_ADMIN,
    Role.CITY_SUPERVISOR,
    Role.COUNTY_SUPERVISOR,
    Role.DEPARTMENT_SUPERVISOR,
    Role.INSPECTOR,
    Role.EXPERT,
}
VIEWERS = GOVERNMENT_VIEWERS | {Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_STAFF}

access.register(
    "monitoring_point",
    {
        "view": VIEWERS,
        # The enterprise keeps its own points and thresholds; the city administrator may correct them.
        "change": {Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN},
        "maintain": {Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN},
    },
)
access.register(
    "alarm",
    {
        "view": VIEWERS,
        # Acknowledging says "seen, on it": the enterprise on duty, or the county/city once it has reached them.
        "acknowledge": {
            Role.ENTERPRISE_ADMIN,
            Role.ENTERPRISE_STAFF,
            Role.COUNTY_SUPERVISOR,
            Role.CITY_SUPERVISOR,
            Role.CITY_ADMIN,
        },
        # Shelving silences an alarm for a while: an operator's decision, with a reason and an expiry.
        "shelve": {Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN},
        # Closing needs the handling feedback, which only the enterprise can give.
        "close": {Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_STAFF},
    },
)
access.register(
    "rejection",
    {"view": GOVERNMENT_VIEWERS - {Role.EXPERT} | {Role.ENTERPRISE_ADMIN}},
)
access.register("gateway_token", {"manage": {Role.ENTERPRISE_ADMIN, Role.CITY_ADMIN}})
access.register("monitoring_stats", {"view": VIEWERS - {Role.ENTERPRISE_STAFF}})
