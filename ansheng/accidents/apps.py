from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import Role
from ansheng.core.registry import NavItem, PlatformApp


class AccidentsConfig(PlatformApp):
    default = True
    name = "ansheng.accidents"
    label = "accidents"
    verbose_name = _("生产安全事故")
    url_prefix = "accidents/"
    api_prefix = "/accidents"
    nav = (
        NavItem(
            _("事故报告"),
            "accidents:list",
            roles=frozenset(
                {
                    Role.CITY_ADMIN,
                    Role.CITY_SUPERVISOR,
                    Role.COUNTY_SUPERVISOR,
                    Role.DEPARTMENT_SUPERVISOR,
                    Role.INSPECTOR,
                    Role.EXPERT,
                    Role.ENTERPRISE_ADMIN,
                    Role.ENTERPRISE_STAFF,
                }
            ),
            order=60,
        ),
    )
    home_panels = ("ansheng.accidents.views.home_panel",)
    workers = ("ansheng.accidents.workers.CLOCK_WORKER",)
    demo_loaders = ((60, "ansheng.accidents.demo.load_accidents"),)
    map_layers = (("accidents", "ansheng.accidents.maps.accident_layer"),)
    dashboard_sources = (("accidents", "ansheng.accidents.dashboard.accident_source"),)

    def ready(self) -> None:
        from ansheng.accidents import access  # noqa: F401  (registers the permission table)
