"""The platform's apps in dependency order. An app not present in this build is skipped, so the platform grows
app by app without editing this list. Importing this module reads no settings (the CLI uses it before Django)."""

import importlib.util
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # the `ansheng` package of this build

CANDIDATE_APPS = [
    "ansheng.core",
    "ansheng.enterprises",
    "ansheng.calc",
    "ansheng.risks",
    "ansheng.dangers",
    "ansheng.hazards",
    "ansheng.monitoring",
    "ansheng.accidents",
    "ansheng.indicators",
    "ansheng.maps",
    "ansheng.dashboard",
]


def _present(app: str) -> bool:
    try:
        spec = importlib.util.find_spec(app + ".apps")
    except ModuleNotFoundError:
        return False
    # Only apps of this build: with an editable install of another checkout on the path (several worktrees on one
    # machine), an app missing here would otherwise be borrowed from that checkout.
    return spec is not None and spec.origin is not None and Path(spec.origin).resolve().is_relative_to(_PACKAGE)


def present_apps() -> list[str]:
    return [app for app in CANDIDATE_APPS if _present(app)]
