from django.utils.translation import gettext_lazy as _

from ansheng.core.registry import NavItem, PlatformApp


class CalcConfig(PlatformApp):
    """The three doors on the rules library: `ansheng calc`, `/api/v1/calc` and the calculator pages at `/calc/`."""

    default = True
    name = "ansheng.calc"
    label = "calc"
    verbose_name = _("计算器")
    url_prefix = "calc/"
    api_prefix = "/calc"
    nav = (NavItem(_("计算器"), "calc:index", order=800),)
    cli_commands = "ansheng.calc.cli"
