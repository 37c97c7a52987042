from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import Role
from ansheng.core.registry import NavItem, PlatformApp
from ansheng.dangers.access import VIEWERS

GOVERNMENT = frozenset(
    {Role.CITY_ADMIN, Role.CITY_SUPERVISOR, Role.COUNTY_SUPERVISOR, Role.DEPARTMENT_SUPERVISOR, Role.INSPECTOR}
)


class DangersConfig(PlatformApp):
    default = True
    name = "ansheng.dangers"
    label = "dangers"
    verbose_name = _("隐患排查治理")
    url_prefix = "dangers/"
    api_prefix = "/hidden-dangers"
    nav = (
        NavItem(_("隐患治理"), "dangers:list", roles=frozenset(VIEWERS), order=25),
        NavItem(_("重大隐患"), "dangers:major", roles=GOVERNMENT, order=26),
    )
    workers = ("ansheng.dangers.workers.DEADLINE_WORKER",)
    demo_loaders = ((75, "ansheng.dangers.demo.load_hidden_dangers"),)
    map_layers = (("hidden-dangers", "ansheng.dangers.maps.hidden_dangers_layer"),)
    dashboard_sources = (("major-dangers", "ansheng.dangers.dashboard.major_dangers"),)

    def ready(self) -> None:
        from ansheng.dangers import access, conf  # noqa: F401  (registers permissions; checks settings at start)
