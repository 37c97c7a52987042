"""The English catalogue: current with the source, complete, consistent with its compiled .mo, and used.

A string added to the code without running `scripts/i18n` fails `test_the_catalogue_is_current`; a string extracted
but not yet translated (or marked fuzzy by msgmerge) fails `test_every_string_is_translated`. See
docs/translations.md.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[2]
LOCALE = PACKAGE / "locale"
MESSAGES = LOCALE / "en" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
# The same exclusions as scripts/i18n (nothing in them is shown to users).
IGNORE = ["tests/*", "*/tests/*", "domain/*", "*/migrations/*", "locale/*"]
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true"}


# --- a small reader of the .po format (what makemessages writes) --------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, header included (msgid ""); obsolete entries (#~) are left out."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None
    started = False

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started:
                finish()
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if started:
                finish()
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            keyword, index, text = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and started and target and target[0] == "msgstr":
                finish()
            started = True
            target = (keyword, int(index) if index is not None else None)
        else:
            assert target is not None and line.startswith('"'), f"{path}: cannot read {raw!r}"
            keyword, text = target[0], _unquote(line)
        number = target[1]
        if keyword == "msgid":
            current.msgid += text
        elif keyword == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + text
        elif keyword == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + text
        else:
            slot = number or 0
            current.msgstr[slot] = current.msgstr.get(slot, "") + text
    finish()
    return entries


def catalogue(domain: str) -> list[Entry]:
    path = MESSAGES / f"{domain}.po"
    assert path.exists(), f"{path} is missing: run scripts/i18n"
    return read_po(path)


def messages(domain: str) -> list[Entry]:
    return [entry for entry in catalogue(domain) if entry.msgid]


# --- the catalogue itself --------------------------------------------------------------------------------------------


def _extract(tmp_path: Path, domain: str) -> set[str]:
    """The msgids makemessages finds in the source now, extracted into a scratch copy of the package."""
    if shutil.which("xgettext") is None:
        if IN_CI:
            pytest.fail("GNU gettext (xgettext) is missing: apt-get install gettext")
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "ansheng"

    def ignore(directory: str, names: list[str]) -> set[str]:
        keep = {".py", ".html", ".txt", ".js"}
        return {
            name
            for name in names
            if name in {"__pycache__", "locale"} or (Path(directory, name).is_file() and Path(name).suffix not in keep)
        }

    shutil.copytree(PACKAGE, copy, ignore=ignore)
    (copy / "locale").mkdir()
    cwd = Path.cwd()
    try:
        os.chdir(copy)
        with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
            call_command(
                "makemessages", locale=["en"], domain=domain, ignore_patterns=IGNORE, add_location="file", verbosity=0
            )
    finally:
        os.chdir(cwd)
    extracted = copy / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
    return {entry.key for entry in read_po(extracted) if entry.msgid} if extracted.exists() else set()


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_catalogue_is_current(domain, tmp_path):
    in_source = _extract(tmp_path, domain)
    committed = {entry.key for entry in messages(domain)}
    missing = sorted(in_source - committed)
    stale = sorted(committed - in_source)
    assert not missing, f"{len(missing)} strings are not in {domain}.po, run scripts/i18n: {missing[:10]}"
    assert not stale, f"{len(stale)} strings of {domain}.po are no longer used, run scripts/i18n: {stale[:10]}"


def test_the_data_strings_are_current():
    from ansheng.core import i18n_data

    assert i18n_data.OUTPUT.read_text(encoding="utf-8") == i18n_data.module_text(), "run scripts/i18n"
    assert "物体打击" in i18n_data.strings()  # GB 6441-1986, which gives no English names
    assert "火灾" not in i18n_data.strings() or "火灾" in {e.msgid for e in messages("django")}


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_string_is_translated(domain):
    entries = messages(domain)
    assert len(entries) > (1000 if domain == "django" else 20)  # the reader really read the catalogue
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    empty = [entry.msgid for entry in entries if not all(entry.msgstr.values()) or not entry.msgstr]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries in {domain}.po (check, then drop the fuzzy flag): {fuzzy[:10]}"
    assert not empty, f"{len(empty)} untranslated strings in {domain}.po: {empty[:10]}"
    plurals = [entry for entry in entries if entry.msgid_plural]
    assert all(set(entry.msgstr) == {0, 1} for entry in plurals)


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_english_has_no_chinese_left(domain):
    # Chinese quoted on purpose (a value the user must type, a county's name as an example) is allowed in quotes.
    leftovers = []
    for entry in messages(domain):
        for text in entry.msgstr.values():
            unquoted = re.sub(r"“[^”]*”|\([^)]*\)|安生", "", text)
            if CJK.search(unquoted):
                leftovers.append((entry.msgid, text))
    assert not leftovers, leftovers[:10]


_PRINTF = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_BRACE = re.compile(r"\{[^{}]*\}")


def _placeholders(text: str, flags: set[str]) -> tuple[list[str], list[str]]:
    # xgettext flags every string with a placeholder; an unflagged one is plain text, where "%" means percent.
    printf = _PRINTF.findall(text) if flags & {"python-format", "c-format", "javascript-format"} else []
    named = sorted(p for p in printf if p.startswith("%("))
    positional = [p for p in printf if not p.startswith("%(")]
    brace = sorted(_BRACE.findall(text)) if "python-brace-format" in flags else []
    return named + brace, positional


@pytest.mark.parametrize("domain", DOMAINS)
def test_placeholders_are_kept(domain):
    wrong = []
    for entry in messages(domain):
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid_plural]
        expected = _placeholders(sources[0], entry.flags)
        for text in entry.msgstr.values():
            if text and _placeholders(text, entry.flags) != expected:
                wrong.append((entry.msgid, text))
    assert not wrong, wrong[:10]


def test_the_placeholder_check_can_fail():
    flags = {"python-format"}
    assert _placeholders("共 %(n)s 起", flags) != _placeholders("%(count)s accidents", flags)
    assert _placeholders("%s 与 %s", {"javascript-format"}) != _placeholders("%s", {"javascript-format"})
    assert _placeholders("{name}", {"python-brace-format"}) != _placeholders("{nom}", {"python-brace-format"})
    assert _placeholders("上限 50%%", flags) == _placeholders("at most 50%%", flags)


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_compiled_catalogue_matches_the_po(domain):
    """The committed .mo (what the running platform reads) holds exactly the translations of the .po."""
    mo = MESSAGES / f"{domain}.mo"
    assert mo.exists(), f"{mo} is missing: run scripts/i18n"
    assert mo.stat().st_size > 0
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    table = dict(compiled._catalog)  # type: ignore[attr-defined]
    table.pop("", None)
    expected: dict[object, str] = {}
    for entry in messages(domain):
        if "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural is None:
            if entry.msgstr.get(0):
                expected[entry.key] = entry.msgstr[0]
        elif all(entry.msgstr.values()):
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
    differ = sorted(str(key) for key in set(table) | set(expected) if table.get(key) != expected.get(key))
    assert not differ, f"{domain}.mo differs from {domain}.po, run scripts/i18n: {differ[:10]}"
    assert compiled.info().get("language") == "en"


@pytest.mark.parametrize("domain", DOMAINS)
def test_msgfmt_accepts_the_catalogue(domain, tmp_path):
    if shutil.which("msgfmt") is None:
        if IN_CI:
            pytest.fail("GNU gettext (msgfmt) is missing: apt-get install gettext")
        pytest.skip("GNU gettext (msgfmt) is not installed")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(MESSAGES / f"{domain}.po")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_reader_sees_fuzzy_and_empty_entries(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py\n#, fuzzy, python-format\nmsgid "共 %(n)s 起"\nmsgstr "%(n)s accidents"\n\n'
        'msgid ""\n"多行"\n"文本"\nmsgstr ""\n\n'
        'msgid "起"\nmsgid_plural "起"\nmsgstr[0] "accident"\nmsgstr[1] ""\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    header, fuzzy, multiline, plural = read_po(po)
    assert header.msgid == "" and "Language: en" in header.msgstr[0]
    assert fuzzy.flags == {"fuzzy", "python-format"} and fuzzy.msgstr == {0: "%(n)s accidents"}
    assert multiline.msgid == "多行文本" and multiline.msgstr == {0: ""}
    assert plural.msgid_plural == "起" and plural.msgstr == {0: "accident", 1: ""}


# --- the catalogue at work -------------------------------------------------------------------------------------------


def _english_get(client, url):
    client.cookies["ansheng_language"] = "en"
    with translation.override("en"):  # the middleware activates English; do not leave it to later tests
        return client.get(url)


def _navigation(html: str) -> str:
    header = re.search(r'<header class="topbar">.*?</header>', html, re.S)
    nav = re.search(r'<nav id="mainnav".*?</nav>', html, re.S)
    assert header and nav
    text = header.group(0) + nav.group(0)
    # What users typed (their name) is data, not interface; the language names are each in their own language.
    data = r'<a href="[^"]*" class="who">.*?</a>|<option value="zh-hans".*?</option>|安生|安'
    return re.sub(data, "", text, flags=re.S)


@pytest.mark.parametrize("persona", ["city_admin", "county_a", "ent_admin"])
def test_pages_render_in_english(world, client_for, persona):
    client = client_for(world.users[persona])
    home = _english_get(client, "/")
    assert home.status_code == 200
    page = home.content.decode()
    assert '<html lang="en">' in page
    assert "Log out" in page and "Home" in page
    assert not CJK.search(_navigation(page)), _navigation(page)
    listing = _english_get(client, "/enterprises/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Unified social credit code" in page or "Enterprise name" in page
    assert not CJK.search(_navigation(page)), _navigation(page)


_LABELS = re.compile(r"<(h2|th|dt|label|button)\b[^>]*>(.*?)</\1>", re.S)


def _labels(html: str) -> list[str]:
    """The interface's own words on a page: section titles, table heads, field labels, buttons (not the data)."""
    return [re.sub(r"<[^>]+>", "", m.group(2)).strip() for m in _LABELS.finditer(html)]


