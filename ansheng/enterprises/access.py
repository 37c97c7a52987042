"""Who may do what with enterprise records (the jurisdiction itself is decided in ansheng.core.access)."""

from ansheng.core import access
from ansheng.core.choices import Role

REGULATORS = {Role.CITY_ADMIN, Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR}

access.register(
    "enterprise",
    {
        "view": {
            Role.CITY_ADMIN,
            Role.CITY_SUPERVISOR,
            Role.COUNTY_SUPERVISOR,
            Role.DEPARTMENT_SUPERVISOR,
            Role.INSPECTOR,
            Role.EXPERT,
            Role.ENTERPRISE_ADMIN,
            Role.ENTERPRISE_STAFF,
        },
        "create": REGULATORS,
        "change": REGULATORS | {Role.ENTERPRISE_ADMIN},
        "import": REGULATORS,
        "export": REGULATORS | {Role.DEPARTMENT_SUPERVISOR, Role.INSPECTOR},
    },
)

# Fields only a regulator sets: what the enterprise is, where it is registered and who regulates it. An
# enterprise administrator keeps the rest of the record (contacts, addresses, location, licences, insurance).
REGULATOR_FIELDS = frozenset(
    {
        "credit_code",
        "name",
        "county",
        "category",
        "status",
        "regulators",
        "is_above_scale",
        "standardisation_level",
        "standardisation_expiry",
    }
)


def editable_fields(user: object, all_fields: set[str]) -> set[str]:
    if getattr(user, "role", None) == Role.ENTERPRISE_ADMIN:
        return all_fields - REGULATOR_FIELDS
    return set(all_fields)
