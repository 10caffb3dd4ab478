"""The words of the rights assessment in English and Arabic: tests, verdicts, rules.

Arabic terms follow the project's glossary (``docs/glossary.md``). The rules
are the ones ``docs/rights.md`` explains with their formulas.
"""

from __future__ import annotations

__all__ = ["JUSTIFICATION_NAMES", "LINE_NAMES", "RULES", "TESTS", "VERDICTS", "WORDS"]

TESTS: dict[str, dict[str, str]] = {
    "minimum_core": {"en": "Minimum core: do no harm", "ar": "الحد الأدنى الأساسي: عدم الإضرار"},
    "non_discrimination": {"en": "Non-discrimination", "ar": "عدم التمييز"},
    "non_retrogression": {"en": "Non-retrogression", "ar": "عدم التراجع"},
    "resources": {"en": "Maximum available resources", "ar": "أقصى الموارد المتاحة"},
    "participation": {
        "en": "Participation and transparency",
        "ar": "المشاركة والشفافية",
    },
}

VERDICTS: dict[str, dict[str, str]] = {
    "flagged": {"en": "Concern", "ar": "مصدر قلق"},
    "not_flagged": {"en": "No concern found", "ar": "لم يُرصد ما يقلق"},
    "not_assessed": {"en": "Not assessed / not known", "ar": "لم يُقيَّم / غير معروف"},
}

RULES: dict[str, dict[str, str]] = {
    "minimum_core": {
        "en": "A concern when the share of people pushed below the extreme line, or the share "
        "of people already below it who lose, is significantly above the minimum effect "
        "(one-sided tests, Holm's correction over the two).",
        "ar": "يُرصد القلق حين تزيد نسبة من يدفعهم الإصلاح تحت خط الفقر المدقع، أو نسبة من هم "
        "تحته أصلاً ويخسرون، زيادةً ذات دلالة على الحد الأدنى للأثر (اختباران من جهة واحدة "
        "مع تصحيح هولم).",
    },
    "non_discrimination": {
        "en": "A concern when a protected group's change in welfare, as a share of welfare, is "
        "significantly worse than everyone else's, after Holm's correction over all groups.",
        "ar": "يُرصد القلق حين يكون تغير رفاه فئة محمية، كنسبة من رفاهها، أسوأ من تغير رفاه "
        "بقية السكان بدلالة إحصائية بعد تصحيح هولم على جميع الفئات.",
    },
    "non_retrogression": {
        "en": "A concern when an indicator linked to a right worsens significantly for the whole "
        "population or for any group (one-sided tests, Holm's correction within each indicator).",
        "ar": "يُرصد القلق حين يسوء مؤشر مرتبط بحق من الحقوق بدلالة إحصائية لمجموع السكان أو "
        "لأي فئة (اختبارات من جهة واحدة مع تصحيح هولم داخل كل مؤشر).",
    },
    "resources": {
        "en": "A concern when the reform adds or changes a regressive tax (Kakwani index "
        "significantly below zero), or frees fiscal space while harming the poor or rolling "
        "back a right.",
        "ar": "يُرصد القلق حين يضيف الإصلاح ضريبة تنازلية أو يعدلها (مؤشر كاكواني أقل من الصفر "
        "بدلالة إحصائية)، أو حين يوفر حيزاً مالياً وهو يضر بالفقراء أو يتراجع عن حق.",
    },
    "participation": {
        "en": "A concern when the reform was not put to the council for consultation or its "
        "impact statement was not published; not known when the assessment was run outside "
        "the council.",
        "ar": "يُرصد القلق حين لا يُعرض الإصلاح على المجلس للمشاورة أو لا يُنشر بيان أثره؛ "
        "ويكون غير معروف حين يُجرى التقييم خارج المجلس.",
    },
}

JUSTIFICATION_NAMES: dict[str, dict[str, str]] = {
    "necessity": {"en": "Necessity", "ar": "الضرورة"},
    "proportionality": {"en": "Proportionality", "ar": "التناسب"},
    "temporariness": {"en": "Temporariness", "ar": "الطابع المؤقت"},
    "non_discrimination": {"en": "Non-discrimination", "ar": "عدم التمييز"},
    "minimum_core": {
        "en": "Protection of the minimum core",
        "ar": "حماية الحد الأدنى الأساسي من الحقوق",
    },
}

LINE_NAMES: dict[str, dict[str, str]] = {
    "national": {"en": "National poverty line", "ar": "خط الفقر الوطني"},
    "extreme": {"en": "Extreme poverty line", "ar": "خط الفقر المدقع"},
}

