"""Arabic translations of the interface, kept as a table and written into django.po.

Run after ``makemessages`` (``scripts/messages.sh``): it fills every msgstr from
this table and fails on any message the table does not translate, so the
Arabic catalogue stays complete. Terms follow ../shared/GLOSSARY.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

from insaf.web.council.arabic import AR as COUNCIL

AR: dict[str, str | list[str]] = {
    "Log in": "تسجيل الدخول",
    "Too many failed attempts. Wait a few minutes before trying again.": "محاولات فاشلة كثيرة. انتظر بضع دقائق قبل المحاولة مرة أخرى.",
    "The username or password is not correct.": "اسم المستخدم أو كلمة المرور غير صحيحة.",
    "Username": "اسم المستخدم",
    "Password": "كلمة المرور",
    "when": "متى",
    "who": "من",
    "who (name at the time)": "من (الاسم حينها)",
    "action": "الإجراء",
    "object type": "نوع العنصر",
    "object": "العنصر",
    "summary": "الملخص",
    "before": "قبل",
    "after": "بعد",
    "audit event": "حدث في سجل التدقيق",
    "audit events": "سجل التدقيق",
    "Public": "الجمهور",
    "Analyst": "محلل",
    "Council member": "عضو المجلس",
    "Government focal point": "منسق حكومي",
    "Administrator": "مدير النظام",
    "Access refused": "الوصول مرفوض",
    "Your account does not have the role this page needs.": "ليس لحسابك الدور الذي تتطلبه هذه الصفحة.",
    "Page not found": "الصفحة غير موجودة",
    "Back to the observatory": "العودة إلى المرصد",
    "Social Observatory": "المرصد الاجتماعي",
    "INSAF": "إنصاف",
    "Skip to content": "انتقل إلى المحتوى",
    "Log out": "تسجيل الخروج",
    "Main": "القائمة الرئيسية",
    "Home": "الرئيسية",
    "Frameworks": "الأطر",
    "Furthest behind": "الأكثر تخلفاً عن الركب",
    "Open data": "البيانات المفتوحة",
    "Manage": "الإدارة",
    "Search indicators": "ابحث في المؤشرات",
    "Search": "بحث",
    "INSAF (إنصاف): open tools for integrated social policy. Data are published after statistical disclosure control.": "إنصاف: أدوات مفتوحة للسياسة الاجتماعية المتكاملة. تُنشر البيانات بعد ضبط الإفصاح الإحصائي.",
    "API documentation": "توثيق واجهة البرمجة",
    "estimated": "مُقدَّر",
    "provisional": "أولي",
    "use with caution": "يُستخدم بحذر",
    "suppressed": "محجوب",
    "break in series": "انقطاع في السلسلة",
    "The suppression CV must not be below the caution CV.": "يجب ألا يقل معامل الاختلاف للحجب عن معامل الاختلاف للتنبيه.",
    "Give the CV as a fraction, for example 0.165.": "أدخل معامل الاختلاف كسراً عشرياً، مثل 0.165.",
    "Indicator": "المؤشر",
    "Target value": "القيمة المستهدفة",
    "Target year": "سنة الغاية",
    "Baseline year": "سنة خط الأساس",
    "Give both a target value and a target year, or neither.": "أدخل القيمة المستهدفة وسنة الغاية معاً، أو اتركهما فارغتين.",
    "The baseline year must be before the target year.": "يجب أن تسبق سنة خط الأساس سنة الغاية.",
    "Tidy CSV of observations": "ملف CSV مرتب للمشاهدات",
    "The file is larger than 5 MB.": "حجم الملف أكبر من 5 ميغابايت.",
    "Upload a .csv file.": "ارفع ملفاً بصيغة ‎.csv.",
    "Structural": "هيكلي",
    "Process": "عملية",
    "Outcome": "نتيجة",
    "Higher is better": "الأعلى أفضل",
    "Lower is better": "الأدنى أفضل",
    "Target achieved": "تحققت الغاية",
    "On track": "على المسار الصحيح",
    "Progress, but acceleration needed": "تقدم مع الحاجة إلى التسريع",
    "Limited progress": "تقدم محدود",
    "Deterioration": "تراجع",
    "Not enough data": "بيانات غير كافية",
    "Growth-rate ratio (Open SDG / Statistics Canada)": "نسبة معدل النمو (Open SDG / هيئة الإحصاء الكندية)",
    "Anticipated progress (UN ESCAP)": "التقدم المتوقع (الإسكاب)",
    "name (English)": "الاسم (بالإنجليزية)",
    "name (Arabic)": "الاسم (بالعربية)",
    "definition (English)": "التعريف (بالإنجليزية)",
    "definition (Arabic)": "التعريف (بالعربية)",
    "target value": "القيمة المستهدفة",
    "target year": "سنة الغاية",
    "baseline year": "سنة خط الأساس",
    "minimum unweighted count": "الحد الأدنى للعدد غير المرجح",
    "CV above which a value is flagged": "معامل الاختلاف الذي تُوسم القيمة فوقه بالتنبيه",
    "CV above which a value is suppressed": "معامل الاختلاف الذي تُحجب القيمة فوقه",
    "secondary suppression": "الحجب الثانوي",
    "disclosure policy": "قواعد ضبط الإفصاح",
    "Total": "المجموع",
    "No published value yet for %(name)s.": "لا توجد قيمة منشورة بعد لمؤشر %(name)s.",
    "%(name)s was %(value)s (%(unit)s) in %(year)s.": "بلغ مؤشر %(name)s ‏%(value)s (%(unit)s) في عام %(year)s.",
    "The 95%% confidence interval runs from %(low)s to %(high)s.": "تمتد فترة الثقة 95%% من %(low)s إلى %(high)s.",
    "In %(year)s it was %(value)s.": "وكان %(value)s في عام %(year)s.",
    "The target is %(target)s by %(year)s.": "الغاية %(target)s بحلول عام %(year)s.",
    "Progress: %(status)s.": "التقدم: %(status)s.",
    "Target": "الغاية",
    "Total only": "المجموع فقط",
    "Suppressed: too few observations or too unreliable to publish": "محجوب: المشاهدات قليلة جداً أو التقدير غير موثوق بما يكفي للنشر",
    "Who is furthest behind": "من هم الأكثر تخلفاً عن الركب",
    "For each indicator with a target, the groups whose progress is worst, with their latest value and the national total.": "لكل مؤشر له غاية، الفئات الأسوأ تقدماً، مع أحدث قيمة لها والمجموع الوطني.",
    "Groups furthest behind, by indicator": "الفئات الأكثر تخلفاً عن الركب، حسب المؤشر",
    "Group": "الفئة",
    "Year": "السنة",
    "Group value": "قيمة الفئة",
    "National total": "المجموع الوطني",
    "Progress (growth-rate ratio)": "التقدم (نسبة معدل النمو)",
    "Anticipated progress (ESCAP)": "التقدم المتوقع (الإسكاب)",
    "No assessed groups yet.": "لا توجد فئات مُقيَّمة بعد.",
    "Every published observation, as a tidy CSV (one row per observation) or as SDMX-CSV. Suppressed cells are listed without any number.": "كل المشاهدات المنشورة، في ملف CSV مرتب (صف لكل مشاهدة) أو بصيغة SDMX-CSV. تُدرج الخلايا المحجوبة دون أي رقم.",
    "All observations (CSV)": "كل المشاهدات (CSV)",
    "All observations (SDMX-CSV)": "كل المشاهدات (SDMX-CSV)",
    "JSON API with its OpenAPI description": "واجهة برمجة JSON مع وصفها بمعيار OpenAPI",
    "Downloads by indicator": "التنزيلات حسب المؤشر",
    "Breadcrumb": "مسار التنقل",
    "Indicator frameworks": "أطر المؤشرات",
    "No frameworks yet.": "لا توجد أطر بعد.",
    "%(counter)s indicator of social equity, disaggregated so that no one is left behind.": [
        "لا توجد مؤشرات للإنصاف الاجتماعي بعد.",
        "مؤشر واحد للإنصاف الاجتماعي، مصنف حتى لا يُترك أحد خلف الركب.",
        "مؤشران للإنصاف الاجتماعي، مصنفان حتى لا يُترك أحد خلف الركب.",
        "%(counter)s مؤشرات للإنصاف الاجتماعي، مصنفة حتى لا يُترك أحد خلف الركب.",
        "%(counter)s مؤشراً للإنصاف الاجتماعي، مصنفة حتى لا يُترك أحد خلف الركب.",
        "%(counter)s مؤشر للإنصاف الاجتماعي، مصنفة حتى لا يُترك أحد خلف الركب.",
    ],
    "Headline indicators": "المؤشرات الرئيسية",
    "95%% CI": "فترة الثقة 95%%",
    "No published value yet.": "لا توجد قيمة منشورة بعد.",
    "No indicators yet.": "لا توجد مؤشرات بعد.",
    "Progress towards targets": "التقدم نحو الغايات",
    "Number of indicators by progress status (national totals, growth-rate ratio method)": "عدد المؤشرات حسب حالة التقدم (المجاميع الوطنية، طريقة نسبة معدل النمو)",
    "Status": "الحالة",
    "Indicators": "المؤشرات",
    "Off track": "خارج المسار",
    "See which groups are furthest behind": "اطلع على الفئات الأكثر تخلفاً عن الركب",
    "Last update:": "آخر تحديث:",
    "Latest value": "أحدث قيمة",
    "by": "بحلول",
    "Progress": "التقدم",
    "projected": "المتوقع",
    "in": "في",
    "Disaggregation": "التصنيف",
    "Show": "اعرض",
    "The chart shows the total; every group is in the table below.": "يعرض الرسم البياني المجموع؛ وكل الفئات في الجدول أدناه.",
    "Data table": "جدول البيانات",
    ", with 95%% confidence intervals": "، مع فترات الثقة 95%%",
    "ᶜ use with caution (coefficient of variation between the caution and suppression thresholds). “suppressed”: not published, because too few people were surveyed or the estimate is too unreliable, or because it could be worked out from other published cells.": "ᶜ يُستخدم بحذر (معامل الاختلاف بين عتبتي التنبيه والحجب). «محجوب»: غير منشور لأن عدد من شملهم المسح قليل جداً أو لأن التقدير غير موثوق بما يكفي، أو لأنه يمكن استنتاجه من خلايا منشورة أخرى.",
    "Gaps between groups in %(year)s": "الفجوات بين الفئات في عام %(year)s",
    "Each group compared with the best-off group; a gap is significant when it is unlikely to come from sampling error alone (5%% level).": "كل فئة مقارنة بالفئة الأفضل حالاً؛ تكون الفجوة دالة إحصائياً حين يُستبعد أن تنشأ عن خطأ المعاينة وحده (عند مستوى 5%%).",
    "Value": "القيمة",
    "Gap to best-off group": "الفجوة مع الفئة الأفضل حالاً",
    "Significant?": "دالة إحصائياً؟",
    "best-off": "الأفضل حالاً",
    "yes": "نعم",
    "no": "لا",
    "Governorates in %(year)s": "المحافظات في عام %(year)s",
    "Value by governorate, with the gap to the best-off governorate": "القيمة حسب المحافظة، مع الفجوة مع المحافظة الأفضل حالاً",
    "Governorate": "المحافظة",
    "Gap to best-off": "الفجوة مع الأفضل حالاً",
    "Metadata": "البيانات الوصفية",
    "Code": "الرمز",
    "Unit": "الوحدة",
    "Source": "المصدر",
    "Computation method": "طريقة الحساب",
    "Responsible agency": "الجهة المسؤولة",
    "SDG indicators": "مؤشرات أهداف التنمية المستدامة",
    "Human-rights indicator type (OHCHR)": "نوع مؤشر حقوق الإنسان (المفوضية السامية لحقوق الإنسان)",
    "Desired direction": "الاتجاه المرغوب",
    "Disaggregations": "التصنيفات",
    "Downloads": "التنزيلات",
    "CSV (tidy, one row per observation)": "CSV (مرتب، صف لكل مشاهدة)",
    "SDMX-CSV": "SDMX-CSV",
    "JSON (API)": "JSON (واجهة البرمجة)",
    "Manage the observatory": "إدارة المرصد",
    "Disclosure rules": "قواعد ضبط الإفصاح",
    "Save and apply": "احفظ وطبّق",
    "Targets": "الغايات",
    "Save target": "احفظ الغاية",
    "Import observations": "استيراد المشاهدات",
    "Import and publish": "استورد وانشر",
    "Recent releases": "الإصدارات الأخيرة",
    "Batches of observations published, with what disclosure control did": "دفعات المشاهدات المنشورة، مع ما قام به ضبط الإفصاح",
    "When": "متى",
    "Cells": "الخلايا",
    "Published": "منشورة",
    "Suppressed": "محجوبة",
    "Suppressed to protect others": "محجوبة لحماية غيرها",
    "Words to find (Arabic or English)": "الكلمات المطلوبة (بالعربية أو الإنجليزية)",
    "%(counter)s result": [
        "لا نتائج",
        "نتيجة واحدة",
        "نتيجتان",
        "%(counter)s نتائج",
        "%(counter)s نتيجة",
        "%(counter)s نتيجة",
    ],
    "Disclosure rules saved and applied to stored cells.": "حُفظت قواعد ضبط الإفصاح وطُبقت على الخلايا المخزنة.",
    "Target saved; progress assessed again.": "حُفظت الغاية وأُعيد تقييم التقدم.",
    "The file is not UTF-8 text.": "الملف ليس نصاً بترميز UTF-8.",
    "%(published)s cells published, %(suppressed)s suppressed.": "نُشرت %(published)s خلية، وحُجبت %(suppressed)s.",
    "Arabic": "العربية",
    "English": "الإنجليزية",
    "public version": "إصدار البيانات العامة",
}
AR.update(COUNCIL)  # the council's messages are kept beside its code


def fill(path: Path) -> list[str]:
    """Write the table's translations into ``path``; return the messages it lacks."""
    po = polib.pofile(str(path))
    missing: list[str] = []
    for entry in po:
        if entry.obsolete:
            continue
        found = AR.get(entry.msgid)
        if found is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            forms = found if isinstance(found, list) else [found] * 6
            entry.msgstr_plural = dict(enumerate(forms))
        else:
            entry.msgstr = found if isinstance(found, str) else found[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata_is_fuzzy = False
    po.metadata["Language"] = "ar"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save(str(path))
    po.save_as_mofile(str(path.with_suffix(".mo")))
    return missing


if __name__ == "__main__":
    target = Path(__file__).parent / "ar" / "LC_MESSAGES" / "django.po"
    lacking = fill(target)
    if lacking:
        print("no Arabic translation for:\n  " + "\n  ".join(lacking), file=sys.stderr)
        sys.exit(1)
