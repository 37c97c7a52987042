from django.utils.translation import gettext_lazy as _

from ansheng.core.choices import Role
from ansheng.core.registry import NavItem, PlatformApp
from ansheng.hazards.access import VIEWERS


class HazardsConfig(PlatformApp):
    default = True
    name = "ansheng.hazards"
    label = "hazards"
    verbose_name = _("重大危险源")
    url_prefix = "hazards/"
    api_prefix = "/hazard-sources"
    nav = (NavItem(_("重大危险源"), "hazards:list", roles=frozenset(VIEWERS - {Role.PUBLIC}), order=30),)
    home_panels = ("ansheng.hazards.views.home_panel",)
    demo_loaders = ((70, "ansheng.hazards.demo.load_hazard_sources"),)
    map_layers = (("hazard-sources", "ansheng.hazards.maps.hazard_sources_layer"),)

    def ready(self) -> None:
        from ansheng.hazards import access, conf  # noqa: F401  (registers permissions; checks settings at start)
