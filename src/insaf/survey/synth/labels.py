"""Bilingual metadata of every variable the generator writes.

Each table is a list of ``(name, English label, Arabic label, value labels,
role, unit of measure)``; value labels are integer codes with an English and an Arabic
text. Labels are short enough for Stata (80 characters) and SPSS (120 bytes
for a value label). The order of each list is the column order of its table.
"""

from __future__ import annotations

from insaf.survey.metadata import Label, Metadata, Role, Variable
from insaf.survey.synth.codes import (
    AREA,
    DIFFICULTY,
    EDUCATION,
    EMPLOYMENT,
    FLOOR,
    FUEL,
    GOVERNORATE,
    ITEM_CODES,
    MARITAL,
    NATIONALITY,
    RELATIONSHIP,
    ROOF,
    SANITATION,
    SCHOOL_LEVEL,
    SEX,
    STRATUM,
    TENURE,
    UNITS,
    WALL,
    WATER,
    YES_NO,
    Codes,
)

__all__ = ["HOUSEHOLD", "ITEM", "PERSON", "metadata"]

Spec = tuple[str, str, str, Codes | None, Role | None, str | None]

MONEY = "DMD/month"

_ASSETS: list[Spec] = [
    (name, f"Owns {en}", f"تملك الأسرة {ar}", YES_NO, None, None)
    for name, en, ar in (
        ("tv", "a television", "تلفزيون"),
        ("radio", "a radio", "راديو"),
        ("fridge", "a refrigerator", "ثلاجة"),
        ("washing_machine", "a washing machine", "غسالة"),
        ("air_conditioner", "an air conditioner", "مكيف هواء"),
        ("computer", "a computer", "حاسوب"),
        ("mobile_phone", "a mobile phone", "هاتف محمول"),
        ("internet", "internet at home", "اتصالاً بالإنترنت في المنزل"),
        ("car", "a car", "سيارة"),
        ("motorcycle", "a motorcycle", "دراجة نارية"),
        ("bicycle", "a bicycle", "دراجة هوائية"),
        ("livestock", "livestock", "مواشي"),
        ("agricultural_land", "agricultural land", "أرضاً زراعية"),
    )
]

