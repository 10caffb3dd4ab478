"""Arabic and English: complete catalogue, compiled .mo matching .po, lang and dir on pages."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.test import Client

import insaf.web

LOCALE = Path(insaf.web.__file__).parent / "locale" / "ar" / "LC_MESSAGES"
TEMPLATES = Path(insaf.web.__file__).parent


def test_arabic_catalogue_is_complete() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.percent_translated() == 100
    assert not [e.msgid for e in po if "fuzzy" in e.flags]
    for entry in po:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == 6  # Arabic has six plural forms
        else:
            assert re.search("[\u0600-\u06ff]", entry.msgstr) or entry.msgid == entry.msgstr, (
                entry.msgid
            )


def test_committed_mo_matches_po() -> None:
    """The .mo is committed (no gettext needed at run time); it must say what the .po says."""
    po = polib.pofile(str(LOCALE / "django.po"))
    with (LOCALE / "django.mo").open("rb") as f:
        mo = gettext.GNUTranslations(f)
    for entry in po:
        if entry.msgid_plural:
            for n, form in ((0, 0), (1, 1), (2, 2), (5, 3), (11, 4), (100, 5)):
                assert mo.ngettext(entry.msgid, entry.msgid_plural, n) == entry.msgstr_plural[form]
        else:
            assert mo.gettext(entry.msgid) == entry.msgstr, entry.msgid
    assert mo.info()["plural-forms"].startswith("nplurals=6")


def test_every_template_string_is_in_the_catalogue() -> None:
    po = {e.msgid for e in polib.pofile(str(LOCALE / "django.po"))}
    pattern = re.compile(r'{%\s*translate\s+"([^"]+)"')
    for template in TEMPLATES.rglob("*.html"):
        for msgid in pattern.findall(template.read_text(encoding="utf-8")):
            assert msgid.replace("%", "%%") in po or msgid in po, f"{template.name}: {msgid}"


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_html_lang_and_dir(observatory: None, client: Client, lang: str, direction: str) -> None:
    for path in [
        "",
        "frameworks/",
        "indicators/POV_NAT/",
        "furthest-behind/",
        "search/?q=x",
        "downloads/",
    ]:
        html = client.get(f"/{lang}/{path}", HTTP_HOST="127.0.0.1").content.decode()
        assert f'<html lang="{lang}" dir="{direction}">' in html, path
        other = "en" if lang == "ar" else "ar"
        assert 'id="language-switch"' in html and f'href="/{other}/' in html


def test_arabic_pages_are_in_arabic(observatory: None, client: Client) -> None:
    html = client.get(
        "/ar/indicators/POV_NAT/?breakdown=sex", HTTP_HOST="127.0.0.1"
    ).content.decode()
    for text in (
        "الأكثر تخلفاً عن الركب",
        "نسبة الفقر عند خط الفقر الوطني",
        "النساء والفتيات",
        "فترة الثقة 95%",
    ):
        assert text in html
    assert "Furthest behind" not in html


def test_user_text_has_dir_auto(observatory: None, client: Client) -> None:
    html = client.get("/ar/search/?q=فقر", HTTP_HOST="127.0.0.1").content.decode()
    assert 'name="q" value="فقر" dir="auto"' in html