def test_the_dual_prevention_pages_render_in_english(world, client_for):
    from ansheng.core.models import Region
    from ansheng.dangers.tests import helpers
    from ansheng.risks.tests import factories

    obj, _unit, event, _measure = factories.risk_point(world, level="major")
    factories.task(world, obj)
    general = helpers.walk(world, "closed")
    major = helpers.walk(world, "rectifying", grade="major")
    pages = {
        "city": [
            "/risks/",
            "/risks/overview/",
            "/risks/events/",
            "/risks/posts/",
            f"/risks/{obj.pk}/",
            f"/risks/events/{event.pk}/",
            "/dangers/",
            "/dangers/major/",
            "/dangers/stats/",
            f"/dangers/{general.pk}/",
            f"/dangers/{major.pk}/",
        ],
        "ent_admin": ["/", "/risks/new/", f"/risks/{obj.pk}/tasks/new/", "/dangers/m/report/"],
        "ent_staff": [f"/risks/m/{obj.qr_token}/"],
    }
    places = set(Region.objects.values_list("name", flat=True))  # the counties heading a row are data
    for persona, urls in pages.items():
        client = client_for(world.users[persona])
        for url in urls:
            response = _english_get(client, url)
            assert response.status_code == 200, url
            page = response.content.decode()
            assert not CJK.search(_navigation(page)), (url, _navigation(page))
            chinese = [text for text in _labels(page) if CJK.search(text) and text not in places]
            assert not chinese, (url, chinese)
    detail = _english_get(client_for(world.users["city"]), f"/risks/events/{event.pk}/").content.decode()
    assert "poisoning (WSA10023)" in detail  # the GB 6441-2025 type in English, not 中毒
    plan = _english_get(client_for(world.users["city"]), f"/dangers/{major.pk}/").content.decode()
    assert "Goals and tasks of the governance" in plan and "治理的目标和任务" not in plan


