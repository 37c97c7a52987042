"""The platform's apps in dependency order. An app not present in this build is skipped, so the platform grows
app by app without editing this list. Importing this module reads no settings (the CLI uses it before Django)."""

import importlib.util

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
        return importlib.util.find_spec(app + ".apps") is not None
    except ModuleNotFoundError:
        return False


def present_apps() -> list[str]:
    return [app for app in CANDIDATE_APPS if _present(app)]
