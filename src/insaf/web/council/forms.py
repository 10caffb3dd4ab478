"""The council's forms: validated on the server (the services check the rules again)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from insaf.web.core.language import page_language
from insaf.web.council import models as m
from insaf.web.council.citations import Finding, cited, findings
from insaf.web.council.impact import MAX_SCENARIO_BYTES, SurveyRef, available_surveys
from insaf.web.observatory.models import Category, Indicator

MAX_PDF = 5 * 1024 * 1024
TEXTAREA = {"rows": 5, "dir": "auto"}
AUTO = {"dir": "auto"}


def _text(label: Any, *, required: bool = True, max_length: int = 5000, rows: int = 5) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, "dir": "auto"}),
    )


def _line(label: Any, *, required: bool = True, max_length: int = 300) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs=AUTO),
    )


class Form(forms.Form):
    """A form whose fields for one language say so (``lang``), so the browser, a screen
    reader and the Arabic-page scan know the text's language: ``X_en`` and ``X_ar``, and
    ``X`` beside an ``X_ar`` (English)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mark_languages()

    def mark_languages(self) -> None:
        """Set ``lang`` and ``dir`` on the fields for one language (again after adding some)."""
        for name, field in self.fields.items():
            base, _sep, code = name.rpartition("_")
            if code in ("en", "ar") and base:
                language = code
            elif f"{name}_ar" in self.fields:
                language = "en"
            else:
                continue
            field.widget.attrs.update(lang=language, dir="rtl" if language == "ar" else "ltr")


class MinistryChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ministry, by its name in the page's language."""

    def label_from_instance(self, obj: Any) -> str:
        from insaf.web.council.presentation import pick

        return pick(obj, "name")[0]


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def _both_languages(data: dict[str, Any], en: str, ar: str, form: forms.Form) -> None:
    if not (data.get(en) or "").strip() and not (data.get(ar) or "").strip():
        form.add_error(ar, _("Give this in Arabic, in English or both."))


