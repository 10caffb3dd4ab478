"""A demo registry from the synthetic country, and its three programmes.

``demo_registry(households, seed)`` draws the synthetic country's survey
(``insaf.survey.synth``) and registers its households (``from_survey``), then
makes the records look like a registry's:

- every person gets an Arabic name (given name, father's given name, family
  name) and a Latin transliteration, a sex, a relationship to the head and a
  national identifier (12 digits: governorate, birth year, a serial number;
  about 3 % have none);
- the sources differ by variable: the PMT score and disability come from
  administrative records (verified), incomes are self-declared, the rest is
  the survey's; about a tenth of the households are reassessed on 1 March of
  the next year (a new, administrative PMT score), so determinations before
  and after that date differ;
- about ``duplicates`` of the adults are registered a second time in their
  household on 1 September of the survey year, under a spelling variant of their
  name (hamza dropped, ta marbuta written ha, alef maqsura written ya, a
  tatweel or a short vowel added) and another transliteration, half with the
  same national identifier and half with none: the deduplication's work.

``demo_rulesets()`` reads the three programmes beside this module (cash
assistance by PMT, a child grant, a disability allowance), all instruments of
``programmes.yaml``, the scenario ``insaf simulate`` runs on the demo survey.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from insaf.registry.model import Registry
from insaf.registry.parity import from_survey, survey_date
from insaf.registry.rules import Ruleset, load_ruleset
from insaf.survey.synth import synthesize

__all__ = [
    "DEMO_DIR",
    "PROGRAMMES",
    "demo_registry",
    "demo_rulesets",
    "name_variant",
    "write_demo_files",
]

DEMO_DIR = Path(__file__).parent / "demo"
PROGRAMMES = ("cash_assistance", "child_grant", "disability_allowance")

# (Arabic, Latin, another transliteration)
MALE = [
    ("أحمد", "Ahmad", "Ahmed"),
    ("محمد", "Mohammad", "Muhammad"),
    ("مصطفى", "Mustafa", "Moustafa"),
    ("إبراهيم", "Ibrahim", "Ebrahim"),
    ("علي", "Ali", "Aly"),
    ("حسن", "Hassan", "Hasan"),
    ("يوسف", "Yousef", "Youssef"),
    ("عيسى", "Issa", "Eissa"),
    ("مؤمن", "Moumen", "Mo'men"),
    ("هانئ", "Hani", "Hany"),
    ("أسامة", "Osama", "Usama"),
    ("عبد الله", "Abdullah", "Abdallah"),
    ("خالد", "Khaled", "Khalid"),
    ("عمر", "Omar", "Umar"),
    ("سعيد", "Said", "Saeed"),
    ("إسماعيل", "Ismail", "Esmail"),
    ("أنس", "Anas", "Annas"),
    ("حمزة", "Hamza", "Hamzah"),
    ("موسى", "Moussa", "Musa"),
    ("طارق", "Tarek", "Tariq"),
]
FEMALE = [
    ("فاطمة", "Fatima", "Fatma"),
    ("عائشة", "Aisha", "Aicha"),
    ("مريم", "Maryam", "Mariam"),
    ("آمنة", "Amina", "Amna"),
    ("زينب", "Zainab", "Zeinab"),
    ("خديجة", "Khadija", "Khadeeja"),
    ("سلمى", "Salma", "Selma"),
    ("ليلى", "Layla", "Leila"),
    ("هدى", "Huda", "Hoda"),
    ("أسماء", "Asmaa", "Asma"),
    ("إيمان", "Iman", "Eman"),
    ("رانية", "Rania", "Ranya"),
    ("سعاد", "Souad", "Suad"),
    ("نجوى", "Najwa", "Nagwa"),
    ("منى", "Mona", "Muna"),
    ("سمية", "Sumaya", "Soumaya"),
]
FAMILY = [
    ("الأحمد", "Al-Ahmad", "El Ahmad"),
    ("السيد", "Al-Sayed", "El Sayed"),
    ("الخطيب", "Al-Khatib", "El Khatib"),
    ("المصري", "Al-Masri", "El Masry"),
    ("الشامي", "Al-Shami", "El Chami"),
    ("النجار", "Al-Najjar", "El Naggar"),
    ("الحلبي", "Al-Halabi", "El Halaby"),
    ("العلي", "Al-Ali", "El Aly"),
    ("إسماعيل", "Ismail", "Esmail"),
    ("عطية", "Atiya", "Attia"),
    ("الزعبي", "Al-Zoubi", "El Zoubi"),
    ("أبو زيد", "Abu Zeid", "Abou Zaid"),
    ("موسى", "Moussa", "Musa"),
    ("الهاشمي", "Al-Hashemi", "El Hachemi"),
    ("سلامة", "Salama", "Salameh"),
    ("القاضي", "Al-Qadi", "El Kadi"),
]
RELATIONSHIP = {1: "head", 2: "spouse", 3: "child", 4: "grandchild", 5: "parent"}
SOURCES = {"pmt_score": "administrative", "disability": "administrative"}
SELF_DECLARED = (
    "wage_income",
    "self_employment_income",
    "pension_income",
    "remittance_income",
    "income",
    "wage",
    "pension",
)


def name_variant(name: str, which: int) -> str:
    """Another way of writing ``name`` (``which`` picks the first variant that changes it)."""
    variants: list[Callable[[str], str]] = [
        lambda s: s.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا"),
        lambda s: s.replace("ة", "ه"),
        lambda s: s.replace("ى", "ي"),
        lambda s: s[:2] + "ـ" + s[2:] if len(s) > 3 and " " not in s[:3] else s,
        lambda s: s[:1] + "َ" + s[1:],
    ]
    for k in range(len(variants)):
        changed = variants[(which + k) % len(variants)](name)
        if changed != name:
            return changed
    return name + "ـ"


def demo_registry(
    households: int = 2000,
    *,
    seed: int = 7,
    year: int = 2024,
    duplicates: float = 0.02,
) -> Registry:
    """The synthetic country's households as a registry (module notes)."""
    survey = synthesize(households, seed=seed, year=year)
    date = survey_date(survey)
    base = from_survey(survey, date=date)
    rng = np.random.default_rng(seed)
    assert survey.persons is not None and survey.households is not None
    people = survey.persons.frame.select("pid", "hhid", "relationship", "sex")
    hh = survey.households.frame.select("hhid", "governorate")
    n_hh = hh.height
    family = rng.integers(0, len(FAMILY), n_hh)
    father = rng.integers(0, len(MALE), n_hh)
    people = people.join(
        hh.with_columns(family=pl.Series(family), father=pl.Series(father)), on="hhid"
    )
    n = people.height
    given_m = rng.integers(0, len(MALE), n)
    given_f = rng.integers(0, len(FEMALE), n)
    male = people.get_column("sex").to_numpy() == 1
    fam = people.get_column("family").to_numpy()
    fat = people.get_column("father").to_numpy()
    arabic, latin = [], []
    for i in range(n):
        given = MALE[given_m[i]] if male[i] else FEMALE[given_f[i]]
        arabic.append(f"{given[0]} {MALE[fat[i]][0]} {FAMILY[fam[i]][0]}")
        latin.append(f"{given[1]} {MALE[fat[i]][1]} {FAMILY[fam[i]][1]}")
    persons = base.persons.join(
        people.select(
            person_id="pid",
            arabic=pl.Series(arabic),
            latin=pl.Series(latin),
            sex_text=pl.when(pl.col("sex") == 1).then(pl.lit("male")).otherwise(pl.lit("female")),
            governorate="governorate",
        ),
        on="person_id",
        how="left",
    ).sort("person_id")
    # a birth date anywhere in the year that gives the survey's age on the survey's date
    days = pl.Series(rng.integers(0, 365, persons.height))
    persons = persons.with_columns(birth_date=pl.col("birth_date") - pl.duration(days=pl.lit(days)))
    serial = pl.Series(np.arange(1, persons.height + 1)) * 37 % 1_000_000
    missing = rng.random(persons.height) < 0.03
    persons = persons.with_columns(
        national_id=pl.when(pl.Series(missing))
        .then(None)
        .otherwise(
            pl.col("governorate").cast(pl.String).str.zfill(2)
            + pl.col("birth_date").dt.year().cast(pl.String).str.zfill(4)
            + serial.cast(pl.String).str.zfill(6)
        ),
        name=pl.col("arabic"),
        name_latin=pl.col("latin"),
        sex=pl.col("sex_text"),
    ).select(base.persons.columns)
    memberships = (
        base.memberships.join(
            people.select(
                person_id="pid",
                rel=pl.col("relationship").replace_strict(
                    RELATIONSHIP, default="other", return_dtype=pl.String
                ),
            ),
            on="person_id",
        )
        .with_columns(relationship=pl.col("rel"))
        .select(base.memberships.columns)
    )
    observations = base.observations.with_columns(
        source=pl.when(pl.col("variable").is_in(list(SOURCES)))
        .then(pl.lit("administrative"))
        .when(pl.col("variable").is_in(list(SELF_DECLARED)))
        .then(pl.lit("self_declared"))
        .otherwise(pl.col("source").cast(pl.String)),
        verification=pl.when(pl.col("variable").is_in(list(SOURCES)))
        .then(pl.lit("verified"))
        .otherwise(pl.col("verification").cast(pl.String)),
    )
    reassessed = _reassessments(base, rng, dt.date(year + 1, 3, 1))
    extra_persons, extra_members = _duplicates(persons, memberships, rng, duplicates, year)
    return Registry(
        persons=pl.concat([persons, extra_persons]),
        groups=base.groups,
        memberships=pl.concat([memberships, extra_members]),
        observations=pl.concat([observations, reassessed], how="vertical_relaxed"),
    )