def test_chinese_stays_the_default(world, client_for):
    page = client_for(world.users["city_admin"]).get("/").content.decode()
    assert '<html lang="zh-CN">' in page and "退出" in page and "Log out" not in page


def test_the_script_catalogue_follows_the_language(client):
    client.cookies["ansheng_language"] = "en"
    with translation.override("en"):
        english = client.get("/jsi18n/").content.decode("utf-8")
    assert "Network error" in english and "\\u7f51\\u7edc\\u9519\\u8bef" in english  # 网络错误 → Network error
    client.cookies["ansheng_language"] = "zh-hans"
    assert "Network error" not in client.get("/jsi18n/").content.decode("utf-8")


# --- API errors: Chinese by default, English on request --------------------------------------------------------------


def test_api_errors_speak_both_languages(world, client_for):
    client = client_for(world.users["city_admin"])
    zh = client.get("/api/v1/enterprises/999999999")
    assert zh.status_code == 404 and zh.json()["message"] == "记录不存在"
    with translation.override("en"):
        en = client.get("/api/v1/enterprises/999999999", HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 404 and en.json() == {"code": "not_found", "message": "Record not found", "field": None}

    with translation.override("en"):
        bad = client.post(
            "/api/v1/enterprises", data="{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert bad.status_code in (400, 422) and not CJK.search(bad.json()["message"]), bad.json()
    assert CJK.search(
        client.post("/api/v1/enterprises", data="{not json", content_type="application/json").json()["message"]
    )


def test_every_error_default_message_has_an_english_translation():
    from ansheng.core import errors

    classes = [errors.AnshengError, *errors.AnshengError.__subclasses__()]
    classes += [sub for cls in list(classes) for sub in cls.__subclasses__()]
    assert len(classes) >= 6
    for cls in set(classes):
        with translation.override("zh-hans"):
            zh = str(cls().message)
        with translation.override("en"):
            en = str(cls().message)
        assert CJK.search(zh), (cls, zh)
        assert en != zh and not CJK.search(en), (cls, en)


def test_domain_errors_carry_both_languages():
    from ansheng.core.errors import from_domain
    from ansheng.domain.errors import DomainError

    error = DomainError("out_of_range", "quantity", "数量应为非负数", "the quantity must not be negative")
    with translation.override("en"):
        assert from_domain(error).as_dict() == {
            "code": "out_of_range",
            "message": "the quantity must not be negative",
            "field": "quantity",
        }
    with translation.override("zh-hans"):
        assert from_domain(error).as_dict()["message"] == "数量应为非负数"


def test_the_data_filters():
    from ansheng.core.templatetags.ansheng_i18n import datatr, local
    from ansheng.domain.accidents import authority

    county = authority("county")
    with translation.override("en"):
        assert datatr("物体打击") == "Struck by object"  # GB 6441-1986, named only in Chinese by the rules library
        assert datatr("某企业自填的名称") == "某企业自填的名称" and datatr(None) is None
        assert local(county) == county.en and local({"zh": "原因", "en": "reason"}) == "reason"
    with translation.override("zh-hans"):
        assert datatr("物体打击") == "物体打击" and local(county) == county.zh


@pytest.mark.parametrize("persona", ["city", "county_a", "ent_admin"])
def test_the_dashboard_panels_keep_the_protocol_in_english(world, persona):
    """English titles and labels must fit the panel protocol's limits (docs/dashboard.md) as the Chinese ones do."""
    from ansheng.dashboard.board import build

    broken = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            panels = build(world.users[persona], None)["panels"]
        broken[language] = {p["source"]: p.get("message") for p in panels if p["kind"] == "error"}
    # No panel breaks the protocol, in either language (an English title over 40 characters, a source returning
    # raw figures instead of a panel, …)
    assert broken == {"zh-hans": {}, "en": {}}
    assert all(not CJK.search(str(p.get("title", ""))) for p in panels if p["kind"] != "missing"), panels
