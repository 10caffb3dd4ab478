"""Arabic and English: complete catalogue, compiled .mo matching .po, lang and dir on pages."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.test import Client

import insaf.cli.i18n
import insaf.i18n
import insaf.web

LOCALE = Path(insaf.web.__file__).parent / "locale" / "ar" / "LC_MESSAGES"
TEMPLATES = Path(insaf.web.__file__).parent


# Arabic's six plural forms (zero, one, two, few, many, other), as CLDR and GNU gettext write them.
ARABIC_PLURALS = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;"
)
# %(name)s, %s, %d, %.1f ... (but not %%) and {name} / {0} / {}.
PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifgeExXr])")
BRACE = re.compile(r"{(\w*)(?:[!:][^{}]*)?}")


CATALOGUES = {
    "platform": LOCALE / "django.po",
    "cli": Path(insaf.cli.i18n.__file__).parent / "locale" / "ar" / "LC_MESSAGES" / "insaf.po",
    "library": insaf.i18n.LOCALE / "ar" / "LC_MESSAGES" / "insaf.po",
}
"""Every Arabic gettext catalogue: the platform's, the command line's and the library's."""


def _catalogue(name: str = "platform") -> polib.POFile:
    return polib.pofile(str(CATALOGUES[name]))


def _placeholders(text: str) -> tuple[list[str], list[str]]:
    """The named placeholders (sorted) and the positional ones (in order) of ``text``."""
    named = sorted(f"%({m[1]}){m[2]}" for m in PERCENT.finditer(text) if m[1])
    named += sorted(f"{{{m[1]}}}" for m in BRACE.finditer(text) if m[1] and not m[1].isdigit())
    positional = [f"%{m[2]}" for m in PERCENT.finditer(text) if not m[1]]
    positional += [f"{{{m[1]}}}" for m in BRACE.finditer(text) if not m[1] or m[1].isdigit()]
    return named, positional


def _lone_percent(text: str) -> bool:
    """A ``%`` that is neither ``%%`` nor a conversion breaks ``%`` formatting at run time."""
    return "%" in PERCENT.sub("", text.replace("%%", ""))


def _forms(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(i, "") for i in range(6)]
    return [entry.msgstr]


@pytest.mark.parametrize("name", CATALOGUES)
def test_arabic_catalogue_is_complete(name: str) -> None:
    po = _catalogue(name)
    assert po.metadata["Language"] == "ar"
    assert po.metadata["Plural-Forms"] == ARABIC_PLURALS
    assert not po.metadata_is_fuzzy
    untranslated = [e.msgid for e in po if not e.obsolete and not all(_forms(e))]
    assert not untranslated, untranslated
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert not fuzzy, fuzzy
    for entry in po:
        for form in _forms(entry):
            arabic = re.search("[\u0600-\u06ff]", form)
            assert arabic or entry.msgid == form, (entry.msgctxt, entry.msgid)


@pytest.mark.parametrize("name", CATALOGUES)
def test_plural_entries_have_six_written_forms(name: str) -> None:
    """A plural copied into all six forms reads wrong for one, two and eleven."""
    for entry in _catalogue(name):
        if entry.msgid_plural:
            forms = _forms(entry)
            assert sorted(entry.msgstr_plural) == list(range(6)), entry.msgid
            assert len(set(forms)) >= 4, f"six forms not written: {entry.msgid}"


@pytest.mark.parametrize("name", CATALOGUES)
def test_placeholders_match_in_every_entry(name: str) -> None:
    """Every %(name)s, %s and {name} of the English is in the Arabic, and nothing else is.

    In a plural, the forms for zero, one and two may leave the count out
    ("تعليقان" says "two comments" with no number).
    """
    problems: list[str] = []
    for entry in _catalogue(name):
        english = _placeholders(entry.msgid_plural or entry.msgid)
        for index, form in enumerate(_forms(entry)):
            named, positional = _placeholders(form)
            if entry.msgid_plural and index <= 2:
                ok = set(named) <= set(english[0]) and positional == english[1]
            else:
                ok = (named, positional) == english
            if not ok:
                problems.append(f"{entry.msgid!r} [{index}]: {named + positional}")
            if "python-format" in entry.flags and _lone_percent(form):
                problems.append(f"{entry.msgid!r} [{index}]: a lone % (write %%)")
    assert not problems, "\n".join(problems)


def test_placeholder_check_catches_mistakes() -> None:
    """The check itself: a dropped, renamed or extra placeholder is seen."""
    assert _placeholders("%(name)s was %(value)s in %s") == (["%(name)s", "%(value)s"], ["%s"])
    assert _placeholders("{count} of {total}") == (["{count}", "{total}"], [])
    assert _placeholders("95%% CI") == ([], [])
    assert _placeholders("%(nom)s") != _placeholders("%(name)s")
    assert _lone_percent("95% CI") and not _lone_percent("95%% CI")


@pytest.mark.parametrize("name", CATALOGUES)
def test_committed_mo_matches_po(name: str) -> None:
    """The .mo is committed (no gettext needed at run time); it must say what the .po says."""
    po = _catalogue(name)
    mo_path = CATALOGUES[name].with_suffix(".mo")
    mo = polib.mofile(str(mo_path))
    compiled = {
        (e.msgctxt, e.msgid): _forms(e) for e in po if not e.obsolete and "fuzzy" not in e.flags
    }
    committed = {(e.msgctxt, e.msgid): _forms(e) for e in mo if e.msgid}
    assert committed == compiled
    with mo_path.open("rb") as f:
        translations = gettext.GNUTranslations(f)
    assert translations.info()["plural-forms"] == ARABIC_PLURALS
    for entry in po:
        if entry.msgid_plural:
            for n, form in ((0, 0), (1, 1), (2, 2), (5, 3), (11, 4), (100, 5)):
                if entry.msgctxt:
                    said = translations.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                else:
                    said = translations.ngettext(entry.msgid, entry.msgid_plural, n)
                assert said == entry.msgstr_plural[form]


def test_every_template_string_is_in_the_catalogue() -> None:
    po = {(e.msgctxt, e.msgid) for e in _catalogue()}
    pattern = re.compile(r'{%\s*translate\s+"([^"]+)"(?:\s+context\s+"([^"]+)")?')
    for template in TEMPLATES.rglob("*.html"):
        for msgid, context in pattern.findall(template.read_text(encoding="utf-8")):
            keys = {(context or None, msgid), (context or None, msgid.replace("%", "%%"))}
            assert keys & po, f"{template.name}: {context} {msgid}"


def test_a_label_in_context_takes_the_gender_of_what_it_describes() -> None:
    """ "Open" is a consultation (feminine) or a vote (masculine); "Rejected" a recommendation."""
    from django.template import Context, Template
    from django.utils import translation

    from insaf.web.council import models as m

    with translation.override("ar"):
        said = Template(
            '{% load i18n %}{% translate "Open" context "consultation" %}|'
            '{% translate "Open" context "vote" %}'
        ).render(Context())
        assert said == "مفتوحة|مفتوح"
        assert str(m.Verdict.REJECTED.label) == "مرفوضة"
        assert str(m.Verdict.ACCEPTED.label) == "مقبولة"
        assert str(m.VoteResult.REJECTED.label) == "رُفض"
        assert str(m.VoteStatus.OPEN.label) == "مفتوح"
        assert str(m.CommitmentStatus.COMPLETED.label) == "مُنجَز"
    with translation.override("en"):
        assert str(m.VoteStatus.OPEN.label) == "Open"


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
