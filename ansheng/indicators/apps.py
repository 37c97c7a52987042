from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import Role
from ansheng.core.registry import NavItem, PlatformApp

INDICATOR_ROLES = frozenset(
    {Role.CITY_ADMIN, Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR, Role.INSPECTOR, Role.EXPERT}
)


class IndicatorsConfig(PlatformApp):
    default = True
    name = "ansheng.indicators"
    label = "indicators"
    verbose_name = _("安全生产指标")
    url_prefix = "indicators/"
    # The API lives under two prefixes (ROUTERS in api.py): /plans and /statistics.
    api_prefix = "/plans"
    nav = (
        NavItem(_("规划指标"), "indicators:dashboard", roles=INDICATOR_ROLES, order=70),
        NavItem(_("统计报表"), "indicators:reports", roles=INDICATOR_ROLES | {Role.DEPARTMENT_SUPERVISOR}, order=71),
        NavItem(_("统计基础数据"), "indicators:inputs", roles=INDICATOR_ROLES, order=72),
    )
    home_panels = ("ansheng.indicators.views.home_panel",)
    demo_loaders = ((65, "ansheng.indicators.demo.load_statistics_inputs"),)
    dashboard_sources = (("indicators", "ansheng.indicators.dashboard.indicator_source"),)
    cli_commands = "ansheng.indicators.cli"

    def ready(self) -> None:
        from ansheng.indicators import access  # noqa: F401  (registers the permission table)