HOUSEHOLD: list[Spec] = [
    ("hhid", "Household ID", "رقم الأسرة المعيشية", None, None, None),
    ("governorate", "Governorate", "المحافظة", GOVERNORATE, None, None),
    ("urban", "Urban or rural area", "حضر أو ريف", AREA, None, None),
    (
        "stratum",
        "Stratum (governorate x area)",
        "الطبقة (المحافظة × الحضر والريف)",
        STRATUM,
        None,
        None,
    ),
    (
        "psu",
        "Primary sampling unit (enumeration area)",
        "وحدة المعاينة الأولية (منطقة العد)",
        None,
        None,
        None,
    ),
    (
        "fpc",
        "Enumeration areas in the stratum frame",
        "عدد مناطق العد في إطار الطبقة",
        None,
        None,
        None,
    ),
    ("weight", "Household sampling weight", "وزن المعاينة للأسرة المعيشية", None, None, None),
    (
        "price_index",
        "Spatial price index of the stratum",
        "الرقم القياسي المكاني للأسعار",
        None,
        None,
        None,
    ),
    ("hhsize", "Household size", "حجم الأسرة المعيشية", None, Role.HOUSEHOLD_SIZE, "persons"),
    ("nationality", "Nationality of the household", "جنسية الأسرة", NATIONALITY, None, None),
    ("refugee_hh", "Refugee household", "أسرة لاجئة", YES_NO, None, None),
    ("head_sex", "Sex of household head", "جنس رب/ربة الأسرة", SEX, None, None),
    ("head_age", "Age of household head", "عمر رب/ربة الأسرة", None, None, "years"),
    (
        "head_marital",
        "Marital status of head",
        "الحالة الزواجية لرب/ربة الأسرة",
        MARITAL,
        None,
        None,
    ),
    (
        "head_education",
        "Education of head",
        "المستوى التعليمي لرب/ربة الأسرة",
        EDUCATION,
        None,
        None,
    ),
    (
        "head_employment",
        "Employment status of head",
        "الحالة العملية لرب/ربة الأسرة",
        EMPLOYMENT,
        None,
        None,
    ),
    (
        "spouse_abroad",
        "Head's husband works abroad",
        "زوج ربة الأسرة يعمل في الخارج",
        YES_NO,
        None,
        None,
    ),
    ("n_children", "Members under 18", "عدد الأفراد دون 18 سنة", None, None, "persons"),
    ("n_under5", "Members under 5", "عدد الأطفال دون 5 سنوات", None, None, "persons"),
    ("n_elderly", "Members aged 65 or more", "عدد الأفراد 65 سنة فأكثر", None, None, "persons"),
    ("n_adults", "Members aged 18 or more", "عدد الأفراد 18 سنة فأكثر", None, None, "persons"),
    ("n_earners", "Members with earnings", "عدد الأفراد ذوي الدخل من العمل", None, None, "persons"),
    ("has_disabled", "Member with a disability (WG)", "فرد ذو إعاقة في الأسرة", YES_NO, None, None),
    (
        "child_death_5y",
        "A child died in the last 5 years",
        "وفاة طفل خلال السنوات الخمس الأخيرة",
        YES_NO,
        None,
        None,
    ),
    ("tenure", "Tenure of dwelling", "حيازة المسكن", TENURE, None, None),
    ("wall", "Main material of walls", "المادة الرئيسية للجدران", WALL, None, None),
    ("roof", "Main material of roof", "المادة الرئيسية للسقف", ROOF, None, None),
    ("floor", "Main material of floor", "المادة الرئيسية للأرضية", FLOOR, None, None),
    ("rooms", "Rooms used for sleeping", "عدد غرف النوم", None, None, "rooms"),
    ("persons_per_room", "Persons per sleeping room", "عدد الأفراد لكل غرفة نوم", None, None, None),
    (
        "overcrowded",
        "Overcrowded (3 or more per room)",
        "اكتظاظ (3 أفراد فأكثر لكل غرفة)",
        YES_NO,
        None,
        None,
    ),
    ("electricity", "Electricity from the grid", "الكهرباء من الشبكة العامة", YES_NO, None, None),
    (
        "water_source",
        "Main source of drinking water",
        "المصدر الرئيسي لمياه الشرب",
        WATER,
        None,
        None,
    ),
    (
        "water_improved",
        "Improved drinking water source",
        "مصدر محسن لمياه الشرب",
        YES_NO,
        None,
        None,
    ),
    (
        "water_minutes",
        "Round trip to fetch water",
        "مدة جلب المياه ذهاباً وإياباً",
        None,
        None,
        "minutes",
    ),
    ("sanitation", "Toilet facility", "نوع المرحاض", SANITATION, None, None),
    (
        "sanitation_shared",
        "Toilet shared with other households",
        "مرحاض مشترك مع أسر أخرى",
        YES_NO,
        None,
        None,
    ),
    (
        "sanitation_improved",
        "Improved sanitation, not shared",
        "صرف صحي محسن وغير مشترك",
        YES_NO,
        None,
        None,
    ),
    ("cooking_fuel", "Main cooking fuel", "الوقود الرئيسي للطبخ", FUEL, None, None),
    *_ASSETS,
    ("wage_income", "Wages, gross", "الأجور (إجمالي)", None, None, MONEY),
    ("self_employment_income", "Self-employment income", "الدخل من العمل الحر", None, None, MONEY),
    ("pension_income", "Pensions", "المعاشات التقاعدية", None, None, MONEY),
    ("remittance_income", "Remittances received", "التحويلات من الخارج", None, None, MONEY),
    (
        "other_transfers",
        "Other transfers (zakat, charity, aid)",
        "تحويلات أخرى (زكاة، صدقات، معونات)",
        None,
        None,
        MONEY,
    ),
    ("cash_assistance", "Cash assistance received", "المساعدة النقدية المستلمة", None, None, MONEY),
    ("transfer_income", "Transfers received, total", "مجموع التحويلات المستلمة", None, None, MONEY),
    ("income", "Gross income, all sources", "إجمالي الدخل من جميع المصادر", None, None, MONEY),
    ("income_tax", "Income tax withheld", "ضريبة الدخل المقتطعة", None, None, MONEY),
    (
        "social_contributions",
        "Social contributions paid",
        "اشتراكات الضمان الاجتماعي",
        None,
        None,
        MONEY,
    ),
    ("disposable_income", "Disposable income", "الدخل المتاح", None, None, MONEY),
    (
        "pmt_score",
        "Proxy-means test score",
        "درجة اختبار الموارد بالمؤشرات غير المباشرة",
        None,
        None,
        None,
    ),
    ("food", "Food consumption", "الاستهلاك الغذائي", None, None, MONEY),
    ("nonfood", "Non-food consumption", "الاستهلاك غير الغذائي", None, None, MONEY),
    ("consumption", "Total consumption", "إجمالي الاستهلاك", None, None, MONEY),
    ("consumption_pc", "Consumption per capita", "الاستهلاك للفرد", None, None, MONEY),
    (
        "adult_equivalents",
        "Adult equivalents (OECD-modified)",
        "عدد البالغين المكافئين",
        None,
        None,
        None,
    ),
    (
        "consumption_ae",
        "Consumption per adult equivalent",
        "الاستهلاك لكل بالغ مكافئ",
        None,
        None,
        MONEY,
    ),
    ("poverty_line", "Poverty line, per person", "خط الفقر للفرد", None, None, MONEY),
]

