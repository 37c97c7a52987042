"""Shared test fixtures: a small city (two counties), organisations, enterprises and one user per persona.

Every persona is created through the services, as in production. Tests name personas after who they are
(`county_a`, `county_b`, `ent_admin`, …) so a test reads like the rule it checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ansheng.core.choices import OrganisationKind, RegionLevel, Role

PASSWORD = "Correct-Horse-42"  # noqa: S105  (the test personas' password)
COUNTY_A = "511102"  # 市中区
COUNTY_B = "511112"  # 五通桥区


def credit_code(seed: int, county: str = COUNTY_A) -> str:
    """A valid 统一社会信用代码 for tests, distinct per seed."""
    from ansheng.domain.codes import make_credit_code

    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    body = f"{seed:08d}"[-8:]
    check = 11 - sum(int(ch, 36) * w for ch, w in zip(body, weights, strict=True)) % 11
    return make_credit_code("91" + county + body + {10: "X", 11: "0"}.get(check, str(check)))


@dataclass
class World:
    regions: dict[str, Any] = field(default_factory=dict)
    orgs: dict[str, Any] = field(default_factory=dict)
    enterprises: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    from ansheng.core.models import Organisation, Region
    from ansheng.core.services import do_create_user
    from ansheng.enterprises.services import do_create_enterprise

    world = World()
    province = Region.objects.create(code="510000", name="四川省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="511100", name="乐山市", level=RegionLevel.CITY, parent=province)
    a = Region.objects.create(
        code=COUNTY_A,
        name="市中区",
        level=RegionLevel.COUNTY,
        parent=city,
        longitude=Decimal("103.7613"),
        latitude=Decimal("29.5554"),
    )
    b = Region.objects.create(
        code=COUNTY_B,
        name="五通桥区",
        level=RegionLevel.COUNTY,
        parent=city,
        longitude=Decimal("103.818"),
        latitude=Decimal("29.4062"),
    )
    town_a = Region.objects.create(code="511102101", name="牟子镇", level=RegionLevel.TOWNSHIP, parent=a)
    world.regions.update(city=city, a=a, b=b, town_a=town_a)
    city_bureau = Organisation.objects.create(
        code="ema-511100", name="乐山市应急管理局", kind=OrganisationKind.BUREAU, region=city
    )
    bureau_a = Organisation.objects.create(
        code=f"ema-{COUNTY_A}", name="市中区应急管理局", kind=OrganisationKind.BUREAU, region=a
    )
    bureau_b = Organisation.objects.create(
        code=f"ema-{COUNTY_B}", name="五通桥区应急管理局", kind=OrganisationKind.BUREAU, region=b
    )
    transport = Organisation.objects.create(
        code="dept-transport",
        name="乐山市交通运输局",
        kind=OrganisationKind.DEPARTMENT,
        region=city,
        sectors=["road_transport"],
    )
    housing = Organisation.objects.create(
        code="dept-housing",
        name="乐山市住房和城乡建设局",
        kind=OrganisationKind.DEPARTMENT,
        region=city,
        sectors=["construction"],
    )
    park = Organisation.objects.create(code="park-b", name="五通桥新型化工园区", kind=OrganisationKind.PARK, region=b)
    world.orgs.update(
        city_bureau=city_bureau, bureau_a=bureau_a, bureau_b=bureau_b, transport=transport, housing=housing, park=park
    )

    def user(name: str, role: str, **kw: Any) -> Any:
        created = do_create_user(
            acting_user=None, username=name, password=PASSWORD, role=role, full_name=name, check_password=False, **kw
        )
        world.users[name] = created
        return created

    admin = user("city_admin", Role.CITY_ADMIN, region=city, organisation=city_bureau)
    user("city", Role.CITY_SUPERVISOR, region=city, organisation=city_bureau)
    user("county_a", Role.COUNTY_SUPERVISOR, region=a, organisation=bureau_a)
    user("county_b", Role.COUNTY_SUPERVISOR, region=b, organisation=bureau_b)
    user("dept_transport", Role.DEPARTMENT_SUPERVISOR, organisation=transport)
    user("inspector", Role.INSPECTOR, region=city, organisation=city_bureau)
    user("expert", Role.EXPERT, region=city)
    user("public", Role.PUBLIC)

    def enterprise(key: str, seed: int, county: Any, category: str, **extra: Any) -> Any:
        data = {
            "credit_code": credit_code(seed, county.code),
            "name": extra.pop("name", f"测试{key}有限公司"),
            "county": county,
            "category": category,
            "longitude": county.longitude,
            "latitude": county.latitude,
            **extra,
        }
        created = do_create_enterprise(acting_user=admin, data=data)
        world.enterprises[key] = created
        return created

    chem = enterprise(
        "chem_b",
        1,
        b,
        "chem_production",
        name="乐山市五通桥测试化工有限公司",
        park=park,
        employees=300,
        is_above_scale=True,
    )
    enterprise("mine_a", 2, a, "metal_mine", name="市中区测试石灰石矿")
    enterprise("transport_a", 3, a, "road_transport", name="乐山市测试运输有限公司")
    enterprise(
        "builder_b", 4, b, "construction", name="乐山市测试建筑工程有限公司", regulators=[transport]
    )  # names the transport department among its regulators
    user("ent_admin", Role.ENTERPRISE_ADMIN, enterprise=chem)
    user("ent_staff", Role.ENTERPRISE_STAFF, enterprise=chem)
    user("other_ent_admin", Role.ENTERPRISE_ADMIN, enterprise=world.enterprises["mine_a"])
    return world
