from django.utils.translation import gettext_lazy as _

from ansheng.core.registry import NavItem, PlatformApp
from ansheng.monitoring.access import VIEWERS


class MonitoringConfig(PlatformApp):
    default = True
    name = "ansheng.monitoring"
    label = "monitoring"
    verbose_name = _("监测预警")
    url_prefix = "monitoring/"
    api_prefix = "/monitoring"
    nav = (
        NavItem(_("报警看板"), "monitoring:alarms", roles=frozenset(VIEWERS), order=31),
        NavItem(_("在线监测"), "monitoring:overview", roles=frozenset(VIEWERS), order=32),
    )
    home_panels = ("ansheng.monitoring.views.home_panel",)
    workers = (
        "ansheng.monitoring.workers.SWEEP",
        "ansheng.monitoring.workers.NOTIFY",
        "ansheng.monitoring.workers.ROLLUP",
        "ansheng.monitoring.workers.MQTT",
        "ansheng.monitoring.workers.SIMULATOR",
    )
    demo_loaders = ((75, "ansheng.monitoring.demo.load_monitoring"),)
    cli_commands = "ansheng.monitoring.cli"
    map_layers = (("alarms", "ansheng.monitoring.maps.alarms_layer"),)
    dashboard_sources = (
        ("alarms", "ansheng.monitoring.maps.alarms_source"),
        ("online-rates", "ansheng.monitoring.maps.online_rates_source"),
    )

    def ready(self) -> None:
        from ansheng.monitoring import access, conf  # noqa: F401  (registers permissions; checks settings at start)