PERSON: list[Spec] = [
    ("pid", "Person ID", "رقم الفرد", None, None, None),
    ("hhid", "Household ID", "رقم الأسرة المعيشية", None, None, None),
    ("line_no", "Line number in household", "رقم السطر في الأسرة", None, None, None),
    (
        "relationship",
        "Relationship to head",
        "صلة القرابة برب/ربة الأسرة",
        RELATIONSHIP,
        Role.RELATIONSHIP,
        None,
    ),
    ("sex", "Sex", "الجنس", SEX, Role.SEX, None),
    ("age", "Age in completed years", "العمر بالسنوات الكاملة", None, Role.AGE, "years"),
    ("marital_status", "Marital status", "الحالة الزواجية", MARITAL, None, None),
    ("age_first_marriage", "Age at first marriage", "العمر عند الزواج الأول", None, None, "years"),
    ("nationality", "Nationality", "الجنسية", NATIONALITY, None, None),
    ("education", "Highest level completed", "أعلى مستوى تعليمي مكتمل", EDUCATION, None, None),
    (
        "years_schooling",
        "Years of schooling completed",
        "عدد سنوات الدراسة المكتملة",
        None,
        None,
        "years",
    ),
    (
        "attending_school",
        "Attends school (age 6-24)",
        "ملتحق بالدراسة (6-24 سنة)",
        YES_NO,
        None,
        None,
    ),
    (
        "school_level",
        "Level of the school attended",
        "المرحلة الدراسية الملتحق بها",
        SCHOOL_LEVEL,
        None,
        None,
    ),
    (
        "public_school",
        "The school attended is public",
        "المدرسة الملتحق بها حكومية",
        YES_NO,
        None,
        None,
    ),
    ("literacy", "Can read and write (age 10+)", "يقرأ ويكتب (10 سنوات فأكثر)", YES_NO, None, None),
    (
        "employment_status",
        "Employment status (age 15+)",
        "الحالة العملية (15 سنة فأكثر)",
        EMPLOYMENT,
        None,
        None,
    ),
    ("wage", "Wage, gross", "الأجر (إجمالي)", None, None, MONEY),
    ("self_employment_income", "Self-employment income", "الدخل من العمل الحر", None, None, MONEY),
    ("pension", "Pension received", "المعاش التقاعدي", None, None, MONEY),
    (
        "social_security",
        "Contributes to social security",
        "مشترك في الضمان الاجتماعي",
        YES_NO,
        None,
        None,
    ),
    (
        "social_contributions",
        "Social contributions paid",
        "اشتراكات الضمان الاجتماعي",
        None,
        None,
        MONEY,
    ),
    ("income_tax", "Income tax withheld", "ضريبة الدخل المقتطعة", None, None, MONEY),
    ("seeing", "Difficulty seeing", "صعوبة في الرؤية", DIFFICULTY, None, None),
    ("hearing", "Difficulty hearing", "صعوبة في السمع", DIFFICULTY, None, None),
    (
        "walking",
        "Difficulty walking or climbing steps",
        "صعوبة في المشي أو صعود الدرج",
        DIFFICULTY,
        None,
        None,
    ),
    (
        "cognition",
        "Difficulty remembering or concentrating",
        "صعوبة في التذكر أو التركيز",
        DIFFICULTY,
        None,
        None,
    ),
    ("selfcare", "Difficulty with self-care", "صعوبة في العناية الذاتية", DIFFICULTY, None, None),
    ("communication", "Difficulty communicating", "صعوبة في التواصل", DIFFICULTY, None, None),
    (
        "disability",
        "Disability (WG: a lot or cannot)",
        "إعاقة (حسب مجموعة واشنطن)",
        YES_NO,
        None,
        None,
    ),
    ("chronic_illness", "Has a chronic illness", "مصاب بمرض مزمن", YES_NO, None, None),
    ("health_insurance", "Has health insurance", "لديه تأمين صحي", YES_NO, None, None),
    (
        "public_visits",
        "Visits to public health care, last 12 months",
        "زيارات المرافق الصحية الحكومية في آخر 12 شهراً",
        None,
        None,
        "visits",
    ),
    (
        "public_stays",
        "Admissions to a public hospital, last 12 months",
        "حالات الدخول إلى مستشفى حكومي في آخر 12 شهراً",
        None,
        None,
        "stays",
    ),
    ("underweight", "Underweight (under 5)", "نقص الوزن (دون 5 سنوات)", YES_NO, None, None),
    ("stunted", "Stunted (under 5)", "التقزم (دون 5 سنوات)", YES_NO, None, None),
]

ITEM: list[Spec] = [
    ("hhid", "Household ID", "رقم الأسرة المعيشية", None, None, None),
    ("item", "Consumption item", "بند الاستهلاك", ITEM_CODES, None, None),
    ("quantity", "Quantity per month", "الكمية الشهرية", None, None, None),
    ("unit", "Unit of quantity", "وحدة الكمية", UNITS, None, None),
    ("unit_price", "Price paid per unit", "السعر المدفوع للوحدة", None, None, "DMD"),
    ("value", "Value per month", "القيمة الشهرية", None, None, MONEY),
]


def _variable(spec: Spec) -> Variable:
    name, en, ar, codes, role, unit = spec
    values: dict[int | float | str, Label] = {
        code: Label(en=e, ar=a) for code, (e, a) in (codes or {}).items()
    }
    return Variable(
        name=name, label=Label(en=en, ar=ar), values=values, role=role, unit_of_measure=unit
    )


def metadata() -> Metadata:
    """Labels, value labels, roles and units of every column of every table."""
    seen: dict[str, Variable] = {}
    for spec in (*HOUSEHOLD, *PERSON, *ITEM):
        seen.setdefault(spec[0], _variable(spec))
    return Metadata(seen)
