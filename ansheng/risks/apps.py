from django.utils.translation import gettext_lazy as _

from ansheng.core.registry import NavItem, PlatformApp
from ansheng.risks.access import PERFORMERS, REGULATORS, VIEWERS


class RisksConfig(PlatformApp):
    default = True
    name = "ansheng.risks"
    label = "risks"
    verbose_name = _("风险分级管控")
    url_prefix = "risks/"
    api_prefix = "/risk-events"
    nav = (
        NavItem(_("风险分级管控"), "risks:objects", roles=frozenset(VIEWERS), order=26),
        NavItem(_("风险监管"), "risks:overview", roles=frozenset(REGULATORS), order=27),
        NavItem(_("我的排查任务"), "risks:mine", roles=frozenset(PERFORMERS), order=24),
    )
    home_panels = ("ansheng.risks.views.home_panel",)
    workers = ("ansheng.risks.workers.RISKS",)
    demo_loaders = ((72, "ansheng.risks.demo.load"),)
    dashboard_sources = (("risk-distribution", "ansheng.risks.dashboard.risk_distribution"),)
    enterprise_colours = "ansheng.risks.colour.enterprise_colours"

    def ready(self) -> None:
        from ansheng.risks import access, conf  # noqa: F401  (registers permissions; checks settings at start)
