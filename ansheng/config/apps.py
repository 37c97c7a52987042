"""The platform's apps in dependency order. An app not present in this build is skipped, so the platform grows
app by app without editing this list. Importing this module reads no settings (the CLI uses it before Django)."""

import importlib.util
from pathlib import Path

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


_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _present(app: str) -> bool:
    """Whether the app is part of this build: its package lies inside this `ansheng` directory (an editable
    install elsewhere on the path must not lend apps to another checkout)."""
    try:
        spec = importlib.util.find_spec(app + ".apps")
    except ModuleNotFoundError:
        return False
    return spec is not None and spec.origin is not None and Path(spec.origin).resolve().is_relative_to(_PACKAGE_DIR)


def present_apps() -> list[str]:
    return [app for app in CANDIDATE_APPS if _present(app)]