WORDS: dict[str, dict[str, str]] = {
    "rights": {"en": "Human rights assessment", "ar": "تقييم الأثر على حقوق الإنسان"},
    "test": {"en": "Test", "ar": "الاختبار"},
    "verdict": {"en": "Finding", "ar": "النتيجة"},
    "rule": {"en": "Rule", "ar": "القاعدة"},
    "group": {"en": "Group", "ar": "الفئة"},
    "everyone": {"en": "Whole population", "ar": "مجموع السكان"},
    "quintile": {"en": "Welfare quintile", "ar": "خُميس الرفاه"},
    "group_change": {
        "en": "Change in the group, % of welfare",
        "ar": "التغير في الفئة (% من الرفاه)",
    },
    "rest_change": {
        "en": "Change for the rest, % of welfare",
        "ar": "التغير لدى البقية (% من الرفاه)",
    },
    "difference": {"en": "Difference (points)", "ar": "الفرق (نقاط)"},
    "p_value": {"en": "p-value", "ar": "القيمة الاحتمالية"},
    "holm": {"en": "Holm threshold", "ar": "عتبة هولم"},
    "flagged": {"en": "Flagged", "ar": "مرصود"},
    "yes": {"en": "Yes", "ar": "نعم"},
    "no": {"en": "No", "ar": "لا"},
    "indicator": {"en": "Indicator", "ar": "المؤشر"},
    "right": {"en": "Right", "ar": "الحق"},
    "tax": {"en": "Tax", "ar": "الضريبة"},
    "kakwani": {"en": "Kakwani index", "ar": "مؤشر كاكواني"},
    "touched": {"en": "Changed by the reform", "ar": "عدّله الإصلاح"},
    "fiscal_space": {"en": "Net fiscal space (a year)", "ar": "صافي الحيز المالي (سنوياً)"},
    "justifications": {
        "en": "Justifications recorded in the scenario",
        "ar": "المبررات المدونة في السيناريو",
    },
    "given": {"en": "Given", "ar": "مقدَّم"},
    "not_given": {"en": "Not given", "ar": "غير مقدَّم"},
    "consulted": {"en": "Council consultation", "ar": "المشاورة في المجلس"},
    "published": {"en": "Impact statement published", "ar": "نشر بيان الأثر"},
    "not_known": {"en": "Not assessed / not known", "ar": "لم يُقيَّم / غير معروف"},
    "impoverished": {"en": "People made poor or poorer", "ar": "من أفقرهم الإصلاح أو زادهم فقراً"},
    "impoverished_share": {
        "en": "Share of people made poor or poorer",
        "ar": "نسبة من أفقرهم الإصلاح أو زادهم فقراً",
    },
    "impoverishment": {
        "en": "Fiscal impoverishment, total a year",
        "ar": "الإفقار المالي، المجموع السنوي",
    },
    "poor_gaining": {"en": "Poor people who gain", "ar": "الفقراء الرابحون"},
    "gains_of_the_poor": {
        "en": "Fiscal gains of the poor, total a year",
        "ar": "المكاسب المالية للفقراء، المجموع السنوي",
    },
    "poverty_gap_change": {
        "en": "Change in the total poverty gap, a year",
        "ar": "التغير في مجموع فجوة الفقر، سنوياً",
    },
    "poor_losing": {"en": "Poor people who lose", "ar": "الفقراء الخاسرون"},
    "poor_losing_share": {
        "en": "Share of people who are poor and lose",
        "ar": "نسبة الفقراء الخاسرين من السكان",
    },
    "losses_of_the_poor": {
        "en": "Losses of the poor, total a year",
        "ar": "خسائر الفقراء، المجموع السنوي",
    },
    "poverty_national": {
        "en": "Poverty headcount ratio, national line",
        "ar": "نسبة الفقر على خط الفقر الوطني",
    },
    "poverty_extreme": {
        "en": "Poverty headcount ratio, extreme line",
        "ar": "نسبة الفقر على خط الفقر المدقع",
    },
    "icescr_11": {
        "en": "Adequate standard of living (ICESCR art. 11)",
        "ar": "مستوى معيشي لائق (المادة 11 من العهد الدولي الخاص بالحقوق الاقتصادية والاجتماعية "
        "والثقافية)",
    },
    "estimate": {"en": "Estimate", "ar": "التقدير"},
    "no_rows": {"en": "Nothing to compare.", "ar": "لا شيء للمقارنة."},
    "suppressed": {"en": "suppressed", "ar": "محجوب"},
}