def _reassessments(base: Registry, rng: np.random.Generator, on: dt.date) -> pl.DataFrame:
    """A new PMT score for about a tenth of the households, observed on ``on``."""
    scores = base.observations.filter(
        (pl.col("unit") == "household") & (pl.col("variable") == "pmt_score")
    )
    chosen = scores.filter(pl.Series(rng.random(scores.height) < 0.1))
    change = rng.normal(0.0, 0.25, chosen.height)
    return chosen.with_columns(
        value=(pl.col("value") + pl.Series(change)).round(4),
        observed=pl.lit(on),
        source=pl.lit("administrative"),
        verification=pl.lit("verified"),
    ).cast({"source": pl.String, "verification": pl.String})


def _duplicates(
    persons: pl.DataFrame,
    memberships: pl.DataFrame,
    rng: np.random.Generator,
    share: float,
    year: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A second record for about ``share`` of the adults, under another spelling (notes)."""
    on = dt.date(year, 9, 1)
    adults = persons.filter(pl.col("birth_date") <= dt.date(year - 18, 1, 1))
    chosen = adults.filter(pl.Series(rng.random(adults.height) < share))
    first = int(persons.get_column("person_id").cast(pl.Int64).max() or 0) + 1  # type: ignore[arg-type]
    new_ids = np.arange(first, first + chosen.height, dtype=np.int64)
    names = [name_variant(s, k) for k, s in enumerate(chosen.get_column("name").to_list())]
    latin = []
    for text in chosen.get_column("name_latin").to_list():
        for _, one, other in MALE + FEMALE + FAMILY:
            if text.startswith(one + " "):
                text = other + text[len(one) :]
                break
        latin.append(text)
    keep_id = np.arange(chosen.height) % 2 == 0
    copies = chosen.with_columns(
        person_id=pl.Series(new_ids),
        name=pl.Series(names),
        name_latin=pl.Series(latin),
        national_id=pl.when(pl.Series(keep_id)).then(pl.col("national_id")).otherwise(None),
    )
    homes = chosen.select("person_id").join(memberships, on="person_id")
    extra = homes.with_columns(
        person_id=pl.Series(new_ids), start=pl.lit(on), relationship=pl.lit("other")
    ).select(memberships.columns)
    return copies, extra


def demo_rulesets() -> list[Ruleset]:
    """The demo's three programmes (cash assistance, child grant, disability allowance)."""
    return [load_ruleset(DEMO_DIR / f"{name}.yaml") for name in PROGRAMMES]


def write_demo_files(folder: str | Path, *, households: int, seed: int, year: int = 2024) -> list[
    Path
]:  # fmt: skip
    """Beside a demo registry in ``folder``: its programmes' rulesets (``rulesets/``, with
    their scenario reading the survey beside them) and that survey (``survey/``, the one the
    households come from, as ``demo_registry`` draws it)."""
    from insaf.survey import write_survey

    folder = Path(folder)
    rules = folder / "rulesets"
    rules.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(DEMO_DIR.glob("*.yaml")):
        text = source.read_text(encoding="utf-8")
        if source.name == "programmes.yaml":
            lines = text.splitlines(keepends=True)
            found = [i for i, line in enumerate(lines) if line.startswith("survey:")]
            if len(found) != 1:
                raise RuntimeError(f"{source}: expected one survey: line")
            lines[found[0]] = "survey: ../survey\n"
            text = "".join(lines)
        target = rules / source.name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    survey = synthesize(households, seed=seed, year=year)
    written.append(write_survey(survey, folder / "survey"))
    return written
