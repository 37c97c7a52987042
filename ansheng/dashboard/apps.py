from django.utils.translation import gettext_lazy as _

from ansheng.core.registry import NavItem, PlatformApp

VIEWERS = frozenset(
    {"city_admin", "city_supervisor", "county_supervisor", "department_supervisor", "inspector", "expert"}
)


class DashboardConfig(PlatformApp):
    """The command dashboard (大屏): read-only, it draws the panels other apps' dashboard sources return."""

    default = True
    name = "ansheng.dashboard"
    label = "dashboard"
    verbose_name = _("指挥大屏")
    url_prefix = "dashboard/"
    api_prefix = "/dashboard"
    nav = (NavItem(_("指挥大屏"), "dashboard:city", roles=VIEWERS, order=15),)
    dashboard_sources = (("registry", "ansheng.dashboard.sources.registry"),)

    def ready(self) -> None:
        from ansheng.dashboard import access  # noqa: F401  (registers the permission table)