class ReferralForm(Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, label) for k, label in m.ReferralKind.choices if k != "petition"],
    )
    ministry = MinistryChoice(label=_("Ministry concerned"), queryset=m.Ministry.objects)
    title_ar = _line(_("Title (Arabic)"), required=False)
    title_en = _line(_("Title (English)"), required=False)
    summary_ar = _text(_("Draft policy (Arabic)"), required=False, max_length=10_000)
    summary_en = _text(_("Draft policy (English)"), required=False, max_length=10_000)
    opinion_deadline = forms.DateField(
        label=_("Legal deadline for the opinion"), required=False, widget=DateInput()
    )
    document = forms.FileField(label=_("Draft policy document (PDF, 5 MB at most)"), required=False)

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        if upload is None:
            return None
        if upload.size > MAX_PDF:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        head = upload.read(5)
        upload.seek(0)
        if not upload.name.lower().endswith(".pdf") or head != b"%PDF-":
            raise forms.ValidationError(_("Upload a PDF document."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _both_languages(data, "title_en", "title_ar", self)
        if data.get("kind") == m.ReferralKind.GOVERNMENT and not data.get("opinion_deadline"):
            self.add_error(
                "opinion_deadline", _("A referral from the government has a legal deadline.")
            )
        return data


class RapporteurForm(Form):
    rapporteur = forms.ModelChoiceField(
        label=_("Rapporteur"),
        queryset=User.objects.filter(council_member__active=True).order_by("username"),
    )


class ConsultationForm(Form):
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())
    question_ar = _text(_("Question to the public (Arabic)"), required=False, rows=3)
    question_en = _text(_("Question to the public (English)"), required=False, rows=3)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The consultation must close after it opens."))
        return data


def survey_choices() -> list[tuple[str, str]]:
    return [(ref.key, ref.label()) for ref in available_surveys()]


def _scenario_upload(upload: Any) -> str:
    """The text of an uploaded scenario file, or a ``ValidationError`` saying why not."""
    if upload.size > MAX_SCENARIO_BYTES:
        raise forms.ValidationError(_("The scenario is larger than 256 KB."))
    if not upload.name.lower().endswith((".yaml", ".yml")):
        raise forms.ValidationError(_("Upload a .yaml scenario file."))
    try:
        text: str = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
    return text


class ImpactForm(Form):
    survey = forms.ChoiceField(label=_("Survey"))
    scenario = forms.FileField(
        label=_("Scenario (YAML, 256 KB at most); empty: the previous statement's scenario"),
        required=False,
    )
    note = _text(_("Why a new version (required after the first)"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survey"].choices = survey_choices()  # type: ignore[attr-defined]

    def clean_scenario(self) -> str | None:
        upload = self.cleaned_data.get("scenario")
        if upload is None:
            return None
        text = _scenario_upload(upload)
        self.scenario_name = upload.name
        return text

    def clean_survey(self) -> SurveyRef:
        return SurveyRef.from_key(self.cleaned_data["survey"])


def _budget_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The budgets the budget app stores, and the programmes of their plans (named in
    the page's language; with the budget's title when there are several budgets)."""
    from insaf.web.budget.queries import stored_plans

    lang = page_language()
    stored = stored_plans()
    titles = {b.code: b.title(lang) for b in stored}
    programmes: dict[str, str] = {}
    for b in stored:
        for p in b.plan.programmes if b.plan is not None else ():
            name = p.name.get(lang)
            programmes.setdefault(p.code, f"{name} ({titles[b.code]})" if len(stored) > 1 else name)
    return list(titles.items()), sorted(programmes.items(), key=lambda item: item[1])


class BudgetImpactForm(Form):
    """A budget change, the subject of the referral's next impact statement
    (``services.request_budget_statement``)."""

    survey = forms.ChoiceField(label=_("Survey"))
    budget = forms.ChoiceField(label=_("Budget"))
    kind = forms.ChoiceField(
        label=_("Kind of change"),
        choices=[
            ("move", _("Move money from one programme to another")),
            ("envelope", _("Give one programme a new envelope")),
        ],
        widget=forms.RadioSelect,
        initial="move",
    )
    year = forms.IntegerField(label=_("Budget year"), min_value=1900, max_value=2200)
    phase = forms.ChoiceField(label=_("Amounts of the phase"), initial="executed")
    programme = forms.ChoiceField(label=_("Programme (the money comes from it, in a move)"))
    target = forms.ChoiceField(label=_("Programme the money goes to (a move)"), required=False)
    amount = forms.FloatField(
        label=_("Amount, in millions of the budget's currency (moved, or the new envelope)"),
        min_value=0.0,
    )
    policies = forms.FileField(
        label=_(
            "Policies in force (a scenario YAML, 256 KB at most: its baseline is taken); "
            "empty: the latest statement's, or the demo country's"
        ),
        required=False,
    )
    note = _text(_("Why a new version (required after the first)"), required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from insaf.budget.model import PHASES
        from insaf.web.budget.presentation import phase_name

        super().__init__(*args, **kwargs)
        budgets, programmes = _budget_choices()
        self.fields["survey"].choices = survey_choices()  # type: ignore[attr-defined]
        self.fields["budget"].choices = budgets  # type: ignore[attr-defined]
        self.fields["phase"].choices = [(p, phase_name(p)) for p in PHASES]  # type: ignore[attr-defined]
        self.fields["programme"].choices = programmes  # type: ignore[attr-defined]
        self.fields["target"].choices = [("", "—"), *programmes]  # type: ignore[attr-defined]

    def clean_policies(self) -> tuple[str, str] | None:
        upload = self.cleaned_data.get("policies")
        if upload is None:
            return None
        return _scenario_upload(upload), upload.name

    def clean_survey(self) -> SurveyRef:
        return SurveyRef.from_key(self.cleaned_data["survey"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "move":
            if not data.get("target"):
                self.add_error("target", _("A move names the programme the money goes to."))
            elif data.get("target") == data.get("programme"):
                self.add_error("target", _("A move takes money from one programme to another."))
            if data.get("amount") == 0:
                self.add_error("amount", _("The amount moved must be more than zero."))
        return data


class CommentForm(Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=m.CommentKind.choices, initial=m.CommentKind.COMMENT
    )
    text = _text(_("Your comment or proposal"), max_length=5000, rows=6)


class ReportForm(Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=m.ReportReason.choices)


class ModerateForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("hide", _("Remove"))],
    )
    reason = _line(_("Reason (shown publicly when removed)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "hide" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the comment is removed."))
        return data


class PositionForm(Form):
    text = _text(_("The group's position"), max_length=10_000, rows=8)
    note = _line(_("What changed (for a new version)"), required=False)


class DraftForm(Form):
    title_ar = _line(_("Title (Arabic)"), required=False)
    title_en = _line(_("Title (English)"), required=False)
    text_ar = _text(_("Opinion (Arabic)"), required=False, max_length=100_000, rows=10)
    text_en = _text(_("Opinion (English)"), required=False, max_length=100_000, rows=10)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _both_languages(data, "title_en", "title_ar", self)
        return data


def _group_choices() -> Any:
    return Category.objects.select_related("dimension").order_by("dimension__position", "position")


class CategoryChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        from insaf.web.core.templatetags.insaf import tr

        return f"{tr(obj.dimension, 'name')}: {tr(obj, 'name')}"


class IndicatorChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        from insaf.web.core.templatetags.insaf import tr

        return f"{obj.code} · {tr(obj, 'name')}"


class IndicatorOne(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        from insaf.web.core.templatetags.insaf import tr

        return f"{obj.code} · {tr(obj, 'name')}"


class RecommendationForm(Form):
    text_ar = _text(_("Recommendation (Arabic)"), required=False, rows=3)
    text_en = _text(_("Recommendation (English)"), required=False, rows=3)
    ministry = MinistryChoice(label=_("Ministry that answers"), queryset=m.Ministry.objects)
    indicators = IndicatorChoice(
        label=_("Indicators it should move"),
        queryset=Indicator.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    groups = CategoryChoice(
        label=_("Groups it concerns"),
        queryset=_group_choices(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _both_languages(data, "text_en", "text_ar", self)
        return data


class CitationForm(Form):
    """Cite a rights finding of one of the referral's impact statements."""

    finding = forms.ChoiceField(label=_("Rights finding"))
    note_ar = _text(_("Why the opinion cites it (Arabic)"), required=False, rows=2)
    note_en = _text(_("Why the opinion cites it (English)"), required=False, rows=2)

    def __init__(self, *args: Any, referral: m.Referral, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.found: dict[str, tuple[m.ImpactStatement, Finding]] = {}
        choices: list[tuple[str, str]] = []
        lang = "ar" if language == "ar" else "en"
        for statement in referral.statements.order_by("-version"):
            for item in findings(statement.version, statement.impact):
                self.found[item.value] = (statement, item)
                shown = cited(item.to_dict(), lang)
                parts = [
                    str(_("Statement version %(v)s") % {"v": statement.version}),
                    shown["reform"],
                    f"{shown['test']}: {shown['finding']}",
                ]
                if shown["label"]:
                    parts.append(shown["label"])
                choices.append((item.value, " · ".join(parts)))
        self.fields["finding"].choices = choices  # type: ignore[attr-defined]

    def cited(self) -> dict[str, Any]:
        """The service's arguments for the finding chosen."""
        statement, item = self.found[self.cleaned_data["finding"]]
        return {
            "statement": statement,
            "reform": item.reform,
            "test": item.test,
            "key": item.key,
            "note_en": self.cleaned_data["note_en"],
            "note_ar": self.cleaned_data["note_ar"],
        }


class AmendmentForm(Form):
    recommendation = forms.TypedChoiceField(label=_("Amends"), coerce=int)
    text_ar = _text(_("Proposed text (Arabic)"), required=False, rows=3)
    text_en = _text(_("Proposed text (English)"), required=False, rows=3)
    justification = _text(_("Justification"), rows=3)

    def __init__(self, *args: Any, opinion: m.Opinion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[int, Any]] = [(0, _("A new recommendation"))]
        for rec in opinion.recommendations.all():
            choices.append((rec.number, _("Recommendation %(n)s") % {"n": rec.number}))
        self.fields["recommendation"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _both_languages(data, "text_en", "text_ar", self)
        return data


class BallotForm(Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=m.Choice.choices, widget=forms.RadioSelect
    )


class ResponseForm(Form):
    verdict = forms.ChoiceField(
        label=_("Response"), choices=m.Verdict.choices, widget=forms.RadioSelect
    )
    justification = _text(_("Justification"), rows=4)
    note = _line(_("Correction note (for a new version)"), required=False)


def series_choices() -> list[tuple[str, str]]:
    from insaf.web.core.templatetags.insaf import tr

    out = [("", str(_("Total (everyone)")))]
    for cat in _group_choices():
        out.append(
            (f"{cat.dimension.code}={cat.code}", f"{tr(cat.dimension, 'name')}: {tr(cat, 'name')}")
        )
    return out


class CommitmentForm(Form):
    title_ar = _line(_("Commitment (Arabic)"), required=False)
    title = _line(_("Commitment (English)"))
    description_ar = _text(_("What will be done (Arabic)"), required=False, rows=3)
    description = _text(_("What will be done (English)"), required=False, rows=3)
    owner_ar = _line(_("Owner (Arabic)"), required=False, max_length=200)
    owner = _line(_("Owner (unit or official responsible, English)"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    baseline_period = forms.IntegerField(
        label=_("Baseline year (indicator movement is measured from it)"),
        min_value=1990,
        max_value=2100,
    )
    indicator = IndicatorOne(label=_("Indicator"), queryset=Indicator.objects.all())
    key = forms.ChoiceField(label=_("Group"), required=False)
    expected = forms.ChoiceField(label=_("Expected change"), choices=m.Expected.choices)
    indicator_2 = IndicatorOne(
        label=_("Second indicator (optional)"), queryset=Indicator.objects.all(), required=False
    )
    key_2 = forms.ChoiceField(label=_("Group"), required=False)
    expected_2 = forms.ChoiceField(
        label=_("Expected change"), choices=m.Expected.choices, required=False
    )
    milestones = forms.CharField(
        label=_("Milestones, one a line: YYYY-MM-DD title (English) | title (Arabic)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = series_choices()
        self.fields["key"].choices = choices  # type: ignore[attr-defined]
        self.fields["key_2"].choices = choices  # type: ignore[attr-defined]

    def clean_milestones(self) -> list[tuple[str, str, dt.date]]:
        out: list[tuple[str, str, dt.date]] = []
        for number, line in enumerate(self.cleaned_data.get("milestones", "").splitlines(), 1):
            if not line.strip():
                continue
            day, _sep, title = line.strip().partition(" ")
            try:
                due = dt.date.fromisoformat(day)
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)s: start with a date such as 2025-06-30.") % {"n": number}
                ) from None
            title, _bar, title_ar = title.partition("|")
            if not title.strip():
                raise forms.ValidationError(_("Line %(n)s: name the milestone.") % {"n": number})
            out.append((title.strip(), title_ar.strip(), due))
        return out

    def tracked(self) -> list[tuple[Indicator, str, str]]:
        data = self.cleaned_data
        out = [(data["indicator"], data.get("key") or "", data["expected"])]
        if data.get("indicator_2") is not None:
            out.append((data["indicator_2"], data.get("key_2") or "", data.get("expected_2") or ""))
        return out


class StatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=m.CommitmentStatus.choices)
    note_ar = _text(_("What happened (Arabic)"), required=False, rows=3, max_length=2000)
    note = _text(_("What happened (English)"), rows=3, max_length=2000)


class MilestoneForm(Form):
    title_ar = _line(_("Milestone (Arabic)"), required=False)
    title = _line(_("Milestone (English)"))
    due = forms.DateField(label=_("Due"), widget=DateInput())


class MilestoneDoneForm(Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("Done on"), widget=DateInput())


class PetitionForm(Form):
    title = _line(_("Title"))
    text = _text(_("What the council should examine"), rows=6)
    ministry = MinistryChoice(label=_("Ministry concerned"), queryset=m.Ministry.objects)


class CorrectionForm(Form):
    note_ar = _text(
        _("What is corrected and why (Arabic)"), required=False, rows=2, max_length=2000
    )
    note = _text(_("What is corrected and why (English)"), rows=2, max_length=2000)
    text_ar = _text(_("Opinion (Arabic)"), required=False, max_length=100_000, rows=8)
    text_en = _text(_("Opinion (English)"), required=False, max_length=100_000, rows=8)

    def __init__(self, *args: Any, opinion: m.Opinion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.numbers: list[int] = []
        for rec in opinion.recommendations.all():
            self.numbers.append(rec.number)
            self.fields[f"rec_{rec.number}_ar"] = _text(
                _("Recommendation %(n)s (Arabic)") % {"n": rec.number}, required=False, rows=2
            )
            self.fields[f"rec_{rec.number}_en"] = _text(
                _("Recommendation %(n)s (English)") % {"n": rec.number}, required=False, rows=2
            )
            self.initial.setdefault(f"rec_{rec.number}_ar", rec.text_ar)
            self.initial.setdefault(f"rec_{rec.number}_en", rec.text_en)
        self.initial.setdefault("text_ar", opinion.text_ar)
        self.initial.setdefault("text_en", opinion.text_en)
        self.mark_languages()

    def recommendations(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {n: (data[f"rec_{n}_en"], data[f"rec_{n}_ar"]) for n in self.numbers}


class VerifyForm(Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    method = _line(_("How the identity was checked"), max_length=200)
