"""Value labels: the integer codes of every categorical variable, in English and Arabic.

Codes are integers (Stata labels integers only); texts are short (SPSS
allows 120 bytes for a value label, that is about 60 Arabic letters).
"""

from __future__ import annotations

from insaf.survey.synth.country import GOVERNORATES
from insaf.survey.synth.policy import ITEMS

__all__ = [
    "AREA",
    "DIFFICULTY",
    "EDUCATION",
    "EMPLOYMENT",
    "FLOOR",
    "FUEL",
    "GOVERNORATE",
    "ITEM_CODES",
    "MARITAL",
    "NATIONALITY",
    "RELATIONSHIP",
    "ROOF",
    "SANITATION",
    "SCHOOL_LEVEL",
    "SEX",
    "STRATUM",
    "TENURE",
    "UNITS",
    "WALL",
    "WATER",
    "YES_NO",
    "Codes",
]

Codes = dict[int, tuple[str, str]]
"""Code to (English, Arabic)."""

YES_NO: Codes = {0: ("No", "لا"), 1: ("Yes", "نعم")}
SEX: Codes = {1: ("Male", "ذكر"), 2: ("Female", "أنثى")}
SCHOOL_LEVEL: Codes = {
    1: ("Primary", "ابتدائي"),
    2: ("Lower secondary", "إعدادي"),
    3: ("Upper secondary", "ثانوي"),
    4: ("Tertiary", "تعليم عالٍ"),
}
AREA: Codes = {0: ("Rural", "ريف"), 1: ("Urban", "حضر")}
GOVERNORATE: Codes = {g.code: (g.en, g.ar) for g in GOVERNORATES}
STRATUM: Codes = {
    g.code * 10 + area: (f"{g.en}, {en}", f"{g.ar} - {ar}")
    for g in GOVERNORATES
    for area, en, ar in ((1, "urban", "حضر"), (2, "rural", "ريف"))
}
NATIONALITY: Codes = {
    1: ("National", "مواطن"),
    2: ("Refugee", "لاجئ"),
    3: ("Other foreign", "أجنبي آخر"),
}
RELATIONSHIP: Codes = {
    1: ("Head", "رب/ربة الأسرة"),
    2: ("Spouse", "الزوج/الزوجة"),
    3: ("Son or daughter", "الابن/الابنة"),
    4: ("Grandchild", "الحفيد/الحفيدة"),
    5: ("Parent", "الأب/الأم"),
    6: ("Brother or sister", "الأخ/الأخت"),
    7: ("Other relative", "قريب آخر"),
}
MARITAL: Codes = {
    1: ("Never married", "لم يتزوج قط"),
    2: ("Married", "متزوج"),
    3: ("Divorced", "مطلق"),
    4: ("Widowed", "أرمل"),
}
EDUCATION: Codes = {
    1: ("No schooling", "بدون تعليم"),
    2: ("Primary (1-6 years)", "ابتدائي (1-6 سنوات)"),
    3: ("Lower secondary (7-9 years)", "إعدادي (7-9 سنوات)"),
    4: ("Upper secondary (10-12 years)", "ثانوي (10-12 سنة)"),
    5: ("Post-secondary diploma", "دبلوم متوسط"),
    6: ("University or higher", "جامعي فأعلى"),
}
EMPLOYMENT: Codes = {
    1: ("Employee, public sector (formal)", "مستخدم في القطاع العام (منظم)"),
    2: ("Employee, private formal", "مستخدم في القطاع الخاص المنظم"),
    3: ("Employee, informal", "مستخدم غير منظم"),
    4: ("Self-employed (own account)", "يعمل لحسابه الخاص"),
    5: ("Employer", "صاحب عمل"),
    6: ("Unemployed", "متعطل عن العمل"),
    7: ("Inactive (out of labour force)", "خارج قوة العمل"),
}
DIFFICULTY: Codes = {
    1: ("No difficulty", "لا توجد صعوبة"),
    2: ("Some difficulty", "بعض الصعوبة"),
    3: ("A lot of difficulty", "صعوبة كبيرة"),
    4: ("Cannot do at all", "لا يستطيع على الإطلاق"),
}
TENURE: Codes = {
    1: ("Owned", "ملك"),
    2: ("Rented", "إيجار"),
    3: ("Free or other", "مجاناً أو غير ذلك"),
}
WALL: Codes = {
    1: ("Concrete or cement blocks", "خرسانة أو طوب إسمنتي"),
    2: ("Stone", "حجر"),
    3: ("Brick", "طوب أحمر"),
    4: ("Mud or adobe", "طين أو لبن"),
    5: ("Makeshift (tin, wood, plastic)", "مواد مؤقتة (صفيح، خشب، بلاستيك)"),
}
ROOF: Codes = {
    1: ("Concrete", "خرسانة"),
    2: ("Metal sheets", "صفائح معدنية"),
    3: ("Wood or tiles", "خشب أو قرميد"),
    4: ("Mud, thatch or palm", "طين أو قش أو سعف"),
    5: ("Tent or plastic sheet", "خيمة أو بلاستيك"),
}
FLOOR: Codes = {
    1: ("Ceramic or marble tiles", "بلاط أو رخام"),
    2: ("Cement", "إسمنت"),
    3: ("Carpet or vinyl", "سجاد أو فينيل"),
    4: ("Wood planks", "ألواح خشبية"),
    5: ("Earth or sand", "تراب أو رمل"),
}
WATER: Codes = {
    1: ("Piped into dwelling", "شبكة عامة داخل المسكن"),
    2: ("Piped to yard or plot", "شبكة عامة خارج المسكن"),
    3: ("Public tap or standpipe", "حنفية عامة"),
    4: ("Protected well or spring", "بئر أو نبع محمي"),
    5: ("Tanker truck", "صهريج"),
    6: ("Bottled water", "مياه معبأة"),
    7: ("Unprotected well or spring", "بئر أو نبع غير محمي"),
    8: ("Surface water", "مياه سطحية"),
}
SANITATION: Codes = {
    1: ("Flush to sewer", "مرحاض متصل بالشبكة العامة"),
    2: ("Flush to septic tank", "مرحاض متصل بحفرة امتصاصية"),
    3: ("Pit latrine with slab", "حفرة مغطاة ببلاطة"),
    4: ("Pit latrine without slab", "حفرة بدون بلاطة"),
    5: ("Bucket or hanging toilet", "دلو أو مرحاض معلق"),
    6: ("No facility", "لا يوجد مرحاض"),
}
FUEL: Codes = {
    1: ("LPG", "غاز البترول المسال"),
    2: ("Natural gas (piped)", "غاز طبيعي"),
    3: ("Electricity", "كهرباء"),
    4: ("Kerosene", "كيروسين"),
    5: ("Wood", "حطب"),
    6: ("Charcoal", "فحم"),
    7: ("Dung or crop residue", "روث أو مخلفات زراعية"),
}
_ITEM_TEXT = {
    "bread": ("Bread, subsidised", "خبز مدعوم"),
    "flour": ("Wheat flour", "دقيق القمح"),
    "rice": ("Rice", "أرز"),
    "sugar": ("Sugar", "سكر"),
    "cooking_oil": ("Cooking oil", "زيت الطعام"),
    "other_food": ("Other food", "أغذية أخرى"),
    "lpg": ("LPG (cylinders)", "غاز البترول المسال (أسطوانات)"),
    "gasoline": ("Gasoline", "بنزين"),
    "kerosene": ("Kerosene", "كيروسين"),
    "diesel": ("Diesel", "سولار (ديزل)"),
    "electricity": ("Electricity", "كهرباء"),
    "water": ("Piped water", "مياه الشبكة العامة"),
    "housing": ("Housing: rent and maintenance", "السكن: الإيجار والصيانة"),
    "clothing": ("Clothing and footwear", "الملابس والأحذية"),
    "health": ("Health", "الصحة"),
    "education": ("Education", "التعليم"),
    "transport_communication": ("Transport and communication", "النقل والاتصالات"),
    "other_nonfood": ("Other non-food", "سلع وخدمات غير غذائية أخرى"),
}
ITEM_CODES: Codes = {code: _ITEM_TEXT[name] for name, (code, _) in ITEMS.items()}
UNITS: Codes = {
    1: ("Kilogram", "كيلوغرام"),
    2: ("Litre", "لتر"),
    3: ("Cylinder (12.5 kg)", "أسطوانة (12.5 كغم)"),
    4: ("Kilowatt-hour", "كيلوواط ساعة"),
    5: ("Cubic metre", "متر مكعب"),
    6: ("Value only", "القيمة فقط"),
}
