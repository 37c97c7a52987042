from django.utils.translation import gettext_lazy as _

from ansheng.core.registry import NavItem, PlatformApp


class CoreConfig(PlatformApp):
    default = True
    name = "ansheng.core"
    label = "core"
    verbose_name = _("平台")
    url_prefix = ""
    api_prefix = ""
    nav = (
        NavItem(_("首页"), "core:home", order=0),
        NavItem(
            _("变更记录"),
            "core:changelog",
            roles=frozenset({"city_admin", "city_supervisor", "county_supervisor", "department_supervisor"}),
            order=900,
        ),
        NavItem(_("审计事件"), "core:events", roles=frozenset({"city_admin"}), order=910),
        NavItem(
            _("用户管理"),
            "core:users",
            roles=frozenset({"city_admin", "county_supervisor", "enterprise_admin"}),
            order=920,
        ),
    )
    workers = ("ansheng.core.workers.JOB_WORKER", "ansheng.core.workers.NOTIFY_WORKER")
    demo_loaders = ((0, "ansheng.core.demo.load_regions_and_organisations"),)
    cli_commands = "ansheng.core.cli"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from ansheng.core.access import forget_region_coverage
        from ansheng.core.models import Region

        post_save.connect(forget_region_coverage, sender=Region, dispatch_uid="region-coverage-save")
        post_delete.connect(forget_region_coverage, sender=Region, dispatch_uid="region-coverage-delete")
