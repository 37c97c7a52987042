from django.utils.translation import gettext_lazy as _

from ansheng.core.registry import NavItem, PlatformApp


class EnterprisesConfig(PlatformApp):
    default = True
    name = "ansheng.enterprises"
    label = "enterprises"
    verbose_name = _("企业名录")
    url_prefix = "enterprises/"
    api_prefix = "/enterprises"
    nav = (NavItem(_("企业名录"), "enterprises:list", order=10),)
    home_panels = ("ansheng.enterprises.views.home_panel",)
    demo_loaders = ((50, "ansheng.enterprises.demo.load_enterprises"),)
    job_handlers = (("enterprises.import", "ansheng.enterprises.excel.import_job"),)
    cli_commands = "ansheng.enterprises.cli"

    def ready(self) -> None:
        from ansheng.enterprises import access  # noqa: F401  (registers the permission table)
