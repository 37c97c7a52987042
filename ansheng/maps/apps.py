from django.utils.translation import gettext_lazy as _

from ansheng.core.registry import NavItem, PlatformApp

GOVERNMENT = frozenset(
    {"city_admin", "city_supervisor", "county_supervisor", "department_supervisor", "inspector", "expert"}
)


class MapsConfig(PlatformApp):
    default = True
    name = "ansheng.maps"
    label = "maps"
    verbose_name = _("风险一张图")
    url_prefix = "map/"
    api_prefix = "/map"
    nav = (
        NavItem(_("风险一张图"), "maps:map", order=20),
        NavItem(_("其他风险源"), "maps:risk_sources", roles=GOVERNMENT, order=25),
    )
    # The map's own layers, registered like every other app's (the endpoint dispatches by name).
    map_layers = (
        ("counties", "ansheng.maps.layers.counties"),
        ("enterprises", "ansheng.maps.layers.enterprises"),
        ("risk-sources", "ansheng.maps.layers.risk_sources"),
    )
    home_panels = ("ansheng.maps.views.home_panel",)
    dashboard_sources = (("risk-sources", "ansheng.maps.dashboard.risk_sources_panel"),)
    demo_loaders = ((70, "ansheng.maps.demo.load_risk_sources"),)

    def ready(self) -> None:
        from ansheng.maps import access  # noqa: F401  (registers the permission table)
